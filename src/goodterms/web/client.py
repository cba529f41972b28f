"""One client: the headline numbers, flags with evidence, charts, the timeline, notes, tone marks, exports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from goodterms.assess.messages import reword_client
from goodterms.assess.moneyless import client_without_money
from goodterms.assess.verdict import FLAG_ADVICE
from goodterms.handling.reasons import channel_name
from goodterms.ledger import models as m
from goodterms.ledger.queries import NotFound
from goodterms.ledger.stale import mark_stale
from goodterms.ledger.views import (
    CHANNELS,
    TIMELINE_TYPES,
    approval_rounds,
    client_headline,
    contact_weeks,
    records_view,
    staff_notes,
    timeline_view,
    waiting_split,
)
from goodterms.web import accounts
from goodterms.web.accounts import User
from goodterms.web.context import formatter, is_htmx, language, render, require, web
from goodterms.web.format import Formatter
from goodterms.web.i18n import translations
from goodterms.web.portfolio import health_band
from goodterms.web.record_words import evidence_lines, with_words

router = APIRouter()
MONEY_TYPES = frozenset({"invoice", "payment", "concession"})
MONEY_KEYS = ("amount", "value")


def _hide_money(entry: dict[str, Any]) -> dict[str, Any]:
    if entry["type"] not in MONEY_TYPES:
        return entry
    kept = {k: v for k, v in entry.items() if k not in MONEY_KEYS}
    kept["summary"] = entry["type"]
    return kept


def client_data(
    request: Request,
    user: User,
    ref: str,
    *,
    types: list[str],
    channels: list[str],
    until: date | None,
    before: datetime | None = None,
) -> dict[str, Any]:
    """Return everything the client page shows, as JSON-ready data."""
    from goodterms.assess.service import assess_settings

    w = web(request)
    now = datetime.now(UTC)
    try:
        head = client_headline(engine=w.gt.engine, ref=ref, now=now)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    until, before = _timeline_limits(until, before)
    line = timeline_view(
        engine=w.gt.engine, ref=ref, types=types, channels=channels, until=until, before=before
    )
    if not user.money:
        for month in line["months"]:
            month["entries"] = [_hide_money(e) for e in month["entries"]]
        head["days_late"] = None
    fmt = formatter(request, user)
    gettext = translations(fmt.lang).gettext
    entries = [e for month in line["months"] for e in month["entries"]]
    with_words(entries, gettext, fmt)
    assessed = w.assessment.get() if w.assessment else None
    found = assessed.get(head["client"]["id"]) if assessed else None
    # Flag summaries, advice and the words for codes are given in the reader's language.
    findings_language = language(request, user)
    if found is not None:
        found = (reword_client if user.money else client_without_money)(found, findings_language)
        found["advice"] = _with_answers(found)
        found["health_band"] = health_band(found.get("health"), assess_settings(w.gt))
        _readable_evidence(
            w.gt.engine,
            ref,
            found["flags"],
            user,
            lang=head["client"]["language"],
            shown={e["anchor"] for e in entries},
            fmt=fmt,
        )
    return {
        "headline": head,
        "assessment": found,
        "findings_language": findings_language,
        "charts": {
            "contacts_per_week": contact_weeks(
                engine=w.gt.engine, ref=ref, now=now, calendar=w.gt.calendar()
            ),
            "waiting": waiting_split(engine=w.gt.engine, ref=ref),
            "approval_rounds": approval_rounds(engine=w.gt.engine, ref=ref),
        },
        "timeline": line,
        "notes": staff_notes(engine=w.gt.engine, ref=ref),
        "filters": {"types": types, "channels": channels, "until": until.isoformat() if until else None},
        "older_link": _older_link(ref, types, channels, line["older"]),
    }


def _readable_evidence(
    engine: Any,
    ref: str,
    flags: list[dict[str, Any]],
    user: User,
    *,
    lang: str,
    shown: set[str],
    fmt: Formatter,
) -> None:
    """Give each finding ``evidence_lines``: when (local), what (in words), the client's words, a link."""
    wanted: dict[str, set[str]] = {}
    for f in flags:
        for e in f.get("evidence", []):
            wanted.setdefault(str(e.get("type")), set()).add(str(e.get("id")))
    records = records_view(engine=engine, ref=ref, wanted=wanted) if wanted else {}
    if not user.money:
        records = {k: _hide_money(dict(v)) for k, v in records.items()}
    gettext = translations(fmt.lang).gettext
    for f in flags:
        f["evidence_lines"] = evidence_lines(
            f.get("evidence", []), records, ref=ref, lang=lang, shown=shown, _=gettext, fmt=fmt
        )


