"""Users for owners: the list, adding someone (with a one-time setup link), changing roles, removing
someone and revoking API tokens."""

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
    return _users_changed(request, _role(request, email, role))


@router.post("/api/users/{email}/role", tags=["account"])
def role_api(request: Request, email: str, role: Role) -> dict[str, str]:
    """Change a user's role; their sessions end (owners only)."""
    _role(request, email, role)
    return {"email": email.lower(), "role": role}


def _users_changed(request: Request, user: Any) -> Response:
    if is_htmx(request):
        values = {"users": accounts.list_users(engine=web(request).gt.engine), "setup": None}
        return render(request, "users.html", values, user=user, block="users")
    return RedirectResponse("/users", status_code=303)


def _account_error(exc: accounts.AccountError) -> HTTPException:
    return HTTPException(
        status_code=404 if isinstance(exc, accounts.UnknownAccount) else 409, detail=str(exc)
    )


def _remove(request: Request, email: str) -> Any:
    user = require(request, "owner")
    try:
        accounts.remove_user(engine=web(request).gt.engine, email=email, actor=user.email)
    except accounts.AccountError as exc:
        raise _account_error(exc) from exc
    return user


@router.post("/users/{email}/remove", include_in_schema=False)
def remove_form(request: Request, email: str) -> Response:
    return _users_changed(request, _remove(request, email))


@router.post("/api/users/{email}/remove", tags=["account"])
def remove_api(request: Request, email: str) -> dict[str, Any]:
    """Remove a user; their sessions and API tokens stop working at once (owners only; not the last owner)."""
    _remove(request, email)
    return {"email": email.strip().lower(), "removed": True}


def _revoke_tokens(request: Request, email: str) -> tuple[Any, int]:
    user = require(request, "owner")
    try:
        n = accounts.revoke_tokens(engine=web(request).gt.engine, email=email, actor=user.email)
    except accounts.AccountError as exc:
        raise _account_error(exc) from exc
    return user, n


@router.post("/users/{email}/tokens/revoke", include_in_schema=False)
def revoke_tokens_form(request: Request, email: str) -> Response:
    return _users_changed(request, _revoke_tokens(request, email)[0])


@router.post("/api/users/{email}/tokens/revoke", tags=["account"])
def revoke_tokens_api(request: Request, email: str) -> dict[str, Any]:
    """Revoke every API token of a user; they stop working at once (owners only)."""
    return {"email": email.strip().lower(), "revoked": _revoke_tokens(request, email)[1]}


@router.get("/api/tokens", tags=["account"])
def tokens_api(request: Request) -> dict[str, Any]:
    """List the API tokens (ids, users, when made and revoked; never the tokens) (owners only)."""
    require(request, "owner")
    return {"tokens": accounts.list_tokens(engine=web(request).gt.engine)}


@router.post("/api/tokens/{token_id}/revoke", tags=["account"])
def revoke_token_api(request: Request, token_id: int) -> dict[str, Any]:
    """Revoke one API token by its id; it stops working at once (owners only)."""
    user = require(request, "owner")
    try:
        email = accounts.revoke_token(engine=web(request).gt.engine, token_id=token_id, actor=user.email)
    except accounts.AccountError as exc:
        raise _account_error(exc) from exc
    return {"id": token_id, "email": email, "revoked": True}
