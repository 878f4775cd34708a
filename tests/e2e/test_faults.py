"""Faults without loss, against the real processes: SMTP server down, database locked, action
server down or frozen, a confirmation sent twice, 20 conversations racing on one invitation.

Each fault is caused for real (the loopback SMTP server stopped, an exclusive SQLite lock held
by another connection, the action server terminated or frozen with SIGSTOP) and the test
checks what a supplier would notice: the words of the answer, the rows in the database and
the mails that reach the SMTP server.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.faults_helpers import (
    ALREADY_USED,
    COMPANY,
    MAY_TAKE_MINUTES,
    MESSAGE_TIMEOUT,
    TRY_AGAIN,
    YES,
    Product,
    texts,
    turns_to_summary,
)


@pytest.fixture(scope="module")
def product(tmp_path_factory) -> Iterator[Product]:
    product = Product(tmp_path_factory.mktemp("faults"))
    try:
        product.start()
        yield product
    finally:
        product.stop()


def new_id() -> str:
    return uuid.uuid4().hex


def link(language: str, code: str) -> dict:
    """The widget's metadata when the supplier came from an invitation link."""
    return {"language": language, "invitation_code": code}


# --- SMTP server down ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_mail_waits_while_smtp_is_down_and_leaves_by_itself_once_it_is_back(product, language):
    email = f"anne.leroy.{language}@fournisseur-papier.fr"
    code = product.invite(COMPANY[language])
    sender = new_id()
    product.converse(sender, turns_to_summary(language, email), link(language, code))

    with product.smtp_down():
        replies = product.say(sender, YES[language], link(language, code))
        said = texts(replies)
        assert email in said and MAY_TAKE_MINUTES[language] in said
        assert "vient d'être envoyé" not in said and "has just been sent" not in said
        # the account exists, its mail is queued and the sender has already tried once
        deadline = time.monotonic() + 20
        while (product.outbox_row(email).attempts or 0) < 1 and time.monotonic() < deadline:
            time.sleep(0.3)
        mail = product.outbox_row(email)
        assert mail.attempts >= 1 and mail.sent_at is None and mail.last_error
        assert product.counts(email) == {"accounts": 1, "contacts": 1, "outbox": 1, "received": 0}

    # No command: the outbox sender retries with backoff and delivers.
    product.wait_for_mail(email)
    assert product.counts(email) == {"accounts": 1, "contacts": 1, "outbox": 1, "received": 1}
    assert product.outbox_row(email).sent_at is not None


# --- Database unavailable for a moment ----------------------------------------------------


def test_locked_database_at_confirmation_creates_nothing_and_confirming_again_works(product):
    email = "marc.durand@fournisseur-acier.fr"
    code = product.invite(COMPANY["fr"])
    sender = new_id()
    product.converse(sender, turns_to_summary("fr", email), link("fr", code))

    started = time.monotonic()
    with product.database_locked():
        replies = product.say(sender, "oui", link("fr", code))
    elapsed = time.monotonic() - started
    said = texts(replies)
    assert TRY_AGAIN["fr"] in said and "Vos réponses sont conservées" in said
    assert "récapitulatif" in said.lower()  # the summary is shown again, nothing re-typed
    assert elapsed < MESSAGE_TIMEOUT, "the action gave up before the channel's timeout"
    assert product.counts(email) == {"accounts": 0, "contacts": 0, "outbox": 0, "received": 0}
    assert not product.invitation_used(code)

    replies = product.say(sender, "oui", link("fr", code))
    assert MAY_TAKE_MINUTES["fr"] in texts(replies)
    product.wait_for_mail(email)
    assert product.counts(email) == {"accounts": 1, "contacts": 1, "outbox": 1, "received": 1}


# --- Action server down or frozen ---------------------------------------------------------


