"""Conversations an outside tester had with the product (2026-12-06), replayed through the REST
channel, in French and in English: each one went wrong before (what it got is in the test)."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.models import Account, Company
from bot.registration import drafts
from bot.registration.accounts import find_account
from bot.registration.invitations import release_unopened
from tests.e2e.conftest import converse, texts, wait_for_mail
from tests.e2e.test_questions_rest import (
    NOT_SURE,
    assert_answered_or_offered,
    payloads,
    topic_button,
)
from tests.e2e.test_registration_off_script import fr_invitation, new_siren, sender, spaced
from tests.e2e.test_registration_off_script import new_code as new_code_of
from tests.factories import PASSWORD, invite


def accounts_of(servers, siren: str) -> int:
    """The accounts of the company with this SIREN, in the product's database."""
    query = select(func.count()).select_from(Account).join(Account.company)
    with db.session_scope(servers.database_url) as session:
        return session.scalar(query.where(Company.company_id == siren))


# A French company's registration up to the contact details (the first name asked).
TO_CONTACT_DETAILS = {
    "fr": ["je veux m'inscrire", "France", "{siren}", "{code}", "{email}", "oui", PASSWORD,
           "j'accepte"],
    "en": ["I want to register", "France", "{siren}", "{code}", "{email}", "yes", PASSWORD,
           "I accept"],
}  # fmt: skip


def registered_up_to(servers, prefix: str, language: str, turns: list[str]) -> str:
    """A new conversation that says ``turns`` for a new French company invited with codes of
    ``prefix`` ({siren}, {code} and {email} filled in); its sender."""
    siren, code = fr_invitation(servers, prefix)
    talk = sender()
    email = f"{prefix.lower()}.{talk[:8]}@acme-industrie.fr"
    for text in turns:
        filled = text.format(siren=spaced(siren), code=code, email=email)
        servers.say(talk, filled, {"language": language})
    return talk


def registration(language: str, siren: str, code: str, email: str) -> list[tuple[str, str]]:
    """The turns of a whole registration (French company), up to the account's creation:
    each message and words its reply must hold."""
    fr = language == "fr"
    yes = "oui" if fr else "yes"
    return [
        ("je veux créer mon compte" if fr else "I want to create my account", "?"),
        (f"France, {spaced(siren)}, {code}", "email"),
        (email, email),
        (yes, "mot de passe" if fr else "password"),
        (PASSWORD, "Conditions Générales" if fr else "Terms of Use"),
        ("j'accepte" if fr else "I accept", "prénom" if fr else "first name"),
        ("Irène", "nom de famille" if fr else "last name"),
        ("Vidal", "téléphone" if fr else "phone"),
        ("06 71 23 45 89", "fonction" if fr else "job title"),
        ("Comptable" if fr else "Accountant", "récapitulatif" if fr else "summary"),
        (yes, "noreply@sis-id.com"),
    ]


UP_TO_THE_PHONE = 8  # the turns of registration() until the phone question
UP_TO_THE_SUMMARY = 10  # ... until the summary


def registering(servers, prefix: str, language: str, turns: int) -> tuple[str, str, list]:
    """A new conversation that said the first ``turns`` turns of registration() for a new
    French company invited with codes of ``prefix``: its sender, its address, all the turns."""
    siren, code = fr_invitation(servers, prefix)
    email = f"{prefix.lower()}.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    every = registration(language, siren, code, email)
    converse(servers, talk, every[:turns], {"language": language})
    return talk, email, every


# --- the platform's own address, from a pasted invitation email ---------------------------------


@pytest.mark.parametrize(
    ("language", "pasted", "yes", "asked", "refused"),
    [
        (
            "fr",
            "Bonjour, voici le mail reçu :\nVotre client ACME vous invite à vous inscrire sur "
            "My Sis ID.\nSIREN : {siren}\nCode d'invitation : {code}\n"
            "L'équipe My Sis ID - noreply@sis-id.com",
            "oui",
            "Quelle adresse email",
            "pas la vôtre",
        ),
        (
            "en",
            "Hi, here is the email I got:\nYour customer ACME invites you to register on "
            "My Sis ID.\nSIREN: {siren}\nInvitation code: {code}\n"
            "The My Sis ID team - noreply@sis-id.com",
            "yes",
            "Which email address",
            "not yours",
        ),
    ],
)
def test_a_pasted_invitation_email_never_registers_the_platforms_address(
    servers, language, pasted, yes, asked, refused
):
    """It got "You entered noreply@sis-id.com... is it correct?", and "yes" created the account
    there: the activation email went to the platform's own sender."""
    siren, code = fr_invitation(servers, "HXQE")
    talk = sender()
    metadata = {"language": language}
    first = servers.say(talk, pasted.format(siren=spaced(siren), code=code), metadata)
    assert "noreply@sis-id.com" not in texts(first)
    assert asked in texts(servers.say(talk, yes, metadata))  # the company identified
    again = texts(servers.say(talk, "noreply@sis-id.com", metadata))
    assert refused in again and asked in again


# --- another company with the address of the account created here -------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_another_company_with_the_address_already_used_here_is_asked_another(servers, language):
    """It was told "your account is created" and nothing was created (same address)."""
    fr = language == "fr"
    first_siren, first_code = fr_invitation(servers, "HXQF")
    second_siren, second_code = fr_invitation(servers, "HXQG")
    email = f"olivia.noir.{uuid.uuid4().hex[:6]}@noir-conseil.fr"
    other = f"compta.{uuid.uuid4().hex[:6]}@noir-conseil.fr"
    yes = "oui" if fr else "yes"
    turns = [
        *registration(language, first_siren, first_code, email),
        (
            "je veux inscrire une autre société" if fr else "I want to register another company",
            "une autre société" if fr else "another company",
        ),
        (yes, "pays" if fr else "country"),
        (f"France, {spaced(second_siren)}, {second_code}", "email"),
        (email, "une autre adresse" if fr else "another address"),
        (other, other),
    ]
    converse(servers, sender(), turns, {"language": language})

    assert accounts_of(servers, first_siren) == 1


# --- "hold on" is not goodbye, nor a wrong answer ---------------------------------------------


@pytest.mark.parametrize(
    ("language", "start", "waits", "asked", "wait_reply"),
    [
        (
            "fr",
            ["je veux créer mon compte", "France"],
            [
                "je vais chercher, un instant",
                "je reviens",
                "2 min je cherche le mail",
                "bougez pas",
                "je vais voir avec ma compta",
            ],
            "SIREN",
            "Prenez votre temps",
        ),
        (
            "en",
            ["I want to create my account", "France"],
            [
                "hold on, I'll be right back",
                "brb",
                "give me a minute to find the email",
                "maybe later",
            ],
            "SIREN",
            "Take your time",
        ),
    ],
)
def test_hold_on_keeps_the_question_without_goodbye_or_an_error(
    servers, language, start, waits, asked, wait_reply
):
    """It got "Au revoir, et merci de votre visite." / "Goodbye", or "this does not look like a
    SIREN" and, at the third, the advisor's offer."""
    talk = sender()
    metadata = {"language": language}
    for text in start:
        servers.say(talk, text, metadata)
    for text in waits:
        reply = texts(servers.say(talk, text, metadata))
        assert wait_reply in reply and asked in reply, (text, reply)
        assert "revoir" not in reply.lower() and "goodbye" not in reply.lower()
        assert "conseiller" not in reply and "advisor" not in reply


# --- "peut-être" is not a yes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "maybes", "yes", "unclear"),
    [
        ("fr", ["peut-être", "je crois"], "oui", "« oui » ou par « non »"),
        ("en", ["maybe", "I think so"], "yes", 'reply "yes" or "no"'),
    ],
)
def test_a_maybe_accepts_no_terms_and_creates_no_account(servers, language, maybes, yes, unclear):
    """ "Peut-être" accepted the terms and, at the summary, created the account."""
    siren, code = fr_invitation(servers, "HXQH")
    email = f"peut.etre.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    metadata = {"language": language}
    whole = registration(language, siren, code, email)
    turns = [
        *whole[:3],
        (maybes[0], unclear),  # is the address correct? "maybe"
        *whole[3:5],
        (maybes[1], unclear),  # the terms
        (maybes[0], unclear),
        *whole[5:10],
        (maybes[0], unclear),  # the summary: no account yet
    ]
    converse(servers, talk, turns, metadata)
    assert accounts_of(servers, siren) == 0
    converse(servers, talk, whole[10:], metadata)
    assert accounts_of(servers, siren) == 1


# --- the address corrected after the account was created, with the new one in the message -------


def registered(servers, language: str, prefix: str) -> tuple[str, str]:
    """A conversation that has just created an account; its id and the account's address."""
    siren, code = fr_invitation(servers, prefix)
    email = f"avant.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    converse(servers, talk, registration(language, siren, code, email), {"language": language})
    return talk, email


@pytest.mark.parametrize(
    ("language", "prefix", "correction", "read_back", "yes", "done"),
    [
        ("fr", "HXQP", "en fait mon email c'est {new}", "Vous avez saisi **{new}**", "oui",
         "C'est corrigé"),
        ("fr", "HXQR", "je me suis trompée d'adresse, c'est {new}", "Vous avez saisi **{new}**",
         "oui", "C'est corrigé"),
        ("en", "HXQS", "oops, my email is wrong, it should be {new}", "You entered **{new}**",
         "yes", "Corrected"),
        ("en", "HXQT", "actually my email is {new}", "You entered **{new}**", "yes", "Corrected"),
    ],
)  # fmt: skip
def test_a_wrong_address_corrected_with_the_new_one_is_read_back_then_corrected(
    servers, language, prefix, correction, read_back, yes, done
):
    """It got "not sure", "your account already exists: another company?", or "what is the
    right address?" (the new address, in the message, was lost); then the activation email
    went to the new address at once, unconfirmed, where every other address is read back (an
    outside tester, m6)."""
    talk, _ = registered(servers, language, prefix)
    new = f"apres.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    reply = texts(servers.say(talk, correction.format(new=new), {"language": language}))
    assert read_back.format(new=new) in reply and done not in reply
    assert not servers.smtp.inbox.to(new)

    reply = texts(servers.say(talk, yes, {"language": language}))
    assert done in reply and new in reply
    wait_for_mail(servers.smtp, new)  # the new activation email


@pytest.mark.parametrize(
    ("language", "correction", "no", "asked", "yes", "done"),
    [
        ("fr", "je me suis trompé d'adresse email", "non", "Quelle est la bonne adresse", "oui",
         "C'est corrigé"),
        ("en", "I made a mistake in my email address", "no", "What is the right email address",
         "yes", "Corrected"),
    ],
)  # fmt: skip
def test_no_to_the_corrected_address_asks_it_again(
    servers, language, correction, no, asked, yes, done
):
    """A typo in the new address: "non" asks it again; nothing is sent to the wrong one."""
    talk, _ = registered(servers, language, "HXWD")
    typo = f"apres.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    right = f"bonne.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    metadata = {"language": language}
    servers.say(talk, correction, metadata)
    servers.say(talk, typo, metadata)

    assert asked in texts(servers.say(talk, no, metadata))
    servers.say(talk, right, metadata)
    assert done in texts(servers.say(talk, yes, metadata))
    wait_for_mail(servers.smtp, right)
    assert not servers.smtp.inbox.to(typo)


@pytest.mark.parametrize(
    ("language", "correction", "unsure", "again", "other", "read_back", "yes", "done"),
    [
        ("fr", "je me suis trompé d'adresse, c'est {typo}", "euh je sais pas",
         "« oui » ou par « non »",
         "non c'est {right}", "Vous avez saisi **{right}**", "oui", "C'est corrigé"),
        ("en", "I mistyped my email, it's {typo}", "I don't know", '"yes" or "no"',
         "no, it's {right}", "You entered **{right}**", "yes", "Corrected"),
    ],
)  # fmt: skip
def test_the_corrected_address_s_confirmation_takes_another_address_or_asks_yes_or_no(
    servers, language, correction, unsure, again, other, read_back, yes, done
):
    """Neither yes nor no, or another address, at "is it correct?": the question again, or the
    other address read back (not "I cannot understand your request")."""
    talk, _ = registered(servers, language, "HXWE")
    typo = f"apres.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    right = f"bonne.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    metadata = {"language": language}
    servers.say(talk, correction.format(typo=typo), metadata)

    reply = texts(servers.say(talk, unsure, metadata))
    assert again in reply and typo in reply
    assert read_back.format(right=right) in texts(
        servers.say(talk, other.format(right=right), metadata)
    )
    assert done in texts(servers.say(talk, yes, metadata))
    wait_for_mail(servers.smtp, right)
    assert not servers.smtp.inbox.to(typo)


# --- questions in the middle of the registration ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "start", "question", "asked", "not_said"),
    [
        (
            "fr",
            "je veux créer mon compte",
            "c'est une arnaque ?",
            "Quelle adresse email",
            "ne semble pas valide",
        ),
        ("en", "I want to create my account", "is this a scam?", "Which email", "not look valid"),
    ],
)
def test_an_unsure_question_at_the_email_question_offers_topics_not_an_error(
    servers, language, start, question, asked, not_said
):
    """It got "this email address does not look valid"."""
    siren, code = fr_invitation(servers, "HXQW")
    talk = sender()
    metadata = {"language": language}
    servers.say(talk, start, metadata)
    servers.say(talk, f"France, {spaced(siren)}, {code}", metadata)
    replies = servers.say(talk, question, metadata)

    assert not_said not in texts(replies) and asked in texts(replies)
    buttons = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert "/human_handoff" in buttons  # the advisor, with the closest topics


@pytest.mark.parametrize(
    ("language", "start", "yes", "question", "about_the_phone", "asked"),
    [
        (
            "fr",
            "je veux créer mon compte",
            "oui",
            "pourquoi vous avez besoin de mon téléphone ?",
            "Le téléphone",
            "Choisissez un mot de passe",
        ),
        (
            "en",
            "I want to create my account",
            "yes",
            "why do you need my phone number?",
            "phone",
            "Choose a password",
        ),
    ],
)
def test_why_the_phone_at_the_password_question_is_about_the_phone(
    servers, language, start, yes, question, about_the_phone, asked
):
    """It got the reason for the password."""
    siren, code = fr_invitation(servers, "HXQX")
    talk = sender()
    metadata = {"language": language}
    email = f"why.phone.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    for text in (start, f"France, {spaced(siren)}, {code}", email, yes):
        servers.say(talk, text, metadata)
    reply = texts(servers.say(talk, question, metadata))

    assert about_the_phone in reply and asked in reply
    assert "protège votre compte" not in reply and "protects your account" not in reply


@pytest.mark.parametrize(("language", "elsewhere"), [("fr", "Allemagne"), ("en", "Germany")])
def test_an_invalid_number_is_not_proposed_as_a_landline_of_another_country(
    servers, language, elsewhere
):
    """ "07700 900123" got "valid for Germany: did you mean +49 7700 900123?", and "yes" stored
    a German number."""
    fr = language == "fr"
    siren, code = fr_invitation(servers, "HXQY")
    email = f"phone.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    turns = registration(language, siren, code, email)[:UP_TO_THE_PHONE]
    talk = sender()
    converse(servers, talk, turns, {"language": language})
    reply = texts(servers.say(talk, "07700 900123", {"language": language}))

    assert "+49" not in reply and elsewhere not in reply
    assert ("téléphone" if fr else "phone") in reply  # refused, asked again


# --- a plain request for a person --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "asking", "asked"),
    [
        (
            "fr",
            "Mettez-moi en relation avec un conseiller svp, notre client refuse de nous régler "
            "tant que le compte n'existe pas",
            "À quelle adresse email un conseiller peut-il vous répondre ?",
        ),
        (
            "en",
            "Connect me with a real person now, our customer is holding our invoices until "
            "this is sorted",
            "advisor",
        ),
    ],
)
def test_an_urgent_request_for_a_person_opens_the_handoff(servers, language, asking, asked):
    """A long urgent request was read as out of scope: "I cannot help with that"."""
    reply = texts(servers.say(sender(), asking, {"language": language}))

    assert asked in reply


