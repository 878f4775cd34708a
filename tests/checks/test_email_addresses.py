"""Tests of e-mail extraction from chat messages, normalisation, typo hints and masking."""

from __future__ import annotations

import dataclasses

import pytest

from bot.checks.email_addresses import (
    COMMON_MAILBOX_DOMAINS,
    EmailCheck,
    EmailError,
    check_email,
    check_supplier_email,
    lookalike_of,
    mask_email,
    our_link,
    says_something_else,
    spoken_address,
    suggest_domain,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jean.dupont@acme.fr", "jean.dupont@acme.fr"),
        ("mon email est Jean.Dupont@ACME.fr", "jean.dupont@acme.fr"),
        ("C'est jean.dupont@acme.fr.", "jean.dupont@acme.fr"),
        ("jean.dupont@acme.fr.", "jean.dupont@acme.fr"),
        ("jean.dupont@acme.fr !", "jean.dupont@acme.fr"),
        ("jean.dupont@acme.fr…", "jean.dupont@acme.fr"),
        ("<jean@acme.fr>", "jean@acme.fr"),
        ("Jean Dupont <Jean@Acme.FR>", "jean@acme.fr"),
        ("«jean@acme.fr»", "jean@acme.fr"),
        ("'jean@acme.fr'", "jean@acme.fr"),
        ("(jean@acme.fr)", "jean@acme.fr"),
        ("mailto:jean@acme.fr", "jean@acme.fr"),
        ("e-mail : jean@acme.fr, merci", "jean@acme.fr"),
        ("My email is John.Smith@Company.co.uk, thanks!", "john.smith@company.co.uk"),
        ("you can reach me at j.smith+suppliers@example.com?", "j.smith+suppliers@example.com"),
        ("  jean@acme.fr\n", "jean@acme.fr"),
        ("jean@acme.fr et JEAN@ACME.FR.", "jean@acme.fr"),  # same address twice
        ("@support jean@acme.fr", "jean@acme.fr"),  # a stray handle is ignored
    ],
)
def test_valid_addresses_in_free_form(text: str, expected: str) -> None:
    check = check_email(text)
    assert check == EmailCheck(address=expected, error=None, suggestion=None)
    assert check.ok


def test_whole_address_is_lower_cased() -> None:
    assert check_email("Jean.DUPONT@Acme.Fr").address == "jean.dupont@acme.fr"


def test_internationalised_domain_is_accepted() -> None:
    assert check_email("jean@café.fr").address == "jean@café.fr"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty(text: str) -> None:
    check = check_email(text)
    assert check == EmailCheck(address=None, error=EmailError.EMPTY)
    assert not check.ok


@pytest.mark.parametrize("text", ["bonjour", "je ne sais pas", "jean.acme.fr", "jean at acme.fr"])
def test_no_address_looking_token(text: str) -> None:
    assert check_email(text) == EmailCheck(address=None, error=EmailError.NOT_FOUND)


@pytest.mark.parametrize(
    "text",
    [
        "jean@",
        "@acme.fr",
        "jean@@acme.fr",
        "jean@acme",  # no dot in the domain
        "jean..dupont@acme.fr",
        ".jean@acme.fr",  # a leading dot is a typo, not punctuation to strip
        "jean@acme..fr",
        "jean@-acme.fr",
        "日本@acme.fr",  # a local part of another script: no unaccented spelling either
        "jean@acme.local",
        "jean@localhost",
        "mon adresse est jean@acme",
    ],
)
def test_invalid(text: str) -> None:
    check = check_email(text)
    assert check == EmailCheck(address=None, error=EmailError.INVALID)
    assert not check.ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jérôme@acme.fr", "jerome@acme.fr"),
        ("élodie.brûlé@fromagerie-brûlé.fr", "elodie.brule@fromagerie-brûlé.fr"),
        ("mon mail : Hélène.Lefèvre@orange.fr", "helene.lefevre@orange.fr"),
    ],
)
def test_accents_before_the_at_are_left_out_and_said(text: str, expected: str) -> None:
    # An address cannot carry accents before its "@" (see _normalise): the supplier meant the
    # address without them, which the form reads back for a yes or a no, saying why.
    check = check_email(text)
    assert check.ok and check.address == expected
    assert check.accents_removed


