"""What the tracker store writes: no password, no full invitation code, the rest intact."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.checks.invitation_codes import ALPHABET, format_code
from bot.privacy.redaction import (
    MAX_CODES,
    MAX_SECRETS,
    PASSWORD_SET,
    REDACTED,
    RedactionContext,
    looks_like_password,
    redact_events,
    redact_new_events,
    redact_text,
)

PASSWORD = "Tr0ub4dor&3-Quai"
CODE = "E2EF-R000-0000-0001"


def user(text: str, intent: str = "inform", confidence: float = 0.4, **extra) -> dict:
    """A user event as ``UserUttered.as_dict()`` writes it."""
    return {
        "event": "user",
        "timestamp": 1.0,
        "metadata": extra.pop("metadata", {}),
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": extra.pop("entities", []),
            "text": text,
            "message_id": "3f2a9c1e12345678",
            "metadata": {},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
        },
        "input_channel": "rest",
        "message_id": "3f2a9c1e-1234-5678-9abc-def012345678",
    }


def slot(name: str, value) -> dict:
    return {"event": "slot", "timestamp": 1.0, "name": name, "value": value}


def bot(text: str) -> dict:
    return {"event": "bot", "timestamp": 1.0, "text": text, "data": {}, "metadata": {}}


def listen() -> dict:
    return {"event": "action", "timestamp": 1.0, "name": "action_listen"}


def registration(password: str = PASSWORD, code_text: str = CODE.lower()) -> list[dict]:
    """The events of a registration up to the terms question, as Rasa stores them."""
    return [
        {"event": "session_started", "timestamp": 0.5, "metadata": {"language": "fr"}},
        listen(),
        user("Bonjour, je voudrais créer mon compte", "start_registration", 0.97),
        slot("requested_slot", "invitation_code"),
        bot("Quel est votre code d'invitation ?"),
        listen(),
        user(code_text, entities=[{"entity": "code", "value": code_text, "start": 0}]),
        slot("invitation_code", "E2EFR00000000001"),
        slot("invitation_valid", True),
        bot("Votre code E2EF-R000-0000-0001 est valide : invitation de ACME Industries."),
        slot("requested_slot", "email"),
        bot("Quelle est votre adresse email ?"),
        listen(),
        user("jean.dupont@acme-industrie.fr"),
        slot("email", "jean.dupont@acme-industrie.fr"),
        slot("requested_slot", "password"),
        bot("Choisissez un mot de passe."),
        listen(),
        user("motdepasse1"),  # refused: no upper case, no special character
        slot("password", None),
        bot("Ce mot de passe ne respecte pas la règle : il manque une majuscule."),
        slot("requested_slot", "password"),
        listen(),
        user(password, entities=[{"entity": "field", "value": password, "start": 0}]),
        slot("password", PASSWORD_SET),
        slot("requested_slot", "terms_accepted"),
        bot("Acceptez-vous les Conditions Générales d'Utilisation ?"),
        listen(),
        user("J'accepte", "affirm", 0.95),
    ]


def dump(events: list[dict]) -> str:
    """Both ways a store may serialise: Rasa's SQL store escapes non-ASCII, others do not."""
    return json.dumps(events) + json.dumps(events, ensure_ascii=False)


def test_the_message_that_answered_the_password_question_is_replaced_by_the_marker():
    events = redact_events(registration())
    answer = events[23]
    assert answer["text"] == REDACTED
    assert answer["parse_data"]["text"] == REDACTED
    assert answer["parse_data"]["entities"][0]["value"] == REDACTED
    # What analysts need stays: the intent, the order, the other messages.
    assert answer["parse_data"]["intent"]["name"] == "inform"
    assert events[13]["text"] == "jean.dupont@acme-industrie.fr"
    assert events[28]["text"] == "J'accepte"
    assert PASSWORD not in dump(events)


def test_a_refused_password_is_redacted_too_and_wherever_it_is_repeated():
    events = registration()
    events.append(user("au fait j'avais tapé motdepasse1 tout à l'heure"))
    redacted = redact_events(events)
    assert redacted[18]["text"] == REDACTED
    assert "motdepasse1" not in dump(redacted)
    assert redacted[-1]["text"] == f"au fait j'avais tapé {REDACTED} tout à l'heure"


def test_a_message_taken_for_a_command_while_the_password_is_asked_is_redacted_anyway():
    # A password that the NLU reads confidently as "stop" would otherwise be stored as typed.
    events = [*registration()[:19], slot("requested_slot", "password"), listen()]
    events.append(user("Stop!2026abcd", "stop", 0.93))
    redacted = redact_events(events)
    assert redacted[-1]["text"] == REDACTED
    assert redacted[-1]["parse_data"]["intent"] == {"name": "stop", "confidence": 0.93}


