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
        # Estonian
        rf"{_B}(?:allahindlus\w*|soodustus\w*|hinnaalandus\w*|soodushind\w*|soodsam\w*|odavam\w*){_E}",
        rf"{_B}(?:tasuta|tasuta proov\w*|prooviperiood\w*){_E}",
        rf"{_B}hinda? (?:alla|allapoole|alandada|langetada|vähendada){_E}",
        # Thai
        r"ส่วนลด|ลดราคา|ขอลด|ลดให้|ลดหน่อย|ลดได้ไหม|ลดได้มั้ย|ถูกกว่านี้|ถูกลง|ลดค่า|ฟรี|ไม่คิดเงิน|ไม่คิดค่า|ทดลองใช้",
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
