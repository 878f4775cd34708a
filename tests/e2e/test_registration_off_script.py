"""Issue 14, replayed through the REST channel: suppliers who do not follow the script.

Each test is one of the issue's observations (1-5, 7-8), in French and in English, against the
running product (Rasa, the action server, the database). Each conversation uses its own company
IDs, codes and addresses: the invitation-check limits are shared by every conversation.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from stdnum import luhn

from bot import db
from bot.checks.identifiers import CompanyId
from bot.registration.accounts import find_account
from tests.e2e.conftest import converse, texts
from tests.factories import PASSWORD, invite

_SERIAL = itertools.count(1)


def new_siren() -> str:
    """A valid SIREN no other test uses (their check digit holds)."""
    base = f"9{next(_SERIAL) + 4100:07d}"
    return base + luhn.calc_check_digit(base)


def new_code(prefix: str) -> str:
    """An invitation code of Crockford base 32 (no I, L, O, U) no other test uses."""
    return f"{prefix}{next(_SERIAL):012d}"[:16]


def spaced(siren: str) -> str:
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}"


def sender() -> str:
    return uuid.uuid4().hex


def filled(turns: list[tuple[str, str]], siren: str, code: str) -> list[tuple[str, str]]:
    """The turns with the company's SIREN (spaced as typed) and code in place of {siren}, {code}."""
    return [(text.format(siren=spaced(siren), code=code), expected) for text, expected in turns]


def fr_invitation(servers, prefix: str) -> tuple[str, str]:
    """A French company and its invitation code, in the product's database."""
    siren, code = new_siren(), new_code(prefix)
    invite(servers.database_url, CompanyId("FR", siren), code=code)
    return siren, code


# --- 1. "voulez-vous commencer ?" ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        ("fr", [("Dupont", "voulez-vous commencer"), ("oui", "dans quel pays")]),
        ("en", [("Smith", "shall we start"), ("yes", "which country")]),
    ],
)
def test_a_typed_yes_at_shall_we_start_starts_the_registration(servers, language, turns):
    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert "conseiller" not in texts(replies) and "advisor" not in texts(replies)


@pytest.mark.parametrize(
    ("language", "hello", "asked"),
    [
        ("fr", "Bonjour, France, siren {siren}, code {code}, email {email}", "est-elle correcte"),
        ("en", "Hello, France, SIREN {siren}, code {code}, email {email}", "is it correct"),
    ],
)
def test_a_first_message_with_the_data_starts_the_registration_with_it_kept(
    servers, language, hello, asked
):
    siren, code = fr_invitation(servers, "HXDA")
    email = f"first-{language}@fournisseur-e2e.fr"
    message = hello.format(siren=spaced(siren), code=code, email=email)

    replies = converse(servers, sender(), [(message, asked)], metadata={"language": language})

    said = texts(replies)
    assert ("votre société est identifiée" if language == "fr" else "company is identified") in (
        said
    )
    assert email in said  # read back for confirmation: nothing asked twice


@pytest.mark.parametrize(
    ("language", "question", "identified"),
    [
        (
            "fr",
            "Bonjour je dois m'inscrire pour ACME, notre SIREN est le {siren} et le code "
            "d'invitation {code}, je fais comment ?",
            "votre société est identifiée",
        ),
        (
            "en",
            "Hello, our SIREN is {siren} and the invitation code is {code}, how do I register?",
            "company is identified",
        ),
    ],
)
def test_a_question_with_the_identifier_and_the_code_starts_the_registration_with_them(
    servers, language, question, identified
):
    # The NLU is not sure such a message is a question or answers: the answers win, not a
    # "not sure" that would lose them (they were asked again after "Créer mon compte"). The
    # identifier is called a SIREN: France is not asked to be confirmed.
    siren, code = fr_invitation(servers, "HXDP")
    message = question.format(siren=spaced(siren), code=code)

    converse(servers, sender(), [(message, identified)], metadata={"language": language})


