"""The conversation index the console reads: the same figures as `python -m bot report`, kept
up to date as conversations grow, are erased, purged or activated."""

from __future__ import annotations

import json
from datetime import timedelta

from analytics_data import (  # noqa: F401 - fixtures
    WEEK_2,
    Script,
    scenarios,
    store_file_fixture,
    tracker_url_fixture,
    write_tracker_store,
)
from sqlalchemy import select, text

from bot import db
from bot.analytics import conversation_index
from bot.analytics.conversations import iter_summaries, tracker_engine
from bot.analytics.report import build_report, build_report_from_days, render_csv
from bot.analytics.retention import erase, purge
from bot.models import ConversationSummary, NluInboxEntry
from bot.privacy.redaction import REDACTED


def live_csv(database, **options) -> str:
    with db.session_scope(database) as session:
        days = conversation_index.day_figures(
            session, language=options.get("language"), since=options.get("since")
        )
    return render_csv(build_report_from_days(days, **options))


def cli_csv(tracker_url, database, **options) -> str:
    summaries = iter_summaries(
        tracker_url,
        accounts_url=database,
        language=options.get("language"),
        since=options.get("since"),
    )
    return render_csv(build_report(summaries, **options))


def rows(database) -> dict[str, ConversationSummary]:
    with db.session_scope(database) as session:
        return {r.conversation_id: r for r in session.scalars(select(ConversationSummary))}


def test_the_live_report_has_every_figure_of_the_command_line_report(tracker_url, database):
    result = conversation_index.sync(tracker_url, accounts_url=database)
    assert result.conversations == 12
    for options in ({}, {"language": "en"}, {"period": "day"}, {"since": WEEK_2}):
        assert live_csv(database, **options) == cli_csv(tracker_url, database, **options)


def test_each_conversation_has_a_summary_row_with_what_the_review_list_filters_on(
    tracker_url, database
):
    conversation_index.sync(tracker_url, accounts_url=database)
    found = rows(database)
    assert len(found) == 12
    activated = found["fr-activated"]
    assert (activated.language, activated.outcome, activated.step) == (
        "fr",
        "registered",
        "account_activated",
    )
    assert activated.email == "marie@example.fr"
    assert found["en-used"].outcome == "escalated" and found["en-used"].handoffs == 1
    assert activated.reference.startswith("C-") and "fr-activated" not in activated.reference
    assert sum(r.fallbacks for r in found.values()) == 3


def test_a_second_run_reads_nothing_again_and_a_new_conversation_is_added(
    tracker_url, database, tmp_path
):
    conversation_index.sync(tracker_url, accounts_url=database)
    again = conversation_index.sync(tracker_url, accounts_url=database)
    assert again.conversations == 0
    script = Script("en-late", WEEK_2 + timedelta(days=1), "en")
    script.start()
    write_tracker_store(tracker_url.removeprefix("sqlite:///"), [script])
    result = conversation_index.sync(tracker_url, accounts_url=database)
    assert result.conversations == 1
    assert rows(database)["en-late"].step == "started"
    assert live_csv(database) == cli_csv(tracker_url, database)


def test_a_conversation_that_goes_on_is_summarised_again(tracker_url, database):
    conversation_index.sync(tracker_url, accounts_url=database)
    before = rows(database)["fr-left-early"]
    engine = tracker_engine(tracker_url)
    with engine.begin() as connection:
        last = connection.execute(
            text("SELECT data FROM events WHERE sender_id = 'fr-left-early' ORDER BY id DESC")
        ).first()
        event = json.loads(last.data)
        event.update(event="slot", name="registration_steps", value=["company_identified"])
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES ('fr-left-early', 'slot', :t, :d)"
            ),
            {"t": event["timestamp"] + 1, "d": json.dumps(event)},
        )
    engine.dispose()
    conversation_index.sync(tracker_url, accounts_url=database)
    after = rows(database)["fr-left-early"]
    assert (before.step, after.step) == ("started", "company_identified")
    assert after.event_count == before.event_count + 1
    assert live_csv(database) == cli_csv(tracker_url, database)


