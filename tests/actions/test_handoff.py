"""Handing over to a human: a ticket without secrets, a mail to support, a reference."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.common import PASSWORD_SET
from actions.handoff import ActionHandoff
from actions.registration import ActionCancelRegistration, ActionStartRegistration
from actions.registration_form import ValidateRegistrationForm
from bot import db
from bot.models import OutboxMail
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
    run,
    said,
    slots_after,
    tickets,
)


async def handoff(domain, *, slots=None, events_before=None, sender_id="conv-1"):
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


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "J'ai transmis votre demande à un conseiller (référence **T-000001**). Il reviendra "
            "vers vous rapidement. Vous pouvez aussi écrire à support@sis-id.com en rappelant "
            "cette référence.",
        ),
        (
            "en",
            "I have passed your request to an advisor (reference **T-000001**). They will get "
            "back to you shortly. You can also write to support@sis-id.com quoting this "
            "reference.",
        ),
    ],
)
async def test_handoff_opens_a_ticket_and_tells_its_reference(domain, database, language, text):
    dispatcher, events, tracker = await handoff(domain, slots={"language": language})

    assert said(dispatcher) == [
        {
            "response": "utter_handoff",
            "reference": "T-000001",
            "support_email": "support@sis-id.com",
        }
    ]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert events == []
    [ticket] = tickets()
    assert (ticket.conversation_id, ticket.language, ticket.reason, ticket.step) == (
        "conv-1",
        language,
        "user_request",
        "none",
    )
    assert ticket.summary == "No registration details given."
    assert outbox() == [("support_ticket", "support@sis-id.com")]


async def test_second_ticket_gets_the_next_reference(domain, database):
    await handoff(domain)
    dispatcher, _, _ = await handoff(domain, sender_id="conv-2")

    assert said(dispatcher)[0]["reference"] == "T-000002"


async def test_support_address_comes_from_the_settings(domain, database, monkeypatch):
    monkeypatch.setenv("SUPPORT_EMAIL", "help@example.test")
    reset_settings()
    dispatcher, _, _ = await handoff(domain)

    assert said(dispatcher)[0]["support_email"] == "help@example.test"
    assert outbox() == [("support_ticket", "help@example.test")]


async def test_summary_of_a_registration_in_progress_has_no_secret(domain, database):
    slots = completed_registration(
        language="en", job_title="-", confirmed=None, password=PASSWORD_SET
    )
    await handoff(domain, slots=slots)

    [ticket] = tickets()
    assert ticket.step == "contact_details"
    assert ticket.summary == (
        "Company: 732 829 320 (FR)\nInvitation code: ACME…\nEmail: j***t@acme.fr\nName: Jean Dupont"
    )
    for secret in (ACME_CODE, "ACME-FR00-0000-0001", PASSWORD_SET, STRONG_PASSWORD, "jean.dupont@"):
        assert secret not in ticket.summary
        assert all(secret not in body for body in outbox_bodies())


async def test_support_mail_carries_the_ticket(domain, database):
    await handoff(domain, slots={"language": "en", "country": "FR", "email": "jean@acme.fr"})

    with db.session_scope() as session:
        [mail] = session.scalars(select(OutboxMail)).all()
    assert "T-000001" in mail.subject
    # The ticket's reference leads to the transcript; the conversation id is not shown.
    assert "conv-1" not in mail.text_body and "conv-1" not in mail.html_body
    for line in (
        "/console/tickets/T-000001",
        "user_request",
        "account_details",
        "Email: j***n@acme.fr",
        "Country: FR",
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
    assert ticket.summary == (
        "Company: 732 829 320 (FR)\nInvitation code: ZZZZ…\nFailed invitation checks: 5"
    )


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
    assert ticket.summary == (
        "Company: 732 829 320 (FR)\nInvitation code: BETA…\nFailed invitation checks: 5"
    )


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
    assert ticket.summary == "Failed invitation checks: 5"


async def test_handoff_after_the_fallback(domain, database):
    fallback = [{"event": "action", "name": "action_default_fallback"}]
    await handoff(domain, events_before=fallback)

    assert tickets()[0].reason == "not_understood"


async def test_handoff_after_the_activation_help(domain, database):
    help_given = [{"event": "action", "name": "action_activation_help"}]
    await handoff(domain, slots={"registered_email": "jean@acme.fr"}, events_before=help_given)

    [ticket] = tickets()
    assert (ticket.reason, ticket.step) == ("activation_email", "registered")
    assert ticket.summary == "Email: j***n@acme.fr"


async def test_handoff_when_the_database_is_down(domain, database_down):
    dispatcher, events, _ = await handoff(domain)

    assert said(dispatcher) == [{"response": "utter_try_again_later"}]
    assert events == []
