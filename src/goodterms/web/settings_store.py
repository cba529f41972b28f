"""Business and assessment settings the owner edits: validated whole, saved whole, audited by the caller.

Business settings live on the ledger's ``business`` row (which overrides goodterms.toml); the
``[assess]`` settings edited here are kept as JSON in the ``blobs`` row ``settings:assess`` and
applied over goodterms.toml when the web app starts and whenever they are saved.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from goodterms.app import ASSESS_BLOB, Goodterms
from goodterms.assess.config import AssessSettings, Levels
from goodterms.ledger import models as m
from goodterms.ledger.events import BusinessEvent

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BUSINESS_FIELDS = (
    *(f"hours_{d}" for d in WEEKDAYS),
    "holidays",
    "response_target_hours",
    "target_hourly_rate",
    "exchange_rates",
)


class SettingsError(ValueError):
    """Some fields are invalid; ``errors`` maps each form field to its message. Nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _message(err: Any) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


# --- business ------------------------------------------------------------------------------------


def business_form(gt: Goodterms) -> dict[str, str]:
    """Return the effective business settings as form text (hours as ``09:00-12:00, 13:00-17:00``)."""
    biz = gt.business()
    values = {f"hours_{d}": ", ".join(f"{a}-{b}" for a, b in biz.hours.get(d, [])) for d in WEEKDAYS}
    values["holidays"] = "\n".join(str(h) for h in biz.holidays)
    values["response_target_hours"] = str(biz.response_target_hours)
    values["target_hourly_rate"] = "" if biz.target_hourly_rate is None else str(biz.target_hourly_rate)
    values["exchange_rates"] = "\n".join(f"{k} = {v}" for k, v in sorted(biz.exchange_rates.items()))
    return values


