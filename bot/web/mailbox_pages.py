"""The development mailbox pages: ``/mailbox`` lists what the loopback SMTP server caught
(``bot.mail.dev_server``), ``/mailbox/<id>`` shows one message. Both are 404 unless the explicit
development setting is on (``DEVELOPMENT``, which `make run` sets) and no real SMTP server is
configured (``SMTP_HOST``): a production web app shows no mail, even with SMTP_HOST forgotten.
They read the instance's own folder (``MAILBOX_DIR``, by default one per database under
``var/mailbox/``), never another instance's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from aiohttp import web

from bot.mail import dev_server
from bot.web.pages import MAILBOX_DIR, SETTINGS, render

# bot.mail.dev_server names files "<time_ns>-<8 hex>.eml": anything else is not one of its messages
# (and cannot climb out of the folder).
_MESSAGE_ID = re.compile(r"\d{1,25}-[0-9a-f]{8}")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
# The email's HTML runs in a sandboxed frame that inherits this policy: its inline styles may
# apply, no script may run, and remote images (trackers) are not fetched.
MESSAGE_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# A developer's tool, not a page for suppliers: its own few words are in French only.
LANGUAGE = "fr"


@dataclass
class MailView:
    id: str
    subject: str
    sender: str
    to: str
    date: str
    text_parts: list[tuple[str, str]] = field(default_factory=list)  # ("text"|"link", value)
    links: list[str] = field(default_factory=list)
    html: str | None = None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href and _URL.fullmatch(href):
            self.urls.append(href)


def _date(message: EmailMessage) -> str:
    raw = message.get("Date", "")
    try:
        return parsedate_to_datetime(raw).strftime("%Y-%m-%d %H:%M:%S %z")
    except (TypeError, ValueError):
        return raw


def _text_parts(text: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(("text", text[position : match.start()]))
        parts.append(("link", match.group()))
        position = match.end()
    parts.append(("text", text[position:]))
    return [part for part in parts if part[1]]


def _open_links_outside(html: str) -> str:
    # A link clicked inside the sandboxed frame opens in a new tab, not inside the frame.
    base = '<base target="_blank">'
    match = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if match:
        return html[: match.end()] + base + html[match.end() :]
    return base + html


def view(message_id: str, message: EmailMessage, *, full: bool) -> MailView:
    mail = MailView(
        id=message_id,
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        date=_date(message),
    )
    if not full:
        return mail
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    links: list[str] = []
    if text_part is not None:
        text = text_part.get_content()
        mail.text_parts = _text_parts(text)
        links += _URL.findall(text)
    if html_part is not None:
        html = html_part.get_content()
        parser = _Links()
        parser.feed(html)
        links += parser.urls
        mail.html = _open_links_outside(html)
    mail.links = list(dict.fromkeys(links))
    return mail


def _enabled(request: web.Request) -> None:
    if not request.app[SETTINGS].dev_mailbox:
        raise web.HTTPNotFound()


async def list_messages(request: web.Request) -> web.Response:
    _enabled(request)
    messages = [
        view(message_id, message, full=False)
        for message_id, message in dev_server.messages(request.app[MAILBOX_DIR])
    ]
    return render(
        request,
        "mailbox.html.jinja",
        LANGUAGE,
        title="Boîte mail de développement",
        messages=messages,
        headers={"Cache-Control": "no-store"},
    )


async def show_message(request: web.Request) -> web.Response:
    _enabled(request)
    message_id = request.match_info["message_id"]
    path = request.app[MAILBOX_DIR] / f"{message_id}.eml"
    if not _MESSAGE_ID.fullmatch(message_id) or not path.is_file():
        raise web.HTTPNotFound()
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    return render(
        request,
        "mailbox_message.html.jinja",
        LANGUAGE,
        title=str(message.get("Subject", "")) or "Email",
        message=view(message_id, message, full=True),
        headers={"Cache-Control": "no-store", "Content-Security-Policy": MESSAGE_PAGE_POLICY},
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/mailbox", list_messages)
    app.router.add_get("/mailbox/{message_id}", show_message)
