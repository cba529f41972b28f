"""The stylesheet's colour tokens: every text colour on its background passes WCAG AA (4.5:1)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

CSS = resources.files("goodterms.web").joinpath("static", "app.css").read_text(encoding="utf-8")
TOKENS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))
WHITE = "#ffffff"


def luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


PAIRS = [
    *((f"health-{band}", WHITE) for band in ("good", "fair", "poor", "bad")),  # white numbers on the band
    *((f"verdict-{v}", f"verdict-{v}-bg") for v in ("keep", "set_boundaries", "renegotiate", "let_go")),
    *((f"sev-{s}", WHITE) for s in ("low", "medium", "high")),
    ("fg", "surface"),
    ("muted", WHITE),
    ("muted", "surface"),
    ("accent", WHITE),
    ("accent", "surface"),
]


def test_the_tokens_are_declared_once_each() -> None:
    declared = re.findall(r"--([\w-]+):\s*#", CSS)
    assert len(declared) == len(set(declared))


@pytest.mark.parametrize(("fg", "bg"), PAIRS, ids=[f"{a}-on-{b}" for a, b in PAIRS])
def test_text_colours_pass_wcag_aa(fg: str, bg: str) -> None:
    front = TOKENS.get(fg, fg)
    back = TOKENS.get(bg, bg)
    assert front.startswith("#") and back.startswith("#"), f"{fg} or {bg} is not a token"
    assert contrast(front, back) >= 4.5, f"{fg} {front} on {bg} {back}: {contrast(front, back):.2f}:1"


def test_chart_bars_stand_out_from_the_page() -> None:
    from goodterms.web.charts import BAR, HIGHLIGHT

    assert contrast(BAR, WHITE) >= 3 and contrast(HIGHLIGHT, WHITE) >= 3  # graphics need 3:1
