"""Parting on good terms: build the packet (draft), preview and download its files, then confirm.

The page names the client, says what the packet holds and which findings it rests on, previews the
letter once a draft exists, and offers "confirm" only then (the form refuses a confirm without one).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from goodterms.web import accounts
from goodterms.web.accounts import User
from goodterms.web.context import is_htmx, language, render, require, web
from goodterms.web.portfolio import health_band

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


def packet_state(folder: Path) -> dict[str, Any]:
    """Return what the folder holds: its files, whether a draft or final packet exists, and the letter's text."""
    files = _listing(folder)
    manifest: dict[str, Any] = {}
    if "manifest.json" in files:
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}  # a damaged manifest: treat the packet as not built, so that it is built again
    letter = None
    if "letter.txt" in files:
        letter = (folder / "letter.txt").read_text(encoding="utf-8", errors="replace")
    built = bool(manifest) and "letter.pdf" in files
    return {
        "files": files,
        "has_draft": built and manifest.get("draft") is True,
        "final": built and manifest.get("draft") is False,
        "status": manifest.get("status"),
        "letter": letter,
    }


def _about(request: Request, user: User, client_id: str) -> dict[str, Any]:
    """Return the client's name and language and, when assessed, the verdict and findings in the reader's words."""
    from goodterms.assess.messages import reword_client
    from goodterms.assess.service import assess_settings
    from goodterms.ledger.views import client_headline

    w = web(request)
    head = client_headline(engine=w.gt.engine, ref=client_id, now=datetime.now(UTC))["client"]
    assessed = w.assessment.get() if w.assessment else None
    found = assessed.get(client_id) if assessed else None
    words = reword_client(found, language(request, user)) if found is not None else None
    band = health_band(found.get("health"), assess_settings(w.gt)) if found is not None else None
    return {"client": head, "assessment": words, "health_band": band}


def _values(
    request: Request,
    user: User,
    client_id: str,
    folder: Path,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "ref": client_id,
        **_about(request, user, client_id),
        **packet_state(folder),
        "result": result,
        "error": error,
    }


@router.get("/clients/{ref}/parting", response_class=HTMLResponse, include_in_schema=False)
def parting_page(request: Request, ref: str) -> HTMLResponse:
    user = require(request, "owner")
    client_id, folder = _folder(request, ref)
    return render(request, "parting.html", _values(request, user, client_id, folder), user=user)


@router.get("/api/clients/{ref}/parting", tags=["parting"])
def parting_api(request: Request, ref: str) -> dict[str, Any]:
    """List the files of the client's parting packet built so far (owners only)."""
    require(request, "owner")
    client_id, folder = _folder(request, ref)
    return {"client": client_id, "files": _listing(folder)}


@router.post("/clients/{ref}/parting", include_in_schema=False)
def parting_form(request: Request, ref: str, confirm: Annotated[bool, Form()] = False) -> Response:
    user = require(request, "owner")
    client_id, folder = _folder(request, ref)
    if confirm and not packet_state(folder)["has_draft"]:
        # The owner confirms what they have read: no draft on file means nothing was read yet.
        from goodterms.web.i18n import translations

        _ = translations(language(request, user)).gettext
        error = _("Build the draft packet and read it first; then confirm.")
        values = _values(request, user, client_id, folder, error=error)
        return render(
            request,
            "parting.html",
            values,
            user=user,
            block="packet" if is_htmx(request) else None,
            status=409,
        )
    result = build(request, ref, confirm=confirm, actor=user.email)
    if is_htmx(request):
        values = _values(request, user, result["client"], folder, result=result)
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
