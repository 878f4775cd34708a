"""The conversation's language through the REST channel: requests switch in any wording, both
ways; a message in the other language gets one offer to switch, never a silent switch; the form
goes on in the new language at the same question; a message in another of the platform's
languages gets an answer in that language; the password is never read for its language."""

from __future__ import annotations

import pytest

from bot.checks.identifiers import CompanyId
from tests.e2e.conftest import converse, texts
from tests.factories import invite

SWITCHED = {"fr": "D'accord, je continue en français.", "en": "Sure, I will continue in English."}
WHAT_NEXT = {"fr": "Que puis-je faire pour vous ?", "en": "What can I do for you?"}
OFFER = {
    "en": "You are writing in English: would you like to continue in English?",
    "fr": "Vous écrivez en français : souhaitez-vous continuer en français ?",
}
BUTTON = {lang: f'/change_language{{"language": "{lang}"}}' for lang in ("fr", "en")}


def payloads(reply: dict) -> list[str]:
    return [button["payload"] for button in reply.get("buttons") or []]


def said(replies: list[dict]) -> list[str]:
    """The texts of the replies, without the parts only the widget reads (custom)."""
    return [r["text"] for r in replies if r.get("text")]


def offers(replies: list[dict]) -> list[dict]:
    return [r for r in replies if r.get("text") in OFFER.values()]


@pytest.mark.parametrize(
    ("page", "turns"),
    [
        (
            "fr",
            [
                ("Sorry, I don't speak French. Can we continue in English?", SWITCHED["en"]),
                ("je ne parle pas anglais", SWITCHED["fr"]),
                ("English please", SWITCHED["en"]),
                ("en français svp", SWITCHED["fr"]),
            ],
        ),
        (
            "en",
            [
                ("je ne parle pas anglais", SWITCHED["fr"]),
                ("Sorry, I don't speak French. Can we continue in English?", SWITCHED["en"]),
                ("en français svp", SWITCHED["fr"]),
                ("English please", SWITCHED["en"]),
            ],
        ),
    ],
)
def test_a_request_in_any_wording_switches_both_ways(servers, conversation_id, page, turns):
    replies = converse(servers, conversation_id, turns, metadata={"language": page})
    assert not offers(replies)


@pytest.mark.parametrize(
    ("page", "question", "answer_in_page", "again", "answer_after_switch"),
    [
        (
            "fr",
            "where can I find the invitation code, please?",
            "email d'invitation",
            "what is a SIREN exactly?",
            "9-digit",
        ),
        (
            "en",
            "où est-ce que je trouve le code d'invitation ?",
            "invitation email",
            "c'est quoi un SIREN exactement ?",
            "9 chiffres",
        ),
    ],
)
def test_a_message_in_the_other_language_is_answered_then_offered_once(
    servers, conversation_id, page, question, answer_in_page, again, answer_after_switch
):
    written = "en" if page == "fr" else "fr"
    metadata = {"language": page}
    first = servers.say(conversation_id, question, metadata)
    assert answer_in_page in texts(first)  # answered in the page's language: no silent switch
    assert first[-1]["text"] == OFFER[written]  # then, last, the offer with its two buttons
    assert sorted(payloads(first[-1])) == sorted(BUTTON.values())
    # Rasa filled the buttons without reading their braces as a slot name (no ERROR logged)
    assert "interpolator" not in (servers.log_dir / "rasa.log").read_text(errors="replace")
    second = servers.say(conversation_id, question, metadata)
    assert answer_in_page in texts(second) and not offers(second)  # once only
    assert said(servers.say(conversation_id, BUTTON[written], metadata)) == [SWITCHED[written]]
    assert answer_after_switch in texts(servers.say(conversation_id, again, metadata))


@pytest.mark.parametrize(
    ("page", "turns", "switch", "same_question"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("France", "SIREN"),
                ("732 829 320", "code d'invitation"),
            ],
            "Sorry, I don't speak French. Can we continue in English?",
            "invitation code",
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("France", "SIREN"),
                ("732 829 320", "invitation code"),
            ],
            "je ne parle pas anglais",
            "code d'invitation",
        ),
    ],
)
def test_the_registration_goes_on_in_the_new_language_at_the_same_question(
    servers, conversation_id, page, turns, switch, same_question
):
    code = invite(servers.database_url, CompanyId("FR", "732829320"))
    metadata = {"language": page}
    converse(servers, conversation_id, turns, metadata)
    replies = servers.say(conversation_id, switch, metadata)
    wanted = "en" if page == "fr" else "fr"
    assert replies[0]["text"] == SWITCHED[wanted]
    assert same_question in texts(replies[1:])
    email = "email address" if wanted == "en" else "adresse email"
    assert email in texts(servers.say(conversation_id, code, metadata))


OTHER_LANGUAGES = [
    ("de", "Guten Tag, wo finde ich meinen Einladungscode?", "Französisch und Englisch"),
    ("nl", "Ik heb de activeringsmail niet ontvangen", "Frans en Engels"),
    ("it", "Dove trovo il mio codice di invito?", "francese e inglese"),
    ("es", "¿Dónde encuentro mi código de invitación?", "francés e inglés"),
    ("pt", "Não recebi o email de ativação", "francês e inglês"),
]