@pytest.mark.parametrize(
    ("language", "refusal", "refused"),
    [
        ("fr", "bof, pas vraiment d'accord avec tout ça", "Sans votre acceptation"),
        ("en", "I don't agree with them", "Without your acceptance"),
    ],
)
def test_a_refusal_of_the_terms_is_a_no_even_when_the_nlu_is_unsure(
    servers, language, refusal, refused
):
    """ "I don't agree with them" got "please reply yes or no"."""
    siren, code = fr_invitation(servers, "HXRA")
    email = f"refuse.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    converse(servers, talk, registration(language, siren, code, email)[:5], {"language": language})
    reply = texts(servers.say(talk, refusal, {"language": language}))

    assert "« oui » ou par « non »" not in reply and 'reply "yes" or "no"' not in reply
    assert refused in reply  # the refusal's answer (the terms are asked again)


@pytest.mark.parametrize(
    ("language", "stop", "yes", "stopped", "go_on", "asked"),
    [
        (
            "fr",
            "stop",
            "oui",
            "votre inscription est arrêtée",
            "finalement je veux continuer mon inscription",
            "Dans quel pays",
        ),
        (
            "en",
            "stop",
            "yes",
            "your registration has been stopped",
            "actually, I'd like to continue my registration",
            "which country",
        ),
    ],
)
def test_going_on_after_stopping_starts_the_registration_again(
    servers, language, stop, yes, stopped, go_on, asked
):
    """It got "not sure" (and a code typed next started over without a word)."""
    talk = sender()
    metadata = {"language": language}
    start = "je veux créer mon compte" if language == "fr" else "I want to create my account"
    converse(servers, talk, [(start, "?"), (stop, "?"), (yes, stopped)], metadata)

    assert asked in texts(servers.say(talk, go_on, metadata))


# --- found by the tester, left open in the sixth session ------------------------------------------


@pytest.mark.parametrize(
    ("language", "start", "uk", "france", "siren_asked"),
    [
        ("fr", "je veux créer mon compte", "Royaume-Uni", "Frence", "Quel est le SIREN"),
        ("en", "I want to create my account", "United Kingdom", "Frence", "company's SIREN"),
    ],
)
def test_a_country_typed_at_the_identifier_question_changes_the_country(
    servers, language, start, uk, france, siren_asked
):
    """It got "this does not look like a CRN", and the advisor at the third try."""
    siren, code = fr_invitation(servers, "HXSB")
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(start, "?"), (uk, "CRN"), ("ABC", "CRN")], metadata)

    reply = texts(servers.say(talk, france, metadata))

    assert siren_asked in reply
    assert "CRN" not in reply and "conseiller" not in reply and "advisor" not in reply
    converse(servers, talk, [(f"{spaced(siren)}", "code"), (code, "email")], metadata)


@pytest.mark.parametrize(
    ("language", "start", "belgium", "enterprise_asked", "france", "email_asked"),
    [
        (
            "fr",
            "je veux m'inscrire",
            "ah non pardon, la société est en Belgique",
            "numéro d'entreprise (BCE)",
            "non en fait c'est bien la France",
            "Quelle adresse email",
        ),
        (
            "en",
            "I want to register",
            "oh sorry, the company is in Belgium actually",
            "enterprise number (CBE)",
            "no actually it is France",
            "Which email address",
        ),
    ],
)
def test_a_country_named_at_the_address_question_changes_the_country_and_keeps_the_code(
    servers, language, start, belgium, enterprise_asked, france, email_asked
):
    """It got "this email address does not look valid", whatever was said."""
    siren, code = fr_invitation(servers, "HXTE")
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(start, "?"), ("France", "SIREN"), (spaced(siren), "code")], metadata)
    converse(servers, talk, [(code, email_asked)], metadata)

    reply = texts(servers.say(talk, belgium, metadata))

    assert enterprise_asked in reply
    assert "valid" not in reply  # "ne semble pas valide" / "does not look valid"
    # Back to France: the SIREN asked again, the code kept and checked with it.
    converse(servers, talk, [(france, "SIREN"), (spaced(siren), email_asked)], metadata)


@pytest.mark.parametrize(
    ("language", "start", "uk", "not_ours", "not_sure", "asked"),
    [
        (
            "fr",
            "je veux créer mon compte",
            "Royaume-Uni",
            "attendez, Northwind n'est pas mon client",
            "Je ne suis pas sûr de bien comprendre",
            "Quel est le numéro CRN",
        ),
        (
            "en",
            "I want to create my account",
            "United Kingdom",
            "wait, Northwind is not my customer",
            "I am not sure I understand",
            "What is your company's Companies House number",
        ),
    ],
)
def test_a_sentence_at_the_identifier_question_is_not_read_as_a_wrong_identifier(
    servers, language, start, uk, not_ours, not_sure, asked
):
    """It got "this does not look like a CRN": now "not sure", the closest topics and the
    advisor, then the question again."""
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(start, "?"), (uk, "CRN")], metadata)

    replies = servers.say(talk, not_ours, metadata)

    assert not_sure in texts(replies) and asked in texts(replies)
    assert "ne ressemble pas" not in texts(replies) and "does not look like" not in texts(replies)
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    assert "/human_handoff" in payloads


@pytest.mark.parametrize(
    ("language", "missing", "checked", "needed", "sent"),
    [
        (
            "fr",
            "je n'ai pas reçu le mail d'activation",
            "j'ai déjà vérifié les spams",
            "il me faut l'adresse email utilisée pour votre inscription",
            "si un compte attend son activation",
        ),
        (
            "en",
            "I did not receive the activation email",
            "I already checked my spam folder",
            "I need the email address you registered with",
            "if an account is waiting for activation",
        ),
    ],
)
def test_already_checked_the_spam_folder_at_the_address_question_is_not_an_invalid_address(
    servers, language, missing, checked, needed, sent
):
    """It got "this email address does not look valid"."""
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(missing, "?")], metadata)

    replies = servers.say(talk, checked, metadata)

    assert needed in texts(replies)
    assert "valid" not in texts(replies)
    assert "/human_handoff" in [b["payload"] for r in replies for b in r.get("buttons", [])]
    address = f"verifie.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    assert sent in texts(servers.say(talk, address, metadata)).lower()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_skip_button_at_the_job_title_goes_on_to_the_summary(servers, language):
    """The "Passer" / "Skip" button sent /skip, which got "I cannot understand", in a loop."""
    talk, _, _ = registering(servers, "HXSC", language, 9)  # up to the job title question
    metadata = {"language": language}

    reply = texts(servers.say(talk, "/skip", metadata))

    assert ("récapitulatif" if language == "fr" else "summary") in reply
    assert "comprendre" not in reply and "understand" not in reply


@pytest.mark.parametrize(
    ("language", "told", "correction"),
    [
        ("fr", "Vous inscriviez une autre société ?", "en fait mon adresse est {new}"),
        ("en", "Were you registering another company?", "actually my address is {new}"),
    ],
)
def test_a_second_company_registered_elsewhere_with_a_taken_address_can_go_on_with_another(
    servers, language, told, correction
):
    """The tester's accountant: a second company, in a new conversation, with the address of
    the first one's account. The reply must not tell that the address has an account (it
    reads as a creation); the mail to the address's owner says what to do, and doing it in
    the conversation creates the second company's account (its invitation was used up, and
    no account existed: the supplier could not go on)."""
    _, email = registered(servers, language, "HXSD")
    siren, code = fr_invitation(servers, "HXSE")
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, registration(language, siren, code, email), metadata)
    deadline = time.monotonic() + 30
    while len(servers.smtp.inbox.to(email)) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)  # the account-exists mail, after the first account's activation mail
    mail = servers.smtp.inbox.to(email)[-1]
    assert told in mail.get_body(("plain",)).get_content()
    assert accounts_of(servers, siren) == 0

    new = f"autre.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    servers.say(talk, correction.format(new=new), metadata)  # what the mail says to write
    servers.say(talk, "oui" if language == "fr" else "yes", metadata)  # the address read back

    wait_for_mail(servers.smtp, new)  # the second company's activation email
    assert accounts_of(servers, siren) == 1


@pytest.mark.parametrize(
    ("language", "first", "yes", "accept", "job_title"),
    [
        (
            "fr",
            "Bonjour, je suis Paul Martin, gérant. SIREN {siren}, code {code}, email {email}, "
            "téléphone 06 12 34 56 78",
            "oui",
            "j'accepte",
            "Fonction : gérant",
        ),
        (
            "en",
            "Hello, my name is Paul Martin, I'm the managing director. SIREN {siren}, "
            "invitation code {code}, email {email}, phone 06 12 34 56 78",
            "yes",
            "I accept",
            "Job title: managing director",
        ),
        # A labelled name, as in a signature or a pasted form: "Name Sarah Connor" was dropped.
        (
            "fr",
            "SIREN {siren}, code {code}, email {email}, Prénom et nom : Paul Martin, "
            "téléphone 06 12 34 56 78",
            "oui",
            "j'accepte",
            None,
        ),
        (
            "en",
            "our SIREN is {siren}, invitation code {code}, my email is {email}, Name Paul "
            "Martin, phone 06 12 34 56 78",
            "yes",
            "I accept",
            None,
        ),
        # The job title right after the name: it was lost and asked again.
        (
            "fr",
            "Bonjour, je suis Paul Martin, responsable comptabilité fournisseurs, SIREN {siren}, "
            "code {code}, email {email}, téléphone 06 12 34 56 78",
            "oui",
            "j'accepte",
            "Fonction : responsable comptabilité fournisseurs",
        ),
        (
            "en",
            "Hi, I'm Paul Martin, accounts payable lead, SIREN {siren}, invitation code {code}, "
            "email {email}, phone 06 12 34 56 78",
            "yes",
            "I accept",
            "Job title: accounts payable lead",
        ),
    ],
)
def test_a_name_and_a_phone_given_in_an_all_in_one_first_message_are_not_asked_again(
    servers, language, first, yes, accept, job_title
):
    """The name, the phone and the job title were asked again (and the message had said them)."""
    siren, code = fr_invitation(servers, "HXSF")
    email = f"tout.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    metadata = {"language": language}
    message = first.format(siren=spaced(siren), code=code, email=email)
    password = "mot de passe" if language == "fr" else "password"
    summary = "récapitulatif" if language == "fr" else "summary"
    # The message calls the identifier a SIREN: France is not asked to be confirmed, the
    # address is read back at once.
    converse(servers, talk, [(message, email), (yes, password)], metadata)
    converse(servers, talk, [(PASSWORD, "?")], metadata)  # the terms

    reply = texts(servers.say(talk, accept, metadata))
    if job_title is None:  # the job title is asked, and only it
        assert ("fonction" if language == "fr" else "job title") in reply.lower()
        reply = texts(servers.say(talk, "Comptable", metadata))
        job_title = "Fonction : Comptable" if language == "fr" else "Job title: Comptable"
    assert summary in reply.lower() and job_title in reply
    assert "Paul Martin" in reply and "+33 6 12 34 56 78" in reply


@pytest.mark.parametrize(
    ("language", "accept", "asked"),
    [("fr", "ok très bien, j'accepte", "prénom"), ("en", "ok fine, I accept", "first name")],
)
def test_accepting_the_terms_in_ones_own_words_goes_on(servers, language, accept, asked):
    """ "ok fine, I accept" was read as Italian: "this assistant only speaks French and
    English", again after choosing English, and the supplier could not go on."""
    siren, code = fr_invitation(servers, "HXSG")
    email = f"accepte.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, registration(language, siren, code, email)[:5], metadata)

    assert asked in texts(servers.say(talk, accept, metadata)).lower()


@pytest.mark.parametrize(
    ("language", "pasted", "never", "asked"),
    [
        (
            "fr",
            "je vous donne notre IBAN ici alors : FR76 3000 6000 0112 3456 7890 189",
            "Ne donnez jamais vos coordonnées bancaires",
            "code d'invitation",
        ),
        (
            "en",
            "Here it is: GB29 NWBK 6016 1331 9268 19",
            "Never give your bank details",
            "invitation code",
        ),
    ],
)
def test_an_iban_pasted_during_the_registration_is_not_read_as_an_answer(
    servers, language, pasted, never, asked
):
    """The IBAN's digits were read as a SIREN or a code and checked against another company
    (which counted towards that company's limit), with no word about bank details."""
    siren, _ = fr_invitation(servers, "HXSH")
    talk = sender()
    metadata = {"language": language}
    start = "je veux créer mon compte" if language == "fr" else "I want to create my account"
    converse(servers, talk, [(start, "?"), (f"France, {spaced(siren)}", asked)], metadata)

    reply = texts(servers.say(talk, pasted, metadata))

    assert never in reply and asked in reply
    assert "vérifier la validité" not in reply and "could not verify" not in reply


@pytest.mark.parametrize(
    ("language", "start", "locked", "valid"),
    [
        ("fr", "je veux créer mon compte", "Trop d'essais ont échoué", "adresse email"),
        ("en", "I want to create my account", "Too many attempts failed", "email address"),
    ],
)
def test_random_codes_against_a_public_siren_do_not_lock_its_supplier_out(
    servers, language, start, locked, valid
):
    """Five random codes against a real supplier's SIREN (public), from other conversations:
    the supplier, with the right code, got "checks are suspended" for an hour."""
    siren, code = fr_invitation(servers, "HXSJ")
    metadata = {"language": language}
    for n in range(5):  # an attacker, one conversation per guess
        attacker = sender()
        converse(servers, attacker, [(start, "?")], metadata)
        servers.say(attacker, f"France, {spaced(siren)}, ZZZZ-ZZZZ-ZZZZ-{n:04d}", metadata)
    sixth = sender()
    converse(servers, sixth, [(start, "?")], metadata)
    assert locked in texts(
        servers.say(sixth, f"France, {spaced(siren)}, ZZZZ-ZZZZ-ZZZZ-0009", metadata)
    )

    supplier = sender()
    converse(servers, supplier, [(start, "?")], metadata)
    reply = texts(servers.say(supplier, f"France, {spaced(siren)}, {code}", metadata))

    assert valid in reply and locked not in reply


@pytest.mark.parametrize(
    ("language", "correction", "corrected"),
    [
        ("fr", "le prénom c'est Anne et le nom Girard", "Nom : Anne Girard"),
        ("en", "my first name is Anne and my last name is Girard", "Name: Anne Girard"),
        # "should just be": it got "please reply yes or no"
        ("fr", "la fonction devrait juste être Comptable unique", "Fonction : Comptable unique"),
        ("en", "the job title should just be Payables Lead", "Job title: Payables Lead"),
    ],
)
def test_a_correction_typed_at_the_summary_is_in_the_new_summary(
    servers, language, correction, corrected
):
    """The first name became "Anne et le nom Girard", and "C'est corrigé." was said."""
    talk, _, _ = registering(servers, "HXSK", language, UP_TO_THE_SUMMARY)
    metadata = {"language": language}

    reply = texts(servers.say(talk, correction, metadata))

    assert corrected in reply and "et le nom" not in reply and "and my" not in reply


@pytest.mark.parametrize(
    ("language", "expired", "what_for", "sent"),
    [
        (
            "fr",
            "mon lien d'activation a expiré",
            "Que souhaitez-vous faire avec l'adresse",
            "si un compte attend son activation",
        ),
        (
            "en",
            "my activation link has expired",
            "What would you like to do with",
            "if an account is waiting for activation",
        ),
    ],
)
def test_an_address_typed_after_the_offer_to_resend_is_not_a_new_registration(
    servers, language, expired, what_for, sent
):
    """ "I can send you the activation email again", then the address typed: it started a new
    registration ("In which country is your company registered?")."""
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(expired, "48")], metadata)  # "... I can send it again"
    address = f"expire.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"

    replies = servers.say(talk, address, metadata)

    assert what_for in texts(replies) and address in texts(replies)
    assert {"/start_registration", "/resend_activation"} <= {
        b["payload"] for r in replies for b in r.get("buttons", [])
    }
    assert sent in texts(servers.say(talk, "/resend_activation", metadata)).lower()


