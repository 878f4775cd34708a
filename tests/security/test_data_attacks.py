"""Attacks on the data the product keeps and the mail it sends (#13 items 2, 5, 6; #14 item 6).

Driven as an attacker would, through Rasa's REST channel of the running product (the shared
``servers`` fixture: Rasa, the action server and the outbox sender on free ports, with a file
event broker), then every file the run wrote is searched:

- passwords typed where the form did not ask for them (first message, the email question, a
  correction, the summary, a leading "/"), and the answers a later form turn gets, are in no
  file: tracker store, broker output, logs, accounts database;
- the enumeration probe: correcting an address to one that has an account, then asking for
  resends, reads exactly like a free address, and so does a returning supplier's request;
- the mail-bombing loop: 30 corrections to someone's address send at most 3 mails;
- abandoned drafts (password hash, invitation code) are gone after their delay, deleted by the
  outbox sender itself.

The servers are reached with ``servers.say`` only: the web app's own fixture can replace them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.models import ActivationToken, OutboxMail, RegistrationDraft
from bot.registration import drafts
from tests.e2e.conftest import converse, texts
from tests.e2e.test_no_secret_on_disk import written_forms
from tests.factories import ROOT, add_account, invite

# The first test of a session also waits for the servers to start.
pytestmark = pytest.mark.timeout(1800)


def files_written(work: Path) -> dict[str, bytes]:
    """Every file of the run: tracker store, broker output, logs, accounts database."""
    return {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.is_file()}


def found(secrets: dict[str, str], files: dict[str, bytes]) -> list[tuple[str, str]]:
    return [
        (label, name)
        for label, secret in secrets.items()
        for name, content in files.items()
        if any(form in content for form in written_forms(secret))
    ]


def stored_texts(work: Path, sender: str) -> list[str]:
    with sqlite3.connect(work / "conversations.db") as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


# --- passwords typed anywhere ---------------------------------------------------------------


STRAY = {
    "fr": {
        "first message": "Velours-Tamis-2026",
        "leading slash": "Zq8#Lanterne-77",
        "email question": "Kx7!Harbour-Mat",
        "weak, answered later": "soleil-vert26",  # no capital: known once it answers
        "password": "Tr0ub4dor&3-Quai",
        "correction": "Ardoise$Bleue-58",
        "summary": "Nouveau-Mdp-2027",
    },
    "en": {
        "first message": "Velvet-Sieve-2026",
        "leading slash": "Qz8#Lantern-77",
        "email question": "Xk7!Harbour-Rug",
        "weak, answered later": "green-sun26",
        "password": "Tr0ub4dor&3-Dock",
        "correction": "Slate$Blue-58-x",
        "summary": "New-Password-2027",
    },
}


def stray_turns(language: str, code: str, email: str) -> list[tuple[str, str]]:
    p = STRAY[language]
    if language == "fr":
        return [
            (f"Bonjour, mon mot de passe sera {p['first message']}", ""),
            (f"au fait, j'avais pensé à {p['weak, answered later']} comme mot de passe", ""),
            (f"/{p['leading slash']}", ""),
            ("je voudrais créer mon compte", "dans quel pays"),
            ("France", "SIREN"),
            ("732 829 320", "code d'invitation"),
            (code, "adresse email"),
            (p["email question"], "adresse email"),
            (email, email),
            ("oui", "mot de passe"),
            (p["weak, answered later"], "il manque une majuscule"),
            (p["password"], "Conditions Générales"),
            # A correction that carries its value (read as such or not, it is masked), then a
            # correction the form answers by asking the password again.
            (f"en fait je préfère {p['correction']} comme mot de passe", ""),
            ("je veux modifier mon mot de passe", "mot de passe"),
            (p["correction"], "Conditions Générales"),
            ("J'accepte", "prénom"),
            ("Claire", "nom de famille"),
            ("Martin", "téléphone"),
            ("06 12 34 56 78", "fonction"),
            ("Comptable", "récapitulatif"),
            (f"changer mon mot de passe en {p['summary']}", ""),
        ]
    return [
        (f"Hello, my password will be {p['first message']}", ""),
        (f"by the way I was thinking of {p['weak, answered later']} as my password", ""),
        (f"/{p['leading slash']}", ""),
        ("I would like to create my account", "which country"),
        ("United Kingdom", "Companies House number"),
        ("SC123456", "invitation code"),
        (code, "email address"),
        (p["email question"], "email address"),
        (email, email),
        ("yes", "password"),
        (p["weak, answered later"], "uppercase letter"),
        (p["password"], "Terms of Use"),
        (f"actually I'd rather use {p['correction']} as my password", ""),
        ("I want to change the password", "password"),
        (p["correction"], "Terms of Use"),
        ("I accept", "first name"),
        ("Mary", "last name"),
        ("Jones", "phone number"),
        ("020 7946 0958", "job title"),
        ("skip", "summary"),
        (f"change my password to {p['summary']}", ""),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_passwords_typed_anywhere_are_written_nowhere(servers, language):
    sender = f"stray-{language}-{uuid.uuid4().hex[:8]}"
    company = CompanyId("FR", "732829320") if language == "fr" else CompanyId("GB", "SC123456")
    code = invite(servers.database_url, company)
    email = f"stray.{language}@acme-industrie.fr"
    replies = converse(
        servers, sender, stray_turns(language, code, email), metadata={"language": language}
    )
    secrets = STRAY[language]
    assert not [label for label, s in secrets.items() if s in texts(replies)]
    work = servers.log_dir
    files = files_written(work)
    # A weak password is known to be one only when it answers the password question: the
    # rows written before are masked then; the broker had already published them.
    weak = {"weak, answered later": secrets["weak, answered later"]}
    strong = {k: v for k, v in secrets.items() if k not in weak}
    assert found(strong, files) == []
    assert found(weak, {k: v for k, v in files.items() if k != "broker.jsonl"}) == []
    typed = stored_texts(work, sender)
    assert typed[0].endswith("[masqué]") and typed[2] == "[masqué]"
    assert typed[1].count("[masqué]") == 1  # masked turns after it was written
    # Rasa warned about the line it could not read as an intent: the warning is masked.
    rasa_log = (work / "rasa.log").read_text(errors="replace")
    assert "Failed to parse arguments in line '[masqué]'" in rasa_log


# --- nothing reveals who has an account -----------------------------------------------------


PROBE = {
    "fr": {
        "correct": "l'adresse email de mon compte est fausse",
        "asked": "Quelle est la bonne adresse email",
        "yes": "oui",  # the new address read back: "est-elle correcte ?"
        "resend": "vous pouvez me renvoyer l'email d'activation ?",
        "missing": "je n'ai pas reçu l'email d'activation",
        "address asked": "Quelle adresse email avez-vous utilisée",
    },
    "en": {
        "correct": "my account's email address is wrong",
        "asked": "What is the right email address",
        "yes": "yes",
        "resend": "can you resend the activation email?",
        "missing": "I did not get the activation email",
        "address asked": "Which email address did you register with",
    },
}


def account_made_in(servers, sender: str, email: str, company: CompanyId, code: str) -> int:
    """A conversation that created a pending account (as the registration form leaves it)."""
    with db.session_scope(servers.database_url) as session:
        created = add_account(session, email, company=company, code=code)
        drafts.mark_submitted(session, sender, email, created.account_pk)
        return created.account_pk


def live_tokens(servers, account_pk: int) -> int:
    with db.session_scope(servers.database_url) as session:
        return session.scalar(
            select(func.count(ActivationToken.id)).where(
                ActivationToken.account_pk == account_pk,
                ActivationToken.voided_at.is_(None),
                ActivationToken.used_at.is_(None),
            )
        )


def probe(servers, language: str, sender: str, address: str) -> list[str]:
    words = PROBE[language]
    metadata = {"language": language}
    seen = [
        texts(r)
        for r in (
            servers.say(sender, words["correct"], metadata),
            servers.say(sender, address, metadata),
            servers.say(sender, words["yes"], metadata),
        )
    ]
    assert words["asked"] in seen[0], seen
    seen += [texts(servers.say(sender, words["resend"], metadata)) for _ in range(3)]
    return [text.replace(address, "<address>") for text in seen]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_enumeration_probe_reads_the_same_for_a_taken_and_a_free_address(servers, language):
    run = uuid.uuid4().hex[:6].upper().replace("0", "A")
    victim = f"owner.{run.lower()}@victim.example"
    with db.session_scope(servers.database_url) as session:
        add_account(session, victim, company=CompanyId("BE", "0403170701"), code=f"VICT{run}BE01")
    free, taken = f"probe-free-{run}", f"probe-taken-{run}"
    free_pk = account_made_in(servers, free, f"f.{run}@exmaple.org", FRENCH[0], f"PRBF{run}FR01")
    taken_pk = account_made_in(servers, taken, f"t.{run}@exmaple.org", FRENCH[1], f"PRBT{run}FR01")

    free_replies = probe(servers, language, free, f"nobody.{run.lower()}@victim.example")
    taken_replies = probe(servers, language, taken, victim)

    assert taken_replies == free_replies
    # The correction and 2 resends are sent, the 3rd resend is refused: in both cases.
    assert free_replies[3] == free_replies[4] != free_replies[5]
    # The links sent before the correction stop working in both cases: the activation page
    # says "replaced by a newer email" for both.
    with db.session_scope(servers.database_url) as session:
        voided = select(func.count(ActivationToken.id)).where(
            ActivationToken.voided_at.is_not(None)
        )
        assert session.scalar(voided.where(ActivationToken.account_pk == free_pk)) >= 1
        assert session.scalar(voided.where(ActivationToken.account_pk == taken_pk)) >= 1
    assert live_tokens(servers, taken_pk) == 0


def mails_to(servers, address: str, expected: int, timeout: float = 60) -> int:
    """How many mails ``address`` received, once ``expected`` arrived or ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(servers.smtp.inbox.to(address)) < expected:
        time.sleep(0.3)
    return len(servers.smtp.inbox.to(address))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_returning_supplier_reads_the_same_whatever_the_address(servers, language):
    run = uuid.uuid4().hex[:6].upper().replace("0", "A")
    pending = f"returning.{run.lower()}@acme-industrie.fr"
    with db.session_scope(servers.database_url) as session:
        add_account(session, pending, company=FRENCH[2], code=f"RTRN{run}FR01")
    words, metadata = PROBE[language], {"language": language}
    replies = {}
    for address in (pending, f"nobody.{run.lower()}@acme-industrie.fr"):
        sender = f"returning-{language}-{uuid.uuid4().hex[:8]}"
        asked = texts(servers.say(sender, words["missing"], metadata))
        assert words["address asked"] in asked, asked
        answer = texts(servers.say(sender, address, metadata))
        replies[address] = [asked, answer.replace(address, "<address>")]
    [first, second] = replies.values()
    assert first == second
    # The request was queued; the outbox sender looked the address up and sent the email
    # where an account waits (the registration's mail, then the new one).
    assert mails_to(servers, pending, expected=2) == 2
    assert servers.smtp.inbox.to(f"nobody.{run.lower()}@acme-industrie.fr") == []


