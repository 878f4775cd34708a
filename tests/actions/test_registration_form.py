"""validate_registration_form, extract_password and the form's ask actions."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta

from actions.common import PASSWORD_SET, REGISTRATION_SLOTS
from actions.registration_form import (
    ActionAskCompanyId,
    ActionAskConfirmed,
    ActionAskEmailConfirmed,
    ActionAskTermsAccepted,
    ValidateRegistrationForm,
)
from bot import db
from bot.checks.identifiers import CompanyId
from bot.checks.passwords import verify_password
from bot.db import utcnow
from bot.registration import drafts
from bot.registration.invitations import find_invitation
from bot.responses import load_domain
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    STRONG_PASSWORD,
    UK_CODE,
    UK_COMPANY,
    completed_registration,
    draft,
    make_tracker,
    rendered,
    responses,
    run,
    said,
    slot_events,
    slots_after,
)

FORM = ValidateRegistrationForm()
FORM_SLOTS = load_domain()["forms"]["registration_form"]["required_slots"]


async def validate(domain, requested_slot, extracted, *, slots=None, **message):
    """One turn of the form: the user answered ``requested_slot``, Rasa extracted ``extracted``."""
    tracker = make_tracker(
        domain,
        slots={"requested_slot": requested_slot, **(slots or {})},
        extracted=extracted,
        **message,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events, tracker


# --- slots cleared this turn ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "cleared"),
    [
        ("start_registration", REGISTRATION_SLOTS),  # action_start_registration forgot them
        ("correct_field", ("email", "email_suggestion", "email_confirmed", "confirmed")),
        ("correct_field", ("country", "company_id", "invitation_valid", "confirmed")),
    ],
)
async def test_answers_cleared_this_turn_are_asked_again_not_refused(domain, intent, cleared):
    """A cleared answer is not validated: no "unknown country" or "invalid email" for it."""
    tracker = make_tracker(
        domain,
        slots={**completed_registration(), "requested_slot": None},
        extracted=dict.fromkeys(cleared),
        intent=intent,
    )
    dispatcher, events = await run(FORM, tracker, domain)

    assert dispatcher.messages == []
    assert slots_after(tracker, events) == tracker.slots


# --- country ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [("c'est en France", "FR"), ("Royaume-Uni", "GB"), ("UK", "GB"), ("United Kingdom", "GB")],
)
async def test_country_is_read_from_the_answer(domain, text, country):
    dispatcher, events, _ = await validate(domain, "country", {"country": text}, text=text)

    assert slot_events(events) == [("country", country)]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "countries", "sentence_start"),
    [
        (
            "fr",
            "France, Royaume-Uni, Belgique, Suisse, Luxembourg, Allemagne, Pays-Bas, Espagne, "
            "Italie, Portugal, États-Unis",
            "Je ne reconnais pas ce pays. Pays pris en charge : France, Royaume-Uni,",
        ),
        (
            "en",
            "France, United Kingdom, Belgium, Switzerland, Luxembourg, Germany, Netherlands, "
            "Spain, Italy, Portugal, United States",
            "I do not recognise this country. Supported countries: France, United Kingdom,",
        ),
    ],
)
async def test_unknown_country_lists_the_supported_ones_in_the_conversation_language(
    domain, language, countries, sentence_start
):
    dispatcher, events, tracker = await validate(
        domain, "country", {"country": "Atlantis"}, slots={"language": language}, text="Atlantis"
    )

    assert slot_events(events) == [("country", None)]
    assert said(dispatcher) == [{"response": "utter_country_unknown", "countries": countries}]
    assert rendered(domain, dispatcher, tracker)[0].startswith(sentence_start)


# --- company identifier ------------------------------------------------------------------------


async def test_siren_in_a_sentence_is_normalised(domain):
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": text}, slots={"country": "FR"}, text=text
    )

    assert slot_events(events) == [("company_id", "732829320")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Ce SIREN n'est pas valide : un chiffre est sans doute erroné. "
            "Pouvez-vous le vérifier dans l'email d'invitation ?",
        ),
        (
            "en",
            "This SIREN is not valid: a digit is probably wrong. "
            "Could you check it in the invitation email?",
        ),
    ],
)
async def test_wrong_check_digit_is_explained(domain, language, expected):
    dispatcher, events, tracker = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 321"},
        slots={"country": "FR", "language": language},
    )

    assert slot_events(events) == [("company_id", None)]
    assert said(dispatcher) == [
        {
            "response": "utter_company_id_invalid_checksum",
            "id_name": "SIREN",
            "example": "732 829 320",
            "country_name": "France",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]


async def test_siret_is_turned_into_its_siren(domain):
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": "732 829 320 00074"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("company_id", "732829320")]
    assert said(dispatcher) == [{"response": "utter_siret_to_siren", "siren": "732 829 320"}]


async def test_too_short_identifier(domain):
    dispatcher, events, _ = await validate(
        domain, "company_id", {"company_id": "12345"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("company_id", None)]
    assert responses(dispatcher) == ["utter_company_id_invalid_length"]


async def test_uk_company_number_in_english(domain):
    text = "our company number is 445790"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "GB", "language": "en"},
        text=text,
    )

    assert slot_events(events) == [("company_id", "00445790")]
    assert dispatcher.messages == []


async def test_uk_company_number_error_names_the_crn_in_english(domain):
    dispatcher, events, tracker = await validate(
        domain, "company_id", {"company_id": "XX123456"}, slots={"country": "GB", "language": "en"}
    )

    assert slot_events(events) == [("company_id", None)]
    assert rendered(domain, dispatcher, tracker) == [
        "This does not look like a Companies House number (CRN). Example: 00445790."
    ]


async def test_code_from_the_invitation_link_is_checked_with_the_company_id(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        slots={"country": "FR", "invitation_code": ACME_CODE, "code_from_link": True},
    )

    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("invitation_valid", True),
    ]
    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]


async def test_code_from_the_link_that_does_not_match_the_company_is_forgotten(domain, invite):
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        slots={"country": "FR", "invitation_code": OTHER_CODE, "code_from_link": True},
    )

    assert slot_events(events) == [
        ("company_id", None),
        ("invitation_code", None),
        ("invitation_valid", None),
        ("code_from_link", False),
        ("invitation_failures", 1.0),
    ]
    assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_retry"]


async def test_lock_reached_from_the_company_id_keeps_the_normalised_identifier(domain, invite):
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "FR", "invitation_code": OTHER_CODE, "invitation_failures": 4.0},
        text=text,
    )

    assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_locked"]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", OTHER_CODE),
        ("invitation_failures", 5.0),
        ("requested_slot", None),
    ]


async def test_company_id_given_once_locked_is_normalised_and_not_checked(
    domain, invite, monkeypatch
):
    invite()
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    text = "notre siren est le 732 829 320"
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": text},
        slots={"country": "FR", "invitation_code": ACME_CODE, "invitation_failures": 5.0},
        text=text,
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("requested_slot", None),
    ]


# --- re-validation of a company and code already checked together ------------------------------
# When the form starts again (e.g. "no" to "stop the registration?"), Rasa re-validates every
# filled slot: a pair already found valid is neither checked again nor announced again.

CHECKED_PAIR = {
    "country": "FR",
    "company_id": ACME.value,
    "invitation_code": ACME_CODE,
    "invitation_valid": True,
}


@pytest.mark.parametrize(
    "revalidated",
    [
        {"company_id": ACME.value},
        {"invitation_code": ACME_CODE},
        {"country": "FR", "company_id": ACME.value, "invitation_code": ACME_CODE},
    ],
)
async def test_a_pair_already_checked_is_not_checked_again(domain, monkeypatch, revalidated):
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    dispatcher, events, tracker = await validate(
        domain, None, revalidated, slots=CHECKED_PAIR, intent="deny", text="non"
    )

    assert dispatcher.messages == []
    assert slot_events(events) == list(revalidated.items())
    assert slots_after(tracker, events) == tracker.slots


async def test_a_restarted_form_does_not_ask_the_database_about_its_invitation(domain, invite):
    """The invitation row is gone: re-validation still says nothing and keeps the pair."""
    invite()
    with db.session_scope() as session:
        session.delete(find_invitation(session, ACME_CODE))
    slots = completed_registration(confirmed=None)
    prefilled = {k: v for k, v in slots.items() if k in FORM_SLOTS and v is not None}
    dispatcher, events, tracker = await validate(
        domain, None, prefilled, slots=slots, intent="deny", text="non"
    )

    assert dispatcher.messages == []
    assert slot_events(events) == list(prefilled.items())
    assert slots_after(tracker, events) == tracker.slots
    assert slots_after(tracker, events)["invitation_failures"] == 0.0


async def test_without_a_valid_pair_the_same_values_are_checked(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "company_id",
        {"company_id": ACME.value},
        slots={**CHECKED_PAIR, "invitation_valid": None},
    )

    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]
    assert slot_events(events) == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("invitation_valid", True),
    ]


@pytest.mark.parametrize(
    ("slot", "typed"),
    [("company_id", "542 107 651"), ("invitation_code", "beta-fr00-0000-0002")],
)
async def test_a_value_other_than_the_checked_one_is_checked(domain, invite, slot, typed):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(domain, slot, {slot: typed}, slots=CHECKED_PAIR)

    assert said(dispatcher) == [
        {"response": "utter_invitation_mismatch"},
        {"response": "utter_invitation_retry"},
    ]
    assert dict(slot_events(events)) == {
        "company_id": None,
        "invitation_code": None,
        "invitation_valid": None,
        "code_from_link": False,
        "invitation_failures": 1.0,
    }


# --- invitation code ---------------------------------------------------------------------------


async def test_valid_invitation(domain, invite):
    invite()
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "mon code est acme-fr00-0000-0001"},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert slot_events(events) == [
        ("invitation_code", ACME_CODE),
        ("company_id", ACME.value),
        ("invitation_valid", True),
    ]
    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]
    assert rendered(domain, dispatcher, tracker) == [
        "Merci, votre société est identifiée : invitation de ACME."
    ]


async def test_valid_uk_invitation_in_english(domain, invite):
    invite(company=UK_COMPANY, code=UK_CODE, customer="Tesco Stores")
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "gbcd 0000 0000 0003"},
        slots={"country": "GB", "company_id": UK_COMPANY.value, "language": "en"},
    )

    assert slot_events(events) == [
        ("invitation_code", UK_CODE),
        ("company_id", "00445790"),
        ("invitation_valid", True),
    ]
    assert rendered(domain, dispatcher, tracker) == [
        "Thank you, your company is identified: invitation from Tesco Stores."
    ]


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZ1", "BETA-FR00-0000-0002"])
async def test_unknown_code_and_code_of_another_company_get_the_same_answer(domain, invite, code):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": code},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 1.0},
    )

    assert said(dispatcher) == [
        {"response": "utter_invitation_mismatch"},
        {"response": "utter_invitation_retry"},
    ]
    assert slot_events(events) == [
        ("invitation_code", None),
        ("company_id", None),
        ("invitation_valid", None),
        ("code_from_link", False),
        ("invitation_failures", 2.0),
    ]


async def test_unreadable_code(domain, database):
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "je ne sais pas"},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert slot_events(events) == [("invitation_code", None)]
    assert responses(dispatcher) == ["utter_invitation_code_unreadable"]


async def test_fifth_failure_locks_the_check(domain, invite):
    invite()
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "ZZZZ-ZZZZ-ZZZZ-ZZZ1"},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 4.0},
    )

    assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_locked"]
    slots = dict(slot_events(events))
    del slots["invitation_code"]  # the answer as typed: not rewritten once the check is locked
    assert slots == {"company_id": ACME.value, "invitation_failures": 5.0, "requested_slot": None}


def refuse_database():
    raise AssertionError("the database must not be asked once the check is locked")


async def test_when_locked_even_the_right_code_is_not_checked(domain, invite, monkeypatch):
    invite()
    monkeypatch.setattr("actions.registration_form.database", refuse_database)
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 5.0},
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert slot_events(events) == [
        ("invitation_code", ACME_CODE),
        ("company_id", ACME.value),
        ("requested_slot", None),
    ]


# --- persisted limits: per code and per company ID, across conversations ----------------------
# bot/registration/limits.py counts failed checks in the database; a new conversation does not
# reset them.


async def guess(domain, code: str, *, company=ACME, failures: float = 0.0, sender: str, **slots):
    """One conversation's turn answering the invitation code question."""
    return await validate(
        domain,
        "invitation_code",
        {"invitation_code": code},
        slots={
            "country": company.country,
            "company_id": company.value,
            "invitation_failures": failures,
            **slots,
        },
        sender_id=sender,
    )


