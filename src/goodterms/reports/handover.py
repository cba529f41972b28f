"""The hand-over checklist: every account managed for the client, with a line to confirm each transfer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from goodterms.handling.formatting import format_day, format_money, language_of
from goodterms.reports.labels import labels
from goodterms.reports.ledgerdata import InvoiceLine


@dataclass(frozen=True)
class AccountLine:
    """A managed account."""

    service: str
    handle: str
    access: str
    transferred_at: datetime | None


def open_invoices(invoices: Sequence[InvoiceLine]) -> list[InvoiceLine]:
    """Return the invoices with money still open (disputed ones included: they still wait)."""
    return [inv for inv in invoices if inv.open_amount > 0]


def handover_text(
    *,
    client_name: str,
    business_name: str,
    accounts: Sequence[AccountLine],
    invoices: Sequence[InvoiceLine],
    lang: str,
    as_of: date,
    draft: bool,
) -> str:
    """Return the checklist as plain text in ``lang``; it says plainly when hand-over waits on payment."""
    lang = language_of(lang)
    t = labels(lang)
    lines = [f"{t['draft']}", ""] if draft else []
    lines += [t["handover"], "=" * len(t["handover"]), ""]
    lines += [f"{t['client']}: {client_name}", f"{business_name} — {format_day(as_of, lang=lang)}", ""]
    unpaid = open_invoices(invoices)
    if unpaid:
        lines.append(f"{t['handover_waits']}:")
        for inv in unpaid:
            money = format_money(inv.open_amount, inv.currency, lang=lang)
            lines.append(
                f"  - {t['invoice']} {inv.number}: {t['open_amount']} {money}, {t['due']} {format_day(inv.due, lang=lang)}"
            )
    else:
        lines.append(t["handover_ready"])
    lines.append("")
    if not accounts:
        lines.append(t["no_accounts"])
    for index, acc in enumerate(accounts, start=1):
        done = (
            f"  [x] {t['transferred']}: {format_day(acc.transferred_at.date(), lang=lang)}"
            if acc.transferred_at
            else "  [ ]"
        )
        lines += [
            f"{index}. {t['service']}: {acc.service}",
            f"   {t['handle']}: {acc.handle}",
            f"   {t['access']}: {acc.access}",
            f" {done} {t['confirm']}: ______________________",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
