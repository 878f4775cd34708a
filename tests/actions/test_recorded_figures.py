"""What the actions record for the report (bot/analytics/recorded.py), in French and English.

The report counts these slot events, never the assistant's sentences: the names must be the
same whatever the language or the wording, and must never carry a secret.
"""

from __future__ import annotations

import copy
import json

import pytest
from dateutil.relativedelta import relativedelta

from actions.registration_form import ValidateRegistrationForm
from bot import db
from bot.analytics.recorded import RECORDED_SLOTS
from bot.db import utcnow
from bot.registration.invitations import find_invitation
from bot.session_start import KEPT_SLOTS
from tests.actions.form_helpers import confirm
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    STRONG_PASSWORD,
    STRONG_PASSWORD_HASH,
    completed_registration,
    make_tracker,
    recorded_events,
    responses,
    run,
    save_password_hash,
)

FORM = ValidateRegistrationForm()
LANGUAGES = ["fr", "en"]


async def validate(domain, requested_slot, extracted, *, language="fr", slots=None, **message):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": requested_slot, "language": language, **(slots or {})},
        extracted=extracted,
        **message,
    )
    dispatcher, events = await run(FORM, tracker, domain)
    return dispatcher, events


async def password_turn(domain, text, language):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "password", "language": language, "email": "jean.dupont@acme.fr"},
        text=text,
    )
    return await run(FORM, tracker, domain)


# --- the slots themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("slot", RECORDED_SLOTS)
def test_a_recorded_slot_influences_nothing_and_reads_no_user_text(domain, slot):
    spec = domain["slots"][slot]
    assert spec["type"] == "list"
    assert spec["influence_conversation"] is False
    assert spec["mappings"] == [{"type": "custom"}]  # no action_extract_slots, no user text
    assert slot not in KEPT_SLOTS  # a new session records afresh, nothing is counted twice


# --- password rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_refused_password_records_its_unmet_rules_not_the_password(
    domain, database, language
):
    dispatcher, events = await password_turn(domain, "abc", language)

    assert responses(dispatcher) == ["utter_password_not_accepted"]
    assert recorded_events(events) == [
        ("password_rules_unmet", ["min_length", "uppercase", "digit", "special"])
    ]
    assert "abc" not in json.dumps(recorded_events(events))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_password_built_on_the_email_records_those_rules(domain, database, language):
    _, events = await password_turn(domain, "Jean.Dupont1!", language)

    assert recorded_events(events) == [("password_rules_unmet", ["not_common", "not_email"])]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_rewording_the_rules_records_the_same_names(domain, database, language):
    reworded = copy.deepcopy(domain)
    for name, variations in reworded["responses"].items():
        if name.startswith("utter_password_rule_"):
            for variation in variations:
                variation["text"] = "Une règle reformulée / a reworded rule"
    dispatcher, events = await password_turn(reworded, "abc", language)

    assert "reformulée" in dispatcher.messages[0]["problems"]
    assert recorded_events(events) == [
        ("password_rules_unmet", ["min_length", "uppercase", "digit", "special"])
    ]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_accepted_password_records_nothing_not_even_its_hash(domain, database, language):
    _, events = await password_turn(domain, STRONG_PASSWORD, language)

    assert recorded_events(events) == []
    stored = json.dumps(events)
    assert STRONG_PASSWORD not in stored and "$argon2" not in stored


# --- invitation checks ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_valid_invitation_records_the_outcome_and_the_step_not_the_code(
    domain, invite, language
):
    invite()
    _, events = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "acme-fr00-0000-0001"},
        language=language,
        slots={
            "country": "FR",
            "company_id": ACME.value,
            "registration_steps": ["company_identified"],
        },
    )

    assert recorded_events(events) == [
        ("invitation_check", ["valid"]),
        ("registration_steps", ["company_identified", "invitation_valid"]),
    ]
    assert ACME_CODE[4:] not in json.dumps(recorded_events(events)).upper()


