"""Who gets into the staff console: sign-in, sessions, CSRF, attempt limits and roles."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import db
from bot.settings import load_settings
from bot.staff.accounts import remove_staff
from bot.web.app import create_app
from bot.web.console import auth
from tests.factories import SESSION_SECRET
from tests.web.console_helpers import (
    ANALYST_EMAIL,
    STAFF_PASSWORD,
    SUPPORT_EMAIL,
    Console,
    add_console_staff,
)

WRONG = "Guess-Number-1!"
CONSOLE_PAGES = [
    "/console/",
    "/console/tickets",
    "/console/tickets/T-000001",
    "/console/accounts?email=a%40b.example",
    "/console/conversations",
    "/console/conversations/C-0000",
    "/console/report",
    "/console/report.csv",
    "/console/inbox",
    "/console/inbox/export.yml",
    "/console/access-log",
]
CONSOLE_FORMS = [
    "/console/tickets/T-000001/status",
    "/console/tickets/T-000001/notes",
    "/console/accounts/resend",
    "/console/conversations/C-0000/review",
    "/console/conversations/C-0000/inbox",
    "/console/inbox/1",
]


@pytest.fixture
def console_env(database, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    monkeypatch.setenv("CONSOLE_SESSION_KEY", "x" * 43 + "=")
    # http, as on a laptop: the test client, like a browser, keeps Secure cookies for https.
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8000")
    add_console_staff(database)
    return database


@pytest.fixture
async def console(console_env, make_app):
    async with TestClient(TestServer(make_app())) as client:
        yield Console(client)


@pytest.mark.parametrize("path", CONSOLE_PAGES)
async def test_every_console_page_sends_a_signed_out_visitor_to_sign_in(console, path):
    response = await console.client.get(path, allow_redirects=False)
    assert response.status == 302
    location = response.headers["Location"]
    assert location.startswith("/console/sign-in")
    if path != "/console/":
        assert "next=" in location  # back to the page asked for, once signed in


@pytest.mark.parametrize("path", CONSOLE_FORMS)
async def test_no_console_form_does_anything_for_a_signed_out_visitor(console, path):
    response = await console.client.post(path, data={"note": "x"}, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/console/sign-in")


async def test_a_staff_account_signs_in_and_lands_on_its_page(console):
    response = await console.sign_in(SUPPORT_EMAIL, next_page="/console/accounts")
    assert (response.status, response.headers["Location"]) == (302, "/console/accounts")
    html = await console.get("/console/tickets")
    assert SUPPORT_EMAIL in html and "Tickets de support" in html


async def test_the_session_cookie_is_httponly_strict_limited_to_the_console_and_expires(console):
    response = await console.sign_in(ANALYST_EMAIL)
    cookie = SimpleCookie(response.headers["Set-Cookie"])[auth.COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/console/"
    assert int(cookie["max-age"]) == 8 * 3600
    assert not cookie["secure"]  # http://, as on a laptop; see the https test below


async def test_the_session_cookie_is_secure_when_the_public_address_is_https(
    console_env, make_app, monkeypatch
):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://help.example.test")
    async with TestClient(TestServer(make_app())) as client:
        response = await Console(client).sign_in(ANALYST_EMAIL)
    assert SimpleCookie(response.headers["Set-Cookie"])[auth.COOKIE_NAME]["secure"]


async def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(console):
    wrong = await console.sign_in(SUPPORT_EMAIL, "Not-the-password-1!")
    unknown = await console.sign_in("nobody@support.example", "Not-the-password-1!")
    assert wrong.status == unknown.status == 401
    for response in (wrong, unknown):
        assert "Adresse email ou mot de passe incorrect." in await response.text()
    assert (await console.client.get("/console/tickets", allow_redirects=False)).status == 302


async def test_sign_in_is_stopped_after_five_failures_even_with_the_right_password(console):
    for _ in range(5):
        assert (await console.sign_in(ANALYST_EMAIL, "Guess-Number-1!")).status == 401
    blocked = await console.sign_in(ANALYST_EMAIL, STAFF_PASSWORD)
    assert blocked.status == 429
    assert "Trop de tentatives" in await blocked.text()
    # Another account from the same address is not locked by these five.
    assert (await console.sign_in(SUPPORT_EMAIL)).status == 302


async def test_one_address_guessing_many_accounts_is_stopped_too(console):
    for number in range(20):
        await console.sign_in(f"guess{number}@support.example", "Guess-Number-1!")
    assert (await console.sign_in(SUPPORT_EMAIL)).status == 429


async def test_behind_the_proxy_the_limit_counts_the_address_the_proxy_saw(
    console_env, make_app, monkeypatch
):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")  # the test client connects from there
    async with TestClient(TestServer(make_app())) as client:
        console = Console(client)

        async def attempt(forwarded: str, email: str, password: str = WRONG):
            await console.get("/console/sign-in")
            return await console.post(
                "/console/sign-in",
                {"email": email, "password": password},
                headers={"X-Forwarded-For": forwarded},
                allow_redirects=False,
            )

        for number in range(20):  # the client writes a new first entry each time: no use
            await attempt(f"10.0.0.{number}, 203.0.113.7", f"guess{number}@support.example")
        assert (await attempt("203.0.113.7", SUPPORT_EMAIL, STAFF_PASSWORD)).status == 429
        assert (await attempt("198.51.100.2", SUPPORT_EMAIL, STAFF_PASSWORD)).status == 302


async def test_a_form_without_the_sessions_csrf_token_is_refused(console):
    await console.get("/console/sign-in")
    response = await console.post(
        "/console/sign-in",
        {"csrf": "forged", "email": SUPPORT_EMAIL, "password": STAFF_PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 400
    assert (await console.client.get("/console/tickets", allow_redirects=False)).status == 302


async def test_each_role_sees_only_its_pages(console):
    await console.signed_in_as(SUPPORT_EMAIL)
    for path in ("/console/report", "/console/conversations", "/console/inbox"):
        html = await console.get(path, status=403)
        assert "réservée au rôle « analyste »" in html
    other = Console(console.client)
    console.client.session.cookie_jar.clear()
    await other.signed_in_as(ANALYST_EMAIL)
    for path in ("/console/tickets", "/console/accounts"):
        assert "réservée au rôle « support »" in await other.get(path, status=403)


async def test_sign_out_ends_the_session_even_for_a_copy_of_its_cookie(console):
    await console.signed_in_as(SUPPORT_EMAIL)
    copied = console.client.session.cookie_jar.filter_cookies(console.client.make_url("/console/"))
    response = await console.post("/console/sign-out", allow_redirects=False)
    assert response.headers["Location"] == "/console/sign-in"
    replay = await console.client.get(
        "/console/tickets",
        allow_redirects=False,
        headers={"Cookie": f"{auth.COOKIE_NAME}={copied[auth.COOKIE_NAME].value}"},
    )
    assert replay.status == 302


async def test_a_removed_staff_account_is_signed_out_at_its_next_request(console, console_env):
    await console.signed_in_as(SUPPORT_EMAIL)
    with db.session_scope(console_env) as session:
        assert remove_staff(session, SUPPORT_EMAIL)
    response = await console.client.get("/console/tickets", allow_redirects=False)
    assert response.status == 302


async def test_a_session_ends_after_its_hours_even_when_used(console, monkeypatch):
    await console.signed_in_as(SUPPORT_EMAIL)
    later = time.time() + 8 * 3600 + 60
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: later))
    response = await console.client.get("/console/tickets", allow_redirects=False)
    assert response.status == 302
    html = await console.get("/console/sign-in")
    assert "Votre session a expiré" in html


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "/elsewhere"]
)
async def test_after_sign_in_the_console_never_sends_anyone_to_another_site(console, target):
    response = await console.sign_in(SUPPORT_EMAIL, next_page=target)
    assert response.status == 302, await response.text()
    assert response.headers["Location"] == "/console/"


async def test_the_console_speaks_english_when_asked_and_keeps_it(console):
    await console.signed_in_as(ANALYST_EMAIL)
    response = await console.client.get(
        "/console/language/en?next=/console/report", allow_redirects=False
    )
    assert response.headers["Location"] == "/console/report"
    html = await console.get("/console/report")
    assert '<html lang="en">' in html and "Conversations report" in html
    assert "Français" in html  # the way back
    html = await console.get("/console/inbox")
    assert "Training inbox" in html


async def test_console_pages_are_not_cached_and_keep_the_sites_security_headers(console):
    await console.signed_in_as(ANALYST_EMAIL)
    response = await console.client.get("/console/report")
    assert response.headers["Cache-Control"] == "no-store"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = await response.text()
    assert "<script" not in html and "style=" not in html


def test_without_a_configured_key_one_is_generated_once_and_kept_private(tmp_path):
    settings = load_settings({})
    key_file = tmp_path / "console-session.key"
    first = auth.session_key(settings, key_file)
    assert auth.session_key(settings, key_file) == first
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_the_web_app_starts_with_the_console(console_env, monkeypatch):
    monkeypatch.setenv("SESSION_SECRET", SESSION_SECRET)
    app = create_app(load_settings())
    paths = {route.resource.canonical for route in app.router.routes() if route.resource}
    assert "/console/sign-in" in paths and "/console/tickets/{reference}" in paths
