"""The product's own figures and addresses that the assistant's answers state.

An answer that says "valid for 3 months" or lists the accepted countries must say what the
product does, not what it did when the answer was written: the FAQ answers in
``data/responses/faq.yml`` carry placeholders (``{invitation_validity_months}``,
``{countries}``, ...) that ``action_answer_question`` fills with :func:`answer_facts`, read
from :mod:`bot.settings` and the identifier registry (:mod:`bot.checks.identifiers`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.checks.identifiers import supported_countries
from bot.settings import Settings, get_settings

# French puts a space before a colon; the list is one line per country, as the answers'
# other lists ("- " then the text).
_COUNTRY_LINE = {"fr": "- {country} : {identifier}", "en": "- {country}: {identifier}"}


def countries_list(language: str) -> str:
    """Every country a company can register from, with its identifier's name, in order."""
    line = _COUNTRY_LINE.get(language, _COUNTRY_LINE["fr"])
    return "\n".join(
        line.format(country=scheme.country_name(language), identifier=scheme.name(language))
        for scheme in supported_countries()
    )


def answer_facts(language: str, settings: Settings | None = None) -> dict[str, str]:
    """The values of every placeholder the FAQ answers may use, in ``language``."""
    settings = settings or get_settings()
    return {
        "invitation_validity_months": str(settings.invitation_validity_months),
        "activation_link_hours": str(settings.activation_token_hours),
        "resend_limit_per_hour": str(settings.resend_limit_per_hour),
        "retention_days": str(settings.retention_days),
        "mail_from": settings.mail_from,
        "platform_url": settings.platform_url,
        # Where the invitation's link leads: the help centre's public address.
        "site": urlsplit(settings.public_base_url).netloc or settings.public_base_url,
        "countries": countries_list(language),
    }


def our_domains(settings: Settings | None = None) -> set[str]:
    """The domains the product's mails and links use: any other that names "sis-id" is not
    ours (bot/checks/email_addresses.py ``lookalike_of``)."""
    settings = settings or get_settings()
    addresses = (settings.mail_from, settings.support_email)
    links = (settings.platform_url, settings.public_base_url)
    return {a.rpartition("@")[2].lower() for a in addresses} | {
        (urlsplit(link).hostname or "").lower() for link in links
    } - {""}
