"""What runs by itself beside the mail: queued activation requests, expired drafts, old counts.

The outbox sender (``python -m bot outbox flush --watch``) runs :class:`Housekeeping` before
each delivery round: it runs under ``make run`` and in every deployment (one sender or more,
docs/deploy/docker-compose.yml), so nothing else needs scheduling. Each round:

- sends what the queued "I did not get the activation email" requests call for
  (bot/registration/activation_requests.py), so that the mail leaves in the same round;

and every ``interval`` (5 minutes at most, sooner when DRAFT_RETENTION_HOURS is short):

- deletes the registration drafts abandoned for DRAFT_RETENTION_HOURS (24 by default:
  password hash, invitation code, contact details), see bot/registration/drafts.py;
- deletes the mail-request and invitation-check counts older than their window.

Several senders may run at once: every step is a set of idempotent deletes and claims.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db import utcnow
from bot.registration import activation_requests, drafts, limits
from bot.settings import get_settings

log = logging.getLogger(__name__)

MAX_INTERVAL_SECONDS = 300.0


def cleanup_interval() -> float:
    """Seconds between two cleanups: a quarter of the drafts' retention, 5 minutes at most."""
    retention = get_settings().draft_retention_hours * 3600
    return max(1.0, min(MAX_INTERVAL_SECONDS, retention / 4))


def clean_up(session: Session, *, now: datetime | None = None) -> drafts.Expired:
    """Delete what is kept no longer than needed (see the module's docstring)."""
    now = now or utcnow()
    expired = drafts.expire_drafts(session, now=now)
    limits.forget_old_mail_requests(session, now=now)
    limits.forget_expired(session, now=now)
    return expired


def forget_old_pages(engine: Engine) -> None:
    """On SQLite, deleted rows also live in the write-ahead log until a checkpoint: copied
    into the database now (secure_delete overwrote them there) and the log emptied. Best
    effort: a reader in progress makes SQLite leave it for later."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


class Housekeeping:
    """Called by the outbox sender before each round (``run_sender(before_round=...)``)."""

    def __init__(self, sessions: sessionmaker, clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._clock = clock
        self._next_cleanup = clock()

    def __call__(self) -> None:
        with self._sessions() as session:
            processed = activation_requests.process_activation_requests(session)
            session.commit()
        if processed.requests:
            log.info("activation requests handled: %s", processed.requests)
        if self._clock() >= self._next_cleanup:
            with self._sessions() as session:
                expired = clean_up(session)
                session.commit()
                bind = session.get_bind()
            self._next_cleanup = self._clock() + cleanup_interval()
            if expired.deleted or expired.scrubbed:
                forget_old_pages(bind)
                log.info(
                    "registration drafts expired: %s deleted, %s cleared",
                    expired.deleted,
                    expired.scrubbed,
                )
