"""Plays the conversation set against the real stack, as each persona would, and classifies it.

Each turn: send the persona's message through Rasa's REST channel (with the widget's session
metadata), recognise the question the reply asks (questions.py), pick the persona's answer
(its deviation for the n-th asking of that question, else its style's answer; at the summary,
a correction when the summary shows something else than the persona's facts), and watch the
outcome in the product's own records: the account in the accounts database (found by the
persona's company), the activation email in the SMTP server's inbox, the handoff actions in the
tracker store.

Outcomes:

- ``completed``: the account exists with the persona's address and the activation email reached
  it (for a returning supplier: a new activation email reached it), in the first conversation,
  without the assistant asking again three or more answers already given;
- ``completed_after_restart``: the same, after the persona started a new conversation (it got
  stuck and tried again) or after the assistant asked again three or more answers it had;
- ``wrong_account``: an account was created, but not with the persona's address;
- ``advisor``: not completed, and a ticket was opened;
- ``stuck``: none of these: the turn cap, a question repeated without progress, or nothing
  recognisable asked.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.conversations.questions import Question, recognise, says_account_created
from bench.conversations.script import (
    FIELD_KINDS,
    SUMMARY_CHECKED,
    Answer,
    Click,
    Conversation,
    fill,
    folded,
)

MAX_TURNS_PER_CONVERSATION = 40  # user messages in one conversation (a chat of a dozen minutes)
MAX_TURNS = 60  # over the first conversation and the restart
SAME_QUESTION_LIMIT = 4  # the same question, answered the same way, this many times in a row
ASKED_LIMIT = 8  # one question asked this many times in one conversation
UNKNOWN_LIMIT = 3  # replies in a row where the persona sees no question
LOST_FOR_RESTART = 3  # answers asked again that make it "start again" for the supplier
REQUEST_TIMEOUT = 120  # seconds; the REST channel answers within MESSAGE_TIMEOUT anyway
MAIL_WAIT = 30  # seconds for an activation email once the account exists

HANDOFF_ACTION = "action_handoff"
# How the titles of yes and no buttons start (folded), when their payload says nothing.
YES_WORDS = ("oui", "yes", "j'accepte", "i accept", "d'accord", "ok", "creer", "create")
NO_WORDS = ("non", "no", "je refuse", "i decline", "aucun", "nothing")
ADVISOR_REQUEST = {
    "fr": "je voudrais parler à un conseiller",
    "en": "I'd like to talk to an advisor",
}


# --- what the driver reads from the product --------------------------------------------------


class Product:
    """The running stack as the driver sees it: REST channel, databases, inbox."""

    def __init__(
        self,
        rasa_url: str,
        database_url: str,
        tracker_store_url: str,
        inbox,
        wording_only: bool = False,
    ) -> None:
        from bot.analytics.conversations import tracker_engine

        self.wording_only = wording_only  # read nothing but the replies, as a supplier does
        self.rasa_url = rasa_url
        self.database_url = database_url
        self.tracker = tracker_engine(tracker_store_url)
        self.inbox = inbox
        self._tickets: dict[str, int] = {}

    def say(self, sender: str, text: str, metadata: dict) -> tuple[list[dict], str | None]:
        """The replies to one message, or ([], why) when no answer came."""
        body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode()
        request = urllib.request.Request(  # noqa: S310 - the stack's loopback URL
            self.rasa_url + "/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
                return json.loads(response.read()), None
        except (OSError, ValueError) as error:
            return [], f"{type(error).__name__}: {error}"

    def turn_events(self, sender: str) -> tuple[list[str], str | None, int]:
        """This turn's response names, the form's requested slot, this turn's handoffs."""
        from bot.analytics.conversations import iter_conversation_events

        if self.wording_only:
            return [], None, self._handoffs(sender)
        try:
            events = next(iter_conversation_events(self.tracker, [sender]))[1]
        except Exception:  # the wording is enough without the store
            return [], None, 0
        last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
        this_turn = events[last_user + 1 :]
        names = [
            e["metadata"]["utter_action"]
            for e in this_turn
            if e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action")
        ]
        handoffs = sum(
            1 for e in this_turn if e.get("event") == "action" and e.get("name") == HANDOFF_ACTION
        )
        active_loop, requested = None, None
        for event in events:
            if event.get("event") == "active_loop":
                active_loop = event.get("name")
            elif event.get("event") == "slot" and event.get("name") == "requested_slot":
                requested = event.get("value")
            elif event.get("event") in ("restart", "session_started"):
                active_loop, requested = None, None
        return names, requested if active_loop else None, handoffs

    def _handoffs(self, sender: str) -> int:
        """Tickets opened this turn, from the tickets table (the store is not read)."""
        from sqlalchemy import func, select

        from bot import db
        from bot.models import Ticket

        with db.session_scope(self.database_url) as session:
            count = session.scalar(
                select(func.count(Ticket.id)).where(Ticket.conversation_id == sender)
            )
        new = count - self._tickets.get(sender, 0)
        self._tickets[sender] = count
        return new

    def account(self, facts: dict) -> dict | None:
        """The account created for the persona's company, if any: its email and contact."""
        from sqlalchemy import select

        from bot import db
        from bot.checks.identifiers import check_company_id
        from bot.models import Account, Invitation

        company = check_company_id(facts["country"], str(facts["company_id"])).company_id
        with db.session_scope(self.database_url) as session:
            account = session.scalars(
                select(Account)
                .join(Invitation, Account.invitation_pk == Invitation.id)
                .where(Invitation.country == company.country)
                .where(Invitation.company_id == company.value)
            ).first()
            if account is None:
                return None
            contact = account.contact
            return {
                "email": account.email,
                "first_name": contact.first_name if contact else None,
                "last_name": contact.last_name if contact else None,
                "phone": contact.phone if contact else None,
                "job_title": contact.job_title if contact else None,
            }

    def activation_mails(self, address: str) -> int:
        return sum(
            1
            for message in list(self.inbox.messages)
            if folded(message["To"] or "") == folded(address) and "/activate?" in _body(message)
        )


