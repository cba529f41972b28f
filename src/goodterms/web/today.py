"""The home page for the day: requests due or overdue, follow-ups waiting for approval, clients whose
verdict changed this week, and our own lateness (slow_response findings), each with its next step."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.assess import messages as msg
from goodterms.desk.queue import due_requests
from goodterms.handling.reasons import channel_name, template_name
from goodterms.ledger import models as m
from goodterms.ledger.views import clients_records
from goodterms.web.accounts import User
from goodterms.web.context import ROLE_RANK, Web, formatter, render, require, web
from goodterms.web.format import Formatter
from goodterms.web.i18n import translations
from goodterms.web.record_words import Gettext, evidence_lines

router = APIRouter()
log = logging.getLogger(__name__)
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
#: Seconds after which the kept follow-up plan is made anew in the background (sending forgets it).
PLAN_SECONDS = 60.0
#: Our lateness: the worst clients listed with their evidence (the count says how many there are).
OURS_SHOWN = 20


def _assessed(w: Web) -> dict[str, dict[str, Any]] | None:
    """Return client source id → assessment JSON (the one place this page reads the assessment from)."""
    return w.assessment.get() if w.assessment else None


def verdict_changes(app: Goodterms, since: datetime) -> list[dict[str, Any]]:
    """Return the clients whose stored verdict changed since ``since``, newest first (the stored
    assessments' history, ``goodterms.assess.store.verdict_changes``)."""
    from goodterms.assess.store import verdict_changes as stored_changes

    return [
        {
            "client": c.client,
            "name": c.name,
            "before": c.old_verdict,
            "after": c.new_verdict,
            "health_before": c.old_health,
            "health_after": c.new_health,
            "at": c.at,
        }
        for c in stored_changes(app, since)
    ]


def utcnow() -> datetime:
    """Return the present moment (tests move it)."""
    return datetime.now(UTC)


def _span(minutes: int, _: Gettext) -> str:
    """Say a length of time in days, hours and minutes ("2 days 3 h", "45 min")."""
    days, rest = divmod(max(0, minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append((_("%(n)s day") if days == 1 else _("%(n)s days")) % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if mins and not days:
        parts.append(_("%(n)s min") % {"n": mins})
    return " ".join(parts) or _("%(n)s min") % {"n": 0}


def _requests(
    w: Web, now: datetime, zone: ZoneInfo, fmt: Formatter, _: Gettext, limit: int
) -> dict[str, Any]:
    local_day = now.astimezone(zone).date()
    end_of_day = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)
    with Session(w.gt.engine) as session:
        items, total = due_requests(session=session, now=now, until=end_of_day, limit=limit)
        ids = {i.client_id for i in items}
        refs = {
            cid: (ref, language)
            for cid, ref, language in session.execute(
                select(m.Client.id, m.Client.ext_id, m.Client.language).where(m.Client.id.in_(ids))
            )
        }
    rows = []
    for item in items:
        if item.promised_at is None:  # due_requests only returns promised requests
            continue
        promised = item.promised_at if item.promised_at.tzinfo else item.promised_at.replace(tzinfo=UTC)
        overdue = promised < now
        minutes = int(abs((now - promised).total_seconds()) // 60)
        at = fmt.time(promised)
        rows.append(
            {
                "request_id": item.request_id,
                "reference": item.reference,
                "client": refs.get(item.client_id, (None, None))[0],
                "client_name": item.client,
                "client_language": refs.get(item.client_id, (None, "en"))[1],
                "subject": item.subject,
                "promised_at": promised.isoformat(),
                "promised_local": promised.astimezone(zone).replace(microsecond=0).isoformat(),
                "state": "overdue" if overdue else "due_today",
                "minutes": minutes,
                "words": (
                    _("promised %(when)s · overdue by %(span)s")
                    % {"when": fmt.moment(promised), "span": _span(minutes, _)}
                    if overdue
                    else _("due today at %(time)s · %(span)s left") % {"time": at, "span": _span(minutes, _)}
                ),
                "chases": item.chases,
            }
        )
    return {"count": total, "shown": len(rows), "entries": rows}


class PlanKeeper:
    """The day's follow-up plan, kept for this page.

    Planning a whole portfolio's notices reads every client and unpaid invoice (more than a second on
    10,000 clients), so the plan of a day is kept; after ``PLAN_SECONDS`` the kept one is still shown
    while a background thread plans anew, and only the first plan of a day (or the one after
    ``forget``: notices were just sent) is made while the request waits.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: date | None = None
        self._at = -math.inf
        self._value: list[Any] = []
        self._generation = 0
        self._refresher: threading.Thread | None = None

    def get(self, day: date, compute: Callable[[], list[Any]]) -> list[Any]:
        """Return the plan of ``day``: the kept one if it is that day's, else one made now."""
        with self._lock:
            if self._day == day:
                if monotonic() - self._at >= PLAN_SECONDS and not (
                    self._refresher is not None and self._refresher.is_alive()
                ):
                    self._refresher = threading.Thread(
                        target=self._refresh, args=(day, compute, self._generation), daemon=True
                    )
                    self._refresher.start()
                return self._value
            generation = self._generation
        value = compute()
        self._store(day, value, generation)
        return value

    def forget(self) -> None:
        """Forget the kept plan: the next page makes a new one."""
        with self._lock:
            self._day, self._generation = None, self._generation + 1

    def _refresh(self, day: date, compute: Callable[[], list[Any]], generation: int) -> None:
        try:
            value = compute()
        except Exception:  # the page keeps showing the last plan; the next one after PLAN_SECONDS tries again
            log.exception("planning the day's follow-ups failed")
            with self._lock:
                self._at = monotonic()
            return
        self._store(day, value, generation)

    def _store(self, day: date, value: list[Any], generation: int) -> None:
        with self._lock:
            if generation == self._generation:  # not forgotten meanwhile (notices sent)
                self._day, self._at, self._value = day, monotonic(), value


_KEEPERS_LOCK = threading.Lock()


def plan_keeper(request: Request) -> PlanKeeper:
    """Return this app's keeper of the day's follow-up plan."""
    with _KEEPERS_LOCK:
        keeper = getattr(request.app.state, "followup_plan", None)
        if keeper is None:
            keeper = request.app.state.followup_plan = PlanKeeper()
        return keeper


def forget_plan(request: Request) -> None:
    """Forget the day's follow-up plan kept for this page (after notices were sent)."""
    plan_keeper(request).forget()


def _waiting(request: Request, day: date, assessed: Mapping[str, Any] | None) -> list[Any]:
    """Return the notices due on ``day`` that wait for a person to approve them (auto-sent levels left out)."""
    from goodterms.handling.assessment import flag_codes
    from goodterms.handling.followup import plan

    gt = web(request).gt
    auto = {f"payment:{level.name}" for level in gt.settings.followup.levels if level.send == "auto"}

    def compute() -> list[Any]:  # the flags of every client are read only when a plan is made
        flags = flag_codes(list(assessed.values())) if assessed is not None else None
        return [i for i in plan(app=gt, as_of=day, flags=flags) if i.notice.rule not in auto]

    return plan_keeper(request).get(day, compute)


def _followups(
    request: Request, day: date, assessed: Mapping[str, Any] | None, lang: str, limit: int
) -> dict[str, Any]:
    """Return the notices due today that wait for a person to approve them, the first ``limit`` listed."""
    waiting = _waiting(request, day, assessed)
    items = [
        {
            "client": i.notice.client,
            "client_name": i.to.name,
            "client_language": i.to.language,
            "rule": i.notice.rule,
            "template": i.notice.template,
            "template_words": template_name(i.notice.template, lang),
            "channel": i.notice.channel,
            "channel_words": channel_name(i.notice.channel, lang),
        }
        for i in waiting[:limit]
    ]
    return {"count": len(waiting), "shown": len(items), "entries": items, "link": "/followups"}


def _slow(assessed: Mapping[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return every client's slow_response finding (client, finding), the worst first."""
    found = [
        (client, f)
        for client in assessed.values()
        for f in client.get("ours", [])
        if f.get("code") == "slow_response"
    ]
    found.sort(
        key=lambda cf: (
            SEVERITY_RANK.get(str(cf[1].get("severity")), 3),
            -float(cf[1].get("measures", {}).get("late_requests", 0) or 0),
            str(cf[0].get("id")),
        )
    )
    return found


def _ours(
    w: Web, assessed: Mapping[str, Any] | None, fmt: Formatter, _: Gettext, limit: int
) -> dict[str, Any] | None:
    """Return our own lateness: each client's slow_response finding, the worst first, with readable evidence."""
    if assessed is None:
        return None
    found = w.assessment.derived(assessed, "slow_response", _slow) if w.assessment else _slow(assessed)
    shown = found[: min(limit, OURS_SHOWN)]
    wanted: dict[str, dict[str, set[str]]] = {}
    for client, f in shown:
        for e in f.get("evidence", []):
            wanted.setdefault(str(client["id"]), {}).setdefault(str(e.get("type")), set()).add(
                str(e.get("id"))
            )
    records = clients_records(engine=w.gt.engine, wanted=wanted)
    with Session(w.gt.engine) as session:
        languages = dict(
            session.execute(
                select(m.Client.ext_id, m.Client.language).where(
                    m.Client.ext_id.in_([str(c["id"]) for c, _f in shown])
                )
            ).all()
        )
    items = []
    for client, f in shown:
        ref = str(client["id"])
        language = languages.get(ref, fmt.lang)
        said = msg.reword_finding(f, fmt.lang)
        items.append(
            {
                "client": ref,
                "client_name": client.get("name", ref),
                "client_language": language,
                "code": f["code"],
                "words": said["words"],
                "severity": f["severity"],
                "severity_words": said["severity_words"],
                "summary": said["summary"],
                "measures": f.get("measures", {}),
                "evidence": evidence_lines(
                    f.get("evidence", []),
                    records.get(ref, {}),
                    ref=ref,
                    lang=language,
                    shown=set(),
                    _=_,
                    fmt=fmt,
                ),
            }
        )
    return {"count": len(found), "shown": len(items), "entries": items}


def _changes(w: Web, now: datetime, fmt: Formatter) -> dict[str, Any] | None:
    since = now - timedelta(days=7)
    found = verdict_changes(w.gt, since)
    items = []
    for change in found:
        at = change.get("at")
        items.append(
            {
                "client": change.get("client"),
                "client_name": change.get("name", change.get("client")),
                "before": change.get("before"),
                "after": change.get("after"),
                "health_before": change.get("health_before"),
                "health_after": change.get("health_after"),
                "before_words": msg.name(str(change.get("before")), fmt.lang),
                "after_words": msg.name(str(change.get("after")), fmt.lang),
                "at": at.isoformat() if isinstance(at, datetime) else at,
                "when": fmt.moment(at) if at else "",
            }
        )
    return {"since": since.isoformat(), "count": len(items), "entries": items}


def today_data(request: Request, user: User, limit: int = 50) -> dict[str, Any]:
    """Return the day's page: what is due, what waits for approval, whose verdict changed, our lateness."""
    w = web(request)
    fmt = formatter(request, user)
    gettext = translations(fmt.lang).gettext
    zone = ZoneInfo(fmt.tz)
    now = utcnow()
    assessed = _assessed(w)
    manager = ROLE_RANK[user.role] >= ROLE_RANK["manager"]
    return {
        "now": now.replace(microsecond=0).isoformat(),
        "timezone": fmt.tz,
        "today": now.astimezone(zone).date().isoformat(),
        "today_words": fmt.date(now),
        "language": fmt.lang,
        "requests": _requests(w, now, zone, fmt, gettext, limit),
        "followups": _followups(request, now.astimezone(zone).date(), assessed, fmt.lang, limit)
        if manager
        else None,
        "verdict_changes": _changes(w, now, fmt),
        "our_lateness": _ours(w, assessed, fmt, gettext, limit),
    }


Limit = Query(50, ge=1, le=500)


@router.get("/today", response_class=HTMLResponse, include_in_schema=False)
def today_page(request: Request, limit: int = Limit) -> HTMLResponse:
    user = require(request)
    return render(request, "today.html", {"data": today_data(request, user, limit)}, user=user)


@router.get("/api/today", tags=["today"])
def today_api(request: Request, limit: int = Limit) -> dict[str, Any]:
    """Return the day's page (the JSON twin of ``/today``): codes as stable keys, words beside them."""
    user = require(request)
    return today_data(request, user, limit)


def home_link(lang: str | None) -> str:
    """Return where ``/`` sends a signed-in reader: the day's page (in the language asked for, if any)."""
    return "/today" + (f"?{urlencode({'lang': lang})}" if lang else "")
