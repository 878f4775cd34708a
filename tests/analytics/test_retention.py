"""Purge past retention and erasure on request remove what they say, and nothing else."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from analytics_data import (  # noqa: F401 - fixtures
    ROOT,
    WEEK_2,
    run_cli,
    scenarios,
    store_file_fixture,
    tracker_url_fixture,
)
from sqlalchemy import create_engine, select, text

from bot import db
from bot.analytics.retention import ERASED, erase, purge
from bot.mail.outbox import queue_mail
from bot.models import OutboxMail, RegistrationDraft, Ticket
from bot.registration.tickets import HandoffReason, Progress, Step, open_ticket


def stored(url: str) -> Counter:
    """Every stored event as (conversation, type, timestamp): what must remain, exactly."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, type_name, timestamp FROM events"))
        result = Counter((r.sender_id, r.type_name, round(r.timestamp, 3)) for r in rows)
    engine.dispose()
    return result


def written() -> Counter:
    return Counter(
        (s.sender, e.type_name, round(e.timestamp, 3)) for s in scenarios() for e in s.events
    )


def test_the_store_holds_what_the_scenarios_wrote(tracker_url):
    assert stored(tracker_url) == written()


def test_purge_removes_exactly_the_events_past_retention(tracker_url, database):
    # 90 days after Monday of week 46, 4 h 30: conversations 1-9 are wholly older, the first
    # session of fr-two-sessions (4 h) too, its second session (6 h) and the rest are not.
    now = WEEK_2 + timedelta(days=90, hours=4, minutes=30)
    cutoff = (WEEK_2 + timedelta(hours=4, minutes=30)).timestamp()
    expected_kept = Counter({k: n for k, n in written().items() if k[2] >= round(cutoff, 3)})
    deleted = sum(written().values()) - sum(expected_kept.values())

    result = purge(tracker_url, timedelta(days=90), accounts_url=database, now=now)

    assert result.events == deleted
    assert result.conversations_removed == 9
    assert result.conversations_touched == 10
    assert stored(tracker_url) == expected_kept
    assert {k[0] for k in expected_kept} == {
        "fr-two-sessions",
        "en-taken",
        "fr-left-early",
    }
    # Nothing in the accounts database is older than the cutoff: the drafts stay.
    assert result.drafts == 0
    with db.session_scope(database) as session:
        assert session.scalar(select(RegistrationDraft).limit(1)) is not None


def test_purge_deletes_the_old_drafts_only(tracker_url, database):
    # onupdate would refresh updated_at on an ORM update; write it directly instead.
    with db.session_scope(database) as session:
        session.execute(
            RegistrationDraft.__table__.update()
            .where(RegistrationDraft.conversation_id == "fr-activated")
            .values(updated_at=db.utcnow() - timedelta(days=200))
        )
    result = purge(tracker_url, timedelta(days=90), accounts_url=database, now=db.utcnow())
    assert result.drafts == 1
    with db.session_scope(database) as session:
        left = set(session.scalars(select(RegistrationDraft.conversation_id)))
    assert left == {"en-pending", "fr-two-sessions", "en-taken"}


def _tickets_and_mail(database):
    with db.session_scope(database) as session:
        for conversation in ("fr-two-sessions", "fr-mismatch", "en-used"):
            open_ticket(
                session,
                conversation_id=conversation,
                language="fr",
                reason=HandoffReason.USER_REQUEST,
                progress=Progress(Step.COMPANY, first_name="Jean", last_name=conversation),
                contact_email=f"{conversation}@contact.example",
            )
        queue_mail(
            session,
            "invitation",
            "paul@example.fr",
            "fr",
            customer="ACME",
            code="ACME…",
            company_id="732 829 320",
            country="FR",
            invitation_url="https://help.example.test/?invitation=x",
            expires_on="01/01/2027",
        )


def snapshot(database):
    with db.session_scope(database) as session:
        tickets = {t.conversation_id: t.summary for t in session.scalars(select(Ticket))}
        drafts = set(session.scalars(select(RegistrationDraft.conversation_id)))
        mails = {(m.kind, m.to_address, m.text_body) for m in session.scalars(select(OutboxMail))}
    return tickets, drafts, mails


def test_erase_by_email_removes_that_supplier_and_nothing_else(tracker_url, database):
    _tickets_and_mail(database)
    events_before = stored(tracker_url)
    tickets, drafts, mails = snapshot(database)

    result = erase(tracker_url, email="Anne@Example.fr", accounts_url=database)

    assert result.conversations == ["fr-two-sessions"]
    assert result.events == sum(n for k, n in events_before.items() if k[0] == "fr-two-sessions")
    assert stored(tracker_url) == Counter(
        {k: n for k, n in events_before.items() if k[0] != "fr-two-sessions"}
    )
    assert result.tickets == 1 and result.drafts == 1
    assert result.account_kept == "pending"
    tickets_after, drafts_after, mails_after = snapshot(database)
    assert tickets_after == {**tickets, "fr-two-sessions": ERASED}
    assert drafts_after == drafts - {"fr-two-sessions"}
    # The support email about that conversation is gone; the account's activation mail stays.
    gone = {m for m in mails if m[0] == "support_ticket" and "fr-two-sessions" in m[2]}
    assert len(gone) == 1 and result.mails == 1
    assert mails_after == mails - gone
    assert any(m[0] == "activation" and m[1] == "anne@example.fr" for m in mails_after)


