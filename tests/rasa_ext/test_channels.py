"""The REST channel's answer when Rasa cannot answer: the domain's wording, read at start-up."""

from __future__ import annotations

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.checks.language import LANGUAGES
from bot.responses import load_domain, response_text
from rasa_ext.channels import RESPONSE, RestInput, last_resort


def test_the_last_resort_is_the_domains_try_again_later_in_every_language():
    channel = RestInput(timeout_seconds=1)
    responses = load_domain()["responses"]
    assert set(channel.last_resort) == set(LANGUAGES)
    for language in LANGUAGES:
        assert channel.last_resort[language] == response_text(responses, RESPONSE, language)
    assert "réessayez dans un instant" in channel.last_resort["fr"]
    assert "please try again in a moment" in channel.last_resort["en"]


def test_a_domain_without_the_response_stops_the_start_up():
    with pytest.raises(ValueError, match=RESPONSE):
        last_resort({})


@pytest.mark.parametrize("language", LANGUAGES)
async def test_without_the_models_domain_the_apology_is_the_last_resort(language):
    # Before the server starts (no app, no agent), as with a model whose domain lacks it.
    channel = RestInput(timeout_seconds=1)
    message = UserMessage(
        "bonjour", CollectingOutputChannel(), "someone", metadata={"language": language}
    )
    assert await channel._apology(message) == channel.last_resort[language]
