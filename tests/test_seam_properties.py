"""Across features, on random valid ledgers (hypothesis): import -> desk intake -> assess never breaks.

Whatever a business brings, the chain never raises, every finding cites records, no figure leaves
the bounds the ledger sets, and importing the same history again changes nothing.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from goodterms.app import Goodterms
from goodterms.assess.service import assess
from goodterms.desk.intake import receive
from goodterms.ledger import models as m
from goodterms.ledger.importers.mail import parse_mail
from goodterms.ledger.importing import import_event_dicts
from goodterms.settings import Settings

T0 = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)  # a Monday
DAYS = 120
AS_OF = T0 + timedelta(days=DAYS + 1)
SHARES = ("missed_share", "hostile_share", "unpaid_share", "recent_share", "earlier_share", "weighted_share")
WAITS = ("delay_days", "longest_wait_days", "median_wait_days")
TEXTS = (
    "Please transcribe the attached recording by Friday.",
    "Any news on my file? I am still waiting.",
    "This is useless work, you are incompetent!",
    "Could you give us a discount this month?",
    "Palun saatke arve uuesti.",
    "ขอไฟล์ภายในวันนี้นะครับ",
)

moments = st.floats(0, DAYS * 24 - 1).map(lambda h: T0 + timedelta(hours=h))

record = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.just("contact"),
            "at": moments,
            "channel": st.sampled_from(["call", "email", "sms"]),
            "inbound": st.booleans(),
            "answered": st.booleans(),
            "minutes": st.integers(0, 90),
            "tone": st.sampled_from([None, "polite", "neutral", "frustrated", "hostile"]),
            "text": st.sampled_from(TEXTS),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("request"),
            "at": moments,
            "text": st.sampled_from(TEXTS),
            "reply_after_h": st.one_of(st.none(), st.floats(0, 400)),
            "resolves": st.booleans(),
            "chase_after_h": st.one_of(st.none(), st.floats(0, 200)),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("ask"),
            "at": moments,
            "answer_after_d": st.one_of(st.none(), st.floats(0, 60)),
            "outcome": st.sampled_from(["approved", "changes", "answered"]),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("invoice"),
            "at": moments,
            "amount": st.integers(1, 5000),
            "paid_after_d": st.one_of(st.none(), st.floats(-5, 90)),
        }
    ),
    st.fixed_dictionaries(
        {"kind": st.just("work"), "at": moments, "minutes": st.integers(1, 600), "billable": st.booleans()}
    ),
    st.fixed_dictionaries({"kind": st.just("note"), "at": moments, "feeling": st.integers(-2, 2)}),
    st.fixed_dictionaries(
        {
            "kind": st.just("concession"),
            "at": moments,
            "granted": st.booleans(),
            "value": st.integers(0, 2000),
        }
    ),
)
ledgers = st.lists(st.lists(record, max_size=25), min_size=1, max_size=5)
intakes = st.lists(st.tuples(st.integers(0, 4), st.sampled_from(TEXTS), st.booleans()), max_size=4)


def events(clients: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"type": "business", "id": "biz", "name": "Prop Co", "timezone": "Asia/Bangkok", "currency": "THB",
         "email": "desk@prop.example", "target_hourly_rate": "800.00"}
    ]  # fmt: skip
    for c, records in enumerate(clients):
        cid = f"c{c}"
        out.append({"type": "client", "id": cid, "name": f"Client Ä{c}", "language": ("th", "et", "en")[c % 3],
                    "timezone": "Asia/Bangkok", "currency": "THB", "emails": [f"{cid}@example.com"]})  # fmt: skip
        for n, r in enumerate(records):
            rid, at = f"{cid}-{n}", r["at"]
            if r["kind"] == "contact":
                out.append({"type": "contact", "id": rid, "client": cid, "at": at.isoformat(),
                            "channel": r["channel"], "direction": "inbound" if r["inbound"] else "outbound",
                            "answered": r["answered"] or r["channel"] != "call",
                            "duration_s": r["minutes"] * 60 if r["channel"] == "call" else 0,
                            "tone": r["tone"], "text": r["text"]})  # fmt: skip
            elif r["kind"] == "request":
                out.append({"type": "request", "id": rid, "client": cid, "at": at.isoformat(),
                            "subject": r["text"][:30], "text": r["text"]})  # fmt: skip
                if r["reply_after_h"] is not None:
                    out.append({"type": "reply", "id": f"{rid}-r", "request": rid, "resolves": r["resolves"],
                                "at": (at + timedelta(hours=r["reply_after_h"])).isoformat()})  # fmt: skip
                if r["chase_after_h"] is not None:
                    out.append({"type": "contact", "id": f"{rid}-c", "client": cid, "request": rid,
                                "at": (at + timedelta(hours=r["chase_after_h"])).isoformat(),
                                "channel": "email", "direction": "inbound", "text": "Any news?"})  # fmt: skip
            elif r["kind"] == "ask":
                out.append({"type": "approval_ask", "id": rid, "client": cid, "at": at.isoformat(),
                            "kind": "approval"})  # fmt: skip
                if r["answer_after_d"] is not None:
                    out.append({"type": "approval_answer", "id": f"{rid}-a", "ask": rid, "outcome": r["outcome"],
                                "at": (at + timedelta(days=r["answer_after_d"])).isoformat()})  # fmt: skip
            elif r["kind"] == "invoice":
                due = at + timedelta(days=14)
                out.append({"type": "invoice", "id": rid, "client": cid, "number": rid, "currency": "THB",
                            "issued": at.date().isoformat(), "due": due.date().isoformat(),
                            "amount": f"{r['amount']}.00"})  # fmt: skip
                if r["paid_after_d"] is not None:
                    out.append({"type": "payment", "id": f"{rid}-p", "invoice": rid, "amount": f"{r['amount']}.00",
                                "at": (due + timedelta(days=r["paid_after_d"])).isoformat()})  # fmt: skip
            elif r["kind"] == "work":
                out.append({"type": "work", "id": rid, "client": cid, "at": at.isoformat(),
                            "minutes": r["minutes"], "billable": r["billable"]})  # fmt: skip
            elif r["kind"] == "note":
                out.append({"type": "note", "id": rid, "client": cid, "at": at.isoformat(), "text": "note",
                            "feeling": r["feeling"]})  # fmt: skip
            else:
                out.append({"type": "concession", "id": rid, "client": cid, "at": at.isoformat(),
                            "kind": "discount", "granted": r["granted"], "value": f"{r['value']}.00"})  # fmt: skip
    return out


def empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(m.Base.metadata.sorted_tables):
            conn.execute(delete(table))


def check(result: dict[str, Any], span_days: float) -> None:
    findings = [f for c in result["clients"] for f in c["flags"]] + list(result["business"]["findings"])
    for f in findings:
        assert f["evidence"], f"{f['code']} has no evidence"
        assert f["measures"].get("evidence_total", len(f["evidence"])) >= len(f["evidence"])
        for word in ("∞", "inf", "nan"):
            assert word not in f["summary"].lower().split(), (f["code"], f["summary"])
        for key, value in f["measures"].items():
            if isinstance(value, float):
                assert math.isfinite(value), (f["code"], key, value)
            if key in SHARES and value is not None:
                assert 0 <= value <= 1, (f["code"], key, value)
            if key in WAITS and value is not None:
                assert 0 <= value <= span_days, (f["code"], key, value, span_days)
    for c in result["clients"]:
        assert 0 <= c["health"] <= 100


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clients=ledgers, mail=intakes)
def test_import_intake_assess_never_break_and_every_finding_has_evidence(
    engine: Engine, clients: list[list[dict[str, Any]]], mail: list[tuple[int, str, bool]]
) -> None:
    empty(engine)
    gt = Goodterms(Settings(), engine)
    history = events(clients)
    first = import_event_dicts(engine, history)
    assert first.counts.inserted == len(history)
    for n, (who, text, automatic) in enumerate(mail):
        cid = f"c{who % len(clients)}"
        if automatic:
            raw = (
                f"From: {cid}@example.com\r\nTo: desk@prop.example\r\nSubject: Out of office\r\n"
                f"Message-ID: <auto{n}@example.com>\r\nAuto-Submitted: auto-replied\r\n\r\n{text}\r\n"
            ).encode()
            outcome = receive(app=gt, mail=parse_mail(raw)).outcome
            assert outcome == "automatic"
        else:
            at = T0 + timedelta(days=DAYS, hours=n)
            outcome = receive(app=gt, client_ref=cid, subject=text[:30], text=text, at=at).outcome
            assert outcome in ("new", "repeat", "resumed", "reopened")
    result = assess(app=gt, as_of=AS_OF, trend=False).to_json()
    check(result, span_days=DAYS + 1)
    again = import_event_dicts(engine, history)
    assert again.counts.inserted == again.counts.updated == 0
