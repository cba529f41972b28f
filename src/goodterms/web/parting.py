"""Parting on good terms: build the packet (draft), preview and download its files, then confirm."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from goodterms.web import accounts
from goodterms.web.context import is_htmx, render, require, web

router = APIRouter()
SAFE_REF = re.compile(r"^[\w.@-]{1,200}$")
INLINE = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


def _client_id(request: Request, ref: str) -> str:
    """Return the source id of the real client *ref* names (by id or name); 404 for anything else."""
    from goodterms.ledger.queries import NotFound, find_client

    try:
        with Session(web(request).gt.engine) as session:
            return find_client(session, ref).ext_id
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc


def folder_name(client_id: str) -> str:
    """Return the packet folder's name for a client: its source id, or a digest of it when that is no plain name."""
    if SAFE_REF.fullmatch(client_id) and client_id.strip(".") != "":
        return client_id
    return "client-" + hashlib.sha256(client_id.encode()).hexdigest()[:20]


def _folder(request: Request, ref: str) -> tuple[str, Path]:
    """Return the client's source id and packet folder, which always lies inside ``<output>/parting``."""
    client_id = _client_id(request, ref)
    root = (web(request).output_dir / "parting").resolve()
    folder = root / folder_name(client_id)
    if folder.resolve().parent != root:  # a link planted in the output folder must not lead elsewhere
        raise HTTPException(status_code=404, detail="no such client")
    return client_id, folder


def _listing(folder: Path) -> list[str]:
    """Return the packet's files: plain files in the folder itself, never links out of it."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def build(request: Request, ref: str, *, confirm: bool, actor: str) -> dict[str, Any]:
    """Build the packet with the reports service and return what was built."""
    try:
        from goodterms.reports.packet import build_packet
    except ImportError as exc:  # the reports service is another engineer's; absent means no page
        raise HTTPException(status_code=501, detail="parting packets are not available") from exc
    from goodterms.ledger.queries import NotFound

    client_id, folder = _folder(request, ref)
    try:
        packet = build_packet(app=web(request).gt, client=client_id, out=folder, confirm=confirm)
    except NotFound as exc:
        raise HTTPException(status_code=404, detail="no such client") from exc
    action = "parting.confirm" if confirm else "parting.build"
    accounts.audit(engine=web(request).gt.engine, action=action, actor=actor, detail={"client": client_id})
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
    client_id, folder = _folder(request, ref)
    values = {"ref": client_id, "files": _listing(folder), "result": None}
    return render(request, "parting.html", values, user=user)


@router.get("/api/clients/{ref}/parting", tags=["parting"])
def parting_api(request: Request, ref: str) -> dict[str, Any]:
    """List the files of the client's parting packet built so far (owners only)."""
    require(request, "owner")
    client_id, folder = _folder(request, ref)
    return {"client": client_id, "files": _listing(folder)}


@router.post("/clients/{ref}/parting", include_in_schema=False)
def parting_form(request: Request, ref: str, confirm: Annotated[bool, Form()] = False) -> Response:
    user = require(request, "owner")
    result = build(request, ref, confirm=confirm, actor=user.email)
    if is_htmx(request):
        values = {"ref": result["client"], "files": result["files"], "result": result}
        return render(request, "parting.html", values, user=user, block="packet")
    return RedirectResponse(f"/clients/{quote(result['client'], safe='')}/parting", status_code=303)


@router.post("/api/clients/{ref}/parting", tags=["parting"])
def parting_build_api(request: Request, ref: str, confirm: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Build the parting packet (a draft; with ``confirm`` the client is ended). Owners only; audited."""
    user = require(request, "owner")
    return build(request, ref, confirm=confirm, actor=user.email)


@router.get("/clients/{ref}/parting/{name}", tags=["parting"])
def parting_file(request: Request, ref: str, name: str) -> FileResponse:
    """Download (or preview, for PDF and text) one file of the packet (owners only; audited)."""
    user = require(request, "owner")
    client_id, folder = _folder(request, ref)
    if name not in _listing(folder):
        raise HTTPException(status_code=404, detail="no such file")
    path = folder / name
    accounts.audit(
        engine=web(request).gt.engine,
        action="export",
        actor=user.email,
        detail={"client": client_id, "file": name},
    )
    media = INLINE.get(path.suffix)
    disposition = "inline" if media else "attachment"
    return FileResponse(path, media_type=media, filename=name, content_disposition_type=disposition)
