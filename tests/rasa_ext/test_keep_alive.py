"""Rasa's calls to the action server reuse an open connection (rasa_ext/keep_alive.py), with
Rasa's answers and errors unchanged, against a real HTTP server on loopback."""

from __future__ import annotations

import asyncio

from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

import rasa_ext  # noqa: F401 - installs the shared pool, as the Rasa server does
from rasa_ext import keep_alive


async def calls(count: int, *, status: int = 200, pause: float = 0.0):
    """`count` POSTs through Rasa's EndpointConfig to a server on loopback; the answers and
    the client ports the server saw, one per TCP connection."""
    ports: list[int] = []

    async def webhook(request: web.Request) -> web.Response:
        ports.append(request.transport.get_extra_info("peername")[1])
        body = await request.json()
        return web.json_response({"events": [], "echo": body}, status=status)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    answers = []
    try:
        for n in range(count):
            try:
                answers.append(await endpoint.request(json={"n": n}, method="post"))
            except ClientResponseError as error:
                answers.append(error.status)
            await asyncio.sleep(pause)
    finally:
        await keep_alive.pool().close()
        await runner.cleanup()
    return answers, ports


def test_the_action_calls_of_a_server_share_one_open_connection():
    answers, ports = asyncio.run(calls(5))

    assert answers == [{"events": [], "echo": {"n": n}} for n in range(5)]
    assert len(set(ports)) == 1, f"a connection per call: {ports}"


def test_a_connection_left_idle_is_not_reused_after_the_pool_dropped_it():
    answers, ports = asyncio.run(calls(2, pause=keep_alive.IDLE_SECONDS + 1.0))

    assert answers == [{"events": [], "echo": {"n": n}} for n in range(2)]
    assert len(set(ports)) == 2


def test_an_error_answer_raises_rasas_error_as_before():
    answers, _ = asyncio.run(calls(2, status=500))

    assert answers == [500, 500]