def test_action_server_down_in_french_gets_an_answer_not_silence(product):
    sender = new_id()
    product.stop_actions()
    try:
        replies = product.say(
            sender, "Bonjour, je voudrais créer mon compte fournisseur", {"language": "fr"}
        )
    finally:
        product.start_actions()
    assert replies, "silence"
    assert TRY_AGAIN["fr"] in texts(replies)
    assert "Traceback" not in str(replies) and "Exception" not in str(replies)
    # once it is back, the same message works
    replies = product.say(
        sender, "Bonjour, je voudrais créer mon compte fournisseur", {"language": "fr"}
    )
    assert "dans quel pays" in texts(replies).lower()


def test_action_server_down_in_english_answers_in_the_conversations_language(product):
    sender = new_id()
    code = product.invite(COMPANY["en"])
    product.converse(sender, turns_to_summary("en", "x@y.example")[:1], link("en", code))
    product.stop_actions()
    try:
        # no metadata this time: the language comes from the conversation itself
        replies = product.say(sender, "United Kingdom")
    finally:
        product.start_actions()
    assert TRY_AGAIN["en"] in texts(replies).lower()
    assert TRY_AGAIN["fr"] not in texts(replies)
    replies = product.say(sender, "United Kingdom")
    assert "Companies House number" in texts(replies)


# seconds after the channel's timeout within which its answer must have arrived
REPLY_MARGIN = 3


def test_frozen_action_server_gets_a_timely_answer_and_the_conversation_goes_on(product):
    sender = new_id()
    code = product.invite(COMPANY["fr"])
    product.converse(sender, turns_to_summary("fr", "x@y.example")[:1], link("fr", code))
    started = time.monotonic()
    with product.actions_paused():
        replies = product.say(sender, "France", link("fr", code))
    elapsed = time.monotonic() - started
    assert TRY_AGAIN["fr"] in texts(replies)
    # The channel's answer, at its timeout (what the Rasa process was given), not later: the
    # margin covers the apology and the HTTP round trip on loopback.
    timeout = float(product.env["MESSAGE_TIMEOUT"])
    assert timeout <= elapsed < timeout + REPLY_MARGIN, f"{elapsed:.1f} s, timeout {timeout:g} s"
    replies = product.say(sender, "France", link("fr", code))
    assert "SIREN" in texts(replies)


# --- The same confirmation twice, and a race on one invitation ----------------------------


def test_confirmation_sent_twice_in_a_row_creates_one_account_and_one_mail(product):
    email = "paul.martin@fournisseur-bois.fr"
    code = product.invite(COMPANY["fr"])
    sender = new_id()
    product.converse(sender, turns_to_summary("fr", email), link("fr", code))
    first = product.say(sender, "oui", link("fr", code))
    second = product.say(sender, "oui", link("fr", code))
    assert MAY_TAKE_MINUTES["fr"] in texts(first)
    assert second and TRY_AGAIN["fr"] not in texts(second)
    product.wait_for_mail(email)
    time.sleep(2)  # a second mail would have left by now (the sender polls every 0.5 s)
    assert product.counts(email) == {"accounts": 1, "contacts": 1, "outbox": 1, "received": 1}


def test_confirmation_sent_twice_at_once_creates_one_account_and_one_mail(product):
    email = "claire.petit@fournisseur-bois.fr"
    code = product.invite(COMPANY["fr"])
    sender = new_id()
    product.converse(sender, turns_to_summary("fr", email), link("fr", code))
    barrier = threading.Barrier(2)

    def confirm(_: int) -> list[dict]:
        barrier.wait()
        return product.say(sender, "oui", link("fr", code))

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(confirm, range(2)))
    assert all(answers), "one of the two got silence"
    assert sum(MAY_TAKE_MINUTES["fr"] in texts(a) for a in answers) >= 1
    assert not any(TRY_AGAIN["fr"] in texts(a) for a in answers)
    product.wait_for_mail(email)
    time.sleep(2)
    assert product.counts(email) == {"accounts": 1, "contacts": 1, "outbox": 1, "received": 1}


