"""Handing over to a human: how to reach the supplier, a ticket without secrets, a mail to
support, a reference, a limit per conversation, and the registration going on meanwhile."""

from __future__ import annotations

import json

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from sqlalchemy import func, select

from actions.common import PASSWORD_SET
from actions.handoff import (
    ActionAskHandoffContact,
    ActionHandoff,
    ActionPauseRegistration,
    ActionResumeRegistration,
    ActionYesWithoutQuestion,
    ValidateHandoffForm,
)
from actions.registration import ActionCancelRegistration, ActionStartRegistration
from actions.registration_form import ValidateRegistrationForm
from bot import db
from bot.models import OutboxMail, Ticket
from bot.settings import reset_settings
from tests.actions.helpers import (
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    STRONG_PASSWORD,
    completed_registration,
    make_tracker,
    outbox,
    outbox_bodies,
    rendered,
    responses,
    run,
    said,
    slots_after,
    tickets,
)

CONTACT = "jean.dupont@gmail.com"


async def handoff(domain, *, slots=None, events_before=None, sender_id="conv-1"):
    """action_handoff as Rasa runs it once handoff_form is done."""
    tracker = make_tracker(
        domain,
        slots=slots,
        text="je veux parler à quelqu'un",
        intent="human_handoff",
        active_loop=None,
        events_before=events_before,
        sender_id=sender_id,
    )
    dispatcher, events = await run(ActionHandoff(), tracker, domain)
    return dispatcher, events, tracker


def details(ticket) -> dict:
    return {k: v for k, v in json.loads(ticket.details).items() if v is not None}


# --- the ticket and what the supplier reads ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "J'ai transmis votre demande à un conseiller (référence **T-000001**). Il vous "
            "répondra par email à l'adresse indiquée.",
        ),
        (
            "en",
            "I have passed your request to an advisor (reference **T-000001**). They will reply "
            "by email to the address you gave.",
        ),
    ],
)
async def test_a_ticket_keeps_the_contact_address_for_support_and_tells_the_reference(
    domain, database, language, text
):
    slots = {"language": language, "handoff_contact": CONTACT, "handoff_reason": "user_request"}
    dispatcher, events, tracker = await handoff(domain, slots=slots)

    assert said(dispatcher)[0]["response"] == "utter_handoff_with_contact"
    assert rendered(domain, dispatcher, tracker) == [text]
    [ticket] = tickets()
    assert (ticket.conversation_id, ticket.language, ticket.reason, ticket.step) == (
        "conv-1",
        language,
        "user_request",
        "none",
    )
    assert ticket.contact_email == CONTACT
    assert outbox() == [("support_ticket", "support@sis-id.com")]
    assert any(f"Contact : {CONTACT}" in body for body in outbox_bodies())
    # The slots of this handoff are emptied: the next one starts afresh.
    assert events == [
        SlotSet("handoff_contact", None),
        SlotSet("handoff_contact_refusals", None),
        SlotSet("handoff_reason", None),
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "J'ai transmis votre demande à un conseiller (référence **T-000001**). Sans adresse "
            "email, il ne peut pas vous répondre : pour recevoir sa réponse, écrivez à "
            "support@sis-id.com en rappelant cette référence.",
        ),
        (
            "en",
            "I have passed your request to an advisor (reference **T-000001**). Without an "
            "email address they cannot reply to you: to get their answer, write to "
            "support@sis-id.com quoting this reference.",
        ),
    ],
)
async def test_a_supplier_who_leaves_no_address_is_told_how_to_write_to_support(
    domain, database, language, text
):
    dispatcher, _, tracker = await handoff(
        domain, slots={"language": language, "handoff_contact": "-"}
    )

    assert rendered(domain, dispatcher, tracker) == [text]
    [ticket] = tickets()
    assert ticket.contact_email is None
    assert any("Contact : aucune adresse laissée" in body for body in outbox_bodies())


