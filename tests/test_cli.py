"""The command line, run as operators run it: `python -m bot ...` in a subprocess."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot import db
from bot.registration import invitations
from tests.factories import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cli(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PUBLIC_BASE_URL": "https://help.example.test",
        "SMTP_PORT": str(free_port()),
        "SMTP_TIMEOUT": "2",
    }
    env.pop("SMTP_HOST", None)

    def run(
        *args: str, ok: bool = True, extra_env: dict | None = None
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    run("db", "upgrade")
    run.env = env
    return run


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["db"],
        ["db", "upgrade"],
        ["invitations"],
        ["invitations", "create"],
        ["invitations", "list"],
        ["invitations", "release"],
        ["accounts", "show"],
        ["outbox", "flush"],
        ["demo-data"],
        ["staff", "add"],
        ["staff", "list"],
        ["staff", "remove"],
        ["nlu-inbox", "export"],
        ["conversation-index"],
    ],
)
def test_every_command_has_help(cli, command):
    result = cli(*command, "--help")
    assert result.stdout.startswith("usage: python -m bot")


def test_staff_accounts_are_added_with_a_password_from_stdin_listed_and_removed(cli):
    def staff(*args, password=None, ok=True):
        return subprocess.run(
            [sys.executable, "-m", "bot", "staff", *args],
            cwd=ROOT,
            env=cli.env,
            input=password,
            capture_output=True,
            text=True,
            timeout=120,
        )

    added = staff(
        "add", "Claire@Analytics.example", "--role", "analyst", password="Quai-des-Brumes-1938!\n"
    )
    assert added.returncode == 0, added.stderr
    assert "claire@analytics.example (analyst) created" in added.stdout
    assert "/console/" in added.stdout
    again = staff(
        "add", "claire@analytics.example", "--role", "support", password="Other-Pass-2024-x!\n"
    )
    assert again.returncode == 2 and "already exists" in again.stderr
    weak = staff("add", "bob@support.example", "--role", "support", password="Azerty123!\n")
    assert weak.returncode == 2
    assert weak.stderr.startswith("error: password refused: at least 12 characters")
    listed = staff("list")
    assert "claire@analytics.example" in listed.stdout and "analyst" in listed.stdout
    assert "$argon2" not in listed.stdout + added.stdout + again.stderr + weak.stderr
    assert staff("remove", "claire@analytics.example").returncode == 0
    assert "No staff accounts yet" in staff("list").stdout
    missing = staff("remove", "claire@analytics.example")
    assert missing.returncode == 2 and "no staff account" in missing.stderr


def test_the_training_inbox_exports_as_rasa_nlu_yaml_and_the_index_is_built(cli, tmp_path):
    env = {"TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'conversations.db'}"}
    indexed = cli("conversation-index", extra_env=env)
    assert "Conversation index up to date" in indexed.stdout
    output = tmp_path / "inbox.yml"
    exported = cli("nlu-inbox", "export", "--output", str(output))
    assert "0 accepted examples exported." in exported.stderr
    assert 'version: "3.1"' in output.read_text()


def test_create_and_list_invitations(cli):
    created = cli(
        "invitations",
        "create",
        "--country",
        "France",
        "--company-id",
        "732 829 320",
        "--customer",
        "ACME",
        "--issued-at",
        "2020-01-01",
    )
    code_line, link_line = created.stdout.splitlines()[:2]
    code = code_line.split(": ")[1]
    assert len(code) == 19 and code.count("-") == 3
    assert (
        link_line
        == f"Invitation link: https://help.example.test/?invitation={code.replace('-', '')}"
    )
    cli(
        "invitations",
        "create",
        "--country",
        "uk",
        "--company-id",
        "sc123456",
        "--customer",
        "Northwind",
        "--code",
        "nw7d-k3q9-2mxb-4hrz",
    )
    listing = cli("invitations", "list").stdout
    # Codes are kept as hashes: the list tells them apart by their first 4 symbols only.
    assert code[:4] + "…" in listing and code not in listing
    assert "732829320" in listing and "expired" in listing
    assert "NW7D…" in listing and "K3Q9" not in listing
    assert "SC123456" in listing and "valid until" in listing


@pytest.mark.parametrize(
    "code", ["nwtd-2026", "ACME-FR00-0000-0001", "AAAA-BBBB-CCCC-DDDD", "K7M4-PQ2X-9RTB-3HWU"]
)
def test_an_imposed_code_must_be_as_hard_to_guess_as_a_generated_one(cli, code):
    # A short or patterned code would be guessed in the chat, or found back from its hash.
    refused = cli(
        "invitations",
        "create",
        "--country",
        "FR",
        "--company-id",
        "732829320",
        "--customer",
        "ACME",
        "--code",
        code,
        ok=False,
    )
    assert refused.returncode == 2 and refused.stderr.startswith("error: ")
    assert "Traceback" not in refused.stderr
    assert cli("invitations", "list").stdout == "No invitations yet.\n"


def test_bad_input_is_one_clear_line(cli):
    bad_id = cli(
        "invitations",
        "create",
        "--country",
        "FR",
        "--company-id",
        "732 829 321",
        "--customer",
        "ACME",
        ok=False,
    )
    assert bad_id.returncode == 2
    assert bad_id.stderr.startswith("error: '732 829 321' is not a valid SIREN")
    assert "Traceback" not in bad_id.stderr
    bad_country = cli(
        "invitations",
        "create",
        "--country",
        "Atlantis",
        "--company-id",
        "1",
        "--customer",
        "ACME",
        ok=False,
    )
    assert "unknown country 'Atlantis'" in bad_country.stderr
    bad_date = cli(
        "invitations",
        "create",
        "--country",
        "FR",
        "--company-id",
        "732829320",
        "--customer",
        "ACME",
        "--issued-at",
        "01/02/2026",
        ok=False,
    )
    assert "YYYY-MM-DD" in bad_date.stderr
    missing = cli("accounts", "show", "nobody@example.fr", ok=False)
    assert missing.returncode == 2 and "no account" in missing.stderr


def test_demo_data_is_idempotent(cli):
    first = cli("demo-data").stdout
    second = cli("demo-data").stdout
    assert first == second
    assert first.count("valid") == 3 and "expired" in first and "used" in first
    assert cli("invitations", "list").stdout.count("\n") == 1 + 5


def test_invitation_email_is_queued_then_flushed_when_the_server_is_back(cli, smtp_server):
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_server.port)}
    smtp_server.stop()
    created = cli(
        "invitations",
        "create",
        "--country",
        "BE",
        "--company-id",
        "0403.170.701",
        "--customer",
        "Brussels Foods",
        "--email",
        "compta@fournisseur.be",
        "--language",
        "en",
        extra_env=env,
    )
    assert "queued (SMTP server unreachable" in created.stdout
    down = cli("outbox", "flush", ok=False, extra_env=env)
    assert down.returncode == 1 and "still pending: 1" in down.stdout
    smtp_server.start()
    up = cli("outbox", "flush", extra_env=env)
    assert "Sent: 1, failed: 0, still pending: 0" in up.stdout
    [message] = smtp_server.inbox.to("compta@fournisseur.be")
    assert message["Subject"] == "Brussels Foods invites you to register on My Sis ID"
    code = created.stdout.splitlines()[0].split(": ")[1]
    body = message.get_body(("plain",)).get_content()
    assert code in body
    # The English page, with the code (the French one started the chat in French), and a
    # date an English reader does not take for another (07/03/2027 reads as July).
    assert f"https://help.example.test/en/?invitation={code.replace('-', '')}" in body
    assert re.search(r"until \d{1,2} [A-Z][a-z]+ \d{4}\.", body)
    # The copy kept in the outbox, and the invitations table, hold the code no more.
    database = cli.env["DATABASE_URL"].removeprefix("sqlite:///")
    written = b"".join(p.read_bytes() for p in Path(database).parent.glob("cli.db*"))
    assert code.encode() not in written and code.replace("-", "").encode() not in written


def test_accounts_show_for_support(cli, tmp_path):
    cli("demo-data")
    script = """
