"""What one save of the redacting tracker store costs after 1,000 hostile messages.

The store (rasa_ext/tracker_store.py) redacts each turn's events before writing them. An
attacker controls how many messages a conversation holds and what they carry, so the cost of a
save must not grow with the conversation. Three hostile conversations of ``--turns`` messages
(1,000 by default), each saved through ``RedactingSQLTrackerStore`` on SQLite, with and without
an event broker (Rasa's file broker):

- ``metadata codes``: every message carries a different ``invitation_code`` in its metadata,
  with characters that change when upper-cased ("ß", ligatures);
- ``long refused passwords``: every message answers the password question with 4,900 random
  characters, refused;
- ``code-shaped text``: every message is 4,900 characters of four-symbol groups, each a
  possible invitation code.

The first ``turns - 5`` messages are written in one save (the rows the store would have
written); then 5 more turns are saved one by one, as Rasa's processor saves them (tracker read
back, new events appended, ``save``), and the median save is printed, with the median read.

    .venv/bin/python -m bench.redaction_cost [--turns 1000]

The same script runs against an older checkout (``PYTHONPATH=<checkout>``): it uses only the
store's public interface.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import string
import tempfile
import time
from pathlib import Path

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from rasa_ext.tracker_store import RedactingSQLTrackerStore
from tests.conftest import rasa_domain

SENDER = "hostile"
MEASURED = 5


def said(text: str, metadata: dict | None = None) -> UserUttered:
    parse_data = {"intent": {"name": "inform", "confidence": 0.4}, "entities": [], "text": text}
    return UserUttered(text, parse_data["intent"], [], parse_data, metadata=metadata or {})


def metadata_codes(number: int, rng: random.Random) -> list:
    code = "ß" + "".join(rng.choices("ﬁﬂ" + string.ascii_lowercase + string.digits, k=14))
    return [
        said(f"question {number} sur la facturation", {"language": "fr", "invitation_code": code}),
        ActionExecuted("utter_default"),
        BotUttered("Pouvez-vous reformuler ?"),
        ActionExecuted("action_listen"),
    ]


def long_refused_passwords(number: int, rng: random.Random) -> list:
    answer = "".join(rng.choices(string.ascii_letters + string.digits, k=4900))
    return [
        said(answer),
        ActionExecuted("registration_form"),
        SlotSet("password", None),
        BotUttered("Ce mot de passe ne peut pas être utilisé."),
        SlotSet("requested_slot", "password"),
        ActionExecuted("action_listen"),
    ]


def code_shaped_text(number: int, rng: random.Random) -> list:
    groups = ("".join(rng.choices("ABCDEFGHJKMNPQRSTVWXYZ0123456789", k=4)) for _ in range(980))
    return [
        said(" ".join(groups)),
        ActionExecuted("utter_default"),
        BotUttered("Pouvez-vous reformuler ?"),
        ActionExecuted("action_listen"),
    ]


SCENARIOS = {
    "metadata codes": metadata_codes,
    "long refused passwords": long_refused_passwords,
    "code-shaped text": code_shaped_text,
}


def opening(scenario: str) -> list:
    events = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    if scenario == "long refused passwords":
        events.insert(1, SlotSet("requested_slot", "password"))
    return events


async def measure(scenario: str, turns: int, work: Path, broker: bool) -> tuple[float, float]:
    """Median seconds of a save and of a read once the conversation holds ``turns`` messages."""
    rng = random.Random(13)  # noqa: S311 - reproducible test data, not a secret
    make_turn = SCENARIOS[scenario]
    event_broker = None
    if broker:
        config = EndpointConfig(type="file", path=str(work / "broker.jsonl"))
        event_broker = await EventBroker.create(config)
    store = RedactingSQLTrackerStore(
        rasa_domain(), host=f"sqlite:///{work / 'conversations.db'}", event_broker=event_broker
    )
    tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
    for event in opening(scenario):
        tracker.update(event)
    for number in range(turns - MEASURED):
        for event in make_turn(number, rng):
            tracker.update(event)
    await store.save(tracker)  # the conversation so far, as the store would have written it
    saves, reads = [], []
    for number in range(turns - MEASURED, turns):
        start = time.perf_counter()
        tracker = await store.get_or_create_tracker(SENDER, append_action_listen=False)
        reads.append(time.perf_counter() - start)
        for event in make_turn(number, rng):
            tracker.update(event)
        start = time.perf_counter()
        await store.save(tracker)
        saves.append(time.perf_counter() - start)
    store.engine.dispose()
    if event_broker is not None:
        await event_broker.close()
        for handler in logging.getLogger("event-logger").handlers[:]:
            handler.close()
            logging.getLogger("event-logger").removeHandler(handler)
    return statistics.median(saves), statistics.median(reads)


async def main_async(turns: int) -> None:
    print(f"{turns} hostile messages in one conversation; median of {MEASURED} saves after them")
    print(f"{'scenario':<24}{'broker':<8}{'save ms':>10}{'read ms':>10}")
    for scenario in SCENARIOS:
        for broker in (False, True):
            with tempfile.TemporaryDirectory() as work:
                save, read = await measure(scenario, turns, Path(work), broker)
            print(
                f"{scenario:<24}{'file' if broker else 'none':<8}"
                f"{save * 1000:>10.1f}{read * 1000:>10.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1000, help="messages in the conversation")
    asyncio.run(main_async(parser.parse_args().turns))


if __name__ == "__main__":
    main()