@pytest.mark.parametrize(
    ("language", "question", "not_sure", "asked"),
    [
        (
            "fr",
            "je dois m'inscrire pour ACME, SIREN {siren}, c'est où ?",
            "pas sûr",
            "code d'invitation",  # the SIREN kept, France said by its name: the code next
        ),
        (
            "en",
            "I have to register ACME, SIREN {siren}, how does it work?",
            "not sure",
            "invitation code",
        ),
    ],
)
def test_a_click_after_not_sure_keeps_what_the_message_said(
    servers, language, question, not_sure, asked
):
    # Rasa put the click's payload in place of the unsure message: the SIREN was asked again.
    siren, _ = fr_invitation(servers, "HXDQ")
    turns = [(question.format(siren=spaced(siren)), not_sure), ("/start_registration", asked)]

    converse(servers, sender(), turns, metadata={"language": language})


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("France, siren {siren}", "code d'invitation"),
                ("attendez je cherche", "Prenez votre temps"),
                ("{code}", "votre société est identifiée"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("France, SIREN {siren}", "invitation code"),
                ("hold on, let me check my emails", "Take your time"),
                ("{code}", "company is identified"),
            ],
        ),
    ],
)
def test_un_instant_je_cherche_waits_for_the_answer(servers, language, turns):
    siren, code = fr_invitation(servers, "HXDR")
    replies = converse(servers, sender(), filled(turns, siren, code), {"language": language})

    assert "pas trouvé de code" not in texts(replies)
    assert "could not find an invitation code" not in texts(replies)


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [("je veux créer mon compte", "dans quel pays"), ("société française", "SIREN")],
        ),
        (
            "en",
            [("I want to create my account", "which country"), ("a British company", "CRN")],
        ),
    ],
)
def test_a_company_described_by_its_country_adjective_is_in_that_country(servers, language, turns):
    # it got "Je ne reconnais pas ce pays"
    converse(servers, sender(), turns, {"language": language})


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("{siren}", "immatriculée en France"),
                ("{code}", "votre société est identifiée"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("{siren}", "registered in France"),
                ("{code}", "company is identified"),
            ],
        ),
    ],
)
def test_the_code_typed_instead_of_yes_to_the_country_goes_on(servers, language, turns):
    # it asked "so your company is registered in France?" again at each next answer
    siren, code = fr_invitation(servers, "HXDT")
    converse(servers, sender(), filled(turns, siren, code), {"language": language})


@pytest.mark.parametrize(
    ("language", "turns", "already"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("jean.dupont@acme.fr", "dans quel pays"),
                ("jean.dupont@acme.com", "dans quel pays"),
            ],
            "J'ai déjà cette information",
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("john.smith@acme.co.uk", "which country"),
                ("john.smith@acme.com", "which country"),
            ],
            "I already have this information",
        ),
    ],
)
def test_an_answer_given_again_differently_keeps_the_question_going(
    servers, language, turns, already
):
    # A second address at the country question got "je ne parviens pas à comprendre": the form
    # read nothing for its question, Rasa rejected it and the core fallback answered.
    replies = converse(servers, sender(), turns, {"language": language})

    assert already in texts(replies)
    assert "parviens pas" not in texts(replies) and "cannot understand" not in texts(replies)


@pytest.mark.parametrize(
    ("language", "text", "said"),
    [
        ("fr", "je me suis inscrit la semaine dernière avec compta@acme.fr", "inutile de vous"),
        ("en", "I registered last week with accounts@northwind.co.uk", "no need to register"),
    ],
)
def test_a_supplier_who_registered_last_week_is_not_invited_to_register_again(
    servers, language, text, said
):
    replies = converse(servers, sender(), [(text, said)], metadata={"language": language})

    assert "dans quel pays" not in texts(replies) and "which country" not in texts(replies)


@pytest.mark.parametrize(
    ("language", "text", "asked"),
    [
        ("fr", "je veu creer mon conte", "dans quel pays"),
        ("en", "i wnat to registr", "which country"),
    ],
)
def test_a_request_with_typos_starts_the_registration(servers, language, text, asked):
    converse(servers, sender(), [(text, asked)], metadata={"language": language})


