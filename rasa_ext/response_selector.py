"""The answer to a retrieval intent (faq/*, chitchat/*), chosen from the intent classifier's
probabilities: no second model, no TensorFlow.

The intent classifier (rasa_ext/intent_classifier.py) already learns one class per response
key (`faq/free`, `chitchat/bot_challenge`, ...) on the n-grams and the sentence embedding, and
leaves each key's probability on the message. This component writes them in the shape Rasa's
`ResponseSelector` gives, one selector per retrieval intent, so that `utter_faq` and
`utter_chitchat` (Rasa's `ActionRetrieveResponse`), the rules, `rasa test` and
actions/fallback.py read it unchanged:

    "response_selector": {
      "all_retrieval_intents": ["chitchat", "faq"],
      "faq": {
        "response": {"responses": [], "confidence": 0.93, "intent_response_key": "faq/free",
                     "utter_action": "utter_faq/free"},
        "ranking": [{"id": ..., "confidence": 0.93, "intent_response_key": "faq/free"}, ...]
      },
      "chitchat": {...}
    }

A selector per retrieval intent (Rasa's `retrieval_intent` option), not one `default` selector
over every key: `utter_faq` then always utters an FAQ answer, and Rasa records the full
retrieval intent (`faq/free`) on the user's turn. `responses` is left empty: Rasa's retrieval
action utters `utter_action` from the domain and nothing reads those texts, which would add
about 1 KB to every user message stored in the tracker store and sent to the action server.

The confidences are the classifier's calibrated probabilities that this answer is the right
one, P(faq/free | message), not renormalised within the selector: a selector's confidences add
up to its intent's confidence in `intent_ranking`, and a key, an intent and another retrieval
intent's key are on one scale, so "answer only when sure, else offer the closest topics" can
compare them directly. Cross-validation (docs/quality.md): the answer over every topic, macro-F1
0.965 against 0.893 for Rasa's ResponseSelector on the n-grams; a separate classifier trained on
the retrieval examples only was within the noise of this one in a replica (0.960 against 0.955),
for a second model to train and load.
"""

from __future__ import annotations

import logging
import warnings
import zlib
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    RESPONSE_IDENTIFIER_DELIMITER,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.intent_classifier import RESPONSE_KEY_PROBABILITIES
from rasa_ext.stored_component import JsonStoredComponent

logger = logging.getLogger(__name__)
UTTER_PREFIX = "utter_"
# Rasa's check of the configuration knows its own selector only, and would tell a maintainer to
# add the ResponseSelector this component replaces.
warnings.filterwarnings(
    "ignore", "You have defined training data with examples for training a response selector"
)


def _label_id(key: str) -> int:
    """A stable number for a response key (Rasa's ranking entries carry an `id`)."""
    return zlib.crc32(key.encode("utf-8"))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentResponseSelector(JsonStoredComponent):
    """Place it after `TfidfLogisticRegressionClassifier` in config.yml. (Not declared with
    `required_components`: Rasa checks those in the training graph too, where the classifier
    feeds nothing to this component.)"""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Rasa's ResponseSelector ranks 10 answers.
        return {"ranking_length": 10}

    def restore(self, stored: dict[str, Any]) -> None:
        self.retrieval_intents: list[str] = stored.get("retrieval_intents", [])

    def train(self, training_data: TrainingData) -> Resource:
        return self.store({"retrieval_intents": sorted(training_data.retrieval_intents)})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            probabilities = message.get(RESPONSE_KEY_PROBABILITIES) or {}
            if not probabilities and self.retrieval_intents:
                logger.warning(
                    "No topic probabilities on the message: is the intent classifier "
                    "TfidfLogisticRegressionClassifier, before this component in config.yml?"
                )
            selectors: dict[str, Any] = {
                RESPONSE_SELECTOR_RETRIEVAL_INTENTS: list(self.retrieval_intents)
            }
            for intent in self.retrieval_intents:
                prefix = intent + RESPONSE_IDENTIFIER_DELIMITER
                ranked = sorted(
                    ((k, p) for k, p in probabilities.items() if k.startswith(prefix)),
                    key=lambda item: -item[1],
                )
                if ranked:
                    selectors[intent] = self._selection(ranked)
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
        return messages

    def _selection(self, ranked: list[tuple[str, float]]) -> dict[str, Any]:
        """Rasa's ResponseSelector output for one retrieval intent, best key first."""
        key, confidence = ranked[0]
        utter_action = UTTER_PREFIX + key
        if self.config["ranking_length"] > 0:
            ranked = ranked[: self.config["ranking_length"]]
        return {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: [],
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: key,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {"id": _label_id(k), PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: k}
                for k, p in ranked
            ],
        }
