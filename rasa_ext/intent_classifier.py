"""Rasa's logistic-regression intent classifier, on tf-idf weighted counts and sentence embeddings.

Rasa 3.6's `LogisticRegressionClassifier` fits scikit-learn's LogisticRegression on the raw
features of the pipeline, with the default regularisation (C = 1) and no way to change it. This
component keeps Rasa's training matrix, ranking and storage (skops) and changes four things,
each measured on the cross-validation folds of `make cross-validate` (docs/quality.md):

- the sparse counts (word and character n-grams) are weighted by tf-idf (sublinear term
  frequency, so a repeated n-gram does not dominate; rare n-grams weigh more), the dense
  sentence embeddings (rasa_ext/sentence_encoder.py) are passed as they are, times
  `embedding_weight` (both blocks have unit length; a weight above 1 lets what a sentence
  means count more than the words it shares with an example);
- less regularisation (`C`);
- a retrieval intent is learnt per response key: `faq/free` and `faq/password_rules` are two
  classes, not one `faq` class spread over eighteen unrelated topics, and their probabilities are
  added up into `faq` for the ranking Rasa expects. A compact class per topic is easier to
  separate from out-of-scope questions. The probability of each key is left on the message
  (`RESPONSE_KEY_PROBABILITIES`, not in the output) for the response selector
  (rasa_ext/response_selector.py), which picks the answer from it;
- the probabilities are calibrated by a temperature (`temperature`, Guo et al. 2017, "On
  Calibration of Modern Neural Networks"), where the decision is made: each intent's probability
  (the sum of its topics') becomes softmax(log p / T) over the intents, and the topics of a
  retrieval intent share it as softmax(log p / T) among themselves. The intent and the topic
  chosen are those of the untempered model; how sure the classifier says it is changes. The
  value in config.yml minimises the log-loss of the cross-validation's predictions
  (docs/quality.md): of the answers given with a confidence of about 0.9, about 90 % are right.

A message is classified by the fitted model's arithmetic written out (`_LinearModel`), not by
scikit-learn's pipeline: the same probabilities (the tests compare both on every class), without
the pipeline's checks, its thread pool for two column blocks, and a copy of the whole
coefficient matrix (about 13 MB) that scipy made on every call to multiply a sparse row by its
transpose. Together about a sixth of the Rasa server's CPU at concurrency 20
(docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE as SENTENCE
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    RESPONSE_IDENTIFIER_DELIMITER,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.special import softmax
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

from rasa_ext.stored_component import code_fingerprint

# What skops must trust beyond its defaults to load this classifier; anything else in the file
# is refused (Rasa would then start with an untrained classifier, which the test catches).
TRUSTED = [
    "sklearn.pipeline.Pipeline",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "builtins.slice",  # which columns are counts, which are embeddings
    "sklearn.feature_extraction.text.TfidfTransformer",
    "scipy.sparse._csr.csr_matrix",  # the transformer's idf weights
]


# The probability of each class (`faq/free`, `greet`, ...), for the components after this one.
RESPONSE_KEY_PROBABILITIES = "response_key_probabilities"


def _intent(label: str) -> str:
    """`faq/free` -> `faq`; an intent without response keys is its own label."""
    return label.split(RESPONSE_IDENTIFIER_DELIMITER)[0]


def _sentence_features(
    messages: list[Message],
) -> tuple[scipy.sparse.csr_matrix, np.ndarray] | None:
    """The messages' sentence features, as Rasa's `_create_X` lays them out: the sparse
    featurizers' columns one after the other (counts), the dense ones (embeddings); None when a
    message lacks either. Read straight from the messages: `Message.get_sparse_features`
    deep-copies and stacks the token-level features too, which nothing here uses."""
    data, rows, columns, embeddings = [], [], [], []
    width = 0
    for row, message in enumerate(messages):
        sentence = [f for f in message.features if f.attribute == TEXT and f.type == SENTENCE]
        sparse = [f.features.tocoo() for f in sentence if f.is_sparse()]
        dense = [f.features for f in sentence if f.is_dense()]
        if not sparse or not dense:
            return None
        offset = 0
        for block in sparse:
            data.append(block.data)
            columns.append(block.col + offset)
            rows.append(np.full(block.nnz, row))
            offset += block.shape[1]
        if width not in (0, offset):
            return None
        width = offset
        embeddings.append(np.hstack(dense))
    counts = scipy.sparse.csr_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(columns))),
        shape=(len(messages), width),
        dtype=np.float64,
    )
    # In double precision before any weighting, as Rasa's matrix is.
    return counts, np.vstack(embeddings).astype(np.float64)


class _LinearModel:
    """What the fitted pipeline computes for a message, as arrays laid out for one product each:
    tf-idf of the counts (sublinear term frequency, the fitted idf, unit length), the embedding
    times its weight, then the multinomial logistic regression's softmax.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        weighting, regression = pipeline.named_steps["weighting"], pipeline.named_steps["lr"]
        tfidf = weighting.named_transformers_["counts"]
        self.n_counts = weighting.transformers_[0][2].stop
        self.idf = tfidf.idf_
        self.embedding_weight = (weighting.transformer_weights or {}).get("embeddings", 1.0)
        # C-contiguous, so that multiplying by them copies nothing.
        coef = regression.coef_
        self.counts_coef = np.ascontiguousarray(coef[:, : self.n_counts].T)
        self.embedding_coef = np.ascontiguousarray(coef[:, self.n_counts :].T)
        self.intercept = regression.intercept_

    @classmethod
    def of(cls, pipeline: Pipeline) -> _LinearModel | None:
        """The fitted pipeline written out, or None when its layout is not this one."""
        return cls(pipeline) if cls.applies_to(pipeline) else None

    @staticmethod
    def applies_to(pipeline: Pipeline) -> bool:
        """The layout this class writes out: both blocks, tf-idf as configured here, and a
        multinomial model (two classes would be a binary one)."""
        if not isinstance(pipeline, Pipeline):
            return False
        weighting, regression = pipeline.named_steps["weighting"], pipeline.named_steps["lr"]
        if not isinstance(weighting, ColumnTransformer) or not hasattr(regression, "coef_"):
            return False
        # scikit-learn's "auto": one-vs-rest for liblinear or two classes, else multinomial.
        multinomial = regression.multi_class == "multinomial" or (
            regression.multi_class == "auto" and regression.solver != "liblinear"
        )
        if not multinomial or regression.coef_.shape[0] < 2:
            return False
        if not set(weighting.transformer_weights or {}) <= {"embeddings"}:
            return False
        names = [name for name, _, _ in weighting.transformers_]
        tfidf = weighting.named_transformers_.get("counts")
        return (
            names[:2] == ["counts", "embeddings"]
            and isinstance(tfidf, TfidfTransformer)
            and tfidf.sublinear_tf
            and tfidf.use_idf
            and tfidf.norm == "l2"
        )

    def predict_proba(self, counts: scipy.sparse.csr_matrix, embeddings: np.ndarray) -> np.ndarray:
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        normalize(counts, copy=False)
        scores = counts @ self.counts_coef
        scores += (embeddings * self.embedding_weight) @ self.embedding_coef
        scores += self.intercept
        return softmax(scores, axis=1)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfLogisticRegressionClassifier(LogisticRegressionClassifier):
    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return code_fingerprint(cls)

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 1.0,
            "temperature": 1.0,
            "embedding_weight": 1.0,
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
        # The weighting step is set by `train`, once the width of the counts is known.
        # `classes_` and `predict_proba`, which Rasa's code uses, come from the last step.
        self.clf = Pipeline([("weighting", "passthrough"), ("lr", self.clf)])
        # The fitted model written out, set where a fitted model comes from (train, load).
        self._linear: _LinearModel | None = None

    def _weighting(self, n_counts: int, n_columns: int) -> ColumnTransformer:
        """tf-idf on the first `n_counts` columns (Rasa puts the sparse counts first), the
        dense sentence embeddings after them as they are (tf-idf of a vector with negative
        values means nothing). A block without columns is left out: scikit-learn refuses an
        empty one."""
        blocks = [
            ("counts", TfidfTransformer(sublinear_tf=True), slice(0, n_counts)),
            ("embeddings", "passthrough", slice(n_counts, n_columns)),
        ]
        weight = float(self.config["embedding_weight"])
        return ColumnTransformer(
            [b for b in blocks if b[2].stop > b[2].start],
            transformer_weights={"embeddings": weight} if weight != 1.0 else None,
        )

    @staticmethod
    def _examples(training_data: TrainingData) -> list[Message]:
        return [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]

    def _create_training_matrix(self, training_data: TrainingData) -> tuple[Any, list[str]]:
        examples = self._examples(training_data)
        labels = [e.get(INTENT_RESPONSE_KEY) or e.get(INTENT) for e in examples]
        return self._create_X(examples), labels

    def train(self, training_data: TrainingData) -> Resource:
        examples = self._examples(training_data)
        if examples:
            _, counts = examples[0].get_sparse_features(TEXT)
            n_counts = counts.features.shape[-1] if counts else 0
            n_columns = self._create_X(examples[:1]).shape[-1]
            self.clf.set_params(weighting=self._weighting(n_counts, n_columns))
        resource = super().train(training_data)
        self._linear = _LinearModel.of(self.clf)
        return resource

    def predict_proba(self, messages: list[Message]) -> np.ndarray:
        """One row of class probabilities per message, calibrated by the temperature at the
        level of the intents, then of the topics within each intent."""
        probabilities = self._untempered(messages)
        temperature = float(self.config["temperature"])
        if temperature == 1.0:
            return probabilities
        intent_of = np.array([_intent(str(label)) for label in self.clf.classes_])
        intents = sorted(set(intent_of))
        with np.errstate(divide="ignore"):  # log(0) is -inf, which softmax turns back into 0
            log_p = np.log(probabilities)
            by_intent = np.column_stack([probabilities[:, intent_of == i].sum(1) for i in intents])
            tempered = softmax(np.log(by_intent) / temperature, axis=1)
        calibrated = np.empty_like(probabilities)
        for column, intent in enumerate(intents):
            topics = intent_of == intent
            within = softmax(log_p[:, topics] / temperature, axis=1)
            calibrated[:, topics] = within * tempered[:, [column]]
        return calibrated

    def _untempered(self, messages: list[Message]) -> np.ndarray:
        """The fitted model's probabilities: written out (`_LinearModel`) when every message
        has both blocks of features, else through scikit-learn."""
        features = _sentence_features(messages) if self._linear is not None else None
        if features is None or features[0].shape[1] != self._linear.n_counts:
            return self.clf.predict_proba(self._create_X(messages))
        return self._linear.predict_proba(*features)

    def process(self, messages: list[Message]) -> list[Message]:
        if not messages:
            return messages
        probabilities = self.predict_proba(messages)
        for message, row in zip(messages, probabilities, strict=True):
            by_label = {
                str(label): float(p) for label, p in zip(self.clf.classes_, row, strict=True)
            }
            message.set(RESPONSE_KEY_PROBABILITIES, by_label)
            by_intent: dict[str, float] = defaultdict(float)
            for label, probability in by_label.items():
                by_intent[_intent(label)] += probability
            ranking = sorted(
                ({"name": k, "confidence": v} for k, v in by_intent.items()),
                key=lambda r: -r["confidence"],
            )
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfLogisticRegressionClassifier:
        import skops.io as sio

        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as model_dir:
            path = model_dir / f"{resource.name}.skops"
            untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED)
            if untrusted:
                raise ValueError(f"untrusted types in {path}: {sorted(untrusted)}")
            component.clf = sio.load(path, trusted=TRUSTED)
        component._linear = _LinearModel.of(component.clf)
        return component
