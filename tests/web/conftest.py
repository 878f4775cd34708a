"""The web app on a temporary migrated database, through aiohttp's test client.

Rasa is "down" by default (a loopback port nobody listens on); tests that need the real Rasa
use the `servers` fixture of tests/e2e.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import hash_password
from bot.models import OutboxMail
from bot.registration.accounts import Registration, register
from bot.registration.invitations import create_invitation
from bot.settings import load_settings
from bot.web.app import create_app
from tests.conftest import free_port

PASSWORD_HASH = hash_password("Tr0ub4dor&3-Quai")  # once: argon2id is slow on purpose


@pytest.fixture
def mailbox_dir(tmp_path) -> Path:
    return tmp_path / "mailbox"


@pytest.fixture
def make_app(database, mailbox_dir, monkeypatch) -> Callable[..., web.Application]:
    """The app with the current environment's settings; Rasa and the action server down."""

    def make(rasa_url: str | None = None) -> web.Application:
        monkeypatch.setenv("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}/webhook")
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


def register_supplier(
    database_url: str,
    email: str,
    *,
    language: str = "fr",
    code: str = "WEBT-FR00-0000-0001",
    company: CompanyId = CompanyId("FR", "732829320"),
    registered_at: datetime | None = None,
) -> str:
    """A pending account as the conversation creates it; returns its activation token."""
    now = registered_at or db.utcnow()
    with db.session_scope(database_url) as session:
        create_invitation(session, company, "ACME", code=code, issued_at=now - timedelta(days=3))
        register(
            session,
            Registration(
                company_id=company,
                invitation_code=code,
                email=email,
                password_hash=PASSWORD_HASH,
                first_name="Jean",
                last_name="Dupont",
                phone="+33612345678",
                language=language,
            ),
            now=now,
        )
        mail = session.scalars(
            select(OutboxMail)
            .where(OutboxMail.kind == "activation", OutboxMail.to_address == email)
            .order_by(OutboxMail.id.desc())
        ).first()
        return activation_token_in(mail.text_body)


def activation_token_in(text: str) -> str:
    link = next(word for word in text.split() if "/activate?" in word)
    return parse_qs(urlparse(link).query)["token"][0]
