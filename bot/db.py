"""Database engine, sessions and schema migrations.

SQLAlchemy 1.4 is what Rasa 3.6 allows; we use its 2.0-style API (``future=True``) so that
moving to 2.0 later is a version bump. SQLite is the local default, PostgreSQL works by URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import DateTime, TypeDecorator

from bot.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no time zone type: values are stored as naive UTC and given back aware, so that
    comparisons with ``utcnow()`` never mix naive and aware datetimes.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the action server, the web app and the CLI read while one of them writes;
    # busy_timeout makes concurrent writers wait instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows (expired drafts with their password hash, masked mails) are overwritten on
    # disk, not left in free pages (bot/registration/housekeeping.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front. With a deferred BEGIN, a transaction that
    # read first and writes second fails at once with SQLITE_BUSY when another writer got in
    # between (busy_timeout does not help there): two suppliers racing on one invitation
    # must wait for each other, not crash. The price: on SQLite a transaction that only reads
    # also blocks writers until it ends, so sessions must stay short (one per request, as
    # session_scope gives). PostgreSQL is the answer for heavier loads.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool: its
        # connect and the pragmas below cost 0.5 ms, several times per message); pooled as
        # SQLAlchemy 2.0 does. Connections move between the action server's worker threads,
        # never used by two at once (the pool hands each to one session).
        pooling = {} if in_memory else {"poolclass": QueuePool}
        connect_args = {"timeout": 10, **({} if in_memory else {"check_same_thread": False})}
        engine = create_engine(url, future=True, connect_args=connect_args, **pooling)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (the configured ``DATABASE_URL`` by default)."""
    url = url or get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def session_factory(url: str | None = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url or get_settings().database_url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the schema at ``url`` to ``revision`` with the Alembic migrations."""
    from alembic import command

    url = url or get_settings().database_url
    make_engine(url).dispose()  # creates the SQLite folder if needed
    command.upgrade(alembic_config(url), revision)


def dispose_engines() -> None:
    """Close every pooled connection (tests, and processes that fork)."""
    # A copy: a thread still at work (a test's concurrent requests) may add an engine meanwhile
    # ("dictionary changed size during iteration" at a test's teardown, once in a CI run).
    for engine in list(_engines.values()):
        engine.dispose()
    _engines.clear()