def _with_answers(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the advice, each with the words of the findings it answers (``answers``: their codes)."""
    out = []
    for item in found.get("advice", []):
        answered = [f for f in found.get("flags", []) if item.get("key") in FLAG_ADVICE.get(f["code"], ())]
        out.append(
            {
                **item,
                "answers": [f["code"] for f in answered],
                "answers_words": [f["words"] for f in answered],
            }
        )
    return out


def _timeline_limits(until: date | None, before: datetime | None) -> tuple[date | None, datetime | None]:
    """Check the timeline's ``until`` and ``before`` (422 with the reason) and return ``before`` in UTC."""
    if until is not None and until >= date.max:
        raise HTTPException(status_code=422, detail=f"until must be a date before {date.max.isoformat()}")
    if before is None:
        return until, None
    if before.tzinfo is None or before.utcoffset() is None:
        raise HTTPException(status_code=422, detail="before needs a timezone")
    try:
        return until, before.astimezone(UTC)
    except OverflowError as exc:
        raise HTTPException(
            status_code=422, detail="before is outside the dates a timeline can show (years 1 to 9999 in UTC)"
        ) from exc


def _charts(data: dict[str, Any], _: Any) -> list[str]:
    """Render the client's charts as SVG figures with a legend and the numbers (an empty one as a sentence)."""
    from goodterms.web.charts import BAR, HIGHLIGHT, Series, bar_chart

    weeks = data["charts"]["contacts_per_week"]
    late = data["headline"]["days_late"] or []
    rounds = data["charts"]["approval_rounds"]
    waiting = data["charts"]["waiting"]
    out = [
        bar_chart(
            uid="chart-contacts",
            title=_("Contacts per week (after-hours weeks highlighted)"),
            labels=[w["week"] for w in weeks],
            values=[float(w["total"]) for w in weeks],
            headers=(_("Week"), _("Contacts")),
            series=Series(_("Contacts"), BAR),
            highlight=[w["after_hours_share"] >= 0.5 for w in weeks],
            highlight_series=Series(_("Weeks with most contacts after hours"), HIGHLIGHT),
            empty=_("No contacts from this client in these weeks."),
            numbers=_("Show the numbers"),
        )
    ]
    # (id, title, what a bar is, what it counts, the bars, the sentence when there are none)
    simple = (
        ("waiting", _("Waiting on us vs waiting on them"), _("Who"), _("Requests"),
         [(_("on us"), waiting["on_us"]), (_("on them"), waiting["on_them"])], _("Nobody is waiting: no open requests.")),
        ("late", _("Days late per invoice"), _("Invoice"), _("Days late"),
         [(i["number"], i["days_late"]) for i in late], _("No invoice was paid late.")),
        ("rounds", _("Approval rounds per delivery"), _("Delivery"), _("Rounds"),
         [(r["title"], r["rounds"]) for r in rounds], _("No approval rounds recorded.")),
    )  # fmt: skip
    for uid, title, what, unit, bars, empty in simple:
        out.append(
            bar_chart(
                uid=f"chart-{uid}",
                title=title,
                labels=[str(label) for label, _value in bars],
                values=[float(value) for _label, value in bars],
                headers=(what, unit),
                series=Series(unit, BAR),
                empty=empty,
                numbers=_("Show the numbers"),
            )
        )
    return out


Types = Annotated[list[str] | None, Query(max_length=20)]


def _blank_is_none(value: object) -> object:
    # A filter form sends an empty field when no date is chosen: that means "no limit".
    return None if value == "" else value


Until = Annotated[date | None, BeforeValidator(_blank_is_none), Query()]
Before = Annotated[datetime | None, BeforeValidator(_blank_is_none), Query()]


def _older_link(ref: str, types: list[str], channels: list[str], older: str | None) -> str | None:
    if older is None:
        return None
    params = [("before", older), *(("type", t) for t in types), *(("channel", c) for c in channels)]
    return f"/clients/{quote(ref)}?{urlencode(params)}"


def _clean(types: list[str], channels: list[str]) -> tuple[list[str], list[str]]:
    return [t for t in types if t in TIMELINE_TYPES], [c for c in channels if c in CHANNELS]


@router.get("/clients/{ref}", response_class=HTMLResponse, include_in_schema=False)
def client_page(
    request: Request,
    ref: str,
    type: Types = None,
    channel: Types = None,
    until: Until = None,
    before: Before = None,
) -> HTMLResponse:
    user = require(request)
    types, channels = _clean(type or [], channel or [])
    data = client_data(request, user, ref, types=types, channels=channels, until=until, before=before)
    lang = language(request, user)
    charts = [] if is_htmx(request) else _charts(data, translations(lang).gettext)
    channels_words = [(c, channel_name(c, lang)) for c in CHANNELS]
    values = {"ref": ref, "data": data, "charts": charts, "types": TIMELINE_TYPES, "channels": channels_words}
    return render(request, "client.html", values, user=user, block="timeline")


@router.get("/api/clients/{ref}", tags=["clients"])
def client_api(
    request: Request,
    ref: str,
    type: Types = None,
    channel: Types = None,
    until: Until = None,
    before: Before = None,
) -> dict[str, Any]:
    """Return one client's page data (the JSON twin of ``/clients/{ref}``)."""
    user = require(request)
    types, channels = _clean(type or [], channel or [])
    return client_data(request, user, ref, types=types, channels=channels, until=until, before=before)


def add_note(*, engine: Any, ref: str, text: str, author: str) -> dict[str, Any]:
    """Add a staff note to a client and return it."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        from goodterms.ledger.queries import find_client

        client = find_client(session, ref)
        ext_id = f"web-note-{uuid.uuid4().hex}"
        session.add(m.StaffNote(ext_id=ext_id, client_id=client.id, at=now, text=text, feeling=0))
        mark_stale(session, [client.id])
    accounts.audit(engine=engine, action="note.add", actor=author, detail={"client": ref})
    return {"id": ext_id, "at": now.isoformat(), "text": text, "feeling": 0}


def _note(request: Request, ref: str, text: str) -> tuple[User, dict[str, Any]]:
    user = require(request)
    text = text.strip()
    if not text:
        raise HTTPException(status_code=422, detail="the note is empty")
    w = web(request)
    try:
        added = add_note(engine=w.gt.engine, ref=ref, text=text, author=user.email)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    if w.assessment is not None:
        w.assessment.refresh_client(ref)  # a staff note counts at once
    return user, added


@router.post("/clients/{ref}/notes", include_in_schema=False)
def note_form(request: Request, ref: str, text: Annotated[str, Form(max_length=5000)]) -> Response:
    user, _note_row = _note(request, ref, text)
    if is_htmx(request):
        notes = staff_notes(engine=web(request).gt.engine, ref=ref)
        return render(request, "client_notes.html", {"ref": ref, "notes": notes}, user=user)
    return RedirectResponse(f"/clients/{ref}#notes", status_code=303)


@router.post("/api/clients/{ref}/notes", tags=["clients"], status_code=201)
def note_api(request: Request, ref: str, text: Annotated[str, Form(max_length=5000)]) -> dict[str, Any]:
    """Add a staff note to a client."""
    return _note(request, ref, text)[1]


def _mark(request: Request, contact: str, rude: bool) -> User:
    user = require(request)
    try:
        from goodterms.tone_service import ContactNotFound, mark_message
    except ImportError as exc:
        raise HTTPException(status_code=501, detail="tone marking is not available") from exc
    w = web(request)
    try:
        ref = mark_message(engine=w.gt.engine, contact_ext_id=contact, rude=rude)
    except ContactNotFound as exc:
        raise HTTPException(status_code=404, detail="no such contact") from exc
    if w.assessment is not None:
        w.assessment.refresh_client(ref)  # the mark counts in hostile_tone at once
    accounts.audit(
        engine=w.gt.engine,
        action="tone.mark",
        actor=user.email,
        detail={"contact": contact, "rude": rude},
    )
    return user


@router.post("/contacts/{contact}/mark", include_in_schema=False)
def mark_form(
    request: Request, contact: str, rude: Annotated[bool, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    user = _mark(request, contact, rude)
    if is_htmx(request):
        return render(request, "mark_done.html", {"rude": rude}, user=user)
    return RedirectResponse(back if back.startswith("/clients/") else "/", status_code=303)


@router.post("/api/contacts/{contact}/mark", tags=["clients"])
def mark_api(request: Request, contact: str, rude: Annotated[bool, Form()]) -> dict[str, Any]:
    """Mark a client's message rude or not rude (feeds ``goodterms tone learn``)."""
    _mark(request, contact, rude)
    return {"contact": contact, "mark": "rude" if rude else "not_rude"}


@router.get("/clients/{ref}/timeline.{fmt}", tags=["clients"])
def export_timeline(request: Request, ref: str, fmt: str) -> Response:
    """Export the client's whole timeline as CSV or xlsx (audited)."""
    user = require(request)
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=404, detail="csv or xlsx")
    w = web(request)
    try:
        line = timeline_view(engine=w.gt.engine, ref=ref, limit=10**9)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    rows = [e for month in line["months"] for e in month["entries"]]
    if not user.money:
        rows = [_hide_money(e) for e in rows]
    header = ["at", "type", "id", "summary"]
    accounts.audit(
        engine=w.gt.engine, action="export", actor=user.email, detail={"client": ref, "format": fmt}
    )
    name = f"timeline-{ref}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for e in rows:
            writer.writerow([_cell(e.get(k, "")) for k in header])
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for e in rows:
        sheet.append([_cell(e.get(k, "")) for k in header])
    out = io.BytesIO()
    book.save(out)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(out.getvalue(), media_type=media, headers=disposition)


def _cell(value: Any) -> str:
    """Neutralise spreadsheet formulas in client text (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
