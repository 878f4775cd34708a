"""The chat API of the web app (bot/web/chat.py): sessions issued by the server, the widget's
password check, rate limits, and requests only as JSON from the page's own origin.

Rasa is a stand-in here (a local HTTP server that records what it receives and answers like the
REST channel); tests/security/ drives the same paths against the real Rasa server.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import db
from bot.checks.passwords import verify_password
from bot.registration import drafts
from bot.settings import load_settings, reset_settings
from bot.web.app import create_app
from bot.web.sessions import SessionSecretError, load_secret
from tests.factories import SESSION_SECRET, free_port

WEBHOOK = "/webhooks/rest/webhook"
PASSWORD = "/chat/password"
STRONG = "Tr0ub4dor&3-Quai"
THREAD = "0123456789abcdef0123456789abcdef"


class StandInRasa:
    """Answers like Rasa's REST channel and keeps every body it received."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.server: TestServer | None = None

    async def start(self) -> str:
        async def webhook(request: web.Request) -> web.Response:
            body = await request.json()
            self.received.append(body)
            return web.json_response([{"recipient_id": body["sender"], "text": "ok"}])

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        self.server = TestServer(app)
        await self.server.start_server()
        return str(self.server.make_url("")).rstrip("/")

    def senders(self) -> list[str]:
        return [body["sender"] for body in self.received]


@pytest.fixture
async def rasa() -> AsyncIterator[StandInRasa]:
    stand_in = StandInRasa()
    await stand_in.start()
    yield stand_in
    await stand_in.server.close()