def count_lookups(monkeypatch) -> list[tuple[str, str]]:
    """(company ID, code) of every invitation lookup the limits let through."""
    from bot.registration import limits

    seen: list[tuple[str, str]] = []
    real = limits.verify_invitation

    def counting(session, company_id, code, **kwargs):
        seen.append((company_id.value, code))
        return real(session, company_id, code, **kwargs)

    monkeypatch.setattr(limits, "verify_invitation", counting)
    return seen


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "un conseiller peut vous aider"), ("en", "an advisor can help you")],
)
async def test_a_new_conversation_after_five_failures_elsewhere_is_locked_at_once(
    domain, invite, monkeypatch, language, expected
):
    invite()
    for n in range(5):  # five conversations, one wrong guess each
        dispatcher, _, _ = await guess(domain, f"ZZZZ-ZZZZ-ZZZZ-{n:04d}", sender=f"attacker-{n}")
        assert responses(dispatcher) == ["utter_invitation_mismatch", "utter_invitation_retry"]
    lookups = count_lookups(monkeypatch)

    dispatcher, events, tracker = await guess(
        domain, ACME_CODE, sender="supplier", language=language
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert expected in rendered(domain, dispatcher, tracker)[0]
    assert variation_has_handoff_button(domain, language)  # a human is offered
    assert lookups == []  # the right code was not even looked up
    assert slots_after(tracker, events)["invitation_failures"] == 5.0  # this conversation too
    assert dict(slot_events(events))["requested_slot"] is None


def variation_has_handoff_button(domain, language) -> bool:
    from tests.actions.helpers import variation

    buttons = variation(domain, "utter_invitation_locked", language).get("buttons") or []
    return any(b["payload"] == "/human_handoff" for b in buttons)


async def test_the_persisted_lock_lifts_after_an_hour(domain, invite, monkeypatch):
    from datetime import timedelta

    from bot.registration import limits

    invite()
    for n in range(5):
        await guess(domain, f"ZZZZ-ZZZZ-ZZZZ-{n:04d}", sender=f"attacker-{n}")
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(limits, "utcnow", lambda: later)

    dispatcher, events, _ = await guess(domain, ACME_CODE, sender="supplier")

    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert dict(slot_events(events))["invitation_valid"] is True


async def test_thousand_guesses_over_many_conversations_reach_the_check_five_times(
    domain, invite, monkeypatch
):
    """200 conversations, 1,000 guesses: random codes against ACME's company ID, and ACME's
    code against random company IDs. Each conversation stops after its own 5 failures."""
    from stdnum import luhn

    invite()
    lookups = count_lookups(monkeypatch)
    attacks = []
    for n in range(100):
        codes = [f"ZZ{n:03d}ZZZZZZZZ{k:03d}" for k in range(5)]
        attacks.append((f"codes-{n}", [(ACME, code) for code in codes]))
        base = f"9{n:02d}{n * 7 % 1000:03d}{n % 10}{n % 7}"[:8]
        company = CompanyId("FR", base + luhn.calc_check_digit(base))
        attacks.append((f"companies-{n}", [(company, ACME_CODE)] * 5))
    answers: dict[str, int] = {}
    guesses = 0
    for sender, turns in attacks:
        failures = 0.0
        for company, code in turns:
            dispatcher, events, _ = await guess(
                domain, code, company=company, failures=failures, sender=sender
            )
            guesses += 1
            failures = dict(slot_events(events)).get("invitation_failures", failures)
            for name in responses(dispatcher):
                answers[name] = answers.get(name, 0) + 1

    assert guesses == 1000
    per_company = Counter(company for company, _ in lookups)
    per_code = Counter(code for _, code in lookups)
    assert per_company[ACME.value] == 5
    assert per_code[ACME_CODE] == 5
    assert max(per_company.values()) <= 5 and max(per_code.values()) <= 5
    assert len(lookups) == 10
    assert answers["utter_invitation_mismatch"] == 10
    assert "utter_invitation_valid" not in answers
    # Each conversation's fifth failure says "mismatch" then "locked"; every other turn: locked.
    assert answers["utter_invitation_retry"] == 8
    assert answers["utter_invitation_locked"] == 992


async def test_expired_invitation_stops_the_form(domain, invite):
    invite(issued_at=utcnow() - relativedelta(months=4))
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert said(dispatcher) == [{"response": "utter_invitation_expired", "customer": "ACME"}]
    assert slot_events(events) == [
        ("invitation_code", ACME_CODE),
        ("company_id", ACME.value),
        ("requested_slot", None),
    ]
    assert "Rapprochez-vous de votre client (ACME)" in rendered(domain, dispatcher, tracker)[0]


async def test_used_invitation_stops_the_form(domain, invite):
    invite()
    with db.session_scope() as session:
        find_invitation(session, ACME_CODE).used_at = utcnow()
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value, "language": "en"},
    )

    assert said(dispatcher) == [{"response": "utter_invitation_used", "customer": "ACME"}]
    assert dict(slot_events(events))["requested_slot"] is None


