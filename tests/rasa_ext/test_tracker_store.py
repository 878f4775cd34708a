"""The tracker store Rasa loads from endpoints.yml, and what it writes to disk and to a broker."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.tracker_store import RedactingSQLTrackerStore, connection_arguments
from tests.conftest import rasa_domain

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Gr@nd-Soleil-2026"
CODE = "E2EF-R000-0000-0001"
SENDER = "c0ffee"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return rasa_domain()


def said(text: str, intent: str = "inform", confidence: float = 0.4) -> UserUttered:
    parse_data = {
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "text": text,
    }
    return UserUttered(text, parse_data["intent"], [], parse_data, input_channel="rest")


# A registration, one list of events per turn, as the processor adds them between saves.
TURNS = [
    [
        ActionExecuted("action_session_start"),
        SessionStarted(metadata={"language": "fr", "invitation_code": CODE}),
        SlotSet("invitation_code", "E2EFR00000000001"),
        SlotSet("code_from_link", True),
        ActionExecuted("action_listen"),
    ],
    [
        said("je voudrais créer mon compte", "start_registration", 0.98),
        ActionExecuted("registration_form"),
        SlotSet("requested_slot", "email"),
        BotUttered("Quelle est votre adresse email ?"),
        ActionExecuted("action_listen"),
    ],
    [
        said("jean.dupont@acme-industrie.fr"),
        SlotSet("email", "jean.dupont@acme-industrie.fr"),
        SlotSet("requested_slot", "password"),
        BotUttered("Choisissez un mot de passe.", {"custom": {"input": "password"}}),
        ActionExecuted("action_listen"),
    ],
    [
        said(PASSWORD),
        ActionExecuted("registration_form"),
        SlotSet("password", "[enregistré]"),
        SlotSet("requested_slot", "terms_accepted"),
        BotUttered("Acceptez-vous les Conditions Générales d'Utilisation ?"),
        ActionExecuted("action_listen"),
    ],
    [said("J'accepte", "affirm", 0.97), ActionExecuted("action_listen")],
]


async def converse(store: TrackerStore, turns=TURNS) -> None:
    """Save turn by turn, reading the tracker back each time, as Rasa's processor does."""
    for events in turns:
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        for event in events:
            tracker.update(event)
        await store.save(tracker)


def close_file_broker() -> None:
    """Rasa's file broker writes through the "event-logger" logger: its file is closed."""
    for handler in logging.getLogger("event-logger").handlers[:]:
        handler.close()
        logging.getLogger("event-logger").removeHandler(handler)


def everything_written(directory: Path) -> bytes:
    """Every byte of every file there (the SQLite file, its WAL, a broker's file)."""
    return b"".join(p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file())


def forms(secret: str) -> list[bytes]:
    """How a secret may be written: as typed, JSON-escaped (Rasa's default), UTF-8."""
    return [
        secret.encode(),
        json.dumps(secret).encode()[1:-1],
        json.dumps(secret, ensure_ascii=False).encode()[1:-1],
    ]


def test_endpoints_yml_makes_rasa_load_the_redacting_store(tmp_path, monkeypatch, domain):
    # Rasa falls back to an in-memory store, with only a warning, when the class cannot load.
    database = tmp_path / "var" / "conversations.db"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    endpoints = read_endpoints_from_path(ROOT / "endpoints.yml")
    store = TrackerStore.create(endpoints.tracker_store, domain)
    assert type(store) is RedactingSQLTrackerStore
    assert store.engine.url.database == str(database)
    assert database.exists()  # its directory was created too


