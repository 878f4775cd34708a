"""The web app's HTTP server: aiohttp 3.9 (Rasa 3.6 holds it below 3.10), hardened.

The two advisories of aiohttp 3.9.5 that 3.10.11 fixes, as this web app uses it:

- CVE-2024-52304 (GHSA-8495-4g3g-x7pr, request smuggling through newlines in chunk extensions)
  is in the pure-Python HTTP parser only, used when aiohttp's C extensions are missing or
  AIOHTTP_NO_EXTENSIONS is set. ``require_c_parser`` refuses to start then, and in the
  documented layout nginx parses every request first (docs/deploy/nginx.conf).
- CVE-2024-52303 (GHSA-27mf-ghqm-j3j8, memory leak with middlewares) is in the middleware
  handler cache (``_cached_build_middleware``, an lru_cache keyed by handler) that aiohttp 3.10.6
  added; 3.9.5 has no such cache (aiohttp/web_app.py builds the chain per request), so it does
  not apply. tests/web/test_web_server.py checks both facts against the installed aiohttp.

Besides: no version in ``Server:``, a malformed HTTP request gets a 400 and one INFO line (not
an ERROR with a traceback: anyone can send one), and request bodies are not decompressed
(``Content-Encoding: gzip`` would let a small body expand without limit before the size check:
a compressed body is then simply not JSON, a 400).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from http import HTTPStatus

import aiohttp.http_parser
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

log = logging.getLogger("bot.web")

SERVER_HEADER = "onboarding-assistant"


class UnsafeHttpParser(RuntimeError):
    pass


def require_c_parser() -> None:
    """Refuse aiohttp's pure-Python HTTP parser (CVE-2024-52304 in 3.9.5)."""
    if os.environ.get("AIOHTTP_NO_EXTENSIONS"):
        raise UnsafeHttpParser(
            "AIOHTTP_NO_EXTENSIONS is set: the web app needs aiohttp's C HTTP parser "
            "(the pure-Python one of aiohttp 3.9 allows request smuggling, CVE-2024-52304)"
        )
    parser = aiohttp.http_parser.HttpRequestParser
    if parser is aiohttp.http_parser.HttpRequestParserPy:
        raise UnsafeHttpParser(
            "aiohttp's C extensions are missing: reinstall aiohttp from its wheel "
            "(the pure-Python parser of aiohttp 3.9 allows request smuggling, CVE-2024-52304)"
        )


class PathOnlyAccessLogger(AbstractAccessLogger):
    """One line per request without the query string: /activate?token=... carries a secret
    that must not end up in var/log/web.log (the invitation code neither)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.0f ms", request.method, request.path, response.status, time * 1000
        )


class _RequestHandler(web.RequestHandler):
    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500:
            response = super().handle_error(request, status, exc, message)
        else:
            # A request the HTTP parser refused (bad request line, header, chunk...): the
            # client's fault, worth a line, not a traceback at ERROR.
            self.logger.info("HTTP request refused: %s %s", status, type(exc).__name__)
            response = web.json_response(
                {"error": "bad_request"}, status=status, reason=HTTPStatus(status).phrase
            )
            response.force_close()
        response.headers["Server"] = SERVER_HEADER
        return response


class _Server(web.Server):
    def __call__(self) -> web.RequestHandler:
        return _RequestHandler(self, loop=self._loop, **self._kwargs)


class AppRunner(web.AppRunner):
    """aiohttp's runner with the request handler above; bodies are not decompressed."""

    def __init__(self, app: web.Application, **kwargs) -> None:
        kwargs.setdefault("access_log_class", PathOnlyAccessLogger)
        super().__init__(app, auto_decompress=False, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server  # the same server, building our request handler
        return server


async def serve(app: web.Application, host: str, port: int) -> None:
    """Serve ``app`` until SIGINT or SIGTERM, then close cleanly."""
    runner = AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("serving on http://%s:%s", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
