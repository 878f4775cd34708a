"""validate_registration_form: the same question refused again explains the format with an
example for the company's country, proposes what the answer probably meant, then offers a way
out (skip an optional answer, or an advisor). Counted in a slot, per question."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from actions.registration_form import ActionAskPhone
from bot import db
from bot.db import utcnow
from bot.registration import limits
from tests.actions.form_helpers import asked_next, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    completed_registration,
    make_tracker,
    rendered,
    responses,
    run,
    slots_after,
)

BEFORE_THE_PHONE = completed_registration(phone=None, job_title=None, confirmed=None)


async def refuse_phone(domain, times: int, *, text="12 34", country="FR", language="fr"):
    slots = {**BEFORE_THE_PHONE, "country": country, "language": language}
    for _ in range(times):
        dispatcher, events, tracker = await validate(domain, "phone", {}, slots=slots, text=text)
        slots = slots_after(tracker, events)
    return dispatcher, slots, tracker


async def test_each_refusal_is_counted_in_a_slot_per_question(domain):
    _, slots, _ = await refuse_phone(domain, 2)

    assert slots["refusals"] == {"phone": 2}


async def test_a_valid_answer_resets_its_count(domain):
    _, slots, _ = await refuse_phone(domain, 2)
    _, events, tracker = await validate(domain, "phone", {}, slots=slots, text="06 12 34 56 78")

    assert slots_after(tracker, events)["refusals"] == {}


@pytest.mark.parametrize(
    ("language", "country", "explained"),
    [
        (
            "fr",
            "BE",
            "Pour la Belgique, un numéro s'écrit par exemple 0450 00 12 34, ou +32 450 00 12 34 au "
            "format international. Pour un numéro d'un autre pays, commencez par son indicatif "
            "(+33, +44, +32…).",
        ),
        (
            "en",
            "GB",
            "For the United Kingdom, a number looks like 07400 123456, or +44 7400 123456 in "
            "international format. For a number from another country, start with its code "
            "(+33, +44, +32…).",
        ),
    ],
)
async def test_the_second_refusal_explains_the_format_for_the_companys_country(
    domain, language, country, explained
):
    dispatcher, _, tracker = await refuse_phone(domain, 2, country=country, language=language)

    assert responses(dispatcher) == ["utter_phone_invalid", "utter_explain_phone"]
    assert rendered(domain, dispatcher, tracker)[1] == explained


async def test_the_first_refusal_names_the_country_with_its_article(domain):
    dispatcher, _, tracker = await refuse_phone(domain, 1, country="BE")

    assert rendered(domain, dispatcher, tracker)[0].startswith(
        "Ce numéro n'est pas valide pour la Belgique."
    )


async def test_the_third_refusal_of_a_required_answer_offers_an_advisor(domain):
    dispatcher, _, _ = await refuse_phone(domain, 3)

    assert responses(dispatcher) == ["utter_phone_invalid", "utter_offer_advisor"]


async def test_the_third_refusal_of_the_optional_job_title_offers_to_skip_it(domain):
    slots = completed_registration(job_title=None, confirmed=None)
    for _ in range(3):
        dispatcher, events, tracker = await validate(
            domain, "job_title", {}, slots=slots, text="x" * 150
        )
        slots = slots_after(tracker, events)

    assert responses(dispatcher) == ["utter_job_title_invalid", "utter_offer_skip"]


@pytest.mark.parametrize(
    ("language", "proposal"),
    [
        ("fr", "Ce numéro est valide pour la France : vouliez-vous dire **+33 6 12 34 56 78** ?"),
        ("en", "This number is valid for France: did you mean **+33 6 12 34 56 78**?"),
    ],
)
async def test_a_french_mobile_for_a_belgian_company_is_proposed_as_french(
    domain, language, proposal
):
    """Not the same refusal however often it is typed: the corrected value is proposed."""
    _, slots, _ = await refuse_phone(
        domain, 1, text="06 12 34 56 78", country="BE", language=language
    )
    assert slots["phone_suggestion"] == "+33612345678"

    ask = make_tracker(domain, slots={**slots, "requested_slot": "phone"})
    asked, _ = await run(ActionAskPhone(), ask, domain)
    assert rendered(domain, asked, ask) == [proposal]

    _, events, tracker = await validate(
        domain, "phone", {}, slots=slots, text="oui", intent="affirm"
    )
    after = slots_after(tracker, events)
    assert (after["phone"], after["phone_suggestion"]) == ("+33612345678", None)
    assert asked_next(tracker, events) == "job_title"


async def test_no_to_the_proposed_number_asks_the_number_again(domain):
    _, slots, _ = await refuse_phone(domain, 1, text="06 12 34 56 78", country="BE")
    _, events, tracker = await validate(domain, "phone", {}, slots=slots, text="non", intent="deny")

    after = slots_after(tracker, events)
    assert (after["phone"], after["phone_suggestion"]) == (None, None)
    assert asked_next(tracker, events) == "phone"


async def test_the_second_refused_identifier_explains_it_for_the_country(domain):
    slots = {"country": "GB", "language": "en"}
    for _ in range(2):
        dispatcher, events, tracker = await validate(
            domain, "company_id", {}, slots=slots, text="12"
        )
        slots = slots_after(tracker, events)

    assert rendered(domain, dispatcher, tracker)[-1] == (
        "The Companies House number (CRN) has 8 characters: 8 digits, or 2 letters followed "
        "by 6 digits, for example 00445790. The safest is to copy it from the invitation email."
    )


async def test_an_unclear_yes_no_answer_is_explained_the_second_time(domain):
    slots = completed_registration(confirmed=None)
    for _ in range(2):
        dispatcher, events, tracker = await validate(
            domain, "confirmed", {}, slots=slots, text="bof", intent="nlu_fallback"
        )
        slots = slots_after(tracker, events)

    assert responses(dispatcher) == ["utter_answer_yes_or_no", "utter_explain_yes_no"]


# --- the lock on invitation checks: when to try again ------------------------------------------


async def five_failures(invite, minutes_ago: int = 0):
    invite()
    start = utcnow() - timedelta(minutes=minutes_ago)
    with db.session_scope() as session:
        for n in range(5):
            limits.verify_invitation_limited(session, ACME, f"ZZZZ{n:012d}", now=start)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Trop d'essais ont échoué avec ce code ou pour cette société : pour votre sécurité, "
            "les vérifications sont suspendues. Vous pourrez réessayer dans 45 min. D'ici là, un "
            "conseiller peut vous aider.",
        ),
        (
            "en",
            "Too many attempts failed with this code or for this company: for your security, "
            "checks are suspended. You can try again in 45 min. Until then, an advisor can help "
            "you.",
        ),
    ],
)
async def test_a_locked_check_says_when_it_can_be_tried_again(domain, invite, language, text):
    """The wait is the limits' own: the oldest failure leaves the hour in 45 minutes."""
    await five_failures(invite, minutes_ago=15)
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {},
        slots={"country": "FR", "company_id": ACME.value, "language": language},
        text="ZZZZ-ZZZZ-ZZZZ-9999",  # a wrong code: the right one passes (limits.py)
    )

    assert [m.replace("46 min", "45 min") for m in rendered(domain, dispatcher, tracker)] == [text]
    assert slots_after(tracker, events)["requested_slot"] is None


async def test_once_the_wait_is_over_the_conversation_can_check_again(domain, invite):
    invite()
    past = utcnow().replace(tzinfo=timezone.utc).timestamp() - 60
    slots = {
        "country": "FR",
        "company_id": ACME.value,
        "invitation_failures": 5.0,
        "invitation_locked_until": past,
    }
    dispatcher, events, tracker = await validate(
        domain, "invitation_code", {}, slots=slots, text=ACME_CODE
    )

    assert responses(dispatcher) == ["utter_invitation_valid"]
    after = slots_after(tracker, events)
    assert (after["invitation_failures"], after["invitation_locked_until"]) == (0.0, None)
