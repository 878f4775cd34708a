"""AnswerFallbackClassifier: "not sure" when the intent is unsure (as Rasa's FallbackClassifier)
or when the answer chosen for a question is, and config.yml uses it as the last component."""

from __future__ import annotations

import copy

import pytest
import yaml
from rasa.nlu.classifiers.fallback_classifier import undo_fallback_prediction
from rasa.shared.nlu.training_data.message import Message

import bot.settings as settings_module
from rasa_ext.answer_fallback import AnswerFallbackClassifier
from tests.factories import ROOT

CONFIG = {
    "threshold": 0.7,
    "ambiguity_threshold": 0.1,
    "answer_threshold": 0.6,
    "answer_ambiguity_threshold": 0.2,
    "question_threshold": 0.9,
}


def reading(intent: str, confidence: float, answers: list[tuple[str, float]] | None = None):
    ranking = [
        {"name": intent, "confidence": confidence},
        {"name": "greet", "confidence": round(1 - confidence, 3)},
    ]
    data = {"text": "…", "intent": dict(ranking[0]), "intent_ranking": ranking}
    if answers is not None:
        chosen = (
            {"intent_response_key": answers[0][0], "confidence": answers[0][1]} if answers else {}
        )
        data["response_selector"] = {
            "all_retrieval_intents": ["faq", "chitchat"],
            "default": {
                "response": chosen,
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in answers],
            },
        }
    return data


def decide(data: dict) -> dict:
    [message] = AnswerFallbackClassifier(
        {**AnswerFallbackClassifier.get_default_config(), **CONFIG}
    ).process([Message(data=data)])
    return message.data


@pytest.mark.parametrize(
    ("data", "unsure"),
    [
        (reading("inform", 0.95), False),
        (reading("inform", 0.6), True),  # Rasa's threshold, unchanged
        (reading("faq", 0.95, [("faq/countries", 0.9), ("faq/free", 0.05)]), False),
        (reading("faq", 0.95, [("faq/countries", 0.5), ("faq/free", 0.1)]), True),  # answer unsure
        (reading("faq", 0.95, [("faq/countries", 0.65), ("faq/free", 0.5)]), True),  # too close
        # The runner-up of another retrieval intent does not make a faq answer ambiguous.
        (reading("faq", 0.95, [("faq/countries", 0.65), ("chitchat/thanks", 0.5)]), False),
        # The selector chose an answer of another retrieval intent: "faq" has no answer.
        (reading("faq", 0.95, [("chitchat/thanks", 0.9)]), True),
        (reading("faq", 0.95, []), True),
        # A question needs more than the other intents: "faq" at 0.85 is not sure, "inform" is.
        (reading("faq", 0.85, [("faq/countries", 0.9), ("faq/free", 0.05)]), True),
        (reading("chitchat", 0.85, [("chitchat/thanks", 0.9)]), True),
        (reading("inform", 0.85), False),
    ],
)
def test_a_question_is_answered_only_when_intent_and_answer_are_sure(data, unsure):
    decided = decide(data)

    assert (decided["intent"]["name"] == "nlu_fallback") is unsure


def test_the_reading_stays_underneath_for_the_closest_topics_and_rasa_test():
    data = reading("faq", 0.95, [("faq/countries", 0.5), ("faq/free", 0.1)])
    decided = decide(copy.deepcopy(data))

    assert decided["intent_ranking"][0]["name"] == "nlu_fallback"
    assert decided["intent_ranking"][1:] == data["intent_ranking"]
    assert decided["response_selector"] == data["response_selector"]
    assert undo_fallback_prediction(decided)["intent"]["name"] == "faq"


def test_config_yml_runs_it_after_every_classifier_and_sets_every_threshold():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [c["name"] for c in pipeline]
    # Only the language request comes after it: a plain "English please" is change_language
    # whatever the classifier's confidence (rasa_ext/language_request.py).
    assert names[-2:] == [
        "rasa_ext.answer_fallback.AnswerFallbackClassifier",
        "rasa_ext.language_request.LanguageRequest",
    ]
    last = pipeline[-2]

    assert set(CONFIG) <= set(last)
    assert "FallbackClassifier" not in [c["name"] for c in pipeline]


