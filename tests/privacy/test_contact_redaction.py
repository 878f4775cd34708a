"""The handoff's contact address (support has it in full, in the ticket) is stored masked in
the conversation logs: the slot and the message that answered the question; the registration's
own address and other messages are left as they are."""

from __future__ import annotations

import json

from bot.privacy.redaction import mask_addresses, redact_events
from tests.privacy.test_redaction import slot, user

CONTACT = "jean.dupont@gmail.com"
MASKED = "j***t@gmail.com"


def contact_turn(answer: str) -> list[dict]:
    return [
        slot("email", "jean.dupont@acme.fr"),
        {"event": "active_loop", "name": "handoff_form"},
        slot("requested_slot", "handoff_contact"),
        user(answer, entities=[{"entity": "email", "value": CONTACT}]),
        slot("handoff_contact", answer),
        slot("handoff_contact", CONTACT),
        slot("requested_slot", None),
        {"event": "active_loop", "name": None},
        user(f"et mon adresse d'inscription reste {CONTACT}"),
    ]


def test_the_contact_answer_and_slot_are_masked_in_every_field():
    redacted = redact_events(contact_turn(f"vous pouvez m'écrire à {CONTACT}, merci"))
    answer, typed, value = redacted[3], redacted[4], redacted[5]
    assert answer["text"] == f"vous pouvez m'écrire à {MASKED}, merci"
    assert answer["parse_data"]["text"] == answer["text"]
    assert answer["parse_data"]["entities"][0]["value"] == MASKED
    assert typed["value"] == f"vous pouvez m'écrire à {MASKED}, merci"
    assert value["value"] == MASKED
    assert CONTACT not in json.dumps(redacted[:8])


def test_the_registration_address_and_later_messages_are_untouched():
    redacted = redact_events(contact_turn(CONTACT))
    assert redacted[0]["value"] == "jean.dupont@acme.fr"  # the form needs it on later turns
    assert redacted[-1]["text"].endswith(CONTACT)  # not typed at the contact question


def test_a_declined_contact_is_stored_as_it_is():
    events = [
        slot("requested_slot", "handoff_contact"),
        user("non merci"),
        slot("handoff_contact", "-"),
    ]
    assert redact_events(events) == events


def test_masking_an_address_keeps_only_its_first_and_last_characters_and_domain():
    assert mask_addresses("a: <Jean.Dupont@Gmail.com>") == "a: <J***t@Gmail.com>"
    assert mask_addresses("rien ici") == "rien ici"