# --- 2. several answers in one message, or out of order -----------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_country_siren_and_code_in_one_answer_are_kept(servers, language):
    siren, code = fr_invitation(servers, "HXDB")
    start = {"fr": "je veux créer mon compte", "en": "I want to create my account"}[language]
    asked = {"fr": "dans quel pays", "en": "which country"}[language]
    identified = {"fr": "votre société est identifiée", "en": "company is identified"}[language]

    converse(
        servers,
        sender(),
        [(start, asked), (f"France, siren {spaced(siren)}, code {code}", identified)],
        metadata={"language": language},
    )


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux m'inscrire", "dans quel pays"),
                ("United Kingdom, SC123456", "code d'invitation"),
            ],
        ),
        (
            "en",
            [("I want to register", "which country"), ("Royaume-Uni, SC123456", "invitation code")],
        ),
    ],
)
def test_a_country_and_a_crn_in_one_answer_do_not_ask_the_crn_again(servers, language, turns):
    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert "CRN" not in texts(replies[-1:])


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                (
                    "{siren}",
                    "Ce numéro est un SIREN : votre société est donc immatriculée en France",
                ),
                ("oui", "code d'invitation"),
                ("{code}", "votre société est identifiée"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("{siren}", "This number is a SIREN, so your company is registered in France"),
                ("yes", "invitation code"),
                ("{code}", "company is identified"),
            ],
        ),
    ],
)
def test_a_siren_at_the_country_question_means_france(servers, language, turns):
    siren, code = fr_invitation(servers, "HXDC")
    turns = filled(turns, siren, code)

    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert "ne reconnais pas ce pays" not in texts(replies)
    assert "do not recognise this country" not in texts(replies)


# --- 3 and 4. corrections with their value, at any step -------------------------------------------


def registration_up_to_the_job_title(servers, language: str) -> tuple[list, str, str]:
    """The turns of a registration up to the job title question, and its address."""
    siren, code = fr_invitation(servers, "HXDD")
    email = f"corrige-{uuid.uuid4().hex[:8]}@fournisseur-e2e.fr"
    fr = language == "fr"
    turns = [
        ("je veux créer mon compte" if fr else "I want to create my account", "?"),
        (f"France, {spaced(siren)}, {code}", "email"),
        (email, email),
        ("oui" if fr else "yes", "mot de passe" if fr else "password"),
        (PASSWORD, "Conditions Générales" if fr else "Terms of Use"),
        ("j'accepte" if fr else "I accept", "prénom" if fr else "first name"),
        ("Bernard", "nom de famille" if fr else "last name"),
        ("Morel", "téléphone" if fr else "phone"),
        ("06 71 23 45 89", "fonction" if fr else "job title"),
    ]
    return turns, email, siren


@pytest.mark.parametrize(
    ("language", "correction", "title", "yes"),
    [
        ("fr", "oups mauvais numéro de téléphone, c'est le 01 45 67 89 02", "Comptable", "oui"),
        ("en", "sorry, wrong phone number, it's 01 45 67 89 02", "Accountant", "yes"),
    ],
)
def test_a_correction_at_the_job_title_is_never_stored_as_the_job_title(
    servers, language, correction, title, yes
):
    """Regression: the correction became the job title and the account was created with it."""
    turns, email, _ = registration_up_to_the_job_title(servers, language)
    fr = language == "fr"
    turns += [
        (correction, "fonction" if fr else "job title"),
        (title, "+33 1 45 67 89 02"),  # the summary, with the corrected number
        (yes, "noreply@sis-id.com"),
    ]
    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert ("C'est corrigé" if fr else "Corrected") in texts(replies)
    with db.session_scope(servers.database_url) as session:
        account = find_account(session, email)
        assert (account.contact.phone, account.contact.job_title) == ("+33145678902", title)


@pytest.mark.parametrize(
    ("language", "corrections"),
    [
        (
            "fr",
            [
                ("la fonction est fausse, c'est Gérant", "Fonction : Gérant"),
                ("mon prénom c'est Sophie pas Bernard", "Nom : Sophie Morel"),
                ("non", "Que souhaitez-vous corriger"),
                ("téléphone", "numéro de téléphone"),
                ("01 45 67 89 02", "Téléphone : +33 1 45 67 89 02"),
                ("actually the email should be outlook.com", "@outlook.com"),
            ],
        ),
        (
            "en",
            [
                ("the job title is wrong, it's Finance director", "Job title: Finance director"),
                ("my first name is Sophie, not Bernard", "Name: Sophie Morel"),
                ("no", "What would you like to correct"),
                ("phone", "phone number"),
                ("01 45 67 89 02", "Phone: +33 1 45 67 89 02"),
                ("actually the email should be outlook.com", "@outlook.com"),
            ],
        ),
    ],
)
def test_typed_corrections_at_the_summary_and_in_the_menu_are_applied(
    servers, language, corrections
):
    """Regression: they all got "merci de répondre par « oui » ou par « non »"."""
    turns, _, _ = registration_up_to_the_job_title(servers, language)
    fr = language == "fr"
    turns.append(("Comptable" if fr else "Accountant", "récapitulatif" if fr else "summary"))
    replies = converse(servers, sender(), turns + corrections, metadata={"language": language})

    assert "répondre par « oui »" not in texts(replies)
    assert 'reply "yes" or "no"' not in texts(replies)


