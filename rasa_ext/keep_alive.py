"""Rasa's HTTP calls, to the action server above all, over connections kept open.

Rasa 3.6's ``EndpointConfig.request`` makes a new aiohttp ``ClientSession``, with a connection
pool of its own, for every request: each custom action call opened a TCP connection to the
action server and closed it again, and both servers paid for it on every call (aiohttp's
``_wrap_create_connection`` alone was 2.8 % of the Rasa server's CPU at concurrency 20;
docs/performance.md). Here the sessions of an event loop share one connection pool, which keeps
a connection open for the next call. Everything else is Rasa's: its headers, authentication,
timeout and error handling, a session per request.

Installed on import of ``rasa_ext`` (as ``rasa_ext/speedups.py``), which the Rasa server always
loads.
"""

from __future__ import annotations

import asyncio
import weakref

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

# The action server (Sanic) closes a connection left idle for 5 s (KEEP_ALIVE_TIMEOUT): the pool
# drops one idle for 2 s, so that no request is sent on a connection the server is closing.
IDLE_SECONDS = 2.0

_RASA_SESSION = EndpointConfig.session
_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = (
    weakref.WeakKeyDictionary()
)


def pool() -> aiohttp.TCPConnector:
    """The running event loop's connection pool (no limit on connections, as Rasa's sessions
    had none between them)."""
    loop = asyncio.get_running_loop()
    connector = _pools.get(loop)
    if connector is None or connector.closed:
        connector = _pools[loop] = aiohttp.TCPConnector(limit=0, keepalive_timeout=IDLE_SECONDS)
    return connector


def session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session for this endpoint, on the loop's shared pool, which closing the session
    leaves open."""
    try:
        connector = pool()
    except RuntimeError:  # no event loop running: Rasa's own session
        return _RASA_SESSION(self)
    auth = (
        aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        if self.basic_auth
        else None
    )
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=connector,
        connector_owner=False,
    )


def install() -> None:
    EndpointConfig.session = session
