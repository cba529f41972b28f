"""Find requests for a discount or for free work, in Thai, Estonian and English."""

from __future__ import annotations

import re

from goodterms.text.prefilter import NON_THAI_LETTER, THAI_CHAR, any_of, earliest

_B = r"(?<![\w])"
_E = r"(?![\w])"

_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # English
        rf"{_B}(?:a |any |some )?discounts?{_E}",
        rf"{_B}(?:lower|reduce|cut|drop|bring down)(?: down)? (?:the |your |its |that )?(?:price|rate|fee|cost|bill)s?{_E}",
        rf"{_B}(?:cheaper|better (?:price|rate|deal)|special (?:price|rate|deal)|best price){_E}",
        rf"{_B}(?:for free|free of charge|at no (?:extra )?cost|no charge|without charg(?:e|ing)|free trial|free sample|on the house){_E}",
        rf"{_B}(?:waive|knock off|take off)(?: the)?{_E}",
        rf"{_B}\d{{1,2}} ?% off{_E}",
        rf"{_B}(?:throw in|include) .{{0,30}}for free{_E}",
        rf"{_B}flexib\w* (?:on|with|in|about) (?:the |your )?(?:price|rate|fee|cost|budget|quote)s?{_E}",
        rf"{_B}(?:sample|trial|test|revision|summary|version|session|fix|edit|extra)s? (?:be |for |is )?free{_E}",
        rf"{_B}(?:take|knock|shave) (?:something|a bit|some(?:thing)?|a little|\d+ ?%?) off{_E}",
        rf"{_B}(?:lower|smaller|reduced|cheaper|discounted|friendlier) (?:total|price|rate|fee|bill|invoice|quote){_E}",
        rf"{_B}(?:bulk|volume|student|nonprofit|non-profit|charity|loyalty|friends?) (?:deal|price|rate|discount|pricing){_E}",
        rf"{_B}(?:for|at) \$?\d+ instead of \$?\d+{_E}",
        rf"{_B}(?:match (?:it|that|their price|the price)|half the price|price match){_E}",
        # Estonian
        rf"{_B}\w*(?:allahindlus|soodustus|hinnaalandus|soodushind|soodsam|odavam)\w*{_E}",
        rf"{_B}(?:tasuta|tasuta proov\w*|prooviperiood\w*){_E}",
        rf"{_B}hinda? (?:\w+ )?(?:alla|allapoole|alandada|langetada|vähendada){_E}",
        rf"{_B}\d+ ?% (?:alla|maha){_E}",
        rf"{_B}(?:üliõpilas|tudengi|mittetulundus\w*|hulgi|sõbra)\w* hin\w*{_E}",
        rf"{_B}hin\w* (?:\w+ )?(?:madalam|väiksem|odavam)\w*{_E}",
        rf"{_B}hinna\w* .{{0,40}}paindlik\w*{_E}",
        rf"{_B}(?:lisa)?tasu\w* (?:\w+ )?loobu\w*{_E}",
        rf"{_B}ilma lisatasuta{_E}",
        rf"{_B}\d+ (?:euro |€ )?eest \d+ (?:euro |€ )?asemel{_E}",
        rf"{_B}poole hinnaga{_E}",
        rf"{_B}(?:arve\w*|hinna\w*) (?:\w+ )?maha{_E}",
        # Thai
        r"ส่วนลด|ลดราคา|ขอลด|ลดให้|ลดหน่อย|ลดได้ไหม|ลดได้มั้ย|ถูกกว่านี้|ถูกลง|ลดค่า|ฟรี|ไม่คิดเงิน|ไม่คิดค่า|ทดลองใช้"
        r"|ราคา(?:นักศึกษา|นักเรียน|พิเศษ|เหมา|มิตรภาพ|ส่ง|ดีที่สุด)|ครึ่งราคา|ทำราคา|ยกเว้นค่า|หักค่า"
        r"|ราคา.{0,20}ยืดหยุ่น",
        r"\d+\s*แทน\s*\d+",
    )
]


# As for deadlines (see ``prefilter``): Thai patterns need a Thai character, the others a letter of another
# script and, all of them starting at a word, are ruled in or out together with one search.
_THAI = tuple(THAI_CHAR.search(p.pattern) is not None for p in _PATTERNS)
_ANY_THAI = any_of([p for p, thai in zip(_PATTERNS, _THAI, strict=True) if thai])
_ANY_OTHER = any_of([p for p, thai in zip(_PATTERNS, _THAI, strict=True) if not thai])


def find_discount(text: str) -> str | None:
    """Return the phrase asking for a discount or free work in *text*, or None."""
    thai_from = earliest(_ANY_THAI, text, THAI_CHAR)
    other_from = earliest(_ANY_OTHER, text, NON_THAI_LETTER)
    best: re.Match[str] | None = None
    for pattern, thai_pattern in zip(_PATTERNS, _THAI, strict=True):
        search_from = thai_from if thai_pattern else other_from
        if search_from is None:
            continue
        match = pattern.search(text, search_from)
        if match and (best is None or match.start() < best.start()):
            best = match
    return best.group(0).strip() if best else None