async def test_a_masked_contact_read_back_from_the_store_is_not_taken_for_an_address(
    domain, database
):
    await handoff(domain, slots={"handoff_contact": "j***s@gmail.com"})
    assert tickets()[0].contact_email is None


async def test_a_later_handoff_in_the_conversation_keeps_the_contact_already_given(
    domain, database
):
    await handoff(domain, slots={"handoff_contact": CONTACT})
    dispatcher, _, _ = await handoff(domain)  # handoff_form did not ask again

    assert said(dispatcher)[0]["response"] == "utter_handoff_with_contact"
    assert [t.contact_email for t in tickets()] == [CONTACT, CONTACT]


async def test_second_ticket_gets_the_next_reference(domain, database):
    await handoff(domain)
    dispatcher, _, _ = await handoff(domain, sender_id="conv-2")

    assert said(dispatcher)[0]["reference"] == "T-000002"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Votre demande est déjà transmise à un conseiller (référence **T-000002**) : il "
            "reviendra vers vous. Vous pouvez aussi écrire à support@sis-id.com en rappelant "
            "cette référence.",
        ),
        (
            "en",
            "Your request has already been passed to an advisor (reference **T-000002**): they "
            "will get back to you. You can also write to support@sis-id.com quoting this "
            "reference.",
        ),
    ],
)
async def test_past_the_ticket_limit_the_same_reference_is_given_and_no_mail_is_sent(
    domain, database, monkeypatch, language, text
):
    monkeypatch.setenv("HANDOFF_TICKET_LIMIT", "2")
    reset_settings()
    slots = {"language": language}
    for _ in range(2):
        await handoff(domain, slots=slots)
    mails = outbox()
    for _ in range(3):
        dispatcher, _, tracker = await handoff(domain, slots=slots)
        assert said(dispatcher)[0]["response"] == "utter_handoff_already"
        assert rendered(domain, dispatcher, tracker) == [text]
    assert len(tickets()) == 2 and outbox() == mails


async def test_support_address_comes_from_the_settings(domain, database, monkeypatch):
    monkeypatch.setenv("SUPPORT_EMAIL", "help@example.test")
    reset_settings()
    dispatcher, _, _ = await handoff(domain)

    assert said(dispatcher)[0]["support_email"] == "help@example.test"
    assert outbox() == [("support_ticket", "help@example.test")]


async def test_the_ticket_carries_the_step_and_the_pending_question_without_a_secret(
    domain, database
):
    slots = completed_registration(
        language="en",
        job_title=None,
        confirmed=None,
        password=PASSWORD_SET,
        handoff_resume=True,
        handoff_contact=CONTACT,
    )
    await handoff(domain, slots=slots)

    [ticket] = tickets()
    assert ticket.step == "contact_details"
    assert details(ticket) == {
        "pending_question": "job_title",
        "country": "FR",
        "company_id": "732 829 320",
        "invitation_code": "ACME…",
        "email": "j***t@acme.fr",
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone": "+33…78",
    }
    for secret in (
        ACME_CODE,
        "ACME-FR00-0000-0001",
        PASSWORD_SET,
        STRONG_PASSWORD,
        "jean.dupont@a",
    ):
        assert secret not in ticket.details and secret not in ticket.summary
        assert all(secret not in body for body in outbox_bodies())


async def test_support_mail_carries_the_ticket_in_french(domain, database):
    await handoff(domain, slots={"language": "en", "country": "FR", "email": "jean@acme.fr"})

    with db.session_scope() as session:
        [mail] = session.scalars(select(OutboxMail)).all()
    assert "T-000001" in mail.subject
    # The ticket's reference leads to the transcript; the conversation id is not shown.
    assert "conv-1" not in mail.text_body and "conv-1" not in mail.html_body
    for line in (
        "/console/tickets/T-000001",
        "Raison : demande du fournisseur",
        "Étape atteinte : 2. création du compte",
        "- Email d'inscription (masqué) : j***n@acme.fr",
        "- Pays : FR",
    ):
        assert line in mail.text_body


