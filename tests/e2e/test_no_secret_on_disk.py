"""A full registration through the running servers, then a search of everything written.

The password must appear in no file (tracker store, event broker output, logs, account
database) nor in any mail; the full invitation code in neither the tracker store nor the
broker output nor the logs; the activation token in no log. Each secret is searched as typed
and in the forms a writer may have escaped it to (JSON, URL, HTML).
"""

from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from bot import db
from bot.checks.identifiers import CompanyId
from bot.registration.accounts import ActivationStatus, activate, find_account
from tests.e2e.conftest import activation_token, converse, texts, wait_for_mail
from tests.factories import invite

# The first test of a session also waits for the servers to start (several minutes when the
# machine is busy): the default 600 s would cut a registration that is merely slow.
pytestmark = pytest.mark.timeout(1800)

# Distinctive, with characters that JSON, URLs and HTML escape.
PASSWORDS = {"fr": 'Zq8#Velours"Tamis&é', "en": "Kx7!Harbour<Lantern>+ü"}


def written_forms(secret: str) -> set[bytes]:
    forms = {
        secret,
        json.dumps(secret)[1:-1],  # Rasa's SQL store and file broker: json.dumps, ASCII
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret),
        quote_plus(secret),
        html.escape(secret),
    }
    return {form.encode() for form in forms}


def code_forms(code: str) -> set[bytes]:
    compact = code.replace("-", "")
    return {form.encode() for c in (code, compact) for form in (c, c.lower())}


def files_under(directory: Path, pattern: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob(pattern)) if p.is_file()}


def stored_events(work: Path, sender: str) -> list[dict]:
    with sqlite3.connect(work / "conversations.db") as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def assert_nowhere(secrets: set[bytes], places: dict[str, bytes]) -> None:
    found = [(name, s) for name, content in places.items() for s in secrets if s in content]
    assert not found, f"secret written to disk: {found}"


def check_everything_written(servers, sender: str, password: str, code: str, mail) -> None:
    work = servers.log_dir
    token = activation_token(mail)
    tracker_store = files_under(work, "conversations.db*")  # the file, its WAL and index
    broker = files_under(work, "broker.jsonl")
    logs = files_under(work, "*.log")
    accounts_db = files_under(work, "onboarding.db*")
    mails = {f"mail to {m['To']}": m.as_bytes() for m in servers.smtp.inbox.messages}

    # The configured store is the one used: this conversation's events are in its file,
    # with the password answer replaced by the marker.
    events = stored_events(work, sender)
    assert len(events) > 20
    typed = [e["text"] for e in events if e["event"] == "user"]
    assert "[masqué]" in typed
    assert any(e["event"] == "bot" and "noreply@sis-id.com" in (e["text"] or "") for e in events)
    decoded = {"events as decoded rows": json.dumps(events, ensure_ascii=False).encode()}
    published = [json.loads(line) for line in broker["broker.jsonl"].splitlines()]
    assert sum(p["sender_id"] == sender for p in published) == len(events)

    assert_nowhere(
        written_forms(password), {**tracker_store, **decoded, **broker, **logs, **accounts_db}
    )
    assert_nowhere(written_forms(password), mails)
    assert_nowhere(code_forms(code), {**tracker_store, **decoded, **broker, **logs})
    assert_nowhere(written_forms(token), logs)
    # The prefix stays, so that support and analysts can tell invitations apart.
    assert code[:4].encode() in b"".join(tracker_store.values())


def test_a_french_registration_writes_no_secret(servers, conversation_id):
    password, code = PASSWORDS["fr"], "NSD0-FR00-0000-0001"
    invite(servers.database_url, CompanyId("FR", "732829320"), code=code)
    replies = converse(
        servers,
        conversation_id,
        [
            ("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
            ("France", "Quel est le SIREN de votre société"),
            ("732 829 320", "code d'invitation"),
            (f"mon code est {code.lower()}", "adresse email"),
            ("claire.martin@acme-industrie.fr", "claire.martin@acme-industrie.fr"),
            ("oui", "mot de passe"),
            ("motdepasse", "il manque une majuscule"),
            (password, "Acte d'Adhésion aux Conditions Générales d'Utilisation"),
            ("J'accepte", "prénom"),
            ("Claire", "nom de famille"),
            ("Martin", "téléphone"),
            ("06 12 34 56 78", "fonction"),
            ("Comptable", "récapitulatif"),
            ("oui", "noreply@sis-id.com"),
        ],
        metadata={"language": "fr"},
    )
    assert password not in texts(replies)
    mail = wait_for_mail(servers.smtp, "claire.martin@acme-industrie.fr")
    with db.session_scope(servers.database_url) as session:
        assert activate(session, activation_token(mail)).status is ActivationStatus.ACTIVATED
        assert find_account(session, "claire.martin@acme-industrie.fr").status == "active"
    check_everything_written(servers, conversation_id, password, code, mail)


def test_an_english_registration_from_an_invitation_link_writes_no_secret(servers, conversation_id):
    password, code = PASSWORDS["en"], "NSD0-GB00-0000-0002"
    invite(servers.database_url, CompanyId("GB", "SC123456"), code=code)
    replies = converse(
        servers,
        conversation_id,
        [
            ("/start_registration", "invitation code is already filled in"),
            ("United Kingdom", "Companies House number"),
            ("SC123456", "invitation from ACME Industries"),
            ("m.jones@northwind.co.uk", "is it correct"),
            ("yes", "password"),
            (password, "Terms of Use"),
            ("I accept", "first name"),
            ("Mary", "last name"),
            ("Jones", "phone number"),
            ("020 7946 0958", "job title"),
            ("skip", "summary"),
            ("yes", "noreply@sis-id.com"),
        ],
        metadata={"language": "en", "invitation_code": code},
    )
    assert password not in texts(replies)
    mail = wait_for_mail(servers.smtp, "m.jones@northwind.co.uk")
    with db.session_scope(servers.database_url) as session:
        assert activate(session, activation_token(mail)).status is ActivationStatus.ACTIVATED
    check_everything_written(servers, conversation_id, password, code, mail)
