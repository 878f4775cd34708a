"""validate_registration_form: "I don't know", "I'd rather not", "why?" get an answer made for the
question asked, and are never stored as its answer."""

from __future__ import annotations

import pytest

from tests.actions.form_helpers import asked_next, validate
from tests.actions.helpers import (
    completed_registration,
    draft,
    rendered,
    responses,
    slots_after,
    variation,
)


def before(slot: str, **changes) -> dict:
    """The answers given before the question ``slot``: the later ones are still missing."""
    slots = completed_registration(confirmed=None, **changes)
    order = list(slots)
    for later in order[order.index(slot) :]:
        slots[later] = None
    return slots


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "fr",
            "je ne sais pas",
            "Votre SIREN (9 chiffres, par exemple 732 829 320) figure dans l'email "
            "d'invitation reçu de votre client, et en général sur vos factures.",
        ),
        (
            "en",
            "I don't know",
            "Your SIREN (9 digits, for example 732 829 320) is in the invitation email from your "
            "customer, and usually on your invoices.",
        ),
    ],
)
async def test_i_dont_know_at_the_siren_says_where_to_find_it(domain, language, text, expected):
    """Not "Ce numéro ne ressemble pas à un SIREN"."""
    dispatcher, events, tracker = await validate(
        domain, "company_id", {}, slots=before("company_id", language=language), text=text
    )

    assert rendered(domain, dispatcher, tracker) == [expected]
    assert slots_after(tracker, events)["company_id"] is None
    assert asked_next(tracker, events) == "company_id"


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "je ne sais pas où est le code"), ("en", "I can't find it")],
)
async def test_i_dont_know_at_the_code_points_to_the_invitation_email(domain, language, text):
    dispatcher, _, tracker = await validate(
        domain, "invitation_code", {}, slots=before("invitation_code", language=language), text=text
    )

    assert responses(dispatcher) == ["utter_help_invitation_code"]
    assert ("email d'invitation" if language == "fr" else "invitation email") in rendered(
        domain, dispatcher, tracker
    )[0]


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("fr", "je préfère ne pas donner mon numéro", "skip"),
        ("en", "I'd rather not give my phone number", "nlu_fallback"),
        ("fr", "non", "deny"),
    ],
)
async def test_refusing_the_phone_says_why_it_is_needed_and_offers_an_advisor(
    domain, language, text, intent
):
    """Not "Ce numéro n'est pas valide pour France"."""
    dispatcher, events, tracker = await validate(
        domain,
        "phone",
        {},
        slots=before("phone", language=language),
        text=text,
        intent=intent,
        confidence=0.7,
    )

    assert responses(dispatcher) == ["utter_why_phone", "utter_needed_advisor"]
    said_text = rendered(domain, dispatcher, tracker)[0]
    assert ("vous joindre" if language == "fr" else "reach you") in said_text
    buttons = variation(domain, "utter_needed_advisor", language)["buttons"]
    assert buttons[0]["payload"] == "/human_handoff"
    assert slots_after(tracker, events)["phone"] is None


@pytest.mark.parametrize(
    ("asked", "text", "response"),
    [
        ("country", "pourquoi ?", "utter_why_country"),
        ("email", "why do you need this?", "utter_why_email"),
        ("password", "pourquoi ?", "utter_why_password"),
        ("first_name", "pourquoi vous avez besoin de mon nom ?", "utter_why_name"),
        ("phone", "à quoi ça sert ?", "utter_why_phone"),
        ("invitation_code", "why?", "utter_why_invitation_code"),
        ("terms_accepted", "c'est obligatoire ?", "utter_help_terms_accepted"),
        ("email_confirmed", "pourquoi ?", "utter_why_email_confirmed"),
    ],
)
async def test_why_gets_the_reason_for_that_question(domain, database, asked, text, response):
    """Even when the NLU takes "pourquoi ?" for a question of the FAQ (what is My Sis ID)."""
    dispatcher, events, tracker = await validate(
        domain, asked, {}, slots=before(asked), text=text, intent="faq", confidence=0.82
    )

    assert responses(dispatcher) == [response]
    assert slots_after(tracker, events)[asked] is None
    assert draft() is None  # "pourquoi ?" was not taken for a password


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [("fr", "je ne sais pas", "skip"), ("en", "I don't know", "nlu_fallback")],
)
async def test_i_dont_know_at_the_optional_job_title_skips_it(domain, language, text, intent):
    """Regression: "I don't know" was stored as the job title."""
    dispatcher, events, tracker = await validate(
        domain,
        "job_title",
        {},
        slots=before("job_title", language=language),
        text=text,
        intent=intent,
    )

    assert slots_after(tracker, events)["job_title"] == "-"
    assert responses(dispatcher) == ["utter_job_title_skipped"]
    assert asked_next(tracker, events) == "confirmed"


@pytest.mark.parametrize(
    ("asked", "language", "text", "intent"),
    [
        ("invitation_code", "fr", "attendez je cherche", "out_of_scope"),
        ("invitation_code", "en", "hold on, let me check my emails", "nlu_fallback"),
        ("first_name", "fr", "un instant", "nlu_fallback"),
        ("job_title", "en", "one moment", "nlu_fallback"),
    ],
)
async def test_un_instant_is_never_an_answer_and_the_question_waits(
    domain, asked, language, text, intent
):
    """Regression: "un instant" was a first name or a job title, "attendez je cherche" a
    wrong invitation code."""
    dispatcher, events, tracker = await validate(
        domain, asked, {}, slots=before(asked, language=language), text=text, intent=intent
    )

    assert responses(dispatcher) == ["utter_take_your_time"]
    assert slots_after(tracker, events)[asked] is None
    assert asked_next(tracker, events) == asked


async def test_why_at_the_job_title_says_it_is_optional_with_a_skip_button(domain):
    dispatcher, events, tracker = await validate(
        domain, "job_title", {}, slots=before("job_title"), text="c'est obligatoire ?"
    )

    assert responses(dispatcher) == ["utter_why_job_title"]
    assert dispatcher.messages[0]["response"] == "utter_why_job_title"
    assert variation(domain, "utter_why_job_title", "fr")["buttons"][0]["payload"] == "/skip"
    assert slots_after(tracker, events)["job_title"] is None


@pytest.mark.parametrize("text", ["c'est quoi une fonction ?", "what do you mean by title?"])
async def test_a_question_is_never_stored_as_the_job_title(domain, text):
    _, events, tracker = await validate(
        domain, "job_title", {}, slots=before("job_title"), text=text, intent="nlu_fallback"
    )

    assert slots_after(tracker, events)["job_title"] is None
    assert asked_next(tracker, events) == "job_title"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Un caractère spécial est un signe qui n'est ni une lettre ni un chiffre, par exemple "
            "! ? @ # $ % & * - _ + = / ( ) : ; (hors point final « . »).",
        ),
        (
            "en",
            "A special character is a sign that is neither a letter nor a digit, for example "
            '! ? @ # $ % & * - _ + = / ( ) : ; (the full stop "." does not count).',
        ),
    ],
)
async def test_what_is_a_special_character_gets_examples(domain, database, language, text):
    """Not the rule again: examples. And the question is not taken for a password."""
    question = {"fr": "c'est quoi un caractère spécial ?", "en": "what is a special character?"}
    dispatcher, events, tracker = await validate(
        domain,
        "password",
        {},
        slots=before("password", language=language),
        text=question[language],
        intent="faq",
        confidence=1.0,
    )

    assert rendered(domain, dispatcher, tracker) == [text]
    assert slots_after(tracker, events)["password"] is None
    assert draft() is None
