"""Rasa's Redis lock store, made safe for several Rasa replicas.

Rasa 3.6's ``RedisLockStore`` keeps each conversation's ticket lock as one JSON value and
changes it by read-modify-write (``issue_ticket``, ``finish_serving``, ``cleanup``,
``update_lock``). Two replicas that receive a message of the same conversation at the same
instant both read "no ticket", both issue ticket 0 and both process their message on the same
stale tracker: one user event is lost. `make scale-test` showed it (2 of 10 conversations that
sent two messages at once lost one). The fix upstream (ConcurrentRedisLockStore, RasaHQ/rasa
#11256) is not in Rasa Open Source.

Here every read-modify-write of a conversation's lock runs under a short Redis mutex
(redis-py's ``Lock``: SET NX with an expiry, released by a Lua compare-and-delete), so tickets
are issued and removed one at a time across replicas. The ticket queue itself, and the waiting
for one's turn, are Rasa's own, unchanged.

endpoints.scale.yml::

    lock_store:
      type: rasa_ext.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore

# Long enough for one read-modify-write on a busy machine; short enough that a replica that
# dies holding it blocks the conversation only briefly.
MUTEX_SECONDS = 5.0
MUTEX_WAIT_SECONDS = 10.0


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are atomic across processes."""

    def __init__(self, *args: Any, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            # How Rasa builds a lock store named by its module path in endpoints.yml.
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(*args, **kwargs)
        # The methods below are synchronous and never yield to the event loop, so a plain set
        # is enough to make the mutex re-entrant (cleanup calls finish_serving).
        self._held: set[str] = set()

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        if conversation_id in self._held:
            yield
            return
        mutex = self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_SECONDS,
            blocking_timeout=MUTEX_WAIT_SECONDS,
            sleep=0.005,
        )
        with mutex:  # raises redis LockError after MUTEX_WAIT_SECONDS: Rasa reports an error
            self._held.add(conversation_id)
            try:
                yield
            finally:
                self._held.discard(conversation_id)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Otherwise a ticket issued between "nobody is waiting" and the delete would vanish.
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