@pytest.mark.parametrize(
    ("page", "asking", "wanted"),
    [
        ("fr", "Sorry, can we continue in English please? My French is not good", "en"),
        ("en", "On peut continuer en français s'il vous plaît ? Mon anglais n'est pas bon", "fr"),
    ],
)
def test_a_request_that_also_names_the_language_not_spoken_well_switches_to_the_one_asked(
    servers, conversation_id, page, asking, wanted
):
    """The outside tester got "D'accord, je continue en français" (the language named last)."""
    replies = servers.say(conversation_id, asking, {"language": page})
    assert replies[0]["text"] == SWITCHED[wanted]


# "Do you speak ...?" in that language: the NLU reads a request for the other language, which
# switched between French and English (the outside tester's "¿Hablan español?").
SPEAK_QUESTIONS = [
    ("es", "¿Hablan español?", "francés e inglés"),
    ("it", "Parla italiano?", "francese e inglese"),
    ("de", "Sprechen Sie Deutsch?", "Französisch und Englisch"),
    ("nl", "Spreekt u Nederlands?", "Frans en Engels"),
    ("pt", "Fala português?", "francês e inglês"),
    # the platform's name, English words, hid the Spanish: "not sure" in French (outside tester)
    (
        "es",
        "Hola, recibí una invitación para registrarme en My Sis ID. ¿Pueden ayudarme en español?",
        "francés e inglés",
    ),
    # Both languages refused, too short for the language identifier: it read French, then a
    # request to switch to the other of the two (third outside tester)
    ("es", "no hablo francés ni inglés", "francés e inglés"),
    ("it", "non parlo né francese né inglese", "francese e inglese"),
    ("nl", "ik spreek geen Frans of Engels", "Frans en Engels"),
    ("pt", "não falo francês nem inglês", "francês e inglês"),
]


@pytest.mark.parametrize("page", ["fr", "en"])
@pytest.mark.parametrize(("language", "message", "answer"), OTHER_LANGUAGES + SPEAK_QUESTIONS)
def test_a_message_in_another_language_gets_an_answer_in_that_language(
    servers, conversation_id, page, language, message, answer
):
    replies = servers.say(conversation_id, message, {"language": page})
    assert len(replies) == 1, replies  # no answer picked from a guess, no "did you mean"
    assert answer in replies[0]["text"]
    assert sorted(payloads(replies[0])) == sorted(BUTTON.values())
    assert said(servers.say(conversation_id, BUTTON["en"])) == [SWITCHED["en"], WHAT_NEXT["en"]]


@pytest.mark.parametrize(
    ("page", "asking", "wanted"),
    [
        ("fr", "Ich verstehe kein Französisch. Englisch geht zur Not.", "en"),
        ("en", "Ich verstehe kein Englisch. Französisch geht zur Not.", "fr"),
    ],
)
def test_a_switch_at_the_first_message_asks_what_to_do(
    servers, conversation_id, page, asking, wanted
):
    """The fifth outside tester got "Sure, I will continue in English." and nothing more: no
    question, no button to go on with. The widget hears the new language (the words of a 429
    are in it)."""
    replies = servers.say(conversation_id, asking, {"language": page})
    assert said(replies) == [SWITCHED[wanted], WHAT_NEXT[wanted]]
    assert {"language": wanted} in [r.get("custom") for r in replies]
    asked = next(r for r in replies if r.get("text") == WHAT_NEXT[wanted])
    assert "/start_registration" in payloads(asked)
    # a button of it in the new language starts the registration in that language
    country = "country" if wanted == "en" else "pays"
    assert country in texts(servers.say(conversation_id, "/start_registration", {"language": page}))


@pytest.mark.parametrize(
    ("page", "turns", "passphrase", "next_question"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("France", "SIREN"),
                ("542 107 651", "code d'invitation"),
            ],
            "The Old Lighthouse Keeper Sleeps 9!",
            "Conditions Générales",
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("France", "SIREN"),
                ("542 107 651", "invitation code"),
            ],
            "Mon Vieux Vélo Rouge Roule Vite 9!",
            "Terms of Use",
        ),
    ],
)
def test_the_password_is_never_read_for_its_language(
    servers, conversation_id, page, turns, passphrase, next_question
):
    code = invite(servers.database_url, CompanyId("FR", "542107651"))
    email = f"{conversation_id[:12]}@acme-industrie.fr"
    yes = "oui" if page == "fr" else "yes"
    converse(
        servers,
        conversation_id,
        [
            *turns,
            (code, "email"),
            (email, email),
            (yes, "mot de passe" if page == "fr" else "password"),
        ],
        metadata={"language": page},
    )
    replies = servers.say(conversation_id, passphrase, {"language": page})
    assert next_question in texts(replies)
    assert not offers(replies)  # a passphrase in the other language is not a language