@pytest.mark.parametrize(
    ("language", "request_with_address"),
    [
        ("fr", "je me suis inscrite avec {address} mais je n'ai pas reçu l'email d'activation"),
        ("en", "I registered with {address} but I did not get the activation email"),
    ],
)
def test_an_address_given_with_the_request_is_used_and_reads_the_same_whatever_it_is(
    servers, language, request_with_address
):
    run = uuid.uuid4().hex[:6].upper().replace("0", "A")
    pending = f"given.{run.lower()}@acme-industrie.fr"
    with db.session_scope(servers.database_url) as session:
        add_account(session, pending, company=FRENCH[1], code=f"GIVN{run}FR01")
    replies = {}
    for address in (pending, f"nobody.{run.lower()}@acme-industrie.fr"):
        sender = f"given-{language}-{uuid.uuid4().hex[:8]}"
        message = request_with_address.format(address=address)
        said = texts(servers.say(sender, message, {"language": language}))
        assert PROBE[language]["address asked"] not in said  # not asked again
        replies[address] = said.replace(address, "<address>")
    [first, second] = replies.values()
    assert first == second
    assert mails_to(servers, pending, expected=2) == 2


# --- nothing can bomb a mailbox -------------------------------------------------------------


def test_thirty_corrections_to_someones_address_send_at_most_three_mails(servers):
    run = uuid.uuid4().hex[:6].upper().replace("0", "A")
    victim = f"bombed.{run.lower()}@victim.example"
    with db.session_scope(servers.database_url) as session:
        add_account(session, victim, company=CompanyId("GB", "SC123456"), code=f"BOMB{run}GB01")
    sender = f"bomber-{run}"
    account_made_in(servers, sender, f"b.{run}@exmaple.org", FRENCH[3], f"BOMA{run}FR01")
    metadata = {"language": "fr"}
    answers = []
    for _ in range(30):
        servers.say(sender, PROBE["fr"]["correct"], metadata)
        servers.say(sender, victim, metadata)  # read back: "est-elle correcte ?"
        answers.append(texts(servers.say(sender, "oui", metadata)))
    time.sleep(3)  # the sender runs every 0.5 s: anything queued has left
    with db.session_scope(servers.database_url) as session:
        queued = session.scalar(
            select(func.count(OutboxMail.id)).where(OutboxMail.to_address == victim)
        )
    # Its own activation mail, then at most 3 "account already exists" mails in the hour.
    assert queued <= 4
    assert len(servers.smtp.inbox.to(victim)) == queued
    assert sum("C'est corrigé" in a for a in answers) == 3