async def test_database_outage_during_the_check_is_a_polite_failure(domain, database_down):
    dispatcher, events, _ = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert responses(dispatcher) == ["utter_try_again_later"]
    assert events == []


# --- email -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["jean.dupont", "jean@", "mon email c'est jean"])
async def test_invalid_email(domain, text):
    dispatcher, events, _ = await validate(domain, "email", {"email": text}, text=text)

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_invalid"]


async def test_two_addresses_are_ambiguous(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "a@acme.fr ou b@acme.fr"})

    assert slot_events(events) == [("email", None)]
    assert responses(dispatcher) == ["utter_email_ambiguous"]


async def test_valid_email_is_normalised(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "C'est Jean.Dupont@ACME.fr."})

    assert slot_events(events) == [
        ("email", "jean.dupont@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]
    assert dispatcher.messages == []


async def test_email_typo_gets_a_suggestion(domain):
    dispatcher, events, _ = await validate(domain, "email", {"email": "jean@gmial.com"})

    assert slot_events(events) == [
        ("email", "jean@gmial.com"),
        ("email_suggestion", "jean@gmail.com"),
        ("email_confirmed", None),
    ]
    assert dispatcher.messages == []  # the suggestion is offered by action_ask_email_confirmed


async def test_the_confirmed_address_given_again_keeps_its_confirmation(domain):
    dispatcher, events, _ = await validate(
        domain,
        "email",
        {"email": "jean.dupont@acme.fr"},
        slots={"email_confirmed": True, "email_suggestion": None},
    )

    assert slot_events(events) == [("email", "jean.dupont@acme.fr")]
    assert dispatcher.messages == []


async def test_an_unconfirmed_address_given_again_is_asked_to_be_confirmed(domain):
    _, events, _ = await validate(
        domain, "email", {"email": "jean.dupont@acme.fr"}, slots={"email_confirmed": None}
    )

    assert slot_events(events) == [
        ("email", "jean.dupont@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]


async def test_a_new_address_forgets_the_earlier_confirmation(domain):
    # As typed, the slot holds the raw text: it differs from the normalised address.
    _, events, _ = await validate(
        domain, "email", {"email": "Jean.Martin@ACME.fr"}, slots={"email_confirmed": True}
    )

    assert slot_events(events) == [
        ("email", "jean.martin@acme.fr"),
        ("email_suggestion", None),
        ("email_confirmed", None),
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Vouliez-vous dire **jean@gmail.com** ?"),
        ("en", "Did you mean **jean@gmail.com**?"),
    ],
)
async def test_confirmation_question_offers_the_suggestion(domain, language, expected):
    tracker = make_tracker(
        domain,
        slots={
            "language": language,
            "email": "jean@gmial.com",
            "email_suggestion": "jean@gmail.com",
            "requested_slot": "email_confirmed",
        },
    )
    dispatcher, events = await run(ActionAskEmailConfirmed(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_email_suggestion",
            "email": "jean@gmial.com",
            "suggestion": "jean@gmail.com",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]
    assert events == []


async def test_confirmation_question_repeats_the_address(domain):
    tracker = make_tracker(domain, slots={"email": "jean.dupont@acme.fr"})
    dispatcher, _ = await run(ActionAskEmailConfirmed(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_confirm_email", "email": "jean.dupont@acme.fr"}]


async def test_yes_to_the_suggestion_takes_the_suggested_address(domain):
    _, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": True},
        slots={"email": "jean@gmial.com", "email_suggestion": "jean@gmail.com"},
        intent="affirm",
    )

    assert slot_events(events) == [
        ("email_confirmed", True),
        ("email", "jean@gmail.com"),
        ("email_suggestion", None),
    ]


async def test_no_to_the_suggestion_keeps_the_typed_address_as_confirmed(domain):
    _, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": False},
        slots={"email": "jean@gmial.com", "email_suggestion": "jean@gmail.com"},
        intent="deny",
    )

    assert slot_events(events) == [("email_confirmed", True), ("email_suggestion", None)]


async def test_no_without_suggestion_asks_the_address_again(domain):
    _, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": False},
        slots={"email": "jean.dupont@acme.fr"},
        intent="deny",
    )

    assert slot_events(events) == [("email_confirmed", None), ("email", None)]


async def test_yes_without_suggestion_confirms(domain):
    _, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": True},
        slots={"email": "jean.dupont@acme.fr"},
        intent="affirm",
    )

    assert slot_events(events) == [("email_confirmed", True)]


# --- password ----------------------------------------------------------------------------------


async def password_turn(domain, text, *, language="fr", intent="inform", confidence=0.95, **slots):
    tracker = make_tracker(
        domain,
        slots={
            "requested_slot": "password",
            "language": language,
            "email": "jean.dupont@acme.fr",
            **slots,
        },
        text=text,
        intent=intent,
        confidence=confidence,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events, tracker


@pytest.mark.parametrize(
    ("language", "problems"),
    [
        (
            "fr",
            "- il doit comporter au moins 8 caractères\n"
            "- il manque une majuscule\n"
            "- il manque un chiffre\n"
            "- il manque un caractère spécial (le point « . » ne compte pas)",
        ),
        (
            "en",
            "- it must be at least 8 characters long\n"
            "- it needs an uppercase letter\n"
            "- it needs a digit\n"
            '- it needs a special character (the period "." does not count)',
        ),
    ],
)
async def test_weak_password_lists_exactly_the_unmet_rules(domain, database, language, problems):
    dispatcher, events, _ = await password_turn(domain, "abc", language=language)

    assert said(dispatcher) == [{"response": "utter_password_not_accepted", "problems": problems}]
    assert slot_events(events) == [("password", None)]
    assert draft() is None


@pytest.mark.parametrize(
    ("language", "problems"),
    [
        ("fr", "- il est trop courant ou trop facile à deviner\n"
               "- il ne doit pas reprendre votre adresse email"),
        ("en", "- it is too common or too easy to guess\n- it must not contain your email address"),
    ],
)  # fmt: skip
async def test_password_built_on_the_email(domain, database, language, problems):
    dispatcher, events, _ = await password_turn(domain, "Jean.Dupont1!", language=language)

    assert said(dispatcher) == [{"response": "utter_password_not_accepted", "problems": problems}]
    assert slot_events(events) == [("password", None)]


async def test_strong_password_is_hashed_server_side_and_never_echoed(domain, database):
    dispatcher, events, _ = await password_turn(domain, STRONG_PASSWORD)

    assert slot_events(events) == [("password", PASSWORD_SET)]
    assert dispatcher.messages == []
    with db.session_scope() as session:
        password_hash = drafts.password_hash_for(session, "conv-1")
    assert password_hash.startswith("$argon2id$")
    assert verify_password(password_hash, STRONG_PASSWORD)
    assert STRONG_PASSWORD not in json.dumps(events, ensure_ascii=False)
    assert STRONG_PASSWORD not in json.dumps(dispatcher.messages, ensure_ascii=False)


async def test_a_weak_password_is_not_echoed_either(domain, database):
    dispatcher, events, _ = await password_turn(domain, "motdepasse")

    assert "motdepasse" not in json.dumps(events, ensure_ascii=False)
    assert "motdepasse" not in json.dumps(dispatcher.messages, ensure_ascii=False)


async def test_a_confident_question_is_not_taken_as_the_password(domain, database):
    dispatcher, events, _ = await password_turn(
        domain, "Quelles sont les règles du mot de passe ?", intent="faq", confidence=0.95
    )

    assert events == []
    assert dispatcher.messages == []
    assert draft() is None


async def test_the_message_is_read_as_password_only_when_the_password_is_asked(domain, database):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "first_name", "email": "jean.dupont@acme.fr"},
        text=STRONG_PASSWORD,
    )
    dispatcher, events = await run(FORM, tracker, domain)

    assert events == []
    assert dispatcher.messages == []
    assert draft() is None


async def test_a_password_slot_set_another_way_is_refused(domain):
    _, events, _ = await validate(domain, "first_name", {"password": "Tr0ub4dor&3-Quai"})

    assert slot_events(events) == [("password", None)]


# --- terms, contact details --------------------------------------------------------------------


async def test_terms_refused(domain):
    dispatcher, events, _ = await validate(
        domain, "terms_accepted", {"terms_accepted": False}, intent="deny"
    )

    assert slot_events(events) == [("terms_accepted", None)]
    assert responses(dispatcher) == ["utter_terms_refused"]


async def test_terms_accepted(domain):
    dispatcher, events, _ = await validate(
        domain, "terms_accepted", {"terms_accepted": True}, intent="affirm"
    )

    assert slot_events(events) == [("terms_accepted", True)]
    assert dispatcher.messages == []


async def test_terms_question_links_the_terms(domain, database):
    tracker = make_tracker(domain, slots={"language": "en"})
    dispatcher, _ = await run(ActionAskTermsAccepted(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_ask_terms_accepted",
            "terms_url": "https://help.example.test/conditions-generales",
        }
    ]


@pytest.mark.parametrize("slot", ["first_name", "last_name"])
async def test_invalid_name(domain, slot):
    dispatcher, events, _ = await validate(domain, slot, {slot: "J3an !!"})

    assert slot_events(events) == [(slot, None)]
    assert responses(dispatcher) == ["utter_name_invalid"]


async def test_name_lead_in_is_removed(domain):
    dispatcher, events, _ = await validate(
        domain, "first_name", {"first_name": "je m'appelle Jean"}
    )

    assert slot_events(events) == [("first_name", "Jean")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Ce numéro n'est pas valide pour France. Exemple : 06 12 34 56 78. Pour un numéro "
            "d'un autre pays, commencez par son indicatif (+44, +32…).",
        ),
        (
            "en",
            "This number is not valid for France. Example: 06 12 34 56 78. For a number from "
            "another country, start with its code (+44, +32…).",
        ),
    ],
)
async def test_invalid_phone_for_france(domain, language, expected):
    dispatcher, events, tracker = await validate(
        domain, "phone", {"phone": "12 34"}, slots={"country": "FR", "language": language}
    )

    assert slot_events(events) == [("phone", None)]
    assert said(dispatcher) == [
        {"response": "utter_phone_invalid", "country_name": "France", "example": "06 12 34 56 78"}
    ]
    assert rendered(domain, dispatcher, tracker) == [expected]


