"""The settings screen: business hours and targets, assessment thresholds, client templates (owners edit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from goodterms.web import accounts, setting_words, settings_store, template_store
from goodterms.web.accounts import User
from goodterms.web.context import is_htmx, language, render, require, web
from goodterms.web.i18n import translations
from goodterms.web.settings_store import SettingsError

router = APIRouter()
MAX_FIELD = 20_000


# How the engine works rather than how clients are judged: shown under "Advanced", in plain words.
ADVANCED = ("engine", "duckdb_from_mb", "portfolio_cache_hours", "evidence_cap")


def advanced_words(_: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """Return the plain label and help of each advanced setting (and the engine's choices) in the reader's language."""
    return {
        "engine": {
            "label": _("How the whole portfolio is assessed"),
            "help": _(
                "Automatic is right for nearly everyone: it switches to DuckDB when the ledger file is large."
            ),
            "auto": _("Automatic"),
            "duckdb": _("DuckDB (faster on a large ledger file)"),
            "database": _("The database itself"),
        },
        "duckdb_from_mb": {
            "label": _("Use DuckDB from this ledger file size (MB)"),
            "help": _("Only with the automatic choice and a SQLite ledger."),
        },
        "portfolio_cache_hours": {
            "label": _("Reuse the portfolio comparison for (hours)"),
            "help": _("One client is compared with the whole portfolio as it was at most this long ago."),
        },
        "evidence_cap": {
            "label": _("Evidence records listed per finding"),
            "help": _("The total is always counted; this only limits the list."),
        },
    }


def settings_data(request: Request) -> dict[str, Any]:
    """Return every editable setting with its current value, and each template's built-in text."""
    gt = web(request).gt
    assess = [
        {**row, "advanced": row["name"] in ADVANCED} for row in settings_store.assess_form(gt.settings.assess)
    ]
    return {
        "business": settings_store.business_form(gt),
        "assess": assess,
        "templates": template_store.catalog(gt),
        "template_folders": {f: str(template_store.folder(gt, f)) for f in template_store.FAMILIES},
    }


def assess_words(assess: list[dict[str, Any]], lang: str) -> dict[str, str]:
    """Return the reader's words for each assessment setting and each of its boxes (box name → words)."""
    words: dict[str, str] = {}
    for row in assess:
        words[row["name"]] = setting_words.label(row["name"], lang)
        for box in row["boxes"]:
            if "." in box:
                words[box] = setting_words.part(row["name"], box.split(".", 1)[1], lang)
    return words


def _values(request: Request, user: User, **extra: Any) -> dict[str, Any]:
    data = settings_data(request)
    return {
        "data": data,
        "assess_words": assess_words(data["assess"], language(request, user)),
        "can_edit": user.role == "owner",
        "errors": {},
        "saved": None,
        "form": None,
        "errors_in": None,
        "item": None,
        "failed": None,
        "advanced": advanced_words(translations(language(request, user)).gettext),
        **extra,
    }


@router.get("/settings", response_class=HTMLResponse, include_in_schema=False)
def settings_page(request: Request) -> HTMLResponse:
    user = require(request, "manager")
    return render(request, "settings.html", _values(request, user), user=user)


@router.get("/api/settings", tags=["settings"])
def settings_api(request: Request) -> dict[str, Any]:
    """Return the business, assessment and template settings (managers and owners)."""
    require(request, "manager")
    return settings_data(request)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    too_long = [k for k, v in values.items() if len(v) > MAX_FIELD]
    if too_long or len(values) > 500:
        raise HTTPException(status_code=413, detail="the form is too large")
    return values


def _save_settings(request: Request, user: User, section: str, form: dict[str, str]) -> dict[str, Any]:
    gt = web(request).gt
    form.pop("section", None)
    if section == "business":
        changed = settings_store.save_business(gt=gt, form=form)
    else:
        changed = settings_store.save_assess(gt=gt, form=form)
    cache = web(request).assessment
    if cache is not None:
        # Health and verdicts must follow new thresholds, hours, holidays, targets or rates at once.
        cache.clear()
    accounts.audit(
        engine=gt.engine, action=f"settings.{section}", actor=user.email, detail={"changed": changed}
    )
    return changed


async def _post(request: Request, section: str, api: bool) -> Response:
    user = require(request, "owner")
    form = await _form(request)
    try:
        changed = await run_in_threadpool(_save_settings, request, user, section, dict(form))
    except SettingsError as exc:
        if api:
            return JSONResponse({"detail": {"errors": exc.errors}}, status_code=422)
        values = await run_in_threadpool(_values, request, user)
        values.update(errors=exc.errors, form=form, errors_in=section)
        if section == "business":
            values["form"] = {**values["data"]["business"], **form}
        block = section if is_htmx(request) else None
        return render(request, "settings.html", values, user=user, block=block, status=422)
    if api:
        return JSONResponse({"changed": changed})
    if is_htmx(request):
        values = await run_in_threadpool(_values, request, user)
        values["saved"] = section
        return render(request, "settings.html", values, user=user, block=section)
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/business", include_in_schema=False)
async def business_form(request: Request) -> Response:
    return await _post(request, "business", api=False)


@router.post("/api/settings/business", tags=["settings"])
async def business_api(request: Request) -> Response:
    """Save business hours, holidays, response target, exchange rates and target rate (owners; audited)."""
    return await _post(request, "business", api=True)


@router.post("/settings/assess", include_in_schema=False)
async def assess_form(request: Request) -> Response:
    return await _post(request, "assess", api=False)


@router.post("/api/settings/assess", tags=["settings"])
async def assess_api(request: Request) -> Response:
    """Save assessment thresholds and weights (boxes such as ``weights.over_contact``; owners; audited)."""
    return await _post(request, "assess", api=True)


def _save_template(request: Request, user: User, form: dict[str, str]) -> dict[str, str]:
    gt = web(request).gt
    key = {k: form.get(k, "") for k in ("family", "template", "lang")}
    outcome = template_store.save(gt=gt, text=form.get("text", ""), **key)
    accounts.audit(
        engine=gt.engine, action="settings.template", actor=user.email, detail={**key, "outcome": outcome}
    )
    return {**key, "outcome": outcome}


def _item(request: Request, form: dict[str, str]) -> dict[str, Any] | None:
    gt = web(request).gt
    for item in template_store.catalog(gt):
        if (item["family"], item["template"], item["lang"]) == (
            form.get("family"),
            form.get("template"),
            form.get("lang"),
        ):
            return item
    return None


async def _post_template(request: Request, api: bool) -> Response:
    user = require(request, "owner")
    form = await _form(request)
    try:
        result = await run_in_threadpool(_save_template, request, user, form)
    except template_store.TemplateError as exc:
        if api or _item(request, form) is None:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        item = {**(_item(request, form) or {}), "draft": form.get("text", ""), "error": str(exc)}
        values = _values(request, user, item=item, failed=item)
        return render(request, "settings.html", values, user=user, block="tpl", status=422)
    if api:
        return JSONResponse(result)
    if is_htmx(request):
        item = {**(_item(request, form) or {}), "saved": result["outcome"]}
        return render(request, "settings.html", _values(request, user, item=item), user=user, block="tpl")
    return RedirectResponse("/settings#templates", status_code=303)


@router.post("/settings/templates", include_in_schema=False)
async def template_form(request: Request) -> Response:
    return await _post_template(request, api=False)


@router.post("/api/settings/templates", tags=["settings"])
async def template_api(request: Request) -> Response:
    """Save an override of a client template (family, template, lang, text; empty text removes it)."""
    return await _post_template(request, api=True)