# --- kept no longer than needed -------------------------------------------------------------


def test_an_abandoned_registration_is_deleted_by_the_sender_itself(servers):
    """A registration left at the terms question: its draft holds the password hash and the
    invitation code. An outbox sender with a delay of 4 seconds deletes it by itself."""
    sender = f"abandoned-{uuid.uuid4().hex[:8]}"
    code = invite(servers.database_url, CompanyId("FR", "732829320"))
    converse(
        servers,
        sender,
        [
            ("je voudrais créer mon compte", "dans quel pays"),
            ("France", "SIREN"),
            ("732 829 320", "code d'invitation"),
            (code, "adresse email"),
            ("abandon@acme-industrie.fr", "abandon@acme-industrie.fr"),
            ("oui", "mot de passe"),
            ("Tr0ub4dor&3-Quai", "Conditions Générales"),
        ],
        metadata={"language": "fr"},
    )
    with db.session_scope(servers.database_url) as session:
        draft = session.get(RegistrationDraft, sender)
        password_hash, kept_code = draft.password_hash, draft.invitation_code
    assert password_hash.startswith("$argon2id$") and kept_code

    env = {
        **os.environ,
        "DATABASE_URL": servers.database_url,
        "DRAFT_RETENTION_HOURS": "0.001",
        # A second sender delivers the outbox too: to the same SMTP server.
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(servers.smtp.port),
    }
    cleaner = subprocess.Popen(
        [sys.executable, "-m", "bot", "outbox", "flush", "--watch", "--interval", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.session_scope(servers.database_url) as session:
                if session.get(RegistrationDraft, sender) is None:
                    break
            time.sleep(0.5)
    finally:
        cleaner.terminate()
        cleaner.wait(timeout=30)
    with db.session_scope(servers.database_url) as session:
        assert session.get(RegistrationDraft, sender) is None
    database = Path(servers.database_url.removeprefix("sqlite:///"))
    written = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert password_hash.encode() not in written


FRENCH = [CompanyId("FR", v) for v in ("552100554", "542051180", "542065479", "542107651")]
