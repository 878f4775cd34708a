"""The sentence encoder puts one embedding on each message's text, from the model shipped in its
package (no download), and a sentence and its translation get close embeddings."""

from __future__ import annotations

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.sentence_encoder import MAX_ENCODED_CHARS, UniversalSentenceEncoderFeaturizer


def encoder(tmp_path) -> UniversalSentenceEncoderFeaturizer:
    return UniversalSentenceEncoderFeaturizer.create(
        UniversalSentenceEncoderFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("encoder"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def embedding(message: Message) -> np.ndarray:
    sequence, sentence = message.get_dense_features("text")
    assert sequence is None, "one vector per sentence, none per token"
    return sentence.features[0]


def test_translations_are_close_and_other_questions_far(tmp_path):
    texts = [
        "je n'ai pas reçu l'email d'activation",
        "I did not receive the activation email",
        "quelle heure est-il ?",
    ]
    messages = [Message.build(t) for t in texts]

    encoder(tmp_path).process(messages)

    french, english, other = (embedding(m) for m in messages)
    assert french.shape == (512,)
    assert abs(np.linalg.norm(french) - 1) < 1e-3
    assert french @ english > 0.7
    assert french @ other < 0.3


def test_training_data_is_featurized_and_a_message_without_text_is_left_alone(tmp_path):
    examples = [Message.build("bonjour", "greet"), Message(data={"intent": "greet"})]

    encoder(tmp_path).process_training_data(TrainingData(examples))

    assert embedding(examples[0]).shape == (512,)
    assert examples[1].get_dense_features("text") == (None, None)


def test_text_that_utf8_cannot_encode_and_empty_text_still_get_an_embedding(tmp_path):
    # The fuzz test found both: a lone surrogate ("\\udfff" in a JSON body) made the model's
    # tokenizer raise, and an empty message got no embedding, so the intent classifier saw
    # fewer columns than it was trained on. Either way the message got no answer.
    messages = [Message.build("bonjour \udfff"), Message.build("   "), Message.build("")]

    encoder(tmp_path).process(messages)

    assert all(embedding(m).shape == (512,) for m in messages)


def test_a_long_message_is_encoded_from_its_beginning(tmp_path):
    """Its time grows with the square of the text: a script's 60,000 characters took the Rasa
    server 4-10 s. The beginning says what a chat message is about."""
    beginning = "je n'ai pas reçu l'email d'activation " * 30
    long, short = Message.build(beginning + "- " * 30_000), Message.build(beginning)

    encoder(tmp_path).process([long, short])

    assert len(beginning) > MAX_ENCODED_CHARS
    assert np.allclose(embedding(long), embedding(short))
