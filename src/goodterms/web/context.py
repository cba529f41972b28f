"""What every request handler shares: the application, templates, the signed-in user and rendering."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
T = TypeVar("T")
V = TypeVar("V")


class StoredAssessments:
    """The stored assessments (``goodterms.assess.store``) as this web process reads them.

    Nothing is computed here for a page: each read asks the database for its write counter and reads
    only the clients stored since this process last read, so every web process shows the same. With
    nothing stored yet (a fresh ledger) the first read assesses and stores everyone, once. A change to
    one client made through the web (a message marked rude, a note, a reply sent) is followed at once
    by ``refresh_client``; new settings by ``clear``, which refreshes everyone while the owner waits.
    The scheduled refreshes are ``goodterms run``'s (or the workers').
    """

    def __init__(self, gt: Goodterms) -> None:
        self.gt = gt
        self._generation = 0
        self._value: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        self._derived_of: object = None
        self._derived: dict[str, Any] = {}

    def get(self) -> dict[str, dict[str, Any]] | None:
        """Return client source id -> assessment JSON, or None when the assessment is unavailable."""
        from goodterms.assess.store import read_changed, read_generation

        if self._value is not None:  # most reads: nothing stored since, one small query and no lock
            try:
                if read_generation(self.gt) == self._generation:
                    return self._value
            except Exception:  # read again below, where a failure is logged
                pass
        with self._lock:
            try:
                generation, changed = read_changed(self.gt, self._generation)
                if generation < self._generation or self._value is None:  # first read, or stored anew
                    generation, changed = read_changed(self.gt, 0)
                    self._value = {}
            except Exception:  # the portfolio must still render without health
                log.exception("reading the stored assessment failed; the portfolio shows no health")
                return self._value
            if changed or generation != self._generation:
                self._value = {**self._value, **changed}
                self._generation = generation
            return self._value

    def derived(self, value: V, name: str, make: Callable[[V], T]) -> T:
        """Return ``make(value)`` for ``value``, a result of ``get``, made once per read that changed something.

        ``get`` hands out a new dict whenever a stored assessment changed, so what is made from the
        assessments alone (a tally of verdicts, everyone's lateness sorted) is made again at once then.
        Nothing that depends on the ledger may be kept here.
        """
        with self._lock:
            if self._derived_of is not value:
                self._derived_of, self._derived = value, {}
            if name not in self._derived:
                self._derived[name] = make(value)
            result: T = self._derived[name]
            return result

    def clear(self) -> None:
        """Assess and store everyone now (after new settings: health and verdicts follow them at once)."""
        from goodterms.assess.store import refresh_all

        try:
            refresh_all(self.gt)
        except Exception:
            log.exception("re-assessing the portfolio failed; the last stored assessment is shown")

    def refresh_client(self, ref: str) -> None:
        """Re-assess one client (source id or name *ref*) now and store it; a failure is logged."""
        from goodterms.assess.store import refresh_client
        from goodterms.ledger.queries import NotFound, find_client

        try:
            with self.gt.sessions() as session:
                client_id = find_client(session, ref).id
            refresh_client(self.gt, client_id)
        except NotFound:
            return
        except Exception:
            log.exception("re-assessing client %s failed; it stays marked for the next refresh", ref)


@dataclass
class Web:
    """The web app's shared state."""

    gt: Goodterms
    env: Environment
    output_dir: Path
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    assessment: StoredAssessments | None = None
    buddhist_era: bool = True  # Thai readers read dates in the Buddhist era (2026 is 2569)


def make_env() -> Environment:
    """Return the Jinja2 environment of the web templates (autoescaped, strict)."""
    return Environment(
        loader=PackageLoader("goodterms.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: no file check on every page
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
    lang = language(request, user)
    made: Formatter | None = getattr(request.state, "formatter", None)
    if made is None or made.lang != lang:  # one read of the business per request, not one per use
        w = web(request)
        made = request.state.formatter = Formatter(lang, w.gt.business().timezone, w.buddhist_era)
    return made


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
