"""Conversations whose truth is known, written as real Rasa events into a real tracker store.

Each scenario below follows what the assistant really emits (see actions/registration*.py,
domain.yml, data/rules): the user event, ``action_extract_slots`` with the raw slot values,
the form or action, its validated slot events, the slots it records for the report
(bot/analytics/recorded.py) and bot utterances (with the response name in
``metadata.utter_action``, as Rasa writes it), then ``action_listen``. The tests compare the
report with the figures written by hand in ``EXPECTED`` (not recomputed by the code under test).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.analytics.recorded import (
    ACCOUNT_CREATED,
    ACCOUNT_DETAILS,
    ANSWER_FEEDBACK,
    ANSWERED_TOPIC,
    COMPANY_IDENTIFIED,
    CONTACT_DETAILS,
    FEEDBACK_ASKED,
    HELPFUL,
    INVITATION_CHECK,
    INVITATION_VALID,
    PASSWORD_RULES_UNMET,
    REGISTRATION_STEPS,
    steps_with,
)
from bot.checks.identifiers import CompanyId
from bot.models import OutboxMail
from bot.registration import drafts
from bot.registration.accounts import activate
from bot.responses import load_domain, response_text
from rasa_ext.tracker_store import RedactingSQLTrackerStore
from tests.conftest import rasa_domain
from tests.factories import add_account

ROOT = Path(__file__).resolve().parents[2]
WEEK_1 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # Monday of ISO week 45
WEEK_2 = datetime(2026, 11, 9, 9, 0, tzinfo=timezone.utc)  # Monday of ISO week 46
REPLY_DELAY = 0.5  # seconds from a user message to the bot's first reply, everywhere


def rule_text(rule: str, language: str) -> str:
    """The wording of a password rule in ``language``, as extract_password assembles it."""
    return response_text(load_domain()["responses"], f"utter_password_rule_{rule}", language)


class Script:
    """Builds the events of one conversation with controlled timestamps.

    ``wording(rule, language)`` is the text of an unmet password rule in the refusal.
    """

    def __init__(
        self,
        sender: str,
        start: datetime,
        language: str,
        reply_delay: float = REPLY_DELAY,
        wording=rule_text,
    ) -> None:
        self.sender = sender
        self.language = language
        self.reply_delay = reply_delay
        self.wording = wording
        self.reply_due: float | None = None
        self.now = start.timestamp()
        self.events: list = []
        self.steps: list[str] = []  # the registration_steps slot (not kept by a new session)
        self.session()

    def reach(self, step: str) -> list[tuple[str, object]]:
        """The slot event recording ``step``, as actions.common.reached makes it."""
        steps = steps_with(self.steps, step)
        if steps is None:
            return []
        self.steps = steps
        return [(REGISTRATION_STEPS, steps)]

    def _at(self, seconds: float = 1.0) -> float:
        self.now += seconds
        return self.now

    def session(self, after: float = 0.0) -> None:
        self.now += after
        self.steps = []
        self.events += [
            ActionExecuted("action_session_start", timestamp=self._at(0)),
            SessionStarted(timestamp=self._at(0.01)),
            SlotSet("language", self.language, timestamp=self._at(0.01)),
            ActionExecuted("action_listen", timestamp=self._at(0.01)),
        ]

    def user(self, text: str, intent: str, faq: str | None = None, **raw_slots) -> None:
        parse_data = {
            "intent": {"name": intent, "confidence": 0.95},
            "entities": [],
            "text": text,
        }
        if faq:
            parse_data["response_selector"] = {
                "default": {
                    "response": {"intent_response_key": faq, "utter_action": f"utter_{faq}"}
                }
            }
        said_at = self._at(20)
        self.events.append(
            UserUttered(
                text,
                intent=parse_data["intent"],
                parse_data=parse_data,
                timestamp=said_at,
                input_channel="rest",
            )
        )
        self.events.append(ActionExecuted("action_extract_slots", timestamp=self._at(0.1)))
        for name, value in raw_slots.items():
            self.events.append(SlotSet(name, value, timestamp=self._at(0.01)))
        # Actions take a few hundredths of a second in between: the reply is exactly on time.
        self.reply_due = said_at + self.reply_delay

    def action(self, name: str, *slots: tuple[str, object]) -> None:
        self.events.append(ActionExecuted(name, timestamp=self._at(0.01)))
        for slot, value in slots:
            self.events.append(SlotSet(slot, value, timestamp=self._at(0.01)))

    def bot(self, response: str | None, text: str) -> None:
        due = self.reply_due
        at = due if due is not None and due > self.now else self._at(0.01)
        self.now = at
        self.reply_due = None
        metadata = {"utter_action": response} if response else {}
        self.events.append(BotUttered(text, metadata=metadata, timestamp=at))

    def listen(self) -> None:
        self.events.append(ActionExecuted("action_listen", timestamp=self._at(0.01)))

    def loop(self, name: str | None) -> None:
        self.events.append(ActiveLoop(name, timestamp=self._at(0.01)))

    # --- The steps of the registration, as the form runs them ------------------------------

    def start(self) -> None:
        fr = self.language == "fr"
        self.user(
            "je voudrais créer mon compte" if fr else "I'd like to register", "start_registration"
        )
        self.action("action_start_registration")
        self.bot("utter_start_registration", "Très bien." if fr else "Fine.")
        self.action("registration_form")
        self.loop("registration_form")
        self.events.append(SlotSet("requested_slot", "country", timestamp=self._at(0.01)))
        self.bot("utter_ask_country", "Pays ?" if self.language == "fr" else "Country?")
        self.listen()

    def form_turn(self, text: str, raw: dict, validated: list, bots: list, intent="inform") -> None:
        self.user(text, intent, **raw)
        self.action("registration_form", *validated)
        for response, bot_text in bots:
            self.bot(response, bot_text)
        self.listen()

    def country(self) -> None:
        self.form_turn(
            "France",
            {"country": "France"},
            [("country", "FR"), ("requested_slot", "company_id")],
            [("utter_ask_company_id", "SIREN ?")],
        )

    def company(self, value: str = "732829320") -> None:
        self.form_turn(
            value,
            {"company_id": value},
            [
                ("company_id", value),
                *self.reach(COMPANY_IDENTIFIED),
                ("requested_slot", "invitation_code"),
            ],
            [("utter_ask_invitation_code", "Code ?")],
        )

    def invitation(self, outcome: str = "valid") -> None:
        raw = {"invitation_code": "ACME…"}
        if outcome == "valid":
            self.form_turn(
                "ACME-FR00-0000-0001",
                raw,
                [
                    ("invitation_code", "ACME…"),
                    ("invitation_valid", True),
                    (INVITATION_CHECK, ["valid"]),
                    *self.reach(INVITATION_VALID),
                    ("requested_slot", "email"),
                ],
                [("utter_invitation_valid", "Identifiée."), ("utter_ask_email", "Email ?")],
            )
        elif outcome == "mismatch":
            self.form_turn(
                "ACME-FR00-0000-0009",
                raw,
                [
                    ("company_id", None),
                    ("invitation_code", None),
                    ("invitation_valid", None),
                    ("invitation_failures", 1.0),
                    (INVITATION_CHECK, ["mismatch"]),
                    ("requested_slot", "company_id"),
                ],
                [
                    ("utter_invitation_mismatch", "« Nous n'avons pas pu vérifier »"),
                    ("utter_invitation_retry", "Vérifiez."),
                    ("utter_ask_company_id", "SIREN ?"),
                ],
            )
        else:  # expired, used: the form stops
            self.user("ACME-FR00-0000-0002", "inform", **raw)
            self.action(
                "registration_form",
                ("invitation_code", "ACME…"),
                (INVITATION_CHECK, [outcome]),
                ("requested_slot", None),
            )
            self.bot(f"utter_invitation_{outcome}", f"Invitation {outcome}.")
            self.loop(None)
            self.listen()

    def email(self, address: str) -> None:
        self.form_turn(
            address,
            {"email": address},
            [
                ("email", address),
                ("email_suggestion", None),
                ("email_confirmed", None),
                ("requested_slot", "email_confirmed"),
            ],
            [("utter_confirm_email", f"{address} ?")],
        )
        self.form_turn(
            "oui",
            {"email_confirmed": True},
            [("email_confirmed", True), ("requested_slot", "password")],
            [("utter_ask_password", "Mot de passe ?")],
            intent="affirm",
        )

    def password(self, *refused: list[str]) -> None:
        for rules in refused:
            lines = "\n".join(self.wording(r, self.language) for r in rules)
            self.form_turn(
                "[masqué]",
                {},
                [("password", None), (PASSWORD_RULES_UNMET, rules), ("requested_slot", "password")],
                [("utter_password_not_accepted", f"Ce mot de passe ne convient pas :\n{lines}")],
                intent="nlu_fallback",  # a password reads as nonsense to the NLU
            )
        self.form_turn(
            "[masqué]",
            {},
            [("password", "[enregistré]"), ("requested_slot", "terms_accepted")],
            [("utter_ask_terms_accepted", "CGU ?")],
            intent="nlu_fallback",
        )

    def terms(self) -> None:
        self.form_turn(
            "j'accepte",
            {"terms_accepted": True},
            [
                ("terms_accepted", True),
                *self.reach(ACCOUNT_DETAILS),
                ("requested_slot", "first_name"),
            ],
            [("utter_ask_first_name", "Prénom ?")],
            intent="affirm",
        )

    def contact(self, last_name_unsure: bool = False) -> None:
        self.form_turn(
            "Jean",
            {"first_name": "Jean"},
            [("first_name", "Jean"), ("requested_slot", "last_name")],
            [("utter_ask_last_name", "Nom ?")],
        )
        self.form_turn(
            "Morel-Vasseur",
            {"last_name": "Morel-Vasseur"},
            [("last_name", "Morel-Vasseur"), ("requested_slot", "phone")],
            [("utter_ask_phone", "Téléphone ?")],
            # During the form an unsure message is the answer, not a fallback (rules).
            intent="nlu_fallback" if last_name_unsure else "inform",
        )
        self.form_turn(
            "06 12 34 56 78",
            {"phone": "06 12 34 56 78"},
            [("phone", "+33612345678"), ("requested_slot", "job_title")],
            [("utter_ask_job_title", "Fonction ?")],
        )
        self.form_turn(
            "passer",
            {"job_title": "-"},
            [("job_title", "-"), *self.reach(CONTACT_DETAILS), ("requested_slot", "confirmed")],
            [("utter_registration_summary", "Résumé.")],
            intent="skip",
        )

    def create(self, address: str) -> None:
        self.user("oui", "affirm", confirmed=True)
        # The form's validation of this "oui" creates the account, and the form ends.
        self.action(
            "registration_form",
            ("confirmed", True),
            ("registered_email", address),
            *self.reach(ACCOUNT_CREATED),
            ("requested_slot", None),
        )
        self.bot("utter_account_created", f"Compte créé, email envoyé à {address}.")
        self.loop(None)
        self.listen()

    def handoff(self) -> None:
        fr = self.language == "fr"
        self.user("je veux parler à un conseiller" if fr else "talk to a human", "human_handoff")
        self.action("action_handoff")
        self.bot("utter_handoff", "Ticket T-000001.")
        self.listen()

    def faq(self, key: str, text: str, asked: bool = True, feedback: str | None = None) -> None:
        """A question answered (actions/answers.py); "did this answer help?" when ``asked``
        (not when the previous one is still pending), then the supplier's ``feedback`` if any.
        """
        self.user(text, "faq", faq=key)
        self.action(
            "action_answer_question",
            (ANSWERED_TOPIC, [key, FEEDBACK_ASKED] if asked else [key]),
            ("feedback_topic", key if asked else None),
        )
        self.bot(f"utter_{key}", "Réponse.")
        if asked:
            self.bot("utter_ask_answer_feedback", "Cette réponse vous a-t-elle aidé ?")
        self.listen()
        if feedback is not None:
            intent = "answer_helpful" if feedback == HELPFUL else "answer_not_helpful"
            self.user("/" + intent, intent)
            self.action(
                "action_record_feedback",
                (ANSWER_FEEDBACK, [key, feedback]),
                ("feedback_topic", None),
            )
            thanks = feedback == HELPFUL
            self.bot(
                "utter_feedback_thanks" if thanks else "utter_feedback_sorry",
                "Merci pour votre retour !" if thanks else "Désolé.",
            )
            self.listen()

    def not_understood(self, text: str) -> None:
        self.user(text, "nlu_fallback")
        self.action("action_two_stage_fallback")
        self.loop("action_two_stage_fallback")
        self.bot(None, "Vouliez-vous dire... ?")
        self.listen()

    def give_up(self) -> None:
        """The user leaves the two-stage fallback with "something else" (not a fallback)."""
        self.user("/deny", "deny")
        self.action("action_two_stage_fallback")
        self.loop(None)
        self.bot("utter_ask_rephrase", "Pouvez-vous reformuler ?")
        self.listen()


@dataclass
class Dataset:
    tracker_url: str
    tracker_path: Path
    scripts: dict[str, Script] = field(default_factory=dict)


def scenarios(wording=rule_text) -> list[Script]:
    """Twelve conversations over two weeks, French and English (truth in EXPECTED).

    ``wording`` words the unmet password rules of a refusal (by default the domain's).
    """
    out: list[Script] = []

    def script(*args, **options) -> Script:
        return Script(*args, wording=wording, **options)

    # 1. FR, week 45: full registration, account activated.
    s = script("fr-activated", WEEK_1, "fr")
    s.start()
    s.country()
    s.company()
    s.invitation("valid")
    s.email("marie@example.fr")
    s.password(["uppercase", "digit"])
    s.terms()
    s.contact()
    s.create("marie@example.fr")
    out.append(s)

    # 2. EN, week 45: full registration, account still pending; unsure last name in the form.
    s = script("en-pending", WEEK_1 + timedelta(hours=1), "en")
    s.start()
    s.country()
    s.company("SC123456")
    s.invitation("valid")
    s.email("john@example.co.uk")
    s.password()
    s.terms()
    s.contact(last_name_unsure=True)
    s.create("john@example.co.uk")
    out.append(s)

    # 3. FR, week 45: stops at the password after three refusals.
    s = script("fr-password", WEEK_1 + timedelta(hours=2), "fr")
    s.start()
    s.country()
    s.company()
    s.invitation("valid")
    s.email("paul@example.fr")
    s.password(["uppercase", "digit"], ["special"])
    out.append(s)

    # 4. EN, week 45: expired invitation, then leaves.
    s = script("en-expired", WEEK_1 + timedelta(hours=3), "en")
    s.start()
    s.country()
    s.company()
    s.invitation("expired")
    out.append(s)

    # 5. FR, week 45: two mismatches, then a human.
    s = script("fr-mismatch", WEEK_1 + timedelta(hours=4), "fr")
    s.start()
    s.country()
    s.company()
    s.invitation("mismatch")
    s.company()
    s.invitation("mismatch")
    s.handoff()
    out.append(s)

    # 6. EN, week 46: invitation already used, then a human.
    s = script("en-used", WEEK_2, "en")
    s.start()
    s.country()
    s.company()
    s.invitation("used")
    s.handoff()
    out.append(s)

    # 7. FR, week 46: questions only, one not understood. "Did this answer help?" is asked
    # after the first answer, left unanswered, so not asked after the second: resolved, not
    # confirmed.
    s = script("fr-questions", WEEK_2 + timedelta(hours=1), "fr")
    s.faq("faq/password_rules", "quelles sont les règles du mot de passe ?")
    s.faq("faq/free", "c'est gratuit ?", asked=False)
    s.not_understood("blabla truc")
    s.give_up()
    out.append(s)

    # 8. EN, week 46: a question that helped ("yes": resolved, confirmed) and two messages not
    # understood (one said twice).
    s = script("en-questions", WEEK_2 + timedelta(hours=2), "en", reply_delay=4.0)
    s.faq("faq/password_rules", "what are the password rules?", feedback="yes")
    s.not_understood("Blabla  truc")
    s.give_up()
    s.not_understood("my code ACME-FR00-0000-0001 is weird")
    out.append(s)

    # 9. FR, week 46: contact details given, never confirmed.
    s = script("fr-contact", WEEK_2 + timedelta(hours=3), "fr")
    s.start()
    s.country()
    s.company()
    s.invitation("valid")
    s.email("luc@example.fr")
    s.password(["min_length"])
    s.terms()
    s.contact()
    out.append(s)

    # 10. FR, week 46: two sessions; a question whose answer did not help ("no"), then (2 h
    # later) a registration and a human: not resolved.
    s = script("fr-two-sessions", WEEK_2 + timedelta(hours=4), "fr", reply_delay=2.0)
    s.faq("faq/free", "est-ce payant ?", feedback="no")
    s.session(after=7200)
    s.start()
    s.country()
    s.company()
    s.invitation("valid")
    s.email("anne@example.fr")
    s.password()
    s.terms()
    s.contact()
    s.create("anne@example.fr")
    s.handoff()
    out.append(s)

    # 11. EN, week 46: registration on an address that already had an (active) account:
    # the conversation says "created", nothing was created, nothing is activated.
    s = script("en-taken", WEEK_2 + timedelta(hours=5), "en")
    s.start()
    s.country()
    s.company("SC123456")
    s.invitation("valid")
    s.email("old@example.com")
    s.password()
    s.terms()
    s.contact()
    s.create("old@example.com")
    out.append(s)

    # 12. FR, week 46: only a greeting, registration started and left at the first question.
    s = script("fr-left-early", WEEK_2 + timedelta(hours=6), "fr")
    s.start()
    out.append(s)
    return out


def write_tracker_store(path: Path, scripts: list[Script], *, redacting: bool = True) -> str:
    """Save the scripts into a SQLite tracker store file; returns its URL.

    The product's redacting store by default; Rasa's plain SQLTrackerStore with
    ``redacting=False`` (rows written before the redacting store was configured).
    """
    domain = rasa_domain()
    url = f"sqlite:///{path}"
    if redacting:
        store = RedactingSQLTrackerStore(domain, url=url)
    else:
        store = SQLTrackerStore(domain, dialect="sqlite", db=str(path))

    async def save_all() -> None:
        for script in scripts:
            tracker = DialogueStateTracker.from_events(
                script.sender, script.events, slots=domain.slots
            )
            await store.save(tracker)

    asyncio.run(save_all())
    store.engine.dispose()
    return url


def _register(session, company: CompanyId, code: str, email: str, language: str) -> int:
    outcome = add_account(session, email, company=company, code=code, language=language)
    assert outcome.account_pk is not None
    return outcome.account_pk


def _activate(session, email: str) -> None:
    mail = session.query(OutboxMail).filter_by(kind="activation", to_address=email).one()
    assert activate(session, mail.secret).status.value == "activated"


# The invitation codes behind the accounts (stored only as hashes; a page must show neither).
ACCOUNT_CODES = (
    "ACME-FR00-0000-0011",
    "NWTD-GB00-0000-0012",
    "ACME-FR00-0000-0013",
    "BXFD-BE00-0000-0014",
)


def write_accounts(session) -> None:
    """The accounts behind the scenarios: 1 active, 2 and 10 pending, 11 hit an active one."""
    fr, gb = CompanyId("FR", "732829320"), CompanyId("GB", "SC123456")
    pk = _register(session, fr, ACCOUNT_CODES[0], "marie@example.fr", "fr")
    drafts.mark_submitted(session, "fr-activated", "marie@example.fr", pk)
    _activate(session, "marie@example.fr")
    pk = _register(session, gb, ACCOUNT_CODES[1], "john@example.co.uk", "en")
    drafts.mark_submitted(session, "en-pending", "john@example.co.uk", pk)
    pk = _register(session, CompanyId("FR", "552100554"), ACCOUNT_CODES[2], "anne@example.fr", "fr")
    drafts.mark_submitted(session, "fr-two-sessions", "anne@example.fr", pk)
    # An account opened long ago by someone else, active: conversation 11 hit its address.
    _register(session, CompanyId("BE", "0403170701"), ACCOUNT_CODES[3], "old@example.com", "en")
    _activate(session, "old@example.com")
    drafts.mark_submitted(session, "en-taken", "old@example.com", None)
    session.flush()


# --- Fixtures (imported by the test modules) ------------------------------------------------


@pytest.fixture(scope="module", name="store_file")
def store_file_fixture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "conversations.db"
    write_tracker_store(path, scenarios())
    return path


@pytest.fixture(name="tracker_url")
def tracker_url_fixture(store_file, tmp_path, monkeypatch, database, session) -> str:
    """A copy of the generated store, the accounts behind it, both configured by URL."""
    copy = tmp_path / "conversations.db"
    copy.write_bytes(store_file.read_bytes())
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    write_accounts(session)
    session.commit()
    return url


_FROZEN_CLI = "import sys\nfrom freezegun import freeze_time\nfrom bot.cli import main\n"
_FROZEN_CLI += "with freeze_time(sys.argv[1]):\n    sys.exit(main(sys.argv[2:]))\n"


def run_cli(
    *args: str, env_url: str | None = None, at: datetime | None = None
) -> subprocess.CompletedProcess:
    """``python -m bot ARGS`` as a separate process, optionally on another tracker store
    (``env_url``) or with its clock frozen at ``at`` (the scenarios are dated)."""
    env = dict(os.environ)
    if env_url:
        env["TRACKER_STORE_URL"] = env_url
    command = ["-c", _FROZEN_CLI, at.isoformat()] if at else ["-m", "bot"]
    return subprocess.run(
        [sys.executable, *command, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
