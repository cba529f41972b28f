"""The parting packet, opened the way a person would: spreadsheet, PDFs, checklist, letter."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from goodterms.app import Goodterms
from goodterms.handling.courtesy import find_scolding
from goodterms.ledger import models as m
from goodterms.reports.packet import build_packet
from tests.reports.conftest import THAI_WORDS

AS_OF = date(2026, 5, 20)


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return unicodedata.normalize("NFKC", text)


def records(ws: Any) -> list[dict[str, Any]]:
    """Read a sheet as dicts by header (a row ends at its last filled cell, so pad it)."""
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, tuple(r) + (None,) * (len(head) - len(r)), strict=True)) for r in rows[1:]]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def test_evidence_log_holds_every_contact_with_thai_words_intact(gt: Goodterms, tmp_path: Path) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF)
    wb = load_workbook(packet.files["evidence"])
    assert wb.sheetnames == ["สรุป", "การติดต่อ", "การรอคอย", "ใบแจ้งหนี้", "การชำระเงิน", "สัญญาณเตือน"]
    body = records(wb["การติดต่อ"])
    with gt.sessions() as s:
        in_ledger = s.scalar(select(func.count()).select_from(m.Contact))
    assert len(body) == in_ledger == 39
    first = body[0]
    assert first["ข้อความของลูกค้า"] == THAI_WORDS
    assert first["น้ำเสียง"] == "หงุดหงิด"  # frustrated, in the reader's words
    assert first["ปัญหาที่แจ้ง"] == "งานล่าช้า"
    assert first["เวลา"] == time(10, 0)  # a real time cell, local to the business
    assert first["เวลาที่ใช้ตอบกลับ (ชั่วโมง)"] == 3.0  # the reply three hours later
    assert first["ระยะเวลา (นาที)"] == 0
    call = body[2]
    assert call["ระยะเวลา (นาที)"] == 10
    assert call["นอกเวลาทำการ"] == "ใช่"  # 23:00 in Bangkok
    assert call["น้ำเสียง"] == "ไม่เป็นมิตร"


def test_evidence_log_shows_tone_as_the_business_judged_it(gt: Goodterms, tmp_path: Path) -> None:
    from goodterms.tone_service import mark_message

    mark_message(engine=gt.engine, contact_ext_id="c1-k3", rude=False)  # read hostile; staff: not rude
    mark_message(engine=gt.engine, contact_ext_id="c1-k1", rude=True)  # read frustrated; staff: rude
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF)
    body = records(load_workbook(packet.files["evidence"])["การติดต่อ"])
    assert body[0]["น้ำเสียง"] == "ไม่เป็นมิตร"
    assert body[2]["น้ำเสียง"] is None  # the hostile reading is withdrawn, not relabelled


def test_evidence_log_shows_both_sides_waiting_and_days_late(gt: Goodterms, tmp_path: Path) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF, lang="en")
    wb = load_workbook(packet.files["evidence"])
    waiting = records(wb["Waiting"])
    assert [(w["Who waited"], w["Days"]) for w in waiting] == [
        ("Client waited on us", 0.1),  # 3 hours
        ("We waited on the client", 5.0),
    ]
    inv1, inv2 = records(wb["Invoices"])
    assert (inv1["Number"], inv1["Days late"], inv1["Paid"]) == ("INV-001", 10, 5000)
    assert inv1["Paid in full on"].date() == date(2026, 3, 25)
    assert (inv2["Number"], inv2["Open amount"], inv2["Days late"]) == ("INV-002", 5250.5, 35)
    assert inv2["Paid in full on"] is None
    payments = list(wb["Payments"].iter_rows(min_row=2, values_only=True))
    assert [(p[0], p[2]) for p in payments] == [("INV-001", 5000), ("INV-002", 2000)]
    flags = records(wb["Flags"])
    if importlib.util.find_spec("goodterms.assess.service") is None:
        assert [f["Flag"] for f in flags] == ["assessment not available"]
    else:
        assert all(f["Flag"] for f in flags)
        late = next(f for f in flags if f["Flag"] == "paying later and later")
        # Evidence in words: the invoice by its number, its due day; never "invoice:i2 @ 2026-04-15T00:00…".
        assert late["Evidence"].startswith("invoice INV-002, 15 April 2026"), late["Evidence"]
        assert late["Severity"] in ("low", "medium", "high")


def test_final_report_pdf_keeps_thai_text_and_the_delivered_hours(gt: Goodterms, tmp_path: Path) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF)
    text = pdf_text(packet.files["report"])
    assert nfkc("บริษัท สมชาย การแพทย์") in text
    assert nfkc("รายงานสรุปผลงาน") in text
    assert nfkc("ถอดความเทป 12") in text
    with gt.sessions() as s:
        hours = sum((d.hours for d in s.scalars(select(m.Delivery))), Decimal(0))
    assert hours == Decimal("11.75")
    assert "11.75" in text
    assert "3.50" in text and "6.25" in text
    assert "2569" in text  # Buddhist era dates
    assert nfkc("ฉบับร่าง") in text  # a draft until confirmed
    assert "การติดต่อต่อสัปดาห์" not in text  # the client's copy has no internal charts


def test_business_copy_adds_contact_after_hours_and_lateness_charts(gt: Goodterms, tmp_path: Path) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF, lang="et")
    text = pdf_text(packet.files["internal"])  # the business's language: English
    for title in ("Contacts per week", "by hour of day", "Days late per invoice", "Business copy"):
        assert title in text
    assert "INV-002" in text and "35" in text
    client_copy = pdf_text(packet.files["report"])
    assert "Lõpparuanne" in client_copy and "Tehtud tööd" in client_copy


def test_draft_leaves_the_client_alone_and_confirm_ends_the_relationship(
    gt: Goodterms, tmp_path: Path
) -> None:
    draft = build_packet(app=gt, client="c1", out=tmp_path / "draft", as_of=AS_OF)
    assert draft.draft and draft.status == "active"
    manifest = json.loads(draft.files["manifest"].read_text(encoding="utf-8"))
    assert manifest["draft"] is True and manifest["contacts"] == 39
    final = build_packet(app=gt, client="c1", out=tmp_path / "final", as_of=AS_OF, confirm=True)
    assert not final.draft and final.status == "ended"
    assert "ฉบับร่าง" not in pdf_text(final.files["report"])
    with gt.sessions() as s:
        assert s.scalars(select(m.Client.status)).one() == "ended"
        change = s.scalars(select(m.RecordChange).where(m.RecordChange.table_name == "clients")).one()
    assert change.before == {"status": "active", "became": "ended", "reason": "parting packet confirmed"}


def test_handover_checklist_lists_accounts_and_says_it_waits_on_payment(
    gt: Goodterms, tmp_path: Path
) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF, lang="en")
    text = packet.files["handover"].read_text(encoding="utf-8")
    assert "Hand-over waits on unpaid invoices" in text
    assert "INV-002" in text and "THB5,250.50" in text
    assert "Facebook Page" in text and "scribe@somchai.example" in text and "editor" in text
    assert text.count("Transfer confirmed (date, initials): ____") == 2
    assert packet.handover_waits
    assert find_scolding(text) == []


def test_letter_is_courteous_in_the_clients_language_and_offers_a_referral(
    gt: Goodterms, tmp_path: Path
) -> None:
    packet = build_packet(app=gt, client="c1", out=tmp_path / "p", as_of=AS_OF, referral="MedScript Co.")
    letter = packet.files["letter_text"].read_text(encoding="utf-8")
    assert letter.startswith("เรื่องการทำงานร่วมกันของเรา")
    assert "MedScript Co." in letter
    assert "ไม่สามารถตอบสนองความต้องการของคุณ" in letter
    assert "INV-002" in letter  # hand-over waits on it, said plainly
    assert find_scolding(letter) == []
    # A company is greeted by its name, never with the personal honorific คุณ.
    assert "\nเรียน บริษัท สมชาย การแพทย์\n" in letter and "คุณบริษัท" not in letter
    assert nfkc("เรียน บริษัท สมชาย การแพทย์") in pdf_text(packet.files["letter"])


def test_unknown_client_is_refused(gt: Goodterms, tmp_path: Path) -> None:
    import pytest

    from goodterms.reports.ledgerdata import UnknownClient

    with pytest.raises(UnknownClient):
        build_packet(app=gt, client="nobody", out=tmp_path / "p")
