"""Desk replies: a draft from a template in the client's language, a courtesy check, the outbox, a Reply."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.utils import formataddr
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2 import TemplateError as JinjaError
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.handling.addressing import called
from goodterms.handling.courtesy import find_scolding
from goodterms.ledger import models as m
from goodterms.ledger.db import session_scope
from goodterms.web import accounts
from goodterms.web.context import is_htmx, render, require, web
from goodterms.web.template_store import REPLY_TEMPLATES, folder

router = APIRouter()
#: Templates that leave the request open, waiting on the client's answer.
HOLDING = frozenset({"reply_need_info"})


class ReplyRefused(ValueError):
    """The reply cannot be sent (it scolds, the request is closed, the client has no address)."""

    status = 422


class AlreadyAnswered(ReplyRefused):
    """The request was answered meanwhile: a conflict with the current state, not bad input."""

    status = 409


def _env(gt: Goodterms) -> Environment:
    where = folder(gt, "desk")
    loaders: list[FileSystemLoader | PackageLoader] = [FileSystemLoader(str(where))] if where else []
    loaders.append(PackageLoader("goodterms.web", "replies"))
    # Plain-text mail (.txt.j2): nothing here is HTML; pages autoescape the draft when they show it.
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
    )


def _language(code: str | None) -> str:
    code = (code or "en")[:2].lower()
    return code if code in ("th", "et", "en") else "en"


def reply_drafts(*, gt: Goodterms, request_id: int) -> dict[str, Any]:
    """Return an open request with a draft reply from every reply template, in the client's language."""
    with Session(gt.engine) as session:
        req = session.get(m.Request, request_id)
        if req is None:
            raise LookupError(f"no request {request_id}")
        client = session.get(m.Client, req.client_id)
        assert client is not None
        lang = _language(client.language)
        context = {
            "client_name": client.name,
            "client_called": called(client.name, lang),
            "subject": req.subject or "—",
            "reference": f"[{req.reference}]" if req.reference else "",
            "business_name": gt.business().name,
        }
        info = {
            "request_id": req.id,
            "reference": req.reference,
            "subject": req.subject,
            "status": req.status,
            "client": client.name,
            "client_ref": client.ext_id,
            "language": lang,
            "to": client.emails[0] if client.emails else None,
        }
    env = _env(gt)
    drafts = {}
    for name in REPLY_TEMPLATES:
        try:
            drafts[name] = env.get_template(f"{lang}/{name}.txt.j2").render(**context)
        except JinjaError:  # a broken override must not hide the desk: fall back to the built-in text
            builtin = Environment(loader=PackageLoader("goodterms.web", "replies"), undefined=StrictUndefined)
            drafts[name] = builtin.get_template(f"{lang}/{name}.txt.j2").render(**context)
    return {**info, "drafts": drafts}


def send_reply(*, gt: Goodterms, request_id: int, text: str, template: str, resolves: bool) -> dict[str, Any]:
    """Check the wording, record the Reply, queue it in the desk outbox and send it through the relay.

    A reply that resolves marks the request answered; a "we need more information" reply that
    does not resolve puts the request on hold (waiting on the client). Raises ``ReplyRefused``
    before anything is stored when the text scolds.
    """
    from goodterms.desk.outbox import enqueue, send_pending
    from goodterms.desk.relay import RelaySetupError
    from goodterms.desk.responses import answer, wait_on_client
    from goodterms.desk.threading import reply_subject

    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise ReplyRefused("the reply is empty")
    scolding = find_scolding(text)
    if scolding:
        raise ReplyRefused(
            "this wording blames or scolds the client; please rephrase: "
            + ", ".join(s.phrase for s in scolding)
        )
    biz = gt.business()
    now = datetime.now(UTC)
    with session_scope(gt.engine) as session:
        req = session.get(m.Request, request_id)
        if req is None:
            raise LookupError(f"no request {request_id}")
        if req.status not in ("open", "waiting"):
            raise AlreadyAnswered("this request is already answered")
        client = session.get(m.Client, req.client_id)
        assert client is not None
        if not client.emails:
            raise ReplyRefused("the client has no e-mail address")
        reply = answer(
            session=session, calendar=gt.calendar(), request_id=req.id, at=now, text=text, resolves=resolves
        )
        if not resolves and template in HOLDING:
            wait_on_client(session=session, request_id=req.id, at=now)
        headers = {
            "From": formataddr((biz.name, gt.settings.desk.from_address or biz.email or "desk@localhost")),
            "X-Goodterms-Request-Id": str(req.id),
        }
        last = session.scalars(
            select(m.Contact.message_id)
            .where(
                m.Contact.request_id == req.id,
                m.Contact.direction == "inbound",
                m.Contact.message_id.is_not(None),
            )
            .order_by(m.Contact.at.desc())
        ).first()
        if last:
            headers["In-Reply-To"] = last
            headers["References"] = last
        subject = req.subject or "—"
        row = enqueue(
            session=session,
            key=f"reply:{reply.ext_id}",
            client_id=client.id,
            kind="reply",
            to_addr=client.emails[0],
            subject=reply_subject(subject, req.reference) if req.reference else f"Re: {subject}",
            body=text,
            headers=headers,
        )
        result: dict[str, Any] = {
            "request_id": req.id,
            "reply_id": reply.id,
            "outbox_id": row.id,
            "resolves": resolves,
            "status": req.status,
            "to": client.emails[0],
            "client": client.ext_id,
            "sent": False,
            "error": None,
        }
    try:
        sent = send_pending(
            engine=gt.engine,
            relay=gt.settings.desk.relay(),
            kinds={"reply"},
            retry_delays=(),  # nobody waits on a web request: the outbox tries again later
        )
    except RelaySetupError as exc:  # wrong password, untrusted certificate: the reply waits for the fix
        result["error"] = f"the reply is queued but the mail relay cannot be used as set up: {exc}"
    except (OSError, smtplib.SMTPException) as exc:
        # The reply is recorded and queued; the outbox sends it when the relay is back.
        result["error"] = f"the mail relay could not be reached: {exc}"
    else:
        result["sent"] = sent > 0
        if not result["sent"]:
            with session_scope(gt.engine) as session:
                queued = session.get(m.Outbox, result["outbox_id"])
                if queued is not None and queued.last_error:
                    state = "was not sent" if queued.failed_at is not None else "is queued"
                    result["error"] = f"the reply {state}: {queued.last_error}"
    return result