def test_messages_after_the_password_question_or_after_a_restart_are_kept():
    events = [
        slot("requested_slot", "password"),
        user(PASSWORD),
        {"event": "restart", "timestamp": 2.0},
        user("je voudrais recommencer"),
        slot("requested_slot", "password"),
        slot("requested_slot", None),
        user("merci"),
    ]
    redacted = redact_events(events)
    assert [e.get("text") for e in redacted if e["event"] == "user"] == [
        REDACTED,
        "je voudrais recommencer",
        "merci",
    ]


def test_secret_slot_values_are_replaced_but_the_markers_and_none_are_kept():
    events = [
        slot("password", "Secret!2026x"),
        slot("password", PASSWORD_SET),
        slot("password", None),
    ]
    assert [e["value"] for e in redact_events(events)] == [REDACTED, PASSWORD_SET, None]
    assert "Secret!2026x" not in dump(redact_events(events))


def test_the_invitation_code_is_masked_everywhere_except_its_first_four_symbols():
    redacted = redact_events(registration())
    text = dump(redacted)
    assert "E2EF" in text
    for written in ("E2EF-R000-0000-0001", "e2ef-r000-0000-0001", "E2EFR00000000001", "R000-0000"):
        assert written.lower() not in text.lower()
    assert redacted[6]["text"] == "E2EF…"
    assert redacted[7]["value"] == "E2EF…"
    assert redacted[9]["text"] == "Votre code E2EF… est valide : invitation de ACME Industries."


def test_a_code_from_the_invitation_link_is_masked_in_metadata_and_slots():
    link = "ACME-FR00-0000-0001"
    events = [
        {"event": "session_started", "metadata": {"invitation_code": link, "language": "en"}},
        slot("invitation_code", "ACMEFR0000000001"),
        slot("code_from_link", True),
        user("/start_registration", metadata={"invitation_code": link}),
        bot("Your invitation code ACMEFR0000000001 is already filled in."),
    ]
    redacted = redact_events(events)
    assert "0000" not in dump(redacted)
    assert redacted[0]["metadata"] == {"invitation_code": "ACME…", "language": "en"}
    assert redacted[1]["value"] == "ACME…"
    assert redacted[2]["value"] is True
    assert redacted[3]["metadata"]["invitation_code"] == "ACME…"
    assert redacted[4]["text"] == "Your invitation code ACME… is already filled in."


def test_the_web_app_s_client_reference_is_never_written():
    """A pseudonym of the browser's address, for the handoff limit per client only: kept, it
    would let the logs link a supplier's conversations by address."""
    reference = "c" * 32
    metadata = {"language": "fr", "client_reference": reference}
    events = [
        {"event": "session_started", "metadata": dict(metadata)},
        slot("session_started_metadata", dict(metadata)),
        user("bonjour", metadata=dict(metadata), parse_data={"metadata": dict(metadata)}),
    ]
    redacted = redact_events(events)

    assert reference not in dump(redacted)
    assert redacted[0]["metadata"] == {"language": "fr"}
    assert redacted[2]["metadata"] == {"language": "fr"}


def test_a_code_slot_filled_with_the_whole_message_is_masked_as_the_code_it_holds():
    # The form's from_text mapping first sets the slot to the message, then validation to the
    # code: the message stays readable, with the code masked.
    events = [
        slot("requested_slot", "invitation_code"),
        user("mon code est nsd0-fr00-0000-0001"),
        slot("invitation_code", "mon code est nsd0-fr00-0000-0001"),
        slot("invitation_code", "NSD0FR0000000001"),
    ]
    redacted = redact_events(events)
    assert redacted[1]["text"] == "mon code est NSD0…"
    assert [e["value"] for e in redacted[2:]] == ["NSD0…", "NSD0…"]


def test_a_short_code_chosen_by_a_customer_is_masked_when_typed_as_the_answer():
    events = [slot("requested_slot", "invitation_code"), user("mon code est ACME2024X")]
    redacted = redact_events(events)
    assert redacted[1]["text"] == "mon code est ACME…"


