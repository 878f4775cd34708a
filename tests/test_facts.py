"""The figures and addresses the answers state come from the settings and the identifier
registry (bot/facts.py)."""

from __future__ import annotations

import dataclasses

from bot.checks.identifiers import supported_countries
from bot.facts import answer_facts, countries_list
from bot.settings import load_settings


def test_the_countries_are_the_registry_in_its_order_with_their_identifier():
    lines = countries_list("fr").splitlines()

    assert lines[0] == "- France : SIREN"
    assert len(lines) == len(supported_countries())
    assert countries_list("en").splitlines()[1] == "- United Kingdom: Companies House number (CRN)"


def test_every_figure_is_read_from_the_settings():
    settings = dataclasses.replace(
        load_settings({"RETENTION_DAYS": "30", "MAIL_FROM": "no-reply@example.org"}),
        invitation_validity_months=6,
    )
    facts = answer_facts("en", settings)

    assert facts["retention_days"] == "30"
    assert facts["mail_from"] == "no-reply@example.org"
    assert facts["invitation_validity_months"] == "6"
    assert facts["activation_link_hours"] == str(settings.activation_token_hours)
    assert facts["resend_limit_per_hour"] == str(settings.resend_limit_per_hour)


def test_the_platform_and_the_invitation_site_come_from_their_settings():
    settings = load_settings(
        {"PLATFORM_URL": "https://app.example.com/", "PUBLIC_BASE_URL": "https://aide.example.com"}
    )
    facts = answer_facts("fr", settings)

    assert facts["platform_url"] == "https://app.example.com"
    assert facts["site"] == "aide.example.com"
    assert answer_facts("fr", load_settings({}))["platform_url"] == "https://my.sis-id.com"
