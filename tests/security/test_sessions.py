"""Sessions belong to the server (issue 13, point 3).

The conversation id is derived by the web app from its HttpOnly cookie: a second browser that
sends another conversation's id, or copies its tab's thread id, reaches only its own
conversation. Rasa's REST channel takes conversation ids only in a strict format. Support mails
name the ticket, which lets nobody write to the conversation.
"""

from __future__ import annotations

import re
import time

import pytest

from bot.checks.identifiers import CompanyId
from tests.factories import CLIENT_TICKETS, invite
from tests.security.conftest import Client

pytestmark = pytest.mark.timeout(1800)

STEPS = {
    "fr": (
        CompanyId("FR", "732829320"),
        [
            ("je voudrais créer mon compte", "dans quel pays"),
            ("France", "SIREN"),
            ("732 829 320", "code d'invitation"),
        ],
        "changer l'adresse email",
        "adresse email",
    ),
    "en": (
        CompanyId("GB", "SC123456"),
        [
            ("I'd like to register", "which country"),
            ("United Kingdom", "Companies House"),
            ("SC123456", "invitation code"),
        ],
        "change the email address",
        "email address",
    ),
}


def _victims_conversation(stack, before: set[str]) -> str:
    [victim] = stack.senders() - before
    return victim


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_second_browser_using_another_conversations_ids_reaches_only_its_own(
    attack_stack, language
):
    company, turns, intrusion, next_question = STEPS[language]
    code = f"SECW-{company.country}00-0000-0001"
    invite(attack_stack.database_url, company, code=code)
    before = attack_stack.senders()
    async with Client(attack_stack, language) as victim, Client(attack_stack, language) as thief:
        await victim.converse(turns)
        victim_id = _victims_conversation(attack_stack, before)
        assert re.fullmatch(r"[0-9a-f]{32}", victim_id)
        events_before = attack_stack.events(victim_id)

        # The thief knows the victim's conversation id (say, from a screen) and its tab's
        # thread id (say, from its sessionStorage), and sends both.
        thief.thread = victim.thread
        reply = await thief.say(intrusion, sender=victim_id)
        assert reply.status == 200
        assert attack_stack.events(victim_id) == events_before  # nothing written there
        assert victim_id not in str(reply.body)  # and the answers name no conversation id

        # The victim's conversation goes on where it was: the invitation code was expected.
        await victim.converse([(code, next_question)])


async def test_a_forged_cookie_starts_a_fresh_session_not_someone_elses(attack_stack):
    before = attack_stack.senders()
    async with Client(attack_stack, "fr") as client:
        await client.say("bonjour")
        client.forget_cookies()
        client.session.cookie_jar.update_cookies({"chat": "gAAAAAB" + "A" * 120})
        reply = await client.say("bonjour")
        assert reply.status == 200 and "chat" in {c.key for c in client.session.cookie_jar}
    assert len(attack_stack.senders() - before) == 2


@pytest.mark.parametrize(
    "sender",
    [
        "abc\nReason: forged line",
        "a" * 65,
        "x; rm -rf /",
        "<script>",
        "",
        "ünïcode",
        None,
    ],
)
def test_rasa_refuses_a_conversation_id_outside_the_strict_format(attack_stack, sender):
    import json
    import urllib.error
    import urllib.request

    body = {"message": "bonjour", **({"sender": sender} if sender is not None else {})}
    request = urllib.request.Request(
        attack_stack.rasa_url + "/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert json.loads(refused.value.read()) == {"error": "invalid_sender"}
    if sender:
        assert sender not in attack_stack.senders()


@pytest.mark.parametrize(
    ("language", "ask"), [("fr", "parler à un conseiller"), ("en", "talk to a human")]
)
async def test_the_support_mail_names_the_ticket_not_the_conversation(attack_stack, language, ask):
    before = attack_stack.senders()
    async with Client(attack_stack, language) as client:
        await client.say(ask)  # the assistant asks how an advisor can reach the supplier
        reply = await client.say({"fr": "non merci", "en": "no thanks"}[language])
    [conversation_id] = attack_stack.senders() - before
    [reference] = re.findall(r"T-\d{6}", reply.texts)
    smtp = attack_stack.servers.smtp
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mails = [m for m in smtp.inbox.messages if reference in str(m["Subject"])]
        if mails:
            break
        time.sleep(0.3)
    [mail] = mails
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"/console/tickets/{reference}" in text  # staff only: signed-in console page
    assert conversation_id not in text and conversation_id not in html


@pytest.mark.parametrize(
    ("language", "ask", "write"),
    [
        ("fr", "parler à un conseiller", "Écrivez directement à"),
        ("en", "talk to a human", "Please write directly to"),
    ],
)
async def test_new_threads_of_one_browser_cannot_open_tickets_without_end(
    attack_stack, language, ask, write
):
    """One cookie, a new chat thread each time, a stranger's address each time: seven tickets,
    each promising that support would write to the stranger (fifth outside tester, M8; the
    browser chooses its threads, and its cookies). The web app names the client's address to
    the assistant, which holds the address's tickets for the day."""
    references, replies = [], []
    async with Client(attack_stack, language) as client:
        for n in range(CLIENT_TICKETS + 2):
            client.thread = f"{n:02d}" + client.thread[2:]
            if n == CLIENT_TICKETS + 1:
                client.forget_cookies()  # a new session: the same address
            await client.say(ask)
            reply = await client.say(f"victim{n}.{client.thread[:6]}@example.org")
            replies.append(reply.texts)
            references += re.findall(r"T-\d{6}", reply.texts)

    assert len(set(references)) == CLIENT_TICKETS
    assert all(write in text for text in replies[CLIENT_TICKETS:])
    async with Client(attack_stack, language) as neighbour:  # another address is not held
        await neighbour.say(ask)
        reply = await neighbour.say(f"jean.{neighbour.thread[:6]}@example.org")
    assert re.search(r"T-\d{6}", reply.texts)
