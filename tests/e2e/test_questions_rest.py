"""Questions support gets every day, "not sure" and "did this answer help?", through the REST
channel against the real servers, in French and English.

Each case of issue 15 gets the right answer, with the product's own figures, or an honest "not
sure" whose buttons offer the right topic: never a confident wrong answer.
"""

from __future__ import annotations

import json

import pytest

from bot.analytics.conversations import iter_summaries
from bot.checks.identifiers import supported_countries
from bot.settings import load_settings
from tests.e2e.conftest import converse, texts

SETTINGS = load_settings({})  # the servers run with the default figures
NOT_SURE = {"fr": "Je ne suis pas sûr", "en": "I am not sure"}
FEEDBACK = {"fr": "Cette réponse vous a-t-elle aidé ?", "en": "Did this answer help?"}


def payloads(replies: list[dict]) -> list[str]:
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


def topic_button(topic: str) -> str:
    intent = topic.split("/")[0]
    return "/" + intent + json.dumps({"topic": topic}, separators=(",", ":"))


def assert_answered_or_offered(replies, language, topic, words, buttons=()):
    """The answer (its words, its buttons), or "not sure" with the topic among the buttons."""
    text = texts(replies)
    if NOT_SURE[language] in text:
        assert topic_button(topic) in payloads(replies), replies
        return
    for word in words:
        assert word in text, (word, replies)
    assert set(buttons) <= set(payloads(replies)), replies


def countries(language: str) -> list[str]:
    return [scheme.country_name(language) for scheme in supported_countries()]


