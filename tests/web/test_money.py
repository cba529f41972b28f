"""Readers without the money right see every flag, in words, and no money: measures and summaries."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert

from goodterms.app import Goodterms
from goodterms.assess.flags import FLAGS
from goodterms.assess.moneyless import SUMMARIES, client_without_money, is_money_measure
from goodterms.assess.service import assess
from goodterms.assess.store import assessment_json
from goodterms.demo import DEMO_END, generate
from goodterms.ledger import models as m
from goodterms.ledger.importing import import_event_dicts
from goodterms.web.accounts import add_user
from goodterms.web.app import create_app
from goodterms.web.context import StoredAssessments
from tests.web.conftest import PASSWORD, TestClient, new_client, sign_in

AS_OF = datetime.combine(DEMO_END + timedelta(days=1), time(0), tzinfo=UTC)
CURRENCY = re.compile(r"[฿€£$]|THB|EUR|GBP")
#: The money measures the issue saw reach staff, and the other amounts and rates of the flags.
MONEY = {
    "value_given",
    "revenue",
    "overdue_amount",
    "value_share_of_revenue",
    "effective_hourly_rate",
    "reference_rate",
    "portfolio_median_rate",
    "share_of_reference",
    "per_1000_revenue",
    "portfolio_median_per_1000_revenue",
    "call_minutes_per_1000_revenue",
}


class DemoEndCache(StoredAssessments):
    """The portfolio assessed on the day after the demo ledger ends (so every story is flagged)."""

    def get(self) -> dict[str, dict[str, Any]] | None:
        if self._value is None:
            result = assess(app=self.gt, as_of=AS_OF, fill=False, trend=False)
            self._value = assessment_json(result)
            # Stored as a refresh on that day would (the portfolio sorts by the stored health).
            with self.gt.engine.begin() as conn:
                conn.execute(delete(m.StoredAssessment))
                conn.execute(
                    insert(m.StoredAssessment),
                    [
                        {
                            "client_id": one.db_id,
                            "computed_at": AS_OF,
                            "as_of": AS_OF,
                            "settings_key": "demo end",
                            "health": one.health,
                            "verdict": one.verdict,
                            "data": self._value[one.id],
                            "generation": 1,
                        }
                        for one in result.clients
                    ],
                )
        return self._value


def _mark_the_aggressive_client_rude(gt: Goodterms) -> None:
    """Staff mark ten of the aggressive client's messages rude (instead of reading every tone: seconds)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from goodterms.demo import patterns_by_client
    from goodterms.ledger import models as m
    from goodterms.tone_service import mark_message

    ref = next(c for c, story in patterns_by_client().items() if story == "aggressive")
    with Session(gt.engine) as session:
        ids = session.scalars(
            select(m.Contact.ext_id)
            .join(m.Client, m.Client.id == m.Contact.client_id)
            .where(m.Client.ext_id == ref, m.Contact.direction == "inbound", m.Contact.text.is_not(None))
            .order_by(m.Contact.at.desc())
            .limit(10)
        ).all()
    for ext_id in ids:
        mark_message(engine=gt.engine, contact_ext_id=ext_id, rude=True)


@pytest.fixture
def demo(db_url: str, tmp_path: Path) -> Iterator[Goodterms]:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(gt.engine, generate(seed=7))
    _mark_the_aggressive_client_rude(gt)
    for email, role, money in (
        ("owner@biz.example", "owner", False),
        ("staff@biz.example", "staff", False),
        ("till@biz.example", "staff", True),
    ):
        add_user(engine=gt.engine, email=email, role=role, password=PASSWORD, sees_money=money)
    yield gt
    gt.engine.dispose()


def _reader(gt: Goodterms, tmp_path: Path, email: str) -> TestClient:
    app = create_app(gt, output_dir=tmp_path / "out")
    app.state.web.assessment = DemoEndCache(gt)
    return sign_in(new_client(app), email)


def _flags(http: TestClient, ref: str) -> list[dict[str, Any]]:
    found = http.get(f"/api/clients/{ref}").json()["assessment"]
    return list(found["flags"]) if found else []