async def test_uk_phone_error_names_the_country_in_french(domain):
    dispatcher, _, _ = await validate(
        domain, "phone", {"phone": "12 34"}, slots={"country": "GB", "language": "fr"}
    )

    assert said(dispatcher) == [
        {
            "response": "utter_phone_invalid",
            "country_name": "Royaume-Uni",
            "example": "07400 123456",
        }
    ]


async def test_phone_is_stored_in_international_form(domain):
    _, events, _ = await validate(
        domain, "phone", {"phone": "06 12 34 56 78"}, slots={"country": "FR"}
    )

    assert slot_events(events) == [("phone", "+33612345678")]


@pytest.mark.parametrize(("text", "intent"), [("passer", "skip"), ("non merci", "deny")])
async def test_skipped_job_title_is_kept(domain, text, intent):
    # domain.yml maps both intents to "-" (see test_domain_consistency.test_job_title_answers)
    dispatcher, events, _ = await validate(
        domain, "job_title", {"job_title": "-"}, text=text, intent=intent
    )

    assert slot_events(events) == [("job_title", "-")]
    assert dispatcher.messages == []


async def test_too_long_job_title(domain):
    dispatcher, events, _ = await validate(domain, "job_title", {"job_title": "x" * 101})

    assert slot_events(events) == [("job_title", None)]
    assert responses(dispatcher) == ["utter_job_title_invalid"]


