"""The staff console in a real browser, against the real product: conversations are held
through the chat widget, then support and analysts work on them in /console/.

Staff accounts are created with the command line, as an administrator would. Each test uses
its own accounts and conversations: the stack (and its database) is shared.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot import db
from bot.checks.identifiers import CompanyId
from bot.checks.invitation_codes import format_code
from bot.models import Account, StaffAccount
from tests.browser.chat import Chat
from tests.browser.conftest import SCREENSHOTS
from tests.factories import ROOT, activation_token_in

pytestmark = pytest.mark.timeout(1800)

STAFF_PASSWORD = "Quai-des-Brumes-1938!"
SUPPLIER_PASSWORD = "Tr0ub4dor&3-Quai-Brumes"
FRANCE = CompanyId("FR", "732829320")
DOCS_IMAGES = ROOT / "docs" / "images"


def add_staff(stack, email: str, role: str) -> None:
    """`python -m bot staff add EMAIL --role ROLE`, the password on standard input."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", email, "--role", role],
        cwd=ROOT,
        env=stack.web.env,
        input=STAFF_PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"{email} ({role}) created" in result.stdout


def sign_in(page: Page, email: str, password: str = STAFF_PASSWORD) -> None:
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def console_as(stack, context, email: str, role: str, *, create: bool = True) -> Page:
    if create:
        add_staff(stack, email, role)
    page = context.new_page()
    page.goto(stack.url + "/console/")
    sign_in(page, email)
    expect(page.get_by_text(f"Connecté·e : {email}")).to_be_visible()
    return page


def open_chat(stack, context, language: str) -> Chat:
    page = context.new_page()
    page.goto(stack.url + ("/" if language == "fr" else "/en/"))
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    return chat


def funnel(page: Page) -> dict[str, int]:
    rows = page.locator("#funnel tbody tr")
    return {
        rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").first.inner_text())
        for i in range(rows.count())
    }


def test_a_signed_out_visitor_is_sent_to_sign_in_then_to_the_page_asked_for(stack, context):
    add_staff(stack, "first.agent@support.example", "support")
    page = context.new_page()
    page.goto(stack.url + "/console/tickets?status=open")
    expect(page).to_have_url(re.compile(r"/console/sign-in\?next="))
    expect(page.get_by_role("heading", name="Connexion à la console")).to_be_visible()
    sign_in(page, "first.agent@support.example")
    expect(page).to_have_url(stack.url + "/console/tickets?status=open")
    expect(page.get_by_role("heading", name="Tickets de support")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté·e.")).to_be_visible()
    page.goto(stack.url + "/console/tickets")
    expect(page).to_have_url(re.compile(r"/console/sign-in"))


@pytest.mark.parametrize(
    ("language", "ask", "language_label"),
    [
        ("fr", "je voudrais parler à un conseiller", "français"),
        ("en", "I want to talk to a human", "anglais"),
    ],
)
def test_a_handoff_through_the_widget_is_worked_in_the_queue_to_closed(
    stack, context, language, ask, language_label
):
    chat = open_chat(stack, context, language)
    chat.say(ask, {"fr": "un conseiller peut-il vous répondre", "en": "advisor reply to"}[language])
    reply = chat.say(f"paul.{language}@fournisseur.example", "T-0")
    reference = re.search(r"T-\d{6}", reply).group()

    page = console_as(stack, context, f"agent.{language}@support.example", "support")
    row = page.locator("tr", has_text=reference)
    expect(row).to_contain_text(language_label)
    expect(row).to_contain_text("demande du fournisseur")
    expect(row).to_contain_text("ouvert")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Ticket {reference}")).to_be_visible()
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text(ask)
    expect(transcript).to_contain_text("Compris : human_handoff")
    page.get_by_role("button", name="Marquer « en cours »").click()
    expect(page.locator("h1 .badge")).to_have_text("en cours")
    page.get_by_label("Ajouter une note interne").fill("Rappelé le fournisseur, code renvoyé.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.locator(".history")).to_contain_text("Rappelé le fournisseur, code renvoyé.")
    if language == "fr":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "console-ticket.png"), full_page=True)
    page.get_by_role("button", name="Clore le ticket").click()
    expect(page.locator("h1 .badge")).to_have_text("clos")
    page.get_by_role("link", name="Tickets").click()
    expect(page.locator("tr", has_text=reference)).to_contain_text("clos")


def test_a_conversation_is_reviewed_and_tagged_and_the_report_shows_its_funnel(stack, context):
    page = console_as(stack, context, "claire@analytics.example", "analyst")
    today = date.today().isoformat()
    report = f"{stack.url}/console/report?since={today}&until={today}&language=fr"
    page.goto(report)
    before = funnel(page) if page.locator("#funnel").count() else {}

    chat = open_chat(stack, context, "fr")
    chat.choose("Créer mon compte", "Dans quel pays")
    chat.choose("France", "SIREN")
    chat.say("732 829 320", "code d'invitation")

    page.goto(report)
    after = funnel(page)
    assert after["inscription commencée"] == before.get("inscription commencée", 0) + 1
    assert after["société identifiée"] == before.get("société identifiée", 0) + 1
    expect(page.locator("#chart-funnel rect")).to_have_count(7)
    page.screenshot(path=str(SCREENSHOTS / "console-report.png"), full_page=True)

    page.goto(f"{stack.url}/console/conversations?since={today}&step=company_identified")
    page.locator("table.data tbody tr a").first.click()
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("732 829 320")
    expect(transcript).to_contain_text("Compris : start_registration")
    page.get_by_label("mauvaise réponse").check()
    page.get_by_label("Conversation revue").check()
    page.get_by_role("button", name="Enregistrer la revue").click()
    expect(page.get_by_text("Revue enregistrée.")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]
    page.goto(f"{stack.url}/console/conversations?reviewed=yes&tag=wrong_answer")
    expect(page.locator("tr", has_text=reference)).to_contain_text("mauvaise réponse")
    page.get_by_role("link", name="Journal des accès").click()
    expect(page.locator("tr", has_text=reference).first).to_contain_text("claire@analytics.example")
    # English, for the README's second look.
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Access log")).to_be_visible()


