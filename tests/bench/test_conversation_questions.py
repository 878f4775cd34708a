"""The conversation driver reads what the assistant asks, as a supplier would: each question
of today's domain is recognised by its response name and, failing that, by its wording alone,
in French and in English."""

from __future__ import annotations

import re

import pytest

from bench.conversations.questions import recognise, wording
from bot.responses import load_domain, response_text

RESPONSES = load_domain()["responses"]
# Every question the assistant asks today, by response name, and what the driver must read.
QUESTIONS = {
    "utter_ask_country": "country",
    "utter_ask_country_confirmed": "country_confirm",
    "utter_ask_company_id": "company_id",
    "utter_ask_invitation_code": "invitation_code",
    "utter_ask_email": "email",
    "utter_confirm_email": "email_confirm",
    "utter_email_suggestion": "email_suggestion",
    "utter_ask_password": "password",
    "utter_ask_terms_accepted": "terms",
    "utter_ask_first_name": "first_name",
    "utter_ask_last_name": "last_name",
    "utter_ask_phone": "phone",
    "utter_ask_job_title": "job_title",
    "utter_registration_summary": "summary",
    "utter_ask_what_to_correct": "correction_menu",
    "utter_ask_which_is_wrong": "which_is_wrong",
    "utter_answer_without_question": "start",
    "utter_default": "advisor_offer",
    "utter_ask_cancel_registration": "cancel_confirm",
    "utter_activation_options": "activation_help",
    "utter_ask_new_email": "email",
    "utter_ask_new_email_confirmed": "email_confirm",
    "utter_ask_handoff_contact": "handoff_contact",
    "utter_ask_handoff_contact_known": "handoff_contact",
}
# Replies that ask nothing: the driver must not answer them as a question.
STATEMENTS = [
    "utter_handoff",
    "utter_handoff_with_contact",
    "utter_handoff_already",
    "utter_registration_resumes",
    "utter_account_created",
    "utter_invitation_valid",
]
PLACEHOLDERS = {
    "id_name": "SIREN",
    "example": "732 829 320",
    "email": "jean@example.fr",
    "new_email": "jean@example.fr",
    "suggestion": "jean@gmail.com",
    "terms_url": "https://example.test/cgu",
    "company": "SIREN 732 829 320 (France)",
    "first_name": "Jean",
    "last_name": "Dupont",
    "phone": "+33 6 12 34 56 78",
    "job_title": "Gérant",
    "reference": "T-000001",
    "support_email": "support@sis-id.com",
    "customer": "ACME",
    "mail_from": "noreply@sis-id.com",
}
CASES = [
    (name, kind, language)
    for name, kind in QUESTIONS.items()
    if name in RESPONSES
    for language in ("fr", "en")
]


def reply(name: str, language: str) -> dict:
    text = response_text(RESPONSES, name, language)
    return {"text": re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(m.group(1), "x"), text)}


@pytest.mark.parametrize(("name", "kind", "language"), CASES)
def test_each_question_is_read_from_its_wording_alone(name, kind, language):
    assert wording(reply(name, language)["text"]) == (kind, language)


@pytest.mark.parametrize(("name", "kind", "language"), CASES)
def test_each_question_is_read_from_its_response_name(name, kind, language):
    question = recognise([{"text": "…"}], response_names=["utter_ok", name])
    assert (question.kind, question.source) == (kind, "response")


@pytest.mark.parametrize("name", [n for n in STATEMENTS if n in RESPONSES])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_reply_that_only_tells_something_is_not_taken_for_a_question(name, language):
    statement = reply(name, language)
    assert recognise([statement], response_names=[name]).kind == "unknown"
    assert wording(statement["text"]) is None


def test_the_question_closes_the_reply_an_explanation_before_it_is_not_the_question():
    replies = [
        reply("utter_invitation_mismatch", "fr"),
        reply("utter_invitation_retry", "fr"),
        reply("utter_ask_company_id", "fr"),
    ]
    assert recognise(replies).kind == "company_id"


def test_the_password_question_is_read_from_the_widget_payload():
    question = recognise([{"text": "Choisissez…", "custom": {"input": "password"}}])
    assert (question.kind, question.source) == ("password", "payload")


def test_a_form_question_the_wording_does_not_tell_comes_from_the_requested_slot():
    question = recognise([{"text": "Une phrase nouvelle."}], requested_slot="phone")
    assert (question.kind, question.source) == ("phone", "requested_slot")


def test_a_reply_that_asks_nothing_is_unknown():
    assert recognise([{"text": "Très bien."}]).kind == "unknown"
