"""Response wording is read from the domain in the conversation's language."""

from __future__ import annotations

from bot.responses import load_domain, response_text

RESPONSES = load_domain()["responses"]


def test_french_is_the_unconditioned_variation():
    text = response_text(RESPONSES, "utter_try_again_later", "fr")
    assert "instant" in text


def test_english_is_the_variation_conditioned_on_the_language_slot():
    assert "moment" in response_text(RESPONSES, "utter_try_again_later", "en")


def test_an_unknown_response_has_no_text():
    assert response_text(RESPONSES, "utter_does_not_exist", "en") == ""


def test_a_response_without_english_falls_back_to_french():
    responses = {"utter_x": [{"text": "Bonjour"}]}
    assert response_text(responses, "utter_x", "en") == "Bonjour"
