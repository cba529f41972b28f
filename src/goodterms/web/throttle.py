"""Login throttling by address and by account-and-address: a growing delay after failures, never a lock-out.

The keys of a try are its address and the pair (account, address), never the account alone: an
attacker failing against an account from one address slows down only that address, and the real
person signing in from an address that has not failed is let through at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def login_keys(address: str, email: str) -> tuple[str, str]:
    """Return the throttle keys of a login try: its address, and the account at that address."""
    return f"ip:{address}", f"account:{email.strip().lower()}|ip:{address}"


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass
class LoginThrottle:
    """Count failed logins per key; after ``free`` failures each try waits 2**n seconds (capped).

    A success clears the account-at-address record (not the address's: signing in to one's own
    account must not reset the count of an address that guesses at others). The wait is capped at
    ``max_wait`` seconds and records are forgotten after ``forget`` seconds; keys are per address
    (``login_keys``), so failures from one address never hold back another.
    """

    free: int = 5
    max_wait: float = 60.0
    forget: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _records: dict[str, _Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _wait(self, key: str, now: float) -> float:
        rec = self._records.get(key)
        if rec is None or now - rec.last > self.forget:
            return 0.0
        over = rec.failures - self.free
        if over < 0:
            return 0.0
        delay = min(self.max_wait, float(2**over))
        return max(0.0, rec.last + delay - now)

    def retry_after(self, *keys: str) -> float:
        """Return how many seconds to wait before another try with these keys (0: go ahead)."""
        now = self.clock()
        with self._lock:
            return max((self._wait(k, now) for k in keys), default=0.0)

    def failed(self, *keys: str) -> None:
        """Record a failed try under every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                rec = self._records.get(key)
                if rec is None or now - rec.last > self.forget:
                    rec = self._records[key] = _Record()
                rec.failures += 1
                rec.last = now
            if len(self._records) > 100_000:
                self._records = {k: r for k, r in self._records.items() if now - r.last <= self.forget}

    def succeeded(self, key: str) -> None:
        """Forget the failures recorded under a key."""
        with self._lock:
            self._records.pop(key, None)
