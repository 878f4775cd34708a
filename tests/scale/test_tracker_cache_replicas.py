"""Two Rasa replicas keep trackers in memory over one PostgreSQL tracker store: each answers from
what the database holds, whichever replica wrote it (real PostgreSQL on loopback; `make test`
installs it). `make scale-test` runs the same with two Rasa servers behind nginx and Redis."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from rasa_ext.tracker_store import RedactingSQLTrackerStore
from tests.conftest import rasa_domain
from tests.rasa_ext.test_tracker_cache import rebuilt, state, take_turn
from tests.rasa_ext.test_tracker_store import SENDER, TURNS, said


@pytest.fixture
def replicas(postgres):
    url = postgres.new_database()
    domain = rasa_domain()
    first, second = (RedactingSQLTrackerStore(domain, host=url) for _ in range(2))
    yield first, second, domain
    first.engine.dispose()
    second.engine.dispose()


async def test_each_replica_answers_from_what_the_other_wrote(replicas):
    first, second, domain = replicas
    for turn, events in enumerate(TURNS):
        await take_turn((first, second)[turn % 2], events)
        for replica in (first, second):
            assert state(await replica.retrieve(SENDER), domain) == state(
                await rebuilt(replica), domain
            )
    with first.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events")).scalar()
    assert stored == sum(len(events) for events in TURNS)  # nothing lost, nothing twice
    assert first.cache.outcomes["newer"] and second.cache.outcomes["newer"]


async def test_a_conversation_erased_under_one_replica_is_gone_for_the_other(replicas):
    first, second, _ = replicas
    for events in TURNS[:3]:
        await take_turn(first, events)
    assert await second.retrieve(SENDER) is not None
    with first.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": SENDER})
    assert await first.retrieve(SENDER) is None
    assert await second.retrieve(SENDER) is None
    tracker = await take_turn(second, [said("bonjour", "greet")])
    assert [e.type_name for e in tracker.events] == ["user"]