def _parse_business(form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    hours: dict[str, list[tuple[str, str]]] = {}
    for day in WEEKDAYS:
        spans = []
        for part in form[f"hours_{day}"].replace(";", ",").split(","):
            if not part.strip():
                continue
            start, sep, end = part.strip().partition("-")
            if not sep:
                errors[f"hours_{day}"] = f"{part.strip()} is not a span HH:MM-HH:MM"
                break
            spans.append((start.strip(), end.strip()))
        if spans:
            hours[day] = spans
    data["hours"] = hours
    data["holidays"] = [h.strip() for h in form["holidays"].replace(",", "\n").splitlines() if h.strip()]
    data["response_target_hours"] = form["response_target_hours"].strip()
    data["target_hourly_rate"] = form["target_hourly_rate"].strip() or None
    rates: dict[str, str] = {}
    for line in form["exchange_rates"].replace(",", "\n").splitlines():
        if not line.strip():
            continue
        code, sep, rate = line.partition("=")
        if not sep:
            errors["exchange_rates"] = f"{line.strip()} is not CODE = RATE"
            break
        rates[code.strip().upper()] = rate.strip()
    data["exchange_rates"] = rates
    return data


def _field_of(err: Any) -> str:
    loc = err["loc"]
    head = str(loc[0]) if loc else "?"
    if head == "hours":
        day = str(loc[1]) if len(loc) > 1 else _message(err).partition(":")[0]
        return f"hours_{day}" if day in WEEKDAYS else "hours_mon"
    return head if head in BUSINESS_FIELDS else "?"


def save_business(*, gt: Goodterms, form: dict[str, str]) -> dict[str, list[Any]]:
    """Validate business settings (as ``BusinessEvent``) and save them on the business row.

    Fields missing from ``form`` keep their value. Returns field → [old, new] for what changed;
    raises ``SettingsError`` (and saves nothing) when any field is invalid.
    """
    before = business_form(gt)
    merged = {k: form.get(k, before[k]) for k in BUSINESS_FIELDS}
    errors: dict[str, str] = {}
    parsed = _parse_business(merged, errors)
    biz = gt.business()
    event: BusinessEvent | None = None
    try:
        event = BusinessEvent.model_validate(
            {
                "type": "business",
                "id": "settings",
                "name": biz.name,
                "timezone": biz.timezone,
                "currency": biz.currency,
                "language": biz.language,
                "email": biz.email,
                **parsed,
            }
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            errors.setdefault(_field_of(err), _message(err))
    if errors or event is None:
        raise SettingsError(errors)
    with Session(gt.engine) as session, session.begin():
        row = session.scalars(select(m.Business).order_by(m.Business.id).limit(1)).first()
        if row is None:
            row = m.Business(
                ext_id="settings",
                name=event.name,
                timezone=event.timezone,
                currency=event.currency,
                language=event.language,
                email=event.email,
            )
            session.add(row)
        row.hours = {day: [list(span) for span in spans] for day, spans in event.hours.items()}
        row.holidays = [d.isoformat() for d in event.holidays]
        row.response_target_hours = event.response_target_hours
        row.target_hourly_rate = event.target_hourly_rate
        row.exchange_rates = {code: str(rate) for code, rate in event.exchange_rates.items()}
    after = business_form(gt)
    return {k: [before[k], after[k]] for k in BUSINESS_FIELDS if before[k] != after[k]}


# --- assessment ----------------------------------------------------------------------------------


def apply_stored_assess(gt: Goodterms) -> None:
    """Put the saved assessment settings (if any) over goodterms.toml's in this process."""
    gt.apply_stored_settings()


def assess_form(settings: AssessSettings) -> list[dict[str, Any]]:
    """Return one entry per setting: its name, description and input boxes (name → current text)."""
    rows = []
    for name, info in AssessSettings.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, Levels):
            boxes = {f"{name}.{k}": str(v) for k, v in value.model_dump().items()}
        elif isinstance(value, dict):
            boxes = {f"{name}.{k}": str(v) for k, v in value.items()}
        elif isinstance(value, list):
            boxes = {name: ", ".join(value)}
        else:
            boxes = {name: str(value)}
        rows.append({"name": name, "description": info.description or "", "boxes": boxes})
    return rows


def _put(data: dict[str, Any], key: str, text: str) -> bool:
    name, _, sub = key.partition(".")
    if name not in AssessSettings.model_fields:
        return False
    if sub:
        if not isinstance(data.get(name), dict) or sub not in data[name]:
            return False
        data[name][sub] = text.strip()
    elif isinstance(data[name], list):
        data[name] = [p.strip() for p in text.split(",") if p.strip()]
    else:
        data[name] = text.strip()
    return True


def save_assess(*, gt: Goodterms, form: dict[str, str]) -> dict[str, list[Any]]:
    """Validate assessment settings (as ``AssessSettings``), save them in the blobs table and apply them.

    Boxes missing from ``form`` keep their value; unknown boxes are errors. Returns box → [old, new].
    """
    current: AssessSettings = gt.settings.assess
    data = json.loads(current.model_dump_json())
    errors = {key: "unknown setting" for key, text in form.items() if not _put(data, key, text)}
    new: AssessSettings | None = None
    try:
        new = AssessSettings.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            key = ".".join(str(p) for p in err["loc"][:2])
            errors.setdefault(key, _message(err))
    if errors or new is None:
        raise SettingsError(errors)
    old_boxes = _boxes(current)
    new_boxes = _boxes(new)
    now = datetime.now(UTC)
    with Session(gt.engine) as session, session.begin():
        blob = session.get(m.Blob, ASSESS_BLOB)
        payload = new.model_dump_json().encode()
        if blob is None:
            session.add(m.Blob(name=ASSESS_BLOB, data=payload, updated_at=now))
        else:
            blob.data = payload
            blob.updated_at = now
    gt.settings.assess = new
    return {k: [old_boxes.get(k), v] for k, v in new_boxes.items() if old_boxes.get(k) != v}


def _boxes(settings: BaseModel) -> dict[str, str]:
    assert isinstance(settings, AssessSettings)
    return {k: v for row in assess_form(settings) for k, v in row["boxes"].items()}