Template = Annotated[str, Query(pattern="^(" + "|".join(REPLY_TEMPLATES) + ")$")]
FormTemplate = Annotated[str, Form(pattern="^(" + "|".join(REPLY_TEMPLATES) + ")$")]


def _drafts(request: Request, request_id: int) -> dict[str, Any]:
    try:
        return reply_drafts(gt=web(request).gt, request_id=request_id)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail="no such request") from exc


@router.get("/desk/requests/{request_id}/reply", response_class=HTMLResponse, include_in_schema=False)
def reply_page(request: Request, request_id: int, template: Template = "reply_answer") -> HTMLResponse:
    user = require(request)
    data = _drafts(request, request_id)
    values = {
        "data": data,
        "template": template,
        "text": data["drafts"][template],
        "error": None,
        "result": None,
    }
    return render(request, "reply.html", values, user=user, block="reply")


@router.get("/api/desk/requests/{request_id}/reply", tags=["desk"])
def reply_api(request: Request, request_id: int) -> dict[str, Any]:
    """Return a request with draft replies from each template in the client's language."""
    require(request)
    return _drafts(request, request_id)


def _send(
    request: Request, request_id: int, text: str, template: str, resolves: bool
) -> tuple[Any, dict[str, Any]]:
    user = require(request)
    gt = web(request).gt
    try:
        result = send_reply(gt=gt, request_id=request_id, text=text, template=template, resolves=resolves)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail="no such request") from exc
    cache = web(request).assessment
    if cache is not None:
        cache.refresh_client(result["client"])  # how long the client waited for us counts at once
    detail = {k: result[k] for k in ("request_id", "reply_id", "outbox_id", "resolves", "sent", "error")}
    accounts.audit(
        engine=gt.engine, action="desk.reply", actor=user.email, detail={**detail, "template": template}
    )
    return user, result


@router.post("/desk/requests/{request_id}/reply", include_in_schema=False)
def reply_form(
    request: Request,
    request_id: int,
    text: Annotated[str, Form(max_length=50_000)],
    template: FormTemplate = "reply_answer",
    resolves: Annotated[bool, Form()] = False,
) -> Response:
    try:
        user, result = _send(request, request_id, text, template, resolves)
    except ReplyRefused as exc:
        user = require(request)
        data = _drafts(request, request_id)
        values = {"data": data, "template": template, "text": text, "error": str(exc), "result": None}
        return render(request, "reply.html", values, user=user, block="reply", status=exc.status)
    if is_htmx(request):
        values = {"data": None, "template": template, "text": "", "error": None, "result": result}
        return render(request, "reply.html", values, user=user, block="reply")
    return RedirectResponse("/desk", status_code=303)


@router.post("/api/desk/requests/{request_id}/reply", tags=["desk"])
def reply_send_api(
    request: Request,
    request_id: int,
    text: Annotated[str, Form(max_length=50_000)],
    template: FormTemplate = "reply_answer",
    resolves: Annotated[bool, Form()] = True,
) -> dict[str, Any]:
    """Send a reply to a request through the desk outbox and record it (resolves: marks it answered)."""
    try:
        return _send(request, request_id, text, template, resolves)[1]
    except ReplyRefused as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from exc