def _body(message) -> str:
    try:
        return message.get_body(("plain",)).get_content()
    except (AttributeError, KeyError):
        return str(message)


# --- one conversation -------------------------------------------------------------------------


@dataclass
class Turn:
    said: str
    replies: list[str]
    kind: str
    source: str
    language: str | None
    buttons: list[str]


@dataclass
class Result:
    id: str
    category: str
    language: str
    speaks: str
    expected: str
    outcome: str = "stuck"
    turns: int = 0
    conversations: int = 0
    handoffs: int = 0
    lost_answers: list[str] = field(default_factory=list)
    wrong_data: list[str] = field(default_factory=list)
    summary_corrections: int = 0
    stuck_reason: str = ""
    final_language: str | None = None
    sources: dict[str, int] = field(default_factory=dict)
    transcript: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def as_expected(self) -> bool:
        if self.expected == "advisor":
            return self.outcome == "advisor"
        return self.outcome in ("completed", "completed_after_restart")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "as_expected": self.as_expected}


class Stuck(Exception):
    pass


class Player:
    """One persona playing its script; ``run`` returns the classified result."""

    def __init__(self, conversation: Conversation, product: Product) -> None:
        self.script = conversation
        self.product = product
        self.facts = dict(conversation.facts)
        self.result = Result(
            conversation.id,
            conversation.category,
            conversation.language,
            conversation.speaks,
            conversation.expected,
        )
        self.sources: Counter[str] = Counter()
        self.mails_before = 0

    # -- the run --

    def run(self) -> Result:
        started = time.monotonic()
        if self.script.goal == "activation_email":
            self.mails_before = self.product.activation_mails(self.facts["email"])
        sender, reason = self._attempt(first=True)
        if reason and not self._done():
            self.result.stuck_reason = reason
            if self.script.on_stuck == "restart":  # a new conversation, as after closing the tab
                sender, reason = self._attempt(first=False)
            elif self.script.on_stuck == "advisor":  # asks for a human, in the same conversation
                _, reason = self._attempt(
                    first=False, sender=sender, message=ADVISOR_REQUEST[self.script.speaks]
                )
        self._classify(reason)
        self.result.sources = dict(self.sources)
        self.result.seconds = round(time.monotonic() - started, 1)
        return self.result

    def _metadata(self) -> dict:
        metadata: dict[str, Any] = {"language": self.script.language}
        if self.script.invitation_link:
            metadata["invitation_code"] = self.facts["code"]
        return metadata

    def _attempt(
        self, first: bool, sender: str | None = None, message: str | None = None
    ) -> tuple[str, str | None]:
        """Play one conversation (or go on with ``sender``'s); (its sender, None when it reached
        its goal or ended, else why it stopped)."""
        if sender is None:
            self.result.conversations += 1
            sender = uuid.uuid4().hex
        state = _AttemptState(first=first)
        if message is None:
            message = self.script.opening if first else self.script.restart_opening
        self._note_given(None, message, state)
        for _ in range(MAX_TURNS_PER_CONVERSATION):
            if self.result.turns >= MAX_TURNS:
                return sender, "turn cap"
            replies, error = self.product.say(sender, message, self._metadata())
            self.result.turns += 1
            if error:
                self._record(message, [f"[no answer: {error}]"], Question("unknown", "none"))
                return sender, f"no answer ({error})"
            names, requested, handoffs = self.product.turn_events(sender)
            self.result.handoffs += handoffs
            state.handoff_pending = state.handoff_pending or handoffs > 0
            question = recognise(replies, names, requested)
            self.sources[question.source] += 1
            self._record(message, [r.get("text") or "" for r in replies], question)
            if question.language:
                self.result.final_language = question.language
            if self._goal_reached(replies):
                return sender, None
            try:
                next_message = self._answer(question, state)
            except Stuck as stuck:
                return sender, str(stuck)
            if next_message is None:  # the persona has nothing more to say
                return sender, None if state.ended_with_advisor else "nothing more to say"
            message = next_message
        return sender, "turn cap"

    def _record(self, said: str, replies: list[str], question: Question) -> None:
        self.result.transcript.append(
            asdict(
                Turn(
                    said,
                    replies,
                    question.kind,
                    question.source,
                    question.language,
                    [f"{b.get('title')} -> {b.get('payload')}" for b in question.buttons],
                )
            )
        )

    # -- the persona's choices --

    def _answer(self, question: Question, state: _AttemptState) -> str | None:
        kind = question.kind
        if kind == "unknown":
            return self._answer_unknown(question, state)
        state.unknown_in_a_row = 0
        if kind not in ("handoff_contact", "advisor_offer"):
            state.handoff_pending = False
        state.asked[kind] += 1
        nth = state.asked[kind]
        if nth > ASKED_LIMIT:
            raise Stuck(f"{kind} asked {nth} times")
        again = kind == state.last_kind  # asked again right after the persona answered it
        state.retries = state.retries + 1 if again else 0
        self._note_asked(kind, state, again)
        answer = self._choose(question, state, nth)
        intent = self._intent(kind, answer, state)
        text = self._typed(answer, question, intent, state.retries)
        if again and text == state.last_text:
            state.same_in_a_row += 1
            if state.same_in_a_row >= SAME_QUESTION_LIMIT:
                raise Stuck(f"{kind} asked {state.same_in_a_row + 1} times in a row")
        else:
            state.same_in_a_row = 0
        state.last_kind, state.last_text = kind, text
        self._note_given(kind, text, state)
        if kind == "advisor_offer" and intent == "yes":
            state.accepted_advisor = True
        if kind in ("email_confirm", "email_suggestion") and intent == "no":
            state.corrected.add("email")
        return text

    def _choose(self, question: Question, state: _AttemptState, nth: int) -> Answer:
        """The persona's answer: its deviation, a correction it needs, else its style's."""
        kind = question.kind
        deviation = self.script.deviation(kind, nth) if state.first else None
        if deviation is not None:
            self.facts.update(deviation.facts)
            state.corrected.update(deviation.corrects)
            if deviation.corrects:
                state.pending_fix = deviation.corrects[0]
            if kind in FIELD_KINDS:  # a wrong, missing or mixed answer: asking again is fair
                state.corrected.add(kind)
                state.last_deviation = kind
            return deviation.say
        if kind == "summary":
            fix = self._summary_fix(question, state)
            if fix is not None:
                return fix
        if kind == "correction_menu" and state.pending_fix:
            return Click(state.pending_fix, FIELD_WORDS[self.script.speaks][state.pending_fix])
        if kind == "which_is_wrong":
            # "which of the two does not match?": the one the persona got wrong on purpose, else
            # the code (the identifier is on the company's own papers)
            wrong = state.last_deviation
            if wrong not in ("company_id", "invitation_code"):
                wrong = "invitation_code"
            return Click(wrong, FIELD_WORDS[self.script.speaks][wrong])
        return self.script.default_answer(kind, nth) or self._fallback_answer(kind)

    def _intent(self, kind: str, answer: Answer, state: _AttemptState) -> str | None:
        """What the answer means, as a button would say it: yes, no, or a field to correct."""
        if isinstance(answer, Click):
            return answer.target
        if kind == "correction_menu":
            return state.pending_fix or _field_named(answer)
        if kind == "summary" and state.pending_fix:
            return "no"
        if _means_yes(answer):
            return "yes"
        if _means_no(answer):
            return "no"
        return None

    def _answer_unknown(self, question: Question, state: _AttemptState) -> str | None:
        """The reply asks nothing the persona recognises."""
        if state.handoff_pending or (state.accepted_advisor and self.result.handoffs):
            state.handoff_pending = False
            if self.script.after_handoff and not state.said_after_handoff:
                state.said_after_handoff = True
                return self.script.after_handoff
            state.ended_with_advisor = True
            return None
        state.unknown_in_a_row += 1
        if state.unknown_in_a_row >= UNKNOWN_LIMIT:
            raise Stuck(f"no question recognised in {UNKNOWN_LIMIT} replies in a row")
        wanted = GOAL_BUTTONS.get(self.script.goal, ())
        goal = [b for b in question.buttons if str(b.get("payload")) in wanted]
        if goal:  # "not sure: is it one of these?" with the persona's own request among them
            self.sources["buttons"] += 1
            return str(goal[0]["payload"])
        if any("human_handoff" in str(b.get("payload")) for b in question.buttons):
            # "an advisor can help you" with its button: an offer, even without a question
            offer = Question(
                "advisor_offer", "buttons", question.language, question.buttons, question.text
            )
            self.sources["buttons"] += 1
            return self._answer(offer, state)
        if state.last_kind:
            # said again, as it should have been understood: the persona's true facts
            answer = self.script.default_answer(state.last_kind, 1) or self._fallback_answer(
                state.last_kind
            )
            return self._typed(answer, question, None, 0)
        return self.script.restart_opening

    def _fallback_answer(self, kind: str) -> Answer:
        if kind == "menu":
            if self.script.goal == "activation_email":
                return Click("activation", self.script.opening)
            return Click("yes", self.script.restart_opening)
        return Click("yes", "oui" if self.script.speaks == "fr" else "yes")

    def _summary_fix(self, question: Question, state: _AttemptState) -> str | None:
        """The correction a supplier asks for when the summary shows something else than their
        facts (4 times at most for one field, then they give up and confirm)."""
        shown = folded(question.text)
        for name in SUMMARY_CHECKED:
            value = self.facts.get(name)
            if not value or folded(str(value)) in shown or name not in self.script.summary_wrong:
                continue
            if state.summary_fixes[name] >= 4:
                continue
            state.summary_fixes[name] += 1
            self.result.summary_corrections += 1
            state.corrected.add(name)
            state.pending_fix = name
            return fill(self.script.summary_wrong[name], self.facts)
        state.pending_fix = None
        return None

    def _typed(self, answer: Answer, question: Question, intent: str | None, retries: int) -> str:
        """What is sent: a button's payload when the persona clicks, else the typed text.

        A supplier whose typed answer was not understood twice clicks the button that says what
        they mean, when there is one (as users of the widget do)."""
        if isinstance(answer, Click):
            button = _button(question.kind, answer.target, question.buttons)
            if button is not None:
                return str(button.get("payload") or button.get("title"))
            return fill(answer.fallback, self.facts)
        if retries >= 2 and intent and question.buttons:
            button = _button(question.kind, intent, question.buttons)
            if button is not None:
                return str(button.get("payload") or button.get("title"))
        return fill(answer, self.facts)

    def _note_asked(self, kind: str, state: _AttemptState, again: bool) -> None:
        """A question about something the persona already gave (in an answer or in another
        message) is an answer lost, unless the persona corrected it or gave it just before."""
        if state.pending_fix == kind:
            state.pending_fix = None
        if kind not in FIELD_KINDS or kind not in state.given:
            return
        state.given.discard(kind)
        if again:
            return
        if kind in state.corrected:
            state.corrected.discard(kind)
        elif kind not in self.result.lost_answers:
            self.result.lost_answers.append(kind)

    def _note_given(self, kind: str | None, text: str, state: _AttemptState) -> None:
        if kind in FIELD_KINDS:
            state.given.add(kind)
        # A password may hold a name, and the address left for an advisor is not the
        # registration's answer: those answer their own question only.
        if kind not in ("password", "handoff_contact"):
            state.given.update(facts_in(text, self.facts))

    # -- the outcome --

    def _goal_reached(self, replies: list[dict]) -> bool:
        if self.script.goal == "activation_email":
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if self._done():
                    return True
                time.sleep(0.3)
            return False
        if self.product.account(self.facts) is None and not says_account_created(replies):
            return False
        return self.product.account(self.facts) is not None

    def _done(self) -> bool:
        if self.script.goal == "activation_email":
            return self.product.activation_mails(self.facts["email"]) > self.mails_before
        account = self.product.account(self.facts)
        if account is None or folded(account["email"]) != folded(self.facts["email"]):
            return False
        deadline = time.monotonic() + MAIL_WAIT
        while time.monotonic() < deadline:
            if self.product.activation_mails(self.facts["email"]) > 0:
                return True
            time.sleep(0.5)
        return False

    def _classify(self, reason: str | None) -> None:
        result = self.result
        account = self.product.account(self.facts) if self.script.goal == "account" else None
        if account is not None:
            result.wrong_data = _differences(account, self.facts)
        if self._done():
            restarted = result.conversations > 1 or len(result.lost_answers) >= LOST_FOR_RESTART
            result.outcome = "completed_after_restart" if restarted else "completed"
        elif account is not None:
            result.outcome = "wrong_account"
        elif result.handoffs:
            result.outcome = "advisor"
        else:
            result.outcome = "stuck"
        if result.outcome in ("completed", "completed_after_restart"):
            result.stuck_reason = result.stuck_reason if result.conversations > 1 else ""
        elif reason:
            result.stuck_reason = reason


