"""Shared fixtures: a fresh migrated SQLite database and a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import db
from bot.settings import reset_settings
from tests.factories import SmtpServer, free_port


@pytest.fixture
def database(tmp_path, monkeypatch) -> Iterator[str]:
    """A migrated database in a temporary file, configured as DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'onboarding.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://help.example.test")
    monkeypatch.delenv("SMTP_HOST", raising=False)
    # Nothing listens there: mail stays in the outbox unless a test starts `smtp_server`.
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SMTP_TIMEOUT", "2")
    reset_settings()
    db.upgrade(url)
    yield url
    db.dispose_engines()
    reset_settings()


@pytest.fixture
def session(database):
    with db.session_scope(database) as session:
        yield session


@pytest.fixture
def smtp_server(database, monkeypatch) -> Iterator[SmtpServer]:
    port = free_port()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    reset_settings()
    server = SmtpServer(port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """The real product on free loopback ports (tests/e2e/conftest.py), started once for the
    whole run: tests/e2e and tests/web share it. (A fixture imported into a test module is a
    second fixture, with servers of its own.)"""
    from tests.e2e.conftest import start_servers  # here: that module imports this one

    yield from start_servers(tmp_path_factory)
