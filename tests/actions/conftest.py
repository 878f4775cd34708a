"""Fixtures of the action tests; the helpers themselves are in helpers.py."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import db
from bot.checks.identifiers import CompanyId
from bot.responses import load_domain
from bot.settings import reset_settings
from tests import factories
from tests.actions.helpers import ACME, ACME_CODE


@pytest.fixture(scope="session")
def domain() -> dict:
    """The domain as Rasa sends it to the action server: a plain dict (bot.responses)."""
    return load_domain()


@pytest.fixture
def invite(database):
    """Create invitations in the test database (``database`` comes from tests/conftest.py)."""

    def create(
        company: CompanyId = ACME,
        code: str = ACME_CODE,
        customer: str = "ACME",
        issued_at: datetime | None = None,
    ) -> None:
        factories.invite(None, company, code=code, customer=customer, issued_at=issued_at)

    return create


@pytest.fixture
def database_down(database, tmp_path, monkeypatch):
    """The configured database answers with errors (here: a file without the schema)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'down' / 'no-schema.db'}")
    reset_settings()
    db.dispose_engines()
    yield
    db.dispose_engines()
