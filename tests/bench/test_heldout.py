"""The held-out benchmark's scoring (bench/heldout) and its question file."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.heldout import (
    ADVISOR,
    HELD_OUT_SETS,
    KINDS,
    NOT_SURE,
    Question,
    Table,
    load_questions,
    score,
)
from bot.checks.language import LANGUAGES, OTHER_LANGUAGES
from bot.responses import load_domain


def reading(intent: str, key: str | None = None, text: str = "") -> dict:
    data = {"text": text, "intent": {"name": intent, "confidence": 0.9}}
    if key:
        data["response_selector"] = {
            "all_retrieval_intents": ["faq", "chitchat"],
            "default": {"response": {"intent_response_key": key, "confidence": 0.8}},
        }
    return data


@pytest.mark.parametrize(
    "path", HELD_OUT_SETS, ids=["first", "second", "third", "fourth", "fifth", "sixth", "seventh"]
)
def test_each_question_file_has_enough_questions_of_each_kind_and_real_expectations(path):
    questions = load_questions(path)
    domain = load_domain()
    topics = {name.removeprefix("utter_") for name in domain["responses"] if "/" in name}
    known = topics | set(domain["intents"]) | {NOT_SURE, ADVISOR}

    assert len(questions) >= 150
    assert set(Counter(q.kind for q in questions)) == set(KINDS)
    # French and English; the sixth and seventh sets also have messages in the platform's other
    # languages, in Polish, and mixing languages ("mix"), each scored under its own language.
    assert (
        {"fr", "en"} <= {q.lang for q in questions} <= {*LANGUAGES, *OTHER_LANGUAGES, "pl", "mix"}
    )
    assert len({q.text for q in questions}) == len(questions)
    others = {q.text.casefold() for p in HELD_OUT_SETS if p != path for q in load_questions(p)}
    assert not {q.text.casefold() for q in questions} & others
    assert {label for q in questions for label in q.expect} <= known


def test_right_confident_wrong_and_not_sure():
    countries = Question("quels pays ?", "fr", "answerable", ("faq/countries",))
    weather = Question("météo ?", "fr", "unanswerable", (NOT_SURE,))
    locked = Question("compte bloqué", "fr", "adjacent", (ADVISOR,))

    assert score(countries, reading("faq", "faq/countries")).outcome == "right"
    assert score(countries, reading("faq", "faq/free")).outcome == "confident_wrong"
    assert score(countries, reading("out_of_scope")).outcome == "confident_wrong"
    offered = score(countries, reading("nlu_fallback"), lambda _: ["faq/countries"])
    assert (offered.outcome, offered.right_offered) == ("not_sure", True)
    assert score(weather, reading("out_of_scope")).outcome == "right"  # an honest "cannot help"
    assert score(weather, reading("inform")).outcome == "confident_wrong"
    assert score(locked, reading("human_handoff")).outcome == "right"


def test_what_the_product_does_beyond_the_nlu_is_scored_as_the_supplier_gets_it():
    german = "Ich habe keinen Einladungscode bekommen, was nun?"
    unanswerable = Question(german, "fr", "unanswerable", (NOT_SURE,))
    start = Question("go", "en", "answerable", ("start_registration",))
    code = "let's get started, my code is TRVN-GB00-5520-1184"
    address = "Notre compte a été ouvert avec jm.roux@laposte.example, on veut changer"
    change = Question(address, "fr", "answerable", ("faq/change_email_after_activation",))

    # The language policy's notice, whatever the NLU guessed: an honest reply.
    assert score(unanswerable, reading("faq", "faq/no_invitation", german)).outcome == "right"
    # An answer with no question pending: the registration starts with the code...
    assert score(start, reading("inform", text=code)).outcome == "right"
    # ... and with an address meant for an address change: a confident wrong answer.
    assert score(change, reading("inform", text=address)).outcome == "confident_wrong"
    assert score(start, reading("inform", text="test test 123")).answer == "inform"


def test_the_table_counts_per_kind_and_language_with_totals():
    q = Question("quels pays ?", "fr", "answerable", ("faq/countries",))
    results = [score(q, reading("faq", "faq/countries")), score(q, reading("faq", "faq/free"))]
    table = Table.of(results)

    assert table.counts[("answerable", "fr")]["right"] == 1
    assert table.counts[("all", "all")]["confident_wrong"] == 1
    assert "answerable   fr" in table.render()


def test_no_held_out_question_is_in_the_training_data():
    from rasa.shared.nlu.training_data.loading import load_data

    from tests.factories import ROOT

    trained_on = {
        e.get("text").casefold() for e in load_data(str(ROOT / "data" / "nlu")).intent_examples
    }
    held_out = {q.text.casefold() for path in HELD_OUT_SETS for q in load_questions(path)}

    assert not held_out & trained_on


def test_an_answer_named_by_the_reading_is_the_one_scored():
    """An IBAN typed: the product says the bank-details answer (the topic entity of
    rasa_ext/answer_fallback.py), whatever the selector chose; the scorer read the selector."""
    data = reading("faq", "faq/second_user", text="Here's our IBAN GB29 NWBK 6016 1331 9268 19")
    data["entities"] = [{"entity": "topic", "value": "faq/bank_details"}]
    bank = Question("IBAN", "en", "answerable", ("faq/bank_details",))

    assert score(bank, data).outcome == "right"
