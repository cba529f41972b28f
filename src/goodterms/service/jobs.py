"""The jobs of ``goodterms run``, as plain functions: the one code that both runners call.

On SQLite (and on PostgreSQL by default) ``goodterms run`` calls them from its threads (the desk's
outbox sender, ``schedule.Scheduler``, ``runner.MailboxPoller``); with the queue on PostgreSQL
(``goodterms worker``, ``goodterms run --jobs queue``) the procrastinate tasks of
``service.queue`` call the same functions. Each one is safe to run twice, or in two processes at
once: the outbox sends a row once (on PostgreSQL a row is claimed with an advisory lock while it is
handed to the relay), a follow-up notice is recorded under its own key when it is queued, a mailbox
remembers its last UID in the transaction that stores a message, and tone is read once per message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from goodterms.app import Goodterms
from goodterms.connect.config import MailboxSettings
from goodterms.desk.outbox import send_pending
from goodterms.desk.relay import Relay
from goodterms.handling import followup
from goodterms.handling.config import FollowupSettings
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope

log = logging.getLogger(__name__)
#: Outbox kinds the desk's sender handles (the fast work: answers to clients who just wrote).
ACK_KINDS = frozenset({"ack", "repeat_ack"})
#: The ``blobs`` row that keeps the day each automatic follow-up level was last sent.
DONE_BLOB = "run:followup"


def deliver(
    app: Goodterms,
    relay: Relay,
    *,
    kinds: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
    retry_delays: tuple[float, ...] = (),
) -> int:
    """Send unsent outbox rows (only ``kinds``, only the rows ``ids`` when given); return how many went.

    Raises what ``desk.outbox.send_pending`` raises (relay away, wrong login, database away): the
    rows stay queued for the caller's next round or the job's retry.
    """
    return send_pending(
        engine=app.engine,
        relay=relay,
        kinds=set(kinds) if kinds is not None else None,
        ids=list(ids) if ids is not None else None,
        retry_delays=retry_delays,
    )


def auto_rules_due(settings: FollowupSettings, local_now: datetime, done: dict[str, str]) -> set[str]:
    """Return the rules of the auto-sent levels whose hour has come today and that were not sent today."""
    today = local_now.date().isoformat()
    return {
        f"payment:{level.name}"
        for level in settings.levels
        if level.send == "auto"
        and level.send_hour <= local_now.hour
        and done.get(f"payment:{level.name}") != today
    }


def read_done(app: Goodterms) -> dict[str, str]:
    """Return rule → the day (YYYY-MM-DD) it was last sent automatically."""
    with session_scope(app.engine) as session:
        blob = session.get(m.Blob, DONE_BLOB)
        return dict(json.loads(blob.data)) if blob is not None else {}


def _write_done(app: Goodterms, rules: set[str], day: date) -> None:
    with session_scope(app.engine) as session:
        blob = session.get(m.Blob, DONE_BLOB, with_for_update=True)
        done = dict(json.loads(blob.data)) if blob is not None else {}
        done.update(dict.fromkeys(rules, day.isoformat()))
        session.merge(m.Blob(name=DONE_BLOB, data=json.dumps(done).encode(), updated_at=datetime.now(UTC)))


@dataclass(frozen=True)
class FollowupRound:
    """What one follow-up round did."""

    rules: frozenset[str]  # the automatic levels sent this round (empty: none was due)
    queued: int = 0
    sent: int = 0


def send_followups(app: Goodterms, relay: Relay, now: datetime | None = None) -> FollowupRound:
    """Send the auto levels whose hour has come (once a day each), else any follow-up mail still queued.

    The day each level went is noted in the ``blobs`` row ``run:followup``; every notice is also
    recorded under its own key when it is queued, so a stop between the send and that note, or two
    rounds at once, sends nothing twice.
    """
    local_now = (now or datetime.now(UTC)).astimezone(ZoneInfo(app.business().timezone))
    due = auto_rules_due(app.settings.followup, local_now, read_done(app))
    if not due:
        sent = deliver(app, relay, kinds=followup.KINDS)
        return FollowupRound(frozenset(), sent=sent)
    log.info("sending follow-ups automatically: %s", ", ".join(sorted(due)))
    try:
        result = followup.send(
            app=app,
            as_of=local_now.date(),
            relay=relay,
            retry_delays=(),  # the next round tries again
            rules=due,
        )
    except OSError:
        # Queued and recorded already; the relay was away, so the rows go out on a later round.
        _write_done(app, due, local_now.date())
        raise
    _write_done(app, due, local_now.date())
    log.info("follow-ups: queued %s, sent %s", result.queued, result.sent)
    return FollowupRound(frozenset(due), queued=result.queued, sent=result.sent)


def refresh_changed(app: Goodterms) -> int:
    """Re-assess and store the clients whose ledger changed since their last assessment; return how many."""
    from goodterms.assess.store import refresh_stale

    done = refresh_stale(app)
    if done:
        log.info("assessment refreshed for %s changed client(s)", done)
    return done


def refresh_portfolio(app: Goodterms) -> int:
    """Re-assess and store every client (new portfolio medians; closed months from stored history)."""
    from goodterms.assess.store import refresh_all

    done = refresh_all(app)
    log.info("assessment stored for %s client(s)", done)
    return done


def fill_tone(app: Goodterms) -> int:
    """Read the tone of messages that have none yet; return how many were read."""
    from goodterms.tone_service import fill_tone as fill

    done = fill(engine=app.engine, embed=app.settings.text.embed)
    if done:
        log.info("tone read for %s message(s)", done)
    return done


@dataclass(frozen=True)
class MailboxPass:
    """What one pass over a mailbox did: new messages and the problems met, in words."""

    new: int
    problems: tuple[str, ...]


def poll_mailbox(app: Goodterms, box: MailboxSettings) -> MailboxPass:
    """Read the new messages of one mailbox once (raises when it cannot be reached or logged in to)."""
    from goodterms.connect.mailbox import fetch

    report = fetch(app, box)
    result = MailboxPass(
        new=sum(f.new for f in report.folders),
        problems=tuple(p for f in report.folders for p in f.problems),
    )
    if result.new or result.problems:
        log.info(
            "mailbox %s: %s new message(s)%s",
            box.name,
            result.new,
            "; " + "; ".join(result.problems) if result.problems else "",
        )
    return result
