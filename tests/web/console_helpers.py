"""Driving the staff console through aiohttp's test client as a browser would: sign in with
the form's CSRF token, follow redirects, read pages."""

from __future__ import annotations

import re
from html import unescape

from aiohttp.test_utils import TestClient

from bot import db
from bot.staff.accounts import Role, add_staff

STAFF_PASSWORD = "Quai-des-Brumes-1938!"
SUPPORT_EMAIL = "agent@support.example"
ANALYST_EMAIL = "claire@analytics.example"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_console_staff(database_url: str) -> None:
    with db.session_scope(database_url) as session:
        add_staff(session, SUPPORT_EMAIL, Role.SUPPORT, STAFF_PASSWORD)
        add_staff(session, ANALYST_EMAIL, Role.ANALYST, STAFF_PASSWORD)


def csrf_in(html: str) -> str:
    return unescape(_CSRF.search(html).group(1))


class Console:
    """One browser: its cookies are the client's cookie jar."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, status: int = 200) -> str:
        response = await self.client.get(path)
        html = await response.text()
        assert response.status == status, (path, response.status, html[:500])
        found = _CSRF.search(html)
        if found:
            self.csrf = unescape(found.group(1))
        return html

    async def post(self, path: str, data: dict | list | None = None, **options):
        form = list(data.items()) if isinstance(data, dict) else list(data or [])
        if not any(name == "csrf" for name, _ in form):
            form.append(("csrf", self.csrf))
        return await self.client.post(path, data=form, **options)

    async def sign_in(self, email: str, password: str = STAFF_PASSWORD, next_page: str = ""):
        await self.get("/console/sign-in")
        return await self.post(
            "/console/sign-in",
            {"email": email, "password": password, "next": next_page},
            allow_redirects=False,
        )

    async def signed_in_as(self, email: str) -> None:
        response = await self.sign_in(email)
        assert response.status == 302, await response.text()
        await self.get("/console/")
