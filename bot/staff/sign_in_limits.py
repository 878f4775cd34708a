"""Failed sign-ins allowed per staff account and per client address (the `limits` library,
moving window). Past either limit the console does not even check the password until the
window has moved on: guessing is slowed to a few attempts per quarter of an hour.

Only failures count, so a member of staff who signs in many times a day is never stopped. A
known address can be locked out for the window by anyone who fails on purpose; that is the
price of stopping password guessing against it, and the window is short.
"""

from __future__ import annotations

import hashlib
import time

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from bot.settings import Settings

_NAMESPACE = "staff-sign-in"


def _key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()


class SignInLimits:
    def __init__(self, settings: Settings) -> None:
        # The limiter keeps only a weak reference to its storage (limits 2.x): keep it here.
        self._storage = storage_from_string(settings.rate_limit_storage_url)
        self._limiter = MovingWindowRateLimiter(self._storage)
        window = settings.staff_sign_in_window_minutes
        self._per_account = RateLimitItemPerMinute(settings.staff_sign_in_limit_per_account, window)
        self._per_address = RateLimitItemPerMinute(settings.staff_sign_in_limit_per_address, window)

    def _checks(self, email: str, address: str):
        return (
            (self._per_account, "account", _key(email)),
            (self._per_address, "address", _key(address)),
        )

    def blocked_for(self, email: str, address: str) -> int:
        """Seconds until the next attempt may be checked (0: it may be now)."""
        wait = 0
        for item, scope, key in self._checks(email, address):
            if not self._limiter.test(item, _NAMESPACE, scope, key):
                reset, _ = self._limiter.get_window_stats(item, _NAMESPACE, scope, key)
                wait = max(wait, int(reset - time.time()) + 1)
        return wait

    def failed(self, email: str, address: str) -> None:
        for item, scope, key in self._checks(email, address):
            self._limiter.hit(item, _NAMESPACE, scope, key)