@pytest.fixture
async def clients(database, monkeypatch, rasa) -> AsyncIterator[Callable]:
    """Opens clients of a web app built with the given extra settings (an HTTP public site:
    the test client sends a cookie back over http only when it is not Secure)."""
    opened: list[TestClient] = []

    async def open(**env: str) -> TestClient:
        values = {
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
            "SESSION_SECRET": SESSION_SECRET,
            "PUBLIC_BASE_URL": "http://help.example.test",
            **env,
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        reset_settings()
        app = create_app(load_settings(), rasa_url=str(rasa.server.make_url("")).rstrip("/"))
        client = TestClient(TestServer(app))
        await client.start_server()
        opened.append(client)
        return client

    yield open
    for client in opened:
        await client.close()


async def say(client: TestClient, text: str = "bonjour", language: str = "fr", **extra):
    body = {"message": text, "metadata": {"language": language}, **extra}
    return await client.post(WEBHOOK, json=body)


# --- sessions issued by the server ------------------------------------------------------------


async def test_the_page_gives_an_httponly_strict_session_cookie(clients):
    client = await clients()
    response = await client.get("/")
    cookie = response.cookies["chat"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # the public site is http here
    assert int(cookie["max-age"]) == 24 * 3600
    assert len(cookie.value) > 100  # encrypted and authenticated, not the credential itself


async def test_on_an_https_site_the_cookie_is_secure_and_host_only(clients):
    client = await clients(PUBLIC_BASE_URL="https://help.example.test")
    response = await client.get("/en/")
    cookie = response.cookies["__Host-chat"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-chat=") and "Domain" not in set_cookie


async def test_the_conversation_is_the_sessions_whatever_sender_the_browser_sends(clients, rasa):
    first = await clients()
    await first.get("/")
    for sender in ("victim-conversation", "another-one", None):
        extra = {"sender": sender} if sender else {}
        assert (await say(first, **extra)).status == 200
    second = await clients()  # a second browser: its own cookie
    await second.get("/")
    assert (await say(second, sender="victim-conversation")).status == 200

    senders = rasa.senders()
    assert len(set(senders[:3])) == 1  # the same conversation, whatever "sender" said
    assert senders[3] != senders[0]  # the other browser reaches only its own
    assert all(re.fullmatch(r"[0-9a-f]{32}", sender) for sender in senders)
    assert "victim-conversation" not in senders


async def test_a_reload_keeps_the_conversation_and_languages_and_tabs_are_separate(clients, rasa):
    client = await clients()
    await client.get("/")
    await say(client)
    await client.get("/")  # a reload: the cookie stays
    await say(client)
    await say(client, language="en")
    await say(client, thread=THREAD)
    await say(client, thread=THREAD)

    french, again, english, tab, tab_again = rasa.senders()
    assert french == again  # the reload continued the conversation
    assert english != french  # the English page has its own conversation
    assert tab == tab_again and tab not in (french, english)  # another tab, another one


async def test_a_forged_or_foreign_cookie_gets_a_fresh_session(clients, rasa):
    client = await clients()
    await client.get("/")
    await say(client)
    client.session.cookie_jar.update_cookies({"chat": "gAAAAABforged-value"})
    response = await say(client)
    assert response.status == 200 and "chat" in response.cookies  # a new session is issued
    original, forged = rasa.senders()
    assert forged != original


async def test_the_answers_do_not_carry_the_conversation_id(clients):
    client = await clients()
    response = await say(client)
    assert await response.json() == [{"text": "ok"}]


# --- only JSON, only from the page itself ------------------------------------------------------


@pytest.mark.parametrize("path", [WEBHOOK, PASSWORD])
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_simple_request_from_another_site_is_refused(clients, rasa, path, content_type):
    client = await clients()
    response = await client.post(
        path, data=b'{"message": "bonjour"}', headers={"Content-Type": content_type}
    )
    assert response.status == 415
    assert await response.json() == {"error": "unsupported_media_type"}
    assert rasa.received == []


@pytest.mark.parametrize("path", [WEBHOOK, PASSWORD])
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://help.example.test.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://help.example.test", "Sec-Fetch-Site": "cross-site"},
    ],
)
async def test_a_cross_origin_post_is_refused(clients, rasa, path, headers):
    client = await clients()
    body = {"message": "bonjour", "password": STRONG}
    response = await client.post(path, json=body, headers=headers)
    assert response.status == 403 and await response.json() == {"error": "forbidden"}
    assert rasa.received == []


async def test_the_pages_own_origin_is_served(clients):
    client = await clients()
    headers = {"Origin": "http://help.example.test", "Sec-Fetch-Site": "same-origin"}
    response = await client.post(WEBHOOK, json={"message": "bonjour"}, headers=headers)
    assert response.status == 200


# --- rate limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "un peu trop vite"), ("en", "a little too fast")]
)
async def test_a_flooding_conversation_is_slowed_and_another_is_served(
    clients, rasa, language, words
):
    client = await clients(RATE_LIMIT_CONVERSATION="3 per minute")
    statuses = [(await say(client, language=language)).status for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = await say(client, language=language)
    body = await refused.json()
    assert body["error"] == "too_many_requests" and words in body["message"]
    assert 0 < body["retry_after"] <= 60 and refused.headers["Retry-After"] == str(
        body["retry_after"]
    )
    # Another conversation of the same browser (another tab) is served meanwhile.
    assert (await say(client, language=language, thread=THREAD)).status == 200
    assert len(rasa.received) == 4


@pytest.mark.parametrize(
    ("page", "spoken", "words"),
    [("fr", "en", "a little too fast"), ("en", "fr", "un peu trop vite")],
)
async def test_after_a_switch_the_slow_down_is_in_the_conversations_language(
    clients, rasa, page, spoken, words
):
    """The fifth outside tester switched a French page's conversation to English: the 429 came
    in French. The widget names the language it last heard; the page's stays the key."""
    client = await clients(RATE_LIMIT_CONVERSATION="2 per minute")
    statuses = [(await say(client, language=page)).status for _ in range(2)]
    refused = await client.post(
        WEBHOOK, json={"message": "ok", "metadata": {"language": page}, "language": spoken}
    )
    assert statuses == [200, 200] and refused.status == 429
    assert words in (await refused.json())["message"]
    # Anything else than the two languages is the page's.
    odd = await client.post(
        WEBHOOK, json={"message": "ok", "metadata": {"language": page}, "language": "de"}
    )
    assert odd.status == 429 and words not in (await odd.json())["message"]


async def test_a_flooding_address_is_slowed_whatever_sessions_it_uses(clients, rasa):
    client = await clients(RATE_LIMIT_ADDRESS="4 per minute")
    statuses = []
    for _ in range(6):
        client.session.cookie_jar.clear()  # a new session each time
        statuses.append((await say(client)).status)
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert len(rasa.received) == 4
    # an office behind one address: the words blame nobody (sixth outside tester)
    body = await (await say(client, language="en")).json()
    assert "from your connection" in body["message"] and "too fast" not in body["message"]


async def test_x_forwarded_for_counts_only_from_a_trusted_proxy(clients, rasa):
    direct = await clients(RATE_LIMIT_ADDRESS="2 per minute")
    statuses = []
    for n in range(4):  # a client inventing addresses is still one address
        response = await direct.post(
            WEBHOOK, json={"message": "bonjour"}, headers={"X-Forwarded-For": f"10.0.0.{n}"}
        )
        statuses.append(response.status)
    assert statuses == [200, 200, 429, 429]


async def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(clients, rasa):
    client = await clients(RATE_LIMIT_ADDRESS="2 per minute", TRUSTED_PROXIES="127.0.0.1")

    async def from_address(address: str) -> int:
        client.session.cookie_jar.clear()
        # The client's own header, then what the proxy appended: only the latter counts.
        headers = {"X-Forwarded-For": f"203.0.113.99, {address}"}
        response = await client.post(WEBHOOK, json={"message": "bonjour"}, headers=headers)
        return response.status

    flooder = [await from_address("198.51.100.7") for _ in range(4)]
    other = [await from_address("198.51.100.8") for _ in range(2)]
    ipv6 = [await from_address(f"2001:db8::{n}") for n in range(1, 4)]  # one /64
    assert flooder == [200, 200, 429, 429]
    assert other == [200, 200]
    assert ipv6 == [200, 200, 429]


async def test_a_session_has_a_cap_on_its_messages(clients, rasa):
    client = await clients(SESSION_MESSAGE_CAP="3", RATE_LIMIT_CONVERSATION="100 per minute")
    statuses = [(await say(client, thread=f"{n:032x}")).status for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = await (await say(client, language="en")).json()
    # the hour's window, not the session's 24 hours, and said in minutes
    assert 3000 < body["retry_after"] <= 3600
    assert "You can go on in 60 min" in body["message"]


# --- the widget's password, never through Rasa -------------------------------------------------


async def check(client: TestClient, password: str, language: str = "fr", **extra):
    body = {"password": password, "metadata": {"language": language}, "language": language}
    return await client.post(PASSWORD, json={**body, **extra})


ADDRESS = "jean.dupont@acme.fr"


async def asked(client: TestClient, rasa, database, language: str = "fr", **extra) -> str:
    """A conversation at the password question: its first message (the id Rasa got), then the
    address the form keeps in the draft once confirmed, before it asks for the password."""
    await say(client, language=language, **extra)
    conversation_id = rasa.senders()[-1]
    with db.session_scope(database) as session:
        drafts.save_email(session, conversation_id, ADDRESS)
    return conversation_id


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Ce mot de passe ne convient pas :\n- il doit comporter au moins 8 caractères\n"
            "- il manque une majuscule\n- il manque un chiffre\n"
            "- il manque un caractère spécial (hors point final « . »)\n"
            "Choisissez-en un autre, s'il vous plaît.",
        ),
        (
            "en",
            "This password cannot be used:\n- it must be at least 8 characters long\n"
            "- it needs an uppercase letter\n- it needs a digit\n"
            '- it needs a special character (the full stop "." does not count)\n'
            "Please choose another one.",
        ),
    ],
)
async def test_a_weak_password_gets_the_unmet_rules_in_the_domains_words(
    clients, rasa, database, language, expected
):
    client = await clients()
    await asked(client, rasa, database, language)
    response = await check(client, "abc", language)
    assert response.status == 200
    assert await response.json() == {
        "accepted": False,
        "rules": ["min_length", "uppercase", "digit", "special"],
        "message": expected,
    }
    assert [body["message"] for body in rasa.received] == ["bonjour"]  # asked() said it