@dataclass
class _AttemptState:
    first: bool
    asked: Counter = field(default_factory=Counter)
    given: set = field(default_factory=set)  # fields whose value the persona has typed
    corrected: set = field(default_factory=set)  # fields the persona said were wrong
    pending_fix: str | None = None  # the field the persona is correcting
    last_deviation: str | None = None  # the last field the persona answered wrongly on purpose
    summary_fixes: Counter = field(default_factory=Counter)
    last_kind: str | None = None
    last_text: str | None = None
    retries: int = 0  # the same question asked again right after the persona's answer
    same_in_a_row: int = 0
    unknown_in_a_row: int = 0
    handoff_pending: bool = False
    accepted_advisor: bool = False
    said_after_handoff: bool = False
    ended_with_advisor: bool = False


def _button(kind: str, target: str, buttons: list[dict]) -> dict | None:
    """The button that means ``target`` at a question of ``kind``: yes, no, or words of its
    payload or title (a field's name, "renvoyer", ...)."""

    def title(button: dict) -> str:
        return folded(str(button.get("title") or ""))

    def payload(button: dict) -> str:
        return str(button.get("payload") or "")

    if target == "yes":
        wanted = ("human_handoff",)
        if kind != "advisor_offer":
            wanted = ("/affirm", "start_registration")
        found = [b for b in buttons if any(w in payload(b) for w in wanted)]
        found = found or [b for b in buttons if title(b).startswith(YES_WORDS)]
        if kind != "advisor_offer" or found:
            return found[0] if found else None
    if target == "no":
        # declining an advisor means going on with the registration
        wanted = ("start_registration", "/deny") if kind == "advisor_offer" else ("/deny",)
        for word in wanted:
            found = [b for b in buttons if word in payload(b)]
            if found:
                return found[0]
        found = [b for b in buttons if title(b).startswith(NO_WORDS)]
        return found[0] if found else None
    target = folded(target)
    for button in buttons:
        if target in payload(button).lower() or target in title(button):
            return button
    return None


