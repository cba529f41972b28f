from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.assess.render import markdown
from goodterms.assess.service import UnknownClient, assess
from goodterms.cli import app as cli
from goodterms.ledger.importing import import_event_dicts
from goodterms.settings import Settings
from tests.assess.builder import AS_OF, codes, healthy, one, portfolio, run, t


def noisy(cid: str, start_day: int) -> list[dict[str, object]]:
    return [
        {"type": "contact", "id": f"{cid}-z{n}", "client": cid, "at": t(start_day + n // 5, 13.5),
         "channel": "sms", "direction": "inbound", "tone": "hostile", "text": "answer me now"}
        for n in range(60)
    ]  # fmt: skip


def test_json_has_the_documented_keys(engine: Engine) -> None:
    data = run(engine, portfolio(*healthy("x"), *noisy("x", 30))).to_json()
    assert set(data) >= {"as_of", "clients", "business"}
    assert data["as_of"] == AS_OF.isoformat()
    x = next(c for c in data["clients"] if c["id"] == "x")
    assert set(x) >= {"id", "name", "health", "verdict", "flags", "advice", "trend"}
    flag = x["flags"][0]
    assert set(flag) >= {"code", "severity", "summary", "measures", "evidence", "threshold", "contribution"}
    assert set(flag["evidence"][0]) >= {"type", "id", "at"}
    assert x["health"] == 100 + sum(f["contribution"] for f in x["flags"])
    assert set(data["business"]) == {"findings"}
    json.dumps(data)


def test_as_of_counts_only_what_was_known_then(engine: Engine) -> None:
    events = portfolio(*healthy("x"), *noisy("x", 60))
    before = run(engine, events, as_of=datetime.fromisoformat(t(59)))
    assert codes(before, "x") == {}
    after = assess(app=Goodterms(Settings(), engine), as_of=AS_OF)
    assert "hostile_tone" in codes(after, "x")


def test_trend_scores_each_month_end_and_shows_the_decline(engine: Engine) -> None:
    result = run(engine, portfolio(*healthy("x"), *noisy("x", 60)))
    trend = one(result, "x").trend
    assert [p["month"] for p in trend] == ["2026-03", "2026-04", "2026-05"]
    assert trend[0]["health"] == 100
    assert trend[-1]["health"] == one(result, "x").health < 100


def test_one_client_can_be_assessed_by_id_or_name(engine: Engine) -> None:
    events = portfolio(*healthy("x"), *noisy("x", 30))
    everyone = run(engine, events)
    alone = assess(app=Goodterms(Settings(), engine), client="Client x", as_of=AS_OF)
    assert [c.id for c in alone.clients] == ["x"]
    assert alone.clients[0].health == one(everyone, "x").health
    with pytest.raises(UnknownClient):
        assess(app=Goodterms(Settings(), engine), client="nobody", as_of=AS_OF)


def test_a_one_client_run_today_reuses_the_saved_portfolio_medians(engine: Engine) -> None:
    import_event_dicts(engine, portfolio(*healthy("x")))
    app = Goodterms(Settings(), engine)
    full = assess(app=app)
    import_event_dicts(engine, healthy("late", weeks=2))
    alone = assess(app=app, client="x")
    assert alone.portfolio == full.portfolio


def test_markdown_lists_flags_evidence_and_advice(engine: Engine) -> None:
    text = markdown(run(engine, portfolio(*healthy("x"), *noisy("x", 30))))
    assert "## Client x (x)" in text
    assert "**hostile tone**" in text and "hostile_tone" not in text
    assert "Evidence: 60 records" in text


def test_summaries_speak_thai_for_a_thai_business(engine: Engine) -> None:
    from tests.factories import business

    result = run(engine, portfolio(*healthy("x"), *noisy("x", 30), biz=business(language="th")))
    assert "ข้อความ" in next(f for f in one(result, "x").flags if f.code == "hostile_tone").summary


def test_cli_prints_json_and_refuses_bad_input_with_exit_2(db_url: str, engine: Engine) -> None:
    import_event_dicts(engine, portfolio(*healthy("x"), *noisy("x", 30)))
    runner = CliRunner()
    ok = runner.invoke(cli, ["--db", db_url, "assess", "--as-of", "2026-05-25", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.stdout)
    assert data["as_of"] == "2026-05-25T00:00:00+07:00"
    assert {c["id"] for c in data["clients"]} == {"h1", "h2", "h3", "h4", "x"}
    for args in (["assess", "nobody"], ["assess", "--as-of", "soon"], ["assess", "--format", "pdf"]):
        bad = runner.invoke(cli, ["--db", db_url, *args])
        assert bad.exit_code == 2
        assert "Traceback" not in bad.output
    table = runner.invoke(cli, ["--db", db_url, "assess", "x", "--as-of", "2026-05-25", "--no-trend"])
    assert table.exit_code == 0 and "contacts too often (medium" in table.stdout
    assert "hostile_tone" not in table.stdout


def test_naive_as_of_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="aware"):
        assess(app=Goodterms(Settings(), engine), as_of=datetime(2026, 5, 1) + timedelta(0))


def test_cli_speaks_the_readers_language_from_lang_or_the_locale(db_url: str, engine: Engine) -> None:
    import_event_dicts(engine, portfolio(*healthy("x"), *noisy("x", 30)))
    runner = CliRunner()
    base = ["--db", db_url, "assess", "x", "--as-of", "2026-05-25", "--no-trend"]
    thai = runner.invoke(cli, base, env={"LANG": "th_TH.UTF-8", "LC_ALL": ""})
    assert thai.exit_code == 0, thai.output
    assert "ติดต่อบ่อยเกินไป" in thai.stdout and "2569" in thai.stdout  # flag words, the Buddhist era
    estonian = runner.invoke(cli, [*base, "--lang", "et"], env={"LANG": "th_TH.UTF-8", "LC_ALL": ""})
    assert "liigne suhtlus" in estonian.stdout and "ติดต่อ" not in estonian.stdout
    plain = runner.invoke(cli, base, env={"LANG": "C.UTF-8", "LC_ALL": ""})  # the business's (English)
    assert "contacts too often" in plain.stdout
    bad = runner.invoke(cli, [*base, "--lang", "fr"])
    assert bad.exit_code == 2 and "--lang" in bad.output and "Traceback" not in bad.output
