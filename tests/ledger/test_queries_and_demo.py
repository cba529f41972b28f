from __future__ import annotations

import json

from sqlalchemy import Engine
from typer.testing import CliRunner

from goodterms.cli import app
from goodterms.demo import generate
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.queries import clients_overview, timeline
from tests.factories import at, business, client, contact


def test_the_demo_is_deterministic_for_a_seed_and_differs_across_seeds() -> None:
    assert generate(seed=3) == generate(seed=3)
    assert generate(seed=3) != generate(seed=4)


def test_the_demo_has_forty_clients_in_three_languages_with_one_of_each_story() -> None:
    events = generate(seed=7)
    clients = [e for e in events if e["type"] == "client"]
    assert len(clients) >= 40
    assert {c["language"] for c in clients} == {"th", "et", "en"}
    texts = " ".join(e.get("text") or "" for e in events if e["type"] == "contact")
    assert "ขอบคุณ" in texts and "Aitäh" in texts and "Thank you" in texts
    months = {e["at"][:7] for e in events if e["type"] == "contact"}
    assert len(months) >= 12


def test_clients_overview_counts_contacts_requests_and_open_invoices(engine: Engine) -> None:
    import_event_dicts(
        engine,
        [
            business(),
            client("c1"),
            client("c2", name="Tallinna Õigusbüroo OÜ", language="et"),
            contact("c1", 1, at(0)),
            contact("c1", 2, at(1)),
            {"type": "request", "id": "r1", "client": "c1", "at": at(0), "subject": "Transcript"},
            {
                "type": "invoice",
                "id": "i1",
                "client": "c1",
                "number": "A-1",
                "issued": "2026-03-01",
                "due": "2026-03-15",
                "amount": "1000.00",
                "currency": "THB",
            },
            {"type": "payment", "id": "p1", "invoice": "i1", "at": at(10), "amount": "400.00"},
        ],
    )
    rows = {r["id"]: r for r in clients_overview(engine)}
    assert rows["c1"] | {} == {
        "id": "c1",
        "name": "Client c1",
        "language": "en",
        "status": "active",
        "contacts": 2,
        "requests": 1,
        "open_requests": 1,
        "open_invoices": 1,
        "amount_due": "600.00",
        "currency": "THB",
    }
    assert rows["c2"]["contacts"] == 0 and rows["c2"]["name"] == "Tallinna Õigusbüroo OÜ"
    line = timeline(engine, "c1")
    assert [e["type"] for e in line["entries"]] == ["invoice", "contact", "request", "contact", "payment"]


def test_clients_and_timeline_json_from_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "demo", "--clients", "15"]).exit_code == 0
    out = runner.invoke(app, ["--db", db, "clients", "--format", "json"])
    data = json.loads(out.stdout)
    assert len(data["clients"]) == 15
    first = data["clients"][0]["id"]
    line = json.loads(runner.invoke(app, ["--db", db, "timeline", first, "--format", "json"]).stdout)
    assert line["entries"] and line["client"]["id"] == first
    missing = runner.invoke(app, ["--db", db, "timeline", "nobody"])
    assert missing.exit_code == 2 and "no client" in missing.output