@pytest.mark.parametrize(
    ("text", "intent", "unsure"),
    [
        ("Hi, UK company, CRN 09446231, invitation code 3YMS-S22S-JKYH-13VJ", "inform", False),
        (
            "Bonjour, France, siren 732 829 320, code ACME-FR00-0000-0001",
            "start_registration",
            False,
        ),
        ("bonjour je sais pas trop", "greet", True),  # no answer in it: not sure, as before
        ("c'est quoi le SIREN 732 829 320 ?", "faq", True),  # a question stays a question
    ],
)
def test_a_message_that_carries_registration_answers_is_never_not_sure(text, intent, unsure):
    data = reading(intent, 0.55)
    data["text"] = text
    assert (decide(data)["intent"]["name"] == "nlu_fallback") is unsure


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour, notre SIREN est 732 829 320, code HXZZ 0000 0000 0002, que dois-je faire ?",
        "Hello, we are a UK company, CRN 09446231, code HXZZ 0000 0000 0002, how do I register?",
    ],
)
def test_an_unsure_question_that_holds_an_identifier_and_a_code_starts_the_registration(text):
    data = reading("faq", 0.55, [("faq/how_to_register", 0.9)])
    data["text"] = text

    decided = decide(data)

    # read as the registration's answers (the rules then start it with them), not "not sure"
    assert decided["intent"]["name"] == "inform"
    assert [i["name"] for i in decided["intent_ranking"]] == ["inform", "faq", "greet"]


@pytest.mark.parametrize(
    ("text", "confidence", "read_as"),
    [
        # a sure question is answered, whatever it holds
        ("Le code HXZZ 0000 0000 0002 du SIREN 732 829 320 expire quand ?", 0.97, "faq"),
        # an identifier without a code (or a code without an identifier) may be a question
        ("c'est quoi le SIREN 732 829 320, je fais comment ?", 0.55, "nlu_fallback"),
        ("my code HXZZ 0000 0000 0002 does not work, why?", 0.55, "nlu_fallback"),
    ],
)
def test_a_question_without_both_stays_a_question(text, confidence, read_as):
    data = reading("faq", confidence, [("faq/code_validity", 0.9)])
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("en fait mon email c'est irene.vidal@vidalsa.fr", "greet", 0.55),  # unsure
        ("oops, my email is wrong, it should be tom.baker@bakerltd.co.uk", "greet", 0.55),
        ("je me suis trompée d'adresse, c'est helene.roy@roysarl.fr", "already_registered", 0.9),
    ],
)
def test_a_message_that_corrects_an_address_with_the_new_one_is_a_correction(
    text, intent, confidence
):
    data = reading(intent, confidence)
    data["text"] = text

    decided = decide(data)

    assert decided["intent"]["name"] == "correct_field"
    assert decided["intent_ranking"][0]["name"] == "correct_field"


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "read_as"),
    [
        # no correction word: a sure answer stays as it is, an unsure one "not sure"
        ("mon email est irene.vidal@vidalsa.fr", "inform", 0.97, "inform"),
        ("voici irene.vidal@vidalsa.fr", "greet", 0.55, "nlu_fallback"),
        # the platform's address is nobody's new address
        ("en fait c'est noreply@sis-id.com", "greet", 0.55, "nlu_fallback"),
        # a sure question keeps its answer
        (
            "en fait je n'ai rien reçu sur jean@acme.fr",
            "activation_email_missing",
            0.97,
            "activation_email_missing",
        ),
    ],
)
def test_an_address_without_a_correction_is_read_as_before(text, intent, confidence, read_as):
    data = reading(intent, confidence)
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        (
            "Passez-moi un conseiller s'il vous plaît, c'est urgent, notre client bloque nos "
            "paiements tant qu'on n'est pas inscrits.",
            "out_of_scope",
            0.99,
        ),
        ("Put me through to an agent please, this is urgent.", "out_of_scope", 1.0),
        ("bonjour je veux parler à un humain", "greet", 0.55),
        ("Hello, can I talk to a real person please?", "human_handoff", 0.6),  # unsure itself
        ("pouvez-vous m'appeler ?", "faq", 0.97),  # it got why the phone number is asked
        ("can someone call me back please", "faq", 0.97),
        (
            "this is ridiculous, your stupid system keeps rejecting my code!!! I want a real "
            "person NOW",
            "faq",
            0.6,
        ),  # read as the code's answer, not sure: it got "not sure"
    ],
)
def test_a_plain_request_for_a_person_is_a_handoff_whatever_was_read(text, intent, confidence):
    """A long urgent request got "I cannot help with that"."""
    data = reading(intent, confidence)
    data["text"] = text

    decided = decide(data)

    assert decided["intent"]["name"] == "human_handoff"
    assert decided["intent_ranking"][0]["name"] == "human_handoff"