def test_an_address_typed_without_accents_is_not_said_to_have_lost_any() -> None:
    assert not check_email("elodie@fromagerie-brûlé.fr").accents_removed
    assert not check_email("jerome@acme.fr").accents_removed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jean point dupont arobase orange point fr", "jean.dupont@orange.fr"),
        (
            "mon adresse c'est jean point dupont arobase orange point fr, merci",
            "jean.dupont@orange.fr",
        ),
        ("marie tiret bas durand arobase free point fr", "marie_durand@free.fr"),
        ("compta arobase durand tiret btp point fr", "compta@durand-btp.fr"),
        ("j.dupont arobase orange.fr.", "j.dupont@orange.fr"),
        ("john dot smith at acme dot co dot uk", "john.smith@acme.co.uk"),
        ("it's accounts at smith hyphen sons dot com", "accounts@smith-sons.com"),
        ("contact me at john dot smith at gmail dot com", "john.smith@gmail.com"),
    ],
)
def test_an_address_dictated_in_words_is_read(text: str, expected: str) -> None:
    assert spoken_address(text) == expected
    assert check_email(text).address == expected


@pytest.mark.parametrize(
    "text",
    [
        "I am at home",
        "we are at acme.com",  # English "at" is "@" only before a spoken "dot"
        "je vous rappelle à 3 heures point final",
        "arobase",
        "jean arobase",
        "jean arobase orange",  # no dot in the domain
        "meet me at john dot smith",  # no top-level domain: "smith"
    ],
)
def test_words_that_dictate_no_address(text: str) -> None:
    assert spoken_address(text) is None
    assert check_email(text).error is EmailError.NOT_FOUND


def test_space_splits_the_local_part() -> None:
    # A space cannot be in an address; "jean dupont@acme.fr" reads as "<name> <address>".
    assert check_email("jean dupont@acme.fr").address == "dupont@acme.fr"


@pytest.mark.parametrize(
    "text",
    [
        "jean@acme.fr ou paul@acme.fr",
        "jean@acme.fr, jean@acme.com",
        "pro: jean@acme.fr perso: jean.dupont@gmail.com",
    ],
)
def test_two_different_addresses_are_ambiguous(text: str) -> None:
    assert check_email(text) == EmailCheck(address=None, error=EmailError.AMBIGUOUS)


def test_an_excluded_domains_address_is_left_out_when_another_is_there() -> None:
    text = "jean@acme.fr -- L'équipe My Sis ID <noreply@sis-id.com>"
    assert check_email(text, excluded_domains={"sis-id.com"}).address == "jean@acme.fr"
    assert check_email(text).error is EmailError.AMBIGUOUS  # not excluded: two addresses


def test_only_excluded_addresses_are_an_error_naming_the_first() -> None:
    check = check_email("Noreply@Sis-ID.com, support@sis-id.com", excluded_domains={"sis-id.com"})
    assert (check.ok, check.error, check.address) == (
        False,
        EmailError.PLATFORM,
        "noreply@sis-id.com",
    )


@pytest.mark.parametrize("text", ["noreply@sis-id.com", "Support@SIS-ID.com"])
def test_a_suppliers_address_is_never_one_of_the_platforms(text) -> None:
    assert check_supplier_email(text).error is EmailError.PLATFORM
    assert check_supplier_email("jean@acme.fr").ok


