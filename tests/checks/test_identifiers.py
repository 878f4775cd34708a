"""Company identifiers as accountants type them in the chat.

Valid examples are real published numbers or the examples of python-stdnum's
own documentation, so that a failure here is a bug in our handling, not in the
test data.
"""

from __future__ import annotations

import pytest

from bot.checks.identifiers import (
    CompanyId,
    CompanyIdCheck,
    CompanyIdError,
    check_company_id,
    country_of_identifier_named,
    parse_country,
    recognise_company_id,
    scheme_for,
    supported_countries,
    unsupported_country,
)
from bot.checks.language import LANGUAGES

EMPTY = CompanyIdError.EMPTY
LENGTH = CompanyIdError.INVALID_LENGTH
FORMAT = CompanyIdError.INVALID_FORMAT
CHECKSUM = CompanyIdError.INVALID_CHECKSUM


def accepted_value(country: str, text: str) -> str:
    check = check_company_id(country, text)
    assert check.ok, f"{text!r} refused for {country}: {check.error}"
    assert check.error is None
    assert check.company_id is not None
    assert check.company_id.country == country
    return check.company_id.value


def refusal(country: str, text: str) -> CompanyIdError | None:
    check = check_company_id(country, text)
    assert not check.ok, f"{text!r} accepted for {country}: {check.company_id}"
    assert check.company_id is None
    return check.error


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


def test_supported_countries_start_with_france_uk_belgium():
    codes = [scheme.country for scheme in supported_countries()]
    assert codes[:3] == ["FR", "GB", "BE"]
    assert set(codes) == {"FR", "GB", "BE", "CH", "ES", "IT", "PT", "LU", "DE", "NL", "US"}
    assert len(codes) == len(set(codes))


def test_changing_the_returned_list_does_not_change_the_registry():
    supported_countries().clear()
    assert [s.country for s in supported_countries()][:3] == ["FR", "GB", "BE"]
    assert len(supported_countries()) == 11


@pytest.mark.parametrize("scheme", supported_countries(), ids=lambda s: s.country)
def test_each_example_is_valid_and_shown_as_written(scheme):
    check = check_company_id(scheme.country, scheme.example)
    assert check.ok
    assert check.company_id.display() == scheme.example


@pytest.mark.parametrize("scheme", supported_countries(), ids=lambda s: s.country)
def test_each_scheme_has_names_to_talk_about_it(scheme):
    assert scheme.country.isupper()
    assert len(scheme.country) == 2
    for language in LANGUAGES:
        for text in (scheme.country_names[language], scheme.names[language]):
            assert text.strip()


@pytest.mark.parametrize(
    ("code", "country", "name_fr", "name_en"),
    [
        ("FR", "FR", "France", "SIREN"),
        ("fr", "FR", "France", "SIREN"),
        (" gb ", "GB", "Royaume-Uni", "Companies House number (CRN)"),
        ("uk", "GB", "Royaume-Uni", "Companies House number (CRN)"),
        ("Be", "BE", "Belgique", "enterprise number (CBE)"),
    ],
)
def test_scheme_for_is_case_insensitive(code, country, name_fr, name_en):
    scheme = scheme_for(code)
    assert scheme is not None
    assert (scheme.country, scheme.country_name("fr"), scheme.name("en")) == (
        country,
        name_fr,
        name_en,
    )


@pytest.mark.parametrize("code", ["JP", "XX", "", "FRA", "France"])
def test_scheme_for_unknown_country_is_none(code):
    assert scheme_for(code) is None


def test_unsupported_country_is_refused_as_such():
    assert refusal("JP", "732 829 320") == CompanyIdError.UNSUPPORTED_COUNTRY
    assert refusal("", "732 829 320") == CompanyIdError.UNSUPPORTED_COUNTRY