@pytest.mark.parametrize(
    ("text", "intent", "read_as"),
    [
        ("je ne veux pas parler à un conseiller", "deny", "deny"),
        ("I don't want to talk to a human, just tell me", "out_of_scope", "out_of_scope"),
        ("comment joindre un conseiller ?", "faq", "faq"),  # faq/contact_human answers it
        ("est-ce que je peux parler à un conseiller ?", "faq", "faq"),
        ("surtout ne m'appelez pas, répondez par email", "deny", "deny"),
        ("please do not call me", "out_of_scope", "out_of_scope"),
        # a question about the phone's use, not a request (the sixth held-out set's)
        ("avant que je mette mon tel : il sert a quoi, vous allez m'appeler ?", "faq", "faq"),
        ("will you call me?", "faq", "faq"),
    ],
)
def test_a_refusal_or_a_question_about_advisors_is_no_handoff(text, intent, read_as):
    data = reading(intent, 0.97, [("faq/contact_human", 0.9)] if intent == "faq" else None)
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    "text",
    [
        "finalement je veux continuer mon inscription",
        "je voudrais reprendre l'inscription",
        "actually, I'd like to continue my registration",
        "can I resume the registration?",
        # in haste (fourth and fifth outside testers: "not sure")
        "bjr jveux minscrire svp jsuis presse",
        "hi need to regstr our co, were german, got invte frm harwood",
        "nous souhaitons nous enregistrer sur votre site",
    ],
)
def test_an_unsure_request_to_go_on_registering_is_the_registrations_start(text):
    """It got "not sure" (after "stop", the supplier changed their mind)."""
    data = reading("faq", 0.48)
    data["text"] = text

    assert decide(data)["intent"]["name"] == "start_registration"


@pytest.mark.parametrize(
    ("text", "confidence", "read_as"),
    [
        ("je ne veux pas continuer mon inscription", 0.48, "nlu_fallback"),
        ("comment continuer après l'inscription ?", 0.48, "nlu_fallback"),
        ("how do I continue after the registration?", 0.97, "faq"),  # a sure question stays
        # the article's last step, "finaliser mon inscription", is a question about it
        ("comment finaliser l'inscription ?", 0.48, "nlu_fallback"),
        ("how do I finish my registration?", 0.48, "nlu_fallback"),
        # a question about registering, someone else's wish, a refusal
        ("pourquoi je dois m'inscrire ?", 0.48, "nlu_fallback"),
        ("mon collègue veut s'inscrire aussi", 0.48, "nlu_fallback"),
        ("I don't want to register", 0.48, "nlu_fallback"),
    ],
)
def test_a_refusal_or_a_question_about_after_is_not_going_on(text, confidence, read_as):
    data = reading("faq", confidence, [("faq/next_step", 0.9)])
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("je vous donne notre IBAN ici alors : FR76 3000 6000 0112 3456 7890 189", "inform"),
        ("Here it is: GB29 NWBK 6016 1331 9268 19", "nlu_fallback"),
        ("notre RIB : 30006 00001 12345678901 89", "faq"),
    ],
)
def test_bank_details_typed_in_the_conversation_get_the_answer_about_them(text, intent):
    """A pasted IBAN was read as a SIREN or a code and checked against another company."""
    data = reading(intent, 0.99 if intent != "nlu_fallback" else 0.3)
    data["text"] = text

    decided = decide(data)

    assert decided["intent"] == {**decided["intent"], "name": "faq", "confidence": 1.0}
    [topic] = [e for e in decided.get("entities", []) if e["entity"] == "topic"]
    assert topic["value"] == "faq/bank_details"
    # Where the number is: Rasa's evaluation (rasa test nlu, cross-validation) needs the span.
    assert text[topic["start"] : topic["end"]].strip()[-2:].isdigit()


@pytest.mark.parametrize(
    "text",
    [
        "je me suis inscrite avec claire.martin@acme-industrie.fr mais je n'ai pas reçu l'email "
        "d'activation",
        "I registered with claire.martin@acme-industrie.fr but I did not get the activation email",
    ],
)
def test_an_unsure_plain_activation_email_missing_is_that_whatever_address_it_holds(text):
    """The address's words swayed the classifier: sure with some addresses, not with others."""
    data = reading("nlu_fallback", 0.4)
    data["text"] = text

    assert decide(data)["intent"]["name"] == "activation_email_missing"