from bot import db
from bot.registration.accounts import Registration, register
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import hash_password
with db.session_scope() as s:
    r = register(s, Registration(CompanyId("FR", "732829320"), "ACME-FR00-0000-0001",
                 "compta@fournisseur.fr", hash_password("Xq7!vLm2#pRt"), "Jeanne", "Martin",
                 "+33612345678", None, "fr"))
    assert r.status.value == "created", r
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=cli.env, check=True, timeout=60)
    shown = cli("accounts", "show", "Compta@Fournisseur.fr").stdout
    assert "Status:     pending" in shown
    assert "732 829 320 (FR), invited by ACME Industries" in shown
    assert "Jeanne Martin, +33612345678" in shown
    assert "Activated:  -" in shown
    assert "argon2" not in shown


def test_the_outbox_sender_does_the_housekeeping_by_itself(cli, smtp_server):
    """`make run` and every deployment run `outbox flush --watch`: abandoned drafts go, and a
    returning supplier's request for the activation email is sent, with nothing scheduled."""
    import time
    from datetime import timedelta

    from sqlalchemy import select

    from bot import db
    from bot.models import ActivationRequest, RegistrationDraft
    from bot.registration import drafts
    from bot.registration.activation_requests import request_activation_email
    from tests.factories import add_account

    url = cli.env["DATABASE_URL"]
    with db.session_scope(url) as session:
        add_account(session, "returning@fournisseur.fr", code="RTRN-FR00-0000-0001")
        drafts.save_password_hash(session, "abandoned", "$argon2id$hash")
        session.execute(
            RegistrationDraft.__table__.update().values(updated_at=db.utcnow() - timedelta(hours=1))
        )
        request_activation_email(session, "returning@fournisseur.fr", "fr")
    env = {
        **cli.env,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port),
        "DRAFT_RETENTION_HOURS": "0.5",
    }
    sender = subprocess.Popen(
        [sys.executable, "-m", "bot", "outbox", "flush", "--watch", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(smtp_server.inbox.messages) < 2:
            time.sleep(0.2)
    finally:
        sender.terminate()
        _, errors = sender.communicate(timeout=30)
    # The registration's own activation mail, then the one the request asked for.
    assert [m["To"] for m in smtp_server.inbox.messages] == ["returning@fournisseur.fr"] * 2, errors
    with db.session_scope(url) as session:
        assert session.get(RegistrationDraft, "abandoned") is None
        assert session.scalar(select(ActivationRequest)) is None
    db.dispose_engines()


def test_an_invitation_that_opened_no_account_is_listed_so_and_released(cli):
    """Its registration's address already had an account (sixth outside tester, M1)."""
    created = cli("invitations", "create", "--country", "FR", "--company-id", "732 829 320",
                  "--customer", "ACME")  # fmt: skip
    code = created.stdout.splitlines()[0].split(": ")[1]
    with db.session_scope(cli.env["DATABASE_URL"]) as session:
        invitation = invitations.find_invitation(session, code)
        invitation.used_at = db.utcnow()  # used, and no account was created with it

    assert ", no account" in cli("invitations", "list").stdout
    released = cli("invitations", "release", "--country", "France", "--company-id", "732829320")
    assert "1 invitation(s) usable again" in released.stdout
    assert "valid until" in cli("invitations", "list").stdout
    again = cli("invitations", "release", "--country", "FR", "--company-id", "732 829 320")
    assert "no used invitation without an account" in again.stdout
    refused = cli("invitations", "release", "--country", "FR", "--company-id", "123", ok=False)
    assert refused.returncode != 0 and "not a valid SIREN" in refused.stderr