def test_a_wrong_code_typed_anywhere_is_masked_but_words_and_ids_are_not():
    events = [
        user("voici le code abcd-1234-efgh-5678 mais l'authentification échoue"),
        bot("Id 3f2a9c1e-1234-5678-9abc-def012345678"),
    ]
    redacted = redact_events(events)
    assert redacted[0]["text"] == "voici le code ABCD… mais l'authentification échoue"
    assert redacted[0]["message_id"] == "3f2a9c1e-1234-5678-9abc-def012345678"
    assert redacted[1]["text"] == "Id 3f2a9c1e-1234-5678-9abc-def012345678"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("voici notre IBAN FR76 3000 6000 0112 3456 7890 189 pour aller plus vite",
         "voici notre IBAN FR… pour aller plus vite"),
        ("our RIB is 30006000011234567890189, ok?", "our RIB is …, ok?"),
        ("GB82 WEST 1234 5698 7654 32", "GB…"),
    ],
)  # fmt: skip
def test_bank_details_pasted_in_the_chat_keep_only_their_country(typed, kept):
    """An IBAN was kept as "FR76 3000… 7890 189": the bank code, and the end of the account
    with its key (fourth outside tester, m10)."""
    assert redact_events([user(typed)])[0]["text"] == kept


def test_redaction_is_idempotent_and_leaves_its_input_alone():
    events = registration()
    original = json.dumps(events)
    once = redact_events(events)
    assert json.dumps(events) == original
    assert redact_events(once) == once


def test_a_turn_is_redacted_with_the_context_of_the_turns_before_it():
    # Whether a message answered the password question depends on the events before it: the
    # tracker store passes their context, not the events themselves.
    events = registration(password="motdepasse1")  # a weak answer: no rule finds it alone
    before = redact_new_events(events[:23])
    assert before.context.requested_slot == "password"
    turn = redact_new_events(events[23:], before.context)
    assert turn.events[0]["text"] == REDACTED
    assert redact_new_events(events[23:]).events[0]["text"] == "motdepasse1"  # no context
    assert turn.new_passwords == ("motdepasse1",)


def test_from_start_only_the_new_events_are_returned_but_redacted_with_their_context():
    events = registration()
    assert redact_events(events, 23) == redact_events(events)[23:]
    assert redact_events(events, 23)[0]["text"] == REDACTED


def test_redact_text_for_log_lines():
    line = "checked code k7m4 pq2x 9rtb 3hwd for 732829320 with password Secret!2026x"
    assert redact_text(line, secrets=["Secret!2026x"]) == (
        f"checked code K7M4… for 732829320 with password {REDACTED}"
    )


# --- properties: whatever the password or the code, it does not survive -------------------

_SPECIALS = "!@#$%^&*()-_=+[]{};:'\",<>/?\\|`~é€ ñ"
passwords = st.tuples(
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=3),
    st.text(alphabet=string.ascii_lowercase + "éèàç", min_size=1, max_size=6),
    st.text(alphabet=string.digits, min_size=1, max_size=3),
    st.text(alphabet=_SPECIALS, min_size=1, max_size=3),
    st.text(min_size=0, max_size=20),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(password=passwords)
def test_a_random_password_never_survives(password):
    base = registration(password="PLACEHOLDER")
    assume(len(password) >= 8 and password not in dump(base) and REDACTED not in password)
    assume(password.lower() not in dump(base).lower())
    events = registration(password=password)
    # Also typed again later in the same conversation.
    events.append(user(f"mon mot de passe est {password}"))
    text = dump(redact_events(events))
    assert password not in text
    assert json.dumps(password)[1:-1] not in text
    assert json.dumps(password, ensure_ascii=False)[1:-1] not in text


codes = st.text(alphabet=ALPHABET, min_size=16, max_size=16)


@settings(max_examples=200, deadline=None)
@given(code=codes, lower=st.booleans(), grouped=st.booleans())
def test_a_random_invitation_code_never_survives(code, lower, grouped):
    typed = format_code(code) if grouped else code
    typed = typed.lower() if lower else typed
    events = registration(code_text=f"le code est {typed}")
    events[7] = slot("invitation_code", code)
    events[9] = bot(f"Votre code {format_code(code)} est valide.")
    text = dump(redact_events(events)).upper()
    assert code not in text
    assert format_code(code) not in text
    assert code[:4] in text  # the prefix is kept so that support can tell codes apart


@pytest.mark.parametrize("typed", ["Wq§9zk", "Wq§9zk7"])
def test_a_password_of_six_characters_or_more_is_masked_in_other_messages_too(typed):
    events = registration(password=typed)
    events.append(user(f"j'avais mis {typed} comme mot de passe"))
    redacted = redact_events(events)
    assert redacted[23]["text"] == REDACTED
    assert redacted[-1]["text"] == f"j'avais mis {REDACTED} comme mot de passe"
    assert redacted[-1]["parse_data"]["text"] == redacted[-1]["text"]
    assert typed not in dump(redacted)