async def test_the_answer_follows_the_conversations_language_not_the_pages(clients, rasa, database):
    client = await clients()
    await asked(client, rasa, database, "fr")
    # A French page whose conversation switched to English: the question said "en".
    response = await check(client, "abc", language="en", metadata={"language": "fr"})
    assert (await response.json())["message"].startswith("This password cannot be used")


async def test_a_strong_password_is_hashed_into_the_conversations_draft(clients, rasa, database):
    client = await clients()
    conversation_id = await asked(client, rasa, database, thread=THREAD)
    response = await check(client, STRONG, thread=THREAD)
    assert response.status == 200 and await response.json() == {"accepted": True}
    with db.session_scope(database) as session:
        stored = drafts.password_hash_for(session, conversation_id)
    assert stored.startswith("$argon2id$") and verify_password(stored, STRONG)
    assert [body["message"] for body in rasa.received] == ["bonjour"]  # nothing else reached Rasa


@pytest.mark.parametrize(
    ("language", "sentence"), [("fr", "mon mot de passe sera {}"), ("en", "my password is {}")]
)
async def test_a_password_typed_in_a_sentence_keeps_the_password_alone(
    clients, rasa, database, language, sentence
):
    """ "Mon mot de passe sera X" in the masked field: the account's password is X."""
    client = await clients()
    conversation_id = await asked(client, rasa, database, language, thread=THREAD)
    response = await check(client, sentence.format(STRONG), language=language, thread=THREAD)
    assert await response.json() == {"accepted": True}
    with db.session_scope(database) as session:
        assert verify_password(drafts.password_hash_for(session, conversation_id), STRONG)


