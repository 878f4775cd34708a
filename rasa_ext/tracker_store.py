"""Rasa's SQL tracker store, configured by one URL, that never writes a secret.

endpoints.yml::

    tracker_store:
      type: rasa_ext.tracker_store.RedactingSQLTrackerStore
      url: ${TRACKER_STORE_URL}

Every event is passed through :func:`bot.privacy.redaction.redact_events` before it is written
to the ``events`` table (Rasa's schema, unchanged: the analysts' report reads it) and before it is
published to an event broker, whichever broker endpoints.yml configures (file, SQL, pika,
kafka): they all receive what ``stream_events`` publishes.

Reading is Rasa's, from memory when the database holds nothing newer than the tracker this
process last read (``retrieve``, rasa_ext/tracker_cache.py).

Rasa falls back to its in-memory store, with only a warning, when this class cannot be loaded
(e.g. the project root is not on PYTHONPATH): tests/rasa_ext/ and the end-to-end tests check
that this class is the one in use and that events reach the configured database.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.privacy.redaction import redact_events
from bot.settings import get_settings
from rasa_ext.tracker_cache import TrackerCache

logger = logging.getLogger(__name__)


def connection_arguments(url: str) -> dict[str, Any]:
    """SQLTrackerStore's keyword arguments for an SQLAlchemy URL.

    ``sqlite:////abs/path/conversations.db`` or ``postgresql://user:pass@host:5432/db``.
    """
    parsed = make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
        "query": dict(parsed.query) or None,
    }


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that redacts passwords and invitation codes before writing anything."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        event_broker: EventBroker | None = None,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Rasa passes the endpoint's `url` as `host`; a direct caller may name it `url`.
        url = url or host
        if not url:
            raise ValueError("RedactingSQLTrackerStore needs a url (TRACKER_STORE_URL)")
        arguments = connection_arguments(url)
        if arguments["dialect"].startswith("sqlite") and arguments["db"]:
            # SQLite creates the file, not its directory (var/ on a fresh checkout).
            Path(arguments["db"]).parent.mkdir(parents=True, exist_ok=True)
        kwargs.pop("dialect", None)
        super().__init__(domain=domain, event_broker=event_broker, **{**kwargs, **arguments})
        if self.engine.dialect.name == "sqlite":
            self._keep_a_connection_open()
            # Readers (the analysts' report) then never block the server's writes.
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        logger.info("Conversation events stored redacted in %r", self.engine.url)
        self.cache = TrackerCache(get_settings().tracker_cache_size)

    def _keep_a_connection_open(self) -> None:
        """On SQLite, SQLAlchemy 1.4 opens and closes a connection for every read and every
        write (NullPool), and closing the last connection of a WAL database checkpoints it:
        a few percent of the Rasa server's CPU under load. A pooled connection (SQLAlchemy
        2.0's default for SQLite files) stays open; the server uses it from its event loop."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=QueuePool, connect_args={"check_same_thread": False}
        )
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, from memory when the database holds nothing newer
        (rasa_ext/tracker_cache.py); exactly what SQLTrackerStore.retrieve would build."""
        if self.cache.size <= 0:
            return await super().retrieve(sender_id)
        return self.cache.retrieve(self, sender_id)

    @staticmethod
    def redacted_events(tracker: DialogueStateTracker, start: int = 0) -> list[dict]:
        """The tracker's events from ``start`` as they may be written. Redaction reads the
        whole list: whether a message answered the password question depends on the events
        before it."""
        return redact_events([event.as_dict() for event in tracker.events], start)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publishes the new events, redacted, to the event broker (Rasa publishes them raw)."""
        if self.event_broker is None:
            return
        old_tracker = await self.retrieve(tracker.sender_id)
        offset = len(old_tracker.events) if old_tracker else 0
        for data in self.redacted_events(tracker, offset):
            self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        # Not called by stream_events above; redacts anyway in case a Rasa version does.
        for data in redact_events([event.as_dict() for event in new_events]):
            event_broker.publish({"sender_id": sender_id, **data})

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save, with the redacted events instead of the raw ones."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            for data in self.redacted_events(tracker, stored):
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data["event"],
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
