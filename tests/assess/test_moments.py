"""Facts at several moments read in one pass are exactly the facts read at each moment on its own."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from goodterms.app import Goodterms
from goodterms.assess.config import AssessSettings
from goodterms.assess.load import Scope, load_facts, load_facts_at
from goodterms.assess.service import assess
from goodterms.demo import DEMO_END, generate
from goodterms.ledger.importing import import_event_dicts

END = datetime.combine(DEMO_END + timedelta(days=1), time(0), tzinfo=UTC)
# From before most demo clients began to the end: chases, answers, payments and grants fall between them.
POINTS = [END - timedelta(days=days) for days in (400, 150, 91, 60, 31, 7, 0)]


def test_facts_at_several_moments_equal_facts_at_each_moment(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, generate(seed=11))
    scope = Scope(END, AssessSettings(), gt.calendar(), 4.0, POINTS[0], END)
    with gt.engine.connect() as conn:
        everyone = load_facts(conn, scope=scope)
        some = sorted(everyone)[::3]
        for ids in (some, None):  # ends with every client, which the checks below look at
            together = load_facts_at(conn, scope=scope, moments=POINTS, client_ids=ids)
            assert len(together) == len(POINTS)
            for point, facts in zip(POINTS, together, strict=True):
                alone = load_facts(conn, scope=scope.at(point), client_ids=ids)
                assert list(facts) == list(alone)
                for cid, fact in facts.items():
                    assert fact == alone[cid], (point, cid)
    # the moments differ: otherwise the comparison above proves little
    assert len({tuple(sorted(f.inbound for f in facts.values())) for facts in together}) > 3
    assert any(f.late_requests for facts in together for f in facts.values())
    assert any(f.invoices for f in together[-1].values())


def test_one_clients_trend_is_its_trend_in_the_whole_portfolio(db_url: str) -> None:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, generate(seed=11))
    whole = {c.id: c for c in assess(app=gt, as_of=END, fill=False).clients}
    moving = [c for c in whole.values() if len({p["health"] for p in c.trend}) > 1]
    assert moving, "the demo has clients whose health changes month to month"
    for client in [*moving[:3], *list(whole.values())[:3]]:
        (alone,) = assess(app=gt, client=client.id, as_of=END, fill=False).clients
        assert alone.trend == client.trend
        assert alone.health == client.health
