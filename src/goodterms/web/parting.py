"""Parting on good terms: build the packet (draft), preview and download its files, then confirm."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from goodterms.web import accounts
from goodterms.web.context import is_htmx, render, require, web

router = APIRouter()
SAFE_REF = re.compile(r"^[\w.@-]{1,200}$")
INLINE = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


def _folder(request: Request, ref: str) -> Path:
    if not SAFE_REF.fullmatch(ref):
        raise HTTPException(status_code=404, detail="no such client")
    return web(request).output_dir / "parting" / ref


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def build(request: Request, ref: str, *, confirm: bool, actor: str) -> dict[str, Any]:
    """Build the packet with the reports service and return what was built."""
    try:
        from goodterms.reports.packet import build_packet
    except ImportError as exc:  # the reports service is another engineer's; absent means no page
        raise HTTPException(status_code=501, detail="parting packets are not available") from exc
    from goodterms.ledger.queries import NotFound

    folder = _folder(request, ref)
    try:
        packet = build_packet(app=web(request).gt, client=ref, out=folder, confirm=confirm)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    action = "parting.confirm" if confirm else "parting.build"
    accounts.audit(engine=web(request).gt.engine, action=action, actor=actor, detail={"client": ref})
    return {
        "client": packet.client,
        "draft": packet.draft,
        "status": packet.status,
        "language": packet.language,
        "handover_waits_on_payment": packet.handover_waits,
        "files": sorted(p.name for p in packet.files.values()),
    }


@router.get("/clients/{ref}/parting", response_class=HTMLResponse, include_in_schema=False)
def parting_page(request: Request, ref: str) -> HTMLResponse:
    user = require(request, "owner")
    values = {"ref": ref, "files": _listing(_folder(request, ref)), "result": None}
    return render(request, "parting.html", values, user=user)


@router.get("/api/clients/{ref}/parting", tags=["parting"])
def parting_api(request: Request, ref: str) -> dict[str, Any]:
    """List the files of the client's parting packet built so far (owners only)."""
    require(request, "owner")
    return {"client": ref, "files": _listing(_folder(request, ref))}


@router.post("/clients/{ref}/parting", include_in_schema=False)
def parting_form(request: Request, ref: str, confirm: Annotated[bool, Form()] = False) -> Response:
    user = require(request, "owner")
    result = build(request, ref, confirm=confirm, actor=user.email)
    if is_htmx(request):
        values = {"ref": ref, "files": result["files"], "result": result}
        return render(request, "parting.html", values, user=user, block="packet")
    return RedirectResponse(f"/clients/{ref}/parting", status_code=303)


@router.post("/api/clients/{ref}/parting", tags=["parting"])
def parting_build_api(request: Request, ref: str, confirm: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Build the parting packet (a draft; with ``confirm`` the client is ended). Owners only; audited."""
    user = require(request, "owner")
    return build(request, ref, confirm=confirm, actor=user.email)


@router.get("/clients/{ref}/parting/{name}", tags=["parting"])
def parting_file(request: Request, ref: str, name: str) -> FileResponse:
    """Download (or preview, for PDF and text) one file of the packet (owners only; audited)."""
    user = require(request, "owner")
    folder = _folder(request, ref)
    if name not in _listing(folder):
        raise HTTPException(status_code=404, detail="no such file")
    path = folder / name
    accounts.audit(
        engine=web(request).gt.engine, action="export", actor=user.email, detail={"client": ref, "file": name}
    )
    media = INLINE.get(path.suffix)
    disposition = "inline" if media else "attachment"
    return FileResponse(path, media_type=media, filename=name, content_disposition_type=disposition)
