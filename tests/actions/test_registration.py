"""Starting, correcting, cancelling and completing a registration."""

from __future__ import annotations

import json

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, text

from actions.common import REGISTRATION_SLOTS
from actions.registration import (
    ActionCancelRegistration,
    ActionCorrectAfterRegistration,
    ActionStartRegistration,
)
from actions.registration_form import ActionAskFieldToCorrect, ValidateRegistrationForm
from bot import db
from bot.checks.language import LANGUAGES
from bot.checks.passwords import verify_password
from bot.db import utcnow
from bot.models import Account, OutboxMail
from bot.registration.invitations import find_invitation
from tests.actions.form_helpers import asked_next, confirm, validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    STRONG_PASSWORD,
    STRONG_PASSWORD_HASH,
    accounts,
    completed_registration,
    count,
    draft,
    make_tracker,
    outbox,
    outbox_bodies,
    rendered,
    responses,
    run,
    said,
    save_password_hash,
    slot_events,
    slots_after,
)

# What starting again, cancelling or completing a registration forgets. invitation_failures
# is not among them: the lock on invitation checks holds for the whole conversation.
FORGOTTEN = dict.fromkeys(REGISTRATION_SLOTS)
FORGOTTEN_EXCEPT_LINK_CODE = {k: v for k, v in FORGOTTEN.items() if k != "invitation_code"}
# A registration starts: no offer pending, no question asked yet (the form asks the first).
STARTED = {"registration_offer": None, "requested_slot": None, "registration_starting": True}


def assert_only_slots_changed(tracker, events, changes):
    """The action's events are SlotSets, and applying them changes exactly ``changes``."""
    assert [e["event"] for e in events] == ["slot"] * len(events)
    assert slots_after(tracker, events) == {**tracker.slots, **changes}


async def create_account(domain, sender_id="conv-1", **slot_changes):
    return await confirm(domain, completed_registration(**slot_changes), sender_id=sender_id)


# --- start -------------------------------------------------------------------------------------


