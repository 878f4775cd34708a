"""The off-script conversation set (bench/conversations/) is sound data: every persona's facts
pass the product's own checks, so a conversation that fails measures the assistant, not a typo
in the set; both languages and every category of issue 14 are covered."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.conversations.script import Click, fill, load_conversations
from bot.checks.contacts import check_name, check_phone
from bot.checks.email_addresses import check_email
from bot.checks.identifiers import check_company_id
from bot.checks.invitation_codes import extract_code, normalise_code
from bot.checks.passwords import check_password

CONVERSATIONS = load_conversations()
CATEGORIES = {
    "first_message_data",
    "typed_yes",
    "several_answers",
    "correction_form",
    "correction_summary",
    "correction_menu",
    "dont_know",
    "language",
    "returning",
    "handoff",
    "recovery",
    "cooperative",
}


def test_the_set_has_at_least_40_conversations_about_half_in_each_language():
    assert len(CONVERSATIONS) >= 40
    speakers = Counter(c.speaks for c in CONVERSATIONS)
    assert min(speakers.values()) >= 0.4 * len(CONVERSATIONS), speakers


def test_every_category_of_issue_14_is_covered_in_french_and_in_english():
    covered = {(c.category, c.speaks) for c in CONVERSATIONS}
    missing = {(category, language) for category in CATEGORIES for language in ("fr", "en")}
    # The correction menu is one conversation per language; the rest have several.
    assert missing - covered == set()


def test_invitations_company_ids_and_addresses_are_each_used_once():
    # Shared values would let one conversation's failures (the invitation limits per code and
    # per company) or account change another's outcome.
    for fact in ("code", "email"):
        values = [
            normalise_code(c.facts[fact]) if fact == "code" else c.facts[fact]
            for c in CONVERSATIONS
        ]
        assert [v for v, n in Counter(values).items() if n > 1] == [], fact
    companies = [
        check_company_id(c.facts["country"], c.facts["company_id"]).company_id
        for c in CONVERSATIONS
    ]
    assert [v for v, n in Counter(companies).items() if n > 1] == []


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.id)
def test_each_persona_has_facts_the_product_accepts(conversation):
    facts = conversation.facts
    assert check_company_id(facts["country"], facts["company_id"]).ok
    assert extract_code(facts["code"]) == normalise_code(facts["code"])
    email = check_email(facts["email"])
    assert email.ok and email.suggestion is None, facts["email"]
    assert check_password(facts["password"], facts["email"]) == []
    assert check_name(facts["first_name"]).ok and check_name(facts["last_name"]).ok
    assert check_phone(facts["phone"], facts["country"]).ok, facts["phone"]


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=lambda c: c.id)
def test_each_answer_and_deviation_fills_from_the_facts(conversation):
    for answers in conversation.answers.values():
        for answer in answers:
            text = answer.fallback if isinstance(answer, Click) else answer
            fill(text, conversation.facts)  # raises on an unknown fact
    for deviation in conversation.deviations:
        assert deviation.nth >= 1
        assert isinstance(deviation.say, str | Click)


def test_a_bare_yes_or_no_click_means_the_yes_or_no_button():
    # YAML 1.1 reads `click: yes` as a boolean: the driver must still click "yes".
    targets = {
        answer.target
        for conversation in CONVERSATIONS
        for answers in conversation.answers.values()
        for answer in answers
        if isinstance(answer, Click)
    }
    assert {"yes", "no"} <= targets
    assert not targets & {"True", "False"}