CASES = {
    "fr": [
        ("quels pays peuvent s'inscrire ?", "faq/countries", countries("fr"), ()),
        (
            "j'ai déjà un compte, comment je me connecte ?",
            "faq/login",
            [SETTINGS.platform_url, "ne peux pas me connecter à votre place"],
            (),
        ),
        (
            "l'identifiant de société du mail d'invitation est celui d'une autre société",
            "faq/wrong_company",
            ["ne vous inscrivez pas avec ce code", "votre client"],
            (),
        ),
        (
            "j'ai oublié le mot de passe de mon compte",
            "faq/forgot_password",
            ["ne peux pas réinitialiser", SETTINGS.platform_url, "« Mot de passe oublié »"],
            ("/human_handoff",),
        ),
        (
            "mon lien d'activation a expiré",
            "faq/activation_link_expired",
            [f"{SETTINGS.activation_token_hours} heures", f"{SETTINGS.resend_limit_per_hour} fois"],
            ("/resend_activation", "/human_handoff"),
        ),
        (
            "quelles données personnelles gardez-vous et combien de temps ?",
            "faq/personal_data",
            [f"{SETTINGS.retention_days} jours", "conseiller"],
            ("/human_handoff",),  # erasing is an advisor's: the button is there
        ),
        (
            "pourquoi vous avez besoin de mon numéro de téléphone ?",
            "faq/why_phone",
            ["étape 3"],
            (),
        ),
        ("c'est nul ce bot", "chitchat/complaint", ["désolé"], ("/human_handoff",)),
        ("ok, et maintenant ?", "faq/next_step", ["5 étapes"], ()),
        (
            "l'invitation a été envoyée à un collègue qui a quitté la société",
            "faq/invitation_to_former_colleague",
            ["pas à une personne", f"{SETTINGS.invitation_validity_months} mois"],
            (),
        ),
        (
            "comment savoir si ce mail d'invitation est authentique ?",
            "faq/genuine_invitation",
            [SETTINGS.mail_from, "coordonnées bancaires"],
            (),
        ),
        (
            "Bonjour, j'ai reçu un email de votre part qui me demande de confirmer notre IBAN, "
            "c'est bien vous ?",
            "faq/genuine_invitation",
            [SETTINGS.mail_from, "Ne donnez jamais vos coordonnées bancaires"],
            (),
        ),
        (
            "on doit vous envoyer notre RIB ?",  # it got "I cannot help with that"
            "faq/bank_details",
            ["Ne donnez jamais vos coordonnées bancaires"],
            (),
        ),
        (
            "comment ajouter un deuxième utilisateur à notre compte ?",
            "faq/second_user",
            ["conseiller"],
            (),
        ),
        (
            "comment changer l'adresse email de mon compte déjà activé ?",
            "faq/change_email_after_activation",
            ["Une fois le compte activé"],
            (),
        ),
        # the sixth outside tester's everyday questions (M14)
        (
            "ok. et si je veux changer le tel que j'ai donné tout à l'heure ?",
            "faq/change_account_details",
            ["un conseiller"],
            ("/human_handoff",),
        ),
        (
            "bonjour, c'est obligatoire de s'inscrire ? notre client dit qu'il ne nous paiera "
            "plus tant qu'on n'est pas inscrits",
            "faq/mandatory",
            ["rapprochez-vous de votre client", "gratuite"],
            ("/human_handoff",),
        ),
        (
            "et pourquoi vous avez besoin de notre RIB au final ?",
            "faq/what_is_my_sis_id",
            ["sécurise les coordonnées bancaires"],
            (),
        ),
        (
            "je peux mettre mon adresse gmail perso pour le compte ?",
            "faq/account_email",
            ["personnelle ou de la société", "email d'activation"],
            (),
        ),
        (
            "nous avons déjà un compte My Sis ID (invités par Carrefour l'an dernier). Là Leroy "
            "Merlin nous envoie une nouvelle invitation : on doit recréer un compte ?",
            "faq/new_customer_existing_account",
            ["ne créez pas de second compte"],
            ("/human_handoff",),
        ),
        (
            "je suis auto-entrepreneur, j'ai pas de société, juste mon numéro SIRET. je peux "
            "quand même m'inscrire ?",
            "faq/no_company_number",
            ["9 premiers chiffres"],
            ("/human_handoff",),
        ),
        (
            "quelle différence entre siren et siret ? j'ai que le siret sur nos factures",
            "faq/what_siren",
            ["SIRET"],
            (),
        ),
    ],
    "en": [
        ("which countries can register?", "faq/countries", countries("en"), ()),
        (
            "I already have an account, how do I get in?",
            "faq/login",
            [SETTINGS.platform_url, "cannot log in for you"],
            (),
        ),
        (
            "the company identifier in the invitation email belongs to another company",
            "faq/wrong_company",
            ["do not register with this code", "your customer"],
            (),
        ),
        (
            "I forgot the password of my account",
            "faq/forgot_password",
            ["cannot reset your password", SETTINGS.platform_url, '"Forgot password"'],
            ("/human_handoff",),
        ),
        (
            "my activation link has expired",
            "faq/activation_link_expired",
            [f"{SETTINGS.activation_token_hours} hours", f"{SETTINGS.resend_limit_per_hour} times"],
            ("/resend_activation", "/human_handoff"),
        ),
        (
            "what personal data do you keep and for how long?",
            "faq/personal_data",
            [f"{SETTINGS.retention_days} days", "advisor"],
            ("/human_handoff",),
        ),
        ("why do you need my phone number?", "faq/why_phone", ["step 3"], ()),
        ("this bot is useless", "chitchat/complaint", ["sorry"], ("/human_handoff",)),
        ("ok, what now?", "faq/next_step", ["5 steps"], ()),
        (
            "the invitation was sent to a colleague who has left the company",
            "faq/invitation_to_former_colleague",
            ["not to a person", f"{SETTINGS.invitation_validity_months} months"],
            (),
        ),
        (
            "how can I tell whether this invitation email is genuine?",
            "faq/genuine_invitation",
            [SETTINGS.mail_from, "bank details"],
            (),
        ),
        (
            "Should I give you our IBAN so you can check it?",
            "faq/genuine_invitation",
            [SETTINGS.mail_from, "Never give your bank details"],
            (),
        ),
        (
            "So I should send our IBAN and bank details in this chat to speed things up?",
            "faq/bank_details",  # it got "not sure"
            ["Never give your bank details"],
            (),
        ),
        (
            "how do I add a second user to our account?",
            "faq/second_user",
            ["advisor"],
            (),
        ),
        (
            "how do I change the email address of my activated account?",
            "faq/change_email_after_activation",
            ["Once the account is activated"],
            (),
        ),
        (
            "If I need to change the phone number on the account later, how do I do that?",
            "faq/change_account_details",
            ["an advisor"],
            ("/human_handoff",),
        ),
        (
            "Is registering mandatory? Our customer says they won't pay us until we're on the "
            "platform",
            "faq/mandatory",
            ["please ask your customer", "free"],
            ("/human_handoff",),
        ),
        (
            "Why does Sis ID need our bank details at all?",
            "faq/what_is_my_sis_id",
            ["secures suppliers' bank details"],
            (),
        ),
        (
            "can I use my personal gmail for the account or does it have to be a company address?",
            "faq/account_email",
            ["personal or your company's", "activation email"],
            (),
        ),
        (
            "We already have a My Sis ID account because Tesco invited us last year. Now "
            "Sainsbury's sent another invitation. Do we need a second account?",
            "faq/new_customer_existing_account",
            ["do not create a second account"],
            ("/human_handoff",),
        ),
        (
            "I'm a sole trader, I don't have a Companies House number. Tesco invited me anyway. "
            "What do I put?",
            "faq/no_company_number",
            ["ask your customer"],
            ("/human_handoff",),
        ),
        (
            "what's the difference between the CRN and our VAT number? which one do you want?",
            "faq/what_crn",
            ["CRN"],
            (),
        ),
    ],
}