async def test_final_yes(domain):
    dispatcher, events, _ = await validate(
        domain, "confirmed", {"confirmed": True}, intent="affirm", text="oui"
    )

    assert slot_events(events) == [("confirmed", True)]
    assert dispatcher.messages == []


async def test_final_no_asks_again_and_marks_a_correction(domain):
    dispatcher, events, _ = await validate(
        domain, "confirmed", {"confirmed": False}, intent="deny", text="non"
    )

    assert slot_events(events) == [("confirmed", None), ("correction_requested", True)]
    assert dispatcher.messages == []  # action_ask_confirmed asks what to correct


# --- ask actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "language", "expected"),
    [
        (
            "FR",
            "fr",
            "Quel est le SIREN de votre société ? Par exemple : 732 829 320. "
            "Il figure dans l'email d'invitation.",
        ),
        (
            "GB",
            "en",
            "What is your company's Companies House number (CRN)? For example: 00445790. "
            "You will find it in the invitation email.",
        ),
        (
            "GB",
            "fr",
            "Quel est le numéro CRN (Companies House) de votre société ? Par exemple : 00445790. "
            "Il figure dans l'email d'invitation.",
        ),
    ],
)
async def test_company_id_question_names_the_country_identifier(
    domain, country, language, expected
):
    tracker = make_tracker(domain, slots={"country": country, "language": language})
    dispatcher, events = await run(ActionAskCompanyId(), tracker, domain)

    assert rendered(domain, dispatcher, tracker) == [expected]
    assert events == []


