"""Talking to the widget the way a person does: type and press Enter, click a choice, read."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 60_000  # a turn runs custom actions; the machine is shared


class Chat:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator("#assistant-widget")
        self.launcher = self.root.locator(".aw-launcher")
        self.panel = self.root.locator(".aw-panel")
        self.log = self.root.get_by_role("log")
        self.input = self.root.locator(".aw-input")
        self.form = self.root.locator(".aw-form")
        self.status = self.root.locator(".aw-status")
        self.hint = self.root.locator(".aw-hint")

    # --- reading -----------------------------------------------------------------------------

    def bot_messages(self) -> list[str]:
        return self.root.locator(".aw-message--bot").all_inner_texts()

    def user_messages(self) -> list[str]:
        return self.root.locator(".aw-message--user .aw-said").all_text_contents()

    def last_bot_text(self) -> str:
        return self.root.locator(".aw-message--bot").last.inner_text()

    def transcript(self) -> str:
        return self.log.inner_text()

    def session_storage(self) -> str:
        return self.page.evaluate("JSON.stringify(Object.assign({}, window.sessionStorage))")

    # --- acting ------------------------------------------------------------------------------

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def wait_idle(self) -> None:
        expect(self.form).to_have_attribute("aria-busy", "false", timeout=REPLY_TIMEOUT_MS)

    def wait_for_bot(self, count_before: int) -> str:
        """Wait for the answer to a message; returns the new bot messages' text."""
        self.wait_idle()
        messages = self.root.locator(".aw-message--bot")
        expect(messages).not_to_have_count(count_before, timeout=REPLY_TIMEOUT_MS)
        return "\n".join(messages.all_inner_texts()[count_before:])

    def bot_count(self) -> int:
        return self.root.locator(".aw-message--bot").count()

    def say(self, text: str, expected: str | None = None) -> str:
        before = self.bot_count()
        self.input.fill(text)
        self.input.press("Enter")
        reply = self.wait_for_bot(before)
        if expected is not None:
            assert expected.lower() in reply.lower(), (text, reply)
        return reply

    def choose(self, title: str, expected: str | None = None) -> str:
        before = self.bot_count()
        self.choice(title).click()
        reply = self.wait_for_bot(before)
        if expected is not None:
            assert expected.lower() in reply.lower(), (title, reply)
        return reply

    def choice(self, title: str) -> Locator:
        return self.root.locator(".aw-choice:enabled", has_text=title).last