def test_a_short_password_answer_is_masked_but_not_searched_in_other_messages():
    # The answer itself is the secret whatever its length. Searched for elsewhere, a string
    # this short would mask ordinary words: "merci" typed at the password question must not
    # turn every later "merci" into the marker.
    events = registration(password="merci")
    events.append(user("merci beaucoup"))
    redacted = redact_events(events)
    assert redacted[23]["text"] == redacted[23]["parse_data"]["text"] == REDACTED
    assert redacted[23]["parse_data"]["entities"][0]["value"] == REDACTED
    assert redacted[-1]["text"] == "merci beaucoup"


# --- a password typed where the form did not ask for it -------------------------------------

STRAY = "Soleil-Vert-2026"  # satisfies the article's rule: upper, lower, digit, special


def texts_of(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "user"]


@pytest.mark.parametrize(
    "message",
    [
        f"Bonjour, mon mot de passe sera {STRAY}",
        f"Hello, my password will be {STRAY}.",
        f"changer mon mot de passe en « {STRAY} »",
        f"change my password to {STRAY} please",
        f"en fait le mot de passe c'est {STRAY}, pas l'autre",
        f"actually the password is {STRAY}",
        f"/{STRAY}",
    ],
)
def test_a_password_typed_anywhere_is_masked_and_the_rest_of_the_message_kept(message):
    events = [
        {"event": "session_started", "metadata": {"language": "fr"}},
        user(message, "nlu_fallback", 0.3, entities=[{"entity": "field", "value": STRAY}]),
    ]
    redacted = redact_new_events(events).events
    [text] = texts_of(redacted)
    assert STRAY not in dump(redacted)
    assert text == message.replace(
        f"/{STRAY}" if message.startswith("/") else STRAY,
        REDACTED,
    )
    assert redacted[1]["parse_data"]["text"] == text
    assert redacted[1]["parse_data"]["entities"][0]["value"] == REDACTED


def test_a_password_typed_at_the_email_question_is_masked_in_the_message_and_the_slot():
    events = [
        slot("requested_slot", "email"),
        listen(),
        user(STRAY),
        slot("email", STRAY),  # the form's from_text mapping, before validation refuses it
        slot("email", None),
        bot("Cette adresse email n'est pas valide."),
    ]
    redacted = redact_new_events(events).events
    assert STRAY not in dump(redacted)
    assert redacted[2]["text"] == REDACTED
    assert [e["value"] for e in redacted if e["event"] == "slot"] == ["email", REDACTED, None]


def test_a_password_repeated_by_a_reply_is_masked_there_too():
    # The summary repeats the answers: a password typed as the job title comes back in it.
    events = [
        slot("requested_slot", "job_title"),
        user(STRAY),
        slot("job_title", STRAY),
        bot(f"Récapitulatif : Fonction : {STRAY}"),
    ]
    redacted = redact_new_events(events).events
    assert redacted[3]["text"] == f"Récapitulatif : Fonction : {REDACTED}"
    assert STRAY not in dump(redacted)


@pytest.mark.parametrize(
    "word",
    [
        "Jean.Dupont2@acme-industrie.fr",
        "(https://help.example.test/Page-1?x=A2)",
        "www.Acme-2026.fr",
        "Siren:732829320",
        "K7M4-pq2x-9RTB-3hwd",
        "bonjour",
        "Prénom",
        "12/03/2026",
        "Abcdef12.",  # the final period does not count as a special character
    ],
)
def test_addresses_identifiers_codes_and_words_are_not_taken_for_passwords(word):
    assert not looks_like_password(word)


@pytest.mark.parametrize("word", [STRAY, "«Mot2Passe!»", "Pr\\u00e9nom-2026", "p@Ssw0rd#"])
def test_words_that_satisfy_the_rule_are_taken_for_passwords(word):
    assert looks_like_password(word)


def test_a_customers_own_code_is_masked_as_a_code_not_as_a_password():
    events = [slot("requested_slot", "invitation_code"), user("Acme-2026-Xy")]
    [_, answer] = redact_new_events(events).events
    assert answer["text"] == "ACME…"


def test_a_weak_password_answer_is_masked_when_repeated_in_a_later_turn():
    # Not a rule word ("motdepasse1" has no capital nor special character): it is known to be
    # a password because it answered the question, and the next turns are given that context.
    first = redact_new_events([slot("requested_slot", "password"), user("motdepasse1")])
    later = redact_new_events(
        [slot("requested_slot", None), user("j'avais mis motdepasse1, c'est refusé")],
        first.context,
    )
    assert later.events[1]["text"] == f"j'avais mis {REDACTED}, c'est refusé"
    assert "motdepasse1" not in repr(first.context)  # the context never prints a secret


