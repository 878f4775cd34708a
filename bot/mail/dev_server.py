"""The development mailbox: an SMTP server on loopback that keeps every message as a file.

`make run` starts it in development when no real SMTP server is configured (SMTP_HOST unset),
so that a person trying the product can open the activation email, in the instance's own folder
(``MAILBOX_DIR``: one per database by default). It accepts mail for any address and never
relays anything.
"""

from __future__ import annotations

import time
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _FileStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.folder / (name + ".part")
        temporary.write_bytes(envelope.content)
        temporary.rename(self.folder / name)  # readers never see half a message
        return "250 Message accepted for delivery"


def start(port: int, folder: Path) -> Controller:
    controller = Controller(_FileStore(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def messages(folder: Path) -> list[tuple[str, EmailMessage]]:
    """Every stored message, newest first, with its file name as identifier."""
    if not folder.exists():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)
    return [(f.stem, message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files]