@pytest.mark.parametrize(
    ("language", "start", "which", "right", "code_asked", "email_asked"),
    [
        (
            "fr",
            "je veux créer mon compte",
            "Lequel des deux",
            "je ne comprends pas, le SIREN est bon, il est sur notre Kbis",
            "code d'invitation",
            "adresse email",
        ),
        (
            "en",
            "I want to create my account",
            "Which of the two",
            "I don't understand, the SIREN is right, it's on my Kbis",
            "invitation code",
            "email address",
        ),
    ],
)
def test_saying_the_identifier_is_right_after_a_mismatch_asks_the_code_again(
    servers, language, start, which, right, code_asked, email_asked
):
    """ "The SIREN is right, it's on my Kbis" read "on my Kbis" as the new SIREN: refused, the
    SIREN asked three times, and the code typed next kept without a word."""
    siren, code = fr_invitation(servers, "HXSL")
    talk = sender()
    metadata = {"language": language}
    converse(
        servers,
        talk,
        [(start, "?"), (f"France, {spaced(siren)}, ZZZZ-ZZZZ-ZZZZ-0001", which)],
        metadata,
    )

    reply = texts(servers.say(talk, right, metadata))

    assert code_asked in reply and "SIREN ?" not in reply
    converse(servers, talk, [(code, email_asked)], metadata)


@pytest.mark.parametrize(
    ("language", "correction", "not_changed"),
    [
        ("fr", "en fait mon adresse est {new}", "Votre adresse n'a pas été modifiée"),
        ("en", "actually my address is {new}", "Your address has not been changed"),
    ],
)
def test_an_address_change_refused_by_the_hourly_limit_says_it_was_not_changed(
    servers, language, correction, not_changed
):
    """After three resends, "I want to use another address: ..." got "several emails have
    already been sent to you", and the supplier thought the address was changed."""
    talk, _ = registered(servers, language, "HXSM")
    metadata = {"language": language}
    for _ in range(3):
        servers.say(talk, "/resend_activation", metadata)
    new = f"limite.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    servers.say(talk, correction.format(new=new), metadata)  # read back: "is it correct?"

    reply = texts(servers.say(talk, "oui" if language == "fr" else "yes", metadata))

    assert not_changed in reply


@pytest.mark.parametrize(
    ("language", "nothing", "checklist"),
    [
        ("fr", "je n'ai rien reçu", "vérifiez"),
        ("en", "I didn't get anything", "please check"),
    ],
)
def test_nothing_received_after_the_account_was_created_here_is_the_activation_email(
    servers, language, nothing, checklist
):
    """ "S'il n'est pas là d'ici un quart d'heure, dites-le-moi", then "je n'ai rien reçu": it
    got "not sure", with "I did not receive an invitation" as the first topic."""
    talk, _ = registered(servers, language, "HXSN")

    replies = servers.say(talk, nothing, {"language": language})

    assert checklist in texts(replies)
    assert "/resend_activation" in [b["payload"] for r in replies for b in r.get("buttons", [])]


@pytest.mark.parametrize(
    ("language", "message", "sent"),
    [
        (
            "fr",
            "je me suis inscrite avec claire.martin@acme-industrie.fr mais je n'ai pas reçu "
            "l'email d'activation",
            "si un compte attend son activation à l'adresse **claire.martin@acme-industrie.fr**",
        ),
        (
            "en",
            "I registered with emma.jones@northwind-supplies.co.uk but I did not get the "
            "activation email",
            "if an account is waiting for activation at **emma.jones@northwind-supplies.co.uk**",
        ),
    ],
)
def test_a_plain_activation_request_with_a_real_looking_address_is_understood(
    servers, language, message, sent
):
    """With "claire.martin@..." it got "not sure" (with a random address it was understood):
    the address's words swayed the classifier."""
    replies = servers.say(sender(), message, {"language": language})

    assert sent in texts(replies).lower()


@pytest.mark.parametrize(
    ("language", "call_me", "asked"),
    [
        (
            "fr",
            "pouvez-vous m'appeler ?",
            "À quelle adresse email un conseiller peut-il vous répondre",
        ),
        ("en", "can you call me?", "Which email address can an advisor reply to"),
        (
            "fr",
            "VOTRE SYSTEME EST NUL, ça refuse mon code depuis 3 jours, je veux un vrai conseiller",
            "À quelle adresse email un conseiller peut-il vous répondre",
        ),
        (
            "en",
            "this is ridiculous, your stupid system keeps rejecting my code!!! I want a real "
            "person NOW",
            "Which email address can an advisor reply to",
        ),
    ],
)
def test_a_request_to_be_called_opens_the_handoff(servers, language, call_me, asked):
    """It got why the registration asks for a phone number; an angry request for a person
    about a code got "not sure" (read as the code's answer)."""
    talk = sender()

    reply = texts(servers.say(talk, call_me, {"language": language}))

    assert asked in reply
    assert "étape 3" not in reply and "step 3" not in reply


@pytest.mark.parametrize(
    ("language", "start", "noted", "identified"),
    [
        (
            "fr",
            "je veux m'inscrire",
            "J'ai noté votre code d'invitation",
            "votre société est identifiée",
        ),
        (
            "en",
            "I want to register",
            "I have noted your invitation code",
            "your company is identified",
        ),
    ],
)
def test_a_code_typed_at_the_country_question_is_said_to_be_kept(
    servers, language, start, noted, identified
):
    """It got the country question again, as if the code had not been read."""
    siren, code = fr_invitation(servers, "HXTH")
    talk = sender()
    metadata = {"language": language}
    converse(servers, talk, [(start, "?")], metadata)

    replies = texts(servers.say(talk, code, metadata))

    assert noted in replies
    converse(servers, talk, [("France", "SIREN"), (spaced(siren), identified)], metadata)


@pytest.mark.parametrize(
    ("language", "contact", "missing", "comes_later", "summary"),
    [
        ("fr", ["Claire", "Martin", "06 12 34 56 78", "comptable"],
         "je n'ai pas reçu l'email d'activation", "dès la création de votre compte",
         "récapitulatif"),
        ("en", ["Claire", "Martin", "+33 6 12 34 56 78", "accountant"],
         "I did not get the activation email", "as soon as your account is created", "summary"),
    ],
)  # fmt: skip
def test_the_activation_email_asked_for_before_the_account_exists_comes_with_it(
    servers, language, contact, missing, comes_later, summary
):
    """At the summary, before "yes": it got the checklist of a mail not received."""
    talk = registered_up_to(servers, "HXTL", language, TO_CONTACT_DETAILS[language] + contact)
    metadata = {"language": language}

    reply = texts(servers.say(talk, missing, metadata))

    assert comes_later in reply and summary in reply
    assert "spam" not in reply


@pytest.mark.parametrize(
    ("language", "start", "which", "identified", "rest", "created"),
    [
        (
            "fr",
            "je veux m'inscrire",
            "Lequel des deux",
            "votre société est identifiée",
            [("{email}", "est-elle correcte"), ("oui", "mot de passe"), (PASSWORD, "Conditions"),
             ("j'accepte", "prénom"), ("Claire", "nom"), ("Martin", "téléphone"),
             ("06 12 34 56 78", "fonction"), ("passer", "récapitulatif")],
            "oui",
        ),
        (
            "en",
            "I want to register",
            "Which of the two",
            "your company is identified",
            [("{email}", "is it correct"), ("yes", "password"), (PASSWORD, "Terms"),
             ("I accept", "first name"), ("Claire", "last name"), ("Martin", "phone"),
             ("+33 6 12 34 56 78", "job title"), ("skip", "summary")],
            "yes",
        ),
    ],
)  # fmt: skip
def test_the_identifier_corrected_after_a_mismatch_is_checked_with_the_code_kept(
    servers, language, start, which, identified, rest, created
):
    """The wrong SIREN first, the right code: after the mismatch the SIREN corrected was taken
    unchecked (the code's full value was not kept), and "yes" at the summary got "a technical
    problem prevents me from finishing" however often it was tried."""
    siren, code = fr_invitation(servers, "HXTP")
    other_siren, _ = fr_invitation(servers, "HXTQ")
    talk = sender()
    email = f"mismatch.{talk[:8]}@acme-industrie.fr"
    metadata = {"language": language}
    turns = [(start, "?"), ("France", "SIREN"), (spaced(other_siren), "code"), (code, which)]
    converse(servers, talk, turns, metadata)
    servers.say(talk, '/correct_field{"field":"company_id"}', metadata)

    reply = texts(servers.say(talk, spaced(siren), metadata))

    assert identified in reply
    converse(servers, talk, [(t.format(email=email), e) for t, e in rest], metadata)
    assert email in texts(servers.say(talk, created, metadata))  # the account's confirmation
    assert accounts_of(servers, siren) == 1


@pytest.mark.parametrize(
    ("language", "stop", "go_on", "continues", "asked"),
    [
        ("fr", "stop, j'arrete la", "non non je continue finalement", "continuons",
         "Quel est votre code"),
        ("en", "stop, I'm quitting", "no no, I'll carry on actually", "let's continue",
         "What is your invitation code"),
    ],
)  # fmt: skip
def test_a_no_with_words_at_do_you_really_want_to_stop_goes_on(
    servers, language, stop, go_on, continues, asked
):
    """In French it got "not sure", and the next "ok" stopped the registration, its answers lost."""
    talk = registered_up_to(servers, "HXTR", language, [*TO_CONTACT_DETAILS[language][:3], stop])
    metadata = {"language": language}

    reply = texts(servers.say(talk, go_on, metadata))

    assert continues in reply.lower() and asked in reply


@pytest.mark.parametrize(
    ("language", "name_and_phone", "job_asked", "summary"),
    [
        ("fr", "Marc Durand, 06 11 22 33 44", "fonction", "passer"),
        ("en", "Marc Durand, +33 6 11 22 33 44", "job title", "skip"),
    ],
)
def test_a_name_and_a_phone_at_the_first_name_question_are_both_kept(
    servers, language, name_and_phone, job_asked, summary
):
    """It got "this name does not look valid"."""
    talk = registered_up_to(servers, "HXTS", language, TO_CONTACT_DETAILS[language])
    metadata = {"language": language}

    reply = texts(servers.say(talk, name_and_phone, metadata))

    assert job_asked in reply and "valid" not in reply
    recap = texts(servers.say(talk, summary, metadata))
    assert "Marc Durand" in recap and "+33 6 11 22 33 44" in recap


@pytest.mark.parametrize(
    ("language", "advisor", "never_mind", "nothing_passed", "asked"),
    [
        ("fr", "je veux parler à un conseiller",
         "laissez tomber, finalement je continue l'inscription",
         "je n'ai rien transmis", "Quel est votre code"),
        ("en", "I want to talk to an advisor",
         "forget it, I'll carry on with the registration",
         "I have not passed anything", "What is your invitation code"),
    ],
)  # fmt: skip
def test_a_request_for_an_advisor_withdrawn_opens_no_ticket_and_the_registration_goes_on(
    servers, language, advisor, never_mind, nothing_passed, asked
):
    """It opened a ticket all the same ("sans adresse email, il ne peut pas vous répondre")."""
    turns = [*TO_CONTACT_DETAILS[language][:3], advisor]
    talk = registered_up_to(servers, "HXTV", language, turns)
    metadata = {"language": language}

    reply = texts(servers.say(talk, never_mind, metadata))

    assert nothing_passed in reply and asked in reply
    assert "T-0" not in reply  # no ticket reference


@pytest.mark.parametrize(
    ("language", "no_phone"), [("fr", "je n'ai pas de téléphone"), ("en", "I don't have a phone")]
)
def test_no_phone_says_why_it_is_needed_and_offers_an_advisor(servers, language, no_phone):
    """It got "this number is not valid for France"."""
    turns = [*TO_CONTACT_DETAILS[language], "Claire", "Martin"]
    talk = registered_up_to(servers, "HXTW", language, turns)
    metadata = {"language": language}

    replies = servers.say(talk, no_phone, metadata)

    assert "valid" not in texts(replies)
    assert "/human_handoff" in [b["payload"] for r in replies for b in r.get("buttons", [])]


# --- corrections typed as sentences (third tester, 2026-12-06) -----------------------------------


@pytest.mark.parametrize(
    ("language", "no", "company", "asked"),
    [
        ("fr", "non", "la société", "Quel est le SIREN de votre société"),
        ("en", "no", "the company", "What is your company's SIREN"),
    ],
)
def test_the_company_named_as_the_menu_s_button_is_corrected(servers, language, no, company, asked):
    """ "la société" at "que souhaitez-vous corriger ?" (the button says "Société") got "choose
    the answer to correct with a button"."""
    talk, _, _ = registering(servers, "HXUA", language, UP_TO_THE_SUMMARY)
    metadata = {"language": language}
    servers.say(talk, no, metadata)

    assert asked in texts(servers.say(talk, company, metadata))


@pytest.mark.parametrize(
    ("language", "no", "phone", "yes"),
    [
        ("fr", "non", "le téléphone, c'est le 06 11 22 33 46", "oui"),
        ("en", "no", "the phone, it's 06 11 22 33 46", "yes"),
    ],
)
def test_the_phone_named_with_its_new_number_at_the_menu_is_corrected(
    servers, language, no, phone, yes
):
    """ "the phone, it's 07700 900123" at "what would you like to correct?" got "choose the
    answer to correct with a button"; the account is created with the new number."""
    talk, email, _ = registering(servers, "HXUB", language, UP_TO_THE_SUMMARY)
    metadata = {"language": language}
    servers.say(talk, no, metadata)

    reply = texts(servers.say(talk, phone, metadata))
    servers.say(talk, yes, metadata)

    assert "+33 6 11 22 33 46" in reply
    with db.session_scope(servers.database_url) as session:
        account = session.scalars(select(Account).where(Account.email == email)).one()
        assert account.contact.phone == "+33611223346"


@pytest.mark.parametrize(
    ("language", "last_name", "summary"),
    [
        ("fr", "dupond, pardon Dupont", "Nom : Irène Dupont"),
        ("en", "Smyth, sorry Smith", "Name: Irène Smith"),
    ],
)
def test_a_last_name_corrected_as_it_is_typed_is_its_last_version(
    servers, language, last_name, summary
):
    """ "dupond, pardon Dupont" got "this name does not look valid"."""
    talk, _, turns = registering(servers, "HXUD", language, 7)  # up to the last name question
    metadata = {"language": language}
    servers.say(talk, last_name, metadata)
    converse(servers, talk, turns[8:9], metadata)

    assert summary in texts(servers.say(talk, turns[9][0], metadata))


@pytest.mark.parametrize(
    ("language", "checked", "identified"),
    [
        ("fr", "Nous n'avons pas pu vérifier", "votre société est identifiée"),
        ("en", "We could not verify", "your company is identified"),
    ],
)
def test_codes_typed_again_after_a_mismatch_are_each_checked(
    servers, language, checked, identified
):
    """A code of letters only typed at "which of the two?" got "compare the SIREN and the code
    with the email" again and again: out of turn a code must hold a digit."""
    siren, code = fr_invitation(servers, "HXUE")
    talk = sender()
    metadata = {"language": language}
    for text in TO_CONTACT_DETAILS[language][:2]:
        servers.say(talk, text, metadata)
    servers.say(talk, spaced(siren), metadata)
    first = texts(servers.say(talk, "AAAA-BBBB-CCCC-DDDD", metadata))

    again = texts(servers.say(talk, "AAAA-BBBB-CCCC-DDDE", metadata))
    right = texts(servers.say(talk, code, metadata))

    assert checked in first and checked in again
    assert identified in right


@pytest.mark.parametrize(
    ("language", "start", "adjective", "asked", "switched"),
    [
        ("fr", "je veux m'inscrire", "francais", "Quel est le SIREN", "je continue en"),
        ("en", "I want to register", "English", "Companies House number", "continue in"),
    ],
)
def test_the_conversation_s_own_language_named_at_the_country_question_is_the_country(
    servers, language, start, adjective, asked, switched
):
    """ "francais" at "dans quel pays ... ?" of a French conversation got "D'accord, je
    continue en français." and the country question again."""
    talk = sender()
    metadata = {"language": language}
    servers.say(talk, start, metadata)

    reply = texts(servers.say(talk, adjective, metadata))

    assert asked in reply and switched not in reply


# --- questions the third tester asked that were not understood ---------------------------------


