"""Entities whose values are a closed vocabulary (`field`, `language`), found by their words.

What a user calls a field ("adresse mail", "numéro de portable", "SIREN") or a language
("anglais", "English") is a short, closed list, and the training data already spells it out: the
annotated examples, the synonyms and any lookup table named after the entity. A statistical
extractor (DIET) had to learn that list again from context, and missed it in more than half
the cases (cross-validated F1 0.43 for `field`). This component learns the list and nothing
else:

- each annotated span (`[adresse e-mail]{"entity": "field", "value": "email"}`), each synonym
  whose value is a value of the entity (`- synonym: email` / `- courriel`), and each element of a
  lookup table named after the entity is a phrase of that entity, with its value;
- a message's phrases are found case-, accent- and apostrophe-insensitively ("numero de
  telephone", "Prénom", "l’email"), on word boundaries, longest phrase first ("nom de
  famille" is `last_name`, not `nom` and then two more words);
- the value is resolved as Rasa's EntitySynonymMapper does (the annotated value, then the
  synonyms, case-insensitively), so no mapper is needed after it;
- an entity is only looked for when the intent classifier's intent is one that the data
  annotates with it: "adresse" is a `field` in "l'adresse mail est fausse" (`correct_field`),
  not in "à quelle adresse dois-je écrire ?" (an FAQ). Which intents those are is read from the
  data, not written here.

Written here because Rasa's RegexEntityExtractor reads lookup tables and regexes only (not the
annotated examples or the synonyms), is accent-sensitive, and extracts in every intent.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.stored_component import JsonStoredComponent

# Rasa's check of the configuration knows its own trainable extractors only, and would tell a
# maintainer to add DIET, which this component replaces.
warnings.filterwarnings(
    "ignore", "You have defined training data consisting of entity examples, but your NLU"
)
# Nor that the synonyms need Rasa's EntitySynonymMapper: this component resolves them itself.
warnings.filterwarnings(
    "ignore", "You have defined synonyms in your training data, but your NLU configuration"
)
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def folded(text: str) -> tuple[str, list[int]]:
    """``text`` in lower case without accents, one kind of apostrophe, and for each of its
    characters the index of the character of ``text`` it comes from (folding may change the
    length: "ß" -> "ss", "ﬁ" -> "fi")."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text.translate(APOSTROPHES)):
        for piece in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(piece):
                out.append(piece)
                origin.append(index)
    return "".join(out), origin


def _fold(text: str) -> str:
    return " ".join(folded(text)[0].split())


def _pattern(phrases: dict[str, str]) -> re.Pattern:
    """Any of the phrases as whole words, the longest first; any run of spaces between words."""
    alternatives = (
        r"\s+".join(re.escape(word) for word in phrase.split())
        for phrase in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class VocabularyEntityExtractor(JsonStoredComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Entity types to extract; by default every entity the data annotates.
            "entities": None,
            # Look for an entity only in the intents that the data annotates with it.
            "only_in_annotated_intents": True,
        }

    def restore(self, stored: dict[str, Any]) -> None:
        # entity -> folded phrase -> value; entity -> intents annotated with it
        self.phrases: dict[str, dict[str, str]] = stored.get("phrases", {})
        self.intents: dict[str, list[str]] = stored.get("intents", {})
        self._patterns = {
            entity: _pattern(by_phrase) for entity, by_phrase in self.phrases.items() if by_phrase
        }

    def train(self, training_data: TrainingData) -> Resource:
        synonyms = {k.lower(): v for k, v in training_data.entity_synonyms.items()}

        def value_of(value: Any) -> str:
            # EntitySynonymMapper: the value, mapped when it is a synonym (case-insensitive).
            return synonyms.get(str(value).lower(), str(value))

        wanted = self.config["entities"]
        counts: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        intents: dict[str, set[str]] = defaultdict(set)
        for example in training_data.entity_examples:
            text = example.get(TEXT)
            for entity in example.get(ENTITIES) or []:
                name = entity[ENTITY_ATTRIBUTE_TYPE]
                if wanted is not None and name not in wanted:
                    continue
                span = text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
                value = value_of(entity.get(ENTITY_ATTRIBUTE_VALUE, span))
                counts[name][_fold(span)][value] += 1
                if example.get(INTENT):
                    intents[name].add(example.get(INTENT))
        for table in training_data.lookup_tables:
            name = table.get("name")
            if wanted is not None and name not in wanted:
                continue
            for element in table.get("elements") or []:
                counts[name][_fold(element)][value_of(element)] += 1
        # A synonym is a phrase of the entities that have its value.
        values = {
            name: {v for c in by_phrase.values() for v in c} for name, by_phrase in counts.items()
        }
        for synonym, value in synonyms.items():
            for name in counts:
                if value in values[name]:
                    counts[name][_fold(synonym)][value] += 1

        phrases = {
            name: {phrase: c.most_common(1)[0][0] for phrase, c in by_phrase.items() if phrase}
            for name, by_phrase in counts.items()
        }
        intents_of = {name: sorted(found) for name, found in intents.items()}
        return self.store({"phrases": phrases, "intents": intents_of})

    def _wanted_here(self, message: Message, entity: str) -> bool:
        if not self.config["only_in_annotated_intents"]:
            return True
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return intent is None or intent in self.intents.get(entity, ())

    def extract(self, message: Message) -> list[dict[str, Any]]:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return []
        folded_text, origin = folded(text)
        found = [
            (match.start(), match.end(), entity, self.phrases[entity][_fold(match.group(1))])
            for entity, pattern in self._patterns.items()
            if self._wanted_here(message, entity)
            for match in pattern.finditer(folded_text)
        ]
        # Where two entities' phrases overlap, the longer one wins.
        kept: list[tuple[int, int, str, str]] = []
        for start, end, entity, value in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if all(end <= s or start >= e for s, e, _, _ in kept):
                kept.append((start, end, entity, value))
        return [
            {
                ENTITY_ATTRIBUTE_TYPE: entity,
                ENTITY_ATTRIBUTE_START: origin[start],
                ENTITY_ATTRIBUTE_END: origin[end - 1] + 1,
                ENTITY_ATTRIBUTE_VALUE: value,
            }
            for start, end, entity, value in sorted(kept)
        ]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = self.add_extractor_name(self.extract(message))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
