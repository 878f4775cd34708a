"""Which language a message is written in, and which language a request asks for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.checks.language import (
    MIN_WORDS,
    asks_for_language,
    named_at,
    normalise_language,
    requested_language,
    written_in,
)

ROOT = Path(__file__).resolve().parents[2]
_ANNOTATION = re.compile(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)")


def training_examples() -> list[tuple[str, str]]:
    """(intent, text) of every NLU training example, annotations removed."""
    found = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                if line.strip().startswith("- ") and item.get("intent"):
                    text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line.strip()[2:])
                    found.append((item["intent"], text))
    return found


# --- the language a message is written in ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, je voudrais créer mon compte fournisseur", "fr"),
        ("je n'ai pas reçu l'email d'activation", "fr"),
        ("Hello, I would like to register my company", "en"),
        ("I did not receive the activation email", "en"),
        ("where do I find the invitation code?", "en"),
        ("où trouver le code d'invitation ?", "fr"),
        ("Wo finde ich meinen Einladungscode?", "de"),
        ("Ich habe die Aktivierungs-E-Mail nicht erhalten", "de"),
        ("Waar vind ik mijn uitnodigingscode?", "nl"),
        ("Ik heb de activeringsmail niet ontvangen", "nl"),
        ("Dove trovo il mio codice di invito?", "it"),
        ("Non ho ricevuto l'email di attivazione", "it"),
        ("¿Dónde encuentro mi código de invitación?", "es"),
        ("No he recibido el correo de activación", "es"),
        ("Onde encontro o meu código de convite?", "pt"),
        ("Não recebi o email de ativação", "pt"),
    ],
)
def test_plain_messages_are_read_in_their_language(text, language):
    assert written_in(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "oui",
        "Dupont",
        "Jean Dupont",
        "732 829 320",
        "jean@acme.fr",
        "",
        "👍",
        "Hallo",
        "ok on y va",  # "ok" is no English word: it got the offer to continue in English
    ],
)
def test_short_or_neutral_messages_say_nothing(text):
    assert written_in(text) is None


def test_a_long_message_far_from_french_and_english_says_nothing_when_unsure():
    # Portuguese by far for the statistics, but with an English word: neither is certain.
    text = "the " + "O meu código de convite não funciona e não sei o que fazer com ele. " * 6
    assert written_in(text) is None


def test_no_french_or_english_training_example_reads_as_another_language():
    # Answers to a form's free-text question (inform: names, job titles) are read with one word
    # more, as the language policy reads them; requests to change the language are written in
    # any language on purpose.
    wrong = [
        (intent, text, found)
        for intent, text in training_examples()
        if intent != "change_language"
        and (found := written_in(text, MIN_WORDS + (intent == "inform"))) not in (None, "fr", "en")
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "text", ["Van den Berg", "Maria Garcia Lopez", "Giuseppe Rossi", "Hans Müller", "João Silva"]
)
def test_a_name_is_not_a_language_at_a_free_text_question(text):
    assert written_in(text, MIN_WORDS + 1) is None


# --- requests ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Sorry, I don't speak French. Can we continue in English?", "en"),
        ("je ne parle pas anglais", "fr"),
        ("English please", "en"),
        ("en français svp", "fr"),
        ("I don't speak French", "en"),
        ("Je ne parle pas anglais, vous parlez français ?", "fr"),
        ("parlez-vous anglais ?", "en"),
        ("switch from French to English", "en"),
        ("passer de l'anglais au français", "fr"),
        ("no French please", "en"),
        ("pas en anglais s'il vous plaît", "fr"),
        ("je ne comprends pas bien l'anglais", "fr"),
        ("English rather than French", "en"),
        ("Ich spreche kein Französisch", "en"),
        ("No hablo francés", "en"),
        ("Sprechen Sie Englisch?", "en"),
        ("I'd rather carry on in french", "fr"),
    ],
)
def test_a_request_in_any_wording_asks_for_the_language_wanted(text, wanted):
    assert asks_for_language(text)
    assert requested_language(text) == wanted


@pytest.mark.parametrize(
    "text",
    [
        "can you change the language?",
        "une autre langue s'il vous plaît",
    ],
)
def test_a_request_that_names_no_language_wants_none(text):
    assert requested_language(text) is None


def test_no_training_example_of_another_intent_reads_as_a_language_request():
    # Bare language names are synonyms' examples, not intents: they are not listed here.
    wrong = [
        (intent, text)
        for intent, text in training_examples()
        if intent != "change_language" and asks_for_language(text)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "text",
    [
        "is the platform available in English?",
        "the invitation email was written in English, is it genuine?",
        "j'ai reçu l'invitation en anglais, c'est normal ?",
        "French Guiana",
        "French Polynesia",
        "Our company is in French Guiana, it's part of France",
    ],
)
def test_a_question_that_mentions_a_language_is_not_a_request(text):
    assert not asks_for_language(text)


def test_where_the_language_wanted_is_named():
    text = "Sorry, I don't speak French. Can we continue in English?"
    assert text[slice(*named_at(text, "en"))] == "English"
    assert named_at("je ne parle pas anglais", "fr") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("fr-FR", "fr"),
        ("english", "en"),
        ("français", "fr"),
        ("de", None),
        (None, None),
        (3, None),
    ],
)
def test_language_codes_from_metadata(value, expected):
    assert normalise_language(value) == expected


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Sorry, can we continue in English please? My French is not good", "en"),
        ("On peut continuer en français ? Mon anglais n'est pas terrible", "fr"),
        ("English please, my French is bad", "en"),
    ],
)
def test_the_language_introduced_as_the_one_to_use_is_the_one_asked_for(text, wanted):
    """The outside tester's "can we continue in English? My French is not good" switched to
    French (the language named last)."""
    assert requested_language(text) == wanted


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ok fine, I accept", None),  # "fine" and "i" are Italian stopwords: not Italian
        ("fine, I accept", None),
        ("¿Hablan español?", "es"),
        ("Parla italiano?", "it"),
        ("Sprechen Sie Deutsch?", "de"),
        ("Spreekt u Nederlands?", "nl"),
        ("Fala português?", "pt"),
        ("Do you speak Spanish?", "en"),
        # the platform's name is English words: "my", "id" hid the Spanish (outside tester)
        ("Hola, recibí una invitación para registrarme en My Sis ID. ¿Pueden ayudarme?", "es"),
        ("Hallo, ich habe eine Einladung von MySisID bekommen, was muss ich tun?", "de"),
        ("what is My Sis ID exactly?", "en"),
        ("c'est quoi My Sis ID ?", "fr"),
    ],
)
def test_short_messages_in_another_language_and_english_ones_that_look_like_it(text, language):
    assert written_in(text) == language


def test_a_surname_that_names_a_language_is_not_that_language_at_a_names_question():
    assert written_in("Paul Deutsch", MIN_WORDS + 1) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("no hablo francés ni inglés", "es"),
        ("no hablo frances ni ingles", "es"),
        ("non parlo né francese né inglese", "it"),
        ("ik spreek geen Frans of Engels", "nl"),
        ("ich spreche weder Französisch noch Englisch", "de"),
        ("não falo francês nem inglês", "pt"),
        # refused in French or English words: written in that language
        ("je ne parle ni français ni anglais", "fr"),
        ("I speak neither French nor English", "en"),
    ],
)
def test_a_message_refusing_both_languages_is_in_the_language_naming_them(text, language):
    assert written_in(text) == language
    assert requested_language(text) is None


def test_refusing_french_alone_in_spanish_is_still_a_request_for_english():
    assert requested_language("no hablo francés") == "en"
