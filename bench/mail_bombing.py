"""How many mails a script makes the product send to someone else's address.

Two loops against an address that already has an account (a fresh SQLite database, no server):

- ``30 address corrections``: a conversation that created an account corrects its address to
  the victim's, 30 times (bot/registration/drafts.correct_address, what the chat calls);
- ``30 registrations``: 30 conversations register with one invitation and the victim's address
  (bot/registration/accounts.register).

It prints the "account already exists" mails queued for the victim, and what the 30 answers
were. The same script runs against an older checkout (``PYTHONPATH=<checkout>``).

    .venv/bin/python -m bench.mail_bombing
"""

from __future__ import annotations

import collections
import os
import tempfile
from pathlib import Path

VICTIM = "owner@victim.example"
SECOND_VICTIM = "other.owner@victim.example"  # its own count: the loops do not share a cap
ATTEMPTS = 30


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(work) / 'onboarding.db'}"
        os.environ.pop("SMTP_HOST", None)
        from sqlalchemy import func, select

        from bot import db
        from bot.checks.identifiers import CompanyId
        from bot.models import OutboxMail
        from bot.registration import drafts
        from bot.registration.accounts import register
        from tests.factories import add_account, add_invitation, registration

        db.upgrade()

        def mails_to(victim: str) -> int:
            with db.session_scope() as session:
                return session.scalar(
                    select(func.count(OutboxMail.id)).where(
                        OutboxMail.kind == "account_exists", OutboxMail.to_address == victim
                    )
                )

        with db.session_scope() as session:
            add_account(
                session, VICTIM, company=CompanyId("GB", "SC123456"), code="VICTIMGB00000001"
            )
            other = CompanyId("BE", "0403170701")
            add_account(session, SECOND_VICTIM, company=other, code="VICTIMBE00000001")
            mine = add_account(session, "attacker@example.org", code="ATTACKFR00000001")
            drafts.mark_submitted(session, "attacker", "attacker@example.org", mine.account_pk)
        answers: collections.Counter = collections.Counter()
        for _ in range(ATTEMPTS):
            with db.session_scope() as session:
                answers[drafts.correct_address(session, "attacker", VICTIM).status.value] += 1
        print(f"{ATTEMPTS} address corrections to {VICTIM}: {mails_to(VICTIM)} mails queued")
        print(f"  answers: {dict(answers)}")

        company = CompanyId("FR", "552100554")
        with db.session_scope() as session:
            code = add_invitation(session, company, code="REPLAYFR00000001").code
        answers.clear()
        for _ in range(ATTEMPTS):
            with db.session_scope() as session:
                outcome = register(session, registration(company, code, SECOND_VICTIM))
                answers[outcome.status.value] += 1
        print(
            f"{ATTEMPTS} registrations with one invitation and {SECOND_VICTIM}: "
            f"{mails_to(SECOND_VICTIM)} mails queued"
        )
        print(f"  answers: {dict(answers)}")
        db.dispose_engines()


if __name__ == "__main__":
    main()
