"""Users for owners: the list, adding someone (with a one-time setup link) and changing roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from goodterms.web import accounts
from goodterms.web.context import is_htmx, render, require, web

router = APIRouter()
Role = Annotated[str, Form(pattern="^(owner|manager|staff)$")]


@router.get("/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request) -> HTMLResponse:
    user = require(request, "owner")
    values = {"users": accounts.list_users(engine=web(request).gt.engine), "setup": None}
    return render(request, "users.html", values, user=user)


@router.get("/api/users", tags=["account"])
def users_api(request: Request) -> dict[str, Any]:
    """Return every user (owners only)."""
    require(request, "owner")
    return {"users": accounts.list_users(engine=web(request).gt.engine)}


def _add(request: Request, email: str, role: str) -> tuple[Any, str]:
    user = require(request, "owner")
    try:
        secret = accounts.add_user(engine=web(request).gt.engine, email=email, role=role, actor=user.email)
    except accounts.AccountError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    assert secret is not None
    return user, f"{request.base_url}setup/{secret}"


@router.post("/users", include_in_schema=False)
def add_form(request: Request, email: Annotated[str, Form(max_length=320)], role: Role) -> Response:
    user, link = _add(request, email, role)
    values = {"users": accounts.list_users(engine=web(request).gt.engine), "setup": link}
    return render(request, "users.html", values, user=user, block="users", status=201)


@router.post("/api/users", tags=["account"], status_code=201)
def add_api(request: Request, email: Annotated[str, Form(max_length=320)], role: Role) -> dict[str, str]:
    """Add a user; the answer holds their one-time setup link (owners only)."""
    return {"email": email.lower(), "role": role, "setup_link": _add(request, email, role)[1]}


def _role(request: Request, email: str, role: str) -> Any:
    user = require(request, "owner")
    try:
        accounts.set_role(engine=web(request).gt.engine, email=email, role=role, actor=user.email)
    except accounts.AccountError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return user


@router.post("/users/{email}/role", include_in_schema=False)
def role_form(request: Request, email: str, role: Role) -> Response:
    user = _role(request, email, role)
    if is_htmx(request):
        values = {"users": accounts.list_users(engine=web(request).gt.engine), "setup": None}
        return render(request, "users.html", values, user=user, block="users")
    return RedirectResponse("/users", status_code=303)


@router.post("/api/users/{email}/role", tags=["account"])
def role_api(request: Request, email: str, role: Role) -> dict[str, str]:
    """Change a user's role; their sessions end (owners only)."""
    _role(request, email, role)
    return {"email": email.lower(), "role": role}