def test_erase_without_account_removes_the_mail_to_the_address(tracker_url, database):
    _tickets_and_mail(database)
    result = erase(tracker_url, email="paul@example.fr", accounts_url=database)
    assert result.conversations == ["fr-password"]
    assert result.account_kept is None
    assert result.mails == 1  # the pending invitation mail to paul
    _, _, mails = snapshot(database)
    assert not any(m[1] == "paul@example.fr" for m in mails)
    assert not any(k[0] == "fr-password" for k in stored(tracker_url))


def test_erase_one_conversation(tracker_url, database):
    _tickets_and_mail(database)
    tickets, drafts, _ = snapshot(database)
    others = Counter({k: n for k, n in stored(tracker_url).items() if k[0] != "en-used"})
    result = erase(tracker_url, conversation_id="en-used", accounts_url=database)
    assert result.conversations == ["en-used"] and result.tickets == 1
    assert stored(tracker_url) == others
    tickets_after, drafts_after, _ = snapshot(database)
    assert tickets_after == {**tickets, "en-used": ERASED}
    assert drafts_after == drafts


def test_erase_removes_the_contact_address_and_details_of_the_tickets(tracker_url, database):
    _tickets_and_mail(database)
    erase(tracker_url, conversation_id="en-used", accounts_url=database)
    with db.session_scope(database) as session:
        ticket = session.scalars(select(Ticket).where(Ticket.conversation_id == "en-used")).one()
        assert (ticket.summary, ticket.contact_email, ticket.details) == (ERASED, None, None)


def test_erase_by_a_contact_address_finds_the_conversation_of_its_ticket(tracker_url, database):
    # The conversation logs keep the contact address masked: the ticket is where it is found.
    _tickets_and_mail(database)
    result = erase(tracker_url, email="fr-mismatch@contact.example", accounts_url=database)
    assert "fr-mismatch" in result.conversations and result.tickets == 1
    tickets, _, _ = snapshot(database)
    assert tickets["fr-mismatch"] == ERASED


def test_erase_of_an_unknown_address_removes_nothing(tracker_url, database):
    before = stored(tracker_url)
    result = erase(tracker_url, email="nobody@example.org", accounts_url=database)
    assert result.nothing_found
    assert stored(tracker_url) == before


# `python -m bot` with the clock of the process frozen at a given instant (freezegun).
def test_cli_purge_and_erase(tracker_url, database):
    # The scenarios are dated: the clock is set relative to them, not to the day tests run.
    result = run_cli("purge", "--older-than", "90d", at=WEEK_2 + timedelta(days=30))
    assert result.returncode == 0, result.stderr
    assert "Conversation events deleted: 0 (0 conversations touched" in result.stdout
    # As in test_purge_removes_exactly_the_events_past_retention, through the command.
    now = WEEK_2 + timedelta(days=90, hours=4, minutes=30)
    cutoff = round((WEEK_2 + timedelta(hours=4, minutes=30)).timestamp(), 3)
    deleted = sum(n for k, n in stored(tracker_url).items() if k[2] < cutoff)
    assert deleted > 0
    result = run_cli("purge", "--older-than", "90d", at=now)
    assert result.returncode == 0, result.stderr
    assert (
        f"Conversation events deleted: {deleted} (10 conversations touched, 9 removed entirely)"
        in result.stdout
    )
    result = run_cli("erase", "--email", "john@example.co.uk")
    assert result.returncode == 0, result.stderr
    assert "conversations: 1 (en-pending)" in result.stdout
    assert "Kept: the pending account of john@example.co.uk" in result.stdout
    assert not any(k[0] == "en-pending" for k in stored(tracker_url))
    result = run_cli("erase", "--conversation", "no-such-conversation")
    assert result.returncode == 0
    assert "nothing removed" in result.stdout


def test_cli_purge_defaults_to_the_retention_setting(tracker_url, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "30")
    result = run_cli("purge")
    assert result.returncode == 0, result.stderr
    assert "Retention: 30 days" in result.stdout


def test_erasing_one_conversation_removes_its_support_mail_and_no_other(tracker_url, database):
    # Conversation ids are matched exactly: "_" and "%" are no wildcards, and "conv-1" is not
    # a part of "conv-12".
    ids = ["conv_1", "conv%", "conv-1", "conv-12", "convX1"]
    with db.session_scope(database) as session:
        for conversation in ids:
            open_ticket(
                session,
                conversation_id=conversation,
                language="fr",
                reason=HandoffReason.USER_REQUEST,
                progress=Progress(Step.COMPANY, last_name=conversation),
            )

    def support_mails() -> set[str]:
        with db.session_scope(database) as session:
            rows = session.scalars(select(OutboxMail).where(OutboxMail.kind == "support_ticket"))
            return {m.text_body.split("- Nom : ")[1].split()[0] for m in rows}

    for gone in ("conv_1", "conv%", "conv-1"):
        result = erase(tracker_url, conversation_id=gone, accounts_url=database)
        assert result.mails == 1
        ids.remove(gone)
        assert support_mails() == set(ids)
