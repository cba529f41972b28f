"""The portfolio: every client with health, verdict and flags; sort, filter, search and page in the URL."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.assess import messages as msg
from goodterms.assess.config import AssessSettings
from goodterms.assess.moneyless import client_without_money
from goodterms.ledger import models as m
from goodterms.ledger.views import SORTS, STATUSES, PortfolioQuery, portfolio_page
from goodterms.web.accounts import User
from goodterms.web.context import language, render, require, web
from goodterms.web.sparkline import sparkline_points

router = APIRouter()


def _query(q: str, status: str, sort: str, desc: bool, page: int, per_page: int) -> PortfolioQuery:
    return PortfolioQuery(q=q, status=status, sort=sort, desc=desc, page=page, per_page=per_page).normalised()


VERDICT_ORDER = ("let_go", "renegotiate", "set_boundaries", "keep")


def health_band(health: int | None, settings: AssessSettings) -> str:
    """Return the colour band of a health score, on the verdict's own lines (bad, poor, fair, good)."""
    if health is None:
        return "none"
    if health < settings.let_go_below:
        return "bad"
    if health < settings.renegotiate_below:
        return "poor"
    if health < settings.boundaries_below:
        return "fair"
    return "good"


def _tally(assessed: dict[str, dict[str, Any]]) -> Counter[str]:
    """Return how many clients have each verdict."""
    return Counter(str(v["verdict"]) for v in assessed.values())


def portfolio_data(request: Request, user: User, pq: PortfolioQuery) -> dict[str, Any]:
    """Return the portfolio page's data: one page of clients joined with their assessment.

    Verdicts, flags and each client's first step come as codes and, beside them, in the reader's words.
    """
    from goodterms.assess.service import assess_settings

    w = web(request)
    lang = language(request, user)
    settings = assess_settings(w.gt)
    assessed = w.assessment.get() if w.assessment else None
    page = portfolio_page(engine=w.gt.engine, query=pq, verdicts=VERDICT_ORDER if assessed else None)
    for row in page["clients"]:
        found = assessed.get(row["id"]) if assessed else None
        if found is not None:
            found = (msg.reword_client if user.money else client_without_money)(found, lang)
        row["health"] = found["health"] if found else None
        row["health_band"] = health_band(row["health"], settings)
        row["verdict"] = found["verdict"] if found else None
        row["verdict_words"] = found["verdict_words"] if found else None
        row["flags"] = [f["code"] for f in found["flags"]] if found else []
        row["flag_words"] = [f["words"] for f in found["flags"]] if found else []
        row["first_step"] = found["advice"][0] if found and found["advice"] else None
        row["trend"] = [t["health"] for t in found.get("trend", [])] if found else []
        if not user.money:
            row.pop("amount_due", None)
    page["assessed"] = assessed is not None
    tally = w.assessment.derived(assessed, "tally", _tally) if w.assessment and assessed else Counter()
    page["verdicts"] = {v: tally.get(v, 0) for v in VERDICT_ORDER}
    page["summary"] = msg.counts(tally, lang) if assessed else ""
    page["query"] = {
        "q": pq.q,
        "status": pq.status,
        "sort": pq.sort,
        "desc": pq.desc,
        "per_page": pq.per_page,
    }
    return page


def _saved_views(request: Request, user: User) -> list[dict[str, str]]:
    with Session(web(request).gt.engine) as session:
        rows = session.scalars(
            select(m.SavedView).where(m.SavedView.user_id == user.id).order_by(m.SavedView.name)
        )
        return [{"name": r.name, "query": r.query} for r in rows]


Q = Annotated[str, Query(max_length=200)]
Sort = Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")]
Status = Annotated[str, Query(pattern="^(|" + "|".join(STATUSES) + ")$")]
Page = Annotated[int, Query(ge=1, le=1_000_000)]
PerPage = Annotated[int, Query(ge=1, le=200)]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
@router.get("/portfolio", response_class=HTMLResponse, include_in_schema=False)
def portfolio_page_html(
    request: Request,
    q: Q = "",
    status: Status = "",
    sort: Sort = "health",
    desc: bool = False,
    page: Page = 1,
    per_page: PerPage = 50,
) -> Response:
    user = require(request)
    if request.url.path == "/" and not set(request.query_params) - {"lang"}:
        # Home is the day's page; "/" with portfolio parameters (old links, saved views) stays the portfolio.
        from goodterms.web.today import home_link

        return RedirectResponse(home_link(request.query_params.get("lang")), status_code=303)
    pq = _query(q, status, sort, desc, page, per_page)
    data = portfolio_data(request, user, pq)
    for row in data["clients"]:
        row["spark"] = sparkline_points(row["trend"])

    def link(**changes: Any) -> str:
        params = {**data["query"], "page": pq.page, **changes}
        return "/?" + urlencode({k: v for k, v in params.items() if v not in ("", False, None)})

    values = {
        "data": data,
        "link": link,
        "sorts": SORTS,
        "statuses": STATUSES,
        "views": _saved_views(request, user),
    }
    return render(request, "portfolio.html", values, user=user, block="results")


@router.get("/api/portfolio", tags=["portfolio"])
def portfolio_api(
    request: Request,
    q: Q = "",
    status: Status = "",
    sort: Sort = "health",
    desc: bool = False,
    page: Page = 1,
    per_page: PerPage = 50,
) -> dict[str, Any]:
    """Return one page of the portfolio (the JSON twin of ``/``)."""
    user = require(request)
    return portfolio_data(request, user, _query(q, status, sort, desc, page, per_page))


@router.post("/views", include_in_schema=False)
def save_view(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100)],
    query: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Save the current portfolio query under a name (replacing one of the same name)."""
    user = require(request)
    with Session(web(request).gt.engine) as session, session.begin():
        row = session.scalar(
            select(m.SavedView).where(m.SavedView.user_id == user.id, m.SavedView.name == name)
        )
        if row is None:
            session.add(m.SavedView(user_id=user.id, name=name.strip(), query=query.lstrip("?")))
        else:
            row.query = query.lstrip("?")
    return RedirectResponse("/?" + query.lstrip("?"), status_code=303)