@pytest.mark.parametrize(
    ("language", "message", "topic", "words", "buttons"),
    [(language, *case) for language, cases in CASES.items() for case in cases],
    ids=[f"{language}-{case[1]}" for language, cases in CASES.items() for case in cases],
)
def test_a_question_support_gets_is_answered_or_honestly_not_sure(
    servers, conversation_id, language, message, topic, words, buttons
):
    replies = servers.say(conversation_id, message, {"language": language})

    assert_answered_or_offered(replies, language, topic, words, buttons)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_not_sure_button_gets_the_answer_it_names(servers, conversation_id, language):
    # What a topic button of the "not sure" reply sends: the answer it names, no guessing.
    replies = servers.say(conversation_id, topic_button("faq/countries"), {"language": language})

    assert all(country in texts(replies) for country in countries(language))


@pytest.mark.parametrize(
    ("language", "message", "hours"),
    [("fr", "le lien", "heures"), ("en", "the link", "hours")],
)
def test_an_unsure_message_offers_the_closest_topics_and_a_click_answers(
    servers, conversation_id, language, message, hours
):
    metadata = {"language": language}
    replies = servers.say(conversation_id, message, metadata)

    assert NOT_SURE[language] in texts(replies)
    offered = payloads(replies)
    assert topic_button("faq/activation_link_expired") in offered
    assert offered[-2:] == ["/human_handoff", "/out_of_scope"]
    # The click ends Rasa's two-stage fallback: the answer it names, its figures filled in.
    replies = servers.say(conversation_id, topic_button("faq/activation_link_expired"), metadata)
    assert f"{SETTINGS.activation_token_hours} {hours}" in texts(replies)


@pytest.mark.parametrize(
    ("language", "rephrase"),
    [("fr", "Pouvez-vous reformuler"), ("en", "Could you rephrase")],
)
def test_not_sure_offers_the_advisor_and_something_else_asks_to_rephrase(
    servers, conversation_id, language, rephrase
):
    metadata = {"language": language}
    replies = servers.say(conversation_id, "/nlu_fallback", metadata)

    assert NOT_SURE[language] in texts(replies)
    assert payloads(replies)[-2:] == ["/human_handoff", "/out_of_scope"]
    assert rephrase in texts(servers.say(conversation_id, "/out_of_scope", metadata))


AT_YOUR_SERVICE = {"fr": "Je reste à votre disposition", "en": "I am here if you have"}
NOT_UNDERSTOOD = {"fr": "Je ne parviens pas à comprendre", "en": "I cannot understand"}