def test_a_staff_reader_sees_every_flag_in_words_without_money(demo: Goodterms, tmp_path: Path) -> None:
    owner = _reader(demo, tmp_path, "owner@biz.example")
    staff = _reader(demo, tmp_path, "staff@biz.example")
    till = _reader(demo, tmp_path, "till@biz.example")  # staff added with --money
    refs = [c["id"] for c in owner.get("/api/portfolio", params={"per_page": 200}).json()["clients"]]
    seen: set[str] = set()
    money_in_owner_summaries = 0
    for ref in refs:
        owned, staffed = _flags(owner, ref), _flags(staff, ref)
        assert [f["code"] for f in staffed] == [f["code"] for f in owned]
        assert _flags(till, ref) == owned
        for mine, theirs in zip(owned, staffed, strict=True):
            seen.add(theirs["code"])
            assert not MONEY & set(theirs["measures"]), (theirs["code"], theirs["measures"])
            assert not [k for k in theirs["measures"] if is_money_measure(k)]
            hidden = [str(mine["measures"][k]) for k in MONEY & set(mine["measures"])]
            flat = json.dumps(theirs, ensure_ascii=False)
            assert not [v for v in hidden if len(v) > 3 and v in flat], (theirs["code"], hidden)
            assert not CURRENCY.search(theirs["summary"]), theirs["summary"]
            assert theirs["summary"].strip() and theirs["evidence"] == mine["evidence"]
            # The sentence is about the client, in words: it names them as the owner's does.
            name = next(c["name"] for c in owner.get("/api/portfolio", params={"q": ref}).json()["clients"])
            assert name in theirs["summary"]
            money_in_owner_summaries += bool(CURRENCY.search(mine["summary"]))
            if theirs["code"] in SUMMARIES["en"]:  # written again without money
                assert theirs["summary"] != mine["summary"]
            else:
                assert theirs["summary"] == mine["summary"]
    assert seen == set(FLAGS), set(FLAGS) - seen  # every flag was walked
    assert money_in_owner_summaries >= 2  # the owner does see money (thin_margin, concession_pressure)


def test_the_client_page_shows_staff_the_flag_without_money(demo: Goodterms, tmp_path: Path) -> None:
    owner = _reader(demo, tmp_path, "owner@biz.example")
    staff = _reader(demo, tmp_path, "staff@biz.example")
    ref = next(
        c["id"]
        for c in owner.get("/api/portfolio", params={"per_page": 200}).json()["clients"]
        if "concession_pressure" in c["flags"]
    )
    mine = next(f for f in _flags(owner, ref) if f["code"] == "concession_pressure")
    assert "52,800.00" in mine["summary"] and mine["measures"]["value_given"] == "52800.00"
    # The summary comes in the reader's language (the business is Thai), without money in either.
    for lang, words in (
        ("th", "ขอส่วนลดหรืองานฟรี 5 ครั้ง โดย 3 ครั้งขอหลังจากได้รับไปแล้ว"),
        ("en", "asked for discounts or free work 5 times, 3 of them after already getting one."),
    ):
        page = staff.get(f"/clients/{ref}", params={"lang": lang}).text
        flags = page[page.index('id="flags-title"') : page.index('id="charts-title"')]
        assert "52,800" not in flags and "฿" not in flags and "THB" not in flags
        assert words in flags
    assert "52,800" in owner.get(f"/clients/{ref}").text


@pytest.mark.parametrize("lang", ["en", "et", "th"])
def test_summaries_without_money_are_written_in_every_language(lang: str) -> None:
    assessed = {
        "id": "c1",
        "name": "Crestline",
        "flags": [
            {
                "code": "concession_pressure",
                "summary": "x ฿1",
                "measures": {"asks": 5, "asks_after_grant": 3},
            },
            {"code": "thin_margin", "summary": "x ฿1", "measures": {"hours_spent": 203.48, "revenue": "1"}},
            {"code": "rush_demands", "summary": "Crestline asked 3 times", "measures": {"rushes": 3}},
        ],
    }
    flags = client_without_money(assessed, lang)["flags"]
    # staff_strain counts calls and notes, not money (it once measured call minutes per revenue)
    assert set(SUMMARIES[lang]) == {"concession_pressure", "thin_margin"}
    for found in flags:
        assert "Crestline" in found["summary"] and "฿" not in found["summary"]
    assert "5" in flags[0]["summary"] and "3" in flags[0]["summary"]
    assert "203" in flags[1]["summary"] and "revenue" not in flags[1]["measures"]
    assert flags[2]["summary"] == "Crestline asked 3 times"
