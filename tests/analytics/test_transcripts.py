"""Transcripts: redacted, one per conversation; each handoff ticket links to its console page."""

from __future__ import annotations

import json

import pytest
from analytics_data import (  # noqa: F401 - fixtures
    ROOT,
    WEEK_2,
    Script,
    run_cli,
    store_file_fixture,
    tracker_url_fixture,
    write_tracker_store,
)
from sqlalchemy import select

from bot import db
from bot.models import OutboxMail
from bot.registration.tickets import HandoffReason, Progress, Step, open_ticket


def records(output: str) -> dict[str, dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    return {record["conversation_id"]: record for record in lines}


def test_transcripts_by_outcome_with_step_and_outcome(tracker_url):
    result = run_cli("transcripts", "--outcome", "escalated")
    assert result.returncode == 0, result.stderr
    found = records(result.stdout)
    assert set(found) == {"fr-mismatch", "en-used"}
    assert found["fr-mismatch"]["step_reached"] == "company_identified"
    assert found["en-used"]["language"] == "en"
    messages = found["fr-mismatch"]["messages"]
    assert messages[0] == {
        "at": messages[0]["at"],
        "from": "user",
        "text": "je voudrais créer mon compte",
        "intent": "start_registration",
        "confidence": 0.95,  # what the assistant understood, and how sure it was
    }
    assert any(m.get("response") == "utter_invitation_mismatch" for m in messages)
    result = run_cli("transcripts", "--outcome", "registered", "--since", "2026-11-09")
    assert set(records(result.stdout)) == {"fr-two-sessions", "en-taken"}


def test_transcripts_by_email(tracker_url):
    result = run_cli("transcripts", "--email", "marie@example.fr")
    assert result.returncode == 0, result.stderr
    found = records(result.stdout)
    assert set(found) == {"fr-activated"}
    record = found["fr-activated"]
    assert record["outcome"] == "registered" and record["step_reached"] == "account_activated"
    # What the supplier was told about the password is there (the answers are redacted).
    assert any("il manque une majuscule" in m["text"] for m in record["messages"])


def test_transcripts_mask_codes_in_rows_written_before_redaction(tmp_path, database, monkeypatch):
    script = Script("old-row", WEEK_2, "fr")
    script.not_understood("mon code est ACME-FR00-0000-0001")
    url = write_tracker_store(tmp_path / "raw.db", [script], redacting=False)
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    result = run_cli("transcripts", "--conversation", "old-row", "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "## Conversation old-row" in result.stdout
    assert "mon code est ACME…" in result.stdout
    assert "0000-0001" not in result.stdout


def test_each_ticket_email_links_to_the_ticket_page_of_the_console(tracker_url, database):
    with db.session_scope(database) as session:
        ticket = open_ticket(
            session,
            conversation_id="en-used",
            language="en",
            reason=HandoffReason.USER_REQUEST,
            progress=Progress(Step.COMPANY, country="GB", company_id="SC123456"),
        )
    with db.session_scope(database) as session:
        mail = session.scalars(select(OutboxMail).where(OutboxMail.kind == "support_ticket")).one()
        body, html = mail.text_body, mail.html_body
    link = f"https://help.example.test/console/tickets/{ticket.reference}"
    assert link in body and f'href="{link}"' in html
    assert "python -m bot" not in body  # support clicks, nobody runs a command on the server
    assert "en-used" not in body and "en-used" not in html  # the mail never names the conversation


def test_the_transcripts_command_prints_one_conversation_as_markdown(tracker_url, database):
    with db.session_scope(database) as session:
        ticket = open_ticket(
            session,
            conversation_id="en-used",
            language="en",
            reason=HandoffReason.USER_REQUEST,
            progress=Progress(Step.COMPANY, country="GB", company_id="SC123456"),
        )
    # On the server, by the ticket's reference (the conversation id is not handed out).
    result = run_cli("transcripts", "--ticket", ticket.reference, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "## Conversation en-used" in result.stdout
    assert "- outcome: escalated" in result.stdout
    assert "**Supplier**" in result.stdout and "**Assistant**" in result.stdout


@pytest.mark.parametrize(
    ("reference", "message"),
    [("T-999999", "no ticket T-999999"), ("conv-1", "a ticket reference looks like T-000123")],
)
def test_an_unknown_ticket_is_said_plainly(tracker_url, database, reference, message):
    result = run_cli("transcripts", "--ticket", reference)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_conversation_is_said_plainly(tracker_url):
    result = run_cli("transcripts", "--conversation", "nope")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "No conversation with the id 'nope'." in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["transcripts", "--outcome", "lost"], "invalid choice"),
        (["transcripts", "--format", "pdf"], "invalid choice"),
        (["transcripts", "--since", "yesterday"], "expected a date as YYYY-MM-DD"),
        (["transcripts", "--conversation", "a", "--email", "b@c.d"], "not allowed with"),
    ],
)
def test_cli_transcripts_bad_arguments(tracker_url, args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