async def test_handoff_after_the_invitation_lock(domain, database):
    slots = {
        "country": "FR",
        "company_id": "732829320",
        "invitation_code": "ZZZZZZZZZZZZZZZ1",
        "invitation_failures": 5.0,
    }
    await handoff(domain, slots=slots)

    [ticket] = tickets()
    assert ticket.reason == "invitation_locked"
    assert ticket.step == "company"
    assert details(ticket) == {
        "country": "FR",
        "company_id": "732 829 320",
        "invitation_code": "ZZZZ…",
        "invitation_failures": 5,
    }


async def test_ticket_after_a_lock_reached_from_the_company_id(domain, invite):
    """The 5th failed check comes with the identifier typed in a sentence: the ticket shows
    the normalised identifier, not the raw text."""
    invite(company=OTHER_COMPANY, code=OTHER_CODE)
    text = "notre siren est le 732 829 320"
    form = make_tracker(
        domain,
        slots={
            "requested_slot": "company_id",
            "country": "FR",
            "invitation_code": OTHER_CODE,
            "code_from_link": True,
            "invitation_failures": 4.0,
        },
        extracted={"company_id": text},
        text=text,
    )
    _, events = await run(ValidateRegistrationForm(), form, domain)
    await handoff(domain, slots=slots_after(form, events))

    [ticket] = tickets()
    assert ticket.reason == "invitation_locked"
    assert details(ticket)["company_id"] == "732 829 320"
    assert details(ticket)["invitation_code"] == "BETA…"


@pytest.mark.parametrize("action", [ActionStartRegistration(), ActionCancelRegistration()])
async def test_the_lock_is_still_reported_after_a_restart(domain, database, action):
    locked = make_tracker(
        domain,
        slots={"country": "FR", "company_id": "732829320", "invitation_failures": 5.0},
        active_loop=None,
        intent="start_registration",
    )
    _, events = await run(action, locked, domain)
    await handoff(domain, slots=slots_after(locked, events))

    [ticket] = tickets()
    assert (ticket.reason, ticket.step) == ("invitation_locked", "none")
    assert details(ticket) == {"invitation_failures": 5}


async def test_handoff_after_the_fallback(domain, database):
    fallback = [{"event": "action", "name": "action_default_fallback"}]
    await handoff(domain, events_before=fallback)

    assert tickets()[0].reason == "not_understood"


async def test_the_reason_recorded_when_the_contact_was_asked_is_the_one_kept(domain, database):
    # The contact question pushed the fallback out of the latest events: the slot remembers.
    await handoff(domain, slots={"handoff_reason": "not_understood"})
    assert tickets()[0].reason == "not_understood"


async def test_handoff_after_the_activation_help(domain, database):
    help_given = [{"event": "action", "name": "action_activation_help"}]
    await handoff(domain, slots={"registered_email": "jean@acme.fr"}, events_before=help_given)

    [ticket] = tickets()
    assert (ticket.reason, ticket.step) == ("activation_email", "registered")
    assert details(ticket) == {"email": "j***n@acme.fr"}


async def test_handoff_when_the_database_is_down(domain, database_down):
    dispatcher, events, _ = await handoff(domain)

    assert said(dispatcher) == [{"response": "utter_try_again_later"}]
    assert events == []


# --- the contact question ---------------------------------------------------------------------


def contact_answer(domain, value, *, refusals=None, language="fr"):
    return make_tracker(
        domain,
        slots={
            "language": language,
            "requested_slot": "handoff_contact",
            "handoff_contact_refusals": refusals,
        },
        extracted={"handoff_contact": value},
        text=str(value),
        active_loop="handoff_form",
    )


async def validate_contact(domain, value, **kwargs):
    tracker = contact_answer(domain, value, **kwargs)
    dispatcher, events = await run(ValidateHandoffForm(), tracker, domain)
    return dispatcher, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize(
    "answer",
    ["Jean.Dupont@Gmail.com", "c'est jean.dupont@gmail.com merci", "<jean.dupont@gmail.com>"],
)
async def test_an_address_in_any_wording_is_the_contact(domain, database, answer):
    dispatcher, slots = await validate_contact(domain, answer)
    assert slots["handoff_contact"] == CONTACT
    assert dispatcher.messages == []


