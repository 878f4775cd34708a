"""What every page shares: the app's keys, the Jinja2 templates, the site's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from jinja2 import Environment, FileSystemLoader

from bot.checks.language import LANGUAGES
from bot.settings import Settings
from bot.web.texts import TEXTS, preferred_language

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

SETTINGS = web.AppKey("settings", Settings)
RASA_URL = web.AppKey("rasa_url", str)
MAILBOX_DIR = web.AppKey("mailbox_dir", Path)
CLIENT = web.AppKey("client", aiohttp.ClientSession)

# No inline script anywhere; inline styles are not needed by the pages either.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

_templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: web.Request,
    template: str,
    language: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> web.Response:
    """A page in ``language`` with the site's words (``t``) available to the template."""
    settings = request.app[SETTINGS]
    html = _templates.get_template(template).render(
        lang=language, t=TEXTS[language], mail_from=settings.mail_from, **values
    )
    return web.Response(
        text=html, status=status, content_type="text/html", charset="utf-8", headers=headers
    )


def message_page(
    request: web.Request, language: str, key: str, *, status: int = 200, tone: str = "info", **fmt
) -> web.Response:
    """A page saying one thing: ``<key>_title`` and ``<key>_text`` of the site's words."""
    words = TEXTS[language]
    return render(
        request,
        "message.html.jinja",
        language,
        status=status,
        title=words[f"{key}_title"],
        text=words[f"{key}_text"].format(**fmt),
        tone=tone,
        headers={"Cache-Control": "no-store"},
    )


def request_language(request: web.Request) -> str:
    """The language of the page's folder ("/en/..."), else the browser's preference."""
    for language in LANGUAGES:
        home_url = TEXTS[language]["home_url"]
        if home_url != "/" and (request.path + "/").startswith(home_url):
            return language
    return preferred_language(request.headers.get("Accept-Language"))
