"""The same-origin proxy to Rasa's REST channel and /healthz, against the real Rasa server
(tests/e2e's `servers`) and against Rasa down, slow or failing. The chat session, the limits
and the password check: tests/web/test_web_chat.py."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import load_settings
from bot.web import chat
from bot.web.app import create_app
from tests.factories import SESSION_SECRET, free_port

# Starting the real Rasa server (the `servers` fixture) takes minutes on a busy machine.
LIVE = pytest.mark.timeout(1800)


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


@pytest.fixture
async def live(servers) -> TestClient:
    settings = load_settings(
        {
            "DATABASE_URL": servers.database_url,
            "ACTION_ENDPOINT_URL": servers.action_endpoint_url,
            "SESSION_SECRET": SESSION_SECRET,
        }
    )
    async with TestClient(TestServer(create_app(settings, rasa_url=servers.rasa_url))) as client:
        yield client


@LIVE
async def test_messages_reach_the_real_rasa_and_come_back(live):
    response = await live.post(
        "/webhooks/rest/webhook",
        json={
            "message": "/start_registration",
            "metadata": {"language": "en", "invitation_code": "WEBP-GB00-0000-0001"},
        },
    )
    assert response.status == 200 and response.content_type == "application/json"
    replies = await response.json()
    assert "invitation code is already filled in" in texts(replies)
    # The conversation id is the server's: the page gets the answers without it.
    assert replies and not any("recipient_id" in reply for reply in replies)

    french = await live.post(
        "/webhooks/rest/webhook",
        json={
            "message": "Bonjour, je voudrais créer mon compte fournisseur",
            "metadata": {"language": "fr"},
        },
    )
    assert "dans quel pays" in texts(await french.json()).lower()


@LIVE
async def test_health_is_all_green_when_everything_answers(live):
    response = await live.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"database": True, "rasa": True, "actions": True}


@LIVE
async def test_only_the_chat_endpoint_of_rasa_is_reachable(live):
    for method, path in [
        ("GET", "/status"),
        ("GET", "/version"),
        ("POST", "/model/parse"),
        ("GET", "/conversations/abc/tracker"),
        ("GET", "/webhooks/rest/"),
        ("GET", "/webhooks/rest/webhook"),
    ]:
        response = await live.request(method, path)
        assert response.status in (404, 405), path
        assert "Rasa" not in await response.text()


async def test_rasa_down_is_a_503_the_widget_can_explain(client):
    response = await client.post("/webhooks/rest/webhook", json={"message": "bonjour"})
    assert response.status == 503 and await response.json() == {"error": "unavailable"}


NESTED = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'"text"',
        NESTED.encode(),
        ("[" * 30_000 + "]" * 30_000).encode(),  # deeper than Python's recursion limit
        b"1" * 20_000,  # an integer too long to read
        json.dumps({"metadata": {"language": "fr"}}).encode(),
        json.dumps({"message": ""}).encode(),
        json.dumps({"message": 12}).encode(),
        json.dumps({"message": ["bonjour"]}).encode(),
        json.dumps({"message": "\ud800"}).encode(),  # a lone surrogate: no UTF-8 for it
        json.dumps({"message": "bonjour", "metadata": "fr"}).encode(),
        json.dumps({"message": "bonjour", "metadata": {"language": "de"}}).encode(),
        json.dumps({"message": "bonjour", "metadata": {"language": ["fr"]}}).encode(),
        ('{"message": "bonjour", "metadata": {"x": ' + "[" * 500 + "]" * 500 + "}}").encode(),
        json.dumps({"message": "bonjour", "metadata": {"invitation_code": "A" * 65}}).encode(),
        json.dumps({"message": "bonjour", "metadata": {"Bad Key": "x"}}).encode(),
        json.dumps({"message": "bonjour", "thread": "not-a-thread"}).encode(),
        json.dumps({"message": "bonjour", "thread": 12}).encode(),
        json.dumps({"message": "x" * 5001}).encode(),
    ],
)
async def test_a_malformed_message_is_a_400(client, body, caplog):
    response = await client.post(
        "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400 and await response.json() == {"error": "bad_request"}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


async def test_an_oversized_body_is_refused_without_reading_it_all(client):
    body = json.dumps({"message": "x" * 200_000}).encode()
    response = await client.post(
        "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 413 and await response.json() == {"error": "too_large"}


async def _stand_in_rasa(handler) -> TestServer:
    """A local HTTP server in Rasa's place, to reproduce a slow or failing Rasa."""
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", handler)
    server = TestServer(app)
    await server.start_server()
    return server