@pytest.mark.parametrize(
    ("language", "question", "topic", "answer"),
    [
        (
            "fr",
            "A quoi sert le code d'invitation ?",
            "faq/where_invitation_code",
            "relie votre inscription à votre client",
        ),
        (
            "en",
            "So what's the invitation code actually for?",
            "faq/where_invitation_code",
            "links your registration",
        ),
        (
            "fr",
            "je peux donner un numéro fixe ?",
            "faq/why_phone",
            "Un fixe ou un mobile conviennent",
        ),
        ("en", "can I give a landline?", "faq/why_phone", "A landline or a mobile will do"),
        (
            "fr",
            "je n'ai pas de code, mon client m'a seulement demandé de m'inscrire",
            "faq/no_invitation",
            "sur **invitation de votre client**",
        ),
        (
            "en",
            "I don't have any invitation code, my customer just asked me to sign up",
            "faq/no_invitation",
            "by invitation from your customer",
        ),
    ],
)
def test_support_questions_the_tester_asked_are_answered(
    servers, language, question, topic, answer
):
    """Each got "I am not sure I understand" with unrelated topics (the invitation code's use, a
    landline, no code). Now the answer, or "not sure" offering it: its button answers."""
    talk = sender()
    metadata = {"language": language}
    replies = servers.say(talk, question, metadata)
    if NOT_SURE[language] in texts(replies):
        assert topic_button(topic) in payloads(replies)
        replies = servers.say(talk, topic_button(topic), metadata)

    assert answer in texts(replies)


@pytest.mark.parametrize(
    ("language", "yes", "asked"), [("fr", "ouep", "mot de passe"), ("en", "yh", "password")]
)
def test_a_texting_yes_confirms_the_address(servers, language, yes, asked):
    """ "yh" and "k" got "please reply yes or no"."""
    talk = registered_up_to(servers, "HXUF", language, TO_CONTACT_DETAILS[language][:5])

    assert asked in texts(servers.say(talk, yes, {"language": language}))


@pytest.mark.parametrize(
    ("language", "first", "asked"),
    [
        ("fr", "Bonjour, je veux m'inscrire, mon SIREN est le {siren}", "code d'invitation"),
        ("en", "Hello, I'd like to register, our SIREN is {siren}", "invitation code"),
    ],
)
def test_a_siren_called_by_its_name_in_the_first_message_is_not_asked_to_be_confirmed(
    servers, language, first, asked
):
    """It got "Ce numéro est un SIREN : votre société est donc immatriculée en France. Est-ce
    bien cela ?"."""
    siren, _ = fr_invitation(servers, "HXUG")

    reply = texts(servers.say(sender(), first.format(siren=spaced(siren)), {"language": language}))

    assert asked in reply and "?" in reply and "France" not in reply


@pytest.mark.parametrize(
    ("language", "summary"), [("fr", "Nom : Irène Vidal"), ("en", "Name: Irène Vidal")]
)
def test_a_name_typed_in_lower_case_gets_its_capitals(servers, language, summary):
    """ "jean" was kept as typed: "Nom : jean Dupont", and the mail said "Bonjour jean,"."""
    talk, _, turns = registering(servers, "HXUH", language, 6)
    metadata = {"language": language}
    servers.say(talk, "irène", metadata)
    servers.say(talk, "vidal", metadata)
    converse(servers, talk, turns[8:9], metadata)

    assert summary in texts(servers.say(talk, turns[9][0], metadata))


@pytest.mark.parametrize(
    ("language", "start", "sentence", "not_sure", "asked", "unknown"),
    [
        (
            "fr",
            "je veux créer mon compte",
            "je ne sais pas quelle adresse mail mettre, j'en ai deux",
            "Je ne suis pas sûr de bien comprendre",
            "Dans quel pays",
            "ne reconnais pas ce pays",
        ),
        (
            "en",
            "I want to create my account",
            "I don't know which email to use, I have two",
            "I am not sure I understand",
            "In which country",
            "do not recognise this country",
        ),
    ],
)
def test_an_unsure_sentence_at_the_country_question_is_not_read_as_a_country(
    servers, language, start, sentence, not_sure, asked, unknown
):
    """It got "I do not recognise this country"."""
    talk = sender()
    metadata = {"language": language}
    servers.say(talk, start, metadata)

    replies = texts(servers.say(talk, sentence, metadata))

    assert not_sure in replies and asked in replies and unknown not in replies


@pytest.mark.parametrize(
    ("language", "which", "answer", "asked"),
    [
        (
            "fr",
            "je dois mettre mon email a moi ou celui du client ?",
            "Indiquez votre propre adresse email",
            "Quelle adresse email",
        ),
        (
            "en",
            "should I put my own email or my customer's?",
            "Give your own email address",
            "Which email address",
        ),
    ],
)
def test_which_address_to_give_is_answered_at_the_address_question(
    servers, language, which, answer, asked
):
    """ "je dois mettre mon email a moi ou celui du client ?" got "not sure"."""
    talk = registered_up_to(servers, "HXUJ", language, TO_CONTACT_DETAILS[language][:4])

    reply = texts(servers.say(talk, which, {"language": language}))

    assert answer in reply and asked in reply


# --- another company's identifier and code in one correction -------------------------------------


@pytest.mark.parametrize(
    ("language", "other_company"),
    [
        (
            "fr",
            "attendez, je me trompe de société. C'est notre autre société, {siren}, code {code}",
        ),
        (
            "en",
            "hmm hold on, I'm registering the wrong entity. It should be our other company, "
            "{siren}, code {code}",
        ),
    ],
)
def test_another_company_given_at_the_address_question_is_the_one_registered(
    servers, language, other_company
):
    """The new code was taken with the old identifier: "Which of the two does not match?", and
    two failed checks counted towards the company's lock before the supplier found the way."""
    talk, _, every = registering(servers, "HXUK", language, 2)  # the address asked
    siren, code = fr_invitation(servers, "HXUL")

    replies = servers.say(
        talk, other_company.format(siren=spaced(siren), code=code), {"language": language}
    )

    assert "Lequel des deux" not in texts(replies) and "Which of the two" not in texts(replies)
    converse(servers, talk, every[2:], {"language": language})  # the account is created
    assert accounts_of(servers, siren) == 1


# --- the contact details listed at the first name question ---------------------------------------


@pytest.mark.parametrize(
    ("language", "listed", "job_title", "summary"),
    [
        (
            "fr",
            "je vous l'ai déjà dit : Irène Vidal, téléphone 06 71 23 45 89, responsable comptable",
            "Fonction : responsable comptable",
            "récapitulatif",
        ),
        (
            "en",
            "I already told you, Irène Vidal. phone 06 71 23 45 89, finance manager",
            "Job title: finance manager",
            "summary",
        ),
    ],
)
def test_the_name_phone_and_job_title_listed_at_the_first_name_question_are_all_kept(
    servers, language, listed, job_title, summary
):
    """It got "This name does not look valid: please use letters, spaces, hyphens or
    apostrophes." (the tester had given them all in the first message)."""
    talk, _, _ = registering(servers, "HXUM", language, UP_TO_THE_PHONE - 2)  # first name asked

    reply = texts(servers.say(talk, listed, {"language": language}))

    assert summary in reply and "Irène Vidal" in reply and "+33 6 71 23 45 89" in reply
    assert job_title in reply


@pytest.mark.parametrize(
    ("language", "again", "kept"),
    [
        ("fr", "Comptable, comme je vous l'ai déjà dit", "Fonction : Comptable\n"),
        ("en", "Accountant, as I said", "Job title: Accountant\n"),
    ],
)
def test_a_job_title_given_again_with_as_i_said_is_kept_without_it(servers, language, again, kept):
    """ "accounts payable lead, as I said" was stored as the job title word for word."""
    talk, _, _ = registering(servers, "HXUN", language, UP_TO_THE_SUMMARY - 1)  # job title asked

    reply = texts(servers.say(talk, again, {"language": language}))

    assert kept in reply


# --- later, and a question, where the password or the summary's yes is asked --------------------


@pytest.mark.parametrize(
    ("language", "later", "question", "asked", "wait_reply", "refused"),
    [
        (
            "fr",
            "je préfère le taper plus tard",
            "combien de temps ça prend ?",
            "Choisissez un mot de passe",
            "Prenez votre temps",
            "ne convient pas",
        ),
        (
            "en",
            "I'll type it later",
            "how long does this take?",
            "Choose a password",
            "Take your time",
            "cannot be used",
        ),
    ],
)
def test_later_and_a_question_at_the_password_question_are_not_refused_as_passwords(
    servers, language, later, question, asked, wait_reply, refused
):
    """Both were refused as passwords, rule by rule ("il manque une majuscule, un chiffre ...")."""
    talk, _, _ = registering(servers, "HXUP", language, 4)  # the password asked
    metadata = {"language": language}

    reply = texts(servers.say(talk, later, metadata))
    assert wait_reply in reply and asked in reply and refused not in reply

    reply = texts(servers.say(talk, question, metadata))
    assert NOT_SURE[language] in reply and asked in reply and refused not in reply


@pytest.mark.parametrize(
    ("language", "check_first", "wait_reply", "summary"),
    [
        ("fr", "attendez, je veux vérifier avec mon chef avant", "Prenez votre temps",
         "récapitulatif"),
        ("en", "I need to check with my boss first", "Take your time", "summary"),
    ],
)  # fmt: skip
def test_checking_with_someone_first_at_the_summary_waits_and_creates_nothing(
    servers, language, check_first, wait_reply, summary
):
    """In French it got "merci de répondre par « oui » ou par « non »"; in English it waited."""
    talk, email, _ = registering(servers, "HXUQ", language, UP_TO_THE_SUMMARY)

    reply = texts(servers.say(talk, check_first, {"language": language}))

    assert wait_reply in reply and summary in reply and "non »" not in reply
    with db.session_scope(servers.database_url) as session:
        assert session.scalar(select(func.count()).where(Account.email == email)) == 0


# --- answers given before their question are said back -------------------------------------------


@pytest.mark.parametrize(
    ("language", "start", "early", "noted", "country_asked", "read_back"),
    [
        (
            "fr",
            "je veux m'inscrire",
            "mon email est {email} et le code {code}",
            "C'est noté : email **{email}**.",
            "Dans quel pays",
            "Vous avez saisi **{email}**",
        ),
        (
            "en",
            "I want to register",
            "my email is {email} and the code is {code}",
            "Noted: email **{email}**.",
            "In which country",
            "You entered **{email}**",
        ),
    ],
)
def test_an_address_given_before_its_question_is_said_back_then_read_back_to_confirm(
    servers, language, start, early, noted, country_asked, read_back
):
    """The code and the address typed at the country question were kept silently, and the
    country asked again: the supplier could not tell what was kept (third outside tester)."""
    siren, code = fr_invitation(servers, "HXUR")
    email = f"tot.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    talk = sender()
    metadata = {"language": language}
    servers.say(talk, start, metadata)

    reply = texts(servers.say(talk, early.format(email=email, code=code), metadata))
    assert noted.format(email=email) in reply and country_asked in reply

    converse(servers, talk, [("France", "SIREN")], metadata)
    reply = texts(servers.say(talk, spaced(siren), metadata))  # identified with the code kept
    assert read_back.format(email=email) in reply and noted.format(email=email) not in reply


@pytest.mark.parametrize(
    ("language", "lost", "asked_again", "not_asked"),
    [
        ("fr", "je suis perdu", "prénom", "nom de famille"),
        ("en", "I'm lost", "first name", "last name"),
    ],
)
def test_lost_at_the_first_name_question_is_not_a_name(
    servers, language, lost, asked_again, not_asked
):
    """ "je suis perdu" became the first name "perdu"; "I'm lost" first name "I'm", last name
    "Lost" ("Noted: ..."), and the next question came."""
    talk, _, _ = registering(servers, "HXUS", language, UP_TO_THE_PHONE - 2)  # first name asked

    reply = texts(servers.say(talk, lost, {"language": language}))

    assert asked_again in reply and not_asked not in reply
    assert "noté" not in reply and "Noted" not in reply


@pytest.mark.parametrize(
    ("language", "same", "help_text", "asked"),
    [
        ("fr", "la même que celle où j'ai reçu l'invitation", "Écrivez l'adresse",
         "Quelle adresse email"),
        ("en", "the same one the invitation was sent to", "Type the address",
         "Which email address"),
    ],
)  # fmt: skip
def test_the_address_the_invitation_went_to_is_asked_to_be_typed(
    servers, language, same, help_text, asked
):
    """English got the answer about an invitation sent to a colleague who left; French "not
    sure": the assistant cannot see the invitation email."""
    talk, _, _ = registering(servers, "HXUT", language, 2)  # the address asked

    reply = texts(servers.say(talk, same, {"language": language}))

    assert help_text in reply and asked in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "start", "resend", "new_code", "extend", "what_now"),
    [
        ("fr", "je veux créer mon compte", "vous pouvez m'en renvoyer un ?",
         "pouvez-vous me donner un nouveau code ?", "vous ne pouvez pas prolonger mon code ?",
         "et maintenant je fais quoi ?"),
        ("en", "I want to create my account", "can you send me a new one?",
         "can you give me a new code?", "can't you extend my code?", "what do I do now?"),
    ],
)  # fmt: skip
def test_after_an_expired_code_a_new_one_is_the_customers_not_an_activation_email(
    servers, language, start, resend, new_code, extend, what_now
):
    """After "this invitation code ... has expired", asking for a new one was taken for the
    activation email ("Which email address did you register with?"): nothing was created.
    "What now?" got the registration's 5 steps, which start with the code."""
    siren, code = new_siren(), new_code_of("HXVA")
    four_months_ago = db.utcnow() - timedelta(days=120)
    invite(servers.database_url, CompanyId("FR", siren), code=code, issued_at=four_months_ago)
    talk, metadata = sender(), {"language": language}
    expired = texts(servers.say(talk, f"{start}. France, {spaced(siren)}, {code}", metadata))
    assert "3 mois" in expired or "3 months" in expired

    for question, answer in [
        (resend, ("seul votre client", "only your customer")),
        (new_code, ("ne peut pas être prolongé", "nor extended")),
        (extend, ("ne peut pas être prolongé", "nor extended")),
        (what_now, ("seul votre client", "only your customer")),  # not the 5 steps
    ]:
        reply = texts(servers.say(talk, question, metadata))
        assert answer[language == "en"] in reply, (question, reply)
        assert "adresse email" not in reply and "email address" not in reply


@pytest.mark.parametrize(
    ("language", "start", "doubt"),
    [
        ("fr", "je veux créer mon compte",
         "Attendez, Hexatop ? On ne travaille pas avec Hexatop, ce n'est pas notre client. "
         "C'est bizarre."),
        ("en", "I want to create my account",
         "Wait, Hexatop? We don't work with Hexatop, they're not our customer. That's weird."),
    ],
)  # fmt: skip
def test_a_customer_the_supplier_does_not_know_gets_how_to_check_the_invitation(
    servers, language, start, doubt
):
    """A supplier who does not know the customer named by the invitation may be the target of a
    fraud: the answer is how to check an invitation (or the topic offered). It got "not sure"
    with topics that did not include it."""
    siren = new_siren()
    code = invite(servers.database_url, CompanyId("FR", siren), customer="Hexatop")
    talk, metadata = sender(), {"language": language, "invitation_code": code}
    converse(
        servers, talk, [(start, "?"), ("France", "SIREN"), (spaced(siren), "Hexatop")], metadata
    )

    replies = servers.say(talk, doubt, metadata)

    assert_answered_or_offered(replies, language, "faq/genuine_invitation", ["noreply@sis-id.com"])


@pytest.mark.parametrize(
    ("language", "what_if", "because", "asked"),
    [
        ("fr", "qu'est-ce qui se passe si je n'accepte pas ?",
         "Sans votre acceptation, nous ne pouvons pas créer votre compte", "Acceptez-vous"),
        ("en", "what happens if I don't accept?",
         "Without your acceptance we cannot create your account", "Do you accept"),
    ],
)  # fmt: skip
def test_what_happens_without_accepting_the_terms_is_answered(
    servers, language, what_if, because, asked
):
    """It got "not sure" with topics (an outside tester, c37)."""
    talk, _, _ = registering(servers, "HXVC", language, 5)  # the terms asked

    reply = texts(servers.say(talk, what_if, {"language": language}))

    assert because in reply and asked in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "landline", "answer", "asked"),
    [
        ("fr", "je peux donner un fixe ?", "Un fixe ou un mobile conviennent",
         "Quel est votre numéro de téléphone"),
        ("en", "can I give a landline?", "A landline or a mobile will do",
         "What is your phone number"),
    ],
)  # fmt: skip
def test_whether_a_landline_will_do_is_answered_at_the_phone_question(
    servers, language, landline, answer, asked
):
    """It got "not sure" with topics (an outside tester, c47)."""
    talk, _, _ = registering(servers, "HXVD", language, UP_TO_THE_PHONE)

    reply = texts(servers.say(talk, landline, {"language": language}))

    assert answer in reply and asked in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "dont_know", "summary", "not_given"),
    [("fr", "jsp", "récapitulatif", "non renseignée"), ("en", "idk", "summary", "not given")],
)
def test_i_dont_know_in_sms_style_is_no_job_title(servers, language, dont_know, summary, not_given):
    """ "jsp" was kept as the job title (an outside tester, c38)."""
    talk, _, _ = registering(servers, "HXVE", language, UP_TO_THE_SUMMARY - 1)  # job title asked

    reply = texts(servers.say(talk, dont_know, {"language": language}))

    assert summary in reply and not_given in reply and dont_know not in reply.lower().split()


