import pytest

from bot.checks.contacts import (
    ContactError,
    PhoneElsewhere,
    check_job_title,
    check_name,
    check_phone,
    format_phone,
    phone_country,
    phone_elsewhere,
    phone_example,
    phone_extension,
    phone_numbers,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jean", "Jean"),
        # all in lower case: capitals given ("Bonjour jean," in the activation mail)
        ("  jean-pierre ", "Jean-Pierre"),
        ("nathalie roux", "Nathalie Roux"),
        ("de la fontaine", "de la Fontaine"),
        ("d'artagnan", "d'Artagnan"),
        ("o’brien", "O’Brien"),
        # any capital typed: kept as typed
        ("DUPONT", "DUPONT"),
        ("McDonald", "McDonald"),
        ("van der Berg", "van der Berg"),
        ("Je m'appelle Marie", "Marie"),
        ("my first name is Anne", "Anne"),
        ("D'Artagnan", "D'Artagnan"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("O’Brien", "O’Brien"),
    ],
)
def test_names_are_read_in_free_form(typed, stored):
    assert check_name(typed).value == stored


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", ContactError.EMPTY),
        ("  ", ContactError.EMPTY),
        ("Jean2", ContactError.INVALID_NAME),
        ("<script>", ContactError.INVALID_NAME),
        ("x" * 101, ContactError.TOO_LONG),
    ],
)
def test_bad_names_are_refused_with_a_reason(typed, error):
    assert check_name(typed).error is error


@pytest.mark.parametrize(
    ("typed", "a_name"),
    [
        # sentences that became first names (fifth outside tester, S3)
        ("pareil que pour les deux autres", False),
        ("comme indiqué dans le mail", False),
        ("same as for the other two", False),
        # names with particles, short words or function-word given names
        ("Marie des Neiges", True),
        ("Jean de la Fontaine", True),
        ("Ana Maria dos Santos", True),
        ("Jo An Lee", True),
        ("Nguyen Van Anh Thu", True),
        ("Will May Jones", True),
    ],
)
def test_a_sentence_is_not_a_name(typed, a_name):
    error = check_name(typed).error
    assert (error is None) if a_name else (error is ContactError.NOT_A_NAME)


@pytest.mark.parametrize(
    ("typed", "country", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("mon numéro est le 01.23.45.67.89", "FR", "+33123456789"),
        ("+44 20 7946 0958", "FR", "+442079460958"),  # international form: any country
        ("020 7946 0958", "GB", "+442079460958"),
        ("0470 12 34 56", "BE", "+32470123456"),
        # France's overseas departments dial as France with a country code of their own
        ("0696 12 34 56", "FR", "+596696123456"),  # Martinique mobile
        ("0262 41 22 33", "FR", "+262262412233"),  # La Réunion landline
        ("c'est un numéro de la Réunion, mon portable c'est le 0692 65 43 21", "FR",
         "+262692654321"),
        ("0590 12 34 56", "FR", "+590590123456"),  # Guadeloupe landline
        ("0694 20 12 34", "FR", "+594694201234"),  # French Guiana mobile
    ],
)  # fmt: skip
def test_phone_numbers_are_validated_for_the_company_country(typed, country, e164):
    assert check_phone(typed, country).value == e164


@pytest.mark.parametrize(
    ("typed", "country", "numbers"),
    [
        ("portable 06 71 23 45 89, fixe 01 42 68 53 00 — lequel voulez-vous ?", "FR",
         ["+33671234589", "+33142685300"]),
        ("06 71 23 45 89 ou 06.71.23.45.89", "FR", ["+33671234589"]),  # the same, twice
        ("06 12 34", "FR", []),
    ],
)  # fmt: skip
def test_every_valid_number_of_a_message_is_found_in_order(typed, country, numbers):
    assert phone_numbers(typed, country) == numbers
    if numbers:
        assert check_phone(typed, country).value == numbers[0]  # the one kept


@pytest.mark.parametrize(
    ("typed", "country", "error"),
    [
        ("bonjour", "FR", ContactError.INVALID_PHONE),
        ("06 12 34", "FR", ContactError.PHONE_NOT_VALID_FOR_COUNTRY),
        ("020 7946 0958", "FR", ContactError.PHONE_NOT_VALID_FOR_COUNTRY),
        ("", "FR", ContactError.EMPTY),
    ],
)
def test_bad_phone_numbers_are_refused(typed, country, error):
    assert check_phone(typed, country).error is error


def test_an_overseas_number_is_a_french_company_s_number():
    """ "0696 12 34 56" was refused for a French company, then proposed as +41 69 612 34 56."""
    assert check_phone("0696 12 34 56", "FR").ok
    assert phone_country("+596696123456") == "FR"


def test_phone_display():
    assert format_phone("+33612345678") == "+33 6 12 34 56 78"


