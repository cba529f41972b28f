"""Ask the assessment for flags, degrading gracefully while it is not installed."""

from __future__ import annotations

import importlib
from typing import Any

from goodterms.app import Goodterms


def assess_clients(
    *, app: Goodterms, client: str | None = None, quick: bool = False
) -> list[dict[str, Any]] | None:
    """Return the assessment's client entries (with flags), or None when no assessment is available.

    ``quick`` skips what flags do not need (the month-by-month trend and reading missing tones),
    which is what the follow-up plan wants over a whole portfolio.
    """
    try:
        service = importlib.import_module("goodterms.assess.service")
    except ImportError:
        return None
    assess = getattr(service, "assess", None)
    if assess is None:
        return None
    extra: dict[str, Any] = {"trend": False, "fill": False} if quick else {"trend": False}
    try:
        result = assess(app=app, client=client, as_of=None, **extra)
    except TypeError:  # an assessment without those options: call it the documented way
        try:
            result = assess(app=app, client=client, as_of=None)
        except TypeError:
            return None
    if not isinstance(result, dict) and callable(getattr(result, "to_json", None)):
        result = result.to_json()  # the assessment's documented JSON form
    clients = result.get("clients") if isinstance(result, dict) else None
    return list(clients) if isinstance(clients, list) else None


def flag_codes(entries: list[dict[str, Any]] | None) -> dict[str, frozenset[str]]:
    """Map client id to the codes of its flags."""
    out: dict[str, frozenset[str]] = {}
    for entry in entries or []:
        codes = frozenset(str(f.get("code")) for f in entry.get("flags") or [] if isinstance(f, dict))
        out[str(entry.get("id"))] = codes
    return out
