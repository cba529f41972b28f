"""Money in client currencies is compared in the business's currency, or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from goodterms.app import Goodterms
from goodterms.assess.service import assess
from goodterms.ledger.importing import import_event_dicts
from tests.factories import T0, business, client


def _client_with_work(cid: str, currency: str, rate: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [client(cid, currency=currency, rate=rate)]
    for week in range(10):
        when = (T0 + timedelta(weeks=week)).isoformat()
        events.append({"type": "work", "id": f"{cid}-w{week}", "client": cid, "at": when, "minutes": 120})
    events.append(
        {
            "type": "invoice",
            "id": f"{cid}-i1",
            "client": cid,
            "number": f"{cid}-1",
            "issued": "2026-05-01",
            "due": "2026-05-15",
            "amount": str(int(float(rate)) * 20) + ".00",
            "currency": currency,
        }
    )
    events.append(
        {
            "type": "payment",
            "id": f"{cid}-p1",
            "invoice": f"{cid}-i1",
            "at": "2026-05-10T10:00:00+07:00",
            "amount": str(int(float(rate)) * 20) + ".00",
        }
    )
    return events


def _flags(db_url: str, rates: dict[str, str]) -> dict[str, list[str]]:
    gt = Goodterms.open(db_url, "/nonexistent/goodterms.toml")
    import_event_dicts(
        gt.engine,
        [
            business(exchange_rates=rates),
            *_client_with_work("thb", "THB", "400.00"),
            *_client_with_work("eur", "EUR", "45.00"),
            *_client_with_work("gbp", "GBP", "40.00"),
        ],
    )
    result = assess(app=gt, as_of=datetime(2026, 6, 1, tzinfo=T0.tzinfo), trend=False).to_json()
    return {c["id"]: [f["code"] for f in c["flags"]] for c in result["clients"]}


def test_a_client_paying_in_euros_is_judged_at_the_exchange_rate(db_url: str) -> None:
    flags = _flags(db_url, {"EUR": "38.50"})
    assert "thin_margin" in flags["thb"]  # 400 THB an hour against a target of 800
    assert "thin_margin" not in flags["eur"]  # 45 EUR = 1,732.50 THB an hour
    assert "thin_margin" not in flags["gbp"]  # no rate for GBP: not compared, not flagged


def test_without_a_rate_foreign_money_is_not_read_as_baht(db_url: str) -> None:
    flags = _flags(db_url, {})
    assert "thin_margin" not in flags["eur"] and "thin_margin" not in flags["gbp"]