@pytest.mark.parametrize(("language", "how"), [("fr", "dans un message"), ("en", "in a message")])
async def test_an_address_in_the_masked_field_is_refused_without_being_read_back(
    clients, rasa, database, language, how
):
    """ "d.gauthier@gauthier-sa.fr" to correct the address: told how, never echoed."""
    client = await clients()
    await asked(client, rasa, database, language, thread=THREAD)
    response = await check(client, "d.gauthier@gauthier-sa.fr", language=language, thread=THREAD)
    body = await response.json()
    assert body["accepted"] is False and body["rules"] == ["an_address"]
    assert how in body["message"] and "gauthier" not in body["message"]


@pytest.mark.parametrize(
    ("language", "question", "how"),
    [
        ("fr", "Attendez, c'est payant ? On a déjà 2 portails fournisseurs", "dans un message"),
        ("en", "Is there a fee for this? We have 2 suppliers portals already", "as a message"),
    ],
)
async def test_a_question_in_the_masked_field_is_refused_not_kept_as_the_password(
    clients, rasa, database, language, question, how
):
    """It met every rule and became the account's password (an outside tester, S1)."""
    client = await clients()
    conversation_id = await asked(client, rasa, database, language, thread=THREAD)
    response = await check(client, question, language=language, thread=THREAD)
    body = await response.json()
    assert body["accepted"] is False and body["rules"] == ["a_question"]
    assert how in body["message"]
    with db.session_scope(database) as session:
        assert drafts.password_hash_for(session, conversation_id) is None


async def test_a_password_built_on_the_confirmed_email_is_refused(clients, rasa, database):
    client = await clients()
    await say(client)
    [conversation_id] = rasa.senders()
    with db.session_scope(database) as session:  # what validate_email_confirmed keeps
        drafts.save_email(session, conversation_id, "jean.dupont@acme.fr")
    body = await (await check(client, "Jean.Dupont!2024x")).json()
    assert body["accepted"] is False and "not_email" in body["rules"]
    assert "ni une partie de votre adresse email" in body["message"]
    with db.session_scope(database) as session:
        assert drafts.password_hash_for(session, conversation_id) is None


async def test_another_browser_cannot_set_a_conversations_password(clients, rasa, database):
    owner = await clients()
    conversation_id = await asked(owner, rasa, database, thread=THREAD)
    intruder = await clients()
    # The intruder's cookie names a conversation of its own, which asked for no password.
    reply = await check(intruder, STRONG, thread=THREAD)
    assert reply.status == 409 and await reply.json() == {"error": "not_asked"}
    with db.session_scope(database) as session:
        assert drafts.password_hash_for(session, conversation_id) is None