@pytest.mark.parametrize(
    ("language", "correction", "asked"),
    [
        ("fr", "en fait mon email c'est autre-{n}@fournisseur-e2e.fr", "est-elle correcte"),
        ("en", "actually my email is other-{n}@fournisseur-e2e.fr", "is it correct"),
    ],
)
def test_a_new_address_at_the_password_question_is_not_judged_as_a_password(
    servers, language, correction, asked
):
    turns, _, _ = registration_up_to_the_job_title(servers, language)
    n = uuid.uuid4().hex[:6]
    replies = converse(
        servers,
        sender(),
        [*turns[:4], (correction.format(n=n), asked)],
        metadata={"language": language},
    )

    assert "Ce mot de passe ne convient pas" not in texts(replies)
    assert "This password cannot be used" not in texts(replies)


# --- 5. "I don't know", "I'd rather not", "why?" -------------------------------------------------


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("France", "SIREN"),
                ("je ne sais pas", "figure dans l'email d'invitation"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("United Kingdom", "CRN"),
                ("I don't know", "is in the invitation email"),
            ],
        ),
    ],
)
def test_i_dont_know_at_the_identifier_says_where_to_find_it(servers, language, turns):
    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert "ne ressemble pas" not in texts(replies) and "does not look like" not in texts(replies)


@pytest.mark.parametrize(
    ("language", "refusal", "why", "title"),
    [
        ("fr", "je préfère ne pas donner mon numéro", "vous joindre", "je ne sais pas"),
        ("en", "I'd rather not give my phone number", "reach you", "I don't know"),
    ],
)
def test_refusals_and_i_dont_know_get_an_answer_for_the_question(
    servers, language, refusal, why, title
):
    turns, _, _ = registration_up_to_the_job_title(servers, language)
    fr = language == "fr"
    turns[-1] = (refusal, why)  # at the phone question
    turns += [
        ("06 71 23 45 89", "fonction" if fr else "job title"),
        (title, "récapitulatif" if fr else "summary"),  # "I don't know": no job title
    ]
    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert ("non renseignée" if fr else "not given") in texts(replies[-3:])
    assert "n'est pas valide pour" not in texts(replies)


# --- 7/8. recovery ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "which", "identified"),
    [
        ("fr", "Lequel des deux ne correspond pas", "votre société est identifiée"),
        ("en", "Which of the two does not match", "company is identified"),
    ],
)
def test_one_wrong_character_in_the_code_asks_which_is_wrong_and_keeps_the_siren(
    servers, language, which, identified
):
    """Regression: the SIREN was asked first, then the corrected code was refused as a SIREN."""
    siren, code = fr_invitation(servers, "HXDE")
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    fr = language == "fr"
    converse(
        servers,
        sender(),
        [
            ("je veux créer mon compte" if fr else "I want to create my account", "?"),
            ("France", "SIREN"),
            (spaced(siren), "code"),
            (typo, which),
            (code, identified),  # typed straight away: taken as the code, checked with the SIREN
        ],
        metadata={"language": language},
    )


