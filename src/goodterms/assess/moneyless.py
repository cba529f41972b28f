"""Findings for readers without the money right: no money measures, summaries in words without money.

A flag's ``summary`` is written when the flag is raised, some with money in it ("฿52,800.00 given
away (222% of revenue)"). ``client_without_money`` turns a client's assessment JSON into what a
reader who may not see money figures gets: every measure that is an amount, a rate or a share of
money is left out, and the summaries that carry money are written again from the measures that
remain, in the same language, so such a reader still reads a sentence saying what the flag found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from goodterms.assess import messages as msg

#: Measures that are money, or money per hour or per revenue, or a share of money, by name
#: (``revenue``, ``amount``, ``value`` or ``rate`` as a word of it) and these besides.
_MONEY_WORD = re.compile(r"(^|_)(revenue|amount|value|rate)(_|$)")
MONEY_MEASURES = frozenset({"share_of_reference"})


def is_money_measure(name: str) -> bool:
    """Whether a measure of a finding is a money figure (or reveals one)."""
    return name in MONEY_MEASURES or _MONEY_WORD.search(name) is not None


SUMMARIES: dict[str, dict[str, str]] = {
    "en": {
        "concession_pressure": "{name} asked for discounts or free work {asks} times, {after} of them "
        "after already getting one.",
        "thin_margin": "{name} brings in less per hour of all time spent ({hours} hours) than the reference "
        "rate.",
    },
    "et": {
        "concession_pressure": "{name} küsis allahindlust või tasuta tööd {asks} korda, neist {after} korda "
        "pärast seda, kui oli juba saanud.",
        "thin_margin": "{name} toob kogu kulunud aja ({hours} tundi) kohta tunnis vähem kui võrdlusalus.",
    },
    "th": {
        "concession_pressure": "{name} ขอส่วนลดหรืองานฟรี {asks} ครั้ง โดย {after} ครั้งขอหลังจากได้รับไปแล้ว",
        "thin_margin": "{name} สร้างรายได้ต่อชั่วโมงของเวลาทั้งหมดที่ใช้ ({hours} ชั่วโมง) ต่ำกว่าเกณฑ์",
    },
}


def _count(measures: Mapping[str, Any], key: str) -> Any:
    value = measures.get(key)
    return value if value is not None else "–"


_PARAMS: dict[str, Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    "concession_pressure": lambda ms, lang: {
        "asks": _count(ms, "asks"),
        "after": _count(ms, "asks_after_grant"),
    },
    "thin_margin": lambda ms, lang: {"hours": msg.number(ms.get("hours_spent"), lang)},
}


def summary_without_money(code: str, lang: str, name: str, measures: Mapping[str, Any]) -> str | None:
    """Return a flag's summary written without money, or None when its usual summary has none."""
    params = _PARAMS.get(code)
    if params is None:
        return None
    return SUMMARIES[msg.language(lang)][code].format(name=name, **params(measures, lang))


def finding_without_money(found: Mapping[str, Any], lang: str, name: str) -> dict[str, Any]:
    """Return a finding's JSON without money measures, its summary written without money in ``lang``.

    A summary with money in it loses its message too (its parameters are the money), so nothing left
    in the JSON carries an amount.
    """
    measures = found.get("measures", {})
    kept = {k: v for k, v in measures.items() if not is_money_measure(k)}
    text = summary_without_money(str(found["code"]), lang, name, measures)
    if text is None:
        return {**found, "measures": kept, "summary": msg.reworded(found, lang)}
    return {k: v for k, v in found.items() if k != "message"} | {"measures": kept, "summary": text}


def client_without_money(assessed: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Return a client's assessment JSON (``ClientResult.to_json``) as a reader without money sees it.

    ``lang`` is the reader's language: every summary, advice and word is given in it.
    """
    name = str(assessed.get("name", ""))
    flags = [finding_without_money(f, lang, name) for f in assessed.get("flags", [])]
    return msg.reword_client({**assessed, "flags": flags}, lang)
