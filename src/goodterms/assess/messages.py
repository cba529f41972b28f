"""Owner-facing sentences in English, Estonian and Thai: flag summaries, verdicts and advice (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_currency

LANGUAGES = ("en", "et", "th")

SUMMARIES: dict[str, dict[str, str]] = {
    "en": {
        "over_contact": "{name} contacted us {per_week} times per active week, {ratio}× the typical client, "
        "more than their revenue pays for.",
        "after_hours": "{count} of {name}'s {total} contacts came outside office hours ({late} late at night) "
        "and could have waited for office hours.",
        "rush_demands": "{name} asked for deadlines shorter than our normal turnaround {rushes} times "
        "in {requests} requests.",
        "unpaid_time": "{share}% of the time spent for {name} is unpaid (non-billable work and contact handling), "
        "against {median}% for the typical client.",
        "concession_pressure": "{name} asked for discounts or free work {asks} times, {after} of them after "
        "already getting one; {value} given away ({share}% of revenue).",
        "hostile_tone": "{hostile} of {name}'s {toned} messages were hostile ({share}%), {recent} of them "
        "in the last {days} days.",
        "hostile_tone_threats": "{threats} of the hostile messages threatened us (a bad review, a lawyer, "
        "public shaming or payment held back).",
        "staff_strain": "Staff took {strained} hard calls from {name} ({long} of {long_min}+ minutes, {hostile} "
        "hostile, {late} of them outside office hours); {missed} of {calls} calls missed or avoided; {notes} "
        "negative staff notes.",
        "unresponsive": "{name} left {unanswered} of {asks} approval and feedback asks unanswered; median wait "
        "{median} days, longest {longest} days, {delay} days of delay caused.",
        "controlling": "{name} needs {per_delivery} approval rounds and change requests per delivery, "
        "{ratio}× the typical client.",
        "controlling:none": "{name} needs {per_delivery} approval rounds and change requests per delivery; "
        "the typical client needs none.",
        "late_payment_trend": "{name} pays {slope} days later each billing cycle over {cycles} invoices; "
        "{overdue} unpaid invoices are overdue (up to {overdue_days} days).",
        "thin_margin": "{name} brings {rate} per hour of all time spent, against a reference of {reference}.",
        "slow_response": "We answered {late} of {name}'s requests late (up to {hours} business hours late); "
        "they had to chase us {chases} times.",
    },
    "et": {
        "over_contact": "{name} võttis meiega ühendust {per_week} korda aktiivse nädala kohta, {ratio}× "
        "tüüpilisest kliendist rohkem, kui tema tasu katab.",
        "after_hours": "{name} {total} pöördumisest {count} tuli väljaspool tööaega ({late} hilisõhtul või "
        "öösel) ja oleks võinud tööajani oodata.",
        "rush_demands": "{name} soovis {requests} tellimusest {rushes} korral tavapärasest lühemat tähtaega.",
        "unpaid_time": "{share}% kliendile {name} kulunud ajast on tasustamata (arveldamata töö ja suhtlus), "
        "tüüpilisel kliendil {median}%.",
        "concession_pressure": "{name} küsis allahindlust või tasuta tööd {asks} korda, neist {after} korda "
        "pärast seda, kui oli juba saanud; ära antud {value} ({share}% tulust).",
        "hostile_tone": "{name} {toned} sõnumist {hostile} olid vaenulikud ({share}%), neist {recent} "
        "viimase {days} päeva jooksul.",
        "hostile_tone_threats": "Vaenulikest sõnumitest {threats} sisaldasid ähvardust (halb arvustus, advokaat, "
        "avalik häbistamine või makse kinnipidamine).",
        "staff_strain": "Töötajad võtsid kliendilt {name} vastu {strained} rasket kõnet ({long} vähemalt "
        "{long_min} minutit, {hostile} vaenulikku, neist {late} väljaspool tööaega); {calls} kõnest {missed} jäi "
        "vastamata või välditi; {notes} negatiivset töötajate märget.",
        "unresponsive": "{name} jättis {asks} kinnitus- ja tagasisidepalvest {unanswered} vastuseta; ooteaja "
        "mediaan {median} päeva, pikim {longest} päeva, põhjustatud viivitus {delay} päeva.",
        "controlling": "{name} vajab iga tarne kohta {per_delivery} kinnitusvooru ja muudatussoovi, "
        "{ratio}× tüüpilisest kliendist.",
        "controlling:none": "{name} vajab iga tarne kohta {per_delivery} kinnitusvooru ja muudatussoovi; "
        "tüüpiline klient ei vaja ühtegi.",
        "late_payment_trend": "{name} maksab iga arveldusperioodiga {slope} päeva hiljem ({cycles} arve "
        "põhjal); {overdue} tasumata arvet on üle tähtaja (kuni {overdue_days} päeva).",
        "thin_margin": "{name} toob {rate} tunni kohta kogu kulunud ajast, võrdlusalus on {reference}.",
        "slow_response": "Vastasime kliendi {name} {late} pöördumisele hilja (kuni {hours} tööaja tundi); "
        "klient pidi meile {chases} korda meelde tuletama.",
    },
    "th": {
        "over_contact": "{name} ติดต่อเรา {per_week} ครั้งต่อสัปดาห์ที่มีงาน มากกว่าลูกค้าทั่วไป {ratio} เท่า "
        "และมากกว่าที่รายได้จากลูกค้ารายนี้จะคุ้มค่า",
        "after_hours": "การติดต่อ {count} จาก {total} ครั้งของ {name} เกิดขึ้นนอกเวลาทำการ (ดึกมาก {late} ครั้ง) "
        "ซึ่งรอถึงเวลาทำการได้",
        "rush_demands": "{name} ขอกำหนดส่งที่สั้นกว่าเวลาดำเนินงานปกติ {rushes} ครั้ง จาก {requests} คำขอ",
        "unpaid_time": "เวลาที่ใช้ให้ {name} ไม่ได้รับค่าตอบแทน {share}% (งานที่ไม่คิดเงินและการติดต่อสื่อสาร) "
        "ขณะที่ลูกค้าทั่วไปอยู่ที่ {median}%",
        "concession_pressure": "{name} ขอส่วนลดหรืองานฟรี {asks} ครั้ง โดย {after} ครั้งขอหลังจากได้รับไปแล้ว "
        "มูลค่าที่ให้ไป {value} ({share}% ของรายได้)",
        "hostile_tone": "ข้อความของ {name} {hostile} จาก {toned} ข้อความมีน้ำเสียงก้าวร้าว ({share}%) "
        "ในจำนวนนี้ {recent} ข้อความอยู่ใน {days} วันล่าสุด",
        "hostile_tone_threats": "ในข้อความก้าวร้าวเหล่านี้ มี {threats} ข้อความที่ข่มขู่ (รีวิวเสียหาย ทนาย ประจานต่อสาธารณะ "
        "หรือระงับการจ่ายเงิน)",
        "staff_strain": "พนักงานรับสายที่หนักจาก {name} {strained} สาย (ยาว {long_min} นาทีขึ้นไป {long} สาย "
        "ก้าวร้าว {hostile} สาย ในจำนวนนี้นอกเวลาทำการ {late} สาย) ไม่ได้รับหรือหลีกเลี่ยง {missed} จาก {calls} สาย "
        "บันทึกเชิงลบของพนักงาน {notes} รายการ",
        "unresponsive": "{name} ไม่ตอบคำขออนุมัติหรือความเห็น {unanswered} จาก {asks} ครั้ง รอเฉลี่ย (มัธยฐาน) "
        "{median} วัน นานที่สุด {longest} วัน ทำให้งานล่าช้ารวม {delay} วัน",
        "controlling": "{name} ต้องอนุมัติและขอแก้ไข {per_delivery} รอบต่องานที่ส่งมอบ มากกว่าลูกค้าทั่วไป {ratio} เท่า",
        "controlling:none": "{name} ต้องอนุมัติและขอแก้ไข {per_delivery} รอบต่องานที่ส่งมอบ ขณะที่ลูกค้าทั่วไปไม่ต้องเลย",
        "late_payment_trend": "{name} ชำระเงินช้าลง {slope} วันในทุกรอบบิล (จาก {cycles} ใบแจ้งหนี้) "
        "มีใบแจ้งหนี้ค้างชำระเกินกำหนด {overdue} ใบ (นานสุด {overdue_days} วัน)",
        "thin_margin": "{name} สร้างรายได้ {rate} ต่อชั่วโมงของเวลาทั้งหมดที่ใช้ เทียบกับเกณฑ์ {reference}",
        "slow_response": "เราตอบคำขอของ {name} ล่าช้า {late} ครั้ง (ช้าสุด {hours} ชั่วโมงทำการ) "
        "ลูกค้าต้องติดตามเรา {chases} ครั้ง",
    },
}

ADVICE: dict[str, dict[str, str]] = {
    "en": {
        "keep_up": "Keep doing what works: answer at once and keep every promise.",
        "state_office_hours": "State your office hours in writing and answer messages sent outside them on "
        "the next working day.",
        "state_response_times": "Tell the client how soon they will hear from you (e.g. within 4 business "
        "hours) and acknowledge every request at once.",
        "be_firm_time_price": "Be firm and clear about how much time the work gets, the normal turnaround and "
        "what rush work or extra time costs.",
        "review_price_scope": "Renegotiate price, scope or terms so the work pays for the time it takes; "
        "reserve free trials and discounts for large, long-term clients.",
        "limit_revisions": "Agree a fixed number of approval rounds per delivery and explain that more rounds "
        "make the contracted work impossible.",
        "ask_timely_feedback": "Tell the client at every step that work cannot move without their answer, "
        "and that delays in their replies delay the project.",
        "payment_date_in_contract": "Put a fixed payment date in the contract (e.g. the 1st of each month).",
        "polite_reminder_then_pause": "When a payment is missed, send a polite, face-saving reminder; if it "
        "still does not come, pause work and say it resumes as soon as payment arrives.",
        "keep_call_log": "Keep a log of every contact, the problem raised and your response; it is the record "
        "you will need.",
        "final_report_handover": "Prepare a final report of the work delivered and hand over full access to "
        "every account you manage for the client.",
        "courteous_parting": "Part courteously: say you cannot meet their needs, suggest another provider and "
        "keep everything documented.",
        "answer_faster": "Acknowledge requests at once with a real promised time and answer within it; "
        "repeats are our lateness, not the client's fault.",
    },
    "et": {
        "keep_up": "Jätkake samamoodi: vastake kohe ja pidage iga lubadust.",
        "state_office_hours": "Teatage oma tööaeg kirjalikult ja vastake väljaspool tööaega saadetud "
        "sõnumitele järgmisel tööpäeval.",
        "state_response_times": "Öelge kliendile, millal ta vastuse saab (nt 4 tööaja tunni jooksul), ja "
        "kinnitage iga pöördumise kättesaamist kohe.",
        "be_firm_time_price": "Olge kindel ja selge: kui palju aega töö saab, milline on tavapärane tähtaeg "
        "ning mida maksab kiirtöö või lisaaeg.",
        "review_price_scope": "Leppige uuesti kokku hind, maht või tingimused, et töö kataks kulunud aja; "
        "tasuta proovid ja allahindlused on suurtele pikaajalistele klientidele.",
        "limit_revisions": "Leppige kokku kindel arv kinnitusvoore tarne kohta ja selgitage, et rohkem "
        "voore teeb lepingujärgse töö võimatuks.",
        "ask_timely_feedback": "Öelge kliendile igal sammul, et töö ei saa ilma tema vastuseta edasi minna "
        "ja tema viivitused viivitavad projekti.",
        "payment_date_in_contract": "Kirjutage lepingusse kindel maksepäev (nt iga kuu 1. kuupäev).",
        "polite_reminder_then_pause": "Kui makse jääb tulemata, saatke viisakas meeldetuletus, mis laseb "
        "kliendil nägu säilitada; kui makset ikka pole, peatage töö ja öelge, et see jätkub makse laekumisel.",
        "keep_call_log": "Pidage logi igast pöördumisest, tõstatatud probleemist ja teie vastusest; seda "
        "dokumenti on teil vaja.",
        "final_report_handover": "Koostage lõpparuanne tehtud tööst ja andke üle täielik ligipääs kõigile "
        "kliendi eest hallatud kontodele.",
        "courteous_parting": "Lahkuge viisakalt: öelge, et te ei suuda tema vajadusi rahuldada, soovitage "
        "teist teenusepakkujat ja dokumenteerige kõik.",
        "answer_faster": "Kinnitage pöördumisi kohe reaalse lubatud ajaga ja vastake selle jooksul; "
        "korduvad pöördumised on meie hilinemine, mitte kliendi süü.",
    },
    "th": {
        "keep_up": "ทำต่อไปแบบเดิม: ตอบทันทีและรักษาทุกคำสัญญา",
        "state_office_hours": "แจ้งเวลาทำการเป็นลายลักษณ์อักษร และตอบข้อความที่ส่งมานอกเวลาทำการในวันทำการถัดไป",
        "state_response_times": "แจ้งลูกค้าว่าจะได้รับคำตอบเมื่อใด (เช่น ภายใน 4 ชั่วโมงทำการ) และตอบรับทุกคำขอทันที",
        "be_firm_time_price": "ชัดเจนและหนักแน่นเรื่องเวลาที่ใช้กับงาน ระยะเวลาดำเนินงานปกติ และค่าบริการงานเร่งหรือเวลาเพิ่มเติม",
        "review_price_scope": "เจรจาราคา ขอบเขตงาน หรือเงื่อนไขใหม่ให้คุ้มกับเวลาที่ใช้ "
        "และสงวนการทดลองใช้ฟรีและส่วนลดไว้สำหรับลูกค้ารายใหญ่ระยะยาว",
        "limit_revisions": "ตกลงจำนวนรอบการอนุมัติต่องานให้แน่นอน และอธิบายว่าการแก้ไขหลายรอบทำให้ทำงานตามสัญญาไม่ได้",
        "ask_timely_feedback": "แจ้งลูกค้าทุกขั้นตอนว่างานเดินต่อไม่ได้หากไม่ได้รับคำตอบ และการตอบช้าทำให้โครงการล่าช้า",
        "payment_date_in_contract": "ระบุวันชำระเงินที่แน่นอนในสัญญา (เช่น วันที่ 1 ของทุกเดือน)",
        "polite_reminder_then_pause": "เมื่อเลยกำหนดชำระ ให้ส่งข้อความเตือนอย่างสุภาพที่รักษาน้ำใจลูกค้า "
        "หากยังไม่ชำระ ให้หยุดงานและแจ้งว่าจะเริ่มงานต่อทันทีที่ได้รับเงิน",
        "keep_call_log": "จดบันทึกการติดต่อทุกครั้ง ปัญหาที่ลูกค้าแจ้ง และสิ่งที่เราทำ เพราะจะต้องใช้เป็นหลักฐาน",
        "final_report_handover": "จัดทำรายงานสรุปงานที่ส่งมอบ และส่งมอบสิทธิ์เข้าถึงทุกบัญชีที่ดูแลให้ลูกค้าครบถ้วน",
        "courteous_parting": "ยุติความสัมพันธ์อย่างสุภาพ: แจ้งว่าเราไม่สามารถตอบสนองความต้องการได้ แนะนำผู้ให้บริการอื่น "
        "และเก็บเอกสารทุกอย่างไว้",
        "answer_faster": "ตอบรับคำขอทันทีพร้อมเวลาที่สัญญาไว้จริงและตอบภายในเวลานั้น การติดตามซ้ำคือความล่าช้าของเรา "
        "ไม่ใช่ความผิดของลูกค้า",
    },
}

#: The words a reader sees for codes: verdicts, flags and severities (codes stay in the JSON).
NAMES: dict[str, dict[str, str]] = {
    "en": {
        "keep": "keep",
        "set_boundaries": "set boundaries",
        "renegotiate": "renegotiate",
        "let_go": "let go",
        "after_hours": "after-hours contact",
        "concession_pressure": "pressure for discounts",
        "controlling": "too many revision rounds",
        "hostile_tone": "hostile tone",
        "late_payment_trend": "paying later and later",
        "over_contact": "contacts too often",
        "rush_demands": "rush demands",
        "staff_strain": "strain on staff",
        "thin_margin": "thin margin",
        "unpaid_time": "unpaid time",
        "unresponsive": "slow to answer us",
        "slow_response": "we answered late",
        "low": "low",
        "medium": "medium",
        "high": "high",
    },
    "et": {
        "keep": "hoia",
        "set_boundaries": "sea piirid",
        "renegotiate": "lepi uuesti kokku",
        "let_go": "lase lahti",
        "after_hours": "tööajaväline suhtlus",
        "concession_pressure": "järeleandmiste surve",
        "controlling": "liiga palju parandusringe",
        "hostile_tone": "vaenulik toon",
        "late_payment_trend": "hilinevad maksed",
        "over_contact": "liigne suhtlus",
        "rush_demands": "kiirustamine",
        "staff_strain": "töötajate koormus",
        "thin_margin": "väike marginaal",
        "unpaid_time": "tasustamata aeg",
        "unresponsive": "ei vasta meile",
        "slow_response": "meie aeglane vastus",
        "low": "madal",
        "medium": "keskmine",
        "high": "kõrge",
    },
    "th": {
        "keep": "รักษาไว้",
        "set_boundaries": "กำหนดขอบเขต",
        "renegotiate": "เจรจาใหม่",
        "let_go": "ยุติความสัมพันธ์",
        "after_hours": "ติดต่อนอกเวลา",
        "concession_pressure": "กดดันขอส่วนลด",
        "controlling": "ควบคุมมากเกินไป",
        "hostile_tone": "น้ำเสียงไม่เป็นมิตร",
        "late_payment_trend": "ชำระเงินช้าลงเรื่อย ๆ",
        "over_contact": "ติดต่อบ่อยเกินไป",
        "rush_demands": "เร่งงานบ่อย",
        "staff_strain": "พนักงานเหนื่อยล้า",
        "thin_margin": "กำไรต่ำ",
        "unpaid_time": "เวลาที่ไม่ได้ค่าตอบแทน",
        "unresponsive": "ไม่ตอบกลับ",
        "slow_response": "เราตอบช้า",
        "low": "ต่ำ",
        "medium": "ปานกลาง",
        "high": "สูง",
    },
}

#: The portfolio's summary strip: how many clients each verdict has, in words.
COUNTS: dict[str, dict[str, str]] = {
    "en": {
        "let_go": "{n} to let go",
        "renegotiate": "{n} to renegotiate",
        "set_boundaries": "{n} to set boundaries",
        "keep": "{n} to keep",
    },
    "et": {
        "let_go": "{n} lahti lasta",
        "renegotiate": "{n} uuesti kokku leppida",
        "set_boundaries": "{n} piire seada",
        "keep": "{n} hoida",
    },
    "th": {
        "let_go": "ยุติความสัมพันธ์ {n} ราย",
        "renegotiate": "เจรจาใหม่ {n} ราย",
        "set_boundaries": "กำหนดขอบเขต {n} ราย",
        "keep": "รักษาไว้ {n} ราย",
    },
}

#: Headings of the CLI's table and Markdown report.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "client": "Client",
        "health": "Health",
        "verdict": "Verdict",
        "flags": "Flags",
        "first_step": "First step",
        "as_of": "as of {when}",
        "report": "Client assessment as of {when}",
        "trend": "Trend",
        "evidence": "Evidence: {count} records",
        "us": "(us)",
        "ours": "Our own findings",
    },
    "et": {
        "client": "Klient",
        "health": "Tervis",
        "verdict": "Otsus",
        "flags": "Ohumärgid",
        "first_step": "Esimene samm",
        "as_of": "seisuga {when}",
        "report": "Klientide hinnang seisuga {when}",
        "trend": "Suund",
        "evidence": "Tõendid: {count} kirjet",
        "us": "(meie)",
        "ours": "Meie enda leiud",
    },
    "th": {
        "client": "ลูกค้า",
        "health": "สุขภาพ",
        "verdict": "ข้อสรุป",
        "flags": "สัญญาณเตือน",
        "first_step": "ขั้นแรก",
        "as_of": "ณ {when}",
        "report": "การประเมินลูกค้า ณ {when}",
        "trend": "แนวโน้ม",
        "evidence": "หลักฐาน: {count} รายการ",
        "us": "(เรา)",
        "ours": "ข้อสังเกตเกี่ยวกับเราเอง",
    },
}

_LOCALES = {"en": Locale("en"), "et": Locale("et"), "th": Locale("th")}  # parsed once, not per call


def language(lang: str) -> str:
    """Return a language goodterms has sentences in (English for anything else)."""
    return lang if lang in LANGUAGES else "en"


def number(value: float | int | None, lang: str, places: int = 1) -> str:
    """Format a number for the owner's language (``∞`` for infinity, ``–`` for none)."""
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    # Plain grouping and decimal marks per language (Babel's formatter is too slow for 10,000 clients).
    text = f"{round(value, places):,.{places}f}"
    if places and "." in text:
        text = text.rstrip("0").rstrip(".")
    if language(lang) == "et":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def label(key: str, lang: str, **params: Any) -> str:
    """Return a heading of the CLI's table or report in ``lang``."""
    return LABELS[language(lang)][key].format(**params)