@pytest.mark.parametrize(
    ("language", "back", "gone", "asked"),
    [
        ("fr", "Bonjour, je reviens pour finir mon inscription commencée hier",
         "Les réponses d'une conversation précédente ne sont pas conservées", "Dans quel pays"),
        ("en", "Hi, I'm back to finish my registration from yesterday",
         "Answers from an earlier conversation are not kept", "which country"),
    ],
)  # fmt: skip
def test_coming_back_to_finish_the_registration_says_it_starts_again(
    servers, language, back, gone, asked
):
    """A new tab the next day: the answers of yesterday's session are gone (an hour, the
    session's expiration). This got "not sure" (an outside tester, M8), then a start as if
    nothing had been given before."""
    reply = texts(servers.say(sender(), back, {"language": language}))

    assert gone in reply and asked.lower() in reply.lower() and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "back", "summary"),
    [
        ("fr", "je reviens pour terminer mon inscription", "récapitulatif"),
        ("en", "I'm back to finish my registration", "summary"),
    ],
)
def test_back_to_finish_within_the_hour_goes_on_where_it_was(servers, language, back, summary):
    """ "je reviens pour terminer mon inscription" at the summary got "Prenez votre temps"
    ("je reviens" read as "I'll be right back"); the answers are still here: the summary."""
    talk, _, _ = registering(servers, "HXWC", language, UP_TO_THE_SUMMARY)

    reply = texts(servers.say(talk, back, {"language": language}))

    assert summary in reply and "Prenez votre temps" not in reply and "not kept" not in reply


@pytest.mark.parametrize(
    ("language", "change", "read_back", "yes", "summary"),
    [
        ("fr", "en fait je préfère utiliser {new}", "Vous avez saisi **{new}**", "oui",
         "Email : {new}"),
        ("en", "actually I'd rather use {new}", "You entered **{new}**", "yes", "Email: {new}"),
    ],
)  # fmt: skip
def test_an_address_changed_at_the_summary_is_read_back_to_confirm(
    servers, language, change, read_back, yes, summary
):
    """A new address typed at the summary went into the next summary without "is it
    correct?", which every other address gets: the activation email goes there (an outside
    tester, m6). Confirmed, the account is created with it."""
    talk, old, _ = registering(servers, "HXWB", language, UP_TO_THE_SUMMARY)
    new = f"neuve.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    metadata = {"language": language}

    reply = texts(servers.say(talk, change.format(new=new), metadata))
    assert read_back.format(new=new) in reply and summary.format(new=new) not in reply

    assert summary.format(new=new) in texts(servers.say(talk, yes, metadata))
    servers.say(talk, yes, metadata)
    wait_for_mail(servers.smtp, new)
    assert not servers.smtp.inbox.to(old)


@pytest.mark.parametrize(
    ("language", "question", "answered", "asked", "not_next"),
    [
        # "not sure" with the closest topics, or the answer: one address, one account
        ("fr", "Attendez, je vais devoir faire ça pour mes 15 clients, je peux utiliser la même "
         "adresse email pour tous ?", ("Je ne suis pas sûr", "ne sert qu'à un"),
         "Choisissez un mot de passe", "Conditions Générales"),
        ("en", "Wait, I have 15 clients to do this for, can I use the same email address for "
         "all of them?", ("I am not sure", "one account only"), "Choose a password",
         "Terms of Use"),
        ("en", "Is there a fee for this? We have 2 suppliers portals already", ("I am not sure",),
         "Choose a password", "Terms of Use"),
    ],
)  # fmt: skip
def test_a_question_typed_at_the_password_question_is_never_the_password(
    servers, language, question, answered, asked, not_next
):
    """It met every rule, became the account's password, and the terms came next: the first
    login would have failed (an outside tester, S1). Now the question is answered (or the
    closest topics offered), and the password asked again; nothing kept."""
    talk, _, _ = registering(servers, "HXWF", language, 4)  # the password asked

    reply = texts(servers.say(talk, question, {"language": language}))

    assert any(words in reply for words in answered), reply
    assert asked in reply and not_next not in reply
    with db.session_scope(servers.database_url) as session:
        assert drafts.password_hash_for(session, talk) is None


@pytest.mark.parametrize(
    ("language", "angry", "checklist"),
    [
        ("fr", "C'EST LA 3EME FOIS QUE JE RECOIS PAS VOTRE MAIL D'ACTIVATION, J'EN AI MARRE",
         "courriers indésirables"),
        ("fr", "je ne reçois toujours pas votre email d'activation", "courriers indésirables"),
        ("en", "THIS IS THE THIRD TIME I HAVEN'T RECEIVED YOUR ACTIVATION EMAIL. FED UP.",
         "spam folder"),
    ],
)  # fmt: skip
def test_an_activation_email_not_received_in_the_present_tense_gets_the_checklist(
    servers, language, angry, checklist
):
    """ "je recois pas votre mail d'activation" got "not sure" in French, in capitals or not;
    English got the article's checklist (fourth outside tester, M8)."""
    reply = texts(servers.say(sender(), angry, {"language": language}))

    assert checklist in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "question", "warning", "address"),
    [
        ("fr", "le mail venait de noreply@sis-id.com-securite.ru c normal ?",
         "n'est pas l'une de nos adresses", "noreply@sis-id.com-securite.ru"),
        ("en", "The invitation link goes to mysisid-secure-login.com, that's you, right?",
         "is not one of our addresses", "mysisid-secure-login.com"),
        # a Cyrillic "і" in place of the "i" (fifth outside tester, S1)
        ("fr", "Le mail venait de noreply@sis-\u0456d.com, c'est bien vous ?",
         "n'est pas l'une de nos adresses", "noreply@sis-\u0456d.com"),
        ("en", "The email came from noreply@sis-\u0456d.com, is that really you?",
         "is not one of our addresses", "noreply@sis-\u0456d.com"),
    ],
)  # fmt: skip
def test_a_lookalike_sender_or_link_gets_a_plain_no(servers, language, question, warning, address):
    """It got "our emails are sent from noreply@sis-id.com": a hurried reader saw
    noreply@sis-id.com in both (fourth outside tester, M10), and a Cyrillic "і" is invisible
    (fifth, S1)."""
    reply = texts(servers.say(sender(), question, {"language": language}))

    assert warning in reply and f"**{address}**" in reply and "noreply@sis-id.com**" in reply


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("fr", "est-ce que vos emails viennent bien de noreply@sis-id.com ?"),
        ("en", "do your emails come from noreply@sis-id.com?"),
    ],
)
def test_our_own_sender_is_not_called_a_lookalike(servers, language, question):
    reply = texts(servers.say(sender(), question, {"language": language}))

    assert "noreply@sis-id.com" in reply and "n'est pas l'une" not in reply
    assert "is not one of our" not in reply


@pytest.mark.parametrize(
    ("language", "both", "noted", "read_back"),
    [
        ("fr", "{email} et mon portable c'est le 06 12 34 56 78",
         "C'est noté : téléphone **+33 6 12 34 56 78**", "Vous avez saisi **{email}**"),
        ("en", "{email}, and my mobile is 06 12 34 56 78 if you need it",
         "Noted: phone **+33 6 12 34 56 78**", "You entered **{email}**"),
    ],
)  # fmt: skip
def test_an_address_with_the_phone_at_the_address_question_keeps_both(
    servers, language, both, noted, read_back
):
    """It said "Corrected.", kept the phone and asked the address again, the address lost
    ("my mobile is ..." read as a correction of a phone never given; fourth outside tester,
    M5)."""
    talk, email, _ = registering(servers, "HXWG", language, 2)  # the address asked

    reply = texts(servers.say(talk, both.format(email=email), {"language": language}))

    assert noted in reply and read_back.format(email=email) in reply


@pytest.mark.parametrize(
    ("language", "name", "noted", "asked"),
    [
        ("fr", "Marie-Thérèse de La Fontaine",
         "prénom **Marie-Thérèse**, nom **de La Fontaine**", "téléphone"),
        ("en", "Ludwig van Beethoven", "first name **Ludwig**, last name **van Beethoven**",
         "phone"),
    ],
)  # fmt: skip
def test_a_full_name_with_a_particle_is_split_before_it(servers, language, name, noted, asked):
    """ "Marie-Thérèse de La Fontaine" was all first name, then the last name was asked, and
    the summary read "Marie-Thérèse de La Fontaine de La Fontaine" (fourth outside tester,
    M6)."""
    talk, _, _ = registering(servers, "HXWH", language, 6)  # the first name asked

    reply = texts(servers.say(talk, name, {"language": language}))

    assert noted in reply and asked in reply


@pytest.mark.parametrize(
    ("language", "question", "asked", "summary", "last_name"),
    [
        ("fr", "responsable des achats mais en fait c'est mon collègue Paul Martin qui va gérer "
         "le compte, je mets son nom ?", "Quelle est votre fonction", "Comptable",
         "Nom : Irène Vidal"),
        ("en", "purchasing manager but actually my colleague Paul Martin will manage the "
         "account, should I put his name?", "What is your job title", "Accountant",
         "Name: Irène Vidal"),
    ],
)  # fmt: skip
def test_a_question_about_a_colleague_at_the_job_title_keeps_the_last_name(
    servers, language, question, asked, summary, last_name
):
    """ "... en fait ... je mets son nom ?" read as a correction of the last name: it was
    forgotten and asked again, without a word (fourth outside tester, M7)."""
    talk, _, _ = registering(servers, "HXWI", language, UP_TO_THE_SUMMARY - 1)  # job title

    reply = texts(servers.say(talk, question, {"language": language}))
    assert asked in reply

    assert last_name in texts(servers.say(talk, summary, {"language": language}))


@pytest.mark.parametrize(
    ("language", "question", "answer"),
    [
        ("fr", "et si j'oublie mon mdp ?", "Mot de passe oublié"),
        ("en", "what if I forget my pwd?", "Forgot password"),
    ],
)
def test_the_password_s_abbreviation_gets_the_forgotten_password_s_answer(
    servers, language, question, answer
):
    """ "et si j'oublie mon mdp ?" got the answer about personal data, sure of it; "what if I
    forget my pwd?" got "not sure" (fourth outside tester, M3)."""
    reply = texts(servers.say(sender(), question, {"language": language}))

    assert answer in reply and NOT_SURE[language] not in reply


def _lower_case(code: str) -> str:
    return " ".join(code.lower()[i : i + 4] for i in range(0, 16, 4))


@pytest.mark.parametrize(
    ("language", "first", "identified"),
    [
        ("fr", "bjr faut que je m'inscrive vite, siren {siren} code {code}",
         "votre société est identifiée"),
        ("en", "hi need 2 register asap, my customer sent me a code. siren {siren} code {code}",
         "your company is identified"),
    ],
)  # fmt: skip
def test_a_lower_case_code_in_a_first_message_identifies_the_company(
    servers, language, first, identified
):
    """ "crn 05478384 code kjpq hc8k f7x7 w24h" read the code as "05478384 code kjpq": "not
    sure", then both asked again (fourth outside tester, M4)."""
    siren, code = fr_invitation(servers, "HXWN")
    text = first.format(siren=spaced(siren), code=_lower_case(code))

    reply = texts(servers.say(sender(), text, {"language": language}))

    assert identified in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "first", "asked"),
    [
        ("fr", "Bonjour, nous sommes une société belge, numéro d'entreprise BE 0692.867.634, on "
         "a reçu une invitation de Brussels Foods", "Quel est votre code d'invitation"),
        ("en", "Hello. We are a Belgian company, enterprise number BE 0692.867.634, we got an "
         "invitation from Brussels Foods", "What is your invitation code"),
    ],
)  # fmt: skip
def test_an_identifier_in_a_first_message_that_asks_nothing_starts_with_it(
    servers, language, first, asked
):
    """It got "not sure", then "we want to register" asked the country: the country and the
    number were lost (fourth outside tester, M4)."""
    reply = texts(servers.say(sender(), first, {"language": language}))

    assert asked in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "next_one", "identified"),
    [
        ("fr", "merci. maintenant je fais le client suivant : SIREN {siren} code {code}",
         "votre société est identifiée"),
        ("en", "thanks. now the next client: SIREN {siren} code {code}",
         "your company is identified"),
    ],
)  # fmt: skip
def test_the_next_company_s_identifier_and_code_after_an_account_start_its_registration(
    servers, language, next_one, identified
):
    """It asked "another company?", and "oui" asked the country: the SIREN and the code were
    lost (fourth outside tester, M4)."""
    talk, _ = registered(servers, language, "HXWO")
    siren, code = fr_invitation(servers, "HXWP")

    reply = texts(servers.say(talk, next_one.format(siren=spaced(siren), code=code),
                              {"language": language}))  # fmt: skip

    assert identified in reply


@pytest.mark.parametrize(
    ("language", "next_one", "country", "identified"),
    [
        ("fr", "Super. Client suivant : Menuiserie Fenwick, code {code}. On peut garder mes "
         "coordonnées de la dernière fois ? même nom, même téléphone", "Dans quel pays",
         "votre société est identifiée"),
        ("en", "Great. Next client: Fenwick Labs, code {code}. Can we keep my details from the "
         "last one? same name, phone", "In which country", "your company is identified"),
    ],
)  # fmt: skip
def test_the_next_company_s_code_alone_after_an_account_starts_its_registration_with_it(
    servers, language, next_one, country, identified
):
    """It asked "another company?", and "yes" asked the country: the code was lost (fifth
    outside tester, m2)."""
    talk, _ = registered(servers, language, "HXYO")
    siren, code = fr_invitation(servers, "HXYP")
    metadata = {"language": language}

    reply = texts(servers.say(talk, next_one.format(code=code), metadata))

    assert country in reply
    converse(servers, talk, [("France", "SIREN")], metadata)
    assert identified in texts(servers.say(talk, spaced(siren), metadata))  # the code kept


@pytest.mark.parametrize(
    ("language", "pause", "go_on", "continues", "asked", "refused"),
    [
        ("fr", "stop j'arrete, je dois demander a mon patron", "non en fait je continue",
         "Très bien, continuons", "Quelle adresse email", "nécessaire"),
        ("en", "hold on, I need to check with my boss first", "no actually I'll carry on",
         "Fine, let's continue", "Which email address", "needed"),
    ],
)  # fmt: skip
def test_going_on_after_a_pause_asks_the_question_again(
    servers, language, pause, go_on, continues, asked, refused
):
    """ "non en fait je continue" after "Prenez votre temps" got "Indiquez votre propre adresse
    email ... cette information est nécessaire": its "non" read as a refusal (fourth outside
    tester, m3)."""
    talk, _, _ = registering(servers, "HXWQ", language, 2)  # the address asked
    metadata = {"language": language}
    servers.say(talk, pause, metadata)

    reply = texts(servers.say(talk, go_on, metadata))

    assert continues in reply and asked in reply and refused not in reply


@pytest.mark.parametrize(
    ("language", "start", "country", "said"),
    [
        (
            "fr",
            "je veux m'inscrire",
            "Irlande",
            "Irlande ne fait pas partie des pays pris en charge",
        ),
        ("en", "I want to register", "Ireland", "Ireland is not among the supported countries"),
    ],
)
def test_a_country_that_cannot_register_is_named_with_the_advisor(
    servers, language, start, country, said
):
    """ "Ireland" got "I do not recognise this country" (fourth outside tester, m8)."""
    talk = sender()
    servers.say(talk, start, {"language": language})

    replies = servers.say(talk, country, {"language": language})

    assert said in texts(replies) and "/human_handoff" in payloads(replies)


