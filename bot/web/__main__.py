"""`python -m bot.web`: serve the web app on WEB_INTERFACE:WEB_PORT (127.0.0.1 by default)."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.settings import get_settings, production_problem
from bot.web.app import create_app
from bot.web.server import UnsafeHttpParser, require_c_parser, serve
from bot.web.sessions import SessionSecretError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    try:
        require_c_parser()
        app = create_app(settings)
    except (UnsafeHttpParser, SessionSecretError) as error:
        print(f"The web app does not start: {error}", file=sys.stderr)
        return 2
    problem = production_problem(settings)
    if problem is not None:
        print(f"The web app does not start: {problem}", file=sys.stderr)
        return 2
    # Loopback by default: a reverse proxy (TLS, nginx) is what faces the internet.
    asyncio.run(serve(app, settings.web_interface, settings.web_port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