# --------------------------------------------------------------------------
# Valid identifiers, in the layouts users type them
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "value", "display"),
    [
        # France: SIREN (L'Oréal, Stellantis, TotalEnergies, stdnum docs)
        ("FR", "732 829 320", "732829320", "732 829 320"),
        ("FR", "732829320", "732829320", "732 829 320"),
        ("FR", "552 100 554", "552100554", "552 100 554"),
        ("FR", "542.051.180", "542051180", "542 051 180"),
        ("FR", "404-833-048", "404833048", "404 833 048"),
        ("FR", "FR 732829320", "732829320", "732 829 320"),
        ("FR", "fr732 829 320", "732829320", "732 829 320"),
        ("FR", "732\u202f829\u202f320", "732829320", "732 829 320"),
        ("FR", "732\u2013829\u2013320", "732829320", "732 829 320"),
        ("FR", "  732 829 320.  ", "732829320", "732 829 320"),
        # France: intra-community VAT number -> its SIREN
        ("FR", "FR 44 732 829 320", "732829320", "732 829 320"),
        ("FR", "fr40303265045", "303265045", "303 265 045"),
        ("FR", "44732829320", "732829320", "732 829 320"),
        ("FR", "FRK7399859412", "399859412", "399 859 412"),
        # United Kingdom: Companies House number
        ("GB", "SC123456", "SC123456", "SC123456"),
        ("GB", "sc 123456", "SC123456", "SC123456"),
        ("GB", "Sc-123-456", "SC123456", "SC123456"),
        ("GB", "OC301540", "OC301540", "OC301540"),
        ("GB", "NI 012345", "NI012345", "NI012345"),
        ("GB", "R0000032", "R0000032", "R0000032"),
        ("GB", "r0 000032", "R0000032", "R0000032"),
        ("GB", "00445790", "00445790", "00445790"),
        ("GB", "01234567", "01234567", "01234567"),
        ("GB", "1234567", "01234567", "01234567"),
        ("GB", "123456", "00123456", "00123456"),
        ("GB", "445 790", "00445790", "00445790"),
        # Belgium: enterprise number
        ("BE", "0403.170.701", "0403170701", "0403.170.701"),
        ("BE", "0403170701", "0403170701", "0403.170.701"),
        ("BE", "BE0403170701", "0403170701", "0403.170.701"),
        ("BE", "be 0403 170 701", "0403170701", "0403.170.701"),
        ("BE", "BE 428759497", "0428759497", "0428.759.497"),
        ("BE", "403.019.261", "0403019261", "0403.019.261"),
        ("BE", "(0)403.019.261", "0403019261", "0403.019.261"),
        # Switzerland: UID
        ("CH", "CHE-100.155.212", "CHE100155212", "CHE-100.155.212"),
        ("CH", "che 113 690 319", "CHE113690319", "CHE-113.690.319"),
        ("CH", "100.155.212", "CHE100155212", "CHE-100.155.212"),
        ("CH", "CHE-107.787.577 IVA", "CHE107787577", "CHE-107.787.577"),
        # Spain: NIF (company CIF, and the personal NIF/NIE of sole traders)
        ("ES", "A13585625", "A13585625", "A13585625"),
        ("ES", "ES B-58378431", "B58378431", "B58378431"),
        ("ES", "b64717838", "B64717838", "B64717838"),
        ("ES", "B 64717838", "B64717838", "B64717838"),
        ("ES", "54362315-K", "54362315K", "54362315K"),
        ("ES", "x-2482300w", "X2482300W", "X2482300W"),
        # Italy: partita IVA
        ("IT", "00743110157", "00743110157", "00743110157"),
        ("IT", "IT 00743110157", "00743110157", "00743110157"),
        ("IT", "it00743110157", "00743110157", "00743110157"),
        # Portugal: NIPC
        ("PT", "PT 501 964 843", "501964843", "501 964 843"),
        ("PT", "501964843", "501964843", "501 964 843"),
        ("PT", "501.964.843", "501964843", "501 964 843"),
        # Luxembourg: TVA
        ("LU", "LU 150 274 42", "15027442", "LU15027442"),
        ("LU", "15027442", "15027442", "LU15027442"),
        ("LU", "lu15027442", "15027442", "LU15027442"),
        # Germany: USt-IdNr.
        ("DE", "DE 136,695 976", "136695976", "DE136695976"),
        ("DE", "DE136695976", "136695976", "DE136695976"),
        ("DE", "136 695 976", "136695976", "DE136695976"),
        ("DE", "de136695976", "136695976", "DE136695976"),
        # Netherlands: btw-id
        ("NL", "NL004495445B01", "004495445B01", "NL004495445B01"),
        ("NL", "NL4495445B01", "004495445B01", "NL004495445B01"),
        ("NL", "nl 0024.55.799.b11", "002455799B11", "NL002455799B11"),
        ("NL", "004495445B01", "004495445B01", "NL004495445B01"),
        # United States: EIN
        ("US", "04-2103594", "042103594", "04-2103594"),
        ("US", "042103594", "042103594", "04-2103594"),
        ("US", "91 1144442", "911144442", "91-1144442"),
    ],
)
def test_valid_identifier_is_stored_compact_and_displayed_formatted(country, text, value, display):
    assert accepted_value(country, text) == value
    check = check_company_id(country, text)
    assert check.company_id == CompanyId(country=country, value=value)
    assert check.company_id.display() == display


