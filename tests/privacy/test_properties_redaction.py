"""bot/privacy/redaction.py never fails on what users and scripts send (found by the fuzz run: a
session metadata "code" with regex characters broke the tracker store's saves)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.redaction import redact_events, redact_text


@pytest.mark.parametrize(
    "code", ["'; DROP TABLE invitations; --", "A" * 5000, "(((", "a**b", "[x", "\\", "$^.|?+{}"]
)
def test_a_hostile_metadata_code_does_not_break_redaction(code):
    events = [
        {"event": "session_started", "metadata": {"invitation_code": code}},
        {
            "event": "user",
            "text": f"mon code est {code}",
            "parse_data": {"text": f"mon code est {code}", "entities": []},
            "metadata": {"invitation_code": code},
        },
    ]
    redacted = redact_events(events)
    assert len(redacted) == len(events)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=200),
    st.lists(st.text(max_size=40), max_size=3),
    st.lists(st.text(max_size=40), max_size=3),
)
def test_redact_text_never_raises(text, secrets, codes):
    assert isinstance(redact_text(text, secrets, codes), str)


@settings(max_examples=100, deadline=None)
@given(st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=16, max_size=16))
def test_a_known_code_is_masked_wherever_it_is_written(code):
    text = f"voici {code.lower()} et {'-'.join(code[i : i + 4] for i in range(0, 16, 4))}"
    redacted = redact_text(text, codes=[code], shapes=False)
    assert code[4:] not in redacted.upper().replace("-", "")


_RULES = {"min_length", "uppercase", "lowercase", "digit", "special"}


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=24))
def test_the_article_rule_alone_is_the_first_five_rules_of_check_password(text):
    # bot/privacy/redaction.py masks the words that meet_article_rule accepts: exactly the
    # words that the password question would not refuse for the article's reasons.
    from bot.checks.passwords import check_password, meets_article_rule

    unmet = {rule.value for rule in check_password(text)}
    assert meets_article_rule(text) == (not unmet & _RULES)
