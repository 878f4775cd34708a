"""The activation page: opening the link changes nothing, the button activates, and every
outcome says what to do next in the account's language."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from bot import db
from bot.models import OutboxMail
from bot.registration.accounts import find_account, resend_activation
from tests.factories import activation_token_in, register_supplier


def status_of(database_url: str, email: str) -> str:
    with db.session_scope(database_url) as session:
        return find_account(session, email).status


@pytest.mark.parametrize(
    ("language", "title", "button", "done"),
    [
        ("fr", "Activer mon compte", "Activer mon compte", "Votre compte est activé"),
        ("en", "Activate my account", "Activate my account", "Your account is activated"),
    ],
)
async def test_opening_the_link_does_not_activate_the_button_does(
    client, database, language, title, button, done
):
    token = register_supplier(database, "jean@example.fr", language=language)

    page = await client.get("/activate", params={"token": token})
    html = await page.text()
    assert page.status == 200 and f"<h1>{title}</h1>" in html
    assert f'<html lang="{language}">' in html and "jean@example.fr" in html
    assert re.search(r'<form method="post" action="/activate">', html)
    assert f'name="token" value="{token}"' in html and button in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    # A mail scanner that opens the link twice activates nothing.
    await client.get("/activate", params={"token": token})
    assert status_of(database, "jean@example.fr") == "pending"

    result = await client.post("/activate", data={"token": token})
    assert result.status == 200 and done in await result.text()
    assert status_of(database, "jean@example.fr") == "active"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "Votre compte est déjà activé"),
        ("en", "Your account is already activated"),
    ],
)
async def test_a_second_click_says_the_account_is_already_active(client, database, language, words):
    token = register_supplier(database, "jean@example.fr", language=language)
    await client.post("/activate", data={"token": token})
    again = await client.post("/activate", data={"token": token})
    assert again.status == 200 and words in await again.text()
    reopened = await client.get("/activate", params={"token": token})
    html = await reopened.text()
    assert words in html and "<form" not in html  # nothing left to press


@pytest.mark.parametrize(
    ("language", "title", "next_step"),
    [
        ("fr", "Ce lien d'activation a expiré", "Demandez à l'assistant"),
        ("en", "This activation link has expired", "ask the assistant"),
    ],
)
async def test_an_expired_link_says_to_ask_the_assistant_to_resend(
    client, database, language, title, next_step
):
    token = register_supplier(
        database,
        "jean@example.fr",
        language=language,
        registered_at=db.utcnow() - timedelta(hours=49),
    )
    for response in (
        await client.get("/activate", params={"token": token}),
        await client.post("/activate", data={"token": token}),
    ):
        html = unescape(await response.text())
        assert response.status == 410 and title in html and next_step in html
        assert "48" in html  # how long a link lasts
        assert f'<html lang="{language}">' in html
    assert status_of(database, "jean@example.fr") == "pending"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Un email d'activation plus récent"), ("en", "A more recent activation email")],
)
async def test_a_link_replaced_by_a_newer_email_points_to_the_latest(
    client, database, language, words
):
    old = register_supplier(database, "jean@example.fr", language=language)
    with db.session_scope(database) as session:
        resend_activation(session, find_account(session, "jean@example.fr").id)
    response = await client.post("/activate", data={"token": old})
    assert response.status == 410 and words in unescape(await response.text())
    assert status_of(database, "jean@example.fr") == "pending"


@pytest.mark.parametrize(
    ("language", "words", "not_said"),
    [
        ("fr", "Votre compte est déjà activé", "déjà servi"),
        ("en", "Your account is already activated", "already been used"),
    ],
)
async def test_a_replaced_link_after_the_newer_one_activated_says_active_not_used(
    client, database, language, words, not_said
):
    """It said "Ce lien a déjà servi": this link never served, the newer one did (an outside
    tester, m7)."""
    old = register_supplier(database, "jean@example.fr", language=language)
    with db.session_scope(database) as session:
        resend_activation(session, find_account(session, "jean@example.fr").id)
        newer = session.scalars(
            select(OutboxMail)
            .where(OutboxMail.kind == "activation", OutboxMail.to_address == "jean@example.fr")
            .order_by(OutboxMail.id.desc())
        ).first()
        token = activation_token_in(newer.text_body)
    await client.post("/activate", data={"token": token})

    html = unescape(await (await client.post("/activate", data={"token": old})).text())

    assert words in html and not_said not in html


@pytest.mark.parametrize(
    ("accept_language", "words"),
    [
        ("fr-FR,fr;q=0.9", "Lien d'activation inconnu"),
        ("en-US,en;q=0.9,fr;q=0.5", "Unknown activation link"),
    ],
)
@pytest.mark.parametrize("token", ["not-a-real-token", "", "x" * 5000, "<script>alert(1)</script>"])
async def test_an_unknown_link_is_explained_in_the_browser_language(
    client, accept_language, words, token
):
    headers = {"Accept-Language": accept_language}
    for response in (
        await client.get("/activate", params={"token": token}, headers=headers),
        await client.post("/activate", data={"token": token}, headers=headers),
    ):
        html = await response.text()
        assert response.status == 404 and words in unescape(html)
        assert "<script>alert" not in html


async def test_a_post_without_a_token_field_is_an_unknown_link(client):
    response = await client.post("/activate", data={"other": "x"})
    assert response.status == 404 and "Lien d'activation inconnu" in unescape(await response.text())


async def test_a_database_outage_is_a_polite_page_not_a_stack_trace(client, database, tmp_path):
    token = register_supplier(database, "jean@example.fr")
    (tmp_path / "onboarding.db").unlink()
    (tmp_path / "onboarding.db").mkdir()  # the database can no longer be opened
    db.dispose_engines()
    response = await client.post("/activate", data={"token": token})
    html = unescape(await response.text())
    assert response.status == 503 and "Service momentanément indisponible" in html
    assert "Traceback" not in html and "sqlite" not in html.lower()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"token=abc"),  # no boundary
        ("multipart/form-data; boundary=xyz", b"[" * 1000 + b"]" * 1000),
        ("application/json", b'{"token": "abc"}'),
        ("application/x-www-form-urlencoded", b"\xff\xfe\x00token"),
        ("text/plain", b"token=abc"),
    ],
)
async def test_a_hostile_activation_post_is_a_polite_400(client, content_type, body, caplog):
    response = await client.post("/activate", data=body, headers={"Content-Type": content_type})
    assert response.status == 400
    assert "Demande incorrecte" in unescape(await response.text())
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