@pytest.mark.parametrize(
    ("language", "noted", "asked", "last_name", "job_title"),
    [
        ("fr", "C'est noté : téléphone **+33 6 12 34 56 79**", "nom de famille", "Vidal",
         "fonction"),
        ("en", "Noted: phone **+33 6 12 34 56 79**", "last name", "Vidal", "job title"),
    ],
)  # fmt: skip
def test_a_phone_typed_at_the_last_name_question_is_kept_as_the_phone(
    servers, language, noted, asked, last_name, job_title
):
    """ "06.12.34.56.78" at the last name question got "this name does not look valid", and the
    number was lost (fourth outside tester, m2)."""
    talk, _, _ = registering(servers, "HXWR", language, UP_TO_THE_PHONE - 1)  # last name asked
    metadata = {"language": language}

    reply = texts(servers.say(talk, "06.12.34.56.79", metadata))
    assert noted in reply and asked in reply

    reply = texts(servers.say(talk, last_name, metadata))  # then the job title, not the phone
    assert job_title in reply


@pytest.mark.parametrize(
    ("language", "accept", "asked"),
    [("fr", "lu et approuvé", "prénom"), ("en", "read and approved", "first name")],
)
def test_read_and_approved_accepts_the_terms(servers, language, accept, asked):
    """ "lu et approuvé", the formula people write under a contract, got "reply yes or no"
    (fourth outside tester, M9)."""
    talk, _, _ = registering(servers, "HXWS", language, 5)  # the terms asked

    assert asked in texts(servers.say(talk, accept, {"language": language}))


@pytest.mark.parametrize(
    ("language", "yes", "used"),
    [
        ("fr", "oui", "Cette invitation a déjà servi à une inscription"),
        ("en", "yes", "This invitation has already been used for a registration"),
    ],
)
def test_an_invitation_a_colleague_used_meanwhile_is_said_at_the_address(
    servers, language, yes, used
):
    """A colleague registered the company with the same invitation in another conversation:
    it was found only at the summary's "yes", after the password, the terms and the contact
    details (fourth outside tester, m6)."""
    siren, code = fr_invitation(servers, "HXWT")
    metadata = {"language": language}
    mine, colleague = sender(), sender()
    me = f"moi.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    converse(servers, mine, registration(language, siren, code, me)[:3], metadata)  # read back
    other = f"collegue.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    converse(servers, colleague, registration(language, siren, code, other), metadata)

    reply = texts(servers.say(mine, yes, metadata))

    assert used in reply


@pytest.mark.parametrize(
    ("language", "question", "answer"),
    [
        ("fr", "jai recu aucun mail de mon client", "sur **invitation de votre client**"),
        ("en", "i never got any email from my customer", "**by invitation from your customer**"),
        ("fr", "c bon c activé. je me connecte ou maintenant ?", "Si votre compte est déjà activé"),
        ("en", "ok its activated. where do i log in now?", "If your account is already activated"),
        ("fr", "et une fois activé je dois faire quoi ? on me demandera le RIB ?",
         "il reste l'étape 5"),
        ("en", "and once it's activated what do i do? will you ask for our bank details?",
         "there is one last step"),
        ("fr", "c koi le code dinvit jlai pa", "Le code d'invitation relie votre inscription"),
        ("en", "wat is the invite code i dont have it",
         "The invitation code links your registration"),
    ],
)  # fmt: skip
def test_everyday_wordings_of_support_questions_get_their_answer(
    servers, language, question, answer
):
    """Each got "not sure" (fourth outside tester, M9): no invitation from the customer, where
    to log in once activated, what comes after the activation, the invitation code in SMS
    style."""
    reply = texts(servers.say(sender(), question, {"language": language}))

    assert answer in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "asked"), [("fr", "code d'invitation"), ("en", "invitation code")]
)
def test_an_identifier_copied_with_invisible_characters_is_read(servers, language, asked):
    """A SIREN copied from a PDF holds zero-width spaces: it got "not the right number of
    characters" (fifth outside tester, m6)."""
    siren, _ = fr_invitation(servers, "HXWW")
    talk = sender()
    start = "je veux m'inscrire" if language == "fr" else "I want to register"
    converse(servers, talk, [(start, "?"), ("France", "SIREN")], {"language": language})

    typed = "\u200b".join([siren[:3], siren[3:6], siren[6:]]) + "\ufeff"
    reply = texts(servers.say(talk, typed, {"language": language}))

    assert asked in reply


@pytest.mark.parametrize(
    ("language", "sentence", "refused", "asked"),
    [
        ("fr", "pareil que pour les deux autres", "Je n'ai pas reconnu de nom", "prénom"),
        ("en", "same as for the other two", "I did not recognise a name", "first name"),
    ],
)
def test_a_sentence_at_the_first_name_question_is_not_a_first_name(
    servers, language, sentence, refused, asked
):
    """An accountant's third registration: "pareil que pour les deux autres" became the first
    name, and the activation mail said "Bonjour Pareil Que Pour Les Deux Autres," (fifth
    outside tester, S3)."""
    talk, _, _ = registering(servers, "HXWX", language, 6)  # the first name asked

    reply = texts(servers.say(talk, sentence, {"language": language}))

    assert refused in reply and asked in reply


@pytest.mark.parametrize(
    ("language", "title", "refused", "not_ours", "asked"),
    [
        ("fr", "Service client Sis ID : pour finaliser, envoyez votre RIB à "
         "support@sis-id-verif.com", "sans lien, adresse email, numéro de téléphone",
         "n'est pas l'une de nos adresses", "Quelle est votre fonction"),
        ("en", "Sis ID Security Team - send your IBAN to verify@sis-id-verify.com",
         "without a link, email address, phone number", "is not one of our addresses",
         "What is your job title"),
        # a phone number and the platform's name (sixth outside tester, M4)
        ("fr", "Service Fraude Sis ID - rappelez le 01 89 70 00 00 avant tout virement",
         "sans lien, adresse email, numéro de téléphone", None, "Quelle est votre fonction"),
        ("en", "Sis ID verification desk - call +44 20 3808 0000 before paying any invoice",
         "without a link, email address, phone number", None, "What is your job title"),
        # "write to me at X instead": the job title refused, X offered as the account's new
        # address, to confirm ("mail" in "exemple-mail.fr" was read as the field's name)
        ("fr", "Comptable - écrivez-moi plutôt à compta.perso@exemple-mail.fr",
         "sans lien, adresse email, numéro de téléphone", None, "est-elle correcte"),
        ("en", "Accountant - write to me at accounts.home@example-mail.co.uk instead",
         "without a link, email address, phone number", None, "is it correct"),
    ],
)  # fmt: skip
def test_a_job_title_with_an_address_is_refused(servers, language, title, refused, not_ours, asked):
    """It was kept, shown in the summary and stored with the account: support and the
    summary showed an instruction to send bank details elsewhere (fifth outside tester, M4).
    An address that looks like ours gets the warning that it is not ours (as anywhere else)."""
    talk, _, _ = registering(servers, "HXWY", language, UP_TO_THE_SUMMARY - 1)

    reply = texts(servers.say(talk, title, {"language": language}))

    assert (refused in reply or (not_ours is not None and not_ours in reply)) and asked in reply
    assert "récapitulatif" not in reply and "summary" not in reply


@pytest.mark.parametrize(
    ("language", "both", "said", "summary"),
    [
        ("fr", "non pardon, Van Damme c'est mon nom de famille, mon prénom c'est Luc",
         "prénom **Luc**, nom **Van Damme**", "Nom : Luc Van Damme"),
        ("en", "no sorry, Van Damme is my surname and my first name is Luc",
         "first name **Luc**, last name **Van Damme**", "Name: Luc Van Damme"),
    ],
)  # fmt: skip
def test_both_names_given_with_their_labels_are_each_in_their_place(
    servers, language, both, said, summary
):
    """The surname typed first at the first name question, then both with their labels at the
    last name question: the summary said "Van Damme Luc", and "le prénom c'est Luc, pas Van
    Damme" made it "Luc Luc" (fifth outside tester, S2)."""
    talk, _, turns = registering(servers, "HXXA", language, 6)  # the first name asked
    metadata = {"language": language}
    servers.say(talk, "Van Damme", metadata)  # the last name asked next

    reply = texts(servers.say(talk, both, metadata))

    assert said in reply and ("téléphone" if language == "fr" else "phone") in reply
    converse(servers, talk, turns[8:9], metadata)
    assert summary in texts(servers.say(talk, turns[9][0], metadata))


@pytest.mark.parametrize(
    ("language", "both", "summary"),
    [
        ("fr", "non ! prénom Luc, nom de famille Van Damme", "Nom : Luc Van Damme"),
        ("en", "no! first name Luc, last name Van Damme", "Name: Luc Van Damme"),
    ],
)
def test_both_names_with_their_labels_at_the_summary_correct_them(servers, language, both, summary):
    """It got "please reply yes or no"; only the buttons could fix the names (fifth outside
    tester, S2)."""
    talk, _, _ = registering(servers, "HXXB", language, UP_TO_THE_SUMMARY)

    reply = texts(servers.say(talk, both, {"language": language}))

    assert summary in reply
    assert "« oui » ou par « non »" not in reply and 'reply "yes" or "no"' not in reply


@pytest.mark.parametrize(
    ("language", "question", "answer", "asked"),
    [
        ("fr", "pouvez-vous me rappeler le mot de passe que je viens de choisir ? je l'ai déjà "
         "oublié", "Je ne peux pas vous redire votre mot de passe", "Conditions Générales"),
        ("fr", "vous pouvez me redire le mot de passe que j'ai tapé ? je ne m'en souviens plus",
         "Je ne peux pas vous redire votre mot de passe", "Conditions Générales"),
        ("en", "can you remind me what password I just chose? I forgot it already",
         "I cannot tell you your password again", "Terms of Use"),
    ],
)  # fmt: skip
def test_the_password_just_chosen_is_never_said_again_nor_a_ticket_opened(
    servers, language, question, answer, asked
):
    """At the terms: "pouvez-vous me rappeler ..." was a request to be called back (a ticket
    nobody asked for), "... je ne m'en souviens plus" a refusal of the terms (fifth outside
    tester, M3)."""
    talk, _, _ = registering(servers, "HXXD", language, 5)  # the terms asked

    reply = texts(servers.say(talk, question, {"language": language}))

    assert answer in reply and asked in reply
    assert "conseiller" not in reply and "advisor" not in reply
    assert "Sans votre acceptation" not in reply


@pytest.mark.parametrize(
    ("language", "message", "checklist"),
    [
        ("fr", "je me suis inscrit hier avec compta@menuiserie-roux.fr et toujours pas de mail "
         "pour activer. j'ai regardé partout", "courriers indésirables"),
        ("en", "I signed up yesterday with accounts@roux-joinery.co.uk and still no email to "
         "activate, I looked everywhere", "spam folder"),
    ],
)  # fmt: skip
def test_still_no_mail_to_activate_gets_the_checklist(servers, language, message, checklist):
    """ "toujours pas de mail pour activer" got "not sure" (fifth outside tester, M5)."""
    reply = texts(servers.say(sender(), message, {"language": language}))

    assert checklist in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "human", "call", "email_only"),
    [
        ("fr", "je voudrais parler à un conseiller",
         "Non je ne veux pas écrire, je veux qu'on m'appelle au 04 78 12 34 56",
         "Les conseillers répondent par email"),
        ("en", "I'd like to talk to an advisor",
         "No I don't want to write, I want someone to call me on 07700 900461",
         "Advisors reply by email"),
    ],
)  # fmt: skip
def test_a_call_asked_at_the_contact_question_is_told_advisors_write(
    servers, language, human, call, email_only
):
    """ "je veux qu'on m'appelle au ..." got "no valid email address in your message" (fifth
    outside tester, m4; the English "just call me back" was fixed before)."""
    talk = sender()
    servers.say(talk, human, {"language": language})

    reply = texts(servers.say(talk, call, {"language": language}))

    assert email_only in reply


@pytest.mark.parametrize(
    ("language", "start", "belgium", "ours", "siren"),
    [
        ("fr", "je veux m'inscrire, on est en Belgique", "numéro d'entreprise",
         "ah non attendez, c'est la maison mère qui est en Belgique, nous on est en France",
         "SIREN"),
        ("en", "I want to register, we are in Belgium", "enterprise number",
         "no wait, our parent company is in Belgium, we are in France", "SIREN"),
    ],
)  # fmt: skip
def test_the_country_said_of_us_beside_the_parent_company_s_is_the_company_s(
    servers, language, start, belgium, ours, siren
):
    """It got "not sure", and the Belgian number was asked again (fifth outside tester, M2)."""
    talk = sender()
    converse(servers, talk, [(start, belgium)], {"language": language})

    reply = texts(servers.say(talk, ours, {"language": language}))

    assert siren in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "message", "read_back"),
    [
        ("fr", "compta@imprimerie-kestrel.fr - attendez, c'est bon si c'est une boîte partagée "
         "que 4 personnes lisent ?", "est-elle correcte"),
        ("en", "accounts@kestrel-print.co.uk - actually hang on, is it ok to use a shared "
         "mailbox that 4 people read?", "is it correct"),
    ],
)  # fmt: skip
def test_an_address_given_with_a_question_is_kept_and_read_back(
    servers, language, message, read_back
):
    """The question got the answer about our sender's address, and the address was lost
    (fifth outside tester, M1)."""
    talk, _, _ = registering(servers, "HXXE", language, 2)  # the address asked

    reply = texts(servers.say(talk, message, {"language": language}))

    assert message.split()[0] in reply and read_back in reply
    assert "noreply@sis-id.com" not in reply


# --- the fifth outside tester's leftovers (fourteenth session) ----------------------------------


@pytest.mark.parametrize(
    ("language", "start", "insist", "no_contact", "contact_words"),
    [
        ("fr", "je veux créer mon compte",
         "mais c'est la faute de Transports Giraud, ils nous ont envoyé ça en juin et on vient "
         "de le voir. Vous ne pouvez vraiment rien faire ?",
         "je n'ai pas de contact chez Giraud, qui dois-je appeler ?", "interlocuteur habituel"),
        ("en", "I want to create my account",
         "but it's Giraud's fault, they sent it in June and we've only just seen it. Is there "
         "really nothing you can do?",
         "I have no contact at Giraud, who should I call?", "usual contact"),
    ],
)  # fmt: skip
def test_after_an_expired_code_insisting_and_knowing_nobody_at_the_customer_are_answered(
    servers, language, start, insist, no_contact, contact_words
):
    """After "this code has expired", "can't you really do anything?" got "not sure" with the
    activation email first, and "I have no contact at Giraud" got "I cannot understand" (fifth
    outside tester, M6)."""
    siren, code = new_siren(), new_code_of("HXYK" if language == "fr" else "HXYL")
    five_months_ago = db.utcnow() - timedelta(days=150)
    invite(servers.database_url, CompanyId("FR", siren), code=code,
           customer="Transports Giraud", issued_at=five_months_ago)  # fmt: skip
    talk, metadata = sender(), {"language": language}
    converse(servers, talk, [(f"{start}. France, {spaced(siren)}, {code}", "Giraud")], metadata)

    replies = servers.say(talk, insist, metadata)
    said = texts(replies)
    assert ("seul votre client" if language == "fr" else "only your customer") in said
    assert topic_button("faq/customer_contact") == payloads(replies)[0]
    assert "/resend_activation" not in payloads(replies)

    replies = servers.say(talk, no_contact, metadata)
    assert contact_words in texts(replies) and "/human_handoff" in payloads(replies)


