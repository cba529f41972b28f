"""The final report: what was delivered for the client, with charts, as PDF in the client's language.

The client's copy lists the work delivered; the business's own copy keeps the totals and the
work chart and adds contacts per week, the after-hours pattern, days late per invoice and the
assessment's flags (the delivery list is in the client's copy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined

from goodterms.handling.formatting import LOCALES, format_day, format_short_day, language_of
from goodterms.reports.charts import bar_chart
from goodterms.reports.evidence_xlsx import ContactStats, flag_words
from goodterms.reports.labels import labels
from goodterms.reports.ledgerdata import InvoiceLine
from goodterms.reports.pdf import FONT_STACK, html_to_pdf


@dataclass(frozen=True)
class DeliveryLine:
    """One piece of delivered work."""

    day: date
    title: str
    hours: Decimal
    outcome: str | None


@dataclass(frozen=True)
class ReportData:
    """Everything the final report shows."""

    business_name: str
    client_name: str
    deliveries: Sequence[DeliveryLine]
    invoices: Sequence[InvoiceLine]
    stats: ContactStats | None
    flags: list[dict[str, Any]] | None
    as_of: date
    since: date | None

    @property
    def total_hours(self) -> Decimal:
        return sum((d.hours for d in self.deliveries), Decimal(0))


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("goodterms.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _month_label(day: date, lang: str) -> str:
    if lang == "th":
        return f"{format_date(day, 'MMM', locale=LOCALES['th'])} {str(day.year + 543)[2:]}"
    return format_date(day, "MMM yy", locale=LOCALES[lang])


def _months(first: date, last: date) -> list[date]:
    out, cur = [], first.replace(day=1)
    while cur <= last:
        out.append(cur)
        cur = (cur + timedelta(days=32)).replace(day=1)
    return out


def work_chart_html(data: ReportData, lang: str) -> str:
    """Hours delivered per month, every month of the period shown (zero months too)."""
    t = labels(lang)
    if not data.deliveries:
        return ""
    per_month: dict[date, float] = defaultdict(float)
    for d in data.deliveries:
        per_month[d.day.replace(day=1)] += float(d.hours)
    months = _months(min(per_month), max(per_month))
    chart = bar_chart(
        title=t["work_per_month"],
        labels=[_month_label(mo, lang) for mo in months],
        values=[float(per_month.get(mo, 0)) for mo in months],
        headers=(t["month"], t["hours"]),
    )
    return chart.html()


def internal_charts_html(data: ReportData, lang: str) -> list[str]:
    """Charts for the business's own copy: contacts per week, after-hours pattern, days late."""
    t = labels(lang)
    out: list[str] = []
    stats = data.stats
    if stats and stats.per_week:
        first, last = min(stats.per_week), max(stats.per_week)
        weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
        out.append(
            bar_chart(
                title=t["contacts_per_week"],
                labels=[format_short_day(w, lang=lang) for w in weeks],
                values=[float(stats.per_week.get(w, 0)) for w in weeks],
                headers=(t["week"], t["count"]),
            ).html()
        )
    if stats and stats.inbound:
        hours = list(range(24))
        out.append(
            bar_chart(
                title=t["after_hours_pattern"],
                labels=[f"{h:02d}" for h in hours],
                values=[float(stats.inbound_by_hour.get(h, 0)) for h in hours],
                headers=(t["hour"], t["count"]),
                highlight=[
                    stats.after_hours_by_hour.get(h, 0) * 2 > stats.inbound_by_hour.get(h, 0) for h in hours
                ],
            ).html()
        )
    if data.invoices:
        out.append(
            bar_chart(
                title=t["days_late_per_invoice"],
                labels=[inv.number for inv in data.invoices],
                values=[float(inv.days_late) for inv in data.invoices],
                headers=(t["invoice"], t["days_late"]),
                highlight=[inv.paid_in_full is None for inv in data.invoices],
            ).html()
        )
    return out


def report_html(*, data: ReportData, lang: str, internal: bool, draft: bool) -> str:
    """Return the report as HTML (the PDF is rendered from this)."""
    lang = language_of(lang)
    t = labels(lang)
    days = [d.day for d in data.deliveries]
    start = data.since or (min(days) if days else data.as_of)
    extra: list[tuple[str, object]] = []
    if internal and data.stats:
        extra = [
            (t["contacts"], data.stats.total),
            (t["after_hours"], data.stats.after_hours),
            (t["invoices"], len(data.invoices)),
        ]
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            t=t,
            font_stack=FONT_STACK,
            draft=draft,
            internal=internal,
            business_name=data.business_name,
            client_name=data.client_name,
            period=f"{format_day(start, lang=lang)} – {format_day(data.as_of, lang=lang)}",
            generated=format_day(data.as_of, lang=lang),
            delivery_count=len(data.deliveries),
            total_hours=format(data.total_hours, "f"),
            extra_figures=extra,
            work_chart=work_chart_html(data, lang),
            deliveries=[]
            if internal
            else [
                {
                    "day": format_short_day(d.day, lang=lang),
                    "title": d.title,
                    "hours": format(d.hours, "f"),
                    "outcome": d.outcome,
                }
                for d in data.deliveries
            ],
            internal_charts=internal_charts_html(data, lang) if internal else [],
            flags=None if data.flags is None else [flag_words(f, lang=lang) for f in data.flags],
        )
    )


def write_report_pdf(
    *, data: ReportData, lang: str, path: Path, internal: bool = False, draft: bool = False
) -> Path:
    """Write the final report as PDF."""
    return html_to_pdf(html=report_html(data=data, lang=lang, internal=internal, draft=draft), path=path)