def test_twenty_conversations_racing_on_one_invitation_make_one_account(product):
    code = product.invite(COMPANY["fr"])
    emails = [f"achats.{i:02d}@fournisseur-verre.fr" for i in range(20)]
    senders = [new_id() for _ in emails]
    with ThreadPoolExecutor(2) as pool:  # up to the summary, two at a time (2 cores)
        list(
            pool.map(
                lambda pair: product.converse(
                    pair[0], turns_to_summary("fr", pair[1]), link("fr", code)
                ),
                zip(senders, emails, strict=True),
            )
        )
    barrier = threading.Barrier(len(senders))

    def confirm(sender: str) -> str:
        barrier.wait()
        return texts(product.say(sender, "oui", link("fr", code)))

    with ThreadPoolExecutor(len(senders)) as pool:
        answers = list(pool.map(confirm, senders))
    winners = [e for e, a in zip(emails, answers, strict=True) if MAY_TAKE_MINUTES["fr"] in a]
    losers = [a for a in answers if ALREADY_USED["fr"] in a]
    assert len(winners) == 1, answers
    assert len(losers) == 19, answers
    product.wait_for_mail(winners[0])
    time.sleep(2)
    counts = {email: product.counts(email) for email in emails}
    assert sum(c["accounts"] for c in counts.values()) == 1
    assert sum(c["contacts"] for c in counts.values()) == 1
    assert sum(c["outbox"] for c in counts.values()) == 1
    assert sum(c["received"] for c in counts.values()) == 1
    assert counts[winners[0]]["received"] == 1


# --- The channel's guard on its own (no server needed) ------------------------------------


class _Channel:
    """What the guard needs from a UserMessage's output channel."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def send_text_message(self, recipient_id: str, text: str) -> None:
        self.texts.append(text)


async def _guard(behaviour, metadata: dict | None = None, timeout: float = 5) -> list[str]:
    from rasa.core.channels.channel import UserMessage

    from rasa_ext.channels import RestInput

    channel = _Channel()
    message = UserMessage("bonjour", channel, "someone", metadata=metadata)
    await RestInput(timeout_seconds=timeout)._guarded(behaviour)(message)
    return channel.texts


async def test_guard_says_nothing_more_when_processing_succeeds():
    async def fine(message) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Bonjour !")

    assert await _guard(fine) == ["Bonjour !"]


async def test_guard_answers_when_an_action_failed_silently_in_rasa():
    import logging

    from rasa_ext.channels import _install_handler

    _install_handler()

    async def action_fails(message) -> None:
        try:
            raise ConnectionError("action server unreachable")
        except ConnectionError:  # what rasa.core.processor does: log and carry on
            logging.getLogger("rasa.core.processor").exception(
                "Encountered an exception while running action 'action_x'."
            )

    [reply] = await _guard(action_fails, {"language": "en"})
    assert reply.startswith("A technical problem prevents me from")
    assert TRY_AGAIN["en"] in reply.lower()


async def test_guard_answers_a_timeout_and_an_exception_in_french_by_default():
    import asyncio

    async def hangs(message) -> None:
        await asyncio.sleep(30)

    async def crashes(message) -> None:
        raise RuntimeError("tracker store down")

    started = time.monotonic()
    assert TRY_AGAIN["fr"].lower() in (await _guard(hangs, timeout=0.5))[0].lower()
    assert time.monotonic() - started < 5
    assert TRY_AGAIN["fr"].lower() in (await _guard(crashes))[0].lower()


def test_a_body_that_is_not_an_object_gets_an_answer_not_a_500(product):
    import json
    import urllib.error
    import urllib.request

    def post(body: bytes) -> tuple[int, object]:
        request = urllib.request.Request(
            product.rasa_url + "/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    # Without a conversation id (not an object at all): a polite 400 from the channel.
    for body in (b"[]", b"42", b'"text"'):
        assert post(body) == (400, {"error": "invalid_sender"})
    status, answers = post(b'{"sender": "x", "message": null}')
    assert status == 200 and isinstance(answers, list)
