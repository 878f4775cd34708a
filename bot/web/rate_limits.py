"""The web app's rate limits, on the `limits` library (moving windows).

Counters live in memory (``RATE_LIMIT_STORAGE_URL=memory://``, one web app process) or in
Redis (``redis://host:port/db``: several web app processes share them). What is counted:

- ``address``: chat messages per client address (an IPv6 client per /64: one host has many);
- ``conversation``: chat messages per conversation;
- ``session``: chat messages per chat session in any hour (the cap: it was per 24 hours, the
  cookie's life, and an accountant registering fifteen companies met it and waited a day);
- ``password`` and ``password_address``: password checks per session and per address, since
  each costs an Argon2id hash (CPU and memory on purpose).

The client's address is the connection's peer, or the last address of X-Forwarded-For that
is not a trusted proxy when the peer is one (``TRUSTED_PROXIES``): a client cannot choose its
own address by sending the header.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Iterable

from aiohttp import web
from limits import RateLimitItem, RateLimitItemPerHour, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from bot.settings import Settings

log = logging.getLogger(__name__)

# A counter store that does not answer must not hold the chat for long.
STORAGE_TIMEOUT_SECONDS = 2.0


class LimitsUnavailable(RuntimeError):
    """The counters' storage (Redis) did not answer: the request is not served."""


def storage_url(url: str) -> str:
    """``memory://`` and ``redis://...`` as the library's asyncio storages."""
    return url if url.startswith("async+") else "async+" + url


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        url = storage_url(settings.rate_limit_storage_url)
        options = (
            {"stream_timeout": STORAGE_TIMEOUT_SECONDS, "connect_timeout": STORAGE_TIMEOUT_SECONDS}
            if "redis" in url
            else {}
        )
        # The limiter keeps only a weak reference to its storage: this one keeps it alive.
        self._storage = storage_from_string(url, **options)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self.rules: dict[str, list[RateLimitItem]] = {
            "address": parse_many(settings.rate_limit_address),
            "conversation": parse_many(settings.rate_limit_conversation),
            "session": [RateLimitItemPerHour(settings.session_message_cap)],
            "password": parse_many(settings.rate_limit_password),
            "password_address": parse_many(settings.rate_limit_password_address),
        }

    async def hit(self, scope: str, key: str) -> int | None:
        """Count one request of ``key`` in ``scope``: None when allowed, else the seconds to
        wait before it would be (for Retry-After)."""
        try:
            for item in self.rules[scope]:
                if not await self._limiter.hit(item, scope, key):
                    reset, _ = await self._limiter.get_window_stats(item, scope, key)
                    return max(1, math.ceil(reset - time.time()))
        except Exception as error:  # any failure of the counters' storage (connection, timeout)
            raise LimitsUnavailable(type(error).__name__) from error
        return None

    async def first_refusal(self, checks: Iterable[tuple[str, str]]) -> tuple[str, int] | None:
        """Count the request in each (scope, key); the scope and the wait of the first refusal,
        if any."""
        for scope, key in checks:
            wait = await self.hit(scope, key)
            if wait is not None:
                return scope, wait
        return None


def client_address(request: web.BaseRequest, trusted: list) -> str:
    """The client's address for the limits (see the module's docstring)."""
    peer = request.remote or ""
    chain = [peer]
    if _trusted(peer, trusted):
        forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
        chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [peer]
    client = peer
    for candidate in reversed(chain):  # from the nearest hop outward
        client = candidate
        if not _trusted(candidate, trusted):
            break
    return _counted_as(client)


def _trusted(address: str, trusted: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _counted_as(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"  # a forged or garbled header value: all counted together
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def trusted_networks(settings: Settings) -> list:
    return [ipaddress.ip_network(network) for network in settings.trusted_proxies]
