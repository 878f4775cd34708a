"""Rasa's WhitespaceTokenizer, with a placeholder as the lemma of an address, a link or an
identifier (of its first word; the others' lemma is empty), rasa_ext/placeholders.py says why.
The word and character counts read the lemma (CountVectorsFeaturizer's `use_lemma`, on by
default); each token's text, start and end stay the message's own."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from rasa_ext import placeholders
from rasa_ext.stored_component import code_fingerprint


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PlaceholderWhitespaceTokenizer(WhitespaceTokenizer):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return code_fingerprint(cls, placeholders)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PlaceholderWhitespaceTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        text = message.get(attribute)
        if not isinstance(text, str):
            return tokens
        # The span's first word reads as the placeholder, its other words as nothing: one
        # placeholder per address or number, however many words it was typed in.
        spans = placeholders.placeholder_spans(text)
        read: set[int] = set()
        for token in tokens:
            for index, (start, end, kind) in enumerate(spans):
                if token.start < end and token.end > start:
                    token.lemma = "" if index in read else kind
                    read.add(index)
                    break
        return tokens
