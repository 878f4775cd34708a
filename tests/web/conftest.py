"""The web app on a temporary migrated database, through aiohttp's test client.

Rasa is "down" by default (a loopback port nobody listens on); tests that need the real Rasa
use the `servers` fixture of tests/e2e.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import load_settings
from bot.web.app import create_app
from tests.factories import SESSION_SECRET, free_port


@pytest.fixture
def mailbox_dir(tmp_path) -> Path:
    return tmp_path / "mailbox"


@pytest.fixture
def make_app(database, mailbox_dir, monkeypatch) -> Callable[..., web.Application]:
    """The app with the current environment's settings; Rasa and the action server down."""

    def make(rasa_url: str | None = None) -> web.Application:
        monkeypatch.setenv("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}/webhook")
        monkeypatch.setenv("SESSION_SECRET", SESSION_SECRET)
        return create_app(
            load_settings(),
            rasa_url=rasa_url or f"http://127.0.0.1:{free_port()}",
            mailbox_dir=mailbox_dir,
        )

    return make


@pytest.fixture
async def client(make_app) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app())) as test_client:
        yield test_client