async def test_a_slow_or_failing_rasa_is_a_503(make_app, monkeypatch):
    monkeypatch.setenv("MESSAGE_TIMEOUT", "0.5")  # Rasa's own limit; the proxy waits longer

    async def slow(request):
        await asyncio.sleep(5)
        return web.json_response([])

    async def failing(request):
        return web.Response(status=500, text="Traceback (most recent call last): ...")

    async def not_a_list(request):
        return web.json_response({"oops": True})

    monkeypatch.setattr(chat, "RASA_TIMEOUT_MARGIN_SECONDS", 0.5)
    for handler in (slow, failing, not_a_list):
        rasa = await _stand_in_rasa(handler)
        try:
            app = make_app(rasa_url=str(rasa.make_url("")))
            async with TestClient(TestServer(app)) as client:
                response = await client.post("/webhooks/rest/webhook", json={"message": "bonjour"})
                assert response.status == 503, handler.__name__
                assert await response.json() == {"error": "unavailable"}
        finally:
            await rasa.close()


async def test_the_proxy_forwards_the_message_metadata_and_a_sender_it_derived(make_app):
    received: list[dict] = []

    async def echo(request):
        body = await request.json()
        received.append(body)
        return web.json_response([{"recipient_id": body["sender"], "text": "Bonjour !"}])

    rasa = await _stand_in_rasa(echo)
    try:
        async with TestClient(TestServer(make_app(rasa_url=str(rasa.make_url(""))))) as client:
            response = await client.post(
                "/webhooks/rest/webhook",
                json={
                    "sender": "chosen-by-the-browser",
                    "message": "bonjour",
                    "metadata": {
                        "language": "fr",
                        "invitation_code": "ACME-FR00-0000-0001",
                        "client_reference": "chosen-by-the-browser",
                    },
                    "extra": "dropped",
                },
            )
            assert await response.json() == [{"text": "Bonjour !"}]
    finally:
        await rasa.close()
    [forwarded] = received
    assert set(forwarded) == {"sender", "message", "metadata"}
    assert forwarded["message"] == "bonjour"
    client = forwarded["metadata"].pop("client_reference")
    assert forwarded["metadata"] == {"language": "fr", "invitation_code": "ACME-FR00-0000-0001"}
    # The client's reference (the handoff limit per address) is the web app's, never the
    # browser's: an HMAC of the address.
    assert re.fullmatch(r"[0-9a-f]{32}", client)
    # The browser's sender is ignored: the conversation id is derived from the session cookie.
    assert re.fullmatch(r"[0-9a-f]{32}", forwarded["sender"])


async def test_health_reports_what_is_down(client):
    response = await client.get("/healthz")
    assert response.status == 503
    assert await response.json() == {"database": True, "rasa": False, "actions": False}


async def test_health_reports_a_database_that_does_not_answer(tmp_path, monkeypatch):
    for url in (
        f"sqlite:///{tmp_path / 'never-migrated.db'}",  # no schema
        f"sqlite:///{tmp_path / 'missing-folder' / 'x' / 'a.db'}",
    ):
        settings = load_settings(
            {
                "DATABASE_URL": url,
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/w",
                "SESSION_SECRET": SESSION_SECRET,
            }
        )
        app = create_app(settings, rasa_url=f"http://127.0.0.1:{free_port()}")
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/healthz")
            assert response.status == 503
            assert (await response.json())["database"] is False
