"""validate_registration_form: corrections with their value, at any step, are never stored as the
answer to the question asked; the form comes back to where the supplier was."""

from __future__ import annotations

import pytest

from actions.common import PASSWORD_SET
from tests.actions.form_helpers import asked_next, confirm, validate
from tests.actions.helpers import (
    accounts,
    completed_registration,
    draft,
    rendered,
    responses,
    save_password_hash,
    slot_events,
    slots_after,
)

BEFORE_THE_JOB_TITLE = completed_registration(job_title=None, confirmed=None)
AT_THE_SUMMARY = completed_registration(confirmed=None)


@pytest.mark.parametrize(
    ("language", "text", "intent"),
    [
        ("fr", "oups mauvais numéro de téléphone, c'est le 01 45 67 89 02", "nlu_fallback"),
        ("fr", "oups mauvais numéro de téléphone, c'est le 01 45 67 89 02", "inform"),
        ("en", "sorry, wrong phone number, it's 01 45 67 89 02", "correct_field"),
    ],
)
async def test_a_correction_at_the_job_title_corrects_the_phone_not_the_job_title(
    domain, database, language, text, intent
):
    """Regression: the correction became the job title, and the account was created with it."""
    dispatcher, events, tracker = await validate(
        domain,
        "job_title",
        {},
        slots={**BEFORE_THE_JOB_TITLE, "language": language},
        text=text,
        intent=intent,
    )

    after = slots_after(tracker, events)
    assert after["phone"] == "+33145678902"
    assert after["job_title"] is None
    assert responses(dispatcher) == ["utter_corrected"]
    assert asked_next(tracker, events) == "job_title"  # back where the supplier was


async def test_the_account_is_created_with_the_corrected_phone_and_the_real_job_title(
    domain, invite
):
    """The whole regression: correction, then the job title, then yes: the account is right."""
    invite()
    save_password_hash()
    _, events, tracker = await validate(
        domain,
        "job_title",
        {},
        slots=BEFORE_THE_JOB_TITLE,
        text="oups mauvais numéro de téléphone, c'est le 01 45 67 89 02",
        intent="nlu_fallback",
    )
    slots = slots_after(tracker, events)
    _, events, tracker = await validate(
        domain, "job_title", {}, slots=slots, text="Comptable fournisseurs"
    )
    await confirm(domain, slots_after(tracker, events))

    [account] = accounts()
    assert account.contact.phone == "+33145678902"
    assert account.contact.job_title == "Comptable fournisseurs"


async def test_a_correction_of_the_address_at_the_password_question_is_no_password(
    domain, database
):
    dispatcher, events, tracker = await validate(
        domain,
        "password",
        {},
        slots=completed_registration(password=None, terms_accepted=None, confirmed=None),
        text="en fait mon email c'est jean.martin@acme.fr",
        intent="inform",
        confidence=0.9,
    )

    after = slots_after(tracker, events)
    assert (after["email"], after["email_confirmed"]) == ("jean.martin@acme.fr", None)
    assert after["password"] is None
    assert "utter_password_not_accepted" not in responses(dispatcher)
    assert draft() is None  # nothing hashed
    assert asked_next(tracker, events) == "email_confirmed"  # the new address, then the password


@pytest.mark.parametrize(
    ("language", "text", "field", "value"),
    [
        ("fr", "la fonction est fausse, c'est Gérant", "job_title", "Gérant"),
        ("fr", "mon prénom c'est Sophie pas Bernard", "first_name", "Sophie"),
        ("fr", "le nom de famille c'est Morel-Vasseur", "last_name", "Morel-Vasseur"),
        ("fr", "changer mon téléphone pour le 06 11 22 33 44", "phone", "+33611223344"),
        ("en", "the job title is wrong, it's Finance director", "job_title", "Finance director"),
        ("en", "my first name is Sophie, not Bernard", "first_name", "Sophie"),
        ("en", "wrong phone number, it's 06 11 22 33 44", "phone", "+33611223344"),
    ],
)
async def test_a_correction_with_its_value_at_the_summary_updates_it_and_shows_it_again(
    domain, database, language, text, field, value
):
    dispatcher, events, tracker = await validate(
        domain,
        "confirmed",
        {},
        slots={**AT_THE_SUMMARY, "first_name": "Bernard", "language": language},
        text=text,
        intent="correct_field",
    )

    after = slots_after(tracker, events)
    assert after[field] == value
    assert responses(dispatcher) == ["utter_corrected"]
    assert asked_next(tracker, events) == "confirmed"  # the summary, with the new value
    assert "utter_answer_yes_or_no" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("actually the email should be outlook.com", "jean.dupont@outlook.com"),
        ("en fait mon email c'est j.dupont@acme.fr", "j.dupont@acme.fr"),
    ],
)
async def test_a_new_address_at_the_summary_is_read_back_for_confirmation(
    domain, database, text, address
):
    _, events, tracker = await validate(
        domain, "confirmed", {}, slots=AT_THE_SUMMARY, text=text, intent="nlu_fallback"
    )

    after = slots_after(tracker, events)
    assert (after["email"], after["email_confirmed"]) == (address, None)
    assert asked_next(tracker, events) == "email_confirmed"


