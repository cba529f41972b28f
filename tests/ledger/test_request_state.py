"""Imported history settles as the desk would have it: replies answer requests, each has a reference and promise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.request_state import RequestPolicy, settled_status, status_after_reply
from tests.factories import T0, at, business, client, contact


def request(rid: str, when: str, cid: str = "c1", **kw: Any) -> dict[str, Any]:
    return {"type": "request", "id": rid, "client": cid, "at": when, "subject": f"About {rid}", **kw}


def reply(rid: str, when: str, n: int = 1, **kw: Any) -> dict[str, Any]:
    return {"type": "reply", "id": f"{rid}-r{n}", "request": rid, "at": when, "text": "Done.", **kw}


def _requests(engine: Engine) -> dict[str, m.Request]:
    with Session(engine) as s:
        return {r.ext_id: r for r in s.scalars(select(m.Request))}


def test_an_imported_resolving_reply_answers_its_request(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [
            business(),
            client("c1"),
            request("q1", at(0)),
            reply("q1", at(0, 2)),
            request("q2", at(1)),
            reply("q2", at(1, 1), resolves=False),  # a holding reply answers nothing
            request("q3", at(2)),  # never answered
            request("q4", at(3), status="closed"),
            reply("q4", at(3, 1)),
        ],
    )
    got = _requests(engine)
    assert {k: r.status for k, r in got.items()} == {
        "q1": "answered",
        "q2": "open",
        "q3": "open",
        "q4": "closed",
    }


def test_imported_requests_get_a_reference_and_the_promise_the_desk_would_give(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [business(), client("c1"), request("q1", at(0)), request("q2", at(0), promised_at=at(2))],
        policy=RequestPolicy(prefix="SS"),
    )
    got = _requests(engine)
    q1, q2 = got["q1"], got["q2"]
    assert q1.reference == f"SS-{q1.id:06d}" and q2.reference == f"SS-{q2.id:06d}"
    # Monday 10:00 Bangkok + 4 business hours (09:00-17:00) = Monday 14:00; a given promise is kept.
    assert q1.promised_at == T0 + timedelta(hours=4)
    assert q2.promised_at == datetime.fromisoformat(at(2)).astimezone(UTC)


def test_a_chase_after_the_reply_keeps_the_request_open(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [
            business(),
            client("c1"),
            request("q1", at(0)),
            reply("q1", at(0, 1)),
            contact("c1", 1, at(1), request="q1", text="That did not fix it, still broken"),
        ],
    )
    assert _requests(engine)["q1"].status == "open"


def test_a_reply_in_a_later_file_answers_a_request_from_an_earlier_one(engine: Engine) -> None:
    import_event_dicts(engine, [business(), client("c1"), request("q1", at(0))], name="a.jsonl")
    assert _requests(engine)["q1"].status == "open"
    import_event_dicts(engine, [reply("q1", at(0, 3))], name="b.jsonl")
    assert _requests(engine)["q1"].status == "answered"


def test_reimport_changes_nothing(engine: Engine) -> None:
    events = [business(), client("c1"), request("q1", at(0)), reply("q1", at(0, 2)), request("q2", at(1))]
    import_event_dicts(engine, events)
    before = {k: (r.status, r.reference, r.promised_at) for k, r in _requests(engine).items()}
    again = import_event_dicts(engine, events)
    assert again.counts.inserted == again.counts.updated == 0
    after = {k: (r.status, r.reference, r.promised_at) for k, r in _requests(engine).items()}
    assert after == before


def test_the_rule_is_the_desks() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    assert status_after_reply("open", True) == "answered"
    assert status_after_reply("waiting", True) == "answered"
    assert status_after_reply("open", False) == "open"
    assert status_after_reply("closed", True) == "closed"
    assert settled_status("open", t, None, t + timedelta(hours=1)) == "answered"
    assert settled_status("open", t, t + timedelta(hours=2), t + timedelta(hours=1)) == "open"
    assert settled_status("open", t, None, None) == "open"
