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


def test_the_time_answers_are_kept_is_the_sessions():
    """ "Take your time" says how long the answers wait: after the domain's session expiration
    a new session starts the registration again (carry_over_slots_to_new_session is false)."""
    session = load_domain()["session_config"]
    assert (
        session["session_expiration_time"] == 60 and not session["carry_over_slots_to_new_session"]
    )
    assert "une heure" in response_text(RESPONSES, "utter_take_your_time", "fr")
    assert "for an hour" in response_text(RESPONSES, "utter_take_your_time", "en")