def _means_yes(answer: Answer) -> bool:
    text = answer.fallback if isinstance(answer, Click) else answer
    return folded(text).startswith(
        (
            "oui",
            "yes",
            "ok",
            "d'accord",
            "daccord",
            "sure",
            "cest bon",
            "c'est bon",
            "j'accepte",
            "i accept",
            "volontiers",
        )
    )


def _means_no(answer: Answer) -> bool:
    text = answer.fallback if isinstance(answer, Click) else answer
    return folded(text).startswith(("non", "no", "rien", "nothing", "je refuse", "i decline"))


# The buttons a persona clicks when an unrecognised reply (the "not sure" topics) offers one
# that is its own request.
GOAL_BUTTONS = {"activation_email": ("/resend_activation", "/activation_email_missing")}

# Words a supplier types for a field in the correction menu, and reads on its button.
FIELD_WORDS = {
    "fr": {
        "email": "email",
        "password": "mot de passe",
        "first_name": "prénom",
        "last_name": "nom",
        "phone": "téléphone",
        "job_title": "fonction",
        "company_id": "société",
        "country": "pays",
        "invitation_code": "code",
    },
    "en": {
        "email": "email",
        "password": "password",
        "first_name": "first name",
        "last_name": "last name",
        "phone": "phone",
        "job_title": "job title",
        "company_id": "company",
        "country": "country",
        "invitation_code": "code",
    },
}


