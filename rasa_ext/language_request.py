"""Explicit requests to change the conversation's language, read in the NLU pipeline.

A request is worded in countless ways, and the language a supplier names is not always the one
they want: "Sorry, I don't speak French. Can we continue in English?" names French first,
"je ne parle pas anglais" names only the language refused. This component, last in the
pipeline:

- makes a message that is plainly a request about the conversation's language
  (bot.checks.language.asks_for_language: it names French or English and talks about speaking,
  or is a short request such as "English please") the intent ``change_language``, whatever the
  classifier said, so that a form never stores it as an answer;
- gives every ``change_language`` message exactly one ``language`` entity, the language
  wanted (bot.checks.language.requested_language), or none when it names no language ("can
  you change the language?": the language policy then takes the other one).

It reads explicit wording only; which language a message is written in is the language
policy's business (rasa_ext/language_policy.py), which knows when not to look (the password).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.checks.language import asks_for_language, named_at, requested_language

INTENT_NAME = "change_language"
ENTITY = "language"


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=False,
)
class LanguageRequest(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageRequest:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent != INTENT_NAME and not asks_for_language(text):
            return
        if intent != INTENT_NAME:
            request = {INTENT_NAME_KEY: INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, request, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r != request]
            message.set(INTENT_RANKING_KEY, [request, *ranking], add_to_output=True)
        entities = [
            e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != ENTITY
        ]
        wanted = requested_language(text)
        if wanted:
            # Where the language wanted is named, else the whole message ("je ne parle pas
            # anglais" wants French without naming it).
            start, end = named_at(text, wanted) or (0, len(text))
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: ENTITY,
                    ENTITY_ATTRIBUTE_VALUE: wanted,
                    ENTITY_ATTRIBUTE_START: start,
                    ENTITY_ATTRIBUTE_END: end,
                    EXTRACTOR: self.__class__.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)
