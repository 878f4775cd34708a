"""The tracker store keeps only "ACME…" of an invitation code: the registration still works.

From the turn after the code was given, Rasa restores the slot from the stored (redacted)
events, so the actions receive the mask; the full code is read from the registration draft.
"""

from __future__ import annotations

from actions.registration_form import ValidateRegistrationForm
from actions.session import ActionSessionStart
from bot import db
from bot.privacy.redaction import redact_events
from bot.registration import drafts
from bot.registration.invitations import find_invitation
from tests.actions.form_helpers import confirm
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    accounts,
    completed_registration,
    draft,
    make_tracker,
    responses,
    run,
    save_password_hash,
    slot_events,
)

FORM = ValidateRegistrationForm()
# What the slot holds once the tracker store has written and Rasa has read back the event.
STORED = redact_events([{"event": "slot", "name": "invitation_code", "value": ACME_CODE}])[0]
MASKED = STORED["value"]


def test_the_store_keeps_only_the_first_symbols():
    assert MASKED == "ACME…"


async def test_a_code_from_the_invitation_link_is_kept_server_side(domain, database):
    tracker = make_tracker(
        domain,
        slots={"session_started_metadata": {"invitation_code": "acme-fr00-0000-0001"}},
        intent=None,
        active_loop=None,
    )
    _, events = await run(ActionSessionStart(), tracker, domain)
    assert ("invitation_code", ACME_CODE) in slot_events(events)
    assert draft().invitation_code == ACME_CODE


async def test_the_link_code_is_checked_with_the_company_given_turns_later(
    domain, database, invite
):
    invite()
    with db.session_scope() as session:
        drafts.save_invitation_code(session, "conv-1", ACME_CODE)
    tracker = make_tracker(
        domain,
        slots={"country": "FR", "invitation_code": MASKED, "code_from_link": True},
        extracted={"company_id": "732 829 320"},
        text="732 829 320",
    )
    dispatcher, events = await run(FORM, tracker, domain)
    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert ("invitation_valid", True) in slot_events(events)


async def test_a_masked_code_revalidated_when_the_form_starts_is_read_from_the_draft(
    domain, database
):
    with db.session_scope() as session:
        drafts.save_invitation_code(session, "conv-1", ACME_CODE)
    tracker = make_tracker(domain, extracted={"invitation_code": MASKED}, intent="affirm")
    dispatcher, events = await run(FORM, tracker, domain)
    assert responses(dispatcher) == []  # not "I cannot read this code"
    assert slot_events(events) == [("invitation_code", ACME_CODE)]


async def test_a_typed_code_found_valid_is_kept_for_the_account_creation(domain, invite):
    invite()
    tracker = make_tracker(
        domain,
        slots={"country": "FR", "company_id": ACME.value, "requested_slot": "invitation_code"},
        extracted={"invitation_code": "acme-fr00-0000-0001"},
        text="acme-fr00-0000-0001",
    )
    dispatcher, _ = await run(FORM, tracker, domain)
    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert draft().invitation_code == ACME_CODE


async def test_the_account_is_created_from_a_masked_slot(domain, invite):
    invite()
    save_password_hash()
    with db.session_scope() as session:
        drafts.save_invitation_code(session, "conv-1", ACME_CODE)
    dispatcher, _, _ = await confirm(domain, completed_registration(invitation_code=MASKED))
    assert responses(dispatcher) == ["utter_account_created"]
    assert [a.email for a in accounts()] == ["jean.dupont@acme.fr"]
    with db.session_scope() as session:
        assert find_invitation(session, ACME_CODE).used_at is not None


async def test_a_refused_code_is_kept_too_and_checked_with_the_identifier_corrected(domain, invite):
    """A mismatch kept the code in the slot only (masked from the next turn): the corrected
    identifier was then taken unchecked, and the account could never be created."""
    invite()
    tracker = make_tracker(
        domain,
        slots={"country": "FR", "company_id": "552100554", "requested_slot": "invitation_code"},
        extracted={"invitation_code": "acme-fr00-0000-0001"},
        text="acme-fr00-0000-0001",
    )
    dispatcher, _ = await run(FORM, tracker, domain)
    assert "utter_invitation_mismatch" in responses(dispatcher)
    assert draft().invitation_code == ACME_CODE

    corrected = make_tracker(
        domain,
        slots={"country": "FR", "invitation_code": MASKED, "requested_slot": "company_id"},
        extracted={"company_id": "732 829 320"},
        text="732 829 320",
    )
    dispatcher, events = await run(FORM, corrected, domain)
    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert ("invitation_valid", True) in slot_events(events)


async def test_a_masked_code_without_its_full_value_is_asked_again(domain, database):
    tracker = make_tracker(
        domain,
        slots={"country": "FR", "invitation_code": MASKED, "requested_slot": "company_id"},
        extracted={"company_id": "732 829 320"},
        text="732 829 320",
    )
    _, events = await run(FORM, tracker, domain)

    assert ("invitation_code", None) in slot_events(events)
    assert ("invitation_valid", True) not in slot_events(events)
