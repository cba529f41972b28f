"""What every request handler shares: the application, templates, the signed-in user and rendering."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from goodterms.app import Goodterms
from goodterms.web.accounts import User, session_user, token_user
from goodterms.web.format import Formatter
from goodterms.web.i18n import LANGUAGE_NAMES, LANGUAGES, pick_language, translations
from goodterms.web.throttle import LoginThrottle

log = logging.getLogger(__name__)
SESSION_COOKIE = "gt_session"
LANG_COOKIE = "gt_lang"
ROLE_RANK = {"staff": 0, "manager": 1, "owner": 2}


def assessment_json(result: Any) -> dict[str, dict[str, Any]]:
    """Return client source id → the client's assessment JSON, with ``ours``: the findings on the business
    about that client (``slow_response``: our lateness, with its evidence), which the home page lists."""
    ours: dict[str, list[dict[str, Any]]] = {}
    for found in result.business:
        if found.client is not None:
            ours.setdefault(found.client, []).append(found.to_json())
    return {c.id: {**c.to_json(), "ours": ours.get(c.id, [])} for c in result.clients}


class AssessmentCache:
    """The last whole-portfolio assessment, refreshed when older than ``ttl`` seconds.

    Assessing every client is the assessment service's job (goodterms.assess); the web app only
    keeps its result for a while so that paging through the portfolio does not redo it. Once a
    result is there, an expired one is still served while a background thread computes the next
    (a large portfolio with its monthly trend takes a minute: nobody should wait on a page for the
    timer); the first result, and the one after ``clear()`` (a change the owner expects to see at
    once, like new thresholds), are computed while the request waits. A change to one client's
    records made through the web (a message marked rude, a reply sent) is followed at once by
    ``refresh_client``, which re-assesses that client alone against the saved portfolio medians.
    """

    def __init__(
        self, gt: Goodterms, ttl: float = 300.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.gt = gt
        self.ttl = ttl
        self._clock = clock
        self._at = -math.inf
        self._value: dict[str, dict[str, Any]] | None = None
        self._usable = False  # a result is there that may be served while a newer one is computed
        self._generation = 0  # bumped by clear(): a refresh begun before it must not store its result
        self._refresher: threading.Thread | None = None
        self._lock = threading.Lock()
        # Clients re-assessed one by one, with the change count when it happened: a whole refresh that
        # began before such a change may have read the records without it, so the change is put back over it.
        self._changes = 0
        self._patched: dict[str, tuple[int, dict[str, Any]]] = {}

    def get(self) -> dict[str, dict[str, Any]] | None:
        """Return client source id → assessment JSON, or None when the assessment is unavailable."""
        with self._lock:
            if self._clock() - self._at < self.ttl:
                return self._value
            if self._usable:
                if self._refresher is None or not self._refresher.is_alive():
                    self._refresher = threading.Thread(
                        target=self._refresh,
                        args=(self._generation, self._changes),
                        name="assessment-refresh",
                        daemon=True,
                    )
                    self._refresher.start()
                return self._value
            self._value = self._compute()
            self._at, self._usable = self._clock(), True
            return self._value

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background refresh under way, if any (for tests and a clean shutdown)."""
        refresher = self._refresher
        if refresher is not None:
            refresher.join(timeout)

    def clear(self) -> None:
        """Forget the cached assessment (after a change that affects it): the next request recomputes it."""
        with self._lock:
            self._at, self._usable = -math.inf, False
            self._generation += 1
            self._patched.clear()

    def refresh_client(self, ref: str) -> None:
        """Re-assess one client (source id *ref*) now and put the result into the cached portfolio.

        Nothing is computed while no portfolio is cached (the first request computes everything anyway);
        a failure is logged and leaves the cached result as it was, to be replaced by the next refresh.
        """
        with self._lock:
            if not self._usable or self._value is None:
                return
            generation = self._generation
        one = self._compute_one(ref)
        if one is None:
            return
        with self._lock:
            if generation != self._generation or self._value is None:
                return  # cleared meanwhile: the next request recomputes everyone
            self._changes += 1
            self._patched[ref] = (self._changes, one)
            self._value = {**self._value, ref: one}

    def _refresh(self, generation: int, changes: int) -> None:
        value = self._compute()
        with self._lock:
            if generation != self._generation:
                return  # settings changed meanwhile: this result is already old, the next request recomputes
            # A failed refresh (logged) keeps showing the last result, and is tried again after ttl.
            if value is not None:
                later = {ref: one for ref, (seen, one) in self._patched.items() if seen > changes}
                self._value = {**value, **later}
                self._patched = {ref: p for ref, p in self._patched.items() if p[0] > changes}
            self._at = self._clock()

    def _compute(self) -> dict[str, dict[str, Any]] | None:
        try:
            from goodterms.assess.service import assess
        except ImportError:
            return None
        try:
            result = assess(app=self.gt, fill=False, trend=True)
        except Exception:  # the portfolio must still render without health
            log.exception("assessment failed; the portfolio shows no health")
            return None
        return assessment_json(result)

    def _compute_one(self, ref: str) -> dict[str, Any] | None:
        from goodterms.assess.service import assess

        try:
            result = assess(app=self.gt, client=ref, fill=False, trend=True)
        except Exception:
            log.exception("re-assessing client %s failed; the portfolio shows its last assessment", ref)
            return None
        return assessment_json(result).get(ref)


