"""The help-centre page's chat widget in a real browser, against the real product.

Each test uses its own invitation and email address: the stack (and its database) is shared.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bot.checks.identifiers import CompanyId
from tests.browser.chat import Chat
from tests.browser.conftest import SCREENSHOTS
from tests.factories import files_in

PASSWORD = "Tr0ub4dor&3-Quai"
# The first test also waits for the servers: loading the model takes minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
FRANCE = CompanyId("FR", "732829320")
UNITED_KINGDOM = CompanyId("GB", "SC123456")


def assert_password_nowhere(chat: Chat, password: str) -> None:
    """Neither the transcript's DOM nor the tab's storage holds the password."""
    assert password not in chat.root.inner_html()
    assert password not in chat.transcript()
    assert password not in chat.session_storage()


def record_posts(page) -> list[tuple[str, str]]:
    """Every POST the page makes: (path, body)."""
    posts: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda request: (
            posts.append((request.url.split("/", 3)[-1], request.post_data or ""))
            if request.method == "POST"
            else None
        ),
    )
    return posts


def assert_never_sent_to_the_assistant(posts, stack, *passwords: str) -> None:
    """The passwords went to the web app's check only: never in a chat message, never in any
    file of the run (Rasa's tracker store, the databases, every process's log)."""
    chat_bodies = [body for path, body in posts if path == "webhooks/rest/webhook"]
    checked = [body for path, body in posts if path == "chat/password"]
    for password in passwords:
        assert not [body for body in chat_bodies if password in body]
        assert [body for body in checked if password in body]
        for path, content in files_in(stack.work).items():
            assert password.encode() not in content, path
    assert any('"/password_given"' in body for body in chat_bodies)


def assert_session_cookie(context, page) -> None:
    """The chat session is an HttpOnly, SameSite=Strict cookie that scripts cannot read."""
    [cookie] = [c for c in context.cookies() if c["name"] == "chat"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "chat=" not in page.evaluate("document.cookie")


def test_french_registration_through_the_widget_then_activation_from_the_mailbox(
    stack, context, dialogs
):
    stack.invite(FRANCE, "BRWF-R000-0000-0001")
    page = context.new_page()
    posts = record_posts(page)
    page.goto(stack.url + "/")
    assert_session_cookie(context, page)
    chat = Chat(page)
    expect(chat.panel).to_be_hidden()
    chat.open()
    expect(chat.input).to_be_focused()  # focus moves to the input on open
    greeting = chat.wait_for_bot(0)
    assert "assistant My Sis ID" in greeting

    chat.choose("Créer mon compte", "Dans quel pays")
    expect(chat.choice("Créer mon compte")).to_have_count(0)  # the choice is used up
    assert chat.user_messages()[-1] == "Créer mon compte"  # the title is shown, not the payload
    chat.choose("France", "SIREN")
    chat.say("732 829 320", "code d'invitation")
    chat.say("BRWF-R000-0000-0001", "adresse email")
    chat.say("claire.martin@acme-industrie.fr", "claire.martin@acme-industrie.fr")
    confirmation = chat.root.locator(".aw-message--bot strong").last
    expect(confirmation).to_have_text("claire.martin@acme-industrie.fr")  # **bold** rendered
    chat.say("oui", "mot de passe")

    # The password question turns the field into a masked one.
    expect(chat.input).to_have_attribute("type", "password")
    expect(chat.input).to_have_attribute("autocomplete", "new-password")
    expect(chat.root.locator("label.aw-label")).to_have_text("Votre mot de passe (masqué)")
    # Checked by the web app, answered in the domain's words (each unmet rule).
    refused = chat.say("motdepasse", "Ce mot de passe ne convient pas")
    assert "il manque une majuscule" in refused and "il manque un chiffre" in refused
    expect(chat.input).to_have_attribute("type", "password")  # asked again, still masked
    # Built on the confirmed address: the web app knows it from the registration draft.
    assert "une partie de votre adresse email" in chat.say("Claire.Martin#2024", "ne convient pas")
    terms = chat.say(PASSWORD, "Acte d'Adhésion")
    assert "Conditions Générales" in terms
    expect(chat.input).to_have_attribute("type", "text")
    masked = chat.root.locator(".aw-message--masked")
    expect(masked).to_have_count(3)
    expect(masked.last).to_contain_text("••••••••")
    assert_password_nowhere(chat, PASSWORD)
    assert_password_nowhere(chat, "motdepasse")
    # The terms link is a real link, opened outside the chat.
    terms_link = chat.root.locator(".aw-message--bot a.aw-link").last
    expect(terms_link).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/"))
    expect(terms_link).to_have_attribute("target", "_blank")

    chat.say("J'accepte", "prénom")
    # A name with markup is shown as typed, as text, and refused politely.
    chat.say("Claire" + HOSTILE_SCRIPT, "ne semble pas valide")
    assert chat.user_messages()[-1] == "Claire" + HOSTILE_SCRIPT
    chat.say("Claire", "nom de famille")
    chat.say("Martin", "téléphone")
    chat.say("06 12 34 56 78", "fonction")
    summary = chat.say("Comptable", "récapitulatif")
    assert PASSWORD not in summary
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget.png"))
    done = chat.choose("Oui, créer mon compte", "Votre compte est créé")
    assert "noreply@sis-id.com" in done
    expect(chat.input).to_be_focused()  # focus back in the input after a reply
    assert_password_nowhere(chat, PASSWORD)
    assert_never_sent_to_the_assistant(posts, stack, PASSWORD, "motdepasse", "Claire.Martin#2024")

    # The activation email, in the development mailbox.
    row = page.locator("tr", has_text="claire.martin@acme-industrie.fr")
    for _ in range(60):  # the outbox sender runs every 0.5 s: reload until the email is there
        page.goto(stack.url + "/mailbox")
        if row.count():
            break
        page.wait_for_timeout(500)
    row.get_by_role("link", name="Activez votre compte My Sis ID").click()
    button = page.frame_locator("iframe.mail-html").get_by_role("link", name="Activer mon compte")
    with context.expect_page() as opened:
        button.click()  # the email's own button: opens the activation page in a new tab
    activation = opened.value
    activation.wait_for_load_state()
    expect(activation.get_by_role("heading", name="Activer mon compte")).to_be_visible()
    activation.get_by_role("button", name="Activer mon compte").click()
    expect(activation.get_by_role("heading")).to_have_text("Votre compte est activé")

    # The email's button a second time: the account is already active, nothing to press.
    with context.expect_page() as opened_again:
        button.click()
    again = opened_again.value
    again.wait_for_load_state()
    expect(again.get_by_role("heading")).to_have_text("Votre compte est déjà activé")
    expect(again.get_by_role("button", name="Activer mon compte")).to_have_count(0)
    assert dialogs == []


def test_the_invitation_link_opens_the_chat_and_the_code_is_not_asked(stack, context):
    stack.invite(FRANCE, "BRWF-R000-0000-0002")
    page = context.new_page()
    page.goto(stack.url + "/?invitation=BRWF-R000-0000-0002")
    chat = Chat(page)
    expect(chat.panel).to_be_visible()  # opened by itself
    first = chat.wait_for_bot(0)
    assert "code d'invitation est déjà renseigné" in first
    assert chat.user_messages() == []  # the start is not shown as something the user said
    chat.choose("France", "SIREN")
    after_company = chat.say("732 829 320", "adresse email")
    assert "Quel est votre code d'invitation" not in chat.transcript()
    assert "ACME Industries" in after_company

    # Keyboard: Escape closes and gives the focus back to the launcher.
    chat.input.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    chat.launcher.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()


def test_a_reload_restores_the_conversation_and_it_goes_on(stack, context):
    stack.invite(FRANCE, "BRWF-R000-0000-0003")
    page = context.new_page()
    page.goto(stack.url + "/")
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    chat.say("je voudrais créer mon compte", "Dans quel pays")
    chat.choose("France", "SIREN")
    chat.input.fill("732 829")  # half typed when the page reloads
    before = chat.transcript()
    conversation = page.evaluate("sessionStorage.getItem('assistant-widget:fr')")
    assert re.search(r'"id":"[0-9a-f]{32}"', conversation)  # the tab's thread, no credential
    cookie = [c["value"] for c in context.cookies() if c["name"] == "chat"]

    page.reload()
    assert [c["value"] for c in context.cookies() if c["name"] == "chat"] == cookie
    chat = Chat(page)
    expect(chat.panel).to_be_visible()
    assert chat.transcript() == before
    expect(chat.input).to_have_value("732 829")  # the draft survived too
    chat.input.fill("732 829 320")
    before = chat.bot_count()  # counted before sending: a fast reply must not be counted in
    chat.input.press("Enter")
    reply = chat.wait_for_bot(before)
    assert "code d'invitation" in reply  # the same conversation: the SIREN was expected
    assert page.evaluate("sessionStorage.getItem('assistant-widget:fr')").startswith(
        conversation[: len('{"id":"') + 32]
    )


def test_markup_typed_by_the_user_is_shown_as_text_and_never_runs(stack, context, dialogs):
    page = context.new_page()
    page.goto(stack.url + "/")
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    chat.say(HOSTILE_IMG)
    chat.say("Je m'appelle " + HOSTILE_SCRIPT)
    assert chat.user_messages()[-2:] == [HOSTILE_IMG, "Je m'appelle " + HOSTILE_SCRIPT]
    expect(chat.log.locator("img")).to_have_count(0)
    expect(chat.log.locator("script")).to_have_count(0)
    page.reload()  # restored from sessionStorage, still as text
    chat = Chat(page)
    assert HOSTILE_IMG in chat.user_messages()
    expect(chat.log.locator("img")).to_have_count(0)
    expect(chat.log.locator("script")).to_have_count(0)
    page.wait_for_timeout(500)  # an onerror handler would have fired by now
    assert dialogs == []


def test_when_the_assistant_is_unreachable_nothing_typed_is_lost_and_retry_works(stack, context):
    page = context.new_page()
    page.goto(stack.url + "/")
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    try:
        # Rasa unreachable behind the web app: the proxy answers 503.
        stack.web.stop()
        stack.web.start(rasa_url="http://127.0.0.1:9")  # the discard port: nobody listens
        chat.input.fill("je voudrais créer mon compte")
        chat.input.press("Enter")
        chat.wait_idle()
        expect(chat.status).to_contain_text("L'assistant est momentanément indisponible.")
        expect(chat.input).to_have_value("je voudrais créer mon compte")
        assert "je voudrais créer mon compte" not in chat.user_messages()

        # The web app itself down: a network error, same message.
        stack.web.stop()
        chat.status.get_by_role("button", name="Réessayer").click()
        chat.wait_idle()
        expect(chat.status).to_contain_text("L'assistant est momentanément indisponible.")
        expect(chat.input).to_have_value("je voudrais créer mon compte")
    finally:
        stack.web.stop()
        stack.web.start()
    before = chat.bot_count()
    chat.status.get_by_role("button", name="Réessayer").click()
    reply = chat.wait_for_bot(before)
    assert "Dans quel pays" in reply
    expect(chat.status).to_be_hidden()
    expect(chat.input).to_have_value("")
    assert chat.user_messages()[-1] == "je voudrais créer mon compte"


def test_english_registration_on_a_phone_masks_the_password(stack, phone_context, dialogs):
    stack.invite(UNITED_KINGDOM, "BRWG-B000-0000-0001")
    page = phone_context.new_page()
    page.goto(stack.url + "/en/")
    chat = Chat(page)
    # Its accessible name is its visible text (WCAG 2.5.3, label in name).
    expect(chat.launcher).to_have_accessible_name("Need help?")
    chat.open()
    box = chat.panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # fits a 375 px screen
    assert "My Sis ID assistant" in chat.wait_for_bot(0)
    chat.choose("Create my account", "which country")
    chat.choose("United Kingdom", "Companies House")
    chat.say("SC123456", "invitation code")
    chat.say("BRWG-B000-0000-0001", "email address")
    chat.say("j.smith@northwind.co.uk", "is it correct")
    chat.say("yes", "password")
    expect(chat.input).to_have_attribute("type", "password")
    expect(chat.root.locator("label.aw-label")).to_have_text("Your password (hidden)")
    chat.say(PASSWORD, "Terms of Use")
    expect(chat.root.locator(".aw-message--masked")).to_have_count(1)
    assert_password_nowhere(chat, PASSWORD)
    input_box = chat.input.bounding_box()
    assert input_box["x"] + input_box["width"] <= 375
    assert dialogs == []


def test_english_invitation_link_and_unavailable_message(stack, phone_context):
    stack.invite(UNITED_KINGDOM, "BRWG-B000-0000-0002")
    page = phone_context.new_page()
    page.goto(stack.url + "/en/?invitation=BRWG-B000-0000-0002")
    chat = Chat(page)
    expect(chat.panel).to_be_visible()
    assert "invitation code is already filled in" in chat.wait_for_bot(0)
    chat.choose("United Kingdom", "Companies House")
    chat.say("our CRN is SC123456", "email")
    assert "What is your invitation code" not in chat.transcript()
    try:
        stack.web.stop()
        chat.input.fill("j.smith2@northwind.co.uk")
        chat.input.press("Enter")
        chat.wait_idle()
        expect(chat.status).to_contain_text("The assistant is temporarily unavailable.")
        expect(chat.input).to_have_value("j.smith2@northwind.co.uk")
    finally:
        stack.web.start()
    before = chat.bot_count()
    chat.status.get_by_role("button", name="Try again").click()
    assert "is it correct" in chat.wait_for_bot(before)


def test_a_second_browser_with_the_first_ones_tab_state_reaches_only_its_own_conversation(
    stack, browser, context
):
    stack.invite(FRANCE, "BRWF-R000-0000-0004")
    page = context.new_page()
    page.goto(stack.url + "/")
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    chat.say("je voudrais créer mon compte", "Dans quel pays")
    chat.choose("France", "SIREN")
    stolen = page.evaluate("sessionStorage.getItem('assistant-widget:fr')")

    # Another browser (its own cookies) given everything the page kept: the thread id too.
    other = browser.new_context(locale="fr-FR")
    try:
        intruder_page = other.new_page()
        intruder_page.goto(stack.url + "/")
        intruder_page.evaluate(
            "value => sessionStorage.setItem('assistant-widget:fr', value)", stolen
        )
        intruder_page.reload()
        intruder = Chat(intruder_page)
        expect(intruder.panel).to_be_visible()  # the copied page state shows
        reply = intruder.say("552 100 554")
        assert "code d'invitation" not in reply  # not the victim's SIREN question
    finally:
        other.close()

    # The supplier's conversation did not move: the SIREN is still what it waits for.
    chat.say("732 829 320", "code d'invitation")


@pytest.mark.parametrize(
    ("path", "first", "reply"),
    [
        ("/en/", "hello", None),
        # the fifth outside tester's m7: on the French page, after "English please", the 429's
        # message was still French
        ("/", "English please", "What can I do for you?"),
    ],
)
def test_a_flood_from_the_widget_is_slowed_with_a_message_then_retried(
    stack, context, path, first, reply
):
    page = context.new_page()
    try:
        stack.web.stop()
        stack.web.start(RATE_LIMIT_CONVERSATION="2 per 6 seconds")
        page.goto(stack.url + path)
        chat = Chat(page)
        chat.open()
        chat.wait_for_bot(0)  # 1: the greeting
        chat.say(first, reply)  # 2
        before = chat.bot_count()
        chat.input.fill("I'd like to register")
        chat.input.press("Enter")  # 3: over the limit, in the conversation's language
        expect(chat.status).to_contain_text("a little too fast", timeout=20_000)
        expect(chat.input).to_have_value("I'd like to register")  # nothing lost
        # The widget tries again by itself once the delay has passed.
        assert "which country" in chat.wait_for_bot(before)
        expect(chat.status).to_be_hidden()
    finally:
        page.close()
        stack.web.stop()
        stack.web.start()


@pytest.mark.parametrize(
    ("path", "words"), [("/", "longueur maximale"), ("/en/", "maximum length")]
)
def test_a_paste_longer_than_the_field_takes_is_said_to_be_cut(stack, context, path, words):
    """The fifth outside tester: a pasted text over the limit was cut without a word, and the
    SIREN at its end lost."""
    page = context.new_page()
    chat = Chat(page)
    page.goto(stack.url + path)
    chat.open()
    chat.wait_for_bot(0)
    chat.input.focus()
    page.keyboard.insert_text("Bonjour, voici le mail reçu. " * 200 + "SIREN 732 829 320")
    expect(chat.hint).to_contain_text(words)
    assert len(chat.input.input_value()) == 5000  # what the web app accepts, no more
    chat.input.fill("France")  # shorter: the notice goes
    expect(chat.hint).to_be_hidden()
    page.close()


@pytest.mark.parametrize(
    ("language", "path", "texts"),
    [
        (
            "fr",
            "/",
            {
                "start": ("Créer mon compte", "Dans quel pays"),
                "country": ("France", "SIREN"),
                "code": "adresse email",
                "yes": ("oui", "mot de passe"),
                "leave": "Écrire un message plutôt qu'un mot de passe",
                "ask": ("je veux parler à un conseiller", "conseiller"),
            },
        ),
        (
            "en",
            "/en/",
            {
                "start": ("Create my account", "which country"),
                "country": ("France", "SIREN"),
                "code": "email address",
                "yes": ("yes", "password"),
                "leave": "Write a message instead of a password",
                "ask": ("I want to talk to an advisor", "advisor"),
            },
        ),
    ],
)
def test_the_password_field_can_be_left_for_a_message(stack, context, language, path, texts):
    """Everything typed in the masked field went to the password check: "je veux parler à un
    conseiller" was refused as a weak password, with no way out."""
    code = "BRWP-W000-0000-000" + ("1" if language == "fr" else "2")
    stack.invite(CompanyId("FR", "552100554"), code)
    email = f"leave.password.{language}@acme-industrie.fr"
    page = context.new_page()
    posts = record_posts(page)
    page.goto(stack.url + path)
    chat = Chat(page)
    chat.open()
    chat.wait_for_bot(0)
    chat.choose(*texts["start"])
    chat.choose(*texts["country"])
    chat.say("552 100 554", None)
    chat.say(code, texts["code"])
    chat.say(email, email)
    chat.say(*texts["yes"])
    expect(chat.input).to_have_attribute("type", "password")

    leave = chat.root.get_by_role("button", name=texts["leave"])
    leave.click()
    expect(chat.input).to_have_attribute("type", "text")
    expect(chat.input).to_be_focused()
    expect(leave).to_be_hidden()
    message, expected = texts["ask"]
    chat.say(message, expected)
    assert chat.user_messages()[-1] == message  # shown, not masked
    assert not [body for p, body in posts if p == "chat/password" and message in body]
    assert [body for p, body in posts if p == "webhooks/rest/webhook" and message in body]