async def test_nothing_secret_is_written_and_the_conversation_goes_on(tmp_path, domain):
    store = RedactingSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'conversations.db'}")
    await converse(store)
    store.engine.dispose()
    written = everything_written(tmp_path)
    assert b"jean.dupont@acme-industrie.fr" in written  # events were written, in plain text
    for secret in (PASSWORD, CODE, "E2EFR00000000001", "R000-0000-0001"):
        for form in forms(secret):
            assert form not in written, form
    tracker = await store.retrieve(SENDER)
    assert tracker.get_slot("password") == "[enregistré]"  # what the form checks next turn
    assert tracker.get_slot("invitation_code") == "E2EF…"
    assert tracker.get_slot("email") == "jean.dupont@acme-industrie.fr"
    typed = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert typed == [
        "je voudrais créer mon compte",
        "jean.dupont@acme-industrie.fr",
        "[masqué]",
        "J'accepte",
    ]
    assert tracker.latest_message.intent["name"] == "affirm"


async def test_rows_have_rasas_schema_and_columns(tmp_path, domain):
    # The analysts' report reads Rasa's `events` table: same rows as Rasa's own store.
    plain = SQLTrackerStore(domain, db=str(tmp_path / "plain.db"))
    redacting = RedactingSQLTrackerStore(domain, url=f"sqlite:///{tmp_path / 'redacted.db'}")
    await converse(plain)
    await converse(redacting)
    query = "SELECT sender_id, type_name, timestamp, intent_name, action_name FROM events"
    rows = {}
    for name in ("plain", "redacted"):
        with sqlite3.connect(tmp_path / f"{name}.db") as connection:
            rows[name] = connection.execute(query + " ORDER BY id").fetchall()
    assert rows["redacted"] == rows["plain"]
    assert len(rows["plain"]) == sum(len(turn) for turn in TURNS)
    assert ("c0ffee", "user", pytest.approx(rows["plain"][5][2]), "start_registration", None) in [
        tuple(r) for r in rows["redacted"]
    ]


async def test_an_event_broker_receives_each_event_once_and_redacted(tmp_path, domain):
    path = tmp_path / "broker.jsonl"
    broker = await EventBroker.create(EndpointConfig(type="file", path=str(path)))
    try:
        store = RedactingSQLTrackerStore(
            domain, host=f"sqlite:///{tmp_path / 'c.db'}", event_broker=broker
        )
        await converse(store)
    finally:
        close_file_broker()
    published = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(published) == sum(len(turn) for turn in TURNS)
    assert {p["sender_id"] for p in published} == {SENDER}
    assert [p["text"] for p in published if p["event"] == "user"][2] == "[masqué]"
    broker_bytes = path.read_bytes()
    for secret in (PASSWORD, CODE, "E2EFR00000000001"):
        for form in forms(secret):
            assert form not in broker_bytes


def test_sqlite_overwrites_deleted_content_and_syncs_the_log_at_checkpoints(tmp_path, domain):
    store = RedactingSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'conversations.db'}")
    with store.engine.connect() as connection:
        pragma = connection.exec_driver_sql

        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA secure_delete").scalar() == 1  # a masked password leaves no copy
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL: no fsync per message


def test_the_url_gives_sql_tracker_store_its_arguments():
    assert connection_arguments("postgresql://rasa:p%40ss@db.internal:5433/conv") == {
        "dialect": "postgresql",
        "host": "db.internal",
        "port": 5433,
        "db": "conv",
        "username": "rasa",
        "password": "p@ss",
        "query": None,
    }
    assert connection_arguments("sqlite:////srv/var/conversations.db")["db"] == (
        "/srv/var/conversations.db"
    )


