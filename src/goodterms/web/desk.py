"""The desk: the queue of open requests with honest promise labels, chases, lateness and a client card."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.ledger import models as m
from goodterms.ledger.queries import NotFound
from goodterms.ledger.views import staff_notes, timeline_view
from goodterms.web.accounts import User
from goodterms.web.context import formatter, render, require, web
from goodterms.web.format import promise_label
from goodterms.web.i18n import translations

router = APIRouter()


def desk_data(request: Request, user: User, limit: int) -> dict[str, Any]:
    """Return the open queue, most urgent first, with each client's source id."""
    from goodterms.desk.outbox import set_aside_rows
    from goodterms.desk.queue import open_queue

    now = datetime.now(UTC)
    zone = ZoneInfo(web(request).gt.business().timezone)
    with Session(web(request).gt.engine) as session:
        items = open_queue(session=session, now=now, limit=limit)
        ids = {i.client_id for i in items}
        refs = (
            dict(session.execute(select(m.Client.id, m.Client.ext_id).where(m.Client.id.in_(ids))).all())
            if ids
            else {}
        )
        not_sent = [  # acknowledgements the outbox set aside: staff must see them
            {"to": r.to_addr, "subject": r.subject, "reason": r.last_error, "at": _iso(r.failed_at)}
            for r in set_aside_rows(session=session, kinds={"ack", "repeat_ack"})
        ]
    rows = []
    for item in items:
        row = item.to_json()
        row["client_ref"] = refs.get(item.client_id)
        # The promise as the client read it: in the business's time zone, to the second.
        row["promised_local"] = (
            item.promised_at.astimezone(zone).replace(microsecond=0).isoformat() if item.promised_at else None
        )
        rows.append(row)
    from goodterms.desk.health import sender_health

    sender = sender_health(web(request).gt.engine)  # e.g. the relay refused our login: rows wait
    held_up = sender if sender is not None and not sender["healthy"] else None
    return {
        "now": now.isoformat(),
        "timezone": zone.key,
        "queue": rows,
        "not_sent": not_sent,
        "sender_problem": held_up,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/desk", response_class=HTMLResponse, include_in_schema=False)
def desk_page(request: Request, limit: Limit = 100) -> HTMLResponse:
    user = require(request)
    data = desk_data(request, user, limit)
    fmt = formatter(request, user)
    gettext = translations(fmt.lang).gettext
    now = datetime.fromisoformat(data["now"])
    for row in data["queue"]:
        promised = datetime.fromisoformat(row["promised_at"]) if row["promised_at"] else None
        row["promise"] = promise_label(promised_at=promised, now=now, late=row["late"], fmt=fmt, _=gettext)
    for row in data["not_sent"]:
        at = datetime.fromisoformat(row["at"]) if row["at"] else None
        row["when"] = f"{fmt.date(at)} {fmt.time(at)}" if at else ""
    return render(request, "desk.html", {"data": data}, user=user, block="queue")


@router.get("/api/desk", tags=["desk"])
def desk_api(request: Request, limit: Limit = 100) -> dict[str, Any]:
    """Return the desk's queue (the JSON twin of ``/desk``)."""
    user = require(request)
    return desk_data(request, user, limit)


def card_data(request: Request, ref: str) -> dict[str, Any]:
    """Return a client card: flags, the five latest contacts and the three latest notes."""
    w = web(request)
    try:
        recent = timeline_view(engine=w.gt.engine, ref=ref, types=["contact"], limit=5)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    assessed = w.assessment.get() if w.assessment else None
    found = assessed.get(ref) if assessed else None
    return {
        "client": recent["client"],
        "flags": [f["code"] for f in found["flags"]] if found else [],
        "contacts": [e for month in recent["months"] for e in month["entries"]],
        "notes": staff_notes(engine=w.gt.engine, ref=ref)[:3],
    }


@router.get("/desk/card/{ref}", response_class=HTMLResponse, include_in_schema=False)
def card_page(request: Request, ref: str) -> HTMLResponse:
    user = require(request)
    return render(request, "card.html", {"card": card_data(request, ref)}, user=user, block="card")


@router.get("/api/desk/card/{ref}", tags=["desk"])
def card_api(request: Request, ref: str) -> dict[str, Any]:
    """Return the desk's card of one client."""
    require(request)
    return card_data(request, ref)