@pytest.mark.parametrize("country", ["fr", "Fr"])
def test_country_code_of_the_check_is_case_insensitive(country):
    check = check_company_id(country, "732 829 320")
    assert check.company_id == CompanyId(country="FR", value="732829320")


def test_uk_is_accepted_as_the_code_of_great_britain():
    assert check_company_id("UK", "SC123456").company_id == CompanyId("GB", "SC123456")


@pytest.mark.parametrize(
    ("country", "value", "display"),
    [
        ("FR", "732829320", "732 829 320"),
        ("BE", "0403170701", "0403.170.701"),
        ("CH", "CHE100155212", "CHE-100.155.212"),
        ("US", "042103594", "04-2103594"),
        ("GB", "SC123456", "SC123456"),
        ("XX", "12345", "12345"),
    ],
)
def test_display_of_a_stored_value(country, value, display):
    assert CompanyId(country=country, value=value).display() == display


# --------------------------------------------------------------------------
# French SIRET: accepted, converted to the SIREN, and flagged
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "73282932000074",
        "732 829 320 00074",
        "732.829.320.00074",
        "FR 73282932000074",
        "mon siret est le 732 829 320 00074",
        "SIRET: 73282932000074",
    ],
)
def test_siret_gives_its_siren_and_says_so(text):
    check = check_company_id("FR", text)
    assert check.company_id == CompanyId(country="FR", value="732829320")
    assert check.from_siret is True


@pytest.mark.parametrize("text", ["732 829 320", "FR44732829320"])
def test_siren_and_vat_number_are_not_flagged_as_siret(text):
    check = check_company_id("FR", text)
    assert check.ok
    assert check.from_siret is False


def test_siret_with_a_wrong_digit_in_its_siren_is_refused_not_truncated():
    assert refusal("FR", "732 829 321 00074") == CHECKSUM


def test_siret_with_a_wrong_digit_in_its_last_five_gives_its_siren():
    """The SIREN is what is asked, and whole: "602 535 908 00014" got "this SIREN is not
    valid" (sixth outside tester)."""
    check = check_company_id("FR", "732 829 320 00075")
    assert check.ok and check.company_id.value == "732829320" and check.from_siret


def test_flag_only_set_when_accepted():
    assert check_company_id("FR", "73282932100074").from_siret is False


# --------------------------------------------------------------------------
# Refusals and their reasons
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "error"),
    [
        ("FR", "", EMPTY),
        ("FR", "   ", EMPTY),
        ("GB", "\n\t", EMPTY),
        ("FR", "bonjour", FORMAT),
        ("GB", "je ne sais pas", FORMAT),
        ("FR", "732 829 321", CHECKSUM),
        ("FR", "404833047", CHECKSUM),
        ("FR", "12345", LENGTH),
        ("FR", "7328293201", LENGTH),
        ("FR", "73282932", LENGTH),
        ("FR", "732829320000741", LENGTH),
        ("FR", "73282932100074", CHECKSUM),  # a SIRET whose SIREN is wrong
        ("FR", "FR 45 732 829 320", CHECKSUM),
        ("FR", "45732829320", LENGTH),
        ("FR", "732A29320", FORMAT),
        ("GB", "ZZ123456", FORMAT),
        ("GB", "SC12345", LENGTH),
        ("GB", "SC1234567", LENGTH),
        ("GB", "123456789", LENGTH),
        ("GB", "12345", LENGTH),
        ("GB", "SCA23456", FORMAT),
        ("GB", "S1234567", FORMAT),
        ("GB", "000000", FORMAT),
        ("BE", "0403.170.702", CHECKSUM),
        ("BE", "BE431150351", CHECKSUM),
        ("BE", "2403.170.701", FORMAT),
        ("BE", "04031707", LENGTH),
        ("CH", "CHE-100.155.213", CHECKSUM),
        ("CH", "CHE-100.155", LENGTH),
        ("ES", "B64717839", CHECKSUM),
        ("ES", "B6471783", LENGTH),
        ("ES", "O-1234567-L", FORMAT),
        ("IT", "00743110158", CHECKSUM),
        ("IT", "0074311015", LENGTH),
        ("PT", "PT 501 964 842", CHECKSUM),
        ("PT", "50196484", LENGTH),
        ("LU", "150 274 43", CHECKSUM),
        ("LU", "1502744", LENGTH),
        ("DE", "136695978", CHECKSUM),
        ("DE", "DE 13669597", LENGTH),
        ("NL", "123456789B90", CHECKSUM),
        ("NL", "NL004495445X01", FORMAT),
        ("US", "07-1144442", FORMAT),
        ("US", "04-210359", LENGTH),
        ("US", "EIN", FORMAT),
    ],
)
def test_refusal_reason(country, text, error):
    assert refusal(country, text) == error


