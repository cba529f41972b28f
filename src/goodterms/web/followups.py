"""Follow-ups: the plan of payment and approval notices, each previewed in the client's language; send."""

from __future__ import annotations

import smtplib
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodterms.ledger.db import session_scope
from goodterms.web import accounts
from goodterms.web.context import current_user, is_htmx, language, render, require, web
from goodterms.web.today import forget_plan

router = APIRouter()


def plan_data(request: Request) -> dict[str, Any]:
    """Return today's plan with a rendered preview of every notice."""
    try:
        from goodterms.handling.followup import plan, sender_of, today
        from goodterms.handling.notices import render_notice
        from goodterms.handling.reasons import channel_name, reason_text, template_name
    except ImportError as exc:  # the handling service is another engineer's; absent means no page
        raise HTTPException(status_code=501, detail="follow-ups are not available") from exc
    gt = web(request).gt
    reader = language(request, current_user(request))
    day = today(gt)
    sender = sender_of(gt)
    items = []
    for item in plan(app=gt, as_of=day):
        preview = render_notice(
            notice=item.notice,
            to=item.to,
            sender=sender,
            as_of=day,
            override_dir=gt.settings.followup.template_dir,
        )
        items.append(
            {
                **item.as_json(),
                "subject": preview.subject,
                "body": preview.body,
                # The reader's words beside the codes and the ladder's English reason.
                "why": reason_text(item.notice, lang=reader, as_of=day),
                "template_words": template_name(item.notice.template, reader),
                "channel_words": channel_name(item.notice.channel, reader),
            }
        )
    from goodterms.desk.outbox import set_aside_rows
    from goodterms.handling.followup import KINDS

    with session_scope(gt.engine) as session:  # notices the outbox set aside: staff must see them, and why
        not_sent = [
            {"to": r.to_addr, "subject": r.subject, "reason": r.last_error, "at": r.failed_at.isoformat()}
            for r in set_aside_rows(session=session, kinds=set(KINDS))
            if r.failed_at is not None
        ]
    return {"as_of": day.isoformat(), "notices": items, "not_sent": not_sent}


@router.get("/followups", response_class=HTMLResponse, include_in_schema=False)
def followups_page(request: Request) -> HTMLResponse:
    user = require(request, "manager")
    return render(request, "followups.html", {"data": plan_data(request), "result": None}, user=user)


@router.get("/api/followups", tags=["followups"])
def followups_api(request: Request) -> dict[str, Any]:
    """Return today's follow-up plan with previews (the JSON twin of ``/followups``)."""
    require(request, "manager")
    return plan_data(request)


def _send(request: Request) -> tuple[Any, dict[str, Any]]:
    user = require(request, "manager")
    from goodterms.handling.followup import send

    try:
        result = send(app=web(request).gt, retry_delays=())  # nobody waits on a web request
    except (OSError, smtplib.SMTPException) as exc:
        # The notices are recorded and queued before sending; the outbox retries them later.
        summary_error = {"queued": None, "sent": 0, "error": f"the mail relay could not be reached: {exc}"}
        accounts.audit(
            engine=web(request).gt.engine, action="message.send", actor=user.email, detail=summary_error
        )
        raise HTTPException(status_code=502, detail=summary_error["error"]) from exc
    finally:
        forget_plan(request)  # the notices are recorded now: the day's page no longer lists them
    summary = {
        "queued": result.queued,
        "sent": result.sent,
        "letters": [str(p) for p in result.letters],
        "manual": len(result.manual),
        "skipped": [{"key": i.notice.key, "why": why} for i, why in result.skipped],
    }
    accounts.audit(engine=web(request).gt.engine, action="message.send", actor=user.email, detail=summary)
    return user, summary


@router.post("/followups/send", include_in_schema=False)
def send_form(request: Request) -> Response:
    user, summary = _send(request)
    if is_htmx(request):
        return render(request, "followups.html", {"data": None, "result": summary}, user=user, block="result")
    return RedirectResponse("/followups", status_code=303)


@router.post("/api/followups/send", tags=["followups"])
def send_api(request: Request) -> dict[str, Any]:
    """Approve and send every notice in today's plan (managers and owners; audited)."""
    return _send(request)[1]