@pytest.mark.parametrize(
    ("language", "ask", "when", "no_ticket_words", "words"),
    [
        ("fr", "je veux parler à un conseiller",
         "Et vous répondez quand ? Dans 3 semaines comme d'habitude ?",
         "dites « parler à un conseiller »", "je ne peux pas vous donner de délai précis"),
        ("en", "I want to talk to an advisor",
         "what's the ticket number again and when will they reply?",
         'say "talk to an advisor"', "I cannot give you a precise time"),
    ],
)  # fmt: skip
def test_after_a_ticket_its_reference_and_the_reply_time_are_answered(
    servers, language, ask, when, no_ticket_words, words
):
    """ "When will you reply?" and "what's the ticket number again?" after a ticket got "not
    sure", and the reference was not repeated (fifth outside tester, m3)."""
    talk, metadata = sender(), {"language": language}
    before = texts(servers.say(talk, when, metadata))  # no ticket yet: how to ask for one
    assert no_ticket_words in before and "T-0" not in before
    servers.say(talk, ask, metadata)
    given = texts(servers.say(talk, f"m3.{talk[:8]}@fournisseur-e2e.fr", metadata))
    reference = re.search(r"T-\d{6}", given).group(0)

    reply = texts(servers.say(talk, when, metadata))

    assert reference in reply and words in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "iban_check", "check_words", "by_phone", "phone_words"),
    [
        ("fr", "Est-ce que Sis ID vérifie que notre IBAN nous appartient vraiment ?",
         "un conseiller peut vous répondre",
         "Vous êtes sûr que Sis ID ne me demandera jamais mes codes bancaires par téléphone ?",
         "par téléphone"),  # the bank-details warning or the phone-scam answer: both say it
        ("en", "Does Sis ID check that our IBAN really belongs to us?",
         "an advisor can tell you",
         "Are you sure Sis ID will never ask for my bank codes over the phone?",
         "by phone"),
    ],
)  # fmt: skip
def test_a_cautious_supplier_s_questions_on_bank_details_are_answered(
    servers, language, iban_check, check_words, by_phone, phone_words
):
    """ "Does Sis ID check that our IBAN belongs to us?" got "I cannot understand your
    request"; "never by phone?" got "not sure" (fifth outside tester, m10)."""
    talk, metadata = sender(), {"language": language}
    for question, words in [(iban_check, check_words), (by_phone, phone_words)]:
        reply = texts(servers.say(talk, question, metadata))
        assert words in reply and NOT_SURE[language] not in reply, (question, reply)


@pytest.mark.parametrize(
    ("language", "legal", "terms"),
    [
        ("fr", "Est-ce que ça engage juridiquement notre société ou juste moi personnellement ?",
         "Acceptez-vous"),
        ("en", "Is this legally binding for our company or just for me personally?",
         "Do you accept"),
    ],
)  # fmt: skip
def test_is_it_legally_binding_at_the_terms_is_answered_and_the_terms_asked_again(
    servers, language, legal, terms
):
    """It got "not sure" at the terms question (fifth outside tester, m10)."""
    talk, _, _ = registering(servers, "HXYM", language, 5)  # the terms asked

    reply = texts(servers.say(talk, legal, {"language": language}))

    assert ("portée juridique" if language == "fr" else "legal scope") in reply
    assert terms in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "ours", "yes", "forged"),
    [
        ("fr", "Le lien dans le mail pointe vers {site}/?invitation=ABCD, c'est bien chez vous ?",
         "Oui : **help.example.test** est bien l'un de nos sites",
         "Le lien pointe vers https://help.example.test@evil.example/?invitation=ABCD, "
         "c'est bien chez vous ?"),
        ("en", "The link in the email goes to {site}/?invitation=ABCD - is that really you?",
         "Yes: **help.example.test** is one of our sites",
         "The link goes to https://help.example.test@evil.example/?invitation=ABCD - is that "
         "really you?"),
    ],
)  # fmt: skip
def test_our_own_link_is_confirmed_and_a_link_dressed_as_ours_is_not(
    servers, language, ours, yes, forged
):
    """Our own invitation link got "not sure" where a look-alike gets a plain "no" (fifth
    outside tester, m9). Asked right after another "not sure", Rasa's second stage said "I
    cannot understand": the answer comes all the same, and so does the warning about a
    look-alike sender."""
    talk, metadata = sender(), {"language": language}
    unsure = "/nlu_fallback"  # "not sure", whatever the wording
    assert NOT_SURE[language] in texts(servers.say(talk, unsure, metadata))

    reply = texts(servers.say(talk, ours.format(site="https://help.example.test"), metadata))
    assert yes in reply

    assert NOT_SURE[language] in texts(servers.say(talk, unsure, metadata))
    lookalike = "noreply@sis-іd.com"  # a Cyrillic "і"
    question = (
        f"Le mail venait de {lookalike}, c'est bien vous ?"
        if language == "fr"
        else (f"The mail came from {lookalike}, is that really you?")
    )
    no = f"Non : **{lookalike}**" if language == "fr" else f"No: **{lookalike}**"
    assert no in texts(servers.say(talk, question, metadata))
    assert yes not in texts(servers.say(talk, forged, metadata))


@pytest.mark.parametrize(
    ("language", "two_numbers", "kept"),
    [
        ("fr", "portable 06 71 23 45 89, fixe 01 42 68 53 00 — lequel voulez-vous ?",
         "Un fixe ou un mobile conviennent : je garde le premier, **+33 6 71 23 45 89**"),
        ("en", "mob 06 71 23 45 89, landline 01 42 68 53 00 — which one do you want?",
         "A landline or a mobile will do: I am keeping the first one, **+33 6 71 23 45 89**"),
    ],
)  # fmt: skip
def test_two_phone_numbers_and_a_question_keep_the_first_and_say_so(
    servers, language, two_numbers, kept
):
    """Both numbers were lost: "not sure" (EN), the phone answer (FR), then the question again
    (fifth outside tester, M7)."""
    talk, _, every = registering(servers, "HXYN", language, UP_TO_THE_PHONE)

    reply = texts(servers.say(talk, two_numbers, {"language": language}))

    assert kept in reply and every[UP_TO_THE_PHONE][1] in reply  # the job title next


@pytest.mark.parametrize(
    ("language", "hurried", "asked"),
    [
        ("fr", "bjr jveux minscrire svp jsuis presse", "Dans quel pays"),
        ("en", "hi need to regstr our co asap, got invte frm harwood", "In which country"),
    ],
)  # fmt: skip
def test_a_hurried_wish_to_register_starts_the_registration(servers, language, hurried, asked):
    """It got "not sure", with the registration among the topics (fourth and fifth outside
    testers)."""
    reply = texts(servers.say(sender(), hurried, {"language": language}))

    assert asked in reply and NOT_SURE[language] not in reply


@pytest.mark.parametrize(
    ("language", "refused", "word", "first_name"),
    [
        ("fr", "ne convient pas", "fromagerie", "Christophe"),
        ("en", "cannot be used", "fromagerie", "Christophe"),
    ],
)  # fmt: skip
def test_a_word_typed_at_the_password_question_stays_in_the_address_and_the_name(
    servers, language, refused, word, first_name
):
    """ "fromagerie" typed in the chat at the password question (refused) was then masked in the
    address given before it and in the first name given after: the summary said
    "contact@[masqué]-durand.fr", and the account and its activation mail went there (sixth
    outside tester, S1)."""
    siren, code = fr_invitation(servers, "HXYQ" if language == "fr" else "HXYR")
    email = f"contact.{uuid.uuid4().hex[:6]}@{word}-durand.fr"
    every = registration(language, siren, code, email)
    talk, metadata = sender(), {"language": language}
    converse(servers, talk, every[:4], metadata)  # the password asked
    assert refused in texts(servers.say(talk, word, metadata))
    turns = [*every[4:6], (first_name, every[6][1]), *every[7:]]

    replies = converse(servers, talk, turns, metadata)

    assert "[masqué]" not in texts(replies) and email in texts(replies)
    with db.session_scope(servers.database_url) as session:
        account = find_account(session, email)
        assert account is not None and account.contact.first_name == first_name


# --- the sixth outside tester ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "no", "menu", "nothing", "summary", "stop", "asked", "unclear", "again", "go_on"),
    [
        ("fr", "non", "Que souhaitez-vous corriger", "rien finalement c'est bon",
         "Voici le récapitulatif", "annuler", "Voulez-vous vraiment arrêter",
         "non je veux juste revenir au récap sans rien changer", "oui", "non"),
        ("en", "no", "What would you like to correct", "nothing actually, it's all fine",
         "Here is a summary", "cancel", "Do you really want to stop",
         "no no, keep everything as it is please", "yes", "no"),
    ],
)  # fmt: skip
def test_nothing_to_correct_goes_back_to_the_summary_and_an_unclear_answer_stops_nothing(
    servers, language, no, menu, nothing, summary, stop, asked, unclear, again, go_on
):
    """At the correction menu, "nothing after all" looped on the menu; then at "do you really
    want to stop?", an unclear answer ended the registration without a word, and "create my
    account" started afresh: every answer lost (sixth outside tester, S3)."""
    talk, email, _ = registering(servers, "HXYS", language, UP_TO_THE_SUMMARY)
    metadata = {"language": language}
    converse(servers, talk, [(no, menu), (nothing, summary), (no, menu)], metadata)
    replies = servers.say(talk, "/correct_field" + '{"field":"none"}', metadata)
    assert summary in texts(replies) and email in texts(replies)  # the "Rien" button

    converse(servers, talk, [(stop, asked)], metadata)
    reply = texts(servers.say(talk, unclear, metadata))
    assert asked in reply  # the question again, nothing stopped
    converse(servers, talk, [(go_on, summary)], metadata)
    assert "noreply@sis-id.com" in texts(servers.say(talk, again, metadata))  # created
    with db.session_scope(servers.database_url) as session:
        assert find_account(session, email) is not None


@pytest.mark.parametrize(
    ("language", "first", "then", "no"),
    [
        ("fr", "et le bouton du mail m'envoie sur https://my.sis-id.com@secure-iban.ru/login "
         "c'est bien votre site ?", "ok et https://my.sis-id.com.validation-fournisseur.fr/ ?",
         "Non : **"),
        ("en", "The button links to https://my.sis-id.com@login-verify.io/confirm - is that your "
         "site?", "What about https://my.sis-id.com.supplier-check.net/account ? A colleague got "
         "that one", "No: **"),
    ],
)  # fmt: skip
def test_a_link_that_only_shows_our_name_is_called_out_whatever_the_wording(
    servers, language, first, then, no
):
    """The user-info trick ("https://my.sis-id.com@secure-iban.ru" opens secure-iban.ru) got
    "not sure"; our host as the first labels of another domain, asked right after, "I cannot
    understand" (sixth outside tester, S2)."""
    talk, metadata = sender(), {"language": language}
    for message in (first, then):
        reply = texts(servers.say(talk, message, metadata))
        assert no in reply and NOT_SURE[language] not in reply, (message, reply)


@pytest.mark.parametrize(
    ("language", "call", "never", "gave", "change"),
    [
        ("fr", "bonjour, un monsieur de chez Sis ID m'a appelé ce matin pour me demander notre "
         "RIB et le code d'invitation, pour 'accélérer l'inscription'. c'est normal ?",
         "ne vous demande jamais", "il m'a aussi demandé mon mot de passe My Sis ID, je lui ai "
         "donné. c'est grave ?", "Changez votre mot de passe tout de suite"),
        ("en", "Someone from Sis ID phoned us asking for our invitation code and our bank "
         "details to 'speed up registration'. Is that legit?", "never asks",
         "He also asked for my My Sis ID password and I gave it. What do I do now?",
         "Change your password at once"),
    ],
)  # fmt: skip
def test_a_phone_scam_and_a_password_given_away_get_no_and_what_to_do(
    servers, language, call, never, gave, change
):
    """A call in Sis ID's name asking for the bank details and the code got "not sure", the
    password given to the caller "I cannot understand" (sixth outside tester, S4)."""
    talk, metadata = sender(), {"language": language}
    replies = servers.say(talk, call, metadata)
    assert never in texts(replies) and "/human_handoff" in payloads(replies)
    replies = servers.say(talk, gave, metadata)
    assert_answered_or_offered(
        replies, language, "faq/password_compromised", [change], ("/human_handoff",)
    )


@pytest.mark.parametrize(
    ("language", "used", "identified"),
    [
        ("fr", "Cette invitation a déjà servi à une inscription", "votre société est identifiée"),
        ("en", "This invitation has already been used for a registration",
         "your company is identified"),
    ],
)  # fmt: skip
def test_an_invitation_used_without_an_account_is_not_said_to_have_one_and_support_frees_it(
    servers, language, used, identified
):
    """Registering with an address that already had an account used the invitation and opened
    none; the next conversation was told "an account has already been created with this
    invitation, log in", which was false (sixth outside tester, M1)."""
    _, taken = registered(servers, language, "HXYT")
    siren, code = fr_invitation(servers, "HXYU")
    every = registration(language, siren, code, taken)
    converse(servers, sender(), every, {"language": language})  # "created", as for a new one

    talk, metadata = sender(), {"language": language}
    reply = texts(servers.say(talk, f"{every[0][0]}. France, {spaced(siren)}, {code}", metadata))
    assert used in reply and "already been created" not in reply and "déjà été créé" not in reply

    with db.session_scope(servers.database_url) as session:  # support, from the ticket
        assert release_unopened(session, CompanyId("FR", siren)) == 1
    again = texts(servers.say(sender(), f"{every[0][0]}. France, {spaced(siren)}, {code}",
                              metadata))  # fmt: skip
    assert identified in again


@pytest.mark.parametrize(
    ("language", "question", "free", "terms"),
    [
        ("fr", "c'est gratuit ou vous allez nous faire payer plus tard ?", "gratuite",
         "Acceptez-vous"),
        ("en", "Is this free for us or will Tesco charge us for it later?", "free",
         "Do you accept"),
    ],
)  # fmt: skip
def test_a_question_about_paying_later_is_answered_not_taken_for_a_pause(
    servers, language, question, free, terms
):
    """It got "take your time: your answers are kept for an hour" (sixth outside tester, M2)."""
    talk, _, _ = registering(servers, "HXYV", language, 5)  # the terms asked

    replies = servers.say(talk, question, {"language": language})

    assert_answered_or_offered(replies, language, "faq/free", [free])
    reply = texts(replies)
    assert terms in reply and "Prenez votre temps" not in reply and "Take your time" not in reply


@pytest.mark.parametrize(
    ("language", "notice", "refused", "asked"),
    [
        ("fr", "Action Requise Compte Suspendu Contactez Service Fraude Sis-ID Immediatement",
         "Je n'ai pas reconnu de nom", "prénom"),
        ("en", "Urgent Security Notice Account Suspended Contact Sis-ID Fraud Desk Immediately",
         "I did not recognise a name", "first name"),
    ],
)  # fmt: skip
def test_a_warning_typed_as_a_first_name_is_refused(servers, language, notice, refused, asked):
    """It was accepted, and the activation mail, from our own address, opened with it: "Bonjour
    Action Requise Compte Suspendu ..." (sixth outside tester, M3)."""
    talk, _, _ = registering(servers, "HXYW", language, 6)  # the first name asked

    reply = texts(servers.say(talk, notice, {"language": language}))

    assert refused in reply and asked in reply and "Suspen" not in reply


# --- the seventh session of testers' findings: overseas France, "us", a question with its answer -


@pytest.mark.parametrize(
    ("language", "start", "place", "asked"),
    [
        ("fr", "je veux créer mon compte", "Guadeloupe", "Quel est le SIREN"),
        ("fr", "je veux créer mon compte", "on est à la Réunion", "Quel est le SIREN"),
        ("en", "I want to create my account", "French Guiana", "What is your company's SIREN"),
        ("en", "I want to create my account", "Martinique", "What is your company's SIREN"),
    ],
)
def test_an_overseas_department_is_france_in_the_conversation_s_language(
    servers, language, start, place, asked
):
    """ "Guadeloupe" got "not a supported country"; "French Guiana" on the English page got
    "D'accord, je continue en français." (sixth outside tester, M6, M7)."""
    talk = sender()
    converse(servers, talk, [(start, "?")], {"language": language})

    reply = texts(servers.say(talk, place, {"language": language}))

    assert asked in reply and "français" not in reply


@pytest.mark.parametrize(
    ("language", "number", "noted", "next_question"),
    [
        ("fr", "0696 12 34 56", "+596 696 12 34 56", "fonction"),
        ("en", "my mobile is 0692 65 43 21 (Réunion)", "+262 692 65 43 21", "job title"),
    ],
)
def test_an_overseas_department_s_number_is_a_french_company_s_phone(
    servers, language, number, noted, next_question
):
    """ "0696 12 34 56" was refused, then proposed as the Swiss +41 69 612 34 56 (M6)."""
    talk, _, every = registering(servers, "HXYX", language, UP_TO_THE_PHONE)
    converse(servers, talk, [(number, next_question)], {"language": language})

    summary = texts(converse(servers, talk, every[UP_TO_THE_PHONE + 1 :], {"language": language}))

    assert noted in summary and "+41" not in summary


