"""Untrusted e-mail HTML made safe to show: nh3 (ammonia) with a small allow-list, shown in a sandboxed iframe."""

from __future__ import annotations

import html

import nh3

ALLOWED_TAGS = frozenset(
    {
        *("a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "hr", "i", "li"),
        *("ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"),
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# The iframe may not run scripts, submit forms, navigate the top page or reach our origin.
IFRAME_SANDBOX = ""


def clean_html(raw: str) -> str:
    """Return e-mail HTML with scripts, styles, event handlers and non-http(s) links removed."""
    return nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sandboxed_iframe(raw: str, *, lang: str, title: str) -> str:
    """Return an <iframe> showing sanitised HTML through srcdoc, sandboxed with no permissions at all."""
    doc = f'<!doctype html><html lang="{html.escape(lang)}"><meta charset="utf-8"><body>{clean_html(raw)}</body></html>'
    return (
        f'<iframe sandbox="{IFRAME_SANDBOX}" referrerpolicy="no-referrer" title="{html.escape(title)}" '
        f'srcdoc="{html.escape(doc, quote=True)}"></iframe>'
    )
