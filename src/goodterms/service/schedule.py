"""The scheduler of ``goodterms run``: follow-ups at their hour, tone filling and the assessment refresh.

Assessments (``goodterms.assess.store``): the clients whose ledger changed are re-assessed every round,
everyone every ``assess_every_s`` (the portfolio medians move); web pages read what is stored.

Follow-ups: a ladder level with ``send = "auto"`` is sent by itself once a day, at or after its
``send_hour`` in the business's time zone; every other notice waits on the follow-ups page for a
person. The day each level was last sent is kept in the ``blobs`` row ``run:followup``, so the
scheduler calls ``handling.followup.send`` at most once per level per day whatever restarts happen;
should it stop between the send and that record, the send's own record of each notice (its key)
keeps the next call from sending anything twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from goodterms.app import Goodterms
from goodterms.desk.relay import Relay
from goodterms.service import health, jobs
from goodterms.service.jobs import DONE_BLOB, auto_rules_due, read_done

__all__ = ["DONE_BLOB", "PART", "Scheduler", "auto_rules_due", "read_done"]
log = logging.getLogger(__name__)
PART = "scheduler"


@dataclass
class Scheduler:
    """A thread that runs each job when it is due; one job's failure is logged and does not stop the rest."""

    app: Goodterms
    tick_s: float = 30.0
    tone_every_s: float = 600.0
    assess_every_s: float = 900.0
    relay: Relay = field(default_factory=lambda: Relay(host="127.0.0.1", port=25))
    refresh: Callable[[], None] | None = None  # the whole-portfolio refresh; default ``assess_all``
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _last: dict[str, float] = field(default_factory=dict)
    _state: tuple[str, str | None] = ("starting", None)
    _beat_at: float = -1e18

    def start(self) -> None:
        """Start the scheduler's thread."""
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Take no new job; wait for the one under way (up to ``timeout``), then record the stop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        health.record(self.app.engine, PART, state="stopped")

    @property
    def alive(self) -> bool:
        """Whether the scheduler's thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                problems = self.tick()
            except Exception as exc:  # tick catches each job's failure; this is a bug in the loop itself
                log.exception("scheduler round failed")
                problems = [f"{type(exc).__name__}: {exc}"]
            self._beat(("failing", "; ".join(problems)[:300]) if problems else ("running", None))
            self._stop.wait(self.tick_s)

    def _beat(self, state: tuple[str, str | None]) -> None:
        now = time.monotonic()
        if state != self._state or now - self._beat_at >= health.BEAT_EVERY_S:
            if health.record(self.app.engine, PART, state=state[0], detail=state[1]):
                self._beat_at = now
            self._state = state

    def _every(self, job: str, seconds: float) -> bool:
        """Whether ``job`` is due (it runs at once after a start, then every ``seconds``)."""
        now = time.monotonic()
        if seconds <= 0 or now - self._last.get(job, -1e18) < seconds:
            return False
        self._last[job] = now
        return True

    def tick(self) -> list[str]:
        """Run every job due now; return what went wrong, in words (empty when all went well)."""
        problems: list[str] = []
        jobs: list[tuple[str, Callable[[], None]]] = [("follow-ups", self.followups)]
        if self._every("tone", self.tone_every_s):
            jobs.append(("tone", self.tone))
        if self._every("assessment", self.assess_every_s):
            jobs.append(("assessment", self.refresh or self.assess_all))
        jobs.append(("changed clients' assessment", self.assess_stale))
        for name, job in jobs:
            if self._stop.is_set():
                break
            try:
                job()
            except (OSError, SQLAlchemyError) as exc:  # the relay or the ledger away: tried again next round
                log.warning("%s: %s; trying again in %s s", name, exc, self.tick_s, extra={"part": PART})
                problems.append(f"{name}: {exc}")
            except Exception as exc:
                log.exception("%s failed", name, extra={"part": PART})
                problems.append(f"{name}: {type(exc).__name__}: {exc}")
        return problems

    def followups(self) -> None:
        """Send the auto levels whose hour has come (once a day each), then any follow-up still queued."""
        jobs.send_followups(self.app, self.relay, self.clock())

    def assess_all(self) -> None:
        """Re-assess and store every client (new portfolio medians; closed months from stored history)."""
        jobs.refresh_portfolio(self.app)

    def assess_stale(self) -> None:
        """Re-assess and store the clients whose ledger changed since their last assessment."""
        jobs.refresh_changed(self.app)

    def tone(self) -> None:
        """Read the tone of new messages."""
        jobs.fill_tone(self.app)


@dataclass
class AssessmentRefresher:
    """A thread that keeps the stored assessments current for ``goodterms serve`` run on its own.

    ``goodterms run`` and the queue's workers refresh them as part of their rounds; a web app served
    alone (``make web``, ``goodterms serve``) would otherwise show a client as it was before an
    import or a mail taken in by another command. The clients whose ledger changed are re-assessed
    every ``changed_every_s``, everyone every ``all_every_s``; a failure is logged and tried again.
    """

    app: Goodterms
    changed_every_s: float = 30.0
    all_every_s: float = 900.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start refreshing in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="assessment-refresh", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Start no new refresh; wait for the one under way (up to ``timeout``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        last_all = time.monotonic()  # the web app's first read stores everyone when nothing is stored
        while not self._stop.wait(self.changed_every_s):
            try:
                if time.monotonic() - last_all >= self.all_every_s:
                    jobs.refresh_portfolio(self.app)
                    last_all = time.monotonic()
                else:
                    jobs.refresh_changed(self.app)
            except (OSError, SQLAlchemyError) as exc:  # the ledger away or locked: the next round tries again
                log.warning("assessment refresh: %s; trying again in %s s", exc, self.changed_every_s)
            except Exception:
                log.exception("assessment refresh failed")