def test_an_inbox_entry_is_assigned_and_exported_as_yaml_rasa_accepts(stack, context, tmp_path):
    chat = open_chat(stack, context, "en")
    gibberish = "qwxz plorbvrumt zzgl"
    chat.say(gibberish)

    page = console_as(stack, context, "omar@analytics.example", "analyst")
    page.goto(stack.url + "/console/inbox")
    entry = page.locator("tr", has_text=gibberish)
    expect(entry).to_have_count(1)
    entry.get_by_label("Intention ou sujet").select_option("faq/free")
    entry.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter les exemples acceptés").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "- intent: faq/free\n  examples: |\n" in exported and f"- {gibberish}" in exported

    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, project / name)
    (project / "data" / "nlu" / "inbox.yml").write_text(exported, encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]


def test_sign_in_brute_force_is_slowed(stack, context):
    add_staff(stack, "target@support.example", "support")
    page = context.new_page()
    page.goto(stack.url + "/console/sign-in")
    for attempt in range(5):
        sign_in(page, "target@support.example", f"Guess-{attempt}-Password!")
        expect(page.get_by_role("alert")).to_have_text("Adresse email ou mot de passe incorrect.")
    sign_in(page, "target@support.example")  # the right password, too late
    expect(page.get_by_role("alert")).to_contain_text("Trop de tentatives")
    expect(page).to_have_url(re.compile(r"/console/sign-in"))


def test_no_console_page_shows_a_password_hash_token_or_full_invitation_code(stack, context):
    stack.invite(FRANCE, "CNSL-FR00-0000-0001")
    chat = open_chat(stack, context, "fr")
    chat.choose("Créer mon compte", "Dans quel pays")
    chat.choose("France", "SIREN")
    chat.say("732 829 320", "code d'invitation")
    chat.say("CNSL-FR00-0000-0001", "adresse email")
    chat.say("paul.console@acme-industrie.fr", "paul.console@acme-industrie.fr")
    chat.say("oui", "mot de passe")
    chat.say(SUPPLIER_PASSWORD, "Conditions")
    chat.say("J'accepte", "prénom")
    chat.say("Paul", "nom de famille")
    chat.say("Console", "téléphone")
    chat.say("06 12 34 56 78", "fonction")
    chat.say("Comptable", "récapitulatif")
    chat.choose("Oui, créer mon compte", "Votre compte est créé")
    chat.say("je voudrais parler à un conseiller", "un conseiller peut-il vous répondre")
    reference = re.search(r"T-\d{6}", chat.say("non merci", "T-0")).group()

    tokens = []
    for _ in range(60):  # the activation email, once the outbox sender has sent it
        for path in stack.mailbox_dir.glob("*.eml"):
            mail = message_from_bytes(path.read_bytes(), policy=policy.default)
            if mail["To"] == "paul.console@acme-industrie.fr" and "/activate?" in str(mail):
                tokens.append(activation_token_in(mail.get_body(("plain",)).get_content()))
        if tokens:
            break
        chat.page.wait_for_timeout(500)
    add_staff(stack, "secrets.support@support.example", "support")
    add_staff(stack, "secrets.analyst@analytics.example", "analyst")
    with db.session_scope(stack.database_url) as session:
        hashes = list(session.scalars(select(Account.password_hash)))
        hashes += list(session.scalars(select(StaffAccount.password_hash)))
    secrets = [SUPPLIER_PASSWORD, *tokens, *hashes, "CNSL-FR00-0000-0001", "CNSLFR0000000001"]
    assert tokens and len(hashes) >= 3  # the supplier's and the two staff accounts
    assert format_code("CNSLFR0000000001") == "CNSL-FR00-0000-0001"

    seen: list[str] = []
    support = console_as(stack, context, "secrets.support@support.example", "", create=False)
    for path in (
        "/console/tickets",
        f"/console/tickets/{reference}",
        "/console/accounts?email=paul.console%40acme-industrie.fr",
    ):
        support.goto(stack.url + path)
        seen.append(support.content())
    assert "Paul Console" in seen[-1]
    support.get_by_role("button", name="Se déconnecter").click()
    analyst = console_as(stack, context, "secrets.analyst@analytics.example", "", create=False)
    analyst.goto(stack.url + "/console/conversations")
    seen.append(analyst.content())
    links = sorted(set(re.findall(r'href="(/console/conversations/C-[0-9A-F]+)"', seen[-1])))
    for path in [*links, "/console/report", "/console/inbox", "/console/access-log"]:
        analyst.goto(stack.url + path)
        seen.append(analyst.content())
    assert any("paul.console@acme-industrie.fr" in html for html in seen)  # the pages were read
    for html in seen:
        for secret in secrets:
            assert secret not in html, secret[:12]
    analyst.goto(stack.url + "/console/conversations")
    analyst.set_viewport_size({"width": 1366, "height": 768})  # a laptop screen
    analyst.screenshot(path=str(SCREENSHOTS / "console.png"))
    if DOCS_IMAGES.exists():
        shutil.copy(SCREENSHOTS / "console.png", DOCS_IMAGES / "console.png")