async def test_declining_leaves_no_address(domain, database):
    _, slots = await validate_contact(domain, "-")  # "non merci", the button: deny / skip
    assert slots["handoff_contact"] == "-"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Je n'ai pas trouvé d'adresse email valide dans votre message. Exemple : "
            "prenom.nom@societe.fr",
        ),
        (
            "en",
            "I could not find a valid email address in your message. Example: "
            "firstname.lastname@company.com",
        ),
    ],
)
async def test_an_answer_without_an_address_is_explained_once_then_the_ticket_goes_without(
    domain, database, language, text
):
    tracker = contact_answer(domain, "mon adresse habituelle", language=language)
    dispatcher, events = await run(ValidateHandoffForm(), tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["handoff_contact"] is None and slots["handoff_contact_refusals"] == 1.0
    assert rendered(domain, dispatcher, tracker) == [text]

    dispatcher, slots = await validate_contact(domain, "je ne sais pas", refusals=1.0)
    assert slots["handoff_contact"] == "-"  # never kept at this question
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "answer", "said"),
    [
        ("fr", "appelez-moi plutôt", "je ne peux pas demander qu'on vous rappelle"),
        ("en", "I don't want to give my email, just call me back on 07911 123456",
         "I cannot ask for a call back"),
    ],
)  # fmt: skip
async def test_a_call_back_asked_instead_of_an_address_is_answered(
    domain, database, language, answer, said
):
    """ "just call me back on 07911 123456" got "I could not find a valid email address"
    (fourth outside tester, M9)."""
    tracker = contact_answer(domain, answer, language=language)
    dispatcher, events = await run(ValidateHandoffForm(), tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["handoff_contact"] is None and slots["handoff_contact_refusals"] == 1.0
    assert said in rendered(domain, dispatcher, tracker)[0]


async def test_two_addresses_in_one_answer_are_asked_again(domain, database):
    dispatcher, slots = await validate_contact(domain, "a@acme.fr ou b@acme.fr")
    assert slots["handoff_contact"] is None
    assert said(dispatcher) == [{"response": "utter_email_ambiguous"}]


@pytest.mark.parametrize("answer", ["support@sis-id.com", "noreply@sis-id.com"])
async def test_our_own_address_as_the_contact_is_told_so(domain, database, answer):
    """It got "I could not find a valid email address" (sixth outside tester, m10)."""
    dispatcher, slots = await validate_contact(domain, answer)
    assert slots["handoff_contact"] is None
    assert said(dispatcher) == [{"response": "utter_handoff_contact_platform", "email": answer}]


async def required(domain, sender_id="conv-1"):
    tracker = make_tracker(domain, active_loop="handoff_form", sender_id=sender_id)
    return await ValidateHandoffForm().required_slots(["handoff_contact"], None, tracker, domain)


async def test_the_contact_is_asked_once_per_conversation(domain, database):
    assert await required(domain) == ["handoff_contact"]
    await handoff(domain, slots={"handoff_contact": CONTACT})
    assert await required(domain) == []
    assert await required(domain, sender_id="conv-2") == ["handoff_contact"]


async def test_the_contact_is_not_asked_past_the_ticket_limit(domain, database, monkeypatch):
    monkeypatch.setenv("HANDOFF_TICKET_LIMIT", "1")
    reset_settings()
    await handoff(domain, slots={"handoff_contact": "-"})
    assert await required(domain) == []


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_question_offers_the_registration_address_once_confirmed(
    domain, database, language
):
    slots = {"language": language, "email": "jean@acme.fr", "email_confirmed": True}
    tracker = make_tracker(domain, slots=slots, active_loop="handoff_form")
    dispatcher, events = await run(ActionAskHandoffContact(), tracker, domain)

    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_handoff_contact_known"
    assert message["email"] == "jean@acme.fr"
    assert events == [SlotSet("handoff_reason", "user_request")]


async def test_an_unconfirmed_address_is_not_offered(domain, database):
    slots = {"email": "jean@acme.con", "email_confirmed": None}
    tracker = make_tracker(domain, slots=slots, active_loop="handoff_form")
    dispatcher, _ = await run(ActionAskHandoffContact(), tracker, domain)
    assert said(dispatcher) == [{"response": "utter_ask_handoff_contact"}]


# --- the registration waits and goes on -------------------------------------------------------


async def test_a_handoff_pauses_the_registration_and_keeps_every_answer(domain, database):
    slots = completed_registration(phone=None, job_title=None, confirmed=None)
    tracker = make_tracker(domain, slots={**slots, "requested_slot": "phone"})
    dispatcher, events = await run(ActionPauseRegistration(), tracker, domain)

    assert dispatcher.messages == []
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("handoff_resume", True),
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "En attendant, poursuivons votre inscription : vos réponses sont conservées."),
        ("en", "Meanwhile, let's go on with your registration: your answers are kept."),
    ],
)
async def test_after_the_ticket_the_registration_resumes(domain, database, language, text):
    tracker = make_tracker(domain, slots={"language": language, "handoff_resume": True})
    dispatcher, events = await run(ActionResumeRegistration(), tracker, domain)

    assert rendered(domain, dispatcher, tracker) == [text]
    assert events == [SlotSet("handoff_resume", False)]