def test_refusal_carries_no_identifier():
    check = check_company_id("FR", "732 829 321")
    assert check == CompanyIdCheck(company_id=None, error=CHECKSUM)
    assert check.from_siret is False and check.from_vat is False
    assert check.ok is False


def test_reasons_are_plain_strings_for_slots():
    assert CompanyIdError.INVALID_CHECKSUM == "invalid_checksum"
    assert {error.value for error in CompanyIdError} == {
        "empty",
        "invalid_length",
        "invalid_format",
        "invalid_checksum",
        "vat_number",
        "unsupported_country",
    }


# --------------------------------------------------------------------------
# Identifiers inside sentences
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "text", "value"),
    [
        ("FR", "notre siren est le 732 829 320", "732829320"),
        ("FR", "Notre SIREN : 732829320.", "732829320"),
        ("FR", "SIREN n°732 829 320", "732829320"),
        ("FR", "MON SIREN EST LE 732 829 320", "732829320"),
        ("FR", "c'est 552 100 554, merci !", "552100554"),
        ("FR", "le numéro de TVA est FR 44 732 829 320", "732829320"),
        ("FR", "Our SIREN is 542 051 180", "542051180"),
        ("FR", "siren 732829321 non pardon 732829320", "732829320"),
        ("GB", "our company number is SC 123456", "SC123456"),
        ("GB", "CRN: sc123456", "SC123456"),
        ("GB", "Company No. 1234567", "01234567"),
        ("GB", "company no 123456", "00123456"),
        ("GB", "c'est le 445790 chez Companies House", "00445790"),
        ("BE", "notre numéro d'entreprise est le BE 0403.170.701", "0403170701"),
        ("CH", "notre IDE : CHE-100.155.212 TVA", "CHE100155212"),
        ("ES", "mi NIF es B 64717838", "B64717838"),
        ("IT", "la partita IVA è IT 00743110157", "00743110157"),
        ("DE", "unsere USt-IdNr. lautet DE 136 695 976", "136695976"),
        ("NL", "btw-id: NL004495445B01", "004495445B01"),
        ("US", "our EIN is 04-2103594", "042103594"),
    ],
)
def test_identifier_is_found_in_a_sentence(country, text, value):
    assert accepted_value(country, text) == value


@pytest.mark.parametrize(
    ("country", "text", "error"),
    [
        ("FR", "notre siren est le 732 829 321", CHECKSUM),
        ("FR", "mon siren c'est 12345", LENGTH),
        ("FR", "je ne le connais pas", FORMAT),
        ("FR", "le 12/03 je vous envoie le 732 829 321", CHECKSUM),
        ("GB", "our number is SC 12345", LENGTH),
        ("GB", "our number is ZZ123456", FORMAT),
        ("BE", "notre numéro est le 0403.170.702", CHECKSUM),
    ],
)
def test_refusal_reason_in_a_sentence_is_the_one_of_the_number(country, text, error):
    assert refusal(country, text) == error


def test_words_are_not_glued_to_the_digits():
    # "le" must not turn "le 732829320" into an invalid "LE732829320" nor be
    # kept: the value is exactly the digits.
    assert accepted_value("FR", "c'est le 732829320") == "732829320"
    # a GB prefix written as a word in lower case stays a word
    assert accepted_value("GB", "the number is no 123456") == "00123456"


def test_digit_groups_of_one_number_are_not_split_to_find_a_valid_one():
    # "1234 5678 9" is a 9-digit number, not company 12345678 followed by a 9.
    assert refusal("GB", "notre numéro: 1234 5678 9") == LENGTH


def test_first_valid_identifier_wins():
    assert accepted_value("FR", "732 829 320 ou 552 100 554") == "732829320"


