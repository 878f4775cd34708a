"""Several web app processes share their rate-limit counters through Redis
(RATE_LIMIT_STORAGE_URL), against a real redis-server on loopback; Redis down is a 503."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import load_settings
from bot.web.app import create_app
from tests.factories import SESSION_SECRET, free_port
from tests.scale.test_lock_store import redis_port  # noqa: F401 - the redis-server fixture


def _app(database: str, storage_url: str):
    settings = load_settings(
        {
            "DATABASE_URL": database,
            "SESSION_SECRET": SESSION_SECRET,
            "PUBLIC_BASE_URL": "http://help.example.test",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
            "RATE_LIMIT_STORAGE_URL": storage_url,
            "RATE_LIMIT_ADDRESS": "4 per minute",
        }
    )
    return create_app(settings, rasa_url=f"http://127.0.0.1:{free_port()}")  # Rasa down: 503


async def test_two_web_app_processes_share_the_counters(database, redis_port):  # noqa: F811
    url = f"redis://127.0.0.1:{redis_port}/0"
    async with (
        TestClient(TestServer(_app(database, url))) as first,
        TestClient(TestServer(_app(database, url))) as second,
    ):
        statuses = []
        for n in range(6):  # the load balancer alternates between the two
            client = first if n % 2 == 0 else second
            response = await client.post("/webhooks/rest/webhook", json={"message": "bonjour"})
            statuses.append(response.status)
    # Rasa is down (503) for the 4 the limit lets through, then 429: counted across both.
    assert statuses == [503, 503, 503, 503, 429, 429]


async def test_without_redis_the_chat_is_unavailable_not_an_error(database, caplog):
    app = _app(database, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/webhooks/rest/webhook", json={"message": "bonjour"})
        assert response.status == 503 and await response.json() == {"error": "unavailable"}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert any("rate-limit storage unavailable" in r.getMessage() for r in caplog.records)


pytestmark = pytest.mark.timeout(120)
