"""Migration 0005 on a database holding invitations and mails written before it."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, inspect, text

from bot import db
from bot.checks.identifiers import CompanyId
from bot.registration.invitations import InvitationStatus, verify_invitation
from bot.settings import reset_settings

SENT = "Votre code d'invitation : K7M4-PQ2X-9RTB-3HWD\nLien : https://x.test/?invitation=K7M4PQ2X9RTB3HWD"


@pytest.fixture(params=["sqlite", "postgresql"])
def before_0005(request, tmp_path, monkeypatch):
    """A database at 0004 with rows in it, on both backends the product runs on."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'onboarding.db'}"
    else:
        url = request.getfixturevalue("postgres").new_database()
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings()
    db.upgrade(url, "0004")
    engine = create_engine(url, future=True)
    now = datetime(2026, 11, 1, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO invitations (code, customer, country, company_id, issued_at,"
                " created_at) VALUES ('K7M4PQ2X9RTB3HWD', 'ACME', 'FR', '732829320', :n, :n)"
            ),
            {"n": now},
        )
        for sent_at in (now, None):  # one invitation mail sent, one still waiting
            connection.execute(
                text(
                    "INSERT INTO outbox (kind, to_address, subject, text_body, html_body,"
                    " created_at, attempts, next_attempt_at, sent_at)"
                    " VALUES ('invitation', 's@x.fr', 'Invitation', :b, :b, :n, 0, :n, :s)"
                ),
                {"b": SENT, "n": now, "s": sent_at},
            )
    engine.dispose()
    yield url
    db.dispose_engines()
    reset_settings()


def test_existing_codes_are_hashed_and_still_found(before_0005):
    db.upgrade(before_0005)
    engine = create_engine(before_0005, future=True)
    columns = [c["name"] for c in inspect(engine).get_columns("invitations")]
    with engine.connect() as connection:
        row = connection.execute(text("SELECT code_hash, code_prefix FROM invitations")).one()
    engine.dispose()
    assert "code" not in columns
    assert row == (hashlib.sha256(b"K7M4PQ2X9RTB3HWD").hexdigest(), "K7M4")
    with db.session_scope(before_0005) as session:
        check = verify_invitation(
            session,
            CompanyId("FR", "732829320"),
            "k7m4-pq2x-9rtb-3hwd",
            now=datetime(2026, 11, 2, tzinfo=timezone.utc),
        )
        assert check.status is InvitationStatus.VALID


def test_sent_invitation_mails_lose_the_code_and_waiting_ones_keep_it(before_0005):
    db.upgrade(before_0005)
    engine = create_engine(before_0005, future=True)
    with engine.connect() as connection:
        bodies = connection.execute(
            text("SELECT sent_at IS NOT NULL AS sent, text_body, html_body FROM outbox ORDER BY id")
        ).all()
    engine.dispose()
    (sent, *sent_bodies), (waiting, *waiting_bodies) = bodies
    assert sent and not waiting
    for body in sent_bodies:
        assert "PQ2X" not in body and "K7M4PQ2X" not in body
        assert "masqué une fois envoyé" in body
    assert waiting_bodies == [SENT, SENT]  # still to be sent: the supplier needs the code


def test_there_is_no_way_back_to_codes_in_clear(before_0005):
    from alembic import command

    db.upgrade(before_0005)
    with pytest.raises(NotImplementedError, match="hashes"):
        command.downgrade(db.alembic_config(before_0005), "0004")