@pytest.mark.parametrize(
    ("language", "no", "rephrase"),
    [("fr", "non merci", "Pouvez-vous reformuler"), ("en", "no thanks", "Could you rephrase")],
)
def test_no_to_not_sure_means_none_of_these_topics(
    servers, conversation_id, language, no, rephrase
):
    metadata = {"language": language}
    assert NOT_SURE[language] in texts(servers.say(conversation_id, "/nlu_fallback", metadata))

    first = servers.say(conversation_id, no, metadata)
    second = servers.say(conversation_id, no, metadata)

    # as the "Autre chose" button: asked to rephrase (it got "I cannot understand your
    # request"), then, at the second "no", the advisor's offer (not "rephrase" forever)
    assert rephrase in texts(first)
    assert NOT_UNDERSTOOD[language] in texts(second)
    assert "/human_handoff" in payloads(second)


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("fr", ["quand est-ce que ma facture sera réglée ?", "non merci", "oui"]),
        ("en", ["when will my invoice be paid?", "no thanks", "yes"]),
    ],
)
def test_a_yes_or_a_no_that_answers_nothing_gets_a_polite_reply(
    servers, conversation_id, language, turns
):
    metadata = {"language": language}
    out_of_scope, no, yes = turns
    servers.say(conversation_id, out_of_scope, metadata)

    after_no = servers.say(conversation_id, no, metadata)
    after_yes = servers.say(conversation_id, yes, metadata)

    assert AT_YOUR_SERVICE[language] in texts(after_no)
    # "yes" after anything gets what the assistant can do, the advisor among it
    assert "/human_handoff" in payloads(after_yes)
    assert "/start_registration" in payloads(after_yes)
    assert NOT_UNDERSTOOD[language] not in texts(after_no + after_yes)


@pytest.mark.parametrize(
    ("language", "turns", "asked"),
    [
        ("fr", ["quand est-ce que ma facture sera réglée ?", "oui"], "conseiller peut-il"),
        ("en", ["when will my invoice be paid?", "yes"], "can an advisor"),
    ],
)
def test_a_yes_to_i_cannot_help_an_advisor_can_is_the_advisor(
    servers, conversation_id, language, turns, asked
):
    metadata = {"language": language}
    out_of_scope, yes = turns
    assert payloads(servers.say(conversation_id, out_of_scope, metadata)) == ["/human_handoff"]

    replies = servers.say(conversation_id, yes, metadata)

    assert asked in texts(replies)  # the handoff's first question: where to reach the supplier


@pytest.mark.parametrize(
    ("language", "message", "address_asked"),
    [
        (
            "fr",
            "Je me suis inscrite la semaine dernière avec {address}, l'email d'activation n'est "
            "jamais arrivé, pouvez-vous le renvoyer ?",
            "Quelle adresse email avez-vous utilisée",
        ),
        (
            "en",
            "I signed up last week with {address}, the activation email never arrived, can you "
            "resend it?",
            "Which email address did you register with",
        ),
    ],
)
def test_an_activation_request_with_its_address_uses_the_address_at_once(
    servers, conversation_id, language, message, address_asked
):
    """It used to be "not sure" (the address's words swayed the classifier), and a click on the
    activation topic kept the address; the plain request is now understood whatever the address
    (rasa_ext/answer_fallback.py), and the address is used without being asked."""
    metadata = {"language": language}
    address = f"clarified.{conversation_id[:8]}@pharmacie-du-marche.fr"

    replies = servers.say(conversation_id, message.format(address=address), metadata)

    assert NOT_SURE[language] not in texts(replies)
    assert address in texts(replies)  # the request went to the address already given
    assert address_asked not in texts(replies)


@pytest.mark.parametrize(
    ("language", "message", "address_asked"),
    [
        ("fr", "{address} rien reçu", "Quelle adresse email avez-vous utilisée"),
        ("en", "nothing in my inbox at {address}", "Which email address did you register with"),
    ],
)
def test_a_topic_clicked_after_not_sure_keeps_the_address_the_message_gave(
    servers, conversation_id, language, message, address_asked
):
    """A terse message with an address is "not sure" whatever the address (the NLU reads any
    address as the same placeholder: rasa_ext/placeholders.py); the activation topic clicked
    then uses the address the message gave, without asking it."""
    metadata = {"language": language}
    address = f"terse.{conversation_id[:8]}@pharmacie-du-marche.fr"
    replies = servers.say(conversation_id, message.format(address=address), metadata)
    assert NOT_SURE[language] in texts(replies)
    assert "/activation_email_missing" in payloads(replies)

    replies = servers.say(conversation_id, "/activation_email_missing", metadata)

    assert address in texts(replies)  # the request went to the address already given
    assert address_asked not in texts(replies)


