"""Rasa's SQL tracker store, configured by one URL, that never writes a secret.

endpoints.yml::

    tracker_store:
      type: rasa_ext.tracker_store.RedactingSQLTrackerStore
      url: ${TRACKER_STORE_URL}

Every new event is passed through :func:`bot.privacy.redaction.redact_new_events` before it is
written to the ``events`` table (Rasa's schema, unchanged: the analysts' report reads it), then
published, redacted, to the event broker if endpoints.yml configures one (file, SQL, pika,
kafka: they all receive what :meth:`RedactingSQLTrackerStore.save` publishes).

A save costs what the turn's new events cost, whatever the length of the conversation: what
their redaction needs to know about the earlier events (the question pending, the latest
secrets and codes, a bounded set) is kept in memory between saves (``_Contexts``), never
written; the question pending is read back from the tracker when another process saved last.
Redaction and the database write run in a worker thread, so that neither a long message nor a
locked database holds up Rasa's event loop. When a password becomes known (the answer to the
password question), the conversation's earlier rows that contain it are masked too.

Reading is Rasa's, from memory when the database holds nothing newer than the tracker this
process last read (``retrieve``, rasa_ext/tracker_cache.py).

Rasa falls back to its in-memory store, with only a warning, when this class cannot be loaded
(e.g. the project root is not on PYTHONPATH): tests/rasa_ext/ and the end-to-end tests check
that this class is the one in use. When a save raises, Rasa's ``FailSafeTrackerStore`` saves
into an in-memory store that publishes the tracker's events raw to *this store's*
``event_broker``: that attribute is a guard that drops them (``_RedactedEventsOnly``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy
import sqlalchemy.exc
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.privacy import logs
from bot.privacy.redaction import RedactionContext, mask_secret, redact_new_events
from bot.settings import get_settings
from rasa_ext.tracker_cache import TrackerCache

logger = logging.getLogger(__name__)

# Events after which no slot is requested any more (bot/privacy/redaction.py has the same).
_RESETS = {"restart", "session_started", "reset_slots"}
# Conversations whose redaction context is kept in memory (a few kB each at most).
MAX_CONVERSATIONS = 10_000
# Passwords a conversation may have searched for in its earlier rows: each search reads the
# conversation's rows, so a script answering the password question 1,000 times pays for it
# the first few times only.
MAX_EARLIER_ROW_SEARCHES = 8


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


@dataclass(frozen=True)
class _Known:
    # Events of the latest session in the table after the last save; None when that save
    # started a session (Rasa's count then leaves out the event before SessionStarted).
    stored: int | None
    last_id: int  # the id of the last row written: a later row means another writer
    context: RedactionContext
    searches: int  # earlier-row searches made for this conversation


class _Contexts:
    """The redaction context of recent conversations, least recently saved dropped first."""

    def __init__(self, size: int = MAX_CONVERSATIONS) -> None:
        self._size = size
        self._known: OrderedDict[str, _Known] = OrderedDict()
        self._lock = threading.Lock()  # saves of different conversations run in threads

    def get(self, sender_id: str) -> _Known | None:
        with self._lock:
            return self._known.get(sender_id)

    def put(self, sender_id: str, known: _Known) -> None:
        with self._lock:
            self._known[sender_id] = known
            self._known.move_to_end(sender_id)
            while len(self._known) > self._size:
                self._known.popitem(last=False)


class _RedactedEventsOnly(EventBroker):
    """What Rasa sees as the store's event broker.

    The store publishes redacted events to the real broker itself. Anything published here
    comes from elsewhere: Rasa's FailSafeTrackerStore, when a save raised, saves the tracker
    into an InMemoryTrackerStore that publishes every event raw to this broker. Dropped.
    """

    def __init__(self, broker: EventBroker) -> None:
        self.broker = broker
        self._warned = False

    def publish(self, event: dict[str, Any]) -> None:
        if not self._warned:
            logger.warning(
                "events published outside the redacting tracker store were dropped "
                "(a save failed and Rasa fell back to its in-memory store)"
            )
            self._warned = True

    def is_ready(self) -> bool:
        return self.broker.is_ready()

    async def close(self) -> None:
        await self.broker.close()


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    """Every SQLite connection of the store: deleted content overwritten (a masked password
    leaves no copy in free pages), and the write-ahead log synced at checkpoints rather than at
    every commit (SQLite's advice for WAL: no corruption possible; a power cut may lose the last
    turns' log rows, never an account, which bot/db.py keeps in its own database). Measured:
    p50 at concurrency 1 25-27 -> 24 ms, throughput +5 % (docs/performance.md)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Statements:
    """The statements run for every message (a save's, and the kept tracker's check in
    rasa_ext/tracker_cache.py), written once as SQL text for the store's table and dialect. A
    `select()` or `insert()` is built, and its compiled form looked up by a key computed from
    its whole structure, at every execution: about a third of a save's CPU (docs/
    performance.md). Names are quoted by the dialect; values are always bound parameters."""

    def __init__(self, table: sqlalchemy.Table, dialect: Any) -> None:
        # S608: the only text put into these statements is the table's and its columns' names
        # (Rasa's schema), quoted by the dialect; every value is a bound parameter.
        events = dialect.identifier_preparer.format_table(table)
        names = ["id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"]
        c = {name: dialect.identifier_preparer.quote(name) for name in names}
        of_sender = f"FROM {events} WHERE {c['sender_id']} = :sender_id"
        written = names[1:]
        self.insert = sqlalchemy.text(
            f"INSERT INTO {events} ({', '.join(c[n] for n in written)}) "  # noqa: S608
            f"VALUES ({', '.join(':' + n for n in written)})"
        )
        # The conversation's highest id: the Redis lock store orders a conversation's
        # messages, so within the save's transaction it is the last row written.
        self.last_id = sqlalchemy.text(f"SELECT max({c['id']}) {of_sender}")
        # The rows from a given id on, two at most: is that row still the last one?
        self.ids_from = sqlalchemy.text(
            f"SELECT {c['id']} {of_sender} AND {c['id']} >= :last_id ORDER BY {c['id']} LIMIT 2"
        )
        # How many rows the conversation has, and its highest id.
        self.totals = sqlalchemy.text(f"SELECT count({c['id']}), max({c['id']}) {of_sender}")
        # The rows after a given id, each with those totals: one snapshot for both.
        self.rows_after = sqlalchemy.text(
            f"SELECT {c['type_name']}, {c['data']}, (SELECT count({c['id']}) {of_sender}), "
            f"(SELECT max({c['id']}) {of_sender}) {of_sender} AND {c['id']} > :last_id "
            f"ORDER BY {c['id']}"
        )


def _requested_slot(tracker: DialogueStateTracker, before: int) -> str | None:
    """The question pending after the tracker's first ``before`` events, read backwards from
    there up to the last change (a few events in practice)."""
    earlier = itertools.islice(reversed(tracker.events), len(tracker.events) - before, None)
    for event in earlier:
        if event.type_name in _RESETS:
            return None
        if event.type_name == "slot" and event.key == "requested_slot":
            return event.value if isinstance(event.value, str) else None
    return None


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
        # The Rasa server loads this class at start-up: from then on its log lines are masked
        # too (a message starting with "/" is logged whole when Rasa cannot read it).
        logs.install()
        # Rasa passes the endpoint's `url` as `host`; a direct caller may name it `url`.
        url = url or host
        if not url:
            raise ValueError("RedactingSQLTrackerStore needs a url (TRACKER_STORE_URL)")
        arguments = connection_arguments(url)
        if arguments["dialect"].startswith("sqlite") and arguments["db"]:
            # SQLite creates the file, not its directory (var/ on a fresh checkout).
            Path(arguments["db"]).parent.mkdir(parents=True, exist_ok=True)
        kwargs.pop("dialect", None)
        super().__init__(domain=domain, event_broker=None, **{**kwargs, **arguments})
        self._publisher = event_broker
        self.event_broker = _RedactedEventsOnly(event_broker) if event_broker else None
        self._contexts = _Contexts()
        if self.engine.dialect.name == "sqlite":
            self._keep_a_connection_open()
            # A password masked in rows written earlier is overwritten on disk, not left in
            # the page's free space.
            sqlalchemy.event.listen(self.engine, "connect", _sqlite_settings)
            with self.engine.begin() as connection:
                # Readers (the analysts' report) then never block the server's writes.
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        self._add_index()
        self.statements = Statements(self.SQLEvent.__table__, self.engine.dialect)
        logger.info("Conversation events stored redacted in %r", self.engine.url)
        self.cache = TrackerCache(get_settings().tracker_cache_size)

    def _keep_a_connection_open(self) -> None:
        """On SQLite, SQLAlchemy 1.4 opens and closes a connection for every read and every
        write (NullPool), and closing the last connection of a WAL database checkpoints it:
        a few percent of the Rasa server's CPU under load. A pooled connection (SQLAlchemy
        2.0's default for SQLite files) stays open; the server uses it from its event loop."""
        url = self.engine.url
        self.engine.dispose()
        self.engine = sqlalchemy.create_engine(
            url, poolclass=QueuePool, connect_args={"check_same_thread": False}
        )
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, from memory when the database holds nothing newer
        (rasa_ext/tracker_cache.py); exactly what SQLTrackerStore.retrieve would build."""
        if self.cache.size <= 0:
            return await super().retrieve(sender_id)
        return self.cache.retrieve(self, sender_id)

    def _add_index(self) -> None:
        """ "Any row of this conversation after the last one I wrote?" in one index lookup
        (Rasa's schema indexes sender_id alone: PostgreSQL would read every row of it)."""
        try:
            with self.engine.begin() as connection:
                connection.exec_driver_sql(
                    "CREATE INDEX IF NOT EXISTS ix_events_sender_id_id ON events (sender_id, id)"
                )
        except sqlalchemy.exc.SQLAlchemyError as error:
            # Two replicas starting at once may race on it (PostgreSQL): one has made it.
            logger.info(
                "index on events (sender_id, id) not created here: %s", type(error).__name__
            )

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Nothing: :meth:`save` publishes the events it wrote, redacted (Rasa publishes them
        raw from here)."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save with the turn's events redacted, then published.

        Published after the commit: a failed write publishes nothing, and the next save
        writes and publishes those events once.
        """
        written = await asyncio.to_thread(self._write_new_events, tracker)
        if self._publisher is not None:
            for data in written:
                self._publisher.publish({"sender_id": tracker.sender_id, **data})

    def _write_new_events(self, tracker: DialogueStateTracker) -> list[dict]:
        """Redact and write the events not stored yet (in a worker thread); what was written."""
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            known = self._contexts.get(sender_id)
            connection = session.connection()
            if known is not None and self._unchanged_since(connection, sender_id, known):
                stored, context = known.stored, known.context
            else:
                # First save here, or another replica saved since: the rows are counted
                # (Rasa's query), the question pending is read back from the tracker; the
                # secrets known before are kept (never written, they cannot be read back).
                stored = self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=False
                ).count()
                context = RedactionContext(
                    requested_slot=_requested_slot(tracker, stored),
                    secrets=known.context.secrets if known else (),
                    codes=known.context.codes if known else (),
                )
            new = [event.as_dict() for event in itertools.islice(tracker.events, stored, None)]
            redacted = redact_new_events(new, context)
            searches = known.searches if known else 0
            masked_rows = 0
            for password in redacted.new_passwords:
                if searches >= MAX_EARLIER_ROW_SEARCHES:
                    break
                searches += 1
                masked_rows += self._mask_earlier_rows(session, sender_id, password)
            written_last = self._insert_rows(connection, sender_id, redacted.events)
            session.commit()
            last_id = written_last or (known.last_id if known else 0)
        new_session = any(data["event"] == "session_started" for data in new)
        self._contexts.put(
            sender_id,
            _Known(None if new_session else stored + len(new), last_id, redacted.context, searches),
        )
        if masked_rows:
            self._forget_old_pages()
            self.earlier_rows_masked(sender_id)
        return redacted.events

    def _insert_rows(self, connection: Any, sender_id: str, events: list[dict]) -> int | None:
        """The events' rows, in one INSERT with many parameter sets (the ORM sent one statement
        per event, each with its unit-of-work bookkeeping); the last row's id, or None when
        there was nothing to write. The Redis lock store orders a conversation's messages, so
        the conversation's highest id in this transaction is the last row written here."""
        if not events:
            return None
        connection.execute(
            self.statements.insert,
            [
                {
                    "sender_id": sender_id,
                    "type_name": data["event"],
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {})
                    .get("intent", {})
                    .get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
                for data in events
            ],
        )
        return connection.execute(self.statements.last_id, {"sender_id": sender_id}).scalar()

    def _forget_old_pages(self) -> None:
        """SQLite keeps the rows as they were in its write-ahead log until a checkpoint:
        copied into the database now (the old content overwritten, secure_delete) and the log
        emptied. Best effort: a reader in progress makes SQLite leave it for later."""
        if self.engine.dialect.name != "sqlite":
            return
        connection = self.engine.raw_connection()
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    def _unchanged_since(self, connection: Any, sender_id: str, known: _Known) -> bool:
        """Whether the count kept after the last save still holds: no row was written for
        the conversation since (by another replica) and its rows were not erased. One index
        lookup, not a count."""
        if known.stored is None:
            return False
        # The last row written is still there (not erased since) and nothing came after it.
        ids = connection.execute(
            self.statements.ids_from, {"sender_id": sender_id, "last_id": known.last_id}
        ).scalars()
        return list(ids) == [known.last_id]

    def _mask_earlier_rows(self, session: Any, sender_id: str, password: str) -> int:
        """Mask ``password`` in the rows this conversation wrote before it was known to be one
        (all its sessions); how many rows changed."""
        # The rows hold json.dumps of each event: the password as json.dumps writes it.
        written = json.dumps(password)[1:-1]
        rows = (
            session.query(self.SQLEvent)
            .filter(
                self.SQLEvent.sender_id == sender_id,
                self.SQLEvent.data.contains(written, autoescape=True),
            )
            .all()
        )
        changed = 0
        for row in rows:
            data = json.loads(row.data)
            masked = mask_secret(data, password)
            if masked != data:
                row.data = json.dumps(masked)
                changed += 1
        return changed

    def earlier_rows_masked(self, sender_id: str) -> None:
        """Called after rows the conversation wrote earlier were rewritten (a password was
        masked in them): a cache of trackers would drop this conversation's here."""
        # The kept tracker was read before the rows were rewritten: it still holds the
        # password as typed. The next message rebuilds it from the masked rows.
        self.cache.forget(sender_id)