def _field_named(answer: Answer) -> str | None:
    text = folded(answer.fallback if isinstance(answer, Click) else answer)
    # most specific words first: "nom" is in "prénom", "name" in "first name"
    for field_name in ("first_name", "last_name", "job_title", "phone", "email", "password"):
        for words in FIELD_WORDS.values():
            if folded(words[field_name]) in text:
                return field_name
    if "nom" in text.split() or "surname" in text:
        return "last_name"
    return None


_FACT_KINDS = {
    "country_name": "country",
    "company_id": "company_id",
    "code": "invitation_code",
    "email": "email",
    "phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
    "job_title": "job_title",
}


def facts_in(text: str, facts: dict) -> set[str]:
    """The registration questions whose answer (the persona's fact) ``text`` contains."""
    plain = folded(text)
    compact = re.sub(r"[^0-9a-z]", "", plain)
    digits = re.sub(r"\D", "", plain)
    words = " " + re.sub(r"[^0-9a-z'-]+", " ", re.sub(r"\S+@\S+", " ", plain)) + " "
    found = set()
    for fact, kind in _FACT_KINDS.items():
        value = facts.get(fact)
        if not value:
            continue
        value = folded(str(value))
        if fact == "email":
            hit = value in plain
        elif fact in ("company_id", "code"):
            hit = re.sub(r"[^0-9a-z]", "", value) in compact
        elif fact == "phone":
            hit = len(re.sub(r"\D", "", value)) >= 8 and re.sub(r"\D", "", value) in digits
        else:
            hit = f" {re.sub(r'[^0-9a-z-]+', ' ', value).strip()} " in words
        if hit:
            found.add(kind)
    return found