@pytest.mark.parametrize(("language", "no"), [("fr", "non merci"), ("en", "no thanks")])
def test_no_thanks_after_small_talk_is_no_feedback(servers, conversation_id, language, no):
    metadata = {"language": language}
    servers.say(conversation_id, "merci" if language == "fr" else "thank you", metadata)

    replies = servers.say(conversation_id, no, metadata)

    assert AT_YOUR_SERVICE[language] in texts(replies)
    assert not recorded_feedback(servers, conversation_id).feedback


def recorded_feedback(servers, conversation_id: str):
    tracker_url = f"sqlite:///{servers.log_dir / 'conversations.db'}"
    [summary] = [
        s
        for s in iter_summaries(tracker_url, accounts_url=servers.database_url)
        if s.conversation_id == conversation_id
    ]
    return summary


@pytest.mark.parametrize(
    ("language", "question", "sorry"),
    [
        ("fr", "quelles sont les règles du mot de passe ?", "reformuler votre question"),
        ("en", "what are the password rules?", "rephrase your question"),
    ],
)
def test_a_no_to_did_this_answer_help_offers_rephrasing_or_an_advisor_and_is_recorded(
    servers, conversation_id, language, question, sorry
):
    metadata = {"language": language}
    replies = servers.say(conversation_id, question, metadata)
    assert FEEDBACK[language] in texts(replies)
    assert payloads(replies)[-2:] == ["/answer_helpful", "/answer_not_helpful"]

    replies = servers.say(conversation_id, "/answer_not_helpful", metadata)

    assert sorry in texts(replies)
    assert payloads(replies) == ["/human_handoff"]
    summary = recorded_feedback(servers, conversation_id)
    assert summary.feedback == {("faq/password_rules", "no"): 1}
    assert not summary.resolved


@pytest.mark.parametrize(
    ("language", "questions"),
    [
        ("fr", ["c'est gratuit ?", "c'est quoi un SIREN ?", "c'est quoi le CRN ?"]),
        ("en", ["is it free?", "what is a SIREN?", "what is a CRN?"]),
    ],
)
def test_did_this_answer_help_is_never_asked_twice_in_a_row(
    servers, conversation_id, language, questions
):
    asked = [
        FEEDBACK[language] in texts(servers.say(conversation_id, q, {"language": language}))
        for q in questions
    ]

    # Asked, left unanswered (the supplier asked something else), so not asked; then again.
    assert asked == [True, False, True]
    summary = recorded_feedback(servers, conversation_id)
    assert sum(summary.answers.values()) == 3
    assert sum(summary.feedback_asked.values()) == 2
    assert summary.resolved and not summary.confirmed_resolved


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je voudrais créer mon compte", "Dans quel pays"),
                ("France", "SIREN"),
                ("c'est quoi un SIREN ?", "9 chiffres"),
                ("/answer_helpful", "Merci pour votre retour"),
                ("732 829 320", "code d'invitation"),
            ],
        ),
        (
            "en",
            [
                ("I'd like to create my account", "which country"),
                ("France", "SIREN"),
                ("what is a SIREN?", "9-digit"),
                ("/answer_helpful", "Thank you for your feedback"),
                ("732 829 320", "invitation code"),
            ],
        ),
    ],
)
def test_feedback_during_the_registration_lets_the_form_go_on(
    servers, conversation_id, language, turns
):
    replies = converse(servers, conversation_id, turns[:3], {"language": language})
    # The answer, "did this answer help?", then the form's pending question again.
    assert FEEDBACK[language] in texts(replies[-3:])
    assert "SIREN" in replies[-1]["text"]
    replies = converse(servers, conversation_id, turns[3:4], {"language": language})
    assert "SIREN" in replies[-1]["text"]  # the form asks its question again
    converse(servers, conversation_id, turns[4:], {"language": language})
    assert recorded_feedback(servers, conversation_id).feedback == {("faq/what_siren", "yes"): 1}
