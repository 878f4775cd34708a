"""The driver plays a persona as written and classifies what happened, checked against a
small scripted assistant (the real stack is what `make conversations` runs): a supplier who
follows the questions completes; an assistant that repeats a question is "stuck"; answers asked
again are counted; a summary that shows a wrong value gets a correction, then the button."""

from __future__ import annotations

import copy

from bench.conversations.driver import Player
from bench.conversations.script import load_conversations
from tests.bench.test_conversation_questions import reply

ORDER = [
    ("country", "utter_ask_country"),
    ("company_id", "utter_ask_company_id"),
    ("invitation_code", "utter_ask_invitation_code"),
    ("email", "utter_ask_email"),
    ("email_confirmed", "utter_confirm_email"),
    ("password", "utter_ask_password"),
    ("terms_accepted", "utter_ask_terms_accepted"),
    ("first_name", "utter_ask_first_name"),
    ("last_name", "utter_ask_last_name"),
    ("phone", "utter_ask_phone"),
    ("job_title", "utter_ask_job_title"),
    ("confirmed", "utter_registration_summary"),
]


class FakeAssistant:
    """Asks the registration's questions in order and stores every answer as given (French
    wording); ``forget_after`` asks the country again once that slot is reached; ``stubborn``
    asks the country whatever is said."""

    def __init__(self, stubborn=False, forget_after=None, shown_email=None) -> None:
        self.stubborn = stubborn
        self.forget_after = forget_after
        self.shown_email = shown_email
        self.answers: dict[str, str] = {}
        self.position = -1
        self.created: dict | None = None
        self.said: list[str] = []

    # Product's interface
    def say(self, sender, text, metadata):
        self.said.append(text)
        return self._reply(text), None

    def _reply(self, text):
        if self.position >= 0:
            slot = ORDER[self.position][0]
            self.answers[slot] = text
            if slot == "confirmed" and text in ("/affirm", "oui", "oui c'est bon"):
                self.created = {
                    "email": self.answers["email"],
                    "first_name": self.answers["first_name"],
                    "last_name": self.answers["last_name"],
                    "phone": None,
                    "job_title": self.answers["job_title"],
                }
                return [{"text": "Votre compte est créé."}]
            if slot == "confirmed":
                return [reply("utter_answer_yes_or_no", "fr"), self._summary()]
        if self.stubborn:
            self.position = 0
            return [reply("utter_ask_country", "fr")]
        self.position += 1
        if self.forget_after and ORDER[self.position][0] == self.forget_after:
            self.forget_after = None
            self.position = 0
        slot, name = ORDER[self.position]
        if slot == "confirmed":
            return [self._summary()]
        question = reply(name, "fr")
        if slot == "password":
            question["custom"] = {"input": "password"}
        return [question]

    def _summary(self):
        summary = reply("utter_registration_summary", "fr")
        for slot in ("first_name", "last_name", "job_title"):
            summary["text"] = summary["text"].replace(
                {"first_name": "Jean", "last_name": "Dupont", "job_title": "Gérant"}[slot],
                self.answers.get(slot, ""),
            )
        email = self.shown_email or self.answers.get("email", "")
        summary["text"] = summary["text"].replace("jean@example.fr", email)
        summary["buttons"] = [
            {"title": "Oui, créer mon compte", "payload": "/affirm"},
            {"title": "Corriger une information", "payload": "/deny"},
        ]
        return summary

    def turn_events(self, sender):
        return [], None, 0

    def account(self, facts):
        return self.created

    def activation_mails(self, address):
        return 1 if self.created and self.created["email"] == address else 0


def persona(conversation_id: str):
    found = next(c for c in load_conversations() if c.id == conversation_id)
    return copy.deepcopy(found)


def test_a_cooperative_supplier_completes_with_one_message_per_question():
    conversation = persona("fr-cooperative-france")
    assistant = FakeAssistant()
    result = Player(conversation, assistant).run()
    assert result.outcome == "completed"
    assert result.turns == 1 + len(ORDER)
    facts = conversation.facts
    assert assistant.answers["company_id"] == facts["company_id"]
    assert assistant.answers["password"] == facts["password"]
    assert result.lost_answers == [] and result.wrong_data == ["phone"]  # the fake keeps none


def test_a_question_repeated_without_progress_is_stuck_after_a_restart():
    result = Player(persona("fr-cooperative-france"), FakeAssistant(stubborn=True)).run()
    assert result.outcome == "stuck"
    assert "in a row" in result.stuck_reason
    assert result.conversations == 2  # the supplier tried a new conversation once


def test_answers_asked_again_are_counted_and_three_make_a_restart():
    result = Player(persona("fr-cooperative-france"), FakeAssistant(forget_after="email")).run()
    assert result.lost_answers == ["country", "company_id", "invitation_code"]
    assert result.outcome == "completed_after_restart"


def test_a_summary_showing_another_address_gets_a_typed_correction_then_the_button():
    assistant = FakeAssistant(shown_email="autre@example.fr")
    Player(persona("fr-cooperative-france"), assistant).run()
    corrections = [
        i for i, t in enumerate(assistant.said) if t.startswith("l'adresse email n'est pas la")
    ]
    assert len(corrections) == 2
    assert assistant.said[corrections[1] + 1] == "/deny"


def test_a_deviation_is_said_at_its_question_and_changes_the_facts():
    conversation = persona("fr-correct-phone-at-job-title")
    assistant = FakeAssistant()
    Player(conversation, assistant).run()
    assert "01 45 67 89 01" in assistant.said  # the wrong number first
    assert "oups mauvais numéro de téléphone, c'est le 01 45 67 89 02" in assistant.said
