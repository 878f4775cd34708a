"""The web app's HTTP layer against hostile requests (issue 13, point 7).

Posts any web page could make without a preflight (text/plain, forms) or from another origin
are refused before anything reaches Rasa; malformed and hostile bodies get a 400 with nothing
logged at ERROR by any process; no response names the server's version; /mailbox does not
exist without the development setting.
"""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from tests.security.conftest import Client

pytestmark = pytest.mark.timeout(1800)

ENDPOINTS = ["/webhooks/rest/webhook", "/chat/password"]
BODY = {"message": "bonjour", "password": "Xy7!pas-de-preflight", "metadata": {"language": "fr"}}


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"],
)
async def test_a_post_without_preflight_is_refused_and_reaches_nothing(
    attack_stack, path, content_type
):
    before = attack_stack.senders()
    async with Client(attack_stack) as client:
        reply = await client.post(
            path, data=json.dumps(BODY).encode(), headers={"Content-Type": content_type}
        )
    assert reply.status == 415 and reply.body == {"error": "unsupported_media_type"}
    assert attack_stack.senders() == before


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ],
)
async def test_a_cross_origin_post_is_refused_and_reaches_nothing(attack_stack, path, headers):
    before = attack_stack.senders()
    async with Client(attack_stack) as client:
        reply = await client.post(path, BODY, headers=headers)
    assert reply.status == 403 and reply.body == {"error": "forbidden"}
    assert attack_stack.senders() == before


async def test_the_pages_own_origin_is_served(attack_stack):
    headers = {"Origin": attack_stack.url, "Sec-Fetch-Site": "same-origin"}
    async with Client(attack_stack) as client:
        reply = await client.post(ENDPOINTS[0], BODY, headers=headers)
    assert reply.status == 200


HOSTILE = [
    b"[" * 1000 + b"]" * 1000,
    b'{"message": ' + b"[" * 1000 + b"]" * 1000 + b"}",
    b'{"message": "bonjour", "metadata": {"a": ' + b"[" * 900 + b"]" * 900 + b"}}",
    b'{"message": "bonjour", "metadata": ' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"}",
    b'{"message": "bonjour", "metadata": {"language": "fr", "x": ' + b'"' + b"A" * 300 + b'"}}',
    b'{"message": "\\ud800", "password": "\\udfff"}',
    b'{"message": ' + b"9" * 50_000 + b"}",
    b"\xff\xfe\x00{",
    b'{"message": "bonjour"',
    b"",
]


@pytest.mark.parametrize("path", [*ENDPOINTS, "/activate"])
async def test_hostile_bodies_get_a_400_and_no_error_anywhere(attack_stack, path):
    errors_before = attack_stack.error_lines()
    async with Client(attack_stack) as client:
        replies = []
        for body in HOSTILE:
            client.forget_cookies()
            content_type = "application/json" if path != "/activate" else "multipart/form-data"
            replies.append(
                await client.post(path, data=body, headers={"Content-Type": content_type})
            )
    statuses = {reply.status for reply in replies}
    assert statuses <= ({400} if path != "/activate" else {400, 404}), statuses
    await asyncio.sleep(1)  # what the processes log arrives in their files
    assert attack_stack.error_lines() == errors_before


async def test_a_malformed_http_request_gets_a_400_without_version_or_error(attack_stack):
    errors_before = attack_stack.error_lines()
    host, port = attack_stack.url.removeprefix("http://").split(":")
    for request in (
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n5;a\nGET /mailbox HTTP/1.1\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        b"GET / HTTP/1.1\r\nBad header\r\n\r\n",
    ):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
        assert re.match(r"HTTP/1\.[01] 400 ", head), head
        assert "Server: onboarding-assistant" in head and "aiohttp" not in head
    await asyncio.sleep(1)
    assert attack_stack.error_lines() == errors_before


async def test_no_response_names_the_server_software(attack_stack):
    async with Client(attack_stack) as client:
        for path in ("/", "/en/", "/nope", "/static/widget.js", "/healthz", "/mailbox"):
            async with client.session.get(attack_stack.url + path) as response:
                assert response.headers["Server"] == "onboarding-assistant", path


async def test_the_mailbox_does_not_exist_without_the_development_setting(attack_stack):
    """SMTP_HOST is unset for this web app, as a forgotten production setting: still 404."""
    async with Client(attack_stack) as client:
        for path in ("/mailbox", "/mailbox/1-deadbeef"):
            async with client.session.get(attack_stack.url + path) as response:
                assert response.status == 404
                assert "Boîte mail" not in await response.text()
