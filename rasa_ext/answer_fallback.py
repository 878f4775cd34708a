"""Rasa's FallbackClassifier, also unsure when the answer to a question is uncertain.

Rasa's `FallbackClassifier` predicts `nlu_fallback` when the intent's confidence is low or the
top two intents are close. For a retrieval intent (`faq`, `chitchat`) that is half the
question: the intent can be sure ("it is a question") while the answer is not ("about the
countries or about the identifiers?"), and Rasa then answers with the response selector's
first choice, however unsure. This component adds the answer's own confidence, read from the
`response_selector` output that any response selector fills (Rasa's `ResponseSelector` or a
replacement with the same output): the message falls back when

- the intent's confidence is under `threshold`, or the top two intents are closer than
  `ambiguity_threshold` (Rasa's behaviour, unchanged);
- or its intent is a retrieval intent (a question: an FAQ or small talk) whose confidence is
  under `question_threshold` (higher than `threshold`: on new wordings the classifier is sure
  of the nearest topic), or the chosen answer's confidence is under
  `answer_threshold`, or the top two answers of that intent are closer than
  `answer_ambiguity_threshold`, or the chosen answer belongs to another retrieval intent.

An unsure message that carries the registration's answers is not "not sure": the
registration starts with them (see `_registration_data`). One that corrects an address with the
new one ("en fait mon email c'est ...") is `correct_field` (see `_corrects_an_address`); a plain
request for a person is `human_handoff` (see `_asks_for_a_person`), and bank details typed in
the conversation get the answer about them (`_gives_bank_details`); an unsure message that names a
look-alike of our addresses, or asks whether a link to our site is ours, gets the answer on
genuine invitations (`_asks_about_a_link`), whose action says "no" or "yes" first.

Like Rasa's, it inserts `nlu_fallback` at the top of `intent_ranking` and leaves the rest of
the reading as it was: the "not sure" reply (actions/fallback.py) offers the closest topics from
it, and `rasa test nlu` undoes the fallback as it does Rasa's. The thresholds are config.yml
settings, tuned on the training data's cross-validation (`python -m bench.thresholds`, see
docs/quality.md); `question_threshold` on the held-out sets already looked at, never on the
latest (config.yml says which).
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.checks.answers import (
    asks_for_a_call,
    asks_for_a_person,
    asks_something,
    begins_with_no,
    corrected_address,
    goes_on_registering,
    has_correction_words,
    read_message,
    says_activation_email_missing,
)
from bot.checks.bank_details import bank_details_span, giving_bank_details
from bot.checks.email_addresses import lookalike_of, our_link
from bot.checks.sentences import asks_if_ours
from bot.facts import our_domains
from bot.understanding import intent_of, retrieval_intents, selected_answer

# The intents a message that carries registration answers may have: "Hi, UK company, CRN
# 09446231, code ..." starts the registration with them, however sure the classifier is of the
# intent (it mixes a greeting and answers); a question that names an identifier stays a question.
DATA_INTENTS = frozenset({"inform", "start_registration"})
REGISTERING_DATA = frozenset({"company_id", "invitation_code"})
# A sure intent that a message correcting an address may have been given besides "not sure"
# (the registration's start, which knows the conversation, reads such a message itself:
# actions/registration.py).
CORRECTABLE = frozenset({"already_registered"})
HANDOFF = "human_handoff"
OUT_OF_SCOPE = "out_of_scope"
# The answer to how to reach an advisor: a question about it is answered, not a handoff.
CONTACT_HUMAN = "faq/contact_human"
# The answer to bank details typed in the conversation, and the entity that names it (the
# topic a "not sure" button names, read by actions/answers.py).
BANK_DETAILS = "faq/bank_details"
BANK_DETAILS_CHECK = "faq/bank_details_check"
# The answer whose action first says whether an address or a link is ours.
GENUINE_INVITATION = "faq/genuine_invitation"
TOPIC = "topic"
ANSWER_THRESHOLD_KEY = "answer_threshold"
QUESTION_THRESHOLD_KEY = "question_threshold"
ANSWER_AMBIGUITY_THRESHOLD_KEY = "answer_ambiguity_threshold"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerFallbackClassifier(FallbackClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **FallbackClassifier.get_default_config(),
            ANSWER_THRESHOLD_KEY: 0.0,
            ANSWER_AMBIGUITY_THRESHOLD_KEY: 0.0,
            QUESTION_THRESHOLD_KEY: 0.0,
        }

    def _should_fallback(self, message: Message) -> bool:
        if _gives_bank_details(message) or _asks_for_a_person(message):
            return False
        if _about_bank_details(message) and _speaks_of_giving_bank_details(message):
            # "on doit vous envoyer notre RIB ?" was "I cannot help with that"; "Should I give
            # you our IBAN so you can check it?" the answer on how bank details are checked
            return False
        unsure = super()._should_fallback(message) or self._answer_unsure(message.data)
        if (unsure or intent_of(message.data)[0] in CORRECTABLE) and _corrects_an_address(message):
            return False
        if unsure:
            # Read for answers only then: not on every message's path.
            return not (
                _speaks_of_giving_bank_details(message)
                or _asks_about_a_link(message)
                or _registration_data(message)
                or _goes_on_registering(message)
                or _activation_email_missing(message)
                or _an_unsure_no(message)
            )
        return False

    def _answer_unsure(self, message_data: dict) -> bool:
        intent, confidence = intent_of(message_data)
        if intent not in retrieval_intents(message_data):
            return False
        if confidence < self.component_config[QUESTION_THRESHOLD_KEY]:
            return True
        answer = selected_answer(message_data, intent)
        if answer is None:  # no answer, or one of another retrieval intent
            return True
        return (
            answer.confidence < self.component_config[ANSWER_THRESHOLD_KEY]
            or answer.confidence - answer.runner_up
            < self.component_config[ANSWER_AMBIGUITY_THRESHOLD_KEY]
        )


def _gives_bank_details(message: Message) -> bool:
    """An IBAN typed in the conversation ("je vous donne notre IBAN : FR76 ..."): the answer
    that the assistant never asks for bank details, for sure, whatever the classifier read. Its
    digits were read as a SIREN or an invitation code, and checked against another company."""
    return _answer_bank_details(message, bank_details_span(message.get(TEXT) or ""))


def _speaks_of_giving_bank_details(message: Message) -> bool:
    """An unsure "So I should send our IBAN in this chat?", "the link asks for our IBAN, that's
    you, right?": the same answer (it got "not sure" where a fraud-prevention platform owes a
    plain "never"). Only when the classifier is not sure or read it as out of scope: a sure
    answer about bank details ("will my customer see the bank details I enter?") is kept."""
    return _answer_bank_details(message, giving_bank_details(message.get(TEXT) or ""))


def _asks_about_a_link(message: Message) -> bool:
    """An unsure message that names a look-alike of our addresses ("le mail venait de
    noreply@sis-іd.com, c'est bien vous ?") or asks about a link to our site ("le lien pointe
    vers https://<our site>/?invitation=..., c'est bien chez vous ?"): the answer about a
    genuine invitation, whose action says "no, not ours" or "yes, ours" first
    (actions/common.py). Unsure, it got "not sure", and right after another "not sure" Rasa's
    second stage, "I cannot understand": a phishing question left without its warning."""
    text = message.get(TEXT) or ""
    ours = our_domains()
    found = lookalike_of(text, ours)
    if found is None and not (asks_if_ours(text) and our_link(text, ours)):
        return False
    start = text.lower().find(found) if found else -1
    span = (start, start + len(found)) if start >= 0 else (0, len(text))
    return _answer_with(message, GENUINE_INVITATION, span)


def _about_bank_details(message: Message) -> bool:
    """Read as out of scope, or as the question of how bank details are checked: a message that
    speaks of giving them to us then gets "never give them" (the safer answer of the two)."""
    intent = intent_of(message.data)[0]
    if intent == OUT_OF_SCOPE:
        return True
    answer = selected_answer(message.data, intent) if intent == "faq" else None
    return answer is not None and answer.key == BANK_DETAILS_CHECK


def _answer_bank_details(message: Message, span: tuple[int, int] | None) -> bool:
    return _answer_with(message, BANK_DETAILS, span)


def _answer_with(message: Message, answer: str, span: tuple[int, int] | None) -> bool:
    """``answer`` (an FAQ's key) for sure, named by the topic entity over ``span``."""
    if span is None:
        return False
    _put_first(message, answer.split("/")[0], confidence=1.0)
    topic = {
        "entity": TOPIC,
        "value": answer,
        "start": span[0],
        "end": span[1],
        "extractor": AnswerFallbackClassifier.__name__,
    }
    others = [e for e in message.get(ENTITIES) or [] if e.get("entity") != TOPIC]
    message.set(ENTITIES, [*others, topic], add_to_output=True)
    return True


def _asks_for_a_person(message: Message) -> bool:
    """ "Passez-moi un conseiller s'il vous plaît, c'est urgent, notre client bloque nos
    paiements": `human_handoff` (first in the ranking) whatever the classifier read, unless it
    is a question about reaching one ("est-ce que je peux parler à un conseiller ?" is
    faq/contact_human; an angry "I want a real person NOW" about a code read as the code's
    answer got "not sure"). A request to be called is one ("pouvez-vous m'appeler ?" was the
    phone number's answer). A long urgent request was read as out of scope: "I cannot help
    with that"."""
    intent, confidence = intent_of(message.data)
    text = message.get(TEXT) or ""
    answer = selected_answer(message.data, intent) if intent == "faq" else None
    about_reaching_one = answer is not None and answer.key == CONTACT_HUMAN
    if (about_reaching_one and not asks_for_a_call(text)) or (
        intent == HANDOFF and confidence >= 1.0
    ):
        return False
    if not asks_for_a_person(text):
        return False
    # Sure: at the password question an unsure command is read as the password.
    _put_first(message, HANDOFF, confidence=1.0)
    return True


def _an_unsure_no(message: Message) -> bool:
    """ "Non non je continue finalement" at "do you really want to stop?": the classifier's
    best guess is `deny`, not sure enough; it got "not sure", and the next "ok" stopped the
    registration. A message that begins with "non" / "no" and is read as `deny` first is a
    `deny`."""
    text = message.get(TEXT) or ""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if not ranking or ranking[0].get(INTENT_NAME_KEY) != "deny":
        return False
    if not begins_with_no(text):
        return False
    _put_first(message, "deny")
    return True


def _goes_on_registering(message: Message) -> bool:
    """An unsure "finalement je veux continuer mon inscription": `start_registration` (first
    in the ranking). During the registration its rule says that it goes on and asks the
    pending question; after a stop it starts again. It got "not sure"."""
    if not goes_on_registering(message.get(TEXT) or ""):
        return False
    _put_first(message, "start_registration")
    return True


def _activation_email_missing(message: Message) -> bool:
    """An unsure "je me suis inscrite avec claire.martin@... mais je n'ai pas reçu l'email
    d'activation": `activation_email_missing` (first in the ranking). The address's words
    swayed the classifier (sure with some addresses, "not sure" with others); the activation
    help then takes the address from the message."""
    if not says_activation_email_missing(message.get(TEXT) or ""):
        return False
    _put_first(message, "activation_email_missing")
    return True


def _corrects_an_address(message: Message) -> bool:
    """ "En fait mon email c'est X", "je me suis trompée d'adresse, c'est X": the intent becomes
    `correct_field` (first in the ranking), with the address in the text. After the account
    was created the address correction starts with it (actions/registration.py), during the
    registration the form reads it; it got "not sure", or "your account already exists"."""
    if corrected_address(message.get(TEXT) or "") is None:
        return False
    _put_first(message, "correct_field")
    return True


def _put_first(message: Message, intent_name: str, confidence: float | None = None) -> None:
    """``intent_name`` becomes the message's intent, first in its ranking (with its ranked
    confidence, or ``confidence``)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    found = next((i for i in ranking if i.get(INTENT_NAME_KEY) == intent_name), None)
    intent = dict(found or {INTENT_NAME_KEY: intent_name, PREDICTED_CONFIDENCE_KEY: 0.0})
    if confidence is not None:
        intent[PREDICTED_CONFIDENCE_KEY] = confidence
    message.set(INTENT, intent, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY,
        [intent, *(i for i in ranking if i.get(INTENT_NAME_KEY) != intent_name)],
        add_to_output=True,
    )


# An identifier given to register: "..., we got an invitation", "on veut s'inscrire" (not "our
# CRN 07733915 is rejected as invalid", an advisor's question, a held-out set's).
_ABOUT_REGISTERING = re.compile(
    r"\b(?:invit\w*|inscri\w*|enregistr\w*|register\w*|sign(?:ing)? ?up|cr[ée]er|create)"
)


def _registration_data(message: Message) -> bool:
    """An unsure message that is the registration's answers, and is then read as such:

    - the top intent may carry answers and the text holds a country, an identifier, a code or
      an address (bot/checks/answers.py, as the registration's start reads it);
    - or, whatever the intent, the text holds a company identifier and an invitation code: only
      a supplier registering pastes both ("Bonjour, notre SIREN est ..., le code ..., que
      dois-je faire ?"); or an identifier in a message that asks nothing. Its intent becomes
      `inform` (first in the ranking), so the registration starts with them instead of "not
      sure" losing them.
    """
    intent, _ = intent_of(message.data)
    values = read_message(message.get(TEXT) or "", None, {}).values
    if intent in DATA_INTENTS:
        return bool(values)
    text = message.get(TEXT) or ""
    # "We are a Belgian company, numéro d'entreprise BE 0692.867.634, we got an invitation":
    # an identifier in a message that asks nothing (it got "not sure", then the country asked)
    # ("I entered the wrong company number, CRN X instead of Y": a correction, an advisor's)
    identifies = (
        "company_id" in values
        and bool(_ABOUT_REGISTERING.search(text.lower()))
        and not asks_something(text)
        and not has_correction_words(text)
    )
    if not (REGISTERING_DATA <= values.keys() or identifies):
        return False
    _put_first(message, "inform")
    return True