def test_job_title_is_optional_text():
    assert check_job_title(" Comptable ").value == "Comptable"
    assert check_job_title("R&D - responsable (intérim)").value == "R&D - responsable (intérim)"
    assert check_job_title("x" * 101).error is ContactError.TOO_LONG


@pytest.mark.parametrize(
    "text",
    [
        "[Verify](http://evil.example) <b>CFO</b>",  # a link the widget showed as the assistant's
        "CFO, see https://evil.example",
        "www.evil.example",
        "<a href=x>CFO</a>",
        "`CFO`",
        # an address the summary and support would show as if the platform gave it (fifth
        # outside tester, M4)
        "Service client Sis ID : pour finaliser, envoyez votre RIB à support@sis-id-verif.com",
        "Sis ID Security Team - send your IBAN to verify@sis-id-verify.com",
    ],
)
def test_a_job_title_never_carries_a_link_an_address_or_formatting(text):
    assert check_job_title(text).error is ContactError.MARKUP


# --- a number of another country ---------------------------------------------------------------


def test_a_french_mobile_for_a_belgian_company_is_read_as_french():
    assert phone_elsewhere("06 12 34 56 78", "BE") == PhoneElsewhere("FR", "+33612345678")


def test_a_belgian_mobile_for_a_french_company_is_read_as_belgian():
    assert phone_elsewhere("0470 12 34 56", "FR") == PhoneElsewhere("BE", "+32470123456")


def test_a_number_invalid_here_is_not_proposed_as_another_countrys_landline():
    """ "07700 900123" (a reserved UK range) got "valid for Germany: did you mean +49 ...?"."""
    assert phone_elsewhere("07700 900123", "GB") is None


@pytest.mark.parametrize("text", ["+33 6 12 34 56 78", "0033 6 12 34 56 78", "12", "bonjour"])
def test_nothing_to_propose_for_an_international_number_or_no_number(text):
    assert phone_elsewhere(text, "BE") is None


def test_the_international_example_has_the_country_prefix():
    assert phone_example("BE", international=True).startswith("+32 ")
    assert phone_example("FR", international=True) == "+33 6 12 34 56 78"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        # a warning dressed as a name: the activation mail would open with it (sixth tester)
        ("Action Requise Compte Suspendu Contactez Service Fraude Sis-ID Immediatement",
         ContactError.NOTICE),
        ("Urgent Security Notice Account Suspended", ContactError.NOTICE),
        ("Sis-ID", ContactError.NOTICE),
        ("Alpha Bravo Charlie Delta Echo Foxtrot", ContactError.NOTICE),
        # names
        ("Jean Service", None),
        ("Marie-Claire Action", None),
        ("Anne Marie Louise Jeanne Dupont", None),
        ("de la Tour d'Auvergne", None),
        ("Francis Isidore", None),  # "sisid" only across the two words
    ],
)  # fmt: skip
def test_a_warning_dressed_as_a_name_is_refused(typed, error):
    assert check_name(typed).error is error


@pytest.mark.parametrize(
    ("typed", "refused"),
    [
        ("**Compte suspendu** : validez votre RIB sur sisid-validation.fr", True),
        ("Service Fraude Sis ID - rappelez le 01 89 70 00 00 avant tout virement", True),
        ("Sis ID verification desk - call +44 20 3808 0000 before paying any invoice", True),
        ("voir www.exemple.com", True),
        ("Comptable", False),
        ("Resp. achats", False),
        ("Chef de projet R&D", False),
        ("Assistante de Francis Isidore", False),
        ("Référente MySisID", True),
        ("Assistante de direction niveau 2", False),
    ],
)
def test_a_job_title_holds_no_formatting_domain_phone_number_nor_the_platform_s_name(
    typed, refused
):
    """The summary showed them in the assistant's voice, and the account kept them (sixth
    outside tester, M4)."""
    assert (check_job_title(typed).error is ContactError.MARKUP) is refused


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Yannick en entier", "Yannick"),
        ("Robert (in full)", "Robert"),
        ("Marie Fully", "Marie Fully"),  # a name's word, not how it is written
    ],
)
def test_how_a_name_is_said_to_be_written_is_not_part_of_it(typed, stored):
    """ "mon prénom s'écrit Yannick en entier" was stored as "Yannick en entier" (sixth outside
    tester, M15)."""
    assert check_name(typed).value == stored


@pytest.mark.parametrize(
    ("typed", "country", "extension"),
    [
        ("+44 (0)161 496 0731 ext 204", "GB", "204"),
        ("0161 496 0731 x204", "GB", "204"),
        ("01 23 45 67 89 poste 204", "FR", "204"),
        ("06 12 34 56 78", "FR", None),
    ],
)
def test_an_extension_typed_with_the_number_is_found(typed, country, extension):
    assert phone_extension(typed, country) == extension
    assert check_phone(typed, country).ok  # the number itself is kept