@pytest.mark.parametrize(
    ("language", "text", "field"),
    [
        ("fr", "téléphone", "phone"),  # the menu button's own label, typed
        ("fr", "le prénom", "first_name"),
        ("en", "Phone", "phone"),
        ("en", "job title", "job_title"),
    ],
)
async def test_a_field_typed_in_the_menu_asks_it_again(domain, database, language, text, field):
    slots = {**AT_THE_SUMMARY, "correction_menu": "all", "language": language}
    dispatcher, events, tracker = await validate(
        domain, "field_to_correct", {}, slots=slots, text=text, intent="inform"
    )

    after = slots_after(tracker, events)
    assert after[field] is None
    assert after["correction_menu"] is None
    assert asked_next(tracker, events) == field
    assert dispatcher.messages == []


async def test_a_correction_with_its_value_in_the_menu_goes_back_to_the_summary(domain, database):
    slots = {**AT_THE_SUMMARY, "correction_menu": "all"}
    dispatcher, events, tracker = await validate(
        domain,
        "field_to_correct",
        {},
        slots=slots,
        text="la fonction est fausse, c'est Gérant",
        intent="correct_field",
    )

    after = slots_after(tracker, events)
    assert (after["job_title"], after["correction_menu"]) == ("Gérant", None)
    assert asked_next(tracker, events) == "confirmed"
    assert responses(dispatcher) == ["utter_corrected"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Choisissez l'information à corriger avec un bouton, ou écrivez-la, par exemple "
            "« téléphone ».",
        ),
        ("en", 'Choose the answer to correct with a button, or type it, for example "phone".'),
    ],
)
async def test_an_answer_the_menu_cannot_place_gets_a_hint_and_the_menu_again(
    domain, database, language, text
):
    slots = {**AT_THE_SUMMARY, "correction_menu": "all", "language": language}
    dispatcher, events, tracker = await validate(
        domain, "field_to_correct", {}, slots=slots, text="euh", intent="nlu_fallback"
    )

    assert rendered(domain, dispatcher, tracker) == [text]
    assert slots_after(tracker, events)["correction_menu"] == "all"
    assert asked_next(tracker, events) == "field_to_correct"


async def test_an_invalid_corrected_value_is_refused_and_asked(domain, database):
    _, events, tracker = await validate(
        domain,
        "job_title",
        {},
        slots=BEFORE_THE_JOB_TITLE,
        text="mauvais numéro de téléphone, c'est le 01 23",
        intent="correct_field",
    )

    after = slots_after(tracker, events)
    assert (after["phone"], after["job_title"]) == (None, None)
    assert asked_next(tracker, events) == "phone"


async def test_a_password_given_in_a_correction_is_never_taken_from_the_message(domain, database):
    save_password_hash()
    _, events, tracker = await validate(
        domain,
        "confirmed",
        {},
        slots=AT_THE_SUMMARY,
        text="mauvais mot de passe, le bon c'est Zx8#kLm2pQ",
        intent="correct_field",
    )

    assert ("password", None) in slot_events(events)
    assert ("password", PASSWORD_SET) not in slot_events(events)
    assert draft() is None  # the old hash is forgotten, the question is asked again
    assert asked_next(tracker, events) == "password"


# --- a failed invitation check: which of the two is wrong? --------------------------------------

AFTER_A_MISMATCH = {
    "country": "FR",
    "company_id": "732829320",
    "invitation_code": "ACMEFR0000000009",
    "invitation_failures": 1.0,
    "correction_menu": "invitation",
}


async def test_the_code_named_in_the_menu_is_asked_again_and_the_identifier_kept(domain, database):
    _, events, tracker = await validate(
        domain,
        "field_to_correct",
        {},
        slots=AFTER_A_MISMATCH,
        text='/correct_field{"field":"invitation_code"}',
        intent="correct_field",
        entities=[{"entity": "field", "value": "invitation_code"}],
    )

    after = slots_after(tracker, events)
    assert (after["company_id"], after["invitation_code"]) == ("732829320", None)
    assert asked_next(tracker, events) == "invitation_code"


async def test_the_right_code_typed_in_the_menu_is_checked_with_the_kept_identifier(domain, invite):
    """Regression: the corrected code typed at the SIREN question was refused as a SIREN."""
    invite()
    dispatcher, events, tracker = await validate(
        domain,
        "field_to_correct",
        {},
        slots=AFTER_A_MISMATCH,
        text="ACME-FR00-0000-0001",
        intent="inform",
    )

    assert responses(dispatcher) == ["utter_invitation_valid"]
    after = slots_after(tracker, events)
    assert (after["invitation_valid"], after["correction_menu"]) == (True, None)
    assert asked_next(tracker, events) == "email"


async def test_after_a_failed_check_another_answer_named_does_not_close_the_menu(domain, database):
    """The pair must change before anything else: the menu is asked again, with a hint."""
    dispatcher, events, tracker = await validate(
        domain, "field_to_correct", {}, slots=AFTER_A_MISMATCH, text="le téléphone"
    )

    assert responses(dispatcher) == ["utter_help_which_is_wrong"]
    assert slots_after(tracker, events)["correction_menu"] == "invitation"
    assert asked_next(tracker, events) == "field_to_correct"
