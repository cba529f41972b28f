"""The goodterms web app: FastAPI, server-rendered Jinja2 pages with htmx, and a JSON twin of every page."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from goodterms.app import Goodterms
from goodterms.web import accounts
from goodterms.web.context import (
    SESSION_COOKIE,
    StoredAssessments,
    Web,
    current_user,
    make_env,
    render,
    require,
    web,
)
from goodterms.web.security import SecurityMiddleware
from goodterms.web.throttle import login_keys

STATIC = Path(str(resources.files("goodterms.web").joinpath("static")))


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def create_app(
    gt: Goodterms,
    *,
    assessment: bool = True,
    output_dir: Path | None = None,
) -> FastAPI:
    """Build the web app over an open ``Goodterms``."""
    app = FastAPI(
        title="goodterms",
        summary="Stay on good terms with clients, or part on good terms.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.web = Web(
        output_dir=output_dir or Path.cwd() / "goodterms-out",
        gt=gt,
        env=make_env(),
        assessment=StoredAssessments(gt) if assessment else None,
    )
    from goodterms.web import settings_store, template_store

    settings_store.apply_stored_assess(gt)
    template_store.ensure_folders(gt, app.state.web.output_dir / "templates")
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307) and exc.headers and "Location" in exc.headers:
            if request.headers.get("hx-request") == "true":
                return Response(status_code=204, headers={"HX-Redirect": exc.headers["Location"]})
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        user = current_user(request)
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "detail": str(exc.detail)},
            user=user,
            status=exc.status_code,
        )

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return render(request, "login.html", {"next": _safe_next(next), "error": None}, user=None)

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(
        request: Request,
        email: Annotated[str, Form(max_length=320)],
        password: Annotated[str, Form(max_length=1000)],
        next: Annotated[str, Form(max_length=500)] = "/",
    ) -> Response:
        w = web(request)
        keys = login_keys(_ip(request), email)
        wait = w.throttle.retry_after(*keys)
        if wait > 0:
            throttled = render(
                request, "login.html", {"next": _safe_next(next), "error": "wait"}, user=None, status=429
            )
            throttled.headers["Retry-After"] = str(int(wait) + 1)
            return throttled
        user = accounts.verify_login(engine=w.gt.engine, email=email, password=password)
        if user is None:
            w.throttle.failed(*keys)
            accounts.audit(
                engine=w.gt.engine,
                action="login.failed",
                actor=email.strip().lower()[:320],
                detail={},
                ip=_ip(request),
            )
            return render(
                request, "login.html", {"next": _safe_next(next), "error": "bad"}, user=None, status=401
            )
        w.throttle.succeeded(keys[1])
        key = accounts.start_session(
            engine=w.gt.engine, user=user, replaces=request.cookies.get(SESSION_COOKIE)
        )
        accounts.audit(engine=w.gt.engine, action="login", actor=user.email, detail={}, ip=_ip(request))
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            key,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            max_age=int(accounts.SESSION_IDLE.total_seconds()),
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> Response:
        key = request.cookies.get(SESSION_COOKIE)
        user = current_user(request)
        if key:
            accounts.end_session(engine=web(request).gt.engine, key=key)
        if user:
            accounts.audit(
                engine=web(request).gt.engine, action="logout", actor=user.email, detail={}, ip=_ip(request)
            )
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/setup/{secret}", response_class=HTMLResponse, include_in_schema=False)
    def setup_page(request: Request, secret: str) -> HTMLResponse:
        return render(request, "setup.html", {"secret": secret, "error": None}, user=None)

    @app.post("/setup/{secret}", include_in_schema=False)
    def setup(request: Request, secret: str, password: Annotated[str, Form(max_length=1000)]) -> Response:
        try:
            accounts.complete_setup(engine=web(request).gt.engine, secret=secret, password=password)
        except accounts.AccountError as exc:
            return render(request, "setup.html", {"secret": secret, "error": str(exc)}, user=None, status=400)
        return RedirectResponse("/login", status_code=303)

    @app.get("/api/me", tags=["account"])
    def me(request: Request) -> dict[str, Any]:
        """Return the signed-in user."""
        user = require(request)
        return {"email": user.email, "role": user.role, "sees_money": user.money, "language": user.language}

    from goodterms.web import (
        client,
        desk,
        followups,
        parting,
        portfolio,
        reply,
        settings_page,
        today,
        users,
    )

    app.include_router(today.router)
    app.include_router(portfolio.router)
    app.include_router(client.router)
    app.include_router(desk.router)
    app.include_router(users.router)
    app.include_router(followups.router)
    app.include_router(parting.router)
    app.include_router(reply.router)
    app.include_router(settings_page.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz(request: Request) -> JSONResponse:
        from goodterms.service.health import report  # each part (and the desk's sender) beats in the ledger

        body, ok = report(web(request).gt.engine)
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request) -> HTMLResponse:
        user = require(request, "owner")
        entries = accounts.audit_entries(engine=web(request).gt.engine, limit=200)
        return render(request, "audit.html", {"entries": entries}, user=user)

    @app.get("/api/audit", tags=["account"])
    def audit_api(request: Request, limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
        """Return the newest entries of the audit log (owners only)."""
        require(request, "owner")
        return {"entries": accounts.audit_entries(engine=web(request).gt.engine, limit=limit)}

    return app