@pytest.mark.parametrize(
    ("language", "wait", "new_conversation"),
    [
        ("fr", "Vous pourrez réessayer dans", "je veux créer mon compte"),
        ("en", "You can try again in", "I want to register"),
    ],
)
def test_after_the_lock_the_wait_is_said_and_holds_in_a_new_conversation(
    servers, language, wait, new_conversation
):
    """The wait holds for another wrong code in a new conversation (at its first guess); the
    company's own code passes (bot/registration/limits.py: the lock is nobody's to set on
    someone else)."""
    siren, code = fr_invitation(servers, "HXDF")
    fr = language == "fr"
    which = "Lequel des deux" if fr else "Which of the two"
    turns = [
        ("je veux créer mon compte" if fr else "I want to create my account", "?"),
        (f"France, {spaced(siren)}", "code"),
        *((new_code("ZZZZ"), which) for _ in range(4)),  # each typed at "which is wrong?"
        (new_code("ZZZY"), wait),
    ]
    replies = converse(servers, sender(), turns, metadata={"language": language})
    assert wait in texts(replies[-2:])

    again = converse(
        servers,
        sender(),
        [(new_conversation, "?"), (f"France, {spaced(siren)}, {new_code('ZZZX')}", wait)],
        metadata={"language": language},
    )
    assert "min" in texts(again)
    email = "adresse email" if fr else "email address"
    converse(
        servers,
        sender(),
        [(new_conversation, "?"), (f"France, {spaced(siren)}, {code}", email)],
        metadata={"language": language},
    )


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("c'est quoi un caractère spécial ?", "par exemple ! ? @ #"),
                ("Morel2024!x", "ni votre nom ni une partie de votre adresse email"),
                ("motdepasse", "hors point final « . »"),
            ],
        ),
        (
            "en",
            [
                ("what is a special character?", "for example ! ? @ #"),
                ("Morel2024!x", "your name or part of your email address"),
                ("sunshine", 'the full stop "." does not count'),
            ],
        ),
    ],
)
def test_the_password_rule_is_said_one_way_with_examples_and_the_real_reason(
    servers, language, turns
):
    siren, code = fr_invitation(servers, "HXDG")
    fr = language == "fr"
    email = f"s.morel.{uuid.uuid4().hex[:6]}@fournisseur-e2e.fr"
    start = [
        ("je veux créer mon compte" if fr else "I want to create my account", "?"),
        (f"France, {spaced(siren)}, {code}", "email"),
        (email, email),
        ("oui" if fr else "yes", "mot de passe" if fr else "password"),
    ]
    replies = converse(servers, sender(), start + turns, metadata={"language": language})

    # The rule's second wording is gone, in both languages.
    assert "le point « . » ne compte pas" not in texts(replies)
    assert 'the period "." does not count' not in texts(replies)


@pytest.mark.parametrize(
    ("language", "no", "asked"),
    [("fr", "non", "Quelle adresse email"), ("en", "no", "Which email address")],
)
def test_a_declined_email_suggestion_asks_the_address_again(servers, language, no, asked):
    siren, code = fr_invitation(servers, "HXDH")
    fr = language == "fr"
    converse(
        servers,
        sender(),
        [
            ("je veux créer mon compte" if fr else "I want to create my account", "?"),
            (f"France, {spaced(siren)}, {code}", "email"),
            ("jean.dupont@gmail.con", "gmail.com"),
            (no, asked),
            ("jean.dupont@gmail.com", "jean.dupont@gmail.com"),
        ],
        metadata={"language": language},
    )


@pytest.mark.parametrize(
    ("language", "country", "refused", "proposed"),
    [
        (
            "fr",
            "Belgique",
            "pas valide pour la Belgique",
            "valide pour la France : vouliez-vous dire",
        ),
        ("en", "Belgium", "not valid for Belgium", "valid for France: did you mean"),
    ],
)
def test_a_french_mobile_for_a_belgian_company_is_proposed_as_french(
    servers, language, country, refused, proposed
):
    base = f"0{next(_SERIAL) + 4000000:07d}"[:8]
    number = base + f"{97 - int(base) % 97:02d}"
    code = new_code("HXDJ")
    invite(servers.database_url, CompanyId("BE", number), code=code)
    fr = language == "fr"
    email = f"be-{uuid.uuid4().hex[:6]}@fournisseur-e2e.be"
    replies = converse(
        servers,
        sender(),
        [
            ("je veux créer mon compte" if fr else "I want to create my account", "?"),
            (f"{country}, {number}, {code}", "email"),
            (email, email),
            ("oui" if fr else "yes", "mot de passe" if fr else "password"),
            (PASSWORD, "Conditions" if fr else "Terms"),
            ("j'accepte" if fr else "I accept", "prénom" if fr else "first name"),
            ("Marie", "nom" if fr else "last name"),
            ("Peeters", "téléphone" if fr else "phone"),
            ("06 12 34 56 78", proposed),
            ("oui" if fr else "yes", "fonction" if fr else "job title"),
        ],
        metadata={"language": language},
    )

    assert refused in texts(replies)


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("Frnace", "SIREN"),
                ("FR 44 732 829 320", "numéro de TVA intracommunautaire"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("Frnace", "SIREN"),
                ("FR44732829320", "intra-community VAT number"),
            ],
        ),
    ],
)
def test_a_country_with_a_typo_and_a_vat_number_are_understood(servers, language, turns):
    converse(servers, sender(), turns, metadata={"language": language})


