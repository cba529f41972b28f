"""The courteous termination letter, and letters as PDF for the follow-up ladder's letter channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

from goodterms.handling.addressing import greeting
from goodterms.handling.formatting import format_day, format_money, format_number, language_of
from goodterms.handling.notices import Rendered, render
from goodterms.reports.labels import labels
from goodterms.reports.pdf import FONT_STACK, html_to_pdf


@dataclass(frozen=True)
class LetterFacts:
    """What the termination letter says about the relationship."""

    client_name: str
    business_name: str
    lang: str
    since: date | None
    deliveries: int
    hours: Decimal
    open_invoices: tuple[tuple[str, Decimal, str], ...] = ()
    referral: str | None = None
    last_day: date | None = None


def termination_letter(*, facts: LetterFacts, override_dir: str | None = None) -> Rendered:
    """Render the termination letter in the client's language."""
    lang = language_of(facts.lang)
    opens = ", ".join(
        f"{num} ({format_money(amount, cur, lang=lang)})" for num, amount, cur in facts.open_invoices
    )
    context = {
        "client_name": facts.client_name,
        "greeting": greeting(facts.client_name, lang),
        "business_name": facts.business_name,
        "since": format_day(facts.since, lang=lang) if facts.since else None,
        "deliveries": facts.deliveries,
        "hours": format_number(facts.hours, lang=lang),
        "referral": facts.referral,
        "handover_waits": bool(facts.open_invoices),
        "open_invoices": opens,
        "last_day": format_day(facts.last_day, lang=lang) if facts.last_day else None,
    }
    return render(template="termination_letter", lang=lang, context=context, override_dir=override_dir)


def letter_html(*, subject: str, body: str, lang: str, sender_name: str, draft: bool = False) -> str:
    """Return a simple printable letter page."""
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in body.strip().split("\n\n"))
    mark = f'<div class="draft">{escape(labels(lang)["draft"])}</div>' if draft else ""
    return (
        f'<!doctype html><html lang="{language_of(lang)}"><head><meta charset="utf-8"><style>'
        f"@page {{ size: A4; margin: 25mm 22mm; }} body {{ font-family: {FONT_STACK}; font-size: 11pt;"
        " line-height: 1.5; } .from { text-align: right; color: #444; } h1 { font-size: 13pt; }"
        " .draft { color: #b00; font-weight: bold; border: 1px solid #b00; padding: 2pt 6pt; display: inline-block; }"
        f'</style></head><body>{mark}<div class="from">{escape(sender_name)}</div>'
        f"<h1>{escape(subject)}</h1>{paragraphs}</body></html>"
    )


def write_letter_pdf(
    *, path: Path, subject: str, body: str, lang: str, sender_name: str, draft: bool = False
) -> Path:
    """Write a letter as a PDF ready to print and post."""
    html = letter_html(subject=subject, body=body, lang=lang, sender_name=sender_name, draft=draft)
    return html_to_pdf(html=html, path=path)