@pytest.mark.parametrize(
    ("language", "company", "phone", "job_title"),
    [
        ("fr", "SIREN 732 829 320 (France)", "+33 6 12 34 56 78", "non renseignée"),
        ("en", "SIREN 732 829 320 (France)", "+33 6 12 34 56 78", "not given"),
    ],
)
async def test_summary_without_password(domain, language, company, phone, job_title):
    slots = completed_registration(language=language, job_title="-", confirmed=None)
    tracker = make_tracker(domain, slots={**slots, "requested_slot": "confirmed"}, intent="skip")
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert said(dispatcher) == [
        {
            "response": "utter_registration_summary",
            "company": company,
            "email": "jean.dupont@acme.fr",
            "first_name": "Jean",
            "last_name": "Dupont",
            "phone": phone,
            "job_title": job_title,
        }
    ]
    text = rendered(domain, dispatcher, tracker)[0]
    assert PASSWORD_SET not in text
    assert "{" not in text
    assert events == []


async def test_summary_of_a_uk_company_in_english(domain):
    slots = completed_registration(
        language="en",
        country="GB",
        company_id="SC123456",
        phone="+447400123456",
        job_title="Accountant",
        confirmed=None,
    )
    tracker = make_tracker(domain, slots=slots, intent="inform")
    dispatcher, _ = await run(ActionAskConfirmed(), tracker, domain)

    message = said(dispatcher)[0]
    assert message["company"] == "Companies House number (CRN) SC123456 (United Kingdom)"
    assert message["phone"] == "+44 7400 123456"
    assert message["job_title"] == "Accountant"


