"""The report and transcripts read what the running assistant really stored.

The unit tests (tests/analytics/test_report.py) write events as the actions emit them; this test
checks that assumption against the real servers: a French registration through the REST
channel, then activation, and an English conversation with a question and a handoff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from test_registration_rest import PASSWORD

from bot import db
from bot.analytics.conversations import iter_summaries
from bot.checks.identifiers import CompanyId
from bot.registration.accounts import ActivationStatus, activate
from bot.registration.invitations import create_invitation
from tests.e2e.conftest import activation_token, converse, wait_for_mail

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_report_and_transcripts_of_real_conversations(servers):
    with db.session_scope(servers.database_url) as session:
        create_invitation(
            session,
            CompanyId("FR", "732829320"),
            "ACME Industries",
            code="E2ER-EP00-0000-0001",
            issued_at=db.utcnow() - timedelta(days=3),
        )
    french, english = "report-e2e-fr", "report-e2e-en"
    converse(
        servers,
        french,
        [
            ("Bonjour, je voudrais créer mon compte fournisseur", "dans quel pays"),
            ("c'est en France", "SIREN"),
            ("732 829 320", "code d'invitation"),
            ("E2ER-EP00-0000-0001", "adresse email"),
            ("marie.report@acme-industrie.fr", "marie.report@acme-industrie.fr"),
            ("oui", "mot de passe"),
            ("motdepasse", "il manque une majuscule"),
            (PASSWORD, "Conditions Générales"),
            ("J'accepte", "prénom"),
            ("Marie", "nom de famille"),
            ("Curie", "téléphone"),
            ("06 12 34 56 78", "fonction"),
            ("Comptable", "récapitulatif"),
            ("oui", "noreply@sis-id.com"),
        ],
        metadata={"language": "fr"},
    )
    mail = wait_for_mail(servers.smtp, "marie.report@acme-industrie.fr")
    with db.session_scope(servers.database_url) as session:
        assert activate(session, activation_token(mail)).status is ActivationStatus.ACTIVATED
    converse(
        servers,
        english,
        [
            ("what are the password rules?", "8 characters"),
            ("I want to talk to a human", "Which email address can an advisor reply to?"),
            ("/deny", "T-"),
        ],
        metadata={"language": "en"},
    )

    tracker_url = f"sqlite:///{servers.log_dir / 'conversations.db'}"
    summaries = {
        s.conversation_id: s
        for s in iter_summaries(tracker_url, accounts_url=servers.database_url)
        if s.conversation_id in (french, english)
    }
    fr = summaries[french]
    assert fr.language == "fr"
    assert fr.step == "account_activated" and fr.outcome == "registered"
    assert fr.invitation_checks["valid"] == 1
    assert set(fr.password_failures) >= {"uppercase", "digit"}
    assert fr.not_understood == []  # answers the NLU was unsure of were answers, not fallbacks
    assert fr.user_messages == 14 and len(fr.response_times) == 14
    en = summaries[english]
    assert en.language == "en"
    assert en.faq_topics == ["faq/password_rules"]
    assert en.handoffs == 1 and en.outcome == "escalated" and en.sessions_with_handoff == 1

    env = {
        **os.environ,
        "TRACKER_STORE_URL": tracker_url,
        "DATABASE_URL": servers.database_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "transcripts", "--conversation", french],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["step_reached"] == "account_activated"
    assert PASSWORD not in result.stdout and "E2ER-EP00-0000-0001" not in result.stdout
    assert "motdepasse" not in result.stdout  # a refused password is a password too
