"""Login throttling by IP and by account: a growing delay after failures, never a lock-out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass
class LoginThrottle:
    """Count failed logins per key; after ``free`` failures each try waits 2**n seconds (capped).

    A success clears the account's record. Because the wait is capped at ``max_wait`` seconds and
    records are forgotten after ``forget`` seconds, an attacker cannot lock the real owner out.
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