async def test_after_a_no_the_question_is_what_to_correct(domain):
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(confirmed=None),
            "requested_slot": "confirmed",
            "correction_requested": True,
        },
        extracted={"confirmed": None, "correction_requested": True},
        text="non",
        intent="deny",
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_ask_what_to_correct"}]
    assert slot_events(events) == [("correction_requested", False)]


@pytest.mark.parametrize("intent", ["affirm", "inform"])
async def test_a_pending_correction_is_asked_whatever_the_latest_intent(domain, intent):
    """The slot, not the latest intent, says that the user answered "no" to the summary."""
    tracker = make_tracker(
        domain,
        slots={**completed_registration(confirmed=None), "correction_requested": True},
        intent=intent,
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert responses(dispatcher) == ["utter_ask_what_to_correct"]
    assert slot_events(events) == [("correction_requested", False)]


@pytest.mark.parametrize("answered", [None, False])
async def test_once_corrected_the_summary_is_shown_again(domain, answered):
    """After "what to correct?" and the new answer, the form asks again: the summary."""
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(email="jean.martin@acme.fr", confirmed=None),
            "correction_requested": answered,
        },
        intent="inform",
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_summary"]
    assert said(dispatcher)[0]["email"] == "jean.martin@acme.fr"
    assert events == []


