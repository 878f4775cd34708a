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


@pytest.mark.parametrize(
    ("language", "typed", "sentence_start"),
    [
        ("fr", "nous sommes en Irlande",
         "Je ne peux pas inscrire une société de ce pays : Irlande ne fait pas partie"),
        ("en", "Ireland", "I cannot register a company from this country: Ireland is not among"),
    ],
)  # fmt: skip
async def test_a_country_that_cannot_register_is_said_so_with_the_advisor(
    domain, language, typed, sentence_start
):
    """ "Ireland" got "I do not recognise this country" (fourth outside tester, m8)."""
    dispatcher, events, tracker = await validate(
        domain, "country", {"country": typed}, slots={"language": language}, text=typed
    )

    assert slot_events(events) == [("country", None)]
    assert [m["response"] for m in said(dispatcher)] == ["utter_country_not_supported"]
    assert rendered(domain, dispatcher, tracker)[0].startswith(sentence_start)
