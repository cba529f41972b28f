"""The payment ladder, resume, need-answer and boundaries rules, on plain facts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from goodterms.handling.config import FollowupSettings
from goodterms.handling.ladder import (
    AskFacts,
    ClientFacts,
    InvoiceFacts,
    NoticeDue,
    SentNotice,
    boundary_notices,
    need_answer_notices,
    payment_key,
    payment_notices,
    plan_notices,
    resume_notices,
)

DUE = date(2026, 3, 1)
SETTINGS = FollowupSettings()


def invoice(iid: str = "inv1", *, paid: tuple[tuple[date, Decimal], ...] = (), **kw: object) -> InvoiceFacts:
    base: dict[str, object] = {
        "id": iid,
        "client": "c1",
        "number": f"N-{iid}",
        "due": DUE,
        "amount": Decimal("1000.00"),
        "currency": "THB",
    }
    base.update(kw)
    return InvoiceFacts(payments=paid, **base)  # type: ignore[arg-type]


def sent_from(notices: list[NoticeDue], on: date) -> list[SentNotice]:
    return [SentNotice(n.key, n.client, n.rule, on, tuple(e.id for e in n.records)) for n in notices]


def run_days(invoices: list[InvoiceFacts], start: date, days: int) -> list[tuple[date, str]]:
    """Send whatever is due each day, like a daily cron job, and return (day, rule) of each."""
    sent: list[SentNotice] = []
    log: list[tuple[date, str]] = []
    clients = [ClientFacts("c1")]
    for offset in range(days):
        day = start + timedelta(days=offset)
        due = payment_notices(invoices=invoices, sent=sent, settings=SETTINGS, as_of=day)
        due += resume_notices(clients=clients, invoices=invoices, sent=sent, settings=SETTINGS, as_of=day)
        sent += sent_from(due, day)
        log += [(day, n.rule) for n in due]
    return log


def test_no_reminder_on_or_before_the_due_date() -> None:
    assert payment_notices(invoices=[invoice()], sent=[], settings=SETTINGS, as_of=DUE) == []


def test_face_saving_reminder_comes_three_days_after_due() -> None:
    assert (
        payment_notices(invoices=[invoice()], sent=[], settings=SETTINGS, as_of=DUE + timedelta(days=2)) == []
    )
    [notice] = payment_notices(
        invoices=[invoice()], sent=[], settings=SETTINGS, as_of=DUE + timedelta(days=3)
    )
    assert notice.rule == "payment:reminder"
    assert notice.template == "payment_reminder"
    assert notice.key == payment_key("inv1", "reminder")
    assert notice.records[0].id == "inv1"
    assert "3 days late" in notice.reason


def test_a_daily_run_walks_reminder_pause_and_call_at_their_delays() -> None:
    log = run_days([invoice()], DUE, 40)
    assert log == [
        (DUE + timedelta(days=3), "payment:reminder"),
        (DUE + timedelta(days=10), "payment:pause"),
        (DUE + timedelta(days=17), "payment:call"),
    ]


def test_a_backlog_sends_one_level_at_a_time() -> None:
    late = DUE + timedelta(days=60)
    [first] = payment_notices(invoices=[invoice()], sent=[], settings=SETTINGS, as_of=late)
    assert first.rule == "payment:reminder"
    sent = sent_from([first], late)
    assert (
        payment_notices(invoices=[invoice()], sent=sent, settings=SETTINGS, as_of=late + timedelta(days=2))
        == []
    )
    [second] = payment_notices(
        invoices=[invoice()], sent=sent, settings=SETTINGS, as_of=late + timedelta(days=7)
    )
    assert second.rule == "payment:pause" and second.pauses_work


def test_paid_invoice_gets_no_reminder_and_partly_paid_shows_what_is_open() -> None:
    day = DUE + timedelta(days=5)
    paid = invoice(paid=((DUE, Decimal("1000.00")),))
    assert payment_notices(invoices=[paid], sent=[], settings=SETTINGS, as_of=day) == []
    part = invoice(paid=((DUE, Decimal("400.00")),))
    [notice] = payment_notices(invoices=[part], sent=[], settings=SETTINGS, as_of=day)
    assert notice.facts["outstanding"] == Decimal("600.00")


def test_disputed_invoice_is_excluded_unless_configured_otherwise() -> None:
    day = DUE + timedelta(days=5)
    disputed = invoice(disputed=True)
    assert payment_notices(invoices=[disputed], sent=[], settings=SETTINGS, as_of=day) == []
    keep = FollowupSettings(exclude_disputed=False)
    assert len(payment_notices(invoices=[disputed], sent=[], settings=keep, as_of=day)) == 1


def test_payment_after_pause_brings_one_resume_notice() -> None:
    pay_day = DUE + timedelta(days=12)
    inv = invoice(paid=((pay_day, Decimal("1000.00")),))
    log = run_days([inv], DUE, 30)
    assert log == [
        (DUE + timedelta(days=3), "payment:reminder"),
        (DUE + timedelta(days=10), "payment:pause"),
        (pay_day, "resume"),
    ]


def test_paid_then_late_then_paid_pauses_and_resumes_twice() -> None:
    first = invoice("jan", due=date(2026, 1, 1), paid=((date(2026, 1, 1), Decimal("1000.00")),))
    second = invoice("feb", due=date(2026, 2, 1), paid=((date(2026, 2, 15), Decimal("1000.00")),))
    third = invoice("mar", due=date(2026, 3, 1), paid=((date(2026, 3, 20), Decimal("1000.00")),))
    log = run_days([first, second, third], date(2026, 1, 1), 90)
    assert log == [
        (date(2026, 2, 4), "payment:reminder"),
        (date(2026, 2, 11), "payment:pause"),
        (date(2026, 2, 15), "resume"),
        (date(2026, 3, 4), "payment:reminder"),
        (date(2026, 3, 11), "payment:pause"),
        (date(2026, 3, 18), "payment:call"),
        (date(2026, 3, 20), "resume"),
    ]


def test_resume_waits_until_every_pausing_invoice_is_paid() -> None:
    a = invoice("a", paid=((DUE + timedelta(days=12), Decimal("1000.00")),))
    b = invoice("b")
    log = run_days([a, b], DUE, 30)
    assert "resume" not in [rule for _, rule in log]


def test_ended_client_gets_no_payment_follow_up() -> None:
    day = DUE + timedelta(days=5)
    assert (
        payment_notices(invoices=[invoice()], sent=[], settings=SETTINGS, as_of=day, ended=frozenset({"c1"}))
        == []
    )


def ask(aid: str, days_ago: float, now: datetime, **kw: object) -> AskFacts:
    return AskFacts(
        id=aid, client="c1", kind="approval", subject=f"post {aid}", at=now - timedelta(days=days_ago), **kw
    )  # type: ignore[arg-type]


def test_need_answer_lists_asks_waiting_past_the_threshold_once() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    asks = [ask("a1", 5, now), ask("a2", 1, now), ask("a3", 6, now, answered_at=now - timedelta(days=1))]
    [notice] = need_answer_notices(asks=asks, sent=[], settings=SETTINGS, as_of=now)
    assert [e.id for e in notice.records] == ["a1"]
    assert "5 days" in notice.reason
    sent = sent_from([notice], now.date())
    assert need_answer_notices(asks=asks, sent=sent, settings=SETTINGS, as_of=now) == []
    later = now + timedelta(days=3)
    [again] = need_answer_notices(asks=asks, sent=sent, settings=SETTINGS, as_of=later)
    assert [e.id for e in again.records] == ["a2"]
    assert again.key != notice.key


def test_boundaries_follow_flags_and_are_not_repeated_within_the_period() -> None:
    clients = [ClientFacts("c1", flags=frozenset({"over_contact", "thin_margin"})), ClientFacts("c2")]
    day = date(2026, 3, 1)
    notices = boundary_notices(clients=clients, sent=[], settings=SETTINGS, as_of=day)
    assert sorted(n.template for n in notices) == ["boundaries_hours", "boundaries_scope"]
    sent = sent_from(notices, day)
    assert (
        boundary_notices(clients=clients, sent=sent, settings=SETTINGS, as_of=day + timedelta(days=30)) == []
    )
    assert (
        len(boundary_notices(clients=clients, sent=sent, settings=SETTINGS, as_of=day + timedelta(days=91)))
        == 2
    )


def test_plan_combines_every_rule_and_skips_ended_clients() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    clients = [ClientFacts("c1", flags=frozenset({"after_hours"})), ClientFacts("c2", status="ended")]
    invoices = [invoice(), invoice("x", client="c2")]
    asks = [ask("a1", 5, now)]
    notices = plan_notices(
        clients=clients,
        invoices=invoices,
        asks=asks,
        sent=[],
        settings=SETTINGS,
        as_of=now.date(),
        as_of_moment=now,
    )
    assert sorted(n.rule for n in notices) == [
        "boundaries:boundaries_hours",
        "need_answer",
        "payment:reminder",
    ]
    assert {n.client for n in notices} == {"c1"}
