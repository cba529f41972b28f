"""The assessment settings in the reader's words: a short label per setting and words for its boxes.

The settings page shows these instead of the goodterms.toml keys (which stay only in the form's field names).
"""

from __future__ import annotations

from goodterms.assess import messages

#: Setting name → language → short label (the advanced settings have theirs in settings_page).
LABELS: dict[str, dict[str, str]] = {
    "ratio_levels": {
        "en": "Contacts compared with the typical client (multiples)",
        "th": "การติดต่อเทียบกับลูกค้าทั่วไป (จำนวนเท่า)",
        "et": "Suhtlus võrreldes tüüpilise kliendiga (kordades)",
    },
    "over_contact_min_per_week": {
        "en": "Frequent contact: minimum contacts per week",
        "th": "ติดต่อบ่อย: จำนวนครั้งขั้นต่ำต่อสัปดาห์",
        "et": "Sage suhtlus: vähim kontaktide arv nädalas",
    },
    "median_floor_per_week": {
        "en": "Typical contacts per week: at least",
        "th": "การติดต่อทั่วไปต่อสัปดาห์: อย่างน้อย",
        "et": "Tüüpiline kontaktide arv nädalas: vähemalt",
    },
    "contact_channels": {
        "en": "Channels that count as contacts",
        "th": "ช่องทางที่นับเป็นการติดต่อ",
        "et": "Kanalid, mis loevad kontaktiks",
    },
    "after_hours_share": {
        "en": "After-hours contacts: share",
        "th": "นอกเวลาทำการ: สัดส่วน",
        "et": "Väljaspool tööaega: osakaal",
    },
    "after_hours_min_count": {
        "en": "After-hours contacts: minimum count",
        "th": "นอกเวลาทำการ: จำนวนขั้นต่ำ",
        "et": "Väljaspool tööaega: vähim arv",
    },
    "after_hours_vs_median": {
        "en": "After-hours contacts: times the typical share",
        "th": "นอกเวลาทำการ: จำนวนเท่าของสัดส่วนทั่วไป",
        "et": "Väljaspool tööaega: mitu korda tüüpilisest osakaalust",
    },
    "late_night_weight": {
        "en": "A late-night contact counts as",
        "th": "การติดต่อดึกนับเป็น",
        "et": "Hilisõhtune kontakt loeb kui",
    },
    "late_night_start": {
        "en": "Late night starts at (hour)",
        "th": "ช่วงดึกเริ่ม (ชั่วโมง)",
        "et": "Hilisõhtu algab (tund)",
    },
    "late_night_end": {
        "en": "Late night ends at (hour)",
        "th": "ช่วงดึกสิ้นสุด (ชั่วโมง)",
        "et": "Hilisõhtu lõpeb (tund)",
    },
    "turnaround_hours": {
        "en": "Normal turnaround per kind of work (hours)",
        "th": "เวลาทำงานปกติตามประเภทงาน (ชั่วโมง)",
        "et": "Tavaline teostusaeg töö liigi järgi (tundides)",
    },
    "default_turnaround_hours": {
        "en": "Normal turnaround for other work (hours)",
        "th": "เวลาทำงานปกติสำหรับงานอื่น (ชั่วโมง)",
        "et": "Tavaline teostusaeg muule tööle (tundides)",
    },
    "rush_share": {
        "en": "Rush requests: share",
        "th": "งานเร่ง: สัดส่วน",
        "et": "Kiirtööd: osakaal",
    },
    "rush_min_count": {
        "en": "Rush requests: minimum count",
        "th": "งานเร่ง: จำนวนขั้นต่ำ",
        "et": "Kiirtööd: vähim arv",
    },
    "handling_minutes": {
        "en": "Minutes to handle a message",
        "th": "เวลาจัดการข้อความ (นาที)",
        "et": "Sõnumi käsitlemise aeg (minutites)",
    },
    "unpaid_share": {
        "en": "Unpaid time: share",
        "th": "เวลาที่ไม่ได้ค่าตอบแทน: สัดส่วน",
        "et": "Tasustamata aeg: osakaal",
    },
    "unpaid_vs_median": {
        "en": "Unpaid time: times the typical share",
        "th": "เวลาที่ไม่ได้ค่าตอบแทน: จำนวนเท่าของสัดส่วนทั่วไป",
        "et": "Tasustamata aeg: mitu korda tüüpilisest osakaalust",
    },
    "min_hours": {
        "en": "Time spent needed to judge (hours)",
        "th": "เวลาทำงานขั้นต่ำก่อนประเมิน (ชั่วโมง)",
        "et": "Hindamiseks vajalik tööaeg (tundides)",
    },
    "concession_asks": {
        "en": "Discount requests: count",
        "th": "การขอส่วนลด: จำนวนครั้ง",
        "et": "Järeleandmiste palved: arv",
    },
    "concession_value_share": {
        "en": "Value given away: share of revenue",
        "th": "มูลค่าที่ยอมลดให้: สัดส่วนของรายได้",
        "et": "Loovutatud väärtus: osa tulust",
    },
    "hostile_share": {
        "en": "Hostile messages: share",
        "th": "ข้อความไม่เป็นมิตร: สัดส่วน",
        "et": "Vaenulikud sõnumid: osakaal",
    },
    "hostile_min_count": {
        "en": "Hostile messages: minimum count",
        "th": "ข้อความไม่เป็นมิตร: จำนวนขั้นต่ำ",
        "et": "Vaenulikud sõnumid: vähim arv",
    },
    "recent_days": {
        "en": "Recent period (days)",
        "th": "ช่วงล่าสุด (วัน)",
        "et": "Viimane periood (päevades)",
    },
    "missed_call_share": {
        "en": "Missed calls: share",
        "th": "สายที่ไม่ได้รับ: สัดส่วน",
        "et": "Vastamata kõned: osakaal",
    },
    "long_call_minutes": {
        "en": "A long call lasts at least (minutes)",
        "th": "สายยาวนานอย่างน้อย (นาที)",
        "et": "Pikk kõne kestab vähemalt (minutites)",
    },
    "strained_calls": {
        "en": "Hard calls for staff: count",
        "th": "สายที่หนักสำหรับพนักงาน: จำนวน",
        "et": "Töötajatele rasked kõned: arv",
    },
    "missed_call_min_count": {
        "en": "Missed calls: minimum count",
        "th": "สายที่ไม่ได้รับ: จำนวนขั้นต่ำ",
        "et": "Vastamata kõned: vähim arv",
    },
    "negative_notes": {
        "en": "Negative staff notes: count",
        "th": "บันทึกเชิงลบของพนักงาน: จำนวน",
        "et": "Töötajate negatiivsed märkmed: arv",
    },
    "feedback_grace_days": {
        "en": "Days a client has to answer",
        "th": "จำนวนวันที่ลูกค้ามีเพื่อตอบกลับ",
        "et": "Päevad, mis kliendil on vastamiseks",
    },
    "delay_days": {
        "en": "Delay caused by the client (days)",
        "th": "ความล่าช้าที่เกิดจากลูกค้า (วัน)",
        "et": "Kliendi põhjustatud viivitus (päevades)",
    },
    "controlling_min_rounds": {
        "en": "Revision rounds: minimum count",
        "th": "รอบการแก้ไข: จำนวนขั้นต่ำ",
        "et": "Parandusringid: vähim arv",
    },
    "late_slope_days": {
        "en": "Paying later: extra days per invoice",
        "th": "ชำระช้าลง: จำนวนวันที่เพิ่มต่อใบแจ้งหนี้",
        "et": "Hilisemad maksed: lisapäevi arve kohta",
    },
    "late_min_cycles": {
        "en": "Paying later: minimum invoices",
        "th": "ชำระช้าลง: จำนวนใบแจ้งหนี้ขั้นต่ำ",
        "et": "Hilisemad maksed: vähim arvete arv",
    },
    "late_max_cycles": {
        "en": "Paying later: latest invoices used",
        "th": "ชำระช้าลง: จำนวนใบแจ้งหนี้ล่าสุดที่ใช้",
        "et": "Hilisemad maksed: arvestatud viimased arved",
    },
    "overdue_days": {
        "en": "Oldest unpaid invoice overdue (days)",
        "th": "ใบแจ้งหนี้ค้างชำระนานที่สุด (วัน)",
        "et": "Vanima tasumata arve viivitus (päevades)",
    },
    "margin_ratio": {
        "en": "Hourly rate as a share of the target",
        "th": "อัตรารายชั่วโมงเทียบกับเป้าหมาย",
        "et": "Tunnitasu osana sihtmäärast",
    },
    "weights": {
        "en": "Health points per warning sign",
        "th": "คะแนนสุขภาพต่อสัญญาณเตือน",
        "et": "Tervisepunktid hoiatusmärgi kohta",
    },
    "let_go_below": {
        "en": "Health below which to let go",
        "th": "คะแนนสุขภาพต่ำกว่านี้: ยุติความสัมพันธ์",
        "et": "Tervis, millest madalamal lase lahti",
    },
    "renegotiate_below": {
        "en": "Health below which to renegotiate",
        "th": "คะแนนสุขภาพต่ำกว่านี้: เจรจาใหม่",
        "et": "Tervis, millest madalamal lepi uuesti kokku",
    },
    "boundaries_below": {
        "en": "Health below which to set boundaries",
        "th": "คะแนนสุขภาพต่ำกว่านี้: กำหนดขอบเขต",
        "et": "Tervis, millest madalamal sea piirid",
    },
    "money_flags": {
        "en": "Warning signs about money",
        "th": "สัญญาณเตือนด้านการเงิน",
        "et": "Rahaga seotud hoiatusmärgid",
    },
    "behaviour_flags": {
        "en": "Warning signs about behaviour",
        "th": "สัญญาณเตือนด้านพฤติกรรม",
        "et": "Käitumisega seotud hoiatusmärgid",
    },
    "let_go_high_flags": {
        "en": "High warnings that mean let go",
        "th": "จำนวนสัญญาณเตือนระดับสูงที่ต้องยุติ",
        "et": "Kõrgeid hoiatusi, mille korral lase lahti",
    },
    "trend_months": {
        "en": "Months shown in the health trend",
        "th": "จำนวนเดือนในแนวโน้มสุขภาพ",
        "et": "Tervise trendi kuud",
    },
}


def label(setting: str, lang: str) -> str:
    """Return the reader's label for an assessment setting (its words, never its goodterms.toml key)."""
    words = LABELS.get(setting)
    if words is None:
        return setting.replace("_", " ")
    return words.get(messages.language(lang), words["en"])


def part(setting: str, key: str, lang: str) -> str:
    """Return the reader's word for one box of a setting: a severity, a flag, a channel, or the user's own name."""
    if setting == "handling_minutes":
        from goodterms.handling.reasons import channel_name

        return channel_name(key, lang)
    if setting == "turnaround_hours":
        return key  # the business's own kinds of work, named as it names them
    return messages.name(key, lang)
