"""Bar charts for the web pages as inline SVG (pure): wide, with a legend, labels that never overlap.

Each chart is a ``<figure>``: a caption, the SVG (760 units wide, scaled to the page), a legend, and
the numbers as a table under "Show the numbers". A chart with nothing to show is a sentence instead.
Axis labels come in two sets, one for a desktop and one (twice as large, fewer of them) for a phone;
the stylesheet shows one. Label widths are estimated from the characters (wide for CJK-width glyphs, zero for Thai marks that
sit above or below a letter), and only every n-th label is drawn so that neighbours keep a gap.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 760
HEIGHT = 240
LEFT = 64
RIGHT = 12
TOP = 14
BOTTOM = 44
FONT = 13
PHONE_FONT = 26  # the SVG is drawn at about half size on a phone: its labels are drawn twice as large there
BAR = "#3b6ea5"
HIGHLIGHT = "#b85c00"
GAP = 8.0


@dataclass(frozen=True)
class Series:
    """One legend entry: its words and its colour."""

    name: str
    color: str


def text_width(text: str, *, font: float = FONT) -> float:
    """Estimate the drawn width of ``text`` in SVG units (generous, so that estimates never overlap)."""
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 1.0
        elif ch in "ilI.,:;|!'j":
            width += 0.35
        elif ch.isupper() or ch in "mwMW@%":
            width += 0.8
        else:
            width += 0.62
    return width * font


def fit(text: str, room: float, *, font: float = FONT) -> str:
    """Return ``text``, cut with an ellipsis where it would be wider than ``room``."""
    if text_width(text, font=font) <= room:
        return text
    cut = text
    while cut and text_width(cut + "…", font=font) > room:
        cut = cut[:-1]
    return cut + "…" if cut else ""


def label_step(labels: Sequence[str], slot: float, *, font: float = FONT, longest: float = 140.0) -> int:
    """Return n such that drawing every n-th label (each cut to ``longest``) leaves a gap between them."""
    if not labels:
        return 1
    widest = max(min(text_width(label, font=font), longest) for label in labels)
    return max(1, math.ceil((widest + GAP) / slot))


def nice_max(value: float, *, whole: bool = False) -> float:
    """Return a round top for the value axis: four equal ticks of 1, 2 or 5 times a power of ten.

    With ``whole`` (counts) every tick is a whole number.
    """
    if value <= 0:
        return 4.0 if whole else 1.0
    raw = value / 4
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, math.ceil(step))
    return step * 4


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _x_labels(labels: Sequence[str], *, slot: float, base: float, cls: str, font: float) -> list[str]:
    """Draw every n-th label so that each fits its room and neighbours keep a gap."""
    step = label_step(labels, slot, font=font, longest=max(slot, 11 * font))
    out = []
    for i in range(0, len(labels), step):
        if step == 1 and len(labels) > 1:
            x, anchor, room = LEFT + i * slot + slot / 2, "middle", slot - GAP
        else:  # a label wider than its bar starts at the bar and stops short of the next label (and the edge)
            x, anchor = LEFT + i * slot + slot * 0.12, "start"
            room = min(step * slot - GAP, WIDTH - RIGHT - x)
        shown = fit(labels[i], room, font=font)
        out.append(
            f'<text class="x-label {cls}" x="{x:.1f}" y="{base + font + 6:.1f}" font-size="{font}" '
            f'text-anchor="{anchor}" fill="#1b1b1b">{escape(shown)}</text>'
        )
    return out


def bar_chart(
    *,
    uid: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    headers: tuple[str, str],
    series: Series,
    empty: str,
    numbers: str,
    highlight: Sequence[bool] | None = None,
    highlight_series: Series | None = None,
) -> str:
    """Return a ``<figure>`` with one bar per label, a legend and the numbers; ``empty`` when all are zero."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    caption = f'<figcaption id="{uid}-title">{escape(title)}</figcaption>'
    if not values or all(v <= 0 for v in values):
        return f'<figure class="chart" aria-labelledby="{uid}-title">{caption}<p class="empty">{escape(empty)}</p></figure>'
    marks = list(highlight) if highlight else [False] * len(values)
    base = HEIGHT - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / len(values)
    top_value = nice_max(max(values), whole=all(float(v).is_integer() for v in values))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{uid}-title" font-family="inherit">'
    ]
    for f in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = round(base - (base - TOP) * f, 1)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#d0d4d9" stroke-width="1"/>'
        )
        for cls, font in (("wide", FONT), ("narrow", PHONE_FONT)):
            if cls == "narrow" and f in (0.25, 0.75):
                continue  # three ticks are enough at phone size and keep the labels apart
            parts.append(
                f'<text class="y-label {cls}" x="{LEFT - 6}" y="{y + font * 0.35:.1f}" font-size="{font}" '
                f'text-anchor="end" fill="#3d3d3d">{_num(top_value * f)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#595959" stroke-width="1"/>'
    )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = (base - TOP) * (max(value, 0.0) / top_value)
        x = LEFT + i * slot + slot * 0.12
        w = max(slot * 0.76, 1.0)
        color = highlight_series.color if highlight_series and marks[i] else series.color
        parts.append(
            f'<rect x="{round(x, 1)}" y="{round(base - h, 1)}" width="{round(w, 1)}" height="{round(h, 1)}" '
            f'fill="{color}"><title>{escape(label)}: {_num(value)}</title></rect>'
        )
    for cls, font in (("wide", FONT), ("narrow", PHONE_FONT)):
        parts.extend(_x_labels(labels, slot=slot, base=base, cls=cls, font=font))
    parts.append("</svg>")
    legend_items = [series] + ([highlight_series] if highlight_series and any(marks) else [])
    legend = "".join(
        f'<li><svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        f'<rect width="14" height="14" rx="2" fill="{s.color}"/></svg>{escape(s.name)}</li>'
        for s in legend_items
    )
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td>{_num(v)}</td></tr>" for k, v in zip(labels, values, strict=True)
    )
    table = (
        f'<details><summary>{escape(numbers)}</summary><table class="chart-data"><thead><tr>'
        f'<th scope="col">{escape(headers[0])}</th><th scope="col">{escape(headers[1])}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
    )
    return (
        f'<figure class="chart" aria-labelledby="{uid}-title">{caption}{"".join(parts)}'
        f'<ul class="legend">{legend}</ul>{table}</figure>'
    )
