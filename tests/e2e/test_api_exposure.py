"""What the running product exposes: the REST channel only, and only on loopback.

Rasa's HTTP API (``--enable-api``) would let anyone read any conversation's tracker (slots,
messages) or replace the model; it is not started. The action server is only called by the
Rasa server: it listens on loopback, out of reach of the widget's origin.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.launcher import server_commands


def status_of(method: str, url: str, body: dict | None = None) -> int:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/conversations/{id}/tracker", None),
        ("GET", "/conversations/{id}/story", None),
        ("POST", "/conversations/{id}/tracker/events", {"event": "restart"}),
        ("PUT", "/conversations/{id}/tracker/events", []),
        ("POST", "/conversations/{id}/execute", {"name": "action_handoff"}),
        ("POST", "/conversations/{id}/trigger_intent", {"name": "greet"}),
        ("POST", "/conversations/{id}/messages", {"text": "hi", "sender": "user"}),
        ("POST", "/model/parse", {"text": "bonjour"}),
        ("PUT", "/model", {"model_file": "models/other.tar.gz"}),
        ("DELETE", "/model", None),
        ("GET", "/status", None),
        ("GET", "/domain", None),
    ],
)
def test_rasa_http_api_is_not_exposed(servers, conversation_id, method, path, body):
    # A real conversation exists, so a 404 means "no such route", not "no such conversation".
    assert servers.say(conversation_id, "bonjour")
    url = servers.rasa_url + path.format(id=conversation_id)

    assert status_of(method, url, body) in (403, 404, 405)


def test_the_rest_channel_still_answers(servers, conversation_id):
    assert servers.say(conversation_id, "bonjour")


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp{,6})."""
    addresses = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port and len(address) == width:
                addresses.add(address)
    return addresses


# 127.0.0.1 and ::1 as the kernel prints them (little-endian words).
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


def test_rasa_and_the_action_server_listen_on_loopback_only(servers):
    ports = {
        "rasa": urlparse(servers.rasa_url).port,
        "actions": urlparse(servers.action_endpoint_url).port,
    }
    for name, port in ports.items():
        addresses = listening_addresses(port)
        assert addresses, f"{name} is not listening on {port}"
        assert addresses <= LOOPBACK, f"{name} listens on {addresses}, not only on loopback"


def test_no_command_of_the_product_enables_the_api():
    commands = server_commands(5055, 5005, Path("models/onboarding.tar.gz"))
    for command in commands.values():
        assert "--enable-api" not in command
        assert "--cors" not in command


def test_the_action_server_keeps_idle_connections_longer_than_rasa_does(servers):
    """Rasa's HTTP client (aiohttp) reuses an idle connection for up to 15 s; if the action
    server closed it sooner (Sanic's default: 5 s), a custom action call could fail with
    "Cannot write to closing transport", as the fuzz run showed under load."""
    port = urlparse(servers.action_endpoint_url).port
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
        time.sleep(16)  # idle longer than aiohttp's keep-alive
        connection.sendall(request)
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
