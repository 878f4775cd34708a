"""The help-centre page in French and English, with the chat widget's mount point."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from bot.checks.language import LANGUAGES
from bot.web.app import STATIC_DIR
from bot.web.texts import WIDGET_TEXTS

WIDGET = (
    '<div id="assistant-widget" data-language="{lang}" data-invitation-code="{code}" '
    'data-endpoint="/webhooks/rest/webhook" data-password-endpoint="/chat/password"></div>'
    '<script src="/static/widget.js" defer></script>'
)
STYLESHEET = '<link rel="stylesheet" href="/static/widget.css">'
WIDGET_TEXTS_ATTRIBUTE = re.compile(r' data-texts="([^"]*)"')


def without_widget_texts(html: str) -> str:
    """The page with the widget's words taken out of its mount point (tested on their own)."""
    return WIDGET_TEXTS_ATTRIBUTE.sub("", html, count=1)


def widget_texts(html: str) -> dict[str, str]:
    return json.loads(unescape(WIDGET_TEXTS_ATTRIBUTE.search(html).group(1)))


@pytest.mark.parametrize(
    ("path", "lang", "title", "step"),
    [
        (
            "/",
            "fr",
            "Première connexion : je me crée un compte My Sis ID",
            "Identifiez votre société",
        ),
        ("/en/", "en", "First login: creating your My Sis ID account", "Identify your company"),
    ],
)
async def test_the_article_is_the_page_with_the_widget_in_it(client, path, lang, title, step):
    response = await client.get(path)
    html = await response.text()
    assert response.status == 200 and response.content_type == "text/html"
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html and step in html
    assert "noreply@sis-id.com" in html  # the sender the article tells users to search for
    head, body = without_widget_texts(html).split("</head>")
    assert STYLESHEET in head
    assert WIDGET.format(lang=lang, code="") + "\n</body>" in body


async def test_the_french_article_keeps_the_seed_wording(client):
    html = await (await client.get("/")).text()
    assert (
        "« Nous n'avons pas pu vérifier la validité de\nl'association du code d'invitation et du "
        "numéro d'identification de la société. »"
    ) in html
    assert "au moins 8 caractères dont une majuscule, une minuscule, un chiffre et un" in html


async def test_the_invitation_link_gives_the_code_to_the_widget(client):
    response = await client.get("/", params={"invitation": "  ACME-FR00-0000-0001 "})
    html = without_widget_texts(await response.text())
    assert WIDGET.format(lang="fr", code="ACME-FR00-0000-0001") in html
    # switching language keeps the code
    assert 'href="/en/?invitation=ACME-FR00-0000-0001"' in html
    english = without_widget_texts(
        await (await client.get("/en/?invitation=NWTD-GB00-0000-0001")).text()
    )
    assert WIDGET.format(lang="en", code="NWTD-GB00-0000-0001") in english
    assert 'href="/?invitation=NWTD-GB00-0000-0001"' in english


@pytest.mark.parametrize(
    "code",
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)"],
)
async def test_a_hostile_invitation_code_is_only_text(client, code):
    html = await (await client.get("/", params={"invitation": code})).text()
    assert "alert(1)" in html  # shown, as an attribute value ...
    assert "<script>alert" not in html and "<img src=x" not in html  # ... never as markup
    mount = re.search(r'<div id="assistant-widget"[^>]*>', without_widget_texts(html)).group(0)
    assert mount.count('"') == 10  # five attributes, none broken out of
    assert "'" not in mount.split("data-invitation-code=")[1].split('"')[1]


async def test_an_overlong_code_is_cut_to_64_characters(client):
    html = await (await client.get("/", params={"invitation": "A" * 500})).text()
    assert f'data-invitation-code="{"A" * 64}"' in html


async def test_en_without_slash_goes_to_the_english_page(client):
    response = await client.get("/en?invitation=X1", allow_redirects=False)
    assert response.status == 301 and response.headers["Location"] == "/en/?invitation=X1"


async def test_pages_forbid_inline_scripts_and_never_leak_the_referrer(client):
    response = await client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_the_page_style_sheet_is_served(client):
    response = await client.get("/assets/site.css")
    assert response.status == 200 and response.content_type == "text/css"


async def test_the_widget_files_are_served(client):
    script = await client.get("/static/widget.js")
    assert script.status == 200 and script.content_type in (
        "application/javascript",
        "text/javascript",
    )
    assert 'getAttribute("data-endpoint")' in await script.text()  # reads the mount point
    style = await client.get("/static/widget.css")
    assert style.status == 200 and style.content_type == "text/css"
    assert style.headers["X-Content-Type-Options"] == "nosniff"


async def test_static_files_cannot_climb_out_of_their_folder(client):
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/assets/../app.py"):
        response = await client.get(path)
        assert response.status in (403, 404)
        assert "create_app" not in await response.text()


@pytest.mark.parametrize(
    ("headers", "words"),
    [({}, "Page introuvable"), ({"Accept-Language": "en-GB,en;q=0.9"}, "Page not found")],
)
async def test_an_unknown_page_is_a_polite_404(client, headers, words):
    response = await client.get("/no-such-page", headers=headers)
    html = await response.text()
    assert response.status == 404 and words in html and "Traceback" not in html
    english = await client.get("/en/no-such-page")
    assert "Page not found" in await english.text()


async def test_a_wrong_method_is_a_polite_error(client):
    response = await client.post("/")
    assert response.status == 405 and "Traceback" not in await response.text()


@pytest.mark.parametrize(
    ("path", "language", "launcher", "retry"),
    [("/", "fr", "Besoin d'aide ?", "Réessayer"), ("/en/", "en", "Need help?", "Try again")],
)
async def test_the_page_gives_the_widget_its_words_in_the_pages_language(
    client, path, language, launcher, retry
):
    texts = widget_texts(await (await client.get(path)).text())
    assert texts == WIDGET_TEXTS[language]
    assert (texts["launcher"], texts["retry"]) == (launcher, retry)


def test_the_widget_has_every_word_it_uses_in_every_language():
    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bT\.(\w+)", script))
    assert {"launcher", "send", "retry"} <= used
    for language in LANGUAGES:
        assert used <= set(WIDGET_TEXTS[language]), language
        assert all(WIDGET_TEXTS[language][key].strip() for key in used)
