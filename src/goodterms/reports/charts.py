"""Server-side SVG bar charts from a Jinja2 template, each with a title and a table fallback.

The same charts serve the PDF final report and the web app: ``Chart.svg`` is inline SVG and
``Chart.rows`` is the data as a table for screen readers and for anyone who prefers numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined

_ids = itertools.count(1)
BAR = "#3b6ea5"
HIGHLIGHT = "#d0813b"
#: The width of one character and the least gap between two axis labels, in px, at the labels' 7 px size.
LABEL_CHAR_PX = 4.2
LABEL_GAP_PX = 6


@dataclass(frozen=True)
class Chart:
    """A rendered chart: title, inline SVG, and the data it shows."""

    title: str
    svg: str
    rows: tuple[tuple[str, float], ...]
    headers: tuple[str, str]

    def html(self) -> str:
        """Return a <figure> with the chart, its caption and the table fallback."""
        body = "".join(f"<tr><td>{escape(k)}</td><td>{_num(v)}</td></tr>" for k, v in self.rows)
        return (
            f'<figure class="chart"><figcaption>{escape(self.title)}</figcaption>{self.svg}'
            f'<table class="chart-data"><thead><tr><th>{escape(self.headers[0])}</th>'
            f"<th>{escape(self.headers[1])}</th></tr></thead><tbody>{body}</tbody></table></figure>"
        )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("goodterms.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 < value:
        step *= 10
    for mult in (1, 2, 2.5, 5, 10):
        if step * mult >= value:
            return step * mult
    return step * 10


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    headers: tuple[str, str],
    highlight: Sequence[bool] | None = None,
    width: int = 480,
    height: int = 180,
) -> Chart:
    """Draw a bar chart of ``values`` (one bar per label), highlighted bars in a second colour."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    left, top, bottom = 34, 8, 16
    base = height - bottom
    top_value = _nice_max(max(values, default=0.0))
    plot_w = width - left - 6
    slot = plot_w / max(len(values), 1)
    # Show every n-th label so that neighbours never run together: at 7 px a character is about 4 px
    # wide, and a label needs its own width plus a gap before the next one shown.
    widest = max((len(label) for label in labels), default=0) * LABEL_CHAR_PX + LABEL_GAP_PX
    every = max(1, len(values) // 12, math.ceil(widest / slot) if slot else 1)
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (base - top) * (value / top_value)
        bars.append(
            {
                "x": round(left + i * slot + slot * 0.1, 2),
                "y": round(base - h, 2),
                "w": round(slot * 0.8, 2),
                "h": round(h, 2),
                "label": label,
                "value": _num(value),
                "color": HIGHLIGHT if highlight and highlight[i] else BAR,
                "show_label": i % every == 0,
            }
        )
    ticks = [
        {"y": round(base - (base - top) * f, 2), "label": _num(top_value * f)}
        for f in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    svg = (
        _env()
        .get_template("chart.svg.j2")
        .render(
            uid=f"chart{next(_ids)}",
            title=title,
            width=width,
            height=height,
            left=left,
            base=base,
            bars=bars,
            ticks=ticks,
        )
    )
    rows = tuple((label, float(value)) for label, value in zip(labels, values, strict=True))
    return Chart(title=title, svg=svg, rows=rows, headers=headers)