def test_email_check_is_frozen() -> None:
    check = check_email("jean@acme.fr")
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.address = "other@acme.fr"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        # Gmail
        ("jean@gmial.com", "jean@gmail.com"),
        ("jean@gmal.com", "jean@gmail.com"),
        ("jean@gmail.co", "jean@gmail.com"),
        ("jean@gmail.con", "jean@gmail.com"),
        ("jean@gmail.cm", "jean@gmail.com"),
        ("jean@gmial.con", "jean@gmail.com"),
        ("jean@googlemial.com", "jean@googlemail.com"),
        # Hotmail / Outlook / Live
        ("jean@hotmial.fr", "jean@hotmail.fr"),
        ("jean@hotmal.fr", "jean@hotmail.fr"),
        ("jean@hotmail.con", "jean@hotmail.com"),
        ("jean@hotmail.fe", "jean@hotmail.fr"),
        ("john@hotmial.co.uk", "john@hotmail.co.uk"),
        ("john@hotmail.couk", "john@hotmail.co.uk"),
        ("jean@outlok.com", "jean@outlook.com"),
        ("jean@outllok.fr", "jean@outlook.fr"),
        ("jean@live.fe", "jean@live.fr"),
        # Yahoo
        ("jean@yahooo.fr", "jean@yahoo.fr"),
        ("jean@yaho.fr", "jean@yahoo.fr"),
        # French ISPs
        ("jean@wanadoo.ff", "jean@wanadoo.fr"),
        ("jean@wanado.fr", "jean@wanadoo.fr"),
        ("jean@oragne.fr", "jean@orange.fr"),
        ("jean@orange.fe", "jean@orange.fr"),
        ("jean@laposte.nte", "jean@laposte.net"),
        ("jean@laposte.ne", "jean@laposte.net"),
        ("jean@fre.fr", "jean@free.fr"),
        ("jean@frre.fr", "jean@free.fr"),
        ("jean@free.ff", "jean@free.fr"),
        ("jean@sfr.fe", "jean@sfr.fr"),
        ("jean@numericabel.fr", "jean@numericable.fr"),
        # Apple, Proton, Belgium, UK
        ("jean@icloud.co", "jean@icloud.com"),
        ("jean@iclod.com", "jean@icloud.com"),
        ("jean@protonmial.com", "jean@protonmail.com"),
        ("jan@sknet.be", "jan@skynet.be"),
        ("john@btinternet.co", "john@btinternet.com"),
        ("john@sky.con", "john@sky.com"),
        # Mistyped TLD of any domain
        ("jean@acme.cmo", "jean@acme.com"),
        ("jean@acme.con", "jean@acme.com"),
        ("jean@acme.comm", "jean@acme.com"),
        ("jean@acme.fe", "jean@acme.fr"),
        ("jean@acme.frr", "jean@acme.fr"),
        ("jean@acme.nte", "jean@acme.net"),
        ("jean@acme.ogr", "jean@acme.org"),
        ("john@acme.co.uj", "john@acme.co.uk"),
    ],
)
def test_typo_suggestions(typed: str, suggested: str) -> None:
    check = check_email(f"mon email est {typed}")
    assert check.ok
    assert check.address == typed
    assert check.suggestion == suggested


def test_suggestion_keeps_normalised_local_part() -> None:
    check = check_email("Jean.Dupont@GMIAL.COM.")
    assert check.address == "jean.dupont@gmial.com"
    assert check.suggestion == "jean.dupont@gmail.com"


@pytest.mark.parametrize("domain", COMMON_MAILBOX_DOMAINS)
def test_no_suggestion_for_common_domains(domain: str) -> None:
    assert suggest_domain(domain) is None
    assert check_email(f"jean@{domain}").suggestion is None


@pytest.mark.parametrize(
    "domain",
    [
        # real provider domains near a common one
        "gmail.fr",
        "hotmail.be",
        "hotmail.de",
        "hotmail.fi",
        "yahoo.de",
        "yahoo.co.jp",
        "orange.be",
        "orange.com",
        "laposte.fr",
        "icloud.fr",
        "ymail.com",
        "mail.com",
        "email.com",
        "gmx.net",
        "gmx.ch",
        "protonmail.ch",
        "web.de",
        # corporate domains
        "acme.fr",
        "acme.com",
        "acme-industries.fr",
        "carrefour.com",
        "renault.fr",
        "bnpparibas.com",
        "company.co.uk",
        # short corporate domains one edit from a short provider name
        "ge.com",
        "ms.com",
        "aon.com",
        "skf.com",
        # existing TLDs are never "corrected" on an arbitrary domain
        "acme.co",
        "acme.cm",
        "acme.io",
        "acme.paris",
    ],
)
def test_no_suggestion_for_real_or_unrelated_domains(domain: str) -> None:
    assert suggest_domain(domain) is None


def test_suggest_domain_is_case_and_dot_insensitive() -> None:
    assert suggest_domain(" GMIAL.com. ") == "gmail.com"
    assert suggest_domain("") is None


def test_closest_domain_wins_then_most_common() -> None:
    # "hotmail.fom" is 1 edit from hotmail.com and 2 from hotmail.fr, which is listed first.
    assert suggest_domain("hotmail.fom") == "hotmail.com"
    # "gmx.fe" is 1 edit from both gmx.fr and gmx.de: the more common (listed first) wins.
    assert suggest_domain("gmx.fe") == "gmx.fr"


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jean.dupont@acme.fr", "j***t@acme.fr"),
        ("jean@acme.fr", "j***n@acme.fr"),
        ("abc@acme.fr", "a***c@acme.fr"),
        ("jd@acme.fr", "***@acme.fr"),
        ("j@acme.fr", "***@acme.fr"),
        ("not an address", "***"),
        ("", "***"),
    ],
)
def test_mask_email(address: str, masked: str) -> None:
    assert mask_email(address) == masked


