"""A small NLU pipeline of this project's components, trained in a test: tokens, word and
character n-gram counts, optionally the sentence encoder, the intent classifier, the response
selector and the entity extractor. Every trainable component is stored and loaded back from
Rasa's model storage before it is used, as `rasa run` does (a component that loads untrained
once shipped here unnoticed)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.entity_extractor import VocabularyEntityExtractor
from rasa_ext.intent_classifier import TfidfLogisticRegressionClassifier
from rasa_ext.response_selector import IntentResponseSelector
from rasa_ext.sentence_encoder import UniversalSentenceEncoderFeaturizer
from rasa_ext.tokenizer import PlaceholderWhitespaceTokenizer


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def trained(component_class, config: dict[str, Any], storage: ModelStorage, data, name: str):
    """`component_class` trained on `data`, then loaded back from the model storage."""
    config = {**component_class.get_default_config(), **config}
    resource = Resource(name)
    component_class.create(config, storage, resource, context()).train(data)
    return component_class.load(config, storage, resource, context())


class Featurizers:
    """Tokens, word and character n-gram counts and, optionally, the sentence encoder's
    embedding: what the pipeline gives the classifier."""

    def __init__(self, storage: ModelStorage, data: TrainingData, *, encoder: bool) -> None:
        self.tokenizer = PlaceholderWhitespaceTokenizer(
            PlaceholderWhitespaceTokenizer.get_default_config()
        )
        self.tokenizer.process(data.training_examples)
        self.counts = [
            CountVectorsFeaturizer.create(
                {**CountVectorsFeaturizer.get_default_config(), **config},
                storage,
                Resource(f"counts_{i}"),
                context(),
            )
            for i, config in enumerate([{}, {"analyzer": "char_wb", "max_ngram": 4}])
        ]
        for counts in self.counts:
            counts.train(data)
        self.encoder = (
            UniversalSentenceEncoderFeaturizer.create(
                UniversalSentenceEncoderFeaturizer.get_default_config(),
                storage,
                Resource("encoder"),
                context(),
            )
            if encoder
            else None
        )
        self.process(data.training_examples)

    def process(self, messages: list[Message]) -> None:
        self.tokenizer.process(messages)
        for counts in self.counts:
            counts.process(messages)
        if self.encoder:
            self.encoder.process(messages)


class NluPipeline:
    """The featurizers, the intent classifier, the response selector and the entity extractor,
    trained on `data` and loaded back from `storage`."""

    def __init__(
        self, storage: ModelStorage, data: TrainingData, *, encoder: bool = False, **classifier
    ) -> None:
        self.featurizers = Featurizers(storage, data, encoder=encoder)
        self.classifier = trained(
            TfidfLogisticRegressionClassifier,
            {"C": 10, **classifier},
            storage,
            data,
            "intent_classifier",
        )
        self.selector = trained(IntentResponseSelector, {}, storage, data, "response_selector")
        self.extractor = trained(VocabularyEntityExtractor, {}, storage, data, "entities")

    def parse(self, text: str) -> Message:
        message = Message.build(text)
        self.featurizers.process([message])
        for component in (self.classifier, self.selector, self.extractor):
            component.process([message])
        return message