def test_a_missing_url_is_a_clear_error(domain):
    with pytest.raises(ValueError, match="TRACKER_STORE_URL"):
        RedactingSQLTrackerStore(domain)


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*strings_in(k), *strings_in(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


@pytest.mark.parametrize("short", ["§", "W§", "Wq§", "Wq§9", "Wq§9z"])
async def test_a_password_answer_of_any_length_is_never_written(tmp_path, domain, short):
    # At the password question the whole answer is the secret, however short: refused by the
    # password rules, it is still what the supplier meant as a password.
    refused = [
        said(short),
        ActionExecuted("registration_form"),
        SlotSet("password", None),
        BotUttered("Ce mot de passe ne peut pas être utilisé."),
        SlotSet("requested_slot", "password"),
        ActionExecuted("action_listen"),
    ]
    turns = [*TURNS[:3], refused, *TURNS[3:]]
    store = RedactingSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'conversations.db'}")
    await converse(store, turns)
    store.engine.dispose()
    with sqlite3.connect(tmp_path / "conversations.db") as connection:
        rows = [json.loads(r[0]) for r in connection.execute("SELECT data FROM events")]
    answer = [r for r in rows if r["event"] == "user"][2]
    assert answer["text"] == answer["parse_data"]["text"] == "[masqué]"
    assert [s for s in strings_in(rows) if short in s] == []
    written = everything_written(tmp_path)
    for form in forms(short)[1:]:  # JSON-escaped and UTF-8: how a row may hold it
        assert form not in written, form


def stored_rows(path: Path, sender: str = SENDER) -> list[dict]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def typed_texts(rows: list[dict]) -> list[str]:
    return [r["text"] for r in rows if r["event"] == "user"]


WEAK = "soleil-soleil26"  # no capital, no special character: no rule finds it on its own


def asked_password() -> list:
    return [
        ActionExecuted("registration_form"),
        SlotSet("requested_slot", "password"),
        BotUttered("Choisissez un mot de passe.", {"custom": {"input": "password"}}),
        ActionExecuted("action_listen"),
    ]


async def test_earlier_rows_are_masked_once_a_password_is_known(tmp_path, domain):
    # "mon mot de passe sera soleil2026" is only known to hold a password when that word
    # answers the password question, turns later: the rows already written are masked then.
    turns = [
        TURNS[0],
        [said(f"bonjour, mon mot de passe sera {WEAK}"), ActionExecuted("action_listen")],
        [said("je voudrais créer mon compte", "start_registration", 0.98), *asked_password()],
        [said(WEAK), ActionExecuted("registration_form"), SlotSet("password", None)],
    ]
    store = RedactingSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'c.db'}")
    await converse(store, turns)
    assert typed_texts(stored_rows(tmp_path / "c.db")) == [
        "bonjour, mon mot de passe sera [masqué]",
        "je voudrais créer mon compte",
        "[masqué]",
    ]
    # Nor in the pages SQLite keeps of the rows as they were (its WAL, freed space), while
    # the server still runs.
    for form in forms(WEAK):
        assert form not in everything_written(tmp_path)
    store.engine.dispose()


async def test_the_answer_is_masked_when_another_process_asked_the_question(tmp_path, domain):
    # A second Rasa replica (or this one after a restart) saves the answer: it knows nothing of
    # the earlier saves but the tracker, and reads the pending question from it.
    url = f"sqlite:///{tmp_path / 'c.db'}"
    asking, answering = (RedactingSQLTrackerStore(domain, host=url) for _ in range(2))
    await converse(asking, [TURNS[0], [said("je m'inscris", "start_registration", 0.9)]])
    await converse(asking, [asked_password()])
    await converse(answering, [[said(WEAK)], [SlotSet("requested_slot", "terms_accepted")]])
    await converse(asking, [[said("et maintenant ?"), ActionExecuted("action_listen")]])
    for store in (asking, answering):
        store.engine.dispose()
    rows = stored_rows(tmp_path / "c.db")
    assert typed_texts(rows) == ["je m'inscris", "[masqué]", "et maintenant ?"]
    # Each event written once, in order, whichever replica wrote it.
    tracker = await RedactingSQLTrackerStore(domain, host=url).retrieve(SENDER)
    assert [e.as_dict()["event"] for e in tracker.events] == [r["event"] for r in rows][1:]