def _differences(account: dict, facts: dict) -> list[str]:
    """Fields of the created account that differ from the persona's (final) facts."""
    from bot.checks.contacts import check_phone

    wrong = []
    if folded(account["email"]) != folded(facts["email"]):
        wrong.append("email")
    for name in ("first_name", "last_name"):
        if folded(account[name] or "") != folded(facts[name]):
            wrong.append(name)
    expected_phone = check_phone(str(facts["phone"]), facts["country"]).value
    if account["phone"] != expected_phone:
        wrong.append("phone")
    stored_job = (account["job_title"] or "").strip()
    expected_job = (facts["job_title"] or "").strip()
    if folded(stored_job) != folded(expected_job):
        wrong.append("job_title")
    return wrong


# --- the set's preparation --------------------------------------------------------------------


def prepare(conversations: list[Conversation], database_url: str) -> None:
    """The invitations (and the returning suppliers' accounts) in the accounts database."""
    from bot.checks.identifiers import check_company_id
    from tests.factories import invite, register_supplier

    for conversation in conversations:
        facts = conversation.facts
        company = check_company_id(facts["country"], str(facts["company_id"])).company_id
        if conversation.setup == "pending_account":
            register_supplier(
                database_url,
                facts["email"],
                language=conversation.speaks,
                code=facts["code"],
                company=company,
            )
        else:
            invite(database_url, company, code=facts["code"])


def wait_for_setup_mails(product: Product, conversations: list[Conversation], timeout=60) -> None:
    """The returning suppliers' first activation emails are delivered (and "lost") before their
    conversations start, so that only a new one counts."""
    addresses = [c.facts["email"] for c in conversations if c.setup == "pending_account"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(product.activation_mails(a) for a in addresses):
            return
        time.sleep(0.5)


def write_json(results: list[Result], path: Path, context: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {**context, "conversations": [r.as_dict() for r in results]},
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