async def test_password_checks_are_rate_limited_hard(clients, rasa, database):
    client = await clients(RATE_LIMIT_PASSWORD="2 per minute")
    await asked(client, rasa, database)
    statuses = [(await check(client, "abc")).status for _ in range(3)]
    assert statuses == [200, 200, 429]
    other = await clients(RATE_LIMIT_PASSWORD_ADDRESS="1 per minute")
    await asked(other, rasa, database)
    assert [(await check(other, "abc")).status for _ in range(2)] == [200, 429]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_password_before_the_question_is_not_checked_hashed_or_kept(
    clients, rasa, database, language
):
    """A script's post before the address is confirmed (the widget shows the masked field only
    at the password question): 409, no hash computed or kept, nothing sent to Rasa."""
    client = await clients()
    await say(client, language=language, thread=THREAD)
    [conversation_id] = rasa.senders()

    reply = await check(client, STRONG, language, thread=THREAD)

    assert reply.status == 409 and await reply.json() == {"error": "not_asked"}
    with db.session_scope(database) as session:
        assert drafts.password_hash_for(session, conversation_id) is None
    assert [body["message"] for body in rasa.received] == ["bonjour"]


async def test_a_password_after_the_account_s_creation_is_not_checked_hashed_or_kept(
    clients, rasa, database
):
    """The account created, the masked field still accepted and hashed a password, for
    nothing (an outside tester, m4): 409 as before the question."""
    client = await clients()
    conversation_id = await asked(client, rasa, database, thread=THREAD)
    with db.session_scope(database) as session:  # what creating the account keeps
        drafts.mark_submitted(session, conversation_id, "jean.dupont@acme.fr", None)

    reply = await check(client, STRONG, thread=THREAD)

    assert reply.status == 409 and await reply.json() == {"error": "not_asked"}
    with db.session_scope(database) as session:
        assert drafts.password_hash_for(session, conversation_id) is None


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("fr", "Beaucoup de mots de passe ont été vérifiés depuis votre connexion"),
        ("en", "Many passwords have been checked from your connection"),
    ],
)
async def test_the_password_limit_of_an_address_does_not_blame_the_supplier(
    clients, language, said
):
    """An office's or a proxy's address is many suppliers': it said "you have sent a lot of
    messages" to someone who had sent one password."""
    client = await clients(RATE_LIMIT_PASSWORD_ADDRESS="1 per hour")
    await client.post(PASSWORD, json={"password": "abc", "language": language})

    refused = await client.post(PASSWORD, json={"password": STRONG, "language": language})

    body = await refused.json()
    assert refused.status == 429 and said in body["message"] and "min" in body["message"]
    assert "messages" not in body["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"password": ""},
        {"password": 12345678},
        {"password": ["Tr0ub4dor&3-Quai"]},
        {"password": "\ud800Tr0ub4dor&3"},
        {"password": "x" * 5001},
        {"password": STRONG, "thread": "../../etc"},
        {"password": STRONG, "metadata": {"language": {"nested": True}}},
    ],
)
async def test_a_malformed_password_request_is_a_400(clients, body, caplog):
    client = await clients()
    response = await client.post(PASSWORD, json=body)
    assert response.status == 400 and await response.json() == {"error": "bad_request"}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


# --- the session secret -----------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "short", "a" * 64, "abababababababababababababababab"])
def test_production_needs_a_strong_session_secret(secret, tmp_path):
    settings = load_settings({"SESSION_SECRET": secret} if secret else {})
    with pytest.raises(SessionSecretError, match="SESSION_SECRET"):
        load_secret(settings, tmp_path / "session-secret")


def test_development_generates_a_private_secret_once(tmp_path):
    settings = load_settings({"DEVELOPMENT": "true"})
    path = tmp_path / "var" / "session-secret"
    first = load_secret(settings, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret(settings, path) == first and len(first) >= 32
    os.chmod(path, 0o644)
    load_secret(settings, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # tightened again