def test_the_context_holds_a_bounded_number_of_secrets_and_codes():
    context = RedactionContext()
    for number in range(1000):
        events = [
            user(
                f"Pass-{number:04d}word",
                metadata={"invitation_code": f"ßcode{number:06d}"},
            ),
            slot("requested_slot", "password"),
            user(f"refused answer {number:04d}"),
            slot("requested_slot", None),
        ]
        context = redact_new_events(events, context).context
    assert len(context.secrets) == MAX_SECRETS
    assert len(context.codes) == MAX_CODES
    assert {"refused answer 0999", "Pass-0999word"} <= set(context.secrets)


def test_a_metadata_code_is_masked_whatever_its_characters():
    # "ß" upper-cases to "SS": no pattern finds the code as typed, the field is masked anyway.
    events = [
        {"event": "session_started", "metadata": {"invitation_code": "straße-1234-abcd-ef"}},
        slot("session_started_metadata", {"invitation_code": "straße-1234-abcd-ef"}),
        user("hi", metadata={"invitation_code": "x" * 100}),
    ]
    redacted = redact_new_events(events).events
    assert redacted[0]["metadata"] == {"invitation_code": "STRA…"}
    assert redacted[1]["value"] == {"invitation_code": "STRA…"}
    assert redacted[2]["metadata"] == {"invitation_code": "XXXX…"}
    assert "1234-abcd" not in dump(redacted) and "x" * 10 not in dump(redacted)


def test_redact_text_masks_passwords_in_log_lines():
    line = "Failed to parse arguments in line '/Soleil-Vert-2026'. Expected the intent..."
    assert redact_text(line) == (
        f"Failed to parse arguments in line '{REDACTED}'. Expected the intent..."
    )


def test_a_long_word_that_satisfies_the_rule_is_masked_where_typed():
    long_word = "Aa1!" * 80  # 320 characters: not searched for later, masked here all the same
    [event] = redact_new_events([user(f"le voici {long_word} fin")]).events
    assert event["text"] == f"le voici {REDACTED} fin"


def test_a_short_word_refused_as_a_password_is_not_masked_where_it_is_a_name():
    """ "Martin" typed at the password question (refused: 8 characters at least), then given as
    the last name: the summary said "Nom : Paul [masqué]", and the account would have been
    created with it (outside tester). The answer at the password question stays masked."""
    events = registration(password="Martin")
    events.append(slot("last_name", "Martin"))
    events.append(bot("Nom : Paul Martin"))

    redacted = redact_events(events)

    assert redacted[23]["text"] == REDACTED
    assert redacted[-2]["value"] == "Martin" and redacted[-1]["text"] == "Nom : Paul Martin"


@pytest.mark.parametrize(
    ("typed", "field", "value", "summary"),
    [
        ("fromagerie", "email", "contact@fromagerie-durand.fr",
         "Email : contact@fromagerie-durand.fr"),
        ("Christophe", "first_name", "Christophe", "Nom : Christophe Dumont"),
        ("expert-comptable", "job_title", "expert-comptable", "Fonction : expert-comptable"),
        ("harbour-supplies", "email", "ian@harbour-supplies.co.uk",
         "Email: ian@harbour-supplies.co.uk"),
    ],
)  # fmt: skip
def test_a_word_refused_as_a_password_is_the_supplier_s_data_elsewhere(
    typed, field, value, summary
):
    """A word of letters typed at the password question (refused), given before or after as an
    address, a name or a job title, was masked there too: in the log, in the tracker read back
    from it, and the account was created with "[masqué]" in its address (sixth outside
    tester, S1). The answer at the password question stays masked."""
    events = [slot(field, value), *registration(password=typed), slot(field, value), bot(summary)]

    redacted = redact_events(events)

    assert redacted[0]["value"] == value and redacted[-2]["value"] == value
    assert redacted[-1]["text"] == summary
    assert REDACTED in dump([e for e in redacted if e.get("event") == "user"])


def test_a_password_with_a_digit_or_a_symbol_is_still_masked_wherever_it_is_repeated():
    events = registration(password="Fromagerie-2026!")
    events.append(user("mon mot de passe c'était Fromagerie-2026! je crois"))
    assert "Fromagerie-2026!" not in dump(redact_events(events))
