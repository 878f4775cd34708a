"""`python -m bot.web`: serve the web app on 127.0.0.1:WEB_PORT."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.settings import get_settings
from bot.web.app import create_app


class PathOnlyAccessLogger(AbstractAccessLogger):
    """One line per request without the query string: /activate?token=... carries a secret
    that must not end up in var/log/web.log (the invitation code neither)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.0f ms", request.method, request.path, response.status, time * 1000
        )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    # Loopback only: a reverse proxy (TLS) is what faces the internet in production.
    web.run_app(
        create_app(settings),
        host="127.0.0.1",
        port=settings.web_port,
        access_log_class=PathOnlyAccessLogger,
        print=lambda line: logging.getLogger("bot.web").info(line),
    )


if __name__ == "__main__":
    main()