async def test_start_forgets_earlier_answers(domain):
    slots = completed_registration(
        language="en", email_suggestion="jean.dupont@gmail.com", invitation_failures=2.0
    )
    tracker = make_tracker(domain, slots=slots, intent="start_registration", active_loop=None)
    dispatcher, events = await run(ActionStartRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_start_registration"]
    assert_only_slots_changed(tracker, events, {**FORGOTTEN, **STARTED})
    assert slots_after(tracker, events)["invitation_failures"] == 2.0
    assert slots_after(tracker, events)["language"] == "en"


@pytest.mark.parametrize("text", ["jean.dupont@acme.fr", "c'est jean.dupont@acme.fr"])
async def test_an_address_alone_asks_what_it_is_for_and_is_kept_for_the_resend(domain, text):
    """After "I can send you the activation email again", the address typed started a new
    registration."""
    tracker = make_tracker(domain, intent="inform", text=text, active_loop=None)
    dispatcher, events = await run(ActionStartRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_address_what_for"]
    assert slots_after(tracker, events)["activation_email"] == "jean.dupont@acme.fr"
    assert slots_after(tracker, events)["registration_starting"] is False


async def test_an_address_with_the_company_starts_the_registration(domain):
    text = "France, 732 829 320, jean.dupont@acme.fr"
    tracker = make_tracker(domain, intent="inform", text=text, active_loop=None)
    dispatcher, _ = await run(ActionStartRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_start_registration"]


async def test_start_keeps_the_code_of_the_invitation_link(domain):
    tracker = make_tracker(
        domain,
        slots=completed_registration(code_from_link=True),
        intent="start_registration",
        active_loop=None,
    )
    dispatcher, events = await run(ActionStartRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_start_registration", "utter_code_from_link"]
    assert_only_slots_changed(tracker, events, {**FORGOTTEN_EXCEPT_LINK_CODE, **STARTED})
    assert slots_after(tracker, events)["invitation_code"] == ACME_CODE


@pytest.mark.parametrize(
    ("action", "changes"),
    [
        (ActionStartRegistration(), {**FORGOTTEN, **STARTED}),
        (ActionCancelRegistration(), FORGOTTEN),
    ],
)
async def test_a_restart_does_not_lift_the_invitation_lock(domain, database, action, changes):
    tracker = make_tracker(
        domain,
        slots={"country": "FR", "company_id": "732829320", "invitation_failures": 5.0},
        active_loop=None,
        intent="start_registration",
    )
    _, events = await run(action, tracker, domain)

    assert_only_slots_changed(tracker, events, changes)
    assert slots_after(tracker, events)["invitation_failures"] == 5.0


async def test_a_second_registration_starts_normally(domain, invite):
    """An accountant may register several companies in one conversation."""
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash()
    await create_account(domain)
    # "créer mon compte" again, here with answers left over from an earlier attempt: the
    # account that exists is named first, then "oui" starts another one.
    slots = {**completed_registration(), "registered_email": "jean.dupont@acme.fr"}
    tracker = make_tracker(domain, slots=slots, intent="start_registration", active_loop=None)
    asked, asked_events = await run(ActionStartRegistration(), tracker, domain)

    assert said(asked) == [
        {"response": "utter_registration_exists", "email": "jean.dupont@acme.fr"}
    ]
    assert_only_slots_changed(
        tracker, asked_events, {"registration_offer": "another", "registration_starting": False}
    )
    tracker = make_tracker(
        domain,
        slots={**slots, **dict(slot_events(asked_events))},
        intent="affirm",
        text="oui",
        active_loop=None,
    )
    dispatcher, events = await run(ActionStartRegistration(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_start_registration"}]
    assert_only_slots_changed(tracker, events, {**FORGOTTEN, **STARTED})

    save_password_hash()  # the second registration's password question
    second, second_events, _ = await create_account(
        domain,
        company_id=OTHER_COMPANY.value,
        invitation_code=OTHER_CODE,
        email="compta@beta.fr",
    )

    assert said(second) == [
        {
            "response": "utter_account_created",
            "email": "compta@beta.fr",
            "mail_from": "noreply@sis-id.com",
        }
    ]
    assert ("registered_email", "compta@beta.fr") in slot_events(second_events)
    first_account, second_account = accounts()
    assert (first_account.email, first_account.company.company_id) == (
        "jean.dupont@acme.fr",
        "732829320",
    )
    assert (second_account.email, second_account.company.company_id) == (
        "compta@beta.fr",
        OTHER_COMPANY.value,
    )
    assert outbox() == [
        ("activation", "jean.dupont@acme.fr"),
        ("activation", "compta@beta.fr"),
    ]
    saved = draft()
    assert (saved.account_pk, saved.submitted_email, saved.password_hash) == (
        second_account.id,
        "compta@beta.fr",
        None,
    )


# --- correct a field during the registration (read by the form) ---------------------------------


# Correcting the email forgets the address, its suggestion and confirmation, and the final yes.
EMAIL_FORGOTTEN = [
    ("email", None),
    ("email_suggestion", None),
    ("email_confirmed", None),
    ("email_suggestion_declined", None),
    ("confirmed", None),
]


async def correct(domain, field, *, text="", requested_slot="confirmed", **slots):
    """A correction typed (``text``) or clicked (the entity of /correct_field{"field": ...}).
    Returns the dispatcher, the events and the tracker."""
    tracker = make_tracker(
        domain,
        slots={**completed_registration(confirmed=None), "requested_slot": requested_slot, **slots},
        intent="correct_field",
        text=text or (f'/correct_field{{"field":"{field}"}}' if field else "/correct_field"),
        entities=[{"entity": "field", "value": field}] if field else [],
    )
    dispatcher, events = await run(ValidateRegistrationForm(), tracker, domain)
    return dispatcher, events, tracker


async def correct_after_registration(domain, field):
    tracker = make_tracker(
        domain,
        slots=completed_registration(),
        intent="correct_field",
        entities=[{"entity": "field", "value": field}] if field else [],
        active_loop=None,
    )
    return await run(ActionCorrectAfterRegistration(), tracker, domain)


async def test_correct_email_forgets_the_address_and_its_confirmation(domain, database):
    dispatcher, events, tracker = await correct(domain, "email", email_suggestion="x@gmail.com")

    assert dispatcher.messages == []  # the form asks for the address next
    assert set(EMAIL_FORGOTTEN) <= set(slot_events(events))
    assert asked_next(tracker, events) == "email"


async def test_correct_password_forgets_the_hash(domain, database):
    save_password_hash()
    _dispatcher, events, _tracker = await correct(domain, "password")

    assert ("password", None) in slot_events(events)
    assert draft() is None


async def test_correct_country_also_asks_the_company_again(domain, database):
    _, events, tracker = await correct(domain, "country")

    assert {("country", None), ("company_id", None), ("invitation_valid", None)} <= set(
        slot_events(events)
    )
    assert asked_next(tracker, events) == "country"


async def test_correct_invitation_code_forgets_that_it_came_from_the_link(domain, database):
    _, events, _tracker = await correct(domain, "invitation_code", code_from_link=True)

    assert {("invitation_code", None), ("invitation_valid", None), ("code_from_link", False)} <= (
        set(slot_events(events))
    )


async def test_correct_company_id_checks_the_invitation_again(domain, database):
    _, events, tracker = await correct(domain, "company_id")

    assert {("company_id", None), ("invitation_valid", None)} <= set(slot_events(events))
    assert asked_next(tracker, events) == "company_id"


async def test_a_corrected_company_id_is_checked_against_the_code(domain, invite):
    """Once corrected, even the same identifier typed again is checked with the code."""
    invite()
    _, events, tracker = await correct(domain, "company_id")
    answer = make_tracker(
        domain,
        slots={
            **completed_registration(confirmed=None),
            **dict(slot_events(events)),
            "requested_slot": asked_next(tracker, events),
        },
        text=ACME.value,
    )
    dispatcher, validated = await run(ValidateRegistrationForm(), answer, domain)

    assert said(dispatcher) == [{"response": "utter_invitation_valid", "customer": "ACME"}]
    assert slot_events(validated)[:3] == [
        ("company_id", ACME.value),
        ("invitation_code", ACME_CODE),
        ("invitation_valid", True),
    ]


@pytest.mark.parametrize("field", [None, "terms_accepted", "salary"])
@pytest.mark.parametrize("requested_slot", ["phone", "confirmed"])
async def test_correct_without_a_known_field_asks_which_one(
    domain, database, field, requested_slot
):
    dispatcher, events, tracker = await correct(domain, field, requested_slot=requested_slot)

    assert dispatcher.messages == []  # the form asks: "Que souhaitez-vous corriger ?"
    assert ("correction_menu", "all") in slot_events(events)
    assert asked_next(tracker, events) == "field_to_correct"

    menu = make_tracker(
        domain, slots={**completed_registration(confirmed=None), **dict(slot_events(events))}
    )
    asked, _ = await run(ActionAskFieldToCorrect(), menu, domain)

    assert said(asked) == [{"response": "utter_ask_what_to_correct"}]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "l'adresse email de mon compte est fausse"),
        ("en", "my account's email address is wrong"),
    ],
)
async def test_the_account_address_named_during_the_form_corrects_the_email(
    domain, database, language, text
):
    """Before the account exists, "the address of my account" is the email answer: it is
    asked again and the registration goes on (no address-correction form)."""
    _dispatcher, events, _tracker = await correct(domain, "email", text=text, language=language)

    assert set(EMAIL_FORGOTTEN) <= set(slot_events(events))
    assert ("address_correction", True) not in slot_events(events)


@pytest.mark.parametrize("field", [None, "email", "phone"])
async def test_correct_outside_the_form_without_account(domain, database, field):
    dispatcher, events = await correct_after_registration(domain, field)

    assert responses(dispatcher) == ["utter_no_registration_in_progress"]
    assert slot_events(events) == [("address_correction", False)]


@pytest.mark.parametrize("field", [None, "email"])
async def test_correct_the_address_after_the_account_was_created(domain, invite, field):
    """ "Wrong email" once the account exists starts the address correction (a rule starts
    email_change_form on this slot); nothing is said before its question."""
    invite()
    save_password_hash()
    await create_account(domain)
    dispatcher, events = await correct_after_registration(domain, field)

    assert dispatcher.messages == []
    assert slot_events(events) == [("address_correction", True)]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_correction_after_the_account_with_the_new_address_does_not_ask_it(
    domain, invite, language
):
    invite()
    save_password_hash()
    await create_account(domain)
    text = {
        "fr": "oups, mon email est faux, c'est jean.martin@acme.fr",
        "en": "oops, my email is wrong, it should be jean.martin@acme.fr",
    }[language]
    tracker = make_tracker(
        domain,
        slots={**completed_registration(), "registered_email": "jean.dupont@acme.fr"},
        intent="correct_field",
        text=text,
        active_loop=None,
    )
    dispatcher, events = await run(ActionCorrectAfterRegistration(), tracker, domain)

    assert dispatcher.messages == []
    # email_change_form starts with it filled: it validates it, then the address is changed
    assert slot_events(events) == [
        ("address_correction", True),
        ("new_email", "jean.martin@acme.fr"),
    ]


@pytest.mark.parametrize("field", ["phone", "last_name", "password"])
async def test_only_the_address_can_be_corrected_after_the_account_was_created(
    domain, invite, field
):
    invite()
    save_password_hash()
    await create_account(domain)
    dispatcher, events = await correct_after_registration(domain, field)

    assert responses(dispatcher) == ["utter_only_email_after_account"]
    assert slot_events(events) == [("address_correction", False)]


async def test_correct_outside_the_form_after_a_registration_on_a_taken_address(domain, invite):
    """Said as after a creation: the reply does not tell that the address had an account."""
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash("conv-0")
    await create_account(domain, sender_id="conv-0")
    save_password_hash()
    await create_account(domain, company_id=OTHER_COMPANY.value, invitation_code=OTHER_CODE)
    dispatcher, events = await correct_after_registration(domain, "email")

    assert dispatcher.messages == []
    assert slot_events(events) == [("address_correction", True)]


# --- cancel ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_cancel_forgets_everything(domain, database, language):
    save_password_hash()
    tracker = make_tracker(
        domain, slots=completed_registration(language=language), intent="affirm", active_loop=None
    )
    dispatcher, events = await run(ActionCancelRegistration(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_registration_cancelled"}]
    assert_only_slots_changed(tracker, events, FORGOTTEN)
    assert draft() is None
    assert count(Account) == 0
    assert outbox() == []
    expected = {
        "fr": "C'est noté : votre inscription est arrêtée et rien n'a été créé. "
        "Vous pourrez recommencer quand vous voudrez.",
        "en": "Noted: your registration has been stopped and nothing was created. "
        "You can start again whenever you like.",
    }[language]
    assert rendered(domain, dispatcher, tracker) == [expected]


async def test_cancel_keeps_the_invitation_link_code(domain, database):
    tracker = make_tracker(
        domain, slots=completed_registration(code_from_link=True), active_loop=None
    )
    _, events = await run(ActionCancelRegistration(), tracker, domain)

    assert_only_slots_changed(tracker, events, FORGOTTEN_EXCEPT_LINK_CODE)
    assert slots_after(tracker, events)["invitation_code"] == ACME_CODE


async def test_cancel_after_the_account_was_created_keeps_what_resend_needs(domain, invite):
    invite()
    save_password_hash()
    await create_account(domain)
    [account] = accounts()
    tracker = make_tracker(domain, slots={"registered_email": "jean.dupont@acme.fr"})
    dispatcher, events = await run(ActionCancelRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_cancelled"]
    assert_only_slots_changed(tracker, events, FORGOTTEN)
    saved = draft()
    assert (saved.account_pk, saved.submitted_email, saved.password_hash) == (
        account.id,
        "jean.dupont@acme.fr",
        None,
    )


async def test_cancel_when_the_database_is_down(domain, database_down):
    tracker = make_tracker(domain, slots=completed_registration(), active_loop=None)
    dispatcher, events = await run(ActionCancelRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_try_again_later"]
    assert events == []


# --- create the account ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "extracted"),
    [("non", "deny", {"confirmed": False}), ("euh", "nlu_fallback", {})],
)
async def test_nothing_is_created_without_the_final_yes(domain, invite, text, intent, extracted):
    invite()
    save_password_hash()
    answers = completed_registration(confirmed=None)
    dispatcher, events, tracker = await validate(
        domain, "confirmed", extracted, slots=answers, text=text, intent=intent
    )

    assert "utter_account_created" not in responses(dispatcher)
    assert slots_after(tracker, events)["confirmed"] is None
    assert asked_next(tracker, events) is not None  # the form goes on: what to correct, or yes/no
    assert count(Account) == 0
    assert outbox() == []


# Once the account exists everything is forgotten, the invitation link's code included; the
# address is kept for "resend the email" and "correct my address"; the form ends.
ACCOUNT_CREATED = {
    **FORGOTTEN,
    "code_from_link": False,
    "registered_email": "jean.dupont@acme.fr",
    # for a next company's "same details" (completed_registration's contact)
    "previous_contact": {
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone": "+33612345678",
        "job_title": "Comptable",
    },
    "requested_slot": None,
}
# The invitation refused at creation: the form ends, the answers kept for the advisor's ticket
# (a new registration forgets them).
REFUSED_AT_CREATION = {"requested_slot": None}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Votre compte est créé. Vous allez recevoir à **jean.dupont@acme.fr** un email "
            "d'activation de **noreply@sis-id.com** : il peut mettre quelques minutes à arriver. "
            "Cliquez sur le bouton « Activer mon compte » qu'il contient. S'il n'est pas là d'ici "
            "un quart d'heure, vérifiez vos courriers indésirables ou dites-le-moi.",
        ),
        (
            "en",
            "Your account has been created. You will receive an activation email at "
            "**jean.dupont@acme.fr** from **noreply@sis-id.com**: it may take a few minutes to "
            'arrive. Click the "Activate my account" button in it. If it is not there within a '
            "quarter of an hour, check your spam folder or tell me.",
        ),
    ],
)
async def test_account_is_created(domain, invite, language, text):
    invite()
    save_password_hash()
    dispatcher, events, tracker = await create_account(domain, language=language)

    assert said(dispatcher) == [
        {
            "response": "utter_account_created",
            "email": "jean.dupont@acme.fr",
            "mail_from": "noreply@sis-id.com",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert_only_slots_changed(tracker, events, ACCOUNT_CREATED)
    [account] = accounts()
    assert account.email == "jean.dupont@acme.fr"
    assert account.status == "pending"
    assert account.language == language
    assert account.contact.first_name == "Jean"
    assert account.contact.phone == "+33612345678"
    assert account.contact.job_title == "Comptable"
    assert (account.company.country, account.company.company_id) == ("FR", "732829320")
    assert verify_password(account.password_hash, STRONG_PASSWORD)
    assert outbox() == [("activation", "jean.dupont@acme.fr")]
    with db.session_scope() as session:
        assert find_invitation(session, ACME_CODE).used_at is not None
    saved = draft()
    assert saved.account_pk == account.id
    assert saved.submitted_email == "jean.dupont@acme.fr"
    assert saved.password_hash is None


async def test_account_created_from_an_invitation_link_forgets_the_link_code(domain, invite):
    invite()
    save_password_hash()
    dispatcher, events, tracker = await create_account(domain, code_from_link=True)

    assert responses(dispatcher) == ["utter_account_created"]
    assert_only_slots_changed(tracker, events, ACCOUNT_CREATED)
    assert slots_after(tracker, events)["invitation_code"] is None


async def test_skipped_job_title_is_stored_as_none(domain, invite):
    invite()
    save_password_hash()
    await create_account(domain, job_title="-")

    [account] = accounts()
    assert account.contact.job_title is None


async def test_the_same_confirmation_twice_creates_one_account(domain, invite):
    invite()
    save_password_hash()
    first, first_events, _ = await create_account(domain)
    second, second_events, _ = await create_account(domain)

    assert said(second) == said(first)
    assert responses(second) == ["utter_account_created"]
    assert second_events == first_events
    assert count(Account) == 1
    assert outbox() == [("activation", "jean.dupont@acme.fr")]


async def test_email_already_registered_is_answered_like_a_success(domain, invite):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash("conv-0")
    await create_account(domain, sender_id="conv-0")
    save_password_hash()
    dispatcher, events, tracker = await create_account(
        domain, company_id=OTHER_COMPANY.value, invitation_code=OTHER_CODE
    )

    assert said(dispatcher) == [
        {
            "response": "utter_account_created",
            "email": "jean.dupont@acme.fr",
            "mail_from": "noreply@sis-id.com",
        }
    ]
    assert_only_slots_changed(tracker, events, ACCOUNT_CREATED)
    assert count(Account) == 1
    assert outbox() == [
        ("activation", "jean.dupont@acme.fr"),
        ("account_exists", "jean.dupont@acme.fr"),
    ]
    # Nothing was created; the registration is kept (hash included) so that "correct my
    # address" can submit it again with another address, exactly as for a new account.
    saved = draft()
    assert (saved.account_pk, saved.submitted_email) == (None, "jean.dupont@acme.fr")
    assert saved.password_hash.startswith("$argon2id$")
    kept = json.loads(saved.pending_registration)
    assert kept["company_id"] == {"country": "FR", "value": OTHER_COMPANY.value}
    assert kept["invitation_code"] == OTHER_CODE
    assert "email" not in kept and "password_hash" not in kept
    # The invitation is used as it would be by a new account (it cannot be replayed to send
    # "account exists" mails, nor tried again to learn that the address had an account).
    with db.session_scope() as session:
        assert find_invitation(session, OTHER_CODE).used_at is not None


async def test_email_already_registered_twice_gives_the_same_reply(domain, invite):
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash("conv-0")
    await create_account(domain, sender_id="conv-0")
    save_password_hash()
    slots = {"company_id": OTHER_COMPANY.value, "invitation_code": OTHER_CODE}
    first, first_events, _ = await create_account(domain, **slots)
    second, second_events, _ = await create_account(domain, **slots)

    assert responses(second) == ["utter_account_created"]
    assert said(second) == said(first)
    assert second_events == first_events
    assert outbox() == [  # the owner of the address is told once, not at every confirmation
        ("activation", "jean.dupont@acme.fr"),
        ("account_exists", "jean.dupont@acme.fr"),
    ]


async def test_a_repeated_confirmation_reads_the_same_whether_or_not_the_address_was_taken(
    domain, invite
):
    """What a conversation sees must not tell whether an address already had an account."""
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash("conv-new")
    await create_account(domain, sender_id="conv-new")
    await create_account(domain, sender_id="conv-new")
    new_address, _, _ = await create_account(domain, sender_id="conv-new")
    save_password_hash("conv-taken")
    slots = {"company_id": OTHER_COMPANY.value, "invitation_code": OTHER_CODE}
    await create_account(domain, sender_id="conv-taken", **slots)
    await create_account(domain, sender_id="conv-taken", **slots)
    taken_address, _, _ = await create_account(domain, sender_id="conv-taken", **slots)

    assert said(taken_address) == said(new_address)
    assert responses(taken_address) == ["utter_account_created"]


async def test_a_confirmation_for_another_address_after_submission_asks_the_password(
    domain, invite
):
    """Without a hash, only the very request already submitted is answered again."""
    invite()
    save_password_hash()
    await create_account(domain)
    dispatcher, events, tracker = await create_account(domain, email="jean.martin@acme.fr")

    assert responses(dispatcher) == ["utter_correcting"]
    assert_only_slots_changed(tracker, events, {"password": None, "confirmed": None})
    assert asked_next(tracker, events) == "password"
    assert [a.email for a in accounts()] == ["jean.dupont@acme.fr"]


async def test_missing_password_hash_asks_for_the_password_again(domain, invite):
    invite()
    dispatcher, events, tracker = await create_account(domain)

    assert responses(dispatcher) == ["utter_correcting"]
    assert_only_slots_changed(tracker, events, {"password": None, "confirmed": None})
    assert asked_next(tracker, events) == "password"
    assert count(Account) == 0


async def test_invitation_used_meanwhile(domain, invite):
    invite()
    with db.session_scope() as session:
        find_invitation(session, ACME_CODE).used_at = utcnow()
    save_password_hash()
    dispatcher, events, tracker = await create_account(domain)

    assert said(dispatcher) == [{"response": "utter_invitation_used", "customer": "ACME"}]
    assert_only_slots_changed(tracker, events, REFUSED_AT_CREATION)
    assert count(Account) == 0
    assert outbox() == []
    assert draft().password_hash == STRONG_PASSWORD_HASH  # nothing was submitted


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Ce code d'invitation a plus de 3 mois : il est expiré et n'est plus utilisable. "
            "Rapprochez-vous de votre client (ACME) pour qu'il vous en renvoie un nouveau, puis "
            "ouvrez le lien de la nouvelle invitation.",
        ),
        (
            "en",
            "This invitation code is more than 3 months old: it has expired and can no longer "
            "be used. Please ask your customer (ACME) to send you a new one, then open the link "
            "in the new invitation.",
        ),
    ],
)
async def test_invitation_expired_meanwhile_names_the_customer(domain, invite, language, text):
    invite(issued_at=utcnow() - relativedelta(months=4))
    save_password_hash()
    dispatcher, events, tracker = await create_account(domain, language=language)

    assert said(dispatcher) == [{"response": "utter_invitation_expired", "customer": "ACME"}]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert_only_slots_changed(tracker, events, REFUSED_AT_CREATION)
    assert count(Account) == 0


async def test_invitation_that_no_longer_matches_names_no_customer(domain, invite):
    """A mismatch reveals nothing about the code: not even whose invitation it is."""
    invite(company=OTHER_COMPANY, code=ACME_CODE, customer="Beta")
    save_password_hash()
    dispatcher, events, tracker = await create_account(domain)

    assert said(dispatcher) == [{"response": "utter_invitation_mismatch", "customer": ""}]
    assert "Beta" not in rendered(domain, dispatcher, tracker)[0]
    assert_only_slots_changed(tracker, events, REFUSED_AT_CREATION)
    assert count(Account) == 0


@pytest.fixture
def seeded(invite):
    """An invitation and a password hash, then (for database_down) the database goes away."""
    invite()
    save_password_hash()


async def test_database_unavailable_keeps_the_answers_for_a_retry(
    domain, database, seeded, database_down
):
    dispatcher, events, tracker = await create_account(domain)

    assert said(dispatcher) == [{"response": "utter_try_again_later"}]
    assert_only_slots_changed(tracker, events, {"confirmed": None})  # every answer kept
    assert asked_next(tracker, events) == "confirmed"  # the summary again, to try again
    with db.session_scope(database) as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0


async def test_failure_midway_creates_nothing(domain, invite):
    """The activation mail cannot be queued: the account and the invitation's use roll back."""
    invite()
    save_password_hash()
    with db.session_scope() as session:
        session.execute(text("DROP TABLE outbox"))
    dispatcher, events, tracker = await create_account(domain)

    assert responses(dispatcher) == ["utter_try_again_later"]
    assert asked_next(tracker, events) == "confirmed"
    assert count(Account) == 0
    with db.session_scope() as session:
        assert find_invitation(session, ACME_CODE).used_at is None
    assert draft().password_hash == STRONG_PASSWORD_HASH  # kept for the retry


async def test_no_secret_leaves_the_action(domain, invite):
    invite()
    save_password_hash()
    dispatcher, events, _ = await create_account(domain)

    sent = json.dumps([events, dispatcher.messages], ensure_ascii=False)
    assert STRONG_PASSWORD not in sent
    assert STRONG_PASSWORD_HASH not in sent
    assert all(STRONG_PASSWORD not in body for body in outbox_bodies())


@pytest.mark.parametrize(
    "language, text, field",
    [
        ("fr", "je voudrais changer l'adresse email", "email"),
        ("en", "I'd like to change the email address", "email"),
        ("fr", "attendez, le numéro de téléphone est faux", "phone"),
        ("en", "hang on, the phone number is wrong", "phone"),
    ],
)
async def test_the_field_named_in_the_words_is_corrected_without_an_entity(
    domain, database, language, text, field
):
    """The NLU's `field` entity is often missing; the words of the message name the field."""
    tracker = make_tracker(
        domain,
        slots={
            **completed_registration(confirmed=None),
            "language": language,
            "requested_slot": "confirmed",
        },
        text=text,
        intent="correct_field",
    )
    _, events = await run(ValidateRegistrationForm(), tracker, domain)

    assert (field, None) in slot_events(events)
    assert asked_next(tracker, events) == field


@pytest.mark.parametrize("text", ["mauvais numéro de téléphone", "wrong phone number"])
async def test_a_field_named_in_the_words_after_the_account_was_created(domain, invite, text):
    invite()
    save_password_hash()
    await create_account(domain)
    tracker = make_tracker(
        domain, slots=completed_registration(), text=text, intent="correct_field", active_loop=None
    )
    dispatcher, events = await run(ActionCorrectAfterRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_only_email_after_account"]
    assert slot_events(events) == [("address_correction", False)]