# --------------------------------------------------------------------------
# Countries in free text
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("France", "FR"),
        ("france", "FR"),
        ("FRANCE", "FR"),
        ("c'est en France", "FR"),
        ("FR", "FR"),
        ("fr", "FR"),
        ("Royaume-Uni", "GB"),
        ("royaume uni", "GB"),
        ("au Royaume-Uni.", "GB"),
        ("UK", "GB"),
        ("uk", "GB"),
        ("U.K.", "GB"),
        ("u.k", "GB"),
        ("United Kingdom", "GB"),
        ("we are based in the United Kingdom", "GB"),
        ("GB", "GB"),
        ("Angleterre", "GB"),
        ("England", "GB"),
        ("Grande-Bretagne", "GB"),
        ("Great Britain", "GB"),
        ("Écosse", "GB"),
        ("ecosse", "GB"),
        ("Scotland", "GB"),
        ("Pays de Galles", "GB"),
        ("PAYS DE GALLES", "GB"),
        ("Wales", "GB"),
        ("Irlande du Nord", "GB"),
        ("Northern Ireland", "GB"),
        ("England, UK", "GB"),
        ("Belgique", "BE"),
        ("Belgium", "BE"),
        ("en belgique", "BE"),
        ("BE", "BE"),
        ("be", "BE"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("CH", "CH"),
        ("Espagne", "ES"),
        ("Spain", "ES"),
        ("España", "ES"),
        ("ES", "ES"),
        ("es", "ES"),
        ("Italie", "IT"),
        ("Italy", "IT"),
        ("IT", "IT"),
        ("it", "IT"),
        ("c'est en IT", "IT"),
        ("Portugal", "PT"),
        ("Luxembourg", "LU"),
        ("au luxembourg", "LU"),
        ("lu", "LU"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("de", "DE"),
        ("DE", "DE"),
        ("Pays-Bas", "NL"),
        ("pays bas", "NL"),
        ("Netherlands", "NL"),
        ("The Netherlands", "NL"),
        ("Hollande", "NL"),
        ("Holland", "NL"),
        ("NL", "NL"),
        ("États-Unis", "US"),
        ("Etats Unis", "US"),
        ("etats-unis d'amérique", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("US", "US"),
        ("us", "US"),
        ("we are in the US", "US"),
    ],
)
def test_parse_country(text, country):
    assert parse_country(text) == country


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Japon",
        "Japan",
        "Irlande",
        "je ne sais pas",
        "send it to us",
        "je suis de Paris",
        "tu es sûr ?",
        "je l'ai lu",
        "to be or not to be",
        "France ou Belgique",
        "Royaume-Uni, pas la France",
        "FRANCEBELGIQUE",
        "francophone",
        "Frankfurt",
        "Deutsche Bank",
        "732 829 320",
    ],
)
def test_parse_country_refuses_unknown_or_ambiguous(text):
    assert parse_country(text) is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("c'est une société française", "FR"),
        ("notre entreprise est allemande", "DE"),
        ("société de droit belge", "BE"),
        ("SARL française", "FR"),
        ("We are a British company", "GB"),
        ("a Dutch firm", "NL"),
        ("we are an American LLC", "US"),
    ],
)
def test_an_adjective_of_the_company_names_its_country(text, country):
    assert parse_country(text) == country


@pytest.mark.parametrize(
    "text",
    ["je parle français", "English please", "French", "la société française et la filiale belge"],
)
def test_an_adjective_alone_may_be_a_language_and_names_no_country(text):
    assert parse_country(text, fuzzy=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "French Guiana",
        "La Réunion (974)",
        "on est à la Réunion",
        "réunion",
        "Mayotte",
        "Saint-Pierre-et-Miquelon",
        "Hi, we're a company in French Guiana (Guyane), I need to register",
    ],
)
def test_an_overseas_department_whose_companies_have_a_siren_is_france(text):
    assert parse_country(text, fuzzy=True) == "FR"


@pytest.mark.parametrize(
    "text",
    ["je suis en réunion, je reviens", "j'ai une réunion à 14 h", "after the meeting (reunion)"],
)
def test_a_meeting_is_no_reunion_island(text):
    assert parse_country(text) is None


@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("French Polynesia", "en", "French Polynesia"),
        ("Nouvelle-Calédonie", "fr", "Nouvelle-Calédonie"),
    ],
)
def test_french_territories_with_registers_of_their_own_are_not_supported(text, language, name):
    assert parse_country(text, fuzzy=True) is None
    assert unsupported_country(text, language) == name


@pytest.mark.parametrize(
    "text",
    [
        "Register please - Sainsbury's invited us. Company number 04567891",
        "Sainsbury's invited us. Company number 07071234",
        "send it to us company",
    ],
)
def test_us_as_a_pronoun_before_a_company_word_is_no_american_company(text):
    assert parse_country(text) is None