def test_mask_hides_local_part_length() -> None:
    assert len(mask_email("ab3@acme.fr")) == len(mask_email("a" * 40 + "b@acme.fr"))


@pytest.mark.parametrize(
    ("text", "says_else"),
    [
        ("j'ai déjà vérifié les spams", True),
        ("I already checked my spam folder", True),
        ("je ne sais plus", True),
        ("jean.dupont acme.fr", False),  # a mistyped address: its check says what is wrong
        ("jean dupont at acme dot fr", False),
        ("jean arobase acme point fr", False),
        ("jean@acme", False),
        ("jdupont", False),
    ],
)
def test_a_sentence_without_an_address_is_told_from_a_mistyped_address(text, says_else) -> None:
    assert says_something_else(text) is says_else


OURS = {"sis-id.com", "my.sis-id.com"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("le mail venait de noreply@sis-id.com-securite.ru c normal ?",
         "noreply@sis-id.com-securite.ru"),
        ("the link goes to mysisid-secure-login.com", "mysisid-secure-login.com"),
        ("from noreply@sisid.com", "noreply@sisid.com"),
        # a Cyrillic "і", a Greek "ο", an accent, full-width letters: they read as ours
        ("Le mail venait de noreply@sis-\u0456d.com, c'est bien vous ?", "noreply@sis-\u0456d.com"),
        ("link: my.sis-id.c\u03bfm/activate", "my.sis-id.c\u03bfm"),
        ("noreply@s\u00eds-id.com", "noreply@s\u00eds-id.com"),
        ("\uff53\uff49\uff53-id.com", "\uff53\uff49\uff53-id.com"),
        ("écrivez à jean@société-générale.fr", None),
        ("vos emails viennent de noreply@sis-id.com ?", None),
        ("https://my.sis-id.com/login", None),
        ("support.sis-id.com", None),
        # the user-info trick: the link opens what comes after the "@", even an IP address
        ("https://my.sis-id.com@secure-iban.ru/login c'est bien votre site ?",
         "my.sis-id.com@secure-iban.ru"),
        ("Is http://my.sis-id.com@192.168.4.20/login yours?", "my.sis-id.com@192.168.4.20"),
        ("https://noreply@sis-id.com@fournisseurs-verif.net",
         "noreply@sis-id.com@fournisseurs-verif.net"),
        ("https://someone@my.sis-id.com/login", None),
        # our whole host as the first labels of another domain
        ("ok et https://my.sis-id.com.validation-fournisseur.fr/ ?",
         "my.sis-id.com.validation-fournisseur.fr"),
        ("is my.sis-id.com.eu-verify.com legit?", "my.sis-id.com.eu-verify.com"),
        # an address that names us before its "@"
        ("sis-id.support@gmail.com c'est vous ?", "sis-id.support@gmail.com"),
        ("jean@acme.fr", None),
    ],
)  # fmt: skip
def test_an_address_or_link_naming_sis_id_that_is_not_ours_is_a_lookalike(text, found):
    assert lookalike_of(text, OURS) == found


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("Le lien pointe vers https://my.sis-id.com/?invitation=ABCD, c'est bien vous ?",
         "my.sis-id.com"),
        ("http://SIS-ID.COM/activate", "sis-id.com"),
        # read the way a browser reads it: the host is after the "@"
        ("https://my.sis-id.com@evil.example/?invitation=ABCD", None),
        ("https://my.sis-id.com.evil.example/", None),
        ("https://my.sis-\u0456d.com/", None),  # a Cyrillic "і"
        # another address or link beside ours: no plain yes
        ("https://my.sis-id.com/ et le mail de noreply@sis-id-verif.com", None),
        ("https://my.sis-id.com/ https://evil.example/", None),
        ("my.sis-id.com", None),  # no link: a host in a sentence, or a sender's domain
        ("https://[::1/", None),  # not a URL a browser opens
    ],
)  # fmt: skip
def test_a_link_to_our_site_is_ours_only_when_it_leads_there(text, host):
    assert our_link(text, OURS) == host
