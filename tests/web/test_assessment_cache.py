"""The web app reads stored assessments: stored once, the same for every web process, a change shown at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodterms.app import Goodterms
from goodterms.assess import store
from goodterms.ledger.importing import import_event_dicts
from goodterms.tone_service import mark_message
from goodterms.web.context import StoredAssessments
from tests.assess.builder import healthy, portfolio
from tests.assess.test_staff_marks import messages
from tests.factories import client
from tests.web.conftest import SAME_ORIGIN, TestClient


def test_the_first_read_stores_the_portfolio_once_and_later_reads_compute_nothing(
    gt: Goodterms, monkeypatch: Any
) -> None:
    reader = StoredAssessments(gt)
    first = reader.get()
    assert first is not None and set(first) == {"c1", "c2", "c3"}
    assert store.read_generation(gt) is not None

    def no_assessing(*args: Any, **kw: Any) -> None:
        raise AssertionError("a page computed an assessment")

    monkeypatch.setattr(store, "assess", no_assessing)
    assert StoredAssessments(gt).get() == first  # another process reads what is stored
    assert reader.get() is first  # nothing stored since: the same result


def test_a_client_imported_later_shows_once_its_stale_mark_is_refreshed(gt: Goodterms) -> None:
    reader = StoredAssessments(gt)
    assert set(reader.get() or {}) == {"c1", "c2", "c3"}
    import_event_dicts(gt.engine, [client("c4", name="Newcomer Ltd")])
    assert set(reader.get() or {}) == {"c1", "c2", "c3"}  # not assessed yet: marked stale
    assert store.refresh_stale(gt) == 1
    assert set(reader.get() or {}) == {"c1", "c2", "c3", "c4"}


def test_clear_re_assesses_everyone_at_once(gt: Goodterms) -> None:
    reader = StoredAssessments(gt)
    first = reader.get()
    import_event_dicts(gt.engine, [client("c4", name="Newcomer Ltd")])
    reader.clear()  # e.g. new thresholds saved
    after = reader.get()
    assert after is not first and set(after or {}) == {"c1", "c2", "c3", "c4"}


def test_a_mark_counts_at_once_and_two_web_processes_agree(db_url: str) -> None:
    gt = Goodterms.open(db_url)
    events = portfolio(
        *healthy("y"), *messages("y", "frustrated", "Still waiting for the file, please reply.")
    )
    import_event_dicts(gt.engine, events)
    one, other = StoredAssessments(gt), StoredAssessments(Goodterms.open(db_url))
    before = one.get()
    assert before is not None and "hostile_tone" not in flag_codes(before["y"])
    assert other.get() == before
    for k in range(60):
        assert mark_message(engine=gt.engine, contact_ext_id=f"y-m{k}", rude=True) == "y"
    one.refresh_client("y")  # what the web does after a mark
    after = one.get()
    assert after is not None and "hostile_tone" in flag_codes(after["y"])
    assert after["y"]["health"] < before["y"]["health"]
    assert other.get() == after  # the other process shows the same without computing anything
    # Everyone else is as the whole run left them, and the client re-assessed alone matches a whole run.
    assert {k: v for k, v in after.items() if k != "y"} == {k: v for k, v in before.items() if k != "y"}
    one.clear()
    whole = other.get()
    assert whole is not None
    assert without_as_of(whole["y"]) == without_as_of(after["y"])
    gt.engine.dispose()
    other.gt.engine.dispose()


def flag_codes(entry: dict[str, Any]) -> set[str]:
    return {f["code"] for f in entry["flags"]}


def without_as_of(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "trend": [{k: v for k, v in p.items() if k != "as_of"} for p in entry["trend"]]}


def test_two_web_apps_on_one_database_show_the_same_assessment(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    first, second = signed_in("staff"), signed_in("owner")  # two app instances, as two web workers
    assert first.app is not second.app

    def portfolio(http: TestClient) -> dict[str, Any]:
        return {
            c["id"]: (c["health"], c["verdict"], c["flags"])
            for c in http.get("/api/portfolio").json()["clients"]
        }

    assert portfolio(first) == portfolio(second)
    before = second.get("/api/clients/c1").json()["assessment"]
    for n in range(6):
        response = first.post(f"/api/contacts/c1-k{n}/mark", data={"rude": "true"}, headers=SAME_ORIGIN)
        assert response.status_code == 200, response.text
    after = second.get("/api/clients/c1").json()["assessment"]  # marked through the other app
    assert after != before and after == first.get("/api/clients/c1").json()["assessment"]
    assert portfolio(first) == portfolio(second)
    assert store.read_client(gt, "c1") is not None


def test_the_portfolio_order_and_tally_follow_a_stored_change_and_the_ledger_at_once(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    """What a web process keeps per read of the stored assessments (the health order, the verdict tally)
    is made again as soon as one assessment changes, and a client added to the ledger shows at once."""
    first, second = signed_in("staff"), signed_in("owner")

    def expected() -> tuple[list[str], dict[str, int]]:
        _, stored = store.read_changed(gt)
        rank = {v: i for i, v in enumerate(("let_go", "renegotiate", "set_boundaries", "keep"))}
        order = sorted(stored, key=lambda k: (stored[k]["health"], rank[stored[k]["verdict"]], k))
        tally = {v: sum(1 for c in stored.values() if c["verdict"] == v) for v in rank}
        return order, tally

    def shown(http: TestClient) -> tuple[list[str], dict[str, int]]:
        page = http.get("/api/portfolio", params={"per_page": 200}).json()
        return [c["id"] for c in page["clients"]], page["verdicts"]

    assert shown(second) == expected()  # the order and tally are now kept by the second app
    before = expected()
    for n in range(6):
        response = first.post(f"/api/contacts/c1-k{n}/mark", data={"rude": "true"}, headers=SAME_ORIGIN)
        assert response.status_code == 200, response.text
    assert expected() != before  # the marks moved c1 (else this test shows nothing)
    assert shown(second) == expected()
    import_event_dicts(gt.engine, [client("c9", name="Newcomer Ltd")])  # in the ledger, not assessed yet
    order, _tally = shown(second)
    assert order == [*expected()[0], "c9"]  # the unassessed last