def test_an_event_committed_late_with_an_older_id_is_not_missed(tracker_url, database):
    """PostgreSQL hands out ids before commit: a turn may land below the last id read."""
    conversation_index.sync(tracker_url, accounts_url=database)
    engine = tracker_engine(tracker_url)
    with engine.begin() as connection:
        top = connection.execute(text("SELECT max(id) FROM events")).scalar()
        row = connection.execute(
            text("SELECT id, data FROM events WHERE sender_id = 'en-pending' ORDER BY id DESC")
        ).first()
        # Move the conversation's last event below the top: as if committed late.
        event = json.loads(row.data)
        event.update(event="slot", name="registration_steps", value=["contact_details"])
        connection.execute(
            text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                "VALUES (:id, 'en-pending', 'slot', :t, :d)"
            ),
            {"id": top + 10_000, "t": event["timestamp"] + 1, "d": json.dumps(event)},
        )
    engine.dispose()
    conversation_index.sync(tracker_url, accounts_url=database)  # reads up to top + 10,000
    engine = tracker_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                "VALUES (:id, 'fr-left-early', 'slot', :t, :d)"
            ),
            {
                "id": top + 9_000,  # below the last id read, within the margin
                "t": WEEK_2.timestamp() + 7 * 3600,
                "d": json.dumps(
                    {
                        "event": "slot",
                        "timestamp": WEEK_2.timestamp() + 7 * 3600,
                        "name": "registration_steps",
                        "value": ["company_identified"],
                    }
                ),
            },
        )
    engine.dispose()
    conversation_index.sync(tracker_url, accounts_url=database)
    assert rows(database)["fr-left-early"].step == "company_identified"


def test_erased_and_purged_conversations_leave_the_index(tracker_url, database):
    conversation_index.sync(tracker_url, accounts_url=database)
    erase(tracker_url, email="marie@example.fr", accounts_url=database)
    assert "fr-activated" not in rows(database)
    oldest = min(r.started_at for r in rows(database).values())
    purge(tracker_url, timedelta(0), accounts_url=database, now=oldest + timedelta(days=1))
    left = rows(database)
    assert left and all(r.started_at >= oldest + timedelta(days=1) for r in left.values())
    assert live_csv(database) == cli_csv(tracker_url, database)


def test_an_account_activated_after_the_conversation_moves_its_funnel(tracker_url, database):
    from tests.analytics.analytics_data import _activate

    conversation_index.sync(tracker_url, accounts_url=database)
    assert rows(database)["en-pending"].step == "account_created"
    with db.session_scope(database) as session:
        _activate(session, "john@example.co.uk")
    conversation_index.sync(tracker_url, accounts_url=database)
    assert rows(database)["en-pending"].step == "account_activated"
    assert live_csv(database) == cli_csv(tracker_url, database)


def test_messages_not_understood_reach_the_training_inbox_but_never_a_masked_password(
    tracker_url, database
):
    conversation_index.sync(tracker_url, accounts_url=database)
    with db.session_scope(database) as session:
        entries = session.scalars(select(NluInboxEntry)).all()
    assert len(entries) == 3
    assert all(e.source == "fallback" and e.status == "new" for e in entries)
    assert not any(REDACTED in e.text for e in entries)


def test_every_scenario_is_in_the_index_after_a_sync_in_small_rounds(tracker_url, database):
    conversation_index.EVENT_WINDOW, saved = 50, conversation_index.EVENT_WINDOW
    try:
        conversation_index.sync(tracker_url, accounts_url=database)
    finally:
        conversation_index.EVENT_WINDOW = saved
    assert len(rows(database)) == len(scenarios())
    assert live_csv(database) == cli_csv(tracker_url, database)


def test_the_index_gives_the_same_report_on_postgresql(postgres, monkeypatch):
    """Both databases on PostgreSQL: upserts, tags and counts hold there too."""
    import asyncio

    from analytics_data import rasa_domain, write_accounts
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_ext.tracker_store import RedactingSQLTrackerStore
    from tests.conftest import use_database

    accounts = postgres.new_database()
    setup = use_database(accounts, monkeypatch)
    next(setup)
    with db.session_scope(accounts) as session:
        write_accounts(session)
    tracker_url = postgres.new_database()
    domain = rasa_domain()
    store = RedactingSQLTrackerStore(domain, url=tracker_url)

    async def save_all() -> None:
        for script in scenarios():
            tracker = DialogueStateTracker.from_events(
                script.sender, script.events, slots=domain.slots
            )
            await store.save(tracker)

    asyncio.run(save_all())
    store.engine.dispose()
    try:
        assert conversation_index.sync(tracker_url, accounts_url=accounts).conversations == 12
        assert live_csv(accounts) == cli_csv(tracker_url, accounts)
        assert live_csv(accounts, language="en") == cli_csv(tracker_url, accounts, language="en")
        erase(tracker_url, email="marie@example.fr", accounts_url=accounts)
        assert "fr-activated" not in rows(accounts)
    finally:
        next(setup, None)
