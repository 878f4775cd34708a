"""Property-based tests of bot/checks/email_addresses.py: valid addresses are found and
normalised in free text; any other text gets a reason, never an exception."""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.checks.email_addresses import EmailCheck, EmailError, check_email, mask_email

atom = st.text(string.ascii_letters + string.digits + "_+-", min_size=1, max_size=12).filter(
    lambda a: not a.startswith("-")
)
local_parts = st.lists(atom, min_size=1, max_size=3).map(".".join)
label = st.text(string.ascii_lowercase + string.digits, min_size=2, max_size=12)
# Real TLDs far from the common mailbox providers, so no typo suggestion is expected.
domains = st.tuples(label, st.sampled_from(["fr", "com", "be", "de", "co.uk", "org"])).map(".".join)
addresses = st.tuples(local_parts, domains).map("@".join)


@settings(max_examples=300, deadline=None)
@given(addresses, st.data())
def test_a_valid_address_is_found_in_a_sentence_whatever_its_case(address, data):
    lead = data.draw(st.sampled_from(["", "mon email est ", "my address is ", "<", "c'est : "]))
    tail = data.draw(st.sampled_from(["", ".", ">", " merci", " !"]))
    cased = data.draw(st.sampled_from([address, address.upper(), address.title()]))

    check = check_email(f"{lead}{cased}{tail}")

    assert check.ok, (address, check.error)
    assert check.address == address.lower()
    assert check.suggestion != check.address


@settings(max_examples=100, deadline=None)
@given(addresses, addresses)
def test_two_different_addresses_are_ambiguous(first, second):
    check = check_email(f"{first} ou {second}")
    if first.lower() == second.lower():
        assert check.ok
    else:
        assert check.error is EmailError.AMBIGUOUS


@example("@")
@example("a@b@c")
@example("\x00@\x00.fr")
@example("x" * 10_000 + "@acme.fr")
@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), st.text(string.printable + "@éà", max_size=80)))
def test_any_text_gets_an_address_or_a_reason(text):
    check = check_email(text)
    assert isinstance(check, EmailCheck)
    if check.ok:
        assert "@" in check.address and check.address == check.address.lower()
        assert check_email(check.address).address == check.address
    else:
        assert isinstance(check.error, EmailError)


@given(st.text(max_size=100))
def test_a_masked_address_shows_at_most_two_characters_of_its_local_part(text):
    masked_local = mask_email(text).rpartition("@")[0]
    # "j***t" whatever the length: neither the middle nor the length is revealed.
    assert len(masked_local.replace("***", "", 1)) <= 2
