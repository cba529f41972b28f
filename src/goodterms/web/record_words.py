"""Ledger records in the reader's words: timeline entries and the evidence lines behind findings.

A timeline entry (``goodterms.ledger.timeline_page``) carries codes and facts; here they become
words in the reader's language ("inbound call (missed) · 3 min", "36 min (not billable)"), with a
stable anchor per entry so that evidence can link to the record in the client's timeline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from goodterms.web.format import Formatter

Gettext = Callable[[str], str]
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.-]{1,80}")
#: Evidence lines shown before the rest collapse under "N more".
EVIDENCE_SHOWN = 3


def anchor(kind: str, ext_id: str) -> str:
    """Return the HTML id of a timeline entry (the source id itself when it is plain, else its digest)."""
    safe = ext_id if _PLAIN_ID.fullmatch(ext_id) else hashlib.sha1(ext_id.encode()).hexdigest()[:16]
    return f"rec-{kind}-{safe}"


def _contact(e: Mapping[str, Any], _: Gettext, lang: str) -> str:
    from goodterms.handling.reasons import channel_name

    channel = channel_name(str(e.get("channel", "")), lang)
    said = (_("inbound %(channel)s") if e.get("direction") == "inbound" else _("outbound %(channel)s")) % {
        "channel": channel
    }
    if e.get("answered") is False:
        said += " " + _("(missed)")
    seconds = int(e.get("duration_s") or 0)
    if seconds:
        said += " · " + _("%(n)s min") % {"n": max(1, round(seconds / 60))}
    return said


def request_status(status: str, _: Gettext) -> str | None:
    """Return the reader's words for a request's status (None for a status goodterms does not know)."""
    states = {
        "open": _("open"),
        "waiting": _("waiting on client"),
        "answered": _("answered"),
        "closed": _("closed"),
    }
    return states.get(status)


def _request(e: Mapping[str, Any], _: Gettext) -> str:
    said = _("request")
    state = request_status(str(e.get("status")), _)
    if state is not None:
        said += " · " + state
    if e.get("chases"):
        said += " · " + _("the client asked again %(n)s×") % {"n": e["chases"]}
    return said


def _ask(e: Mapping[str, Any], _: Gettext) -> str:
    kinds = {
        "approval": _("approval asked, round %(n)s"),
        "feedback": _("feedback asked, round %(n)s"),
        "question": _("question asked, round %(n)s"),
        "asset": _("material asked, round %(n)s"),
    }
    return kinds.get(str(e.get("kind")), kinds["question"]) % {"n": e.get("round", 1)}


def _answer(e: Mapping[str, Any], _: Gettext) -> str:
    outcomes = {"approved": _("approved"), "changes": _("changes asked"), "answered": _("answered")}
    return outcomes.get(str(e.get("outcome")), _("answered"))


def _concession(e: Mapping[str, Any], _: Gettext) -> str:
    kinds = {
        "discount": _("discount"),
        "free_trial": _("free trial"),
        "free_work": _("free work"),
        "rush_no_fee": _("rush without a fee"),
        "extension": _("deadline extension"),
    }
    state = _("granted") if e.get("granted") else _("asked for")
    return kinds.get(str(e.get("kind")), _("concession")) + " · " + state


def _work(e: Mapping[str, Any], _: Gettext) -> str:
    said = _("%(n)s min") % {"n": e.get("minutes", 0)}
    return said if e.get("billable", True) else said + " " + _("(not billable)")


def entry_words(e: Mapping[str, Any], _: Gettext, fmt: Formatter) -> str:
    """Say what a timeline entry is, in the reader's language (the client's own words are its ``gist``)."""
    kind = str(e.get("type"))
    if kind == "contact":
        return _contact(e, _, fmt.lang)
    if kind == "request":
        return _request(e, _)
    if kind == "reply":
        return _("our reply") + (" · " + _("resolves the request") if e.get("resolves") else "")
    if kind == "delivery":
        return _("delivery") + " · " + _("%(h)s h") % {"h": fmt.number(e.get("hours") or 0)}
    if kind == "approval_ask":
        return _ask(e, _)
    if kind == "approval_answer":
        return _answer(e, _)
    if kind in ("invoice", "payment"):
        said = (_("invoice %(number)s") if kind == "invoice" else _("payment for invoice %(number)s")) % {
            "number": e.get("gist", "")
        }
        if e.get("due"):
            said += " · " + _("due %(date)s") % {
                "date": fmt.date(datetime.fromisoformat(str(e["due"]) + "T12:00"))
            }
        if "amount" in e and e.get("currency"):  # staff who see no money get neither
            said += " · " + fmt.money(str(e["amount"]), str(e["currency"]))
        return said
    if kind == "concession":
        return _concession(e, _)
    if kind == "work":
        return _work(e, _)
    if kind == "note":
        return _("staff note")
    return _(kind)


def gist_of(e: Mapping[str, Any]) -> str:
    """Return the words of the record shown beside its description (none for invoices and payments)."""
    return "" if e.get("type") in ("invoice", "payment") else str(e.get("gist") or "")


def with_words(entries: Iterable[dict[str, Any]], _: Gettext, fmt: Formatter) -> None:
    """Put the reader's ``words``, the local time ``when`` and the ``anchor`` on timeline entries."""
    for e in entries:
        e["words"] = entry_words(e, _, fmt)
        e["when"] = fmt.moment(e["at"])
        e["anchor"] = anchor(str(e["type"]), str(e["id"]))


def evidence_lines(
    evidence: Iterable[Mapping[str, Any]],
    records: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    ref: str,
    lang: str,
    shown: set[str],
    _: Gettext,
    fmt: Formatter,
) -> list[dict[str, Any]]:
    """Return a finding's evidence as lines a reader can read: local time, what it was, the client's words,
    and a link to the record in the client's timeline (on this page if shown, else the timeline page
    that begins with it)."""
    lines = []
    for item in evidence:
        kind, ext_id = str(item.get("type")), str(item.get("id"))
        record = records.get((kind, ext_id))
        at = (record or {}).get("at") or item.get("at")
        line: dict[str, Any] = {
            "type": kind,
            "id": ext_id,
            "at": at,
            "when": fmt.moment(at) if at else "",
            "words": entry_words(record, _, fmt) if record else _(kind),
            "snippet": str(item.get("quote") or (gist_of(record) if record else "")),
            "href": None,
            "lang": lang,  # the language of the client's words
        }
        if record is not None:
            name = anchor(kind, ext_id)
            if name in shown:
                line["href"] = f"#{name}"
            else:  # the timeline page that starts with this record
                after = datetime.fromisoformat(str(record["at"])) + timedelta(seconds=1)
                line["href"] = (
                    f"/clients/{quote(ref, safe='')}?{urlencode({'before': after.isoformat()})}#{name}"
                )
        lines.append(line)
    return lines
