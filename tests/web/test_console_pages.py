"""What support and analysts do in the console, on the twelve known conversations of
tests/analytics (real Rasa events through the redacting store, real accounts behind them)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import db
from bot.analytics.conversation_index import reference_of
from bot.analytics.conversations import iter_summaries
from bot.analytics.report import build_report, render_csv
from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import normalise_code
from bot.models import (
    Account,
    ActivationToken,
    Invitation,
    OutboxMail,
    StaffAccess,
    StaffAccount,
)
from bot.registration.tickets import HandoffReason, Progress, Step, open_ticket
from bot.staff.nlu_inbox import export_yaml
from tests.analytics.analytics_data import (  # noqa: F401 - fixtures
    ACCOUNT_CODES,
    WEEK_2,
    Script,
    store_file_fixture,
    tracker_url_fixture,
    write_tracker_store,
)
from tests.factories import PASSWORD, ROOT
from tests.web.console_helpers import ANALYST_EMAIL, SUPPORT_EMAIL, Console, add_console_staff


@pytest.fixture
async def console(tracker_url, database, make_app, monkeypatch):
    monkeypatch.setenv("CONSOLE_SESSION_KEY", "y" * 43 + "=")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8000")
    add_console_staff(database)
    async with TestClient(TestServer(make_app())) as client:
        yield Console(client)


def handoff(database, conversation_id="en-used", language="en") -> str:
    with db.session_scope(database) as session:
        return open_ticket(
            session,
            conversation_id=conversation_id,
            language=language,
            reason=HandoffReason.INVITATION_LOCKED,
            progress=Progress.masked(
                Step.COMPANY, company=CompanyId("GB", "SC123456"), invitation_code="NWTD"
            ),
        ).reference


def rows_of(html: str, table_id: str | None = None) -> list[list[str]]:
    if table_id:
        html = html[html.index(f'id="{table_id}"') :]
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --- Support ----------------------------------------------------------------------------------


async def test_a_handoff_is_in_the_queue_with_what_support_needs(console, database):
    reference = handoff(database, "fr-activated", "fr")
    await console.signed_in_as(SUPPORT_EMAIL)
    rows = rows_of(await console.get("/console/tickets"))
    assert len(rows) == 1
    ref, date, language, reason, step, email, status = rows[0]
    assert (ref, language, reason, step, status) == (
        reference,
        "français",
        "code d'invitation bloqué",
        "société",
        "ouvert",
    )
    assert email == "marie@example.fr"  # the address the conversation gave
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", date)


async def test_the_ticket_page_shows_its_transcript_and_is_worked_to_closed(console, database):
    reference = handoff(database)
    await console.signed_in_as(SUPPORT_EMAIL)
    html = await console.get(f"/console/tickets/{reference}")
    assert "Transcription (masquée)" in html and "I&#39;d like to register" in html
    assert "Compris : start_registration" in html  # what the assistant understood
    response = await console.post(f"/console/tickets/{reference}/status", {"status": "in_progress"})
    assert "en cours" in await response.text()
    await console.post(f"/console/tickets/{reference}/notes", {"note": "Appelé le fournisseur."})
    response = await console.post(f"/console/tickets/{reference}/status", {"status": "closed"})
    html = await response.text()
    assert "Appelé le fournisseur." in html and f"{SUPPORT_EMAIL} · " in html
    assert rows_of(await console.get("/console/tickets?status=closed"))[0][0] == reference
    assert "Rien à afficher" in await console.get("/console/tickets?status=open")
    with db.session_scope(database) as session:
        logged = session.scalars(select(StaffAccess)).all()
    first = logged[0]
    assert (first.staff_email, first.action, first.target) == (
        SUPPORT_EMAIL,
        "transcript",
        reference,
    )


async def test_an_unknown_ticket_is_a_polite_404(console):
    await console.signed_in_as(SUPPORT_EMAIL)
    assert "Introuvable" in await console.get("/console/tickets/T-999999", status=404)
    assert "Introuvable" in await console.get("/console/tickets/nonsense", status=404)


async def test_account_lookup_shows_what_accounts_show_prints(console):
    await console.signed_in_as(SUPPORT_EMAIL)
    html = await console.get("/console/accounts?email=John%40Example.co.uk")
    for shown in ("john@example.co.uk", "en attente d&#39;activation", "SC123456", "Jean Dupont"):
        assert shown in html
    assert "Aucun compte" in await console.get("/console/accounts?email=nobody%40example.fr")


async def test_support_resends_the_activation_email_within_the_same_hourly_limit(console, database):
    await console.signed_in_as(SUPPORT_EMAIL)
    await console.get("/console/accounts?email=john%40example.co.uk")
    for _ in range(3):
        response = await console.post("/console/accounts/resend", {"email": "john@example.co.uk"})
        assert "Email d&#39;activation renvoyé à john@example.co.uk" in await response.text()
    response = await console.post("/console/accounts/resend", {"email": "john@example.co.uk"})
    assert "Limite atteinte : 3 renvois" in await response.text()
    with db.session_scope(database) as session:
        mails = session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == "activation", OutboxMail.to_address == "john@example.co.uk"
            )
        ).all()
    assert len(mails) == 4  # the first one and three resends, not five
    response = await console.post("/console/accounts/resend", {"email": "marie@example.fr"})
    assert "déjà actif" in await response.text()


# --- Analysts ---------------------------------------------------------------------------------


async def test_the_review_list_shows_every_conversation_and_filters_them(console):
    await console.signed_in_as(ANALYST_EMAIL)
    html = await console.get("/console/conversations")
    assert "12 résultat(s)" in html
    assert "fr-activated" not in html  # a reference is shown, never the sender id
    assert reference_of("fr-activated") in html
    cases = {
        "language=en": 5,
        "outcome=escalated": 2,
        "step=account_activated": 1,
        "fallback=yes": 2,  # three messages not understood, in two conversations
        "since=2026-11-09&until=2026-11-09": None,
        "outcome=registered&language=fr": 2,
    }
    for query, expected in cases.items():
        html = await console.get("/console/conversations?" + query)
        found = int(re.search(r"(\d+) résultat\(s\)", html).group(1))
        if expected is not None:
            assert found == expected, query
        else:
            assert 0 < found < 12, query


async def test_a_conversation_is_tagged_reviewed_and_then_found_by_its_tags(console, database):
    await console.signed_in_as(ANALYST_EMAIL)
    reference = reference_of("fr-mismatch")
    html = await console.get(f"/console/conversations/{reference}")
    assert "confiance 0.95" in html and "utter_" not in html
    response = await console.post(
        f"/console/conversations/{reference}/review",
        [
            ("tag", "wrong_answer"),
            ("tag", "missing_topic"),
            ("tag", "nonsense"),
            ("reviewed", "yes"),
        ],
    )
    html = await response.text()
    assert "Revue enregistrée." in html and 'value="wrong_answer" checked' in html
    listed = await console.get("/console/conversations?reviewed=yes&tag=missing_topic")
    assert "1 résultat(s)" in listed and reference in listed
    assert "11 résultat(s)" in await console.get("/console/conversations?reviewed=no")
    with db.session_scope(database) as session:
        assert session.scalar(select(StaffAccess.target)) == reference


async def test_the_report_page_has_the_figures_of_the_command_line_report(
    console, tracker_url, database
):
    await console.signed_in_as(ANALYST_EMAIL)
    html = await console.get("/console/report")
    funnel = rows_of(html, "funnel")
    assert [int(row[1]) for row in funnel] == [10, 9, 6, 5, 5, 4, 1]
    assert funnel[0][0] == "inscription commencée" and funnel[-1][0] == "compte activé"
    assert 'id="chart-funnel"' in html and "<rect" in html
    response = await console.client.get("/console/report.csv?period=day&language=fr")
    assert response.headers["Content-Disposition"].startswith("attachment")
    summaries = iter_summaries(tracker_url, accounts_url=database, language="fr")
    assert await response.text() == render_csv(build_report(summaries, period="day", language="fr"))
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert {row["language"] for row in rows} == {"all", "fr"}


async def test_a_conversation_stored_just_after_a_page_is_on_the_next_page(console, tracker_url):
    """An analyst who reloads the report right after a conversation sees it counted, however
    soon after the last page (the index is brought up to date for each page)."""
    await console.signed_in_as(ANALYST_EMAIL)
    before = rows_of(await console.get("/console/report"), "funnel")
    new = Script("fr-just-now", WEEK_2 + timedelta(hours=7), "fr")
    new.start()
    path = Path(tracker_url.removeprefix("sqlite:///"))
    await asyncio.to_thread(write_tracker_store, path, [new])
    after = rows_of(await console.get("/console/report"), "funnel")
    assert int(after[0][1]) == int(before[0][1]) + 1


async def test_an_inbox_entry_is_accepted_and_exported_as_training_data(console, database):
    await console.signed_in_as(ANALYST_EMAIL)
    html = await console.get("/console/inbox")
    entries = re.findall(r'action="/console/inbox/(\d+)"', html)
    assert len(entries) == 3
    await console.post(f"/console/inbox/{entries[0]}", {"intent": "faq/free", "decision": "accept"})
    await console.post(f"/console/inbox/{entries[1]}", {"decision": "dismiss"})
    unknown = await console.post(
        f"/console/inbox/{entries[2]}", {"intent": "faq/nope", "decision": "accept"}
    )
    assert unknown.status == 200
    assert (
        len(re.findall(r'action="/console/inbox/(\d+)"', await console.get("/console/inbox"))) == 1
    )
    response = await console.client.get("/console/inbox/export.yml")
    exported = await response.text()
    assert "- intent: faq/free\n  examples: |\n    - " in exported
    with db.session_scope(database) as session:
        assert export_yaml(session).yaml == exported


async def test_a_message_of_a_reviewed_conversation_goes_to_the_inbox_once(console):
    await console.signed_in_as(ANALYST_EMAIL)
    reference = reference_of("fr-mismatch")
    for _ in range(2):
        await console.post(f"/console/conversations/{reference}/inbox", {"message": "0"})
    html = await console.get("/console/inbox")
    assert html.count("je voudrais créer mon compte") == 1
    assert "revue" in html


async def test_the_access_log_says_who_opened_which_transcript(console):
    await console.signed_in_as(ANALYST_EMAIL)
    reference = reference_of("en-pending")
    await console.get(f"/console/conversations/{reference}")
    rows = rows_of(await console.get("/console/access-log"))
    assert rows[0][1:] == [ANALYST_EMAIL, "transcription", reference]


# --- Secrets ----------------------------------------------------------------------------------


def secrets_in_databases(database: str) -> list[str]:
    with db.session_scope(database) as session:
        found = list(session.scalars(select(Account.password_hash)))
        found += list(session.scalars(select(StaffAccount.password_hash)))
        found += list(session.scalars(select(ActivationToken.token_hash)))
        found += [s for s in session.scalars(select(OutboxMail.secret)) if s]
        found += list(session.scalars(select(Invitation.code_hash)))
    for code in ACCOUNT_CODES:
        found += [code, normalise_code(code)]
    return found


async def test_no_console_page_shows_a_password_hash_token_or_full_invitation_code(
    console, database
):
    reference = handoff(database)
    secrets = [PASSWORD, *secrets_in_databases(database)]
    assert len(secrets) > 10
    pages = ["/console/tickets", f"/console/tickets/{reference}", "/console/report"]
    pages += [f"/console/accounts?email={e}" for e in ("marie@example.fr", "john@example.co.uk")]
    await console.signed_in_as(SUPPORT_EMAIL)
    seen = [await console.get(path) for path in pages[:2] + pages[3:]]
    console.client.session.cookie_jar.clear()
    await console.signed_in_as(ANALYST_EMAIL)
    listing = await console.get("/console/conversations")
    seen.append(listing)
    for found in sorted(set(re.findall(r"/console/conversations/(C-[0-9A-F]+)", listing))):
        seen.append(await console.get(f"/console/conversations/{found}"))
    for path in ("/console/report", "/console/report.csv", "/console/inbox", "/console/access-log"):
        seen.append(await console.get(path))
    assert len(seen) > 15
    for html in seen:
        for secret in secrets:
            assert secret not in html and secret not in unescape(html)


def test_the_exported_inbox_is_accepted_by_rasa_data_validate(tmp_path, database, tracker_url):
    from bot.analytics import conversation_index
    from bot.staff import nlu_inbox

    conversation_index.sync(tracker_url, accounts_url=database)
    with db.session_scope(database) as session:
        entries, _ = nlu_inbox.entries(session, nlu_inbox.InboxStatus.NEW)
        nlu_inbox.add_from_review(session, "x", "c'est gratuit [vraiment](free) ?", "fr")
        session.flush()
        for entry, intent in zip(
            nlu_inbox.entries(session, nlu_inbox.InboxStatus.NEW)[0],
            ("faq/free", "greet", "chitchat/thanks", "human_handoff"),
            strict=False,
        ):
            nlu_inbox.decide(session, entry.id, ANALYST_EMAIL, intent=intent)
    assert entries
    with db.session_scope(database) as session:
        exported = export_yaml(session)
    assert exported.examples >= 3 and "(vraiment)" in exported.yaml
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, project / name)
    (project / "data" / "nlu" / "inbox.yml").write_text(exported.yaml, encoding="utf-8")
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "rasa"),
            "data",
            "validate",
            "--domain",
            "domain.yml",
            "--data",
            "data",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert sys.executable