@pytest.mark.parametrize(
    ("language", "message", "asked"),
    [
        ("en", "Sainsbury's invited us. Company number 07071234", "which country"),
        ("en", "EIN 04-2103594, we're based in Texas", "What is your invitation code"),
        (
            "fr",
            "notre EIN c'est le 04-2103594, on est au Texas",
            "Quel est votre code d'invitation",
        ),
    ],
)
def test_us_is_a_pronoun_and_an_ein_names_the_united_states(servers, language, message, asked):
    """ "…invited us." was read as the United States (the EIN asked for, the CRN lost), and
    "EIN 04-2103594" got "which country?" (sixth outside tester, M8)."""
    talk = sender()
    start = "je veux créer mon compte" if language == "fr" else "I want to create my account"
    converse(servers, talk, [(start, "?")], {"language": language})

    reply = texts(servers.say(talk, message, {"language": language}))

    assert asked.lower() in reply.lower() and "Employer Identification Number" not in reply


@pytest.mark.parametrize(
    ("language", "question", "answer", "asked"),
    [
        ("fr", "Belgique. notre numéro de TVA c'est BE {number}, c'est le même que le BCE ?",
         "précédé de « BE »", "code d'invitation"),
        ("en", "Belgium - our VAT number is BE {number}, is that the same as the enterprise "
         "number?", "in front", "invitation code"),
    ],
)  # fmt: skip
def test_a_question_with_its_answer_at_the_country_question_keeps_the_answer(
    servers, language, question, answer, asked
):
    """The question was answered, then "which country?" again: the country and the number
    were lost (sixth outside tester, M10)."""
    base = f"0{uuid.uuid4().int % 10**7:07d}"
    number = base + f"{97 - int(base) % 97:02d}"
    invite(servers.database_url, CompanyId("BE", number), code=new_code_of("HXYY"))
    talk = sender()
    start = "je veux créer mon compte" if language == "fr" else "I want to create my account"
    converse(servers, talk, [(start, "?")], {"language": language})
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"

    reply = texts(servers.say(talk, question.format(number=dotted), {"language": language}))

    assert answer in reply and asked in reply
    assert "Dans quel pays" not in reply and "which country" not in reply


@pytest.mark.parametrize(
    ("language", "both", "read_back"),
    [
        ("fr", "le tel c'est plutôt mon portable 06 71 22 33 44 et fonction : gérante associée",
         ["+33 6 71 22 33 44", "gérante associée"]),
        ("en", "the phone is actually my mobile 06 71 22 33 44 and job title: accounts payable "
         "manager", ["+33 6 71 22 33 44", "accounts payable manager"]),
    ],
)  # fmt: skip
def test_two_corrections_in_one_message_at_the_summary_are_both_made(
    servers, language, both, read_back
):
    """Only the phone changed, and the job title stayed "Comptable" (sixth outside tester, M5)."""
    talk, _, _ = registering(servers, "HXYZ", language, UP_TO_THE_SUMMARY)

    reply = texts(servers.say(talk, both, {"language": language}))

    assert all(value in reply for value in read_back), reply
    assert "Comptable" not in reply and "Accountant" not in reply


@pytest.mark.parametrize(
    ("language", "replacing", "yes"),
    [
        ("fr", "en fait non, je préfère mettre le gérant : Paul Bernard, {address}, 06 11 22 33 44",
         "oui"),
        ("en", "actually please put my colleague as the contact instead: Paul Bernard, {address}, "
         "06 11 22 33 44", "yes"),
    ],
)  # fmt: skip
def test_another_contact_person_given_at_the_summary_replaces_the_name_the_address_and_the_phone(
    servers, language, replacing, yes
):
    """Only the address changed: the summary kept "Irène Vidal" and her phone (M5)."""
    talk, _, _ = registering(servers, "HXZA", language, UP_TO_THE_SUMMARY)
    address = f"paul.bernard.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"

    first = texts(servers.say(talk, replacing.format(address=address), {"language": language}))
    summary = texts(servers.say(talk, yes, {"language": language}))  # the address is right

    assert address in first
    assert "Paul" in summary and "Bernard" in summary and "+33 6 11 22 33 44" in summary
    assert "Irène" not in summary and "Vidal" not in summary and "71 23 45 89" not in summary


@pytest.mark.parametrize(
    ("language", "incomplete", "typed", "valid"),
    [
        ("fr", "semble incomplet", "le code c'est {code}", "votre société est identifiée"),
        ("en", "seems incomplete", "the code is {code}", "your company is identified"),
    ],
)
def test_a_code_cut_off_in_the_invitation_link_is_asked_again_without_blaming_the_customer(
    servers, language, incomplete, typed, valid
):
    """A mail client cut the link's code to 12 of its 16 symbols: "your customer may not have
    associated this code with this identifier", and the menu named the code "PPBN…" (sixth
    outside tester, M12)."""
    siren, code = fr_invitation(servers, "HXZB")
    talk, metadata = sender(), {"language": language, "invitation_code": code[:12]}
    converse(servers, talk, [("/start_registration", "?"), ("France", "SIREN")], metadata)

    reply = texts(servers.say(talk, spaced(siren), metadata))
    then = texts(servers.say(talk, typed.format(code=code), metadata))

    assert incomplete in reply and "associ" not in reply  # not "your customer may not have ..."
    assert valid in then


@pytest.mark.parametrize(
    ("language", "typed", "noted"),
    [
        ("fr", "DUPONT Jean", "prénom **Jean**, nom **DUPONT**"),
        ("en", "MARTIN Sophie", "first name **Sophie**, last name **MARTIN**"),
    ],
)
def test_a_surname_in_capitals_first_is_the_last_name(servers, language, typed, noted):
    """ "DUPONT Jean" became the first name DUPONT, and the activation mail said "Bonjour
    DUPONT," (sixth outside tester, m1)."""
    talk, _, _ = registering(servers, "HXZC", language, 6)  # the first name asked

    assert noted in texts(servers.say(talk, typed, {"language": language}))


@pytest.mark.parametrize(
    ("language", "signature"),
    [
        ("fr", "Cordialement, Valérie Noël Gérante Menuiserie Noël Tél : 02 41 00 11 22"),
        ("en", "Kind regards, John Smith Finance Director Acme Fixings Ltd T: 0161 496 0000"),
    ],
)
def test_a_pasted_signature_s_greeting_is_never_a_name(servers, language, signature):
    """ "Kind regards, John Smith ..." became "first name Kind, last name Regards" (m15)."""
    talk, _, _ = registering(servers, "HXZD", language, 6)  # the first name asked

    reply = texts(servers.say(talk, signature, {"language": language}))

    assert "**Kind**" not in reply and "**Regards**" not in reply
    assert "**Cordialement**" not in reply and "Nom : Cordialement" not in reply
    assert "corrigé" not in reply and "Corrected" not in reply  # nothing was given before


@pytest.mark.parametrize(
    ("language", "pasted", "identified"),
    [
        ("fr", "Votre code d'invitation : {code1}. Identifiant de la société associé à ce code : "
         "{siren1}.\nVotre code d'invitation : {code2}. Identifiant de la société associé à ce "
         "code : {siren2}.\nVous pouvez faire les deux ?", "votre société est identifiée"),
        ("en", "Your invitation code: {code1}. Company identifier associated with this code: "
         "{siren1}.\nYour invitation code: {code2}. Company identifier associated with this "
         "code: {siren2}.\nCan you do both?", "your company is identified"),
    ],
)  # fmt: skip
def test_two_pasted_invitations_register_the_first_company_with_its_own_code(
    servers, language, pasted, identified
):
    """The first company was checked with the second code: "your customer may not have
    associated this code...", a failed check counted (sixth outside tester, M9)."""
    siren1, code1 = fr_invitation(servers, "HXZE")
    siren2, code2 = fr_invitation(servers, "HXZE")
    talk = sender()
    start = "je veux créer mon compte" if language == "fr" else "I want to create my account"
    converse(servers, talk, [(start, "?"), ("France", "SIREN")], {"language": language})
    message = pasted.format(code1=code1, siren1=spaced(siren1), code2=code2, siren2=spaced(siren2))

    reply = texts(servers.say(talk, message, {"language": language}))

    assert identified in reply and "associ" not in reply


@pytest.mark.parametrize(
    ("language", "back", "menu"),
    [
        ("fr", "retour", "Que souhaitez-vous corriger ?"),
        ("fr", "revenir à la question d'avant svp", "Que souhaitez-vous corriger ?"),
        ("en", "back", "What would you like to correct?"),
        ("en", "go back to the previous question please", "What would you like to correct?"),
    ],
)
def test_going_back_at_the_address_question_offers_what_to_correct(servers, language, back, menu):
    """ "retour" at the address question got "this email address does not look valid" (sixth
    outside tester, m4); "go back please" opened the menu."""
    talk, _, _ = registering(servers, "HXZF", language, 2)  # the address asked

    reply = texts(servers.say(talk, back, {"language": language}))

    assert menu in reply and "valide" not in reply and "valid" not in reply


@pytest.mark.parametrize(
    ("language", "typed", "noted"),
    [
        ("fr", "Mme Claire Dubois", "prénom **Claire**, nom **Dubois**"),
        ("en", "Dr. Els Vermeulen", "first name **Els**, last name **Vermeulen**"),
    ],
)
def test_a_title_before_the_name_is_left_out(servers, language, typed, noted):
    """ "Dr. Els Vermeulen" got "this name does not look valid", "Dr Els Vermeulen" became the
    first name whole (sixth outside tester, m2)."""
    talk, _, _ = registering(servers, "HXZG", language, 6)  # the first name asked

    assert noted in texts(servers.say(talk, typed, {"language": language}))


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("fr", "01 42 68 53 00 poste 204", "le poste 204 ne peut pas être enregistré"),
        ("en", "+33 1 42 68 53 00 ext 204", "the extension 204 cannot be saved"),
    ],
)
def test_a_phone_extension_is_said_not_to_be_kept(servers, language, typed, said):
    """ "+44 (0)161 496 0731 ext 204" was stored without its extension, silently (sixth outside
    tester, m3)."""
    talk, _, _ = registering(servers, "HXZH", language, UP_TO_THE_PHONE)

    reply = texts(servers.say(talk, typed, {"language": language}))

    assert said in reply and "+33 1 42 68 53 00" in reply


@pytest.mark.parametrize(
    ("language", "opening", "identified"),
    [
        ("fr", "Inscription : Belgique, numéro d'entreprise {number}, code {code}",
         "votre société est identifiée"),
        ("en", "Registering: Belgium, company number {number}, code {code}",
         "your company is identified"),
    ],
)  # fmt: skip
def test_an_all_letter_code_in_an_opening_message_is_read(servers, language, opening, identified):
    """ "code MBVP-AKAS-WATZ-KVEZ" in the opening message got "What is your invitation code?"
    (sixth outside tester, m7)."""
    base = f"0{uuid.uuid4().int % 10**7:07d}"
    number = base + f"{97 - int(base) % 97:02d}"
    letters = "ABCDEFGHJKMNPQRSTVWXYZ"
    symbols = [letters[b % len(letters)] for b in uuid.uuid4().bytes]
    code = "-".join("".join(symbols[i : i + 4]) for i in range(0, 16, 4))
    invite(servers.database_url, CompanyId("BE", number), code=code.replace("-", ""))
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"

    reply = texts(
        servers.say(sender(), opening.format(number=dotted, code=code), {"language": language})
    )

    assert identified in reply


@pytest.mark.parametrize(
    ("language", "dictated", "read"),
    [
        ("fr", "{local} point dupont arobase orange point fr", "{local}.dupont@orange.fr"),
        ("en", "it's {local} dot smith at acme dot co dot uk", "{local}.smith@acme.co.uk"),
    ],
)
def test_an_address_dictated_in_words_is_read_back(servers, language, dictated, read):
    """ "jean point dupont arobase orange point fr" got "this email address does not look
    valid", without saying why (sixth outside tester, m12)."""
    talk, _, _ = registering(servers, "HXZI", language, 2)  # the address asked
    local = "hxzi" + uuid.uuid4().hex[:6]

    reply = texts(servers.say(talk, dictated.format(local=local), {"language": language}))

    assert read.format(local=local) in reply
    assert ("est-elle correcte" if language == "fr" else "is it correct") in reply


@pytest.mark.parametrize(
    ("language", "why", "correct"),
    [
        ("fr", "ne peut pas contenir d'accents", "est-elle correcte"),
        ("en", "cannot contain accents", "is it correct"),
    ],
)
def test_an_address_with_accents_is_read_back_without_them_saying_why(
    servers, language, why, correct
):
    """ "élodie.brûlé@fromagerie-brûlé.fr" got "this email address does not look valid",
    without saying why (sixth outside tester, m12)."""
    talk, _, _ = registering(servers, "HXZJ", language, 2)  # the address asked
    local = "hxzj" + uuid.uuid4().hex[:6]

    reply = texts(servers.say(talk, f"élodie.{local}@fromagerie-brûlé.fr", {"language": language}))

    assert why in reply and correct in reply
    assert f"elodie.{local}@fromagerie-brûlé.fr" in reply


@pytest.mark.parametrize(
    ("language", "pointer", "said", "asked"),
    [
        ("fr", "je vous l'ai déjà donné au dessus", "un autre message n'est pas utilisé",
         "Choisissez un mot de passe"),
        ("en", "I already gave it to you above", "another message is not used",
         "Choose a password"),
    ],
)  # fmt: skip
def test_a_password_said_to_be_given_before_is_asked_here(servers, language, pointer, said, asked):
    """The password had been typed in the address's message; "je vous l'ai déjà donné au
    dessus" at the password question got "if your account is already created, log in"
    (sixth outside tester, m5)."""
    talk, _, _ = registering(servers, "HXZK", language, 4)  # the password asked

    reply = texts(servers.say(talk, pointer, {"language": language}))

    assert said in reply and asked in reply
    assert "connectez-vous" not in reply and "log in" not in reply


@pytest.mark.parametrize(
    ("language", "pasted", "noted"),
    [
        ("fr", "Cordialement, Valérie Noël Gérante Menuiserie Noël Tél : 06 41 00 11 22",
         ["prénom **Valérie**", "nom **Noël**", "fonction **Gérante**", "+33 6 41 00 11 22"]),
        ("en", "Kind regards, John Smith Finance Director Acme Fixings Ltd T: 06 41 00 11 22",
         ["first name **John**", "last name **Smith**", "job title **Finance Director**",
          "+33 6 41 00 11 22"]),
    ],
)  # fmt: skip
def test_a_pasted_signature_gives_the_name_the_job_title_and_the_phone(
    servers, language, pasted, noted
):
    """A signature pasted at the first name question kept its phone as a correction ("C'est
    corrigé") and asked the first name again (sixth outside tester, m15)."""
    talk, _, _ = registering(servers, "HXZL", language, 6)  # the first name asked

    reply = texts(servers.say(talk, pasted, {"language": language}))

    for words in noted:
        assert words in reply, reply
    assert ("récapitulatif" if language == "fr" else "summary") in reply


@pytest.mark.parametrize(
    ("language", "next_one", "yes", "accept", "button", "summary"),
    [
        ("fr", "client suivant : SIREN {siren} code {code}", "oui", "j'accepte",
         "Mêmes coordonnées : Irène Vidal", "Nom : Irène Vidal"),
        ("en", "next client: SIREN {siren} code {code}", "yes", "I accept",
         "Same details: Irène Vidal", "Name: Irène Vidal"),
    ],
)  # fmt: skip
def test_a_next_company_takes_the_previous_contact_details_with_one_click(
    servers, language, next_one, yes, accept, button, summary
):
    """ "Can we keep my details from the last one? same name, phone" was never answered: an
    accountant typed them again for each company (fifth outside tester, m2)."""
    talk, _ = registered(servers, language, "HXZM")
    siren, code = fr_invitation(servers, "HXZN")
    metadata = {"language": language}
    email = f"hxzn.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    for text in (next_one.format(siren=spaced(siren), code=code), email, yes, PASSWORD):
        servers.say(talk, text, metadata)

    asked = servers.say(talk, accept, metadata)
    [offered] = [b for r in asked for b in r.get("buttons") or [] if b["title"] == button]
    reply = texts(servers.say(talk, offered["payload"], metadata))

    assert summary in reply and "+33 6 71 23 45 89" in reply
    yes_reply = texts(servers.say(talk, yes, metadata))
    assert email in yes_reply  # the account is created with the details, at its own address
