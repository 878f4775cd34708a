"""validate_registration_form: unclear answers to yes/no questions."""

from __future__ import annotations

import pytest

from bot.models import Account
from tests.actions.form_helpers import asked_next, validate
from tests.actions.helpers import (
    completed_registration,
    count,
    rendered,
    responses,
    save_password_hash,
    slot_events,
    slots_after,
)

# --- unclear answers to yes/no questions ------------------------------------------------------

UNCLEAR_FR = (
    "Je n'ai pas bien compris votre réponse : merci de répondre par « oui » ou par « non »."
)


@pytest.mark.parametrize("requested", ["email_confirmed", "terms_accepted", "confirmed"])
@pytest.mark.parametrize(
    ("language", "intent", "text", "expected"),
    [
        (
            "fr",
            "nlu_fallback",
            "bof",
            UNCLEAR_FR,
        ),
        (
            "en",
            "nlu_fallback",
            "meh",
            'Sorry, I did not understand your answer: please reply "yes" or "no".',
        ),
        (
            "fr",
            "inform",
            "jean.dupont@acme.fr",
            UNCLEAR_FR,
        ),
        (
            "en",
            "inform",
            "jean.dupont@acme.fr",
            'Sorry, I did not understand your answer: please reply "yes" or "no".',
        ),
    ],
)
async def test_unclear_answer_to_a_yes_no_question_asks_for_yes_or_no(
    domain, requested, language, intent, text, expected
):
    """Not a rejection of the form (which ends in the advisor offer): the question comes again."""
    slots = {**completed_registration(), "language": language, requested: None}
    dispatcher, events, tracker = await validate(
        domain, requested, {}, slots=slots, intent=intent, text=text, confidence=0.4
    )

    assert rendered(domain, dispatcher, tracker) == [expected]
    assert slot_events(events) == [(requested, None)]


@pytest.mark.parametrize("intent", ["faq", "cancel", "human_handoff"])
async def test_a_question_at_a_yes_no_question_is_left_to_the_rules(domain, intent):
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, _ = await validate(domain, "confirmed", {}, slots=slots, intent=intent)

    assert dispatcher.messages == []
    assert slot_events(events) == []


async def test_yes_at_the_summary_is_not_an_unclear_answer(domain, invite):
    invite()
    save_password_hash()
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, _ = await validate(
        domain, "confirmed", {"confirmed": True}, slots=slots, intent="affirm"
    )

    assert responses(dispatcher) == ["utter_account_created"]  # not "oui ou non ?"
    assert slot_events(events)[0] == ("confirmed", True)


async def test_a_correction_at_the_summary_without_saying_what_asks_which(domain):
    """ "I made a mistake": read by the form, which asks what to correct (no rule needed)."""
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, _ = await validate(
        domain, "confirmed", {}, slots=slots, intent="correct_field", text="je me suis trompé"
    )

    assert dispatcher.messages == []
    assert dict(slot_events(events))["requested_slot"] == "field_to_correct"


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("confirmed", "peut-être"),
        ("confirmed", "hmm, maybe"),
        ("terms_accepted", "peut-être"),
        ("terms_accepted", "I think so"),
        ("email_confirmed", "je crois"),
        ("email_confirmed", "probably"),
    ],
)
async def test_a_maybe_read_as_yes_is_asked_again_and_creates_nothing(domain, invite, asked, text):
    """The NLU reads "peut-être" as a yes: a consent to the terms or the account's creation
    needs a real one."""
    invite()
    save_password_hash()
    slots = {**completed_registration(), asked: None}
    dispatcher, events, tracker = await validate(
        domain, asked, {asked: True}, slots=slots, intent="affirm", text=text
    )

    assert responses(dispatcher) == ["utter_answer_yes_or_no"]
    assert slot_events(events)[0] == (asked, None)
    assert asked_next(tracker, events) == asked
    assert count(Account) == 0


@pytest.mark.parametrize(
    ("asked", "text", "said"),
    [
        ("terms_accepted", "I don't agree with them", "utter_terms_refused"),
        ("terms_accepted", "bof, pas vraiment d'accord", "utter_terms_refused"),
        ("confirmed", "hmm no, not like that", None),  # what to correct comes next
    ],
)
async def test_an_unsure_no_is_a_no(domain, database, asked, text, said):
    """The NLU unsure, "no" its best guess: a no (never a consent), not "reply yes or no"."""
    slots = {**completed_registration(), asked: None}
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.95},
        {"name": "deny", "confidence": 0.9},
        {"name": "affirm", "confidence": 0.05},
    ]
    dispatcher, events, tracker = await validate(
        domain, asked, {}, slots=slots, intent="nlu_fallback", text=text, intent_ranking=ranking
    )

    assert "utter_answer_yes_or_no" not in responses(dispatcher)
    assert slots_after(tracker, events)[asked] is None
    if said:
        assert responses(dispatcher) == [said]
    else:
        assert asked_next(tracker, events) == "field_to_correct"
    assert count(Account) == 0


async def test_an_unsure_yes_is_no_yes(domain):
    slots = {**completed_registration(), "terms_accepted": None}
    ranking = [{"name": "nlu_fallback", "confidence": 0.95}, {"name": "affirm", "confidence": 0.9}]
    dispatcher, events, tracker = await validate(
        domain,
        "terms_accepted",
        {},
        slots=slots,
        intent="nlu_fallback",
        text="ok bon",
        intent_ranking=ranking,
    )

    assert responses(dispatcher) == ["utter_answer_yes_or_no"]
    assert slots_after(tracker, events)["terms_accepted"] is None
