"""validate_registration_form: the country question."""

from __future__ import annotations

import pytest

from tests.actions.form_helpers import validate
from tests.actions.helpers import rendered, said, slot_events

# --- country ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [("c'est en France", "FR"), ("Royaume-Uni", "GB"), ("UK", "GB"), ("United Kingdom", "GB")],
)
async def test_country_is_read_from_the_answer(domain, text, country):
    dispatcher, events, _ = await validate(domain, "country", {"country": text}, text=text)

    assert slot_events(events) == [("country", country)]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("language", "countries", "sentence_start"),
    [
        (
            "fr",
            "France, Royaume-Uni, Belgique, Suisse, Luxembourg, Allemagne, Pays-Bas, Espagne, "
            "Italie, Portugal, États-Unis",
            "Je ne reconnais pas ce pays. Pays pris en charge : France, Royaume-Uni,",
        ),
        (
            "en",
            "France, United Kingdom, Belgium, Switzerland, Luxembourg, Germany, Netherlands, "
            "Spain, Italy, Portugal, United States",
            "I do not recognise this country. Supported countries: France, United Kingdom,",
        ),
    ],
)
async def test_unknown_country_lists_the_supported_ones_in_the_conversation_language(
    domain, language, countries, sentence_start
):
    dispatcher, events, tracker = await validate(
        domain, "country", {"country": "Atlantis"}, slots={"language": language}, text="Atlantis"
    )

    assert slot_events(events) == [("country", None)]
    assert said(dispatcher) == [{"response": "utter_country_unknown", "countries": countries}]
    assert rendered(domain, dispatcher, tracker)[0].startswith(sentence_start)
