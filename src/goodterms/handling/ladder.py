"""Decide which follow-up notices are due (pure: plain facts in, notices out, no I/O).

Four kinds of notice come out of here:

* the payment ladder: for each unpaid, overdue invoice, the next level whose delay has passed
  (one level at a time, at least ``min_gap_days`` apart, so a backlog never lands at once);
* a resume notice when a client whose work was paused has paid every invoice that paused it;
* "we need your answer to continue" for approval and feedback asks waiting on the client;
* boundaries statements (office hours, scope and price) for clients whose assessment flags ask for them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from goodterms.handling.config import FollowupSettings, LadderLevel

#: Assessment flags answered by an office-hours and response-time statement.
HOURS_FLAGS = frozenset({"over_contact", "after_hours"})
#: Assessment flags answered by a scope-and-price statement.
SCOPE_FLAGS = frozenset({"rush_demands", "unpaid_time", "concession_pressure", "thin_margin"})
RESUME_RULE = "resume"
NEED_ANSWER_RULE = "need_answer"


@dataclass(frozen=True)
class InvoiceFacts:
    """An invoice and what was paid on it (payments dated in the business's timezone)."""

    id: str
    client: str
    number: str
    due: date
    amount: Decimal
    currency: str
    disputed: bool = False
    payments: tuple[tuple[date, Decimal], ...] = ()

    def outstanding(self, as_of: date) -> Decimal:
        """Return what is still unpaid at the end of ``as_of``."""
        paid = sum((amount for on, amount in self.payments if on <= as_of), Decimal(0))
        return max(self.amount - paid, Decimal(0))


@dataclass(frozen=True)
class AskFacts:
    """An approval, feedback, question or asset ask that waits on the client."""

    id: str
    client: str
    kind: str
    subject: str
    at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class ClientFacts:
    """What the ladder needs to know about a client."""

    id: str
    status: str = "active"
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SentNotice:
    """A notice already sent (or a manual action already issued)."""

    key: str
    client: str
    rule: str
    on: date
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """A ledger record a notice rests on."""

    type: str
    id: str
    detail: str = ""


@dataclass(frozen=True)
class NoticeDue:
    """One notice the plan says should go out now, and why."""

    key: str
    client: str
    rule: str
    template: str
    channel: str
    reason: str
    records: tuple[Evidence, ...] = ()
    pauses_work: bool = False
    resumes_work: bool = False
    facts: dict[str, object] = field(default_factory=dict, compare=False)


def payment_key(invoice_id: str, level: str) -> str:
    """Return the idempotency key of a ladder level for one invoice."""
    return f"followup:pay:{invoice_id}:{level}"


def resume_key(pause_key: str) -> str:
    """Return the idempotency key of the resume notice that ends one pause."""
    return f"followup:resume:{pause_key}"


def _rule(level: LadderLevel) -> str:
    return f"payment:{level.name}"


def _next_level(
    inv: InvoiceFacts, levels: Sequence[LadderLevel], sent: dict[str, SentNotice], as_of: date, gap: int
) -> tuple[LadderLevel, date] | None:
    previous: date | None = None
    for index, level in enumerate(levels):
        done = sent.get(payment_key(inv.id, level.name))
        if done is not None:
            previous = done.on
            continue
        if index == 0:
            when = inv.due + timedelta(days=level.delay_days)
        else:
            assert previous is not None
            ref = inv.due if level.since == "due" else previous
            when = max(ref + timedelta(days=level.delay_days), previous + timedelta(days=gap))
        return (level, when) if as_of >= when else None
    return None


def payment_notices(
    *,
    invoices: Iterable[InvoiceFacts],
    sent: Iterable[SentNotice],
    settings: FollowupSettings,
    as_of: date,
    ended: frozenset[str] = frozenset(),
) -> list[NoticeDue]:
    """Return the ladder levels due on ``as_of`` for unpaid, overdue invoices."""
    by_key = {n.key: n for n in sent}
    out: list[NoticeDue] = []
    for inv in invoices:
        if inv.client in ended or (inv.disputed and settings.exclude_disputed):
            continue
        owed = inv.outstanding(as_of)
        if owed <= 0 or as_of <= inv.due:
            continue
        found = _next_level(inv, settings.levels, by_key, as_of, settings.min_gap_days)
        if found is None:
            continue
        level, when = found
        days_late = (as_of - inv.due).days
        out.append(
            NoticeDue(
                key=payment_key(inv.id, level.name),
                client=inv.client,
                rule=_rule(level),
                template=level.template,
                channel=level.channel,
                reason=(
                    f"invoice {inv.number} due {inv.due.isoformat()}, {owed} {inv.currency} unpaid, "
                    f"{days_late} days late; level '{level.name}' due since {when.isoformat()}"
                ),
                records=(Evidence("invoice", inv.id, f"{owed} {inv.currency} unpaid"),),
                pauses_work=level.pauses_work,
                facts={
                    "invoice": inv.id,
                    "number": inv.number,
                    "due": inv.due,
                    "outstanding": owed,
                    "currency": inv.currency,
                    "days_late": days_late,
                    "level": level.name,
                },
            )
        )
    return out


def resume_notices(
    *,
    clients: Iterable[ClientFacts],
    invoices: Iterable[InvoiceFacts],
    sent: Iterable[SentNotice],
    settings: FollowupSettings,
    as_of: date,
) -> list[NoticeDue]:
    """Return a resume notice for each paused client whose pausing invoices are all paid."""
    pausing = {_rule(level) for level in settings.levels if level.pauses_work}
    sent_list = [n for n in sent if n.on <= as_of]
    latest_pause: dict[str, SentNotice] = {}
    resumed: set[str] = set()
    paused_invoices: dict[str, set[str]] = defaultdict(set)
    for n in sent_list:
        if n.rule in pausing:
            paused_invoices[n.client].update(n.records)
            if n.client not in latest_pause or (n.on, n.key) > (
                latest_pause[n.client].on,
                latest_pause[n.client].key,
            ):
                latest_pause[n.client] = n
        elif n.rule == RESUME_RULE:
            resumed.add(n.key)
    unpaid = {inv.id for inv in invoices if inv.outstanding(as_of) > 0}
    out: list[NoticeDue] = []
    for client in clients:
        pause = latest_pause.get(client.id)
        if pause is None or resume_key(pause.key) in resumed or client.status == "ended":
            continue
        if paused_invoices[client.id] & unpaid:
            continue
        out.append(
            NoticeDue(
                key=resume_key(pause.key),
                client=client.id,
                rule=RESUME_RULE,
                template="resume",
                channel="email",
                reason=f"work paused on {pause.on.isoformat()} ({pause.key}); "
                f"every invoice that paused it is paid",
                records=tuple(Evidence("invoice", i) for i in sorted(paused_invoices[client.id])),
                resumes_work=True,
                facts={"paused_on": pause.on, "pause_key": pause.key},
            )
        )
    return out


def need_answer_notices(
    *, asks: Iterable[AskFacts], sent: Iterable[SentNotice], settings: FollowupSettings, as_of: datetime
) -> list[NoticeDue]:
    """Return one 'we need your answer' notice per client with asks waiting past the threshold."""
    told = {r for n in sent if n.rule == NEED_ANSWER_RULE for r in n.records}
    threshold = as_of - timedelta(days=settings.need_answer_after_days)
    waiting: dict[str, list[AskFacts]] = defaultdict(list)
    for ask in asks:
        open_now = ask.answered_at is None or ask.answered_at > as_of
        if open_now and ask.at <= threshold and ask.id not in told:
            waiting[ask.client].append(ask)
    out: list[NoticeDue] = []
    for client, items in sorted(waiting.items()):
        items.sort(key=lambda a: (a.at, a.id))
        digest = hashlib.sha1("|".join(a.id for a in items).encode()).hexdigest()[:12]
        oldest = items[0]
        out.append(
            NoticeDue(
                key=f"followup:need:{client}:{digest}",
                client=client,
                rule=NEED_ANSWER_RULE,
                template="need_answer",
                channel="email",
                reason=(
                    f"{len(items)} ask(s) waiting on the client, oldest since {oldest.at.date().isoformat()} "
                    f"({(as_of - oldest.at).days} days)"
                ),
                records=tuple(Evidence("approval_ask", a.id, f"{a.kind}: {a.subject}") for a in items),
                facts={"asks": tuple(items)},
            )
        )
    return out


def boundary_notices(
    *, clients: Iterable[ClientFacts], sent: Iterable[SentNotice], settings: FollowupSettings, as_of: date
) -> list[NoticeDue]:
    """Return boundaries statements for clients whose flags call for them, at most once per period."""
    recent: set[tuple[str, str]] = set()
    horizon = as_of - timedelta(days=settings.boundaries_repeat_days)
    for n in sent:
        if n.rule.startswith("boundaries:") and horizon < n.on <= as_of:
            recent.add((n.client, n.rule))
    out: list[NoticeDue] = []
    for client in clients:
        if client.status == "ended":
            continue
        for template, wanted in (("boundaries_hours", HOURS_FLAGS), ("boundaries_scope", SCOPE_FLAGS)):
            hits = sorted(client.flags & wanted)
            rule = f"boundaries:{template}"
            if not hits or (client.id, rule) in recent:
                continue
            out.append(
                NoticeDue(
                    key=f"followup:bound:{client.id}:{template}:{as_of.isoformat()}",
                    client=client.id,
                    rule=rule,
                    template=template,
                    channel="email",
                    reason=f"assessment flags {', '.join(hits)}",
                    records=tuple(Evidence("flag", h) for h in hits),
                )
            )
    return out


def plan_notices(
    *,
    clients: Sequence[ClientFacts],
    invoices: Sequence[InvoiceFacts],
    asks: Sequence[AskFacts],
    sent: Sequence[SentNotice],
    settings: FollowupSettings,
    as_of: date,
    as_of_moment: datetime,
) -> list[NoticeDue]:
    """Return every notice due on ``as_of``: payment ladder, resume, need-answer and boundaries."""
    ended = frozenset(c.id for c in clients if c.status == "ended")
    notices = payment_notices(invoices=invoices, sent=sent, settings=settings, as_of=as_of, ended=ended)
    notices += resume_notices(clients=clients, invoices=invoices, sent=sent, settings=settings, as_of=as_of)
    live_asks = [a for a in asks if a.client not in ended]
    notices += need_answer_notices(asks=live_asks, sent=sent, settings=settings, as_of=as_of_moment)
    notices += boundary_notices(clients=clients, sent=sent, settings=settings, as_of=as_of)
    notices.sort(key=lambda n: (n.client, n.rule, n.key))
    return notices
