"""validate_registration_form: failed checks counted per code and per company ID, across
conversations."""

from __future__ import annotations

from collections import Counter

import pytest
from dateutil.relativedelta import relativedelta

from bot import db
from bot.checks.identifiers import CompanyId
from bot.db import utcnow
from bot.registration.invitations import find_invitation
from tests.actions.form_helpers import validate
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    rendered,
    responses,
    said,
    slot_events,
    slots_after,
)

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
async def test_a_new_conversation_after_five_failures_elsewhere_is_locked_at_its_first_guess(
    domain, invite, monkeypatch, language, expected
):
    invite()
    for n in range(5):  # five conversations, one wrong guess each
        dispatcher, _, _ = await guess(domain, f"ZZZZ-ZZZZ-ZZZZ-{n:04d}", sender=f"attacker-{n}")
        assert responses(dispatcher) == ["utter_invitation_mismatch"]

    dispatcher, events, tracker = await guess(
        domain, "ZZZZ-ZZZZ-ZZZZ-0005", sender="attacker-6", language=language
    )

    assert responses(dispatcher) == ["utter_invitation_locked"]
    assert expected in rendered(domain, dispatcher, tracker)[0]
    assert variation_has_handoff_button(domain, language)  # a human is offered
    assert slots_after(tracker, events)["invitation_failures"] == 5.0  # this conversation too
    assert dict(slot_events(events))["requested_slot"] is None


async def test_failures_of_others_on_a_public_company_id_do_not_lock_out_its_supplier(
    domain, invite
):
    """An outside tester typed five random codes against a real supplier's SIREN (public), and
    the supplier, in a new conversation with the right code, was refused for an hour."""
    invite()
    for n in range(5):
        await guess(domain, f"ZZZZ-ZZZZ-ZZZZ-{n:04d}", sender=f"attacker-{n}")

    dispatcher, events, _ = await guess(domain, ACME_CODE, sender="supplier")

    assert responses(dispatcher) == ["utter_invitation_valid"]
    assert dict(slot_events(events))["invitation_valid"] is True


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


async def test_thousand_guesses_over_many_conversations_never_get_through(
    domain, invite, monkeypatch
):
    """200 conversations, 1,000 guesses: random codes against ACME's company ID, and ACME's
    code against random company IDs. Each conversation stops after its own 5 failures; past
    the company's 5, a conversation stops at its first guess (looked up, for the company's own
    code to pass); past the code's 5, the code is not looked up at all."""
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
    assert per_company[ACME.value] == 5 + 99  # then one per conversation, answered "locked"
    assert per_code[ACME_CODE] == 5
    assert max(per_code.values()) <= 5
    assert answers["utter_invitation_mismatch"] == 10
    assert "utter_invitation_valid" not in answers
    # Each conversation's fifth failure says "mismatch" then "locked"; every other turn: locked.
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


async def test_an_invitation_used_meanwhile_is_said_when_the_address_is_confirmed(domain, invite):
    """A colleague's conversation created the account with the same invitation after this one
    checked it: said at the address's confirmation, not after the password, the terms and the
    contact details (an outside tester's m6)."""
    invite()
    dispatcher, events, tracker = await validate(
        domain,
        "invitation_code",
        {"invitation_code": ACME_CODE},
        slots={"country": "FR", "company_id": ACME.value, "language": "en"},
    )
    assert dict(slot_events(events))["invitation_valid"] is True
    with db.session_scope() as session:
        find_invitation(session, ACME_CODE).used_at = utcnow()

    dispatcher, events, _ = await validate(
        domain,
        "email_confirmed",
        {"email_confirmed": True},
        slots={
            "country": "FR",
            "company_id": ACME.value,
            "invitation_valid": True,
            "email": "jean.dupont@acme.fr",
            "language": "en",
        },
        intent="affirm",
        sender_id=tracker.sender_id,
    )

    assert said(dispatcher) == [{"response": "utter_invitation_used", "customer": "ACME"}]
    assert dict(slot_events(events))["requested_slot"] is None
