"""The development mailbox: mail delivered to the loopback SMTP server, readable at /mailbox
only with the development setting that `make run` sets, and gone as soon as a real SMTP server
is configured."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from html import unescape
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import db
from bot.mail import dev_server
from bot.mail.outbox import deliver_due
from bot.settings import VAR_DIR, load_settings, reset_settings
from tests.factories import free_port, register_supplier


@pytest.fixture
def dev_smtp(database, mailbox_dir, monkeypatch):
    """The product's development mailbox (bot.mail.dev_server) on a free loopback port."""
    port = free_port()
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("DEVELOPMENT", "true")  # what `make run` sets
    reset_settings()
    server = dev_server.start(port, mailbox_dir)
    yield port
    server.stop()


@pytest.fixture
async def client(make_app, dev_smtp):
    """The web app as `make run` starts it (DEVELOPMENT set, no SMTP_HOST)."""
    async with TestClient(TestServer(make_app())) as test_client:
        yield test_client


async def deliver_activation_email(database: str, email: str, language: str = "fr") -> str:
    token = register_supplier(database, email, language=language)
    report = await deliver_due(db.session_factory(database))
    assert report.sent == 1
    return token


def message_links(html: str) -> list[str]:
    return re.findall(r'<a href="(/mailbox/[^"]+)"', html)


async def test_the_activation_email_is_listed_opened_and_its_button_works(
    client, database, dev_smtp
):
    token = await deliver_activation_email(database, "jean@example.fr")

    listing = await client.get("/mailbox")
    html = unescape(await listing.text())
    assert listing.status == 200
    assert "Boîte mail de développement" in html and "Development mailbox" in html
    assert "jean@example.fr" in html and "Activez votre compte My Sis ID" in html
    [link] = message_links(await listing.text())

    message = await client.get(link)
    html = await message.text()
    assert message.status == 200 and "Development mailbox" in html
    activation_url = f"https://help.example.test/activate?token={token}"
    # the text part's link and the list of links are clickable
    assert html.count(f'<a href="{activation_url}">{activation_url}</a>') == 2
    # the HTML part is shown in a sandbox where no script can run
    frame = re.search(r"<iframe[^>]*>", html).group(0)
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in frame
    assert "allow-scripts" not in frame and "allow-same-origin" not in frame
    assert "Activer mon compte" in unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))

    # The link leads to this web app's activation page (PUBLIC_BASE_URL points at it).
    parts = urlsplit(activation_url)
    page = await client.get(f"{parts.path}?{parts.query}")
    assert "Activer mon compte" in await page.text()
    done = await client.post("/activate", data={"token": token})
    assert "Votre compte est activé" in unescape(await done.text())


async def test_newest_message_first(client, database, dev_smtp):
    await deliver_activation_email(database, "first@example.fr")
    register_supplier(database, "second@example.com", language="en", code="WEBT-FR00-0000-0002")
    await deliver_due(db.session_factory(database))
    html = await (await client.get("/mailbox")).text()
    assert html.index("second@example.com") < html.index("first@example.fr")
    assert "Activate your My Sis ID account" in html


async def test_a_hostile_message_is_shown_as_text(client, dev_smtp, mailbox_dir):
    message = EmailMessage()
    message["From"] = "attacker@example.com"
    message["To"] = "victim@example.com"
    message["Subject"] = "<script>alert('subject')</script>"
    message.set_content(
        "Click <img src=x onerror=alert(1)> javascript:alert(2) https://ok.example/path?a=1&b=2"
    )
    message.add_alternative(
        "<html><head></head><body><script>alert(3)</script>"
        '<a href="javascript:alert(4)">x</a><a href="https://ok.example/html">y</a></body></html>',
        subtype="html",
    )
    with smtplib.SMTP("127.0.0.1", dev_smtp, timeout=5) as smtp:
        smtp.send_message(message)

    listing = await (await client.get("/mailbox")).text()
    assert "<script>alert('subject')" not in listing
    assert "&lt;script&gt;" in listing
    html = await (await client.get(message_links(listing)[0])).text()
    assert "<img src=x" not in html and "<script>alert" not in html
    assert '<a href="https://ok.example/path?a=1&amp;b=2">' in html
    assert '<a href="https://ok.example/html">' in html
    assert 'href="javascript:' not in html  # never made clickable outside the sandbox
    assert "script-src 'self'" in (await client.get("/mailbox")).headers["Content-Security-Policy"]


async def test_an_empty_mailbox_says_so(client, dev_smtp):
    html = unescape(await (await client.get("/mailbox")).text())
    assert "Aucun email pour l'instant" in html


@pytest.mark.parametrize("message_id", ["nope", "..%2F..%2Fonboarding", "1-deadbeef", "1-DEADBEEF"])
async def test_an_unknown_message_is_a_404(client, dev_smtp, message_id):
    response = await client.get(f"/mailbox/{message_id}")
    assert response.status == 404 and "Traceback" not in await response.text()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SMTP_HOST", "smtp.example.com"),  # a real mail server: no mail is caught here
        ("DEVELOPMENT", None),  # production, SMTP_HOST forgotten: fails closed all the same
    ],
)
async def test_no_mailbox_outside_development_or_with_a_real_smtp_server(
    make_app, database, dev_smtp, monkeypatch, variable, value
):
    await deliver_activation_email(database, "jean@example.fr")
    async with TestClient(TestServer(make_app())) as dev:
        [link] = message_links(await (await dev.get("/mailbox")).text())

    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    reset_settings()
    async with TestClient(TestServer(make_app())) as production:
        for path in ("/mailbox", link):
            response = await production.get(path)
            html = await response.text()
            assert response.status == 404 and "jean@example.fr" not in html


def test_each_database_has_its_own_mailbox_folder(tmp_path):
    first = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"})
    second = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"})
    chosen = load_settings({"MAILBOX_DIR": str(tmp_path / "mail")})

    assert first.mailbox_dir != second.mailbox_dir
    assert first.mailbox_dir.parent == second.mailbox_dir.parent == VAR_DIR / "mailbox"
    assert chosen.mailbox_dir == tmp_path / "mail"