async def test_a_code_from_the_link_records_both_steps_in_one_event(domain, invite):
    invite()
    _, events = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        slots={"country": "FR", "invitation_code": ACME_CODE, "code_from_link": True},
    )

    assert recorded_events(events) == [
        ("invitation_check", ["valid"]),
        ("registration_steps", ["company_identified", "invitation_valid"]),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_mismatch_records_mismatch_and_the_company_stays_identified(
    domain, invite, language
):
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    _, events = await validate(
        domain,
        "company_id",
        {"company_id": "732 829 320"},
        language=language,
        slots={"country": "FR", "invitation_code": OTHER_CODE, "code_from_link": True},
    )

    assert recorded_events(events) == [
        ("invitation_check", ["mismatch"]),
        ("registration_steps", ["company_identified"]),
    ]


async def test_the_mismatch_that_locks_records_both(domain, invite):
    invite()
    _, events = await validate(
        domain,
        "invitation_code",
        {"invitation_code": "ZZZZ-ZZZZ-ZZZZ-ZZZ1"},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 4.0},
    )

    assert recorded_events(events) == [("invitation_check", ["mismatch", "locked"])]


async def test_a_check_once_locked_records_locked(domain, invite):
    invite()
    _, events = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value, "invitation_failures": 5.0},
    )

    assert recorded_events(events) == [("invitation_check", ["locked"])]


@pytest.mark.parametrize(("outcome", "language"), [("expired", "fr"), ("used", "en")])
async def test_an_expired_or_used_invitation_records_its_outcome(domain, invite, outcome, language):
    invite(issued_at=utcnow() - relativedelta(months=4) if outcome == "expired" else None)
    if outcome == "used":
        with db.session_scope() as session:
            find_invitation(session, ACME_CODE).used_at = utcnow()
    _, events = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        language=language,
        slots={"country": "FR", "company_id": ACME.value},
    )

    assert recorded_events(events) == [("invitation_check", [outcome])]


# --- steps ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_company_identified_is_recorded_once(domain, language):
    _, first = await validate(
        domain,
        "company_id",
        {"company_id": "732829320"},
        language=language,
        slots={"country": "FR"},
    )
    _, again = await validate(
        domain,
        "company_id",
        {"company_id": "732829320"},
        language=language,
        slots={"country": "FR", "registration_steps": ["company_identified"]},
    )

    assert recorded_events(first) == [("registration_steps", ["company_identified"])]
    assert recorded_events(again) == []


@pytest.mark.parametrize(
    ("slot", "answer", "intent", "step"),
    [
        ("terms_accepted", True, "affirm", "account_details"),
        ("job_title", "-", "skip", "contact_details"),
        ("job_title", "Comptable", "inform", "contact_details"),
    ],
)
async def test_the_last_answer_of_a_step_records_it(domain, slot, answer, intent, step):
    before = ["company_identified", "invitation_valid"]
    _, events = await validate(
        domain, slot, {slot: answer}, intent=intent, slots={"registration_steps": before}
    )

    assert recorded_events(events) == [("registration_steps", [*before, step])]


async def test_a_refused_answer_records_no_step(domain):
    _, events = await validate(domain, "job_title", {"job_title": "x" * 101})

    assert recorded_events(events) == []


async def test_a_restarted_form_records_nothing_again(domain, invite):
    """Rasa re-validates every filled slot when the form starts again: no new record."""
    invite()
    steps = ["company_identified", "invitation_valid", "account_details", "contact_details"]
    slots = completed_registration(confirmed=None, registration_steps=steps)
    prefilled = {
        k: v
        for k, v in slots.items()
        if k in domain["forms"]["registration_form"]["required_slots"] and v is not None
    }
    _, events = await validate(domain, None, prefilled, slots=slots, intent="deny", text="non")

    assert recorded_events(events) == []


# --- account creation -------------------------------------------------------------------------


async def create_account(domain, language, **changes):
    dispatcher, events, _ = await confirm(
        domain, completed_registration(language=language, **changes)
    )
    return dispatcher, events


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_created_account_records_the_step(domain, invite, language):
    invite()
    save_password_hash()
    steps = ["company_identified", "invitation_valid", "account_details", "contact_details"]
    dispatcher, events = await create_account(domain, language, registration_steps=steps)

    assert responses(dispatcher) == ["utter_account_created"]
    assert recorded_events(events) == [("registration_steps", [*steps, "account_created"])]
    assert STRONG_PASSWORD_HASH not in json.dumps(events)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_invitation_used_meanwhile_records_the_outcome(domain, invite, language):
    invite()
    with db.session_scope() as session:
        find_invitation(session, ACME_CODE).used_at = utcnow()
    save_password_hash()
    dispatcher, events = await create_account(domain, language)

    assert responses(dispatcher) == ["utter_invitation_used"]
    assert recorded_events(events) == [("invitation_check", ["used"])]
