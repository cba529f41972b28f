"""Render notices in the client's language from editable Jinja2 templates.

Each template is ``templates/<lang>/<name>.txt.j2``; its first line is ``Subject: ...`` and the
rest, after a blank line, is the body. A business can override any of them with
``[followup] template_dir``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from goodterms.handling.addressing import called, greeting
from goodterms.handling.formatting import format_day, format_money, hours_lines, language_of
from goodterms.handling.ladder import AskFacts, NoticeDue

#: Every notice template; each must exist in th, et and en.
TEMPLATES = (
    "boundaries_hours",
    "boundaries_scope",
    "need_answer",
    "payment_reminder",
    "payment_pause",
    "payment_call",
    "resume",
    "termination_letter",
    "paused_note",
)

ASK_KINDS: dict[str, dict[str, str]] = {
    "en": {"approval": "Approval", "feedback": "Feedback", "question": "Question", "asset": "Material"},
    "et": {"approval": "Kinnitus", "feedback": "Tagasiside", "question": "Küsimus", "asset": "Materjal"},
    "th": {"approval": "การอนุมัติ", "feedback": "ความคิดเห็น", "question": "คำถาม", "asset": "ไฟล์หรือข้อมูล"},
}
RATE_UNITS: dict[str, dict[str, str]] = {
    "en": {"hour": "hour", "minute": "audio minute", "page": "page", "word": "word", "month": "month"},
    "et": {"hour": "tund", "minute": "helifaili minut", "page": "lehekülg", "word": "sõna", "month": "kuu"},
    "th": {"hour": "ชั่วโมง", "minute": "นาทีเสียง", "page": "หน้า", "word": "คำ", "month": "เดือน"},
}


@dataclass(frozen=True)
class Rendered:
    """A rendered notice: subject line and plain-text body."""

    subject: str
    body: str


@dataclass(frozen=True)
class Recipient:
    """Who a notice is for."""

    id: str
    name: str
    language: str = "en"
    timezone: str = "UTC"
    email: str | None = None
    phone: str | None = None
    rate: Decimal | None = None
    rate_unit: str = "hour"
    currency: str = "EUR"


@dataclass(frozen=True)
class Sender:
    """The business a notice comes from."""

    name: str
    language: str = "en"
    timezone: str = "UTC"
    email: str | None = None
    hours: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    response_target_hours: Decimal = Decimal(4)


@lru_cache(maxsize=8)
def _environment(override_dir: str | None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = []
    if override_dir:
        loaders.append(FileSystemLoader(override_dir))
    loaders.append(PackageLoader("goodterms.handling", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # plain-text mail
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(*, template: str, lang: str, context: dict[str, Any], override_dir: str | None = None) -> Rendered:
    """Render ``<lang>/<template>.txt.j2`` and split it into subject and body."""
    env = _environment(override_dir)
    text = env.get_template(f"{language_of(lang)}/{template}.txt.j2").render(**context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template}: the first line of a notice template must be 'Subject: ...'")
    return Rendered(subject=first.removeprefix("Subject:").strip(), body=rest.lstrip("\n"))


def _fmt_target(hours: Decimal) -> str:
    return format(Decimal(hours).normalize(), "f")


def notice_context(
    *, notice: NoticeDue, to: Recipient, sender: Sender, as_of: date, lang: str
) -> dict[str, Any]:
    """Build the template variables of ``notice`` for one client, in ``lang``."""
    ctx: dict[str, Any] = {
        "client_name": to.name,
        "client_called": called(to.name, lang),
        "greeting": greeting(to.name, lang),
        "business_name": sender.name,
        "today": format_day(as_of, lang=lang),
        "timezone": sender.timezone,
        "target_hours": _fmt_target(sender.response_target_hours),
        "phone": to.phone,
    }
    facts = notice.facts
    ctx["numbers"] = str(facts.get("numbers", facts.get("number", "—")))
    if "invoice" in facts:
        due = facts["due"]
        assert isinstance(due, date)
        owed = facts["outstanding"]
        assert isinstance(owed, Decimal)
        ctx.update(
            number=facts["number"],
            due=format_day(due, lang=lang),
            amount=format_money(owed, str(facts["currency"]), lang=lang),
            days_late=facts["days_late"],
            paused_on=format_day(as_of, lang=lang),
        )
    if notice.template == "need_answer":
        ctx.update(_asks_context(facts.get("asks", ()), as_of=as_of, lang=lang, tz=sender.timezone))
    if notice.template == "boundaries_hours":
        ctx["hours"] = hours_lines(sender.hours, lang=lang)
    if notice.template == "boundaries_scope":
        rate = to.rate
        ctx["rate"] = format_money(rate, to.currency, lang=lang) if rate is not None else "—"
        ctx["rate_unit"] = RATE_UNITS[lang].get(to.rate_unit, to.rate_unit)
    return ctx


def _asks_context(asks: object, *, as_of: date, lang: str, tz: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    delay = 0
    for ask in asks if isinstance(asks, tuple) else ():
        assert isinstance(ask, AskFacts)
        since = ask.at.astimezone(ZoneInfo(tz)).date()
        days = max((as_of - since).days, 0)
        delay = max(delay, days)
        kind = ASK_KINDS[lang].get(ask.kind, ask.kind)
        items.append(
            {"kind": kind, "subject": ask.subject, "since": format_day(since, lang=lang), "days": days}
        )
    return {"asks": items, "delay_days": delay}


def render_notice(
    *,
    notice: NoticeDue,
    to: Recipient,
    sender: Sender,
    as_of: date,
    override_dir: str | None = None,
) -> Rendered:
    """Render ``notice`` for ``to``; manual actions are written for staff, in the business's language."""
    lang = language_of(sender.language if notice.channel == "manual" else to.language)
    ctx = notice_context(notice=notice, to=to, sender=sender, as_of=as_of, lang=lang)
    return render(template=notice.template, lang=lang, context=ctx, override_dir=override_dir)


def local_day(moment: datetime, tz: str) -> date:
    """Return the calendar day of ``moment`` in timezone ``tz``."""
    return moment.astimezone(ZoneInfo(tz)).date()