# --- the country read from the identifier, confirmed off the script -------------------------------


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("{siren}", "donc immatriculée en France"),
                ("France", "code d'invitation"),
                ("{code}", "adresse email"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("{siren}", "registered in France"),
                ("it's in France", "invitation code"),
                ("{code}", "email address"),
            ],
        ),
    ],
)
def test_the_country_named_when_asked_to_confirm_it_is_a_yes(servers, language, turns):
    siren, code = fr_invitation(servers, "HXDM")
    turns = filled(turns, siren, code)

    replies = converse(servers, sender(), turns, metadata={"language": language})

    assert "oui » ou par « non" not in texts(replies)
    assert 'please reply "yes" or "no"' not in texts(replies)


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("{siren}", "donc immatriculée en France"),
                ("ah oui pardon on est a paris", "code d'invitation"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("{siren}", "registered in France"),
                ("oh yes sorry we're based in paris", "invitation code"),
            ],
        ),
    ],
)
def test_a_yes_in_everyday_words_confirms_the_country(servers, language, turns):
    """ "ah oui pardon on est a bruxelles" (the fourth tester) got "reply yes or no"."""
    siren, code = fr_invitation(servers, "HXWU")

    replies = converse(servers, sender(), filled(turns, siren, code), {"language": language})

    assert "oui » ou par « non" not in texts(replies)
    assert 'please reply "yes" or "no"' not in texts(replies)


@pytest.mark.parametrize(
    ("language", "turns"),
    [
        (
            "fr",
            [
                ("je veux créer mon compte", "dans quel pays"),
                ("{siren}", "donc immatriculée en France"),
                ("c'est quoi un SIREN ?", "donc immatriculée en France"),
                ("Bonjour, je voudrais créer mon compte", "donc immatriculée en France"),
                ("oui", "code d'invitation"),
            ],
        ),
        (
            "en",
            [
                ("I want to create my account", "which country"),
                ("{siren}", "registered in France"),
                ("what is a SIREN?", "registered in France"),
                ("Hello, I'd like to create my account", "registered in France"),
                ("yes", "invitation code"),
            ],
        ),
    ],
)
def test_a_question_while_the_country_is_confirmed_asks_the_confirmation_again(
    servers, language, turns
):
    siren, code = fr_invitation(servers, "HXDN")
    turns = filled(turns, siren, code)

    conversation = sender()
    before = converse(servers, conversation, turns[:-1], metadata={"language": language})
    # the confirmation was asked again each time, not skipped for the code's question
    assert "code d'invitation" not in texts(before).lower()
    assert "invitation code" not in texts(before).lower()
    converse(servers, conversation, turns[-1:], metadata={"language": language})


@pytest.mark.parametrize(
    ("language", "at_the_menu"),
    [
        (
            "fr",
            [
                ("non", "Que souhaitez-vous corriger"),
                ("c'est quoi un SIREN ?", "Que souhaitez-vous corriger"),
                ("et le code d'invitation c'est quoi", "Que souhaitez-vous corriger"),
                ("téléphone", "numéro de téléphone"),
            ],
        ),
        (
            "en",
            [
                ("no", "What would you like to correct"),
                ("what is a SIREN?", "What would you like to correct"),
                ("and what is the invitation code", "What would you like to correct"),
                ("phone", "phone number"),
            ],
        ),
    ],
)
def test_a_question_at_the_correction_menu_asks_the_menu_again(servers, language, at_the_menu):
    turns, _, _ = registration_up_to_the_job_title(servers, language)
    fr = language == "fr"
    turns.append(("Comptable" if fr else "Accountant", "récapitulatif" if fr else "summary"))

    replies = converse(servers, sender(), turns + at_the_menu, metadata={"language": language})

    said = texts(replies)
    assert "9 chiffres" in said or "9-digit" in said  # the question answered
    assert "email d'invitation" in said or "invitation email" in said  # the one without "?"
