"""Stored assessments are written by orjson from the evidence records as they are: the same JSON as ``to_json``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from goodterms.assess.findings import Evidence, Finding, QuotedEvidence, cite
from goodterms.assess.messages import Message
from goodterms.ledger.db import json_dumps, json_loads

RECORDS = (
    cite("contact", "c1", None),
    cite("contact", "c2", datetime(2026, 3, 2, 13, 0, tzinfo=UTC), 'ขอบคุณ, aitäh "quoted"'),
    cite("request", "r1", datetime(2026, 3, 29, 1, 30, 5, 120, tzinfo=ZoneInfo("Europe/Tallinn"))),
    cite("request", "r2", datetime(2026, 3, 2, 13, 0, 0, 999999, tzinfo=UTC)),
    cite("invoice", "i1", datetime(2026, 3, 2)),  # naive: written without an offset by both
    Evidence("invoice", "i2", date(2026, 3, 2)),  # type: ignore[arg-type]  # a due date
)


def test_cite_quotes_only_when_given() -> None:
    assert type(RECORDS[0]) is Evidence and RECORDS[0].quote is None
    assert isinstance(RECORDS[1], QuotedEvidence) and RECORDS[1].quote.startswith("ขอบคุณ")
    assert "quote" not in RECORDS[0].to_json() and RECORDS[1].to_json()["quote"] == RECORDS[1].quote


def test_a_stored_finding_reads_back_as_its_json() -> None:
    found = Finding(
        code="hostile_tone",
        severity="high",
        summary="s",
        measures={"count": 3, "share": 0.25, "label": None},
        threshold={"count": 2},
        evidence=RECORDS,
        contribution=12.5,
        client="c9",
        message=Message("flag.hostile_tone", {"count": 3}),
    )
    written = json_dumps({"flags": [found.to_json(stored=True)], 7: "int key"})
    assert json_loads(written) == {"flags": [found.to_json()], "7": "int key"}
    assert json_loads(written) == json.loads(json.dumps({"flags": [found.to_json()], 7: "int key"}))
    assert "ขอบคุณ" in written  # UTF-8, not \u escapes


def test_json_written_before_orjson_with_nan_is_still_read() -> None:
    assert json_loads('{"median": NaN, "n": 1}')["n"] == 1