@dataclass
class Web:
    """The web app's shared state."""

    gt: Goodterms
    env: Environment
    output_dir: Path
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    assessment: AssessmentCache | None = None
    buddhist_era: bool = True  # Thai readers read dates in the Buddhist era (2026 is 2569)


def make_env() -> Environment:
    """Return the Jinja2 environment of the web templates (autoescaped, strict)."""
    return Environment(
        loader=PackageLoader("goodterms.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def web(request: Request) -> Web:
    """Return the shared state of the app serving this request."""
    state: Web = request.app.state.web
    return state


def current_user(request: Request) -> User | None:
    """Return the user signed in by session cookie or bearer token, if any."""
    w = web(request)
    auth = request.headers.get("authorization", "")
    if auth.startswith("Bearer "):
        return token_user(engine=w.gt.engine, token=auth.removeprefix("Bearer ").strip())
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        return session_user(engine=w.gt.engine, key=key)
    return None


def require(request: Request, role: str = "staff") -> User:
    """Return the signed-in user with at least ``role``; else 401 (or a login redirect) / 403."""
    user = current_user(request)
    if user is None:
        wants_html = not request.url.path.startswith("/api/") and request.method == "GET"
        if wants_html:
            raise HTTPException(status_code=303, headers={"Location": f"/login?next={request.url.path}"})
        raise HTTPException(status_code=401, detail="sign in first", headers={"WWW-Authenticate": "Bearer"})
    if ROLE_RANK[user.role] < ROLE_RANK[role]:
        raise HTTPException(status_code=403, detail="your role does not allow this")
    return user


def language(request: Request, user: User | None) -> str:
    """Return the interface language of this request."""
    return pick_language(
        asked=request.query_params.get("lang"),
        cookie=request.cookies.get(LANG_COOKIE),
        user=user.language if user else None,
        accept=request.headers.get("accept-language"),
    )


def is_htmx(request: Request) -> bool:
    """Whether htmx asked for a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def formatter(request: Request, user: User | None) -> Formatter:
    """Return the reader's formatter: their language and calendar, the business's time zone from the ledger.

    The ledger's business record wins over goodterms.toml (whose default is UTC): a desk in Bangkok shows
    promised times as the client's e-mail gave them, in Bangkok time.
    """
    w = web(request)
    return Formatter(language(request, user), w.gt.business().timezone, w.buddhist_era)


def render(
    request: Request,
    template: str,
    values: dict[str, Any],
    *,
    user: User | None,
    block: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Render a page, or only one block of it for an htmx request naming that block."""
    w = web(request)
    lang = language(request, user)
    catalog = translations(lang)
    context = {
        "_": catalog.gettext,
        "lang": lang,
        "languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES,
        "user": user,
        "fmt": formatter(request, user),
        "path": request.url.path,
        "query": request.url.query,
        **values,
    }
    tmpl = w.env.get_template(template)
    if block is not None and is_htmx(request):
        ctx = tmpl.new_context(context)
        body = "".join(tmpl.blocks[block](ctx))
    else:
        body = tmpl.render(context)
    response = HTMLResponse(body, status_code=status)
    response.headers["Vary"] = "HX-Request, Cookie"
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", httponly=True, max_age=365 * 86400)
    return response