async def test_a_stray_password_is_neither_written_nor_published(tmp_path, domain):
    path = tmp_path / "broker.jsonl"
    broker = await EventBroker.create(EndpointConfig(type="file", path=str(path)))
    stray = "Gr@nd-Soleil-2026"
    try:
        store = RedactingSQLTrackerStore(
            domain, host=f"sqlite:///{tmp_path / 'c.db'}", event_broker=broker
        )
        await converse(
            store,
            [
                [said(f"Bonjour, mon mot de passe sera {stray}"), ActionExecuted("action_listen")],
                [said(f"/{stray}"), SlotSet("email", f"/{stray}"), SlotSet("email", None)],
            ],
        )
        store.engine.dispose()
    finally:
        close_file_broker()
    assert typed_texts(stored_rows(tmp_path / "c.db")) == [
        "Bonjour, mon mot de passe sera [masqué]",
        "[masqué]",
    ]
    for form in forms(stray):
        assert form not in everything_written(tmp_path)


async def test_when_a_save_fails_rasas_fallback_publishes_nothing_raw(tmp_path, domain):
    # Rasa wraps the store in FailSafeTrackerStore: when save raises, it saves into an
    # in-memory store that publishes every event raw to the store's event_broker.
    from rasa.core.tracker_store import FailSafeTrackerStore

    path = tmp_path / "broker.jsonl"
    broker = await EventBroker.create(EndpointConfig(type="file", path=str(path)))
    try:
        store = RedactingSQLTrackerStore(
            domain, host=f"sqlite:///{tmp_path / 'c.db'}", event_broker=broker
        )
        failsafe = FailSafeTrackerStore(store)
        await converse(failsafe, [TURNS[0]])
        with store.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE events")  # every later save raises
        tracker = await failsafe.get_or_create_tracker(SENDER, append_action_listen=False)
        for event in [*TURNS[1], *TURNS[2], *TURNS[3]]:
            tracker.update(event)
        await failsafe.save(tracker)
        store.engine.dispose()
    finally:
        close_file_broker()
    published = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(published) == len(TURNS[0])  # the first turn, saved and published; then nothing
    for form in forms(PASSWORD):
        assert form not in path.read_bytes()


async def test_a_save_waiting_for_a_locked_database_leaves_the_event_loop_free(tmp_path, domain):
    import asyncio

    store = RedactingSQLTrackerStore(domain, host=f"sqlite:///{tmp_path / 'c.db'}")
    await converse(store, [TURNS[0]])
    tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
    for event in TURNS[1]:
        tracker.update(event)
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    blocker = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database for a second
    ticker = asyncio.create_task(ticking())
    save = asyncio.create_task(store.save(tracker))
    await asyncio.sleep(1.0)
    blocker.execute("COMMIT")
    await save
    ticker.cancel()
    blocker.close()
    store.engine.dispose()
    assert ticks >= 50  # the loop ran meanwhile: other conversations are answered
    assert len(stored_rows(tmp_path / "c.db")) == len(TURNS[0]) + len(TURNS[1])


async def test_on_postgresql_too_earlier_rows_are_masked_and_each_event_written_once(
    postgres, domain
):
    url = postgres.new_database()
    stores = [RedactingSQLTrackerStore(domain, host=url) for _ in range(2)]  # two replicas
    turns = [
        TURNS[0],
        [said(f"mon mot de passe sera {WEAK}"), ActionExecuted("action_listen")],
        [said("je m'inscris", "start_registration", 0.9), *asked_password()],
        [said(WEAK), SlotSet("requested_slot", "terms_accepted")],
        [said("J'accepte", "affirm", 0.97), ActionExecuted("action_listen")],
    ]
    for number, turn in enumerate(turns):
        await converse(stores[number % 2], [turn])
    tracker = await stores[0].retrieve(SENDER)
    for store in stores:
        store.engine.dispose()
    typed = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert typed == [
        "mon mot de passe sera [masqué]",
        "je m'inscris",
        "[masqué]",
        "J'accepte",
    ]
    assert len(tracker.events) == sum(len(turn) for turn in turns) - 1  # from SessionStarted