def test_a_labelled_ein_names_the_united_states():
    assert country_of_identifier_named("EIN 12-3456789, invite code R2GM") == "US"
    assert country_of_identifier_named("We're a Delaware corp, EIN 04-2103594") == "US"
    assert country_of_identifier_named("ich habe ein Konto, 732 829 320") is None


def test_a_language_without_names_gets_the_default_languages_names():
    scheme = scheme_for("GB")
    assert (scheme.name("en"), scheme.country_name("en")) == (
        "Companies House number (CRN)",
        "United Kingdom",
    )
    assert (scheme.name("de"), scheme.country_name("de")) == (
        "numéro CRN (Companies House)",
        "Royaume-Uni",
    )


# --------------------------------------------------------------------------
# Typos, articles, VAT numbers, identifiers that name their country
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Frnace", "FR"),
        ("Farnce", "FR"),
        ("Belgiqe", "BE"),
        ("Beglium", "BE"),
        ("Royaume Unis", "GB"),
        ("Untied Kingdom", "GB"),
        ("Allemange", "DE"),
        ("c'est en Frnace", "FR"),
    ],
)
def test_a_country_with_a_typo_is_read_when_the_country_is_asked(text, country):
    assert parse_country(text, fuzzy=True) == country
    assert parse_country(text) is None  # elsewhere, "Franck" must stay a first name


@pytest.mark.parametrize("text", ["Japon", "Irlande", "Suède", "je ne sais pas", "Brésil", "oui"])
def test_an_unsupported_country_is_not_taken_for_a_close_one(text):
    assert parse_country(text, fuzzy=True) is None


@pytest.mark.parametrize(
    ("code", "pour", "en", "english"),
    [
        ("FR", "la France", "en France", "France"),
        ("GB", "le Royaume-Uni", "au Royaume-Uni", "the United Kingdom"),
        ("BE", "la Belgique", "en Belgique", "Belgium"),
        ("NL", "les Pays-Bas", "aux Pays-Bas", "the Netherlands"),
        ("DE", "l'Allemagne", "en Allemagne", "Germany"),
        ("US", "les États-Unis", "aux États-Unis", "the United States"),
    ],
)
def test_country_names_in_a_sentence_have_their_article(code, pour, en, english):
    scheme = scheme_for(code)
    assert (scheme.the_country("fr"), scheme.in_country("fr")) == (pour, en)
    assert scheme.the_country("en") == english


@pytest.mark.parametrize("scheme", supported_countries(), ids=lambda s: s.country)
def test_each_scheme_says_what_its_number_looks_like_in_every_language(scheme):
    for language in LANGUAGES:
        assert scheme.the[language] and scheme.located[language] and scheme.layout[language]


@pytest.mark.parametrize(
    "text", ["FR44732829320", "FR 44 732 829 320", "TVA intracommunautaire : FR44 732829320"]
)
def test_a_french_vat_number_gives_its_siren_and_says_so(text):
    check = check_company_id("FR", text)
    assert check.company_id == CompanyId("FR", "732829320")
    assert check.from_vat is True and check.from_siret is False


@pytest.mark.parametrize("text", ["GB980780684", "GB 980 7806 84", "our VAT is GB980780684"])
def test_a_uk_vat_number_is_refused_as_a_vat_number_not_as_a_wrong_crn(text):
    assert refusal("GB", text) == CompanyIdError.VAT_NUMBER


@pytest.mark.parametrize(
    ("text", "country", "value"),
    [
        ("898 894 399", "FR", "898894399"),
        ("732 829 320 00074", "FR", "732829320"),
        ("FR44732829320", "FR", "732829320"),
        ("SC123456", "GB", "SC123456"),
        ("0403.170.701", "BE", "0403170701"),
        ("CHE-100.155.212", "CH", "CHE100155212"),
        ("DE136695976", "DE", "136695976"),
    ],
)
def test_an_identifier_typed_alone_names_its_country(text, country, value):
    check = recognise_company_id(text)
    assert check.company_id == CompanyId(country, value)


@pytest.mark.parametrize(
    "text", ["01234567", "123456789", "de 136695976", "04-2103594", "hello", "732 829 321"]
)
def test_a_number_that_could_be_anyones_names_no_country(text):
    assert recognise_company_id(text) is None


def test_a_very_long_number_is_refused_as_too_long_by_every_scheme():
    for scheme in supported_countries():
        assert refusal(scheme.country, "9" * 10_000) == LENGTH
