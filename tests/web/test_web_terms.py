"""The terms of use the supplier accepts can be opened: in development the default address
serves a stand-in that says what the site links to; without DEVELOPMENT, TERMS_URL is required
(the terms question linked to a page that answered 404, an outside tester's M2)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import load_settings, production_problem, reset_settings


@pytest.mark.parametrize(
    ("path", "language", "title"),
    [
        ("/conditions-generales", "fr", "Acte d'Adhésion aux Conditions Générales d'Utilisation"),
        ("/conditions-generales", "en", "Terms of Use Membership Agreement"),
    ],
)
async def test_in_development_the_terms_link_opens_a_page(
    make_app, monkeypatch, path, language, title
):
    monkeypatch.setenv("DEVELOPMENT", "true")  # what `make run` sets
    monkeypatch.delenv("TERMS_URL", raising=False)
    reset_settings()
    async with TestClient(TestServer(make_app())) as client:
        response = await client.get(path, headers={"Accept-Language": language})
        html = await response.text()
    assert response.status == 200 and title in html.replace("&#39;", "'")
    assert "TERMS_URL" in html


async def test_outside_development_nothing_stands_in_for_the_terms(make_app, monkeypatch):
    monkeypatch.delenv("DEVELOPMENT", raising=False)
    reset_settings()
    async with TestClient(TestServer(make_app())) as client:
        response = await client.get("/conditions-generales")
    assert response.status == 404


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, True),
        ({"TERMS_URL": "https://www.sis-id.com/cgu"}, False),
        ({"DEVELOPMENT": "true"}, False),
    ],
)
def test_without_development_the_terms_address_is_required(env, refused):
    problem = production_problem(load_settings(env))
    assert (problem is not None) is refused
    assert problem is None or "TERMS_URL is required" in problem
