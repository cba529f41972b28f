"""The parting packet: evidence log, final report, hand-over checklist and letter, built into one folder.

Until the user confirms, the packet is a draft (marked so on every document) and the client stays
as they are; ``confirm=True`` writes the final documents and sets the client's status to ``ended``,
recording the change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from goodterms.app import Goodterms
from goodterms.handling.assessment import assess_clients
from goodterms.handling.formatting import language_of
from goodterms.handling.status import set_status
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.reports import evidence_xlsx as ev
from goodterms.reports.final_report import DeliveryLine, ReportData, write_report_pdf
from goodterms.reports.handover import AccountLine, handover_text, open_invoices
from goodterms.reports.labels import labels, word
from goodterms.reports.ledgerdata import ResponseClock, contacts, find_client, invoices, waits
from goodterms.reports.letter import LetterFacts, termination_letter, write_letter_pdf

FILES = {
    "evidence": "evidence-log.xlsx",
    "report": "final-report.pdf",
    "internal": "final-report-internal.pdf",
    "handover": "handover-checklist.txt",
    "letter_text": "letter.txt",
    "letter": "letter.pdf",
    "manifest": "manifest.json",
}


@dataclass
class Packet:
    """What was built, and whether it is still a draft."""

    client: str
    directory: Path
    draft: bool
    language: str
    files: dict[str, Path] = field(default_factory=dict)
    status: str = "active"
    handover_waits: bool = False


def _tone_reader() -> Callable[[str], str | None] | None:
    """Return a tone reader from goodterms.text, or None while it is not usable."""
    try:
        from goodterms.text import analyze

        analyze("ok")
    except Exception:  # the text package is optional here; the sheet then shows stored tones only
        return None

    def read(text: str) -> str | None:
        try:
            return analyze(text).tone.stored  # a threat reads "threat", as the ledger stores it
        except Exception:
            return None

    return read


def _flags(app: Goodterms, client: str) -> list[dict[str, Any]] | None:
    entries = assess_clients(app=app, client=client)
    if entries is None:
        return None
    for entry in entries:
        if str(entry.get("id")) == client:
            return [f for f in entry.get("flags") or [] if isinstance(f, dict)]
    return []


def build_packet(
    *,
    app: Goodterms,
    client: str,
    out: Path,
    confirm: bool = False,
    lang: str | None = None,
    referral: str | None = None,
    as_of: date | None = None,
) -> Packet:
    """Build the four parting documents for ``client`` into ``out``; with ``confirm`` end the client."""
    biz = app.business()
    calendar = app.calendar()
    tz = biz.timezone
    moment = datetime.now(UTC)
    day = as_of or moment.astimezone(ZoneInfo(tz)).date()
    out.mkdir(parents=True, exist_ok=True)
    draft = not confirm
    with session_scope(app.engine) as session:
        row = find_client(session, client)
        cid, ext, name = row.id, row.ext_id, row.name
        language = language_of(lang or row.language)
        since = row.started
    flags = _flags(app, ext)
    packet = Packet(client=ext, directory=out, draft=draft, language=language)
    t = labels(language)
    with session_scope(app.engine) as session:
        invs = invoices(session, client_id=cid, as_of=day, tz=tz)
        deliveries = [
            DeliveryLine(d.at.astimezone(ZoneInfo(tz)).date(), d.title, d.hours, d.outcome)
            for d in session.scalars(
                select(m.Delivery).where(m.Delivery.client_id == cid).order_by(m.Delivery.at)
            )
        ]
        accounts = [
            AccountLine(a.service, a.handle, a.access, a.transferred_at)
            for a in session.scalars(
                select(m.Account).where(m.Account.client_id == cid).order_by(m.Account.id)
            )
        ]
        wb = ev.new_workbook()
        summary_ws = wb.create_sheet(t["summary"])
        contacts_ws = wb.create_sheet(t["contacts"])
        stats = ev.write_contacts(
            contacts_ws,
            contacts(session, client_id=cid),
            lang=language,
            calendar=calendar,
            clock=ResponseClock(session, client_id=cid),
            tone_of=_tone_reader(),
        )
        ev.write_waiting(
            wb.create_sheet(t["waiting"]), waits(session, client_id=cid), lang=language, tz=tz, as_of=moment
        )
    ev.write_invoices(wb.create_sheet(t["invoices"]), invs, lang=language)
    ev.write_payments(wb.create_sheet(t["payments"]), invs, lang=language, tz=tz)
    numbers = {("invoice", i.ext_id): i.number for i in invs}  # evidence names invoices by their number
    ev.write_flags(wb.create_sheet(t["flags"]), flags, lang=language, tz=tz, names=numbers)
    unpaid = open_invoices(invs)
    packet.handover_waits = bool(unpaid)
    ev.write_summary(
        summary_ws,
        [
            (t["client"], name),
            (t["generated"], day),
            (t["status"], t["draft"] if draft else word("status", "ended", language)),
            (t["contacts"], stats.total),
            (t["inbound"], stats.inbound),
            (t["after_hours"], stats.after_hours),
            (t["deliveries"], len(deliveries)),
            (t["hours"], sum((d.hours for d in deliveries), Decimal(0))),
            (t["invoices"], len(invs)),
            (t["open_amount"], ev.money_total(unpaid, lang=language)),
            (t["handover_waits"], t["yes"] if unpaid else t["no"]),
        ],
        lang=language,
    )
    packet.files["evidence"] = ev.save(wb, out / FILES["evidence"])
    data = ReportData(biz.name, name, deliveries, invs, stats, flags, day, since)
    packet.files["report"] = write_report_pdf(
        data=data, lang=language, path=out / FILES["report"], draft=draft
    )
    packet.files["internal"] = write_report_pdf(
        data=data, lang=biz.language, path=out / FILES["internal"], internal=True, draft=draft
    )
    checklist = handover_text(
        client_name=name,
        business_name=biz.name,
        accounts=accounts,
        invoices=invs,
        lang=language,
        as_of=day,
        draft=draft,
    )
    packet.files["handover"] = _write_text(out / FILES["handover"], checklist)
    letter = termination_letter(
        facts=LetterFacts(
            client_name=name,
            business_name=biz.name,
            lang=language,
            since=since or (deliveries[0].day if deliveries else None),
            deliveries=len(deliveries),
            hours=data.total_hours,
            open_invoices=tuple((i.number, i.open_amount, i.currency) for i in unpaid),
            referral=referral,
        ),
        override_dir=app.settings.followup.template_dir,
    )
    packet.files["letter_text"] = _write_text(
        out / FILES["letter_text"], f"{letter.subject}\n\n{letter.body}"
    )
    packet.files["letter"] = write_letter_pdf(
        path=out / FILES["letter"],
        subject=letter.subject,
        body=letter.body,
        lang=language,
        sender_name=biz.name,
        draft=draft,
    )
    with session_scope(app.engine) as session:
        row = find_client(session, ext)
        if confirm:
            set_status(
                session=session, client=row, status="ended", reason="parting packet confirmed", at=moment
            )
        packet.status = row.status
    manifest = {
        "client": ext,
        "client_name": name,
        "draft": draft,
        "status": packet.status,
        "language": language,
        "as_of": day.isoformat(),
        "handover_waits_on_payment": packet.handover_waits,
        "open_invoices": [i.number for i in unpaid],
        "contacts": stats.total,
        "files": {k: p.name for k, p in packet.files.items()},
    }
    packet.files["manifest"] = _write_text(
        out / FILES["manifest"], json.dumps(manifest, ensure_ascii=False, indent=2)
    )
    return packet


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
