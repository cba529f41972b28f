"""The read-only ledger views behind the portfolio, client and desk pages."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from goodterms.calendar import WEEKDAYS, BusinessCalendar
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.views import (
    PortfolioQuery,
    approval_rounds,
    client_headline,
    contact_weeks,
    portfolio_page,
    timeline_view,
    waiting_split,
)
from tests.factories import at, business, client, contact

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


#: Open every morning, 00:00-12:00 UTC.
MORNINGS = BusinessCalendar.from_settings("UTC", {d: [["00:00", "12:00"]] for d in WEEKDAYS}, [])


def _ledger(engine: Engine, n: int = 25) -> None:
    events: list[dict[str, object]] = [business()]
    for i in range(n):
        events.append(
            client(f"k{i:02d}", name=f"Client {i:02d}", status="paused" if i % 5 == 0 else "active")
        )
        for j in range(i % 4):
            events.append(contact(f"k{i:02d}", j, at(j)))
    import_event_dicts(engine, events)


def test_portfolio_pages_through_every_client_once(engine: Engine) -> None:
    _ledger(engine)
    seen = []
    for page in (1, 2, 3):
        data = portfolio_page(engine=engine, query=PortfolioQuery(page=page, per_page=10))
        assert data["total"] == 25 and data["pages"] == 3
        seen += [c["id"] for c in data["clients"]]
    assert seen == sorted(seen) and len(set(seen)) == 25


def test_portfolio_filters_searches_and_sorts(engine: Engine) -> None:
    _ledger(engine)
    paused = portfolio_page(engine=engine, query=PortfolioQuery(status="paused"))
    assert {c["id"] for c in paused["clients"]} == {"k00", "k05", "k10", "k15", "k20"}
    found = portfolio_page(engine=engine, query=PortfolioQuery(q="client 1"))
    assert found["total"] == 10
    busiest = portfolio_page(engine=engine, query=PortfolioQuery(sort="contacts", desc=True, per_page=3))
    assert [c["contacts"] for c in busiest["clients"]] == [3, 3, 3]


VERDICTS = ("let_go", "renegotiate", "set_boundaries", "keep")


def _stored(engine: Engine, health: dict[str, tuple[int, str]]) -> None:
    """Store an assessment (health, verdict) for each named client, in place of a refresh."""
    with engine.begin() as conn:
        conn.execute(delete(m.StoredAssessment))
        ids = {k: v for k, v in conn.execute(select(m.Client.ext_id, m.Client.id))}
        for ext_id, (score, verdict) in health.items():
            conn.execute(
                insert(m.StoredAssessment).values(
                    client_id=ids[ext_id],
                    computed_at=NOW,
                    as_of=NOW,
                    settings_key="test",
                    health=score,
                    verdict=verdict,
                    data={},
                    generation=1,
                )
            )


def test_portfolio_sorts_by_health_with_unscored_clients_last(engine: Engine) -> None:
    _ledger(engine, 6)
    _stored(
        engine, {"k02": (10, "let_go"), "k00": (90, "keep"), "k01": (50, "keep"), "k04": (50, "renegotiate")}
    )
    data = portfolio_page(engine=engine, query=PortfolioQuery(sort="health"), verdicts=VERDICTS)
    # Equal health: the more severe verdict first; the unscored last, by id.
    assert [c["id"] for c in data["clients"]] == ["k02", "k04", "k01", "k00", "k03", "k05"]
    back = portfolio_page(engine=engine, query=PortfolioQuery(sort="health", desc=True), verdicts=VERDICTS)
    assert [c["id"] for c in back["clients"]] == ["k05", "k03", "k00", "k01", "k04", "k02"]
    paged = portfolio_page(
        engine=engine, query=PortfolioQuery(sort="health", per_page=2, page=2), verdicts=VERDICTS
    )
    assert [c["id"] for c in paged["clients"]] == ["k01", "k00"] and paged["pages"] == 3
    paused = portfolio_page(
        engine=engine, query=PortfolioQuery(sort="health", status="paused"), verdicts=VERDICTS
    )
    assert [c["id"] for c in paused["clients"]] == ["k00", "k05"]
    # Without the verdicts (no stored assessment read) a sort by health is by name.
    plain = portfolio_page(engine=engine, query=PortfolioQuery(sort="health"))
    assert [c["id"] for c in plain["clients"]] == [f"k{i:02d}" for i in range(6)]


def test_unknown_sort_and_huge_pages_are_clamped() -> None:
    q = PortfolioQuery(sort="drop table", per_page=10**6, page=-3, status="weird").normalised()
    assert (q.sort, q.per_page, q.page, q.status) == ("name", 200, 1, "")


def test_headline_counts_recent_contacts_open_requests_and_days_late(engine: Engine) -> None:
    events: list[dict[str, object]] = [business(), client("a"), client("b"), client("c")]
    events += [contact("a", i, "2026-03-20T10:00:00+00:00") for i in range(4)]
    events += [contact("b", i, "2026-03-25T10:00:00+00:00") for i in range(2)]
    events.append(contact("a", 9, "2026-01-01T10:00:00+00:00"))
    events.append(
        {"type": "request", "id": "r1", "client": "a", "at": "2026-03-22T12:00:00+00:00", "subject": "x"}
    )
    events.append(
        {
            "type": "request",
            "id": "r2",
            "client": "a",
            "at": "2026-03-30T12:00:00+00:00",
            "subject": "y",
            "status": "waiting",
        }
    )
    events.append(
        {
            "type": "invoice",
            "id": "i1",
            "client": "a",
            "number": "1",
            "issued": "2026-01-01",
            "due": "2026-01-15",
            "amount": "100.00",
            "currency": "THB",
        }
    )
    events.append(
        {
            "type": "payment",
            "id": "p1",
            "invoice": "i1",
            "at": "2026-01-20T09:00:00+00:00",
            "amount": "100.00",
        }
    )
    events.append(
        {
            "type": "invoice",
            "id": "i2",
            "client": "a",
            "number": "2",
            "issued": "2026-03-01",
            "due": "2026-03-22",
            "amount": "100.00",
            "currency": "THB",
        }
    )
    import_event_dicts(engine, events)
    head = client_headline(engine=engine, ref="a", now=NOW)
    assert head["contacts_30d"] == 4
    assert head["portfolio_median_30d"] == 2.0
    assert head["open_requests"] == 2
    assert head["oldest_open_days"] == 10
    assert [i["days_late"] for i in head["days_late"]] == [5, 10]
    assert [i["settled"] for i in head["days_late"]] == [True, False]
    assert waiting_split(engine=engine, ref="a") == {"on_us": 1, "on_them": 1}


def test_contact_weeks_count_by_channel_and_after_hours_share(engine: Engine) -> None:
    events: list[dict[str, object]] = [business(), client("a")]
    events.append(contact("a", 1, "2026-03-30T09:00:00+00:00", channel="call"))
    events.append(contact("a", 2, "2026-03-30T20:00:00+00:00"))
    import_event_dicts(engine, events)
    weeks = contact_weeks(engine=engine, ref="a", now=NOW, calendar=MORNINGS, weeks=4)
    assert len(weeks) == 4
    assert weeks[-1]["by_channel"] == {"call": 1, "email": 1}
    assert weeks[-1]["after_hours_share"] == 0.5
    assert sum(w["total"] for w in weeks) == 2


def test_timeline_filters_jumps_and_groups_by_month(engine: Engine) -> None:
    events: list[dict[str, object]] = [business(), client("a")]
    events += [
        contact("a", i, f"2026-0{1 + i % 3}-1{i}T10:00:00+00:00", channel="call" if i % 2 else "email")
        for i in range(6)
    ]
    import_event_dicts(engine, events)
    calls = timeline_view(engine=engine, ref="a", channels=["call"])
    assert calls["count"] == 3
    jumped = timeline_view(engine=engine, ref="a", until=date(2026, 1, 31))
    assert [m["month"] for m in jumped["months"]] == ["2026-01"]
    limited = timeline_view(engine=engine, ref="a", limit=2)
    assert limited["count"] == 2 and limited["older"] is not None
    rest = timeline_view(engine=engine, ref="a", before=datetime.fromisoformat(limited["older"]), limit=10)
    assert rest["count"] == 4 and rest["older"] is None
    both = [e["id"] for m in limited["months"] + rest["months"] for e in m["entries"]]
    assert sorted(both) == sorted(f"a-k{i}" for i in range(6))
    months = [m["month"] for m in timeline_view(engine=engine, ref="a")["months"]]
    assert months == sorted(months, reverse=True)


def test_approval_rounds_per_delivery(engine: Engine) -> None:
    events: list[dict[str, object]] = [business(), client("a")]
    events.append({"type": "delivery", "id": "d1", "client": "a", "at": at(1), "title": "Logo"})
    for r in (1, 2, 3):
        events.append(
            {
                "type": "approval_ask",
                "id": f"q{r}",
                "client": "a",
                "delivery": "d1",
                "at": at(r),
                "kind": "approval",
                "round": r,
            }
        )
    import_event_dicts(engine, events)
    assert approval_rounds(engine=engine, ref="a") == [{"id": "d1", "title": "Logo", "rounds": 3}]


def test_portfolio_amount_due_is_what_is_left_to_pay(engine: Engine) -> None:
    events: list[dict[str, object]] = [business(), client("a"), client("b")]
    events.append(
        {
            "type": "invoice",
            "id": "i1",
            "client": "a",
            "number": "1",
            "issued": "2026-01-01",
            "due": "2026-01-15",
            "amount": "100.50",
            "currency": "THB",
        }
    )
    events.append(
        {"type": "payment", "id": "p1", "invoice": "i1", "at": "2026-01-20T09:00:00+00:00", "amount": "40.25"}
    )
    import_event_dicts(engine, events)
    data = portfolio_page(engine=engine, query=PortfolioQuery(sort="amount_due", desc=True))
    assert [(c["id"], c["amount_due"]) for c in data["clients"]] == [("a", "60.25"), ("b", "0.00")]
    # A page sorted by health counts only its own clients' records, and counts them the same.
    for health in ({"a": (1, "keep"), "b": (0, "keep")}, {"b": (5, "keep")}):
        _stored(engine, health)
        one = portfolio_page(
            engine=engine, query=PortfolioQuery(sort="health", per_page=1), verdicts=VERDICTS
        )
        assert one["clients"] == [c for c in data["clients"] if c["id"] == "b"] and one["total"] == 2
        two = portfolio_page(engine=engine, query=PortfolioQuery(sort="health", desc=True), verdicts=VERDICTS)
        assert [c["id"] for c in two["clients"]] == ["a", "b"]
        assert sorted(two["clients"], key=lambda c: c["id"]) == sorted(data["clients"], key=lambda c: c["id"])


def test_bounded_timeline_has_the_same_entries_as_the_full_timeline(engine: Engine) -> None:
    from goodterms.ledger.queries import timeline
    from tests.web.conftest import ledger_events

    events = ledger_events()
    events.append({"type": "delivery", "id": "d1", "client": "c1", "at": at(5), "title": "Logo"})
    events.append(
        {
            "type": "approval_ask",
            "id": "q1",
            "client": "c1",
            "delivery": "d1",
            "at": at(6),
            "kind": "approval",
        }
    )
    events.append({"type": "approval_answer", "id": "q1a", "ask": "q1", "at": at(7), "outcome": "changes"})
    events.append(
        {"type": "concession", "id": "k1", "client": "c1", "at": at(8), "kind": "discount", "value": "5.00"}
    )
    events.append({"type": "work", "id": "w1", "client": "c1", "at": at(9), "minutes": 30})
    events.append({"type": "reply", "id": "rp1", "request": "r1", "at": at(3, hours=1), "text": "done"})
    import_event_dicts(engine, events)
    full = timeline(engine, "c1")["entries"]
    paged = timeline_view(engine=engine, ref="c1", limit=1000)
    mine = [e for m in paged["months"] for e in m["entries"]]
    assert sorted(mine, key=lambda e: (e["at"], e["type"], e["id"])) == full
    assert len({e["type"] for e in full}) >= 10


def test_the_evidence_of_many_clients_is_read_in_a_constant_number_of_queries(engine: Engine) -> None:
    """The home page asks for the evidence of up to fifty clients at once: the queries do not grow with
    the clients (one per client before), and a record named under another client is not shown."""
    from sqlalchemy import event

    from goodterms.ledger.views import clients_records

    _ledger(engine, 24)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def read(refs: list[str]) -> dict[str, dict[tuple[str, str], object]]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            wanted = {ref: {"contact": [f"{ref}-k0", f"{ref}-k1", "k03-k0"]} for ref in refs}
            return clients_records(engine=engine, wanted=wanted)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    few = read(["k01", "k02", "k03"])
    few_queries = len(statements)
    many = read([f"k{i:02d}" for i in range(1, 24)])
    assert len(statements) == few_queries, (few_queries, statements)
    assert sorted(few["k02"]) == [("contact", "k02-k0"), ("contact", "k02-k1")]  # not k03's record
    assert sorted(few["k03"]) == [("contact", "k03-k0"), ("contact", "k03-k1")]
    assert sorted(few["k01"]) == [("contact", "k01-k0")]
    assert many["k02"] == few["k02"]
    # One client named twice, by its id and by its name: each name gets the records it asked for.
    both = clients_records(
        engine=engine, wanted={"k02": {"contact": ["k02-k0"]}, "Client 02": {"contact": ["k02-k1"]}}
    )
    assert (sorted(both["k02"]), sorted(both["Client 02"])) == (
        [("contact", "k02-k0")],
        [("contact", "k02-k1")],
    )


def test_the_last_30_days_of_every_client_are_counted_from_the_time_index(engine: Engine) -> None:
    """The client page's portfolio median counts the last 30 days' contacts per client: on SQLite from a
    range of ix_contacts_at_client (time first), not by walking every contact in the client index."""
    from sqlalchemy import func, select

    from goodterms.ledger import models as m

    if engine.dialect.name != "sqlite":
        return  # PostgreSQL plans by its statistics; the numbers are checked by the test above
    _ledger(engine, 8)
    by_client = m.Contact.client_id + 0
    query = select(by_client, func.count()).where(m.Contact.at >= NOW).group_by(by_client)
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    assert "ix_contacts_at_client (at>" in plan, plan
    with engine.connect() as conn:  # the same numbers, counted one client at a time
        since = NOW - timedelta(days=30)
        counts = {
            ref: conn.execute(
                select(func.count()).where(m.Contact.client_id == cid, m.Contact.at >= since)
            ).scalar_one()
            for cid, ref in conn.execute(select(m.Client.id, m.Client.ext_id))
        }
    headline = client_headline(engine=engine, ref="k03", now=NOW)
    assert headline["contacts_30d"] == counts["k03"] > 0
    assert headline["portfolio_median_30d"] == statistics.median(counts.values())


def test_the_after_hours_share_agrees_with_the_calendar_moment_by_moment(engine: Engine) -> None:
    """contact_weeks reads the opening hours once as spans; each contact is after hours exactly when the
    calendar says so of its moment (Tallinn: a clock change on 29 March, a holiday, a half-hour close,
    a span inside another)."""
    from collections import Counter

    calendar = BusinessCalendar.from_settings(
        "Europe/Tallinn",
        {
            "mon": [["09:00", "12:30"], ["13:00", "17:00"]],
            "tue": [["09:00", "17:00"], ["10:00", "11:00"]],  # a span inside another
            "sat": [["10:00", "24:00"]],
            "sun": [["00:00", "02:00"]],  # touches Saturday's
        },
        ["2026-03-24"],
    )
    moments = [datetime(2026, 3, 4, 12, 7, tzinfo=UTC) + timedelta(minutes=37 * i) for i in range(1200)]
    events: list[dict[str, object]] = [business(), client("a")]
    events += [contact("a", i, moment.isoformat()) for i, moment in enumerate(moments)]
    import_event_dicts(engine, events)
    weeks = contact_weeks(engine=engine, ref="a", now=NOW, calendar=calendar, weeks=4)
    start = NOW - timedelta(weeks=4)
    expected: Counter[int] = Counter()
    totals: Counter[int] = Counter()
    for moment in moments:
        if start <= moment < NOW:
            index = min(3, int((moment - start) / timedelta(weeks=1)))
            totals[index] += 1
            expected[index] += not calendar.is_open(moment)
    assert [w["total"] for w in weeks] == [totals[i] for i in range(4)]
    assert [w["after_hours_share"] for w in weeks] == [round(expected[i] / totals[i], 3) for i in range(4)]
    assert 0 < sum(expected.values()) < sum(totals.values())
