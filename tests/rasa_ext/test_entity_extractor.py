"""The vocabulary entity extractor finds a field or a language by the words the training data
gives for it (annotated examples, synonyms, lookup tables), whatever the case, accents and
apostrophes, with the value the actions read; only in the intents the data annotates with the
entity; and it survives Rasa's model storage."""

from __future__ import annotations

import time

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.nlu.training_data.entities_parser import parse_training_example
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.entity_extractor import VocabularyEntityExtractor
from tests.rasa_ext.pipeline import trained

EXAMPLES = {
    "correct_field": [
        'je voudrais changer l\'[adresse e-mail]{"entity": "field", "value": "email"}',
        "l'[email](field) est faux",
        'c\'est le [nom]{"entity": "field", "value": "last_name"} qui est faux',
        'modifier mon [nom de famille]{"entity": "field", "value": "last_name"}',
        'the [phone number]{"entity": "field", "value": "phone"} is not right',
        'change my [first name]{"entity": "field", "value": "first_name"}',
        "je veux modifier une de mes réponses",
    ],
    "change_language": [
        'en [anglais]{"entity": "language", "value": "en"} svp',
        'in [French]{"entity": "language", "value": "fr"} please',
    ],
    "faq": ["à quelle adresse mail faut-il écrire ?", "what is the phone number of support?"],
}
# As Rasa reads `- synonym: email` blocks: each text -> its value.
SYNONYMS = {
    "courriel": "email",
    "adresse mail": "email",
    "numéro de téléphone": "phone",
    "prénom": "first_name",
    "english": "en",
    "français": "fr",
    # a synonym whose value no example annotates belongs to no entity
    "oui": "yes",
}


def training_data(**kwargs) -> TrainingData:
    examples = [
        Message.build(text, intent, entities)
        for intent, texts in EXAMPLES.items()
        for text, entities in map(parse_training_example_parts, texts)
    ]
    return TrainingData(training_examples=examples, entity_synonyms=dict(SYNONYMS), **kwargs)


def parse_training_example_parts(annotated: str) -> tuple[str, list[dict]]:
    message = parse_training_example(annotated)
    return message.get("text"), message.get("entities") or []


@pytest.fixture
def extractor(tmp_path) -> VocabularyEntityExtractor:
    return trained(
        VocabularyEntityExtractor, {}, LocalModelStorage(tmp_path), training_data(), "entities"
    )


def extract(extractor, text: str, intent: str | None = "correct_field") -> list[dict]:
    message = Message.build(text)
    if intent:
        message.set("intent", {"name": intent, "confidence": 0.9})
    extractor.process([message])
    return message.get("entities")


def found(extractor, text: str, intent: str | None = "correct_field") -> list[tuple[str, str, str]]:
    """(entity, value, the words of the message it was found in) for each entity."""
    return [
        (e["entity"], e["value"], text[e["start"] : e["end"]])
        for e in extract(extractor, text, intent)
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # synonyms it was never shown in an example, in French and English
        ("mon courriel n'est pas bon", [("field", "email", "courriel")]),
        ("Le Numéro De Téléphone est faux", [("field", "phone", "Numéro De Téléphone")]),
        ("numero de telephone a corriger", [("field", "phone", "numero de telephone")]),
        ("l’adresse mail que j’ai donnée", [("field", "email", "adresse mail")]),
        ("I typed the wrong   phone  number", [("field", "phone", "phone  number")]),
        ("my prenom is misspelt", [("field", "first_name", "prenom")]),
        ("the EMAIL is wrong", [("field", "email", "EMAIL")]),
        # the longest phrase wins over the one inside it
        ("je veux changer mon nom de famille", [("field", "last_name", "nom de famille")]),
        # whole words only: "nominal" is not "nom", "emails" is not "email"
        ("c'est nominal, et mes emails ?", []),
        ("oui", []),
    ],
)
def test_a_field_is_found_by_its_words_with_the_value_the_actions_read(extractor, text, expected):
    assert found(extractor, text) == expected


def test_language_names_become_the_languages_codes_and_en_the_preposition_is_no_language(
    extractor,
):
    assert found(extractor, "en ANGLAIS s'il vous plaît", "change_language") == [
        ("language", "en", "ANGLAIS")
    ]
    assert found(extractor, "I don't speak français, English please", "change_language") == [
        ("language", "fr", "français"),
        ("language", "en", "English"),
    ]


def test_an_entity_is_looked_for_only_in_the_intents_the_data_annotates_with_it(extractor):
    # "adresse mail" names the field in a correction, not in an FAQ question
    assert found(extractor, "à quelle adresse mail dois-je écrire ?", "faq") == []
    assert found(extractor, "switch to English", "correct_field") == []
    assert found(extractor, "l'adresse mail est fausse", "correct_field") == [
        ("field", "email", "adresse mail")
    ]


def test_without_the_gate_every_entity_is_looked_for_in_every_intent(tmp_path):
    extractor = trained(
        VocabularyEntityExtractor,
        {"only_in_annotated_intents": False},
        LocalModelStorage(tmp_path),
        training_data(),
        "entities",
    )

    assert found(extractor, "à quelle adresse mail dois-je écrire ?", "faq") == [
        ("field", "email", "adresse mail")
    ]


def test_a_lookup_table_named_after_the_entity_adds_its_words(tmp_path):
    data = training_data(lookup_tables=[{"name": "language", "elements": ["anglais", "English"]}])
    data.entity_synonyms["inglese"] = "en"
    extractor = trained(
        VocabularyEntityExtractor, {}, LocalModelStorage(tmp_path), data, "entities"
    )

    assert found(extractor, "in inglese per favore", "change_language") == [
        ("language", "en", "inglese")
    ]


def test_the_entities_listed_in_the_config_are_the_only_ones_extracted(tmp_path):
    extractor = trained(
        VocabularyEntityExtractor,
        {"entities": ["language"], "only_in_annotated_intents": False},
        LocalModelStorage(tmp_path),
        training_data(),
        "entities",
    )

    assert found(extractor, "change my email, in English") == [("language", "en", "English")]


def test_each_entity_says_which_extractor_found_it(extractor):
    (entity,) = extract(extractor, "mon courriel est faux")

    assert entity["extractor"] == "VocabularyEntityExtractor"


@pytest.mark.parametrize(
    "text", ["", "   ", "\udfff", "\udfff email \ud800", "ﬁ email ß", "é" * 3, "\x00email"]
)
def test_empty_and_odd_text_is_no_error_and_offsets_stay_in_the_text(extractor, text):
    for entity in extract(extractor, text):
        assert text[entity["start"] : entity["end"]].lower() == "email"


def test_a_very_long_message_is_searched_quickly(extractor):
    text = "blabla " * 1500 + "mon courriel est faux"

    started = time.perf_counter()
    entities = found(extractor, text)

    assert entities == [("field", "email", "courriel")]
    assert time.perf_counter() - started < 1
