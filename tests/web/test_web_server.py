"""The web app's HTTP server (bot/web/server.py), over real sockets: aiohttp's advisories as they
apply to aiohttp 3.9.5, the Server header, malformed HTTP, compressed bodies, refusals to start."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import aiohttp
import aiohttp.http_parser
import aiohttp.web_app
import pytest
from aiohttp import web

from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.server import AppRunner, UnsafeHttpParser, require_c_parser
from tests.factories import ROOT, SESSION_SECRET, free_port


def test_aiohttp_uses_its_c_parser_here():
    """CVE-2024-52304 (request smuggling) is in the pure-Python parser of aiohttp < 3.10.11."""
    assert aiohttp.http_parser.HttpRequestParser is aiohttp.http_parser.HttpRequestParserC
    require_c_parser()  # does not raise


def test_the_middleware_cache_of_cve_2024_52303_is_not_in_this_aiohttp():
    """The leak (GHSA-27mf-ghqm-j3j8) is in the middleware cache aiohttp 3.10.6 added and
    3.10.11 fixed. Should Rasa ever allow an aiohttp with that cache, this fails: upgrade to
    3.10.11 or later and revisit bot/web/server.py."""
    version = tuple(int(part) for part in aiohttp.__version__.split(".")[:3])
    assert version < (3, 10, 6) or version >= (3, 10, 11)
    assert version >= (3, 10, 11) or not hasattr(aiohttp.web_app, "_cached_build_middleware")


def test_the_pure_python_parser_is_refused(monkeypatch):
    monkeypatch.setenv("AIOHTTP_NO_EXTENSIONS", "1")
    with pytest.raises(UnsafeHttpParser, match="CVE-2024-52304"):
        require_c_parser()


def _start_web_app(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.web"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"AIOHTTP_NO_EXTENSIONS": "1", "SESSION_SECRET": SESSION_SECRET}, "CVE-2024-52304"),
        ({}, "SESSION_SECRET is required"),
        ({"SESSION_SECRET": "changeme"}, "SESSION_SECRET is too weak"),
        ({"SESSION_SECRET": SESSION_SECRET}, "TERMS_URL is required"),
    ],
)
def test_the_web_app_refuses_to_start_unsafe(tmp_path, extra, reason):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SESSION_SECRET", "DEVELOPMENT", "AIOHTTP_NO_EXTENSIONS", "TERMS_URL")
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'web.db'}", WEB_PORT=str(free_port()), **extra)
    result = _start_web_app(env)
    assert result.returncode == 2
    assert reason in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
async def served(database) -> AsyncIterator[int]:
    """The web app behind bot/web/server.py's runner, on a free port."""
    settings = load_settings(
        {
            "DATABASE_URL": database,
            "SESSION_SECRET": SESSION_SECRET,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
        }
    )
    runner = AppRunner(create_app(settings, rasa_url=f"http://127.0.0.1:{free_port()}"))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield port
    await runner.cleanup()


async def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status_line, headers, body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n5;ext\nsmuggled\r\nhello\r\n0\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello on the plain port
    ],
)
async def test_a_malformed_http_request_is_a_quiet_400_without_version(
    served, request_bytes, caplog
):
    caplog.set_level(logging.INFO)
    status_line, headers, _ = await _raw(served, request_bytes)
    assert status_line.split(" ")[1] == "400"
    assert headers["server"] == "onboarding-assistant"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_no_response_names_the_server_software(served):
    async with aiohttp.ClientSession() as client:
        for method, path in [("GET", "/"), ("GET", "/nope"), ("GET", "/static/widget.js")]:
            async with client.request(method, f"http://127.0.0.1:{served}{path}") as response:
                assert response.headers["Server"] == "onboarding-assistant"
                assert "aiohttp" not in str(response.headers).lower()


async def test_a_compressed_body_is_not_inflated(served, caplog):
    """A small gzip body would expand without bound: it is read as it came, not JSON, a 400."""
    body = gzip.compress(json.dumps({"message": "x" * 10_000_000}).encode())
    async with aiohttp.ClientSession() as client:
        async with client.post(
            f"http://127.0.0.1:{served}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        ) as response:
            assert response.status == 400
            assert await response.json() == {"error": "bad_request"}
    assert len(body) < 64 * 1024
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
