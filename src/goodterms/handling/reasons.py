"""Why a follow-up is due, and what it is called, in the reader's words: Thai, Estonian or English (pure).

The ladder keeps its reason in English for logs and the JSON contract; people read these instead.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from goodterms.assess import messages as msg
from goodterms.handling.formatting import format_day, format_money, language_of
from goodterms.handling.ladder import AskFacts, NoticeDue

#: Each notice template by what it does for the reader.
TEMPLATE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "payment_reminder": "friendly payment reminder",
        "payment_pause": "work paused until payment",
        "payment_call": "phone call about payment",
        "resume": "work resumes",
        "need_answer": "we need an answer to continue",
        "boundaries_hours": "office hours",
        "boundaries_scope": "scope and rate",
        "termination_letter": "termination letter",
        "paused_note": "note that work is paused",
    },
    "et": {
        "payment_reminder": "sõbralik maksemeeldetuletus",
        "payment_pause": "töö peatub kuni tasumiseni",
        "payment_call": "telefonikõne makse asjus",
        "resume": "töö jätkub",
        "need_answer": "jätkamiseks on vaja vastust",
        "boundaries_hours": "tööaeg",
        "boundaries_scope": "töö maht ja hind",
        "termination_letter": "koostöö lõpetamise kiri",
        "paused_note": "teade töö peatamisest",
    },
    "th": {
        "payment_reminder": "แจ้งเตือนการชำระเงินอย่างเป็นมิตร",
        "payment_pause": "พักงานจนกว่าจะได้รับชำระเงิน",
        "payment_call": "โทรติดต่อเรื่องการชำระเงิน",
        "resume": "กลับมาดำเนินงานต่อ",
        "need_answer": "ต้องการคำตอบเพื่อดำเนินงานต่อ",
        "boundaries_hours": "เวลาทำการ",
        "boundaries_scope": "ขอบเขตงานและอัตราค่าบริการ",
        "termination_letter": "จดหมายยุติความร่วมมือ",
        "paused_note": "แจ้งว่างานถูกพักไว้",
    },
}
#: Every channel in the reader's words: how a client reached us or we them, and how a notice goes out
#: ("manual": a task for our own staff). The one table: the web app, the command line, the reports and
#: the settings page all say a channel with ``channel_name``.
CHANNELS: dict[str, dict[str, str]] = {
    "en": {
        "call": "call",
        "email": "e-mail",
        "sms": "text message",
        "voicemail": "voicemail",
        "chat": "chat",
        "meeting": "meeting",
        "letter": "letter",
        "manual": "task for our staff",
    },
    "et": {
        "call": "kõne",
        "email": "e-kiri",
        "sms": "tekstisõnum",
        "voicemail": "kõneposti sõnum",
        "chat": "vestlus",
        "meeting": "kohtumine",
        "letter": "paberkiri",
        "manual": "ülesanne meie töötajale",
    },
    "th": {
        "call": "โทรศัพท์",
        "email": "อีเมล",
        "sms": "ข้อความสั้น",
        "voicemail": "ข้อความเสียง",
        "chat": "แชต",
        "meeting": "การประชุม",
        "letter": "จดหมาย",
        "manual": "งานสำหรับพนักงานของเรา",
    },
}
#: Names of the languages goodterms writes, in each of them.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"th": "Thai", "et": "Estonian", "en": "English"},
    "et": {"th": "tai", "et": "eesti", "en": "inglise"},
    "th": {"th": "ไทย", "et": "เอสโตเนีย", "en": "อังกฤษ"},
}
_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "payment": "Invoice {number} was due on {due}: {amount} unpaid, {days} days late.",
        "resume": "Work was paused on {day}; every invoice that paused it is paid now.",
        "need_answer": "{count} asks wait on the client, the oldest since {day} ({days} days).",
        "boundaries": "The assessment found: {flags}.",
    },
    "et": {
        "payment": "Arve {number} tähtaeg oli {due}: tasumata {amount}, {days} päeva üle tähtaja.",
        "resume": "Töö peatati {day}; kõik selle põhjustanud arved on nüüd tasutud.",
        "need_answer": "Kliendi vastust ootab {count} küsimust, vanim alates {day} ({days} päeva).",
        "boundaries": "Hinnang leidis: {flags}.",
    },
    "th": {
        "payment": "ใบแจ้งหนี้ {number} ครบกำหนดเมื่อ {due} ยังค้างชำระ {amount} เกินกำหนด {days} วัน",
        "resume": "งานถูกพักไว้เมื่อ {day} และใบแจ้งหนี้ที่เป็นเหตุให้พักงานได้รับชำระครบแล้ว",
        "need_answer": "มี {count} เรื่องที่รอคำตอบจากลูกค้า เรื่องแรกสุดตั้งแต่ {day} ({days} วัน)",
        "boundaries": "ผลการประเมินพบ: {flags}",
    },
}


def template_name(template: str, lang: str) -> str:
    """Return what a notice template is called for the reader."""
    names = TEMPLATE_NAMES[language_of(lang)]
    return names.get(template) or template.replace("_", " ")


def channel_name(channel: str, lang: str) -> str:
    """Return the reader's word for a channel (of a contact, or the one a notice goes out on)."""
    names = CHANNELS[language_of(lang)]
    return names.get(channel) or channel.replace("_", " ")


def reason_text(notice: NoticeDue, *, lang: str, as_of: date) -> str:
    """Return why ``notice`` is due, in the reader's words (the ladder's own reason when no rule fits)."""
    lang = language_of(lang)
    said = _REASONS[lang]
    facts = notice.facts
    due, owed = facts.get("due"), facts.get("outstanding")
    if isinstance(due, date) and isinstance(owed, Decimal):
        return said["payment"].format(
            number=facts.get("number"),
            due=format_day(due, lang=lang),
            amount=format_money(owed, str(facts.get("currency")), lang=lang),
            days=facts.get("days_late"),
        )
    paused = facts.get("paused_on")
    if notice.resumes_work and isinstance(paused, date):
        return said["resume"].format(day=format_day(paused, lang=lang))
    waiting = facts.get("asks")
    asks = [a for a in waiting if isinstance(a, AskFacts)] if isinstance(waiting, tuple) else []
    if asks:
        oldest: datetime = min(a.at for a in asks)
        return said["need_answer"].format(
            count=len(asks), day=format_day(oldest.date(), lang=lang), days=(as_of - oldest.date()).days
        )
    flags = [e.id for e in notice.records if e.type == "flag"]
    if flags:
        return said["boundaries"].format(flags=", ".join(msg.name(f, lang) for f in flags))
    return notice.reason