@pytest.mark.parametrize("paused", [True, False])
async def test_a_withdrawn_request_opens_no_ticket(domain, database, paused):
    """ "Laissez tomber, finalement je continue l'inscription" at the contact question: it
    opened a ticket all the same."""
    dispatcher, events, _ = await handoff(
        domain, slots={"handoff_contact": "!", "handoff_resume": paused}
    )

    assert responses(dispatcher) == ["utter_handoff_withdrawn"]
    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert SlotSet("handoff_contact", "!" if paused else None) in events


async def test_after_a_withdrawn_request_the_registration_simply_goes_on(domain, database):
    tracker = make_tracker(domain, slots={"handoff_resume": True, "handoff_contact": "!"})
    dispatcher, events = await run(ActionResumeRegistration(), tracker, domain)

    assert responses(dispatcher) == ["utter_registration_continues"]
    assert events == [SlotSet("handoff_resume", False), SlotSet("handoff_contact", None)]


def bot_said(text: str, *payloads: str) -> dict:
    buttons = [{"title": p, "payload": p} for p in payloads]
    return {"event": "bot", "text": text, "data": {"buttons": buttons}}


@pytest.mark.parametrize(("language", "yes"), [("fr", "oui"), ("en", "yes")])
async def test_a_yes_to_a_message_offering_only_the_advisor_is_the_advisor(domain, language, yes):
    # the lock, "I cannot help with that", "an account already exists" end with that offer
    offer = bot_said("… un conseiller peut vous aider.", "/human_handoff")
    tracker = make_tracker(
        domain,
        slots={"language": language},
        text=yes,
        intent="affirm",
        active_loop=None,
        events_before=[offer],
    )

    dispatcher, events = await run(ActionYesWithoutQuestion(), tracker, domain)

    assert events == [FollowupAction("handoff_form")]
    assert said(dispatcher) == []


@pytest.mark.parametrize(
    "before",
    [
        [],  # the conversation's first message
        [bot_said("D'accord. Je reste à votre disposition.")],
        [bot_said("Bonjour …", "/start_registration", "/human_handoff")],  # a menu: which one?
    ],
)
async def test_any_other_yes_gets_what_the_assistant_can_do(domain, before):
    tracker = make_tracker(
        domain, text="oui", intent="affirm", active_loop=None, events_before=before
    )

    dispatcher, events = await run(ActionYesWithoutQuestion(), tracker, domain)

    assert events == []
    assert [m["response"] for m in said(dispatcher)] == ["utter_how_can_i_help"]
