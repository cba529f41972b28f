"""The home page for the day: what is due in the business's time zone, follow-ups waiting for approval,
our own lateness with evidence, and (where a history is kept) whose verdict changed this week."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from goodterms.app import Goodterms
from goodterms.assess import store
from goodterms.assess.service import assess
from goodterms.assess.store import assessment_json
from goodterms.ledger.importing import import_event_dicts
from goodterms.web import today
from goodterms.web.app import create_app
from goodterms.web.context import StoredAssessments
from tests.assess.test_staff_marks import messages
from tests.web.conftest import SAME_ORIGIN, TestClient, new_client, sign_in

# 18:00 UTC on 10 March is 01:00 on 11 March in Bangkok: the business's "today" is the 11th.
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


class AssessedNow(StoredAssessments):
    """The portfolio assessed at NOW (so the late requests are late)."""

    def get(self) -> dict[str, dict[str, Any]] | None:
        if self._value is None:
            self._value = assessment_json(assess(app=self.gt, as_of=NOW, fill=False, trend=False))
        return self._value


@pytest.fixture
def day(gt: Goodterms, monkeypatch: pytest.MonkeyPatch) -> Goodterms:
    monkeypatch.setattr(today, "utcnow", lambda: NOW)
    events: list[dict[str, Any]] = [
        # Overdue by one hour: promised for midnight in Bangkok (17:00 UTC on the 10th).
        {"type": "request", "id": "late", "client": "c3", "at": "2026-03-10T09:00:00+00:00",
         "subject": "Palun saatke arve koopia", "promised_at": "2026-03-10T17:00:00+00:00"},
        # Due later today in Bangkok (10:00 on the 11th), which is tomorrow in UTC.
        {"type": "request", "id": "today", "client": "c2", "at": "2026-03-10T16:00:00+00:00",
         "subject": "ขอใบเสนอราคา", "promised_at": "2026-03-11T03:00:00+00:00"},
        # Due tomorrow in Bangkok: not on today's page.
        {"type": "request", "id": "tomorrow", "client": "c2", "at": "2026-03-10T16:30:00+00:00",
         "subject": "ขอรายงาน", "promised_at": "2026-03-12T02:00:00+00:00"},
        # Long unpaid: a payment reminder waits for approval.
        {"type": "invoice", "id": "i-late", "client": "c2", "number": "INV-9", "issued": "2026-01-01",
         "due": "2026-01-15", "amount": "5000.00", "currency": "THB"},
    ]  # fmt: skip
    import_event_dicts(gt.engine, events)
    return gt


def _owner(gt: Goodterms, tmp_path: Path, role: str = "owner") -> TestClient:
    app = create_app(gt, output_dir=tmp_path / "out")
    app.state.web.assessment = AssessedNow(gt)
    return sign_in(new_client(app), f"{role}@biz.example")


def test_the_day_lists_what_is_due_in_the_businesss_time_zone(day: Goodterms, tmp_path: Path) -> None:
    data = _owner(day, tmp_path).get("/api/today", params={"lang": "en"}).json()
    assert data["timezone"] == "Asia/Bangkok" and data["today"] == "2026-03-11"
    due = {r["subject"]: r for r in data["requests"]["entries"]}
    assert set(due) == {"Fix the invoice layout", "Palun saatke arve koopia", "ขอใบเสนอราคา"}
    late, soon = due["Palun saatke arve koopia"], due["ขอใบเสนอราคา"]
    assert late["state"] == "overdue" and late["minutes"] == 60
    assert late["promised_local"] == "2026-03-11T00:00:00+07:00"
    assert late["words"] == "promised 11 Mar 2026 00:00 · overdue by 1 h"
    assert soon["state"] == "due_today" and soon["promised_local"] == "2026-03-11T10:00:00+07:00"
    assert soon["words"] == "due today at 10:00 · 9 h left"
    assert due["Fix the invoice layout"]["words"].startswith("promised 5 Mar 2026 14:00 · overdue by 5 days")
    assert data["requests"]["entries"][0]["subject"] == "Fix the invoice layout"  # the longest overdue first


def test_the_day_shows_follow_ups_waiting_for_approval_and_our_lateness(
    day: Goodterms, tmp_path: Path
) -> None:
    owner = _owner(day, tmp_path)
    data = owner.get("/api/today", params={"lang": "en"}).json()
    waiting = data["followups"]
    assert waiting["link"] == "/followups"
    reminder = next(n for n in waiting["entries"] if n["client"] == "c2")
    assert reminder["template"] == "payment_reminder" and reminder["template_words"] != "payment_reminder"
    ours = data["our_lateness"]["entries"]
    assert ours and all(f["code"] == "slow_response" for f in ours)
    c1 = next(f for f in ours if f["client"] == "c1")
    line = next(e for e in c1["evidence"] if e["id"] == "r1")
    assert line["when"] == "5 Mar 2026 10:00" and line["snippet"] == "Fix the invoice layout"  # local time
    assert line["words"] == "request · open"
    timeline = owner.get(line["href"].split("#")[0]).text
    assert f'id="{line["href"].split("#")[1]}"' in timeline  # the link lands on the record
    page = owner.get("/today", params={"lang": "en"}).text
    assert "Follow-ups waiting for approval" in page and 'href="/followups"' in page
    assert "Where we kept clients waiting" in page and "we answered late" in page
    assert 'href="/clients/c1?before=' in page  # each evidence line links to the record in the timeline
    assert "Fix the invoice layout" in page
    # Staff do not approve follow-ups: the section is not theirs.
    staff = _owner(day, tmp_path, "staff").get("/api/today").json()
    assert staff["followups"] is None


def test_signed_in_readers_land_on_the_day_and_the_nav_links_it(day: Goodterms, tmp_path: Path) -> None:
    owner = _owner(day, tmp_path)
    home = owner.get("/", params={"lang": "th"})
    assert home.status_code == 303 and home.headers["location"] == "/today?lang=th"
    assert 'href="/today"' in owner.get("/portfolio").text
    assert owner.get("/", params={"sort": "name"}).status_code == 200  # old portfolio links still work
    thai = owner.get("/today", params={"lang": "th"}).text
    assert "วันนี้" in thai and "2569" in thai  # the Buddhist era


def test_verdict_changes_come_from_the_stored_history(day: Goodterms, tmp_path: Path) -> None:
    owner = _owner(day, tmp_path)
    store.refresh_all(day)
    assert owner.get("/api/today").json()["verdict_changes"]["entries"] == []
    assert "No verdict changed this week." in owner.get("/today", params={"lang": "en"}).text
    before = store.read_client(day, "c3")
    assert before is not None
    # c3 turns threatening: the stored history keeps the change of verdict with both verdicts.
    import_event_dicts(day.engine, messages("c3", "threat", "Pay back everything or you will regret it."))
    store.refresh_stale(day)
    after = store.read_client(day, "c3")
    assert after is not None and after["verdict"] != before["verdict"]
    data = owner.get("/api/today", params={"lang": "et"}).json()["verdict_changes"]
    (change,) = data["entries"]
    assert (change["client"], change["before"], change["after"]) == (
        "c3",
        before["verdict"],
        after["verdict"],
    )
    assert change["after_words"] not in ("", after["verdict"])
    assert (change["health_before"], change["health_after"]) == (before["health"], after["health"])
    page = owner.get("/today", params={"lang": "et"}).text
    assert "Kliendid, kelle otsus sel nädalal muutus" in page and change["after_words"] in page


def test_a_page_of_many_due_requests_says_how_many_and_links_the_desk(
    day: Goodterms, tmp_path: Path, signed_in: Callable[[str], TestClient]
) -> None:
    data = _owner(day, tmp_path).get("/api/today", params={"limit": 1}).json()["requests"]
    assert (data["count"], data["shown"]) == (3, 1)
    assert "See all 3" in _owner(day, tmp_path).get("/today", params={"limit": 1, "lang": "en"}).text


def test_sending_the_follow_ups_takes_them_off_the_day(day: Goodterms, tmp_path: Path, relay: object) -> None:
    owner = _owner(day, tmp_path)
    before = owner.get("/api/today").json()["followups"]
    assert any(n["client"] == "c2" for n in before["entries"])
    sent = owner.post("/api/followups/send", headers=SAME_ORIGIN)
    assert sent.status_code == 200, sent.text
    after = owner.get("/api/today").json()["followups"]
    assert not any(n["template"] == "payment_reminder" and n["client"] == "c2" for n in after["entries"])


def test_the_days_plan_is_kept_shown_while_planned_anew_and_forgotten_after_sending(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    monkeypatch.setattr(today, "monotonic", lambda: clock[0])
    keeper = today.PlanKeeper()
    monday, tuesday = datetime(2026, 3, 9).date(), datetime(2026, 3, 10).date()
    assert keeper.get(monday, lambda: ["first"]) == ["first"]  # the first plan of a day: made now
    assert keeper.get(monday, lambda: ["not asked"]) == ["first"]  # kept
    clock[0] += today.PLAN_SECONDS
    assert keeper.get(monday, lambda: ["second"]) == ["first"]  # stale: shown while planned anew
    assert keeper._refresher is not None
    keeper._refresher.join(5)
    assert keeper.get(monday, lambda: ["not asked"]) == ["second"]
    keeper.forget()  # notices were sent
    assert keeper.get(monday, lambda: ["after sending"]) == ["after sending"]
    assert keeper.get(tuesday, lambda: ["a new day"]) == ["a new day"]


def test_a_kept_plan_is_shown_without_reading_every_clients_flags(
    day: Goodterms, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the flags of every client (10,000 of them in a large ledger) is part of making a plan, not
    of showing the kept one on each request; the plan still gets the flags when it is made."""
    from goodterms.handling import assessment

    calls: list[int] = []
    real = assessment.flag_codes

    def counted(entries: Any) -> dict[str, frozenset[str]]:
        calls.append(len(entries or []))
        return real(entries)

    monkeypatch.setattr(assessment, "flag_codes", counted)
    owner = _owner(day, tmp_path)
    first = owner.get("/api/today").json()
    assert calls and calls[0] > 0  # the day's first plan read the flags
    for _ in range(3):
        assert owner.get("/api/today").json()["followups"] == first["followups"]
    assert len(calls) == 1  # the kept plan was shown three times without reading them again