@pytest.mark.parametrize(
    ("text", "intent", "read_as"),
    [
        ("non non je continue finalement", "deny", "deny"),  # it got "not sure", then "ok" stopped
        ("no, not yet, I'll go on", "deny", "deny"),
        ("non, c'est quoi un SIREN ?", "faq", "nlu_fallback"),  # not read as a deny first
        ("No problem, merci", "deny", "nlu_fallback"),
        ("Non!2026abcd", "deny", "nlu_fallback"),  # a password holds a digit: never read as no
    ],
)
def test_an_unsure_message_beginning_with_no_read_as_deny_first_is_a_no(text, intent, read_as):
    data = reading(intent, 0.6)
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "read_as"),
    [
        ("So I should send our IBAN in this chat?", "faq", 0.6, "faq/bank_details"),
        ("on doit vous envoyer notre RIB ?", "out_of_scope", 0.96, "faq/bank_details"),
        ("will my customer see the bank details I send?", "faq", 0.99, None),  # sure: kept
    ],
)
def test_an_unsure_message_about_giving_bank_details_gets_never_give_them(
    text, intent, confidence, read_as
):
    data = reading(intent, confidence, [("faq/data_security", 0.9)] if intent == "faq" else None)
    data["text"] = text

    decided = decide(data)

    topics = [e["value"] for e in decided.get("entities") or [] if e["entity"] == "topic"]
    assert topics == ([read_as] if read_as else [])


def test_giving_bank_details_read_as_how_they_are_checked_gets_never_give_them():
    """ "Should I give you our IBAN so you can check it?" got how bank details are checked,
    sure: "never give them here" is the answer a fraud-prevention platform owes."""
    data = reading("faq", 0.99, [("faq/bank_details_check", 0.9)])
    data["text"] = "Should I give you our IBAN so you can check it?"

    decided = decide(data)

    topics = [e["value"] for e in decided.get("entities") or [] if e["entity"] == "topic"]
    assert topics == ["faq/bank_details"]
    # asked how they are checked, without giving them: that answer stays
    data = reading("faq", 0.99, [("faq/bank_details_check", 0.9)])
    data["text"] = "Does Sis ID check that our IBAN really belongs to us?"
    assert not [e for e in decide(data).get("entities") or [] if e["entity"] == "topic"]


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        # an identifier in a message that asks nothing: the registration, with it
        ("We are a Belgian company, enterprise number BE 0692.867.634, we got an invitation",
         "inform"),
        # a question, or a correction of an account's number, is not
        ("c'est quoi le SIREN 732 829 320 de mon client", "nlu_fallback"),
        ("I entered the wrong company number, CRN 07419932 instead of 07419923",
         "nlu_fallback"),
        ("is CRN 07419932 a valid number?", "nlu_fallback"),
        ("Our CRN 07733915 is rejected as invalid but it's definitely right", "nlu_fallback"),
    ],
)  # fmt: skip
def test_an_unsure_message_with_an_identifier_that_asks_nothing_starts_the_registration(
    text, read_as
):
    data = reading("faq", 0.55, [("faq/where_company_id", 0.9)])
    data["text"] = text

    assert decide(data)["intent"]["name"] == read_as


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("Le mail venait de noreply@sis-\u0456d.com, c'est bien vous ?", "faq/genuine_invitation"),
        ("The link goes to https://help.example.test/?invitation=ABCD - is that really you?",
         "faq/genuine_invitation"),
        # the same link, no question: left to the classifier
        ("https://help.example.test/?invitation=ABCD", None),
        ("https://help.example.test@evil.example/?invitation=ABCD is that really you?", None),
    ],
)  # fmt: skip
def test_an_unsure_question_about_a_link_or_a_lookalike_gets_its_answer(text, read_as, monkeypatch):
    """It got "not sure", and right after another one Rasa's second stage ("I cannot
    understand"): the warning about a look-alike, or the "yes, ours", was never said."""
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://help.example.test")
    monkeypatch.setattr(settings_module, "_cached", None)  # read with it, restored after
    data = reading("nlu_fallback", 0.3)
    data["text"] = text

    decided = decide(data)

    topics = [e["value"] for e in decided.get("entities") or [] if e["entity"] == "topic"]
    assert topics == ([read_as] if read_as else [])
