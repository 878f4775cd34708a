"""Accessibility of the help-centre page and its chat widget, checked by axe-core in Chromium,
and the answer feedback of the widget, followed to the analysts' report.

axe-core comes with axe-playwright-python (its axe.min.js is in the wheel: nothing is
downloaded). Every rule axe runs by default (WCAG 2.x A and AA, best practices), plus
"label-content-name-mismatch" (WCAG 2.5.3: a control's name contains its visible text), which
axe marks experimental and leaves out otherwise. A serious, critical or moderate violation fails
the test, with axe's explanation of each element.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bot.analytics.conversations import iter_summaries
from bot.analytics.report import build_report
from bot.checks.identifiers import CompanyId
from tests.browser.chat import Chat

pytestmark = pytest.mark.timeout(1800)

BLOCKING = {"critical", "serious", "moderate"}
OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
FRANCE = CompanyId("FR", "732829320")
UNITED_KINGDOM = CompanyId("GB", "SC123456")


def assert_accessible(page, where: str) -> None:
    results = Axe().run(page, options=OPTIONS)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"{where}:\n{report}"


@pytest.mark.parametrize(
    ("path", "launcher", "greeting"),
    [
        ("/", "Besoin d'aide ?", "assistant My Sis ID"),
        ("/en/", "Need help?", "My Sis ID assistant"),
    ],
)
def test_the_page_and_the_open_widget_pass_axe(stack, context, path, launcher, greeting):
    page = context.new_page()
    page.goto(stack.url + path)
    chat = Chat(page)
    assert_accessible(page, f"{path}, widget closed")
    # The launcher is named by what it shows; the page has one banner, the widget none.
    expect(chat.launcher).to_have_accessible_name(launcher)
    expect(page.get_by_role("banner")).to_have_count(1)

    chat.open()
    assert greeting in chat.wait_for_bot(0)
    expect(page.get_by_role("banner")).to_have_count(1)
    assert_accessible(page, f"{path}, widget open")


def test_the_input_text_is_at_least_16_px_on_a_phone(stack, phone_context):
    page = phone_context.new_page()
    page.goto(stack.url + "/en/")
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)

    size = chat.input.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 16  # below that, phone browsers zoom into the field


@pytest.mark.parametrize(
    ("language", "company", "code", "turns"),
    [
        (
            "fr",
            FRANCE,
            "A11Y-FR00-0000-0001",
            [
                ("je voudrais créer mon compte", "Dans quel pays"),
                ("France", "SIREN"),
                ("732 829 320", "code d'invitation"),
                ("A11Y-FR00-0000-0001", "adresse email"),
                ("claire.a11y@acme-industrie.fr", "claire.a11y@acme-industrie.fr"),
                ("oui", "mot de passe"),
            ],
        ),
        (
            "en",
            UNITED_KINGDOM,
            "A11Y-GB00-0000-0001",
            [
                ("I'd like to register", "which country"),
                ("United Kingdom", "Companies House"),
                ("SC123456", "invitation code"),
                ("A11Y-GB00-0000-0001", "email address"),
                ("j.a11y@northwind.co.uk", "is it correct"),
                ("yes", "password"),
            ],
        ),
    ],
)
def test_the_password_step_passes_axe(stack, context, language, company, code, turns):
    stack.invite(company, code)
    page = context.new_page()
    page.goto(stack.url + ("/" if language == "fr" else "/en/"))
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    for text, expected in turns:
        chat.say(text, expected)
    expect(chat.input).to_have_attribute("type", "password")
    assert_accessible(page, f"{language}, password step")


@pytest.mark.parametrize(
    ("path", "question", "topic", "group", "choice", "verdict", "reply"),
    [
        (
            "/",
            "Quelles sont les règles du mot de passe ?",
            "faq/password_rules",
            "Cette réponse vous a-t-elle aidé ?",
            "Non",
            "no",
            "parler à un conseiller",
        ),
        (
            "/en/",
            "Which countries are accepted?",
            "faq/countries",
            "Did this answer help?",
            "Yes",
            "yes",
            "Thank you for your feedback",
        ),
    ],
)
def test_feedback_buttons_pass_axe_and_the_answer_reaches_the_report(
    stack, context, path, question, topic, group, choice, verdict, reply
):
    page = context.new_page()
    page.goto(stack.url + path)
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    chat.say(question)
    # The choices are a group named by the question they answer.
    feedback = page.get_by_role("group", name=group)
    expect(feedback).to_be_visible()
    assert_accessible(page, f"{path}, feedback buttons")

    assert reply.lower() in chat.choose(choice).lower()
    expect(feedback.get_by_role("button", name=choice)).to_be_disabled()

    report = build_report(
        iter_summaries(stack.tracker_store_url, accounts_url=stack.database_url)
    ).total
    assert report.feedback[(topic, verdict)] >= 1
    assert report.answers[topic] >= 1
    assert (
        report.helpfulness(topic) is not None
        and report.answered >= 1
        and report.resolution_rate is not None
    )