def moment(value: datetime, lang: str, tz: str) -> str:
    """Return a date and time for a reader: their locale, the business's timezone, the Buddhist era in Thai."""
    local = value.astimezone(ZoneInfo(tz))
    reader = language(lang)
    text = format_date(local.date(), format="medium", locale=_LOCALES[reader])
    if reader == "th":
        text = text.replace(str(local.year), str(local.year + 543))
    return f"{text} {format_time(local, format='short', locale=_LOCALES[reader])}"


def locale_language(value: str | None) -> str | None:
    """Return the goodterms language of a locale name like ``th_TH.UTF-8`` (None for C, POSIX or others)."""
    code = (value or "").split(".")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None


def money(value: Decimal | float, currency: str, lang: str) -> str:
    """Format an amount of money for the owner's language."""
    return format_currency(Decimal(str(value)), currency, locale=_LOCALES[language(lang)])


@dataclass(frozen=True)
class Num:
    """A number parameter of a message, formatted in the reader's language when the message is read."""

    value: float | int | None
    places: int = 1


@dataclass(frozen=True)
class Money:
    """An amount of money parameter of a message, shown with its currency in the reader's language."""

    value: Decimal | float
    currency: str


Param = str | int | Num | Money


@dataclass(frozen=True)
class Message:
    """A flag's summary as a key and its parameters, readable in any language.

    ``lang`` is the language it is first written in (the business's: ``Finding.summary``); ``more`` are
    keys of further sentences over the same parameters (``hostile_tone_threats``).
    """

    key: str
    params: Mapping[str, Param]
    lang: str = "en"
    more: tuple[str, ...] = ()

    def also(self, key: str, **params: Param) -> Message:
        """Return this message with one more sentence (and its parameters)."""
        return Message(self.key, {**self.params, **params}, self.lang, (*self.more, key))

    def text(self, lang: str | None = None) -> str:
        """Return the message in ``lang`` (default: the language it was first written in)."""
        reader = language(lang or self.lang)
        values = {k: _param(v, reader) for k, v in self.params.items()}
        return " ".join(SUMMARIES[reader][key].format(**values) for key in (self.key, *self.more))

    def to_json(self) -> dict[str, Any]:
        """Return the key, further sentences and parameters (numbers and money tagged) for JSON."""
        return {
            "key": self.key,
            "more": list(self.more),
            "params": {k: _tag(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        """Read a message back from ``to_json``."""
        params = {str(k): _untag(v) for k, v in dict(data.get("params") or {}).items()}
        return cls(str(data["key"]), params, more=tuple(str(k) for k in data.get("more") or ()))


def _param(value: Param, lang: str) -> str | int:
    if isinstance(value, Num):
        return number(value.value, lang, value.places)
    if isinstance(value, Money):
        return money(value.value, value.currency, lang)
    return value


def _tag(value: Param) -> Any:
    if isinstance(value, Num):
        number_value = None if value.value in (float("inf"), float("-inf")) else value.value
        return {
            "number": number_value,
            "places": value.places,
            "infinite": number_value is None and value.value is not None,
        }
    if isinstance(value, Money):
        return {"money": str(value.value), "currency": value.currency}
    return value


def _untag(value: Any) -> Param:
    if isinstance(value, Mapping):
        if "money" in value:
            return Money(Decimal(str(value["money"])), str(value["currency"]))
        if value.get("infinite"):
            return Num(float("inf"), int(value.get("places", 1)))
        return Num(value.get("number"), int(value.get("places", 1)))
    return value if isinstance(value, int | str) else str(value)


def summary(code: str, lang: str, **params: Param) -> Message:
    """Return a flag's summary (``code`` or an alternative key like ``controlling:none``), first in ``lang``."""
    if code not in SUMMARIES["en"]:
        raise KeyError(f"no summary is written for {code!r}")
    return Message(code, params, language(lang))


def reworded(found: Mapping[str, Any], lang: str) -> str:
    """Return a finding's summary (its JSON) in ``lang``: from its message, else the text it carries."""
    said = found.get("message")
    if isinstance(said, Mapping) and said.get("key") in SUMMARIES["en"]:
        return Message.from_json(said).text(lang)
    return str(found.get("summary", ""))


def reword_client(assessed: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Return a client's assessment JSON for a reader of ``lang``: summaries, advice and words in it.

    Codes stay as they are; the words for them come beside: ``verdict_words`` on the client,
    ``words`` and ``severity_words`` on each finding.
    """
    flags = [reword_finding(f, lang) for f in assessed.get("flags", [])]
    advised = [
        {**a, "text": advice(str(a["key"]), lang) if a.get("key") in ADVICE["en"] else str(a.get("text", ""))}
        for a in assessed.get("advice", [])
    ]
    verdict = str(assessed.get("verdict", ""))
    return {**assessed, "flags": flags, "advice": advised, "verdict_words": name(verdict, lang)}


def reword_finding(found: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Return one finding's JSON with its summary and the words for its codes in ``lang``."""
    return {
        **found,
        "summary": reworded(found, lang),
        "words": name(str(found.get("code", "")), lang),
        "severity_words": name(str(found.get("severity", "")), lang),
    }


def name(code: str, lang: str) -> str:
    """Return the reader's word for a verdict, flag or severity code (the code itself if unknown)."""
    return NAMES[language(lang)].get(code, NAMES["en"].get(code, code.replace("_", " ")))


def counts(tally: Mapping[str, int], lang: str) -> str:
    """Return the summary strip: "1 to let go · 4 to renegotiate · …", worst verdict first, zeros left out."""
    order = ("let_go", "renegotiate", "set_boundaries", "keep")
    words = COUNTS[language(lang)]
    return " · ".join(words[v].format(n=tally[v]) for v in order if tally.get(v))


def advice(key: str, lang: str) -> str:
    """Return one piece of advice in ``lang``."""
    return ADVICE[language(lang)][key]