async def test_a_no_to_the_optional_job_title_still_shows_the_summary(domain):
    # "non merci" to the job title (intent deny) is stored as "-" by domain.yml; the latest
    # intent is deny, yet nothing was refused yet: the summary comes first.
    slots = completed_registration(job_title="-", confirmed=None)
    tracker = make_tracker(
        domain,
        slots={**slots, "requested_slot": "confirmed"},
        extracted={"job_title": "-"},
        text="non merci",
        intent="deny",
    )
    dispatcher, events = await run(ActionAskConfirmed(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_summary"]
    assert said(dispatcher)[0]["job_title"] == "non renseignée"
    assert events == []


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


@pytest.mark.parametrize("intent", ["faq", "cancel", "correct_field", "human_handoff"])
async def test_a_question_at_a_yes_no_question_is_left_to_the_rules(domain, intent):
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, _ = await validate(domain, "confirmed", {}, slots=slots, intent=intent)

    assert dispatcher.messages == []
    assert slot_events(events) == []


async def test_yes_at_the_summary_is_not_an_unclear_answer(domain):
    slots = {**completed_registration(), "confirmed": None}
    dispatcher, events, _ = await validate(
        domain, "confirmed", {"confirmed": True}, slots=slots, intent="affirm"
    )

    assert dispatcher.messages == []
    assert slot_events(events) == [("confirmed", True)]
