"""The product's processes on loopback, each of which a fault test can stop, pause or restart.

Unlike the shared `servers` fixture (tests/e2e/conftest.py), these processes belong to the
fault tests alone: stopping the action server here disturbs no other test. Timings are
shortened through the product's own settings so that a fault costs seconds, not minutes:
MESSAGE_TIMEOUT (the REST channel's patience) and OUTBOX_RETRY_SECONDS (first mail retry).
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.launcher import server_commands
from bot.models import Account, Contact, Invitation, OutboxMail
from bot.registration.invitations import hash_code
from tests.e2e.conftest import converse, newest_model, say_rest, wait_for_mail
from tests.e2e.conftest import texts as texts  # test_faults imports it from here
from tests.factories import PASSWORD, Processes, SmtpServer, StackEnvironment, invite

# seconds: well above the SQLite busy timeout (10 s) plus a message's work on a loaded
# machine, so that a locked database gets the action's own answer, not the channel's
MESSAGE_TIMEOUT = 40

# What the assistant says when it cannot finish (utter_try_again_later), per language.
TRY_AGAIN = {"fr": "réessayez dans un instant", "en": "please try again in a moment"}
# After a registration: the mail is queued, so the bot must not promise it was sent.
MAY_TAKE_MINUTES = {"fr": "peut mettre quelques minutes", "en": "may take a few minutes"}
ALREADY_USED = {
    "fr": "Cette invitation a déjà servi à une inscription",
    "en": "This invitation has already been used for a registration",
}


class Product:
    """Outbox sender, action server and Rasa server as subprocesses, SMTP server in-process."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.smtp = SmtpServer()
        self.environment = StackEnvironment(
            work,
            smtp_port=self.smtp.port,
            extra={
                "SMTP_TIMEOUT": "3",
                "OUTBOX_RETRY_SECONDS": "1",
                "MESSAGE_TIMEOUT": str(MESSAGE_TIMEOUT),
            },
        )
        self.database_url = self.environment.database_url
        self.database_path = work / "onboarding.db"
        self.rasa_url = self.environment.rasa_url
        self.env = self.environment.env()
        self.commands = server_commands(
            self.environment.action_port,
            self.environment.rasa_port,
            newest_model(),
            outbox_interval=0.5,
        )
        self.processes = Processes(work)

    # --- processes -------------------------------------------------------------------

    def start(self) -> None:
        db.upgrade(self.database_url)
        self.smtp.start()
        self.processes.start_all(self.commands, self.env)
        self.wait_for_actions()
        # generous: on a shared 2-core machine loading the model can take minutes
        self.processes.wait("rasa", self.rasa_url + "/", timeout=1500)

    def wait_for_actions(self) -> None:
        self.processes.wait("actions", self.environment.action_health_url, timeout=300)

    def stop_actions(self) -> None:
        self.processes.stop_one("actions")

    def start_actions(self) -> None:
        self.processes.start("actions", self.commands["actions"], self.env)
        self.wait_for_actions()

    @contextmanager
    def actions_paused(self) -> Iterator[None]:
        """The action server frozen (SIGSTOP): it accepts connections but never answers."""
        pid = self.processes.pid("actions")
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    @contextmanager
    def smtp_down(self) -> Iterator[None]:
        self.smtp.stop()
        try:
            yield
        finally:
            self.smtp.start()

    @contextmanager
    def database_locked(self) -> Iterator[None]:
        """Another process holds the accounts database's write lock (BEGIN EXCLUSIVE)."""
        connection = sqlite3.connect(self.database_path, isolation_level=None, timeout=30)
        connection.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()

    def stop(self) -> None:
        self.processes.stop()
        self.smtp.stop()

    # --- talking and looking -----------------------------------------------------------

    def say(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        """One message through the REST channel, as the widget sends it."""
        return say_rest(self.rasa_url, sender, text, metadata, timeout=MESSAGE_TIMEOUT + 60)

    def converse(
        self, sender: str, turns: list[tuple[str, str]], metadata: dict | None = None
    ) -> list[dict]:
        """Send each message; each reply must contain the expected words."""
        return converse(self, sender, turns, metadata)

    def invite(self, company: CompanyId, customer: str = "ACME Industries") -> str:
        return invite(self.database_url, company, customer=customer)

    def counts(self, email: str) -> dict[str, int]:
        """What exists for ``email``: account, contact, mails queued and mails received."""
        with db.session_scope(self.database_url) as session:
            accounts = session.scalar(select(func.count(Account.id)).where(Account.email == email))
            contacts = session.scalar(
                select(func.count(Contact.id)).join(Account).where(Account.email == email)
            )
            outbox = session.scalar(
                select(func.count(OutboxMail.id)).where(OutboxMail.to_address == email)
            )
        return {
            "accounts": accounts,
            "contacts": contacts,
            "outbox": outbox,
            "received": len(self.smtp.inbox.to(email)),
        }

    def invitation_used(self, code: str) -> bool:
        with db.session_scope(self.database_url) as session:
            return (
                session.scalar(
                    select(Invitation.used_at).where(Invitation.code_hash == hash_code(code))
                )
                is not None
            )

    def outbox_row(self, email: str) -> OutboxMail:
        with db.session_scope(self.database_url) as session:
            return session.scalar(select(OutboxMail).where(OutboxMail.to_address == email))

    def wait_for_mail(self, email: str, timeout: float = 45) -> None:
        wait_for_mail(self.smtp, email, timeout, log=self.work / "outbox.log")

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")


# The registration up to the summary, with the invitation code from the invitation link.
def turns_to_summary(language: str, email: str) -> list[tuple[str, str]]:
    if language == "en":
        return [
            ("/start_registration", "invitation code is already filled in"),
            ("United Kingdom", "Companies House number"),
            ("SC123456", "invitation from ACME Industries"),
            (email, "is it correct"),
            ("yes", "password"),
            (PASSWORD, "Terms of Use"),
            ("I accept", "first name"),
            ("John", "last name"),
            ("Smith", "phone number"),
            ("020 7946 0958", "job title"),
            ("skip", "summary"),
        ]
    return [
        ("/start_registration", "code d'invitation est déjà renseigné"),
        ("France", "SIREN"),
        ("732 829 320", "adresse email"),
        (email, email),
        ("oui", "mot de passe"),
        (PASSWORD, "Conditions Générales d'Utilisation"),
        ("J'accepte", "prénom"),
        ("Jean", "nom de famille"),
        ("Dupont", "téléphone"),
        ("06 12 34 56 78", "fonction"),
        ("Comptable", "récapitulatif"),
    ]


COMPANY = {"fr": CompanyId("FR", "732829320"), "en": CompanyId("GB", "SC123456")}
YES = {"fr": "oui", "en": "yes"}
