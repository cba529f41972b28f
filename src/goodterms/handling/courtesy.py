"""Check outgoing text for blaming or scolding wording (pure: text in, findings out).

Everything sent to a client must be courteous and face-saving. The lexicon lists phrases that
blame ("you failed", "teie süü", "คุณผิด"), lecture ("as we already told you", "nagu juba
öeldud", "ตามที่แจ้งไปแล้ว") or manage support by changing the customer ("duplicate tickets will
not speed things up"). Every text is checked against all three languages, because clients mix them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

#: Blaming or scolding phrases per language (lower case; Thai matched as a substring).
LEXICON: dict[str, tuple[str, ...]] = {
    "en": (
        "you failed",
        "you forgot",
        "you never",
        "you did not bother",
        "you didn't bother",
        "you ignored",
        "you keep",
        "you should have",
        "you must pay immediately",
        "your fault",
        "your mistake",
        "as we already told you",
        "as i already told you",
        "as we have told you",
        "as previously stated",
        "as already stated",
        "as already explained",
        "how many times",
        "once again you",
        "duplicate ticket",
        "duplicate request",
        "will not speed",
        "won't speed",
        "stop calling",
        "stop sending",
        "final warning",
        "unacceptable",
        "we are disappointed",
        "delinquent",
        "failure to pay",
        "legal action",
    ),
    "et": (
        "teie süü",
        "teie viga",
        "te unustasite",
        "te ei maksnud",
        "te pole vaevunud",
        "te ei vaevunud",
        "te ei vastanud",
        "te peaksite olema",
        "nagu juba öeldud",
        "nagu me juba ütlesime",
        "nagu juba mainitud",
        "nagu eelnevalt öeldud",
        "mitu korda",
        "korduv pöördumine ei",
        "topeltpöördumine",
        "ei kiirenda",
        "lõpetage helistamine",
        "lõpetage kirjutamine",
        "viimane hoiatus",
        "vastuvõetamatu",
        "oleme pettunud",
        "võlgnik",
        "pöördume kohtusse",
    ),
    "th": (
        "ตามที่แจ้งไปแล้ว",
        "ตามที่บอกไปแล้ว",
        "ตามที่เคยแจ้ง",
        "บอกกี่ครั้ง",
        "คุณผิด",
        "ความผิดของคุณ",
        "คุณลืม",
        "คุณไม่เคย",
        "คุณไม่สนใจ",
        "คุณควรจะ",
        "ตั๋วซ้ำ",
        "ส่งซ้ำไม่ได้ช่วย",
        "ไม่ได้ช่วยให้เร็วขึ้น",
        "ไม่ทำให้เร็วขึ้น",
        "หยุดโทร",
        "เตือนครั้งสุดท้าย",
        "ยอมรับไม่ได้",
        "ผิดหวังในตัวคุณ",
        "ไม่รับผิดชอบ",
        "ดำเนินคดี",
        "เบี้ยวหนี้",
    ),
}


@dataclass(frozen=True)
class Scolding:
    """A blaming or scolding phrase found in outgoing text."""

    lang: str
    phrase: str
    start: int


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


@cache
def _patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    out: list[tuple[str, str, re.Pattern[str]]] = []
    for lang, phrases in LEXICON.items():
        for phrase in phrases:
            body = re.escape(_normalise(phrase)).replace(r"\ ", r"\s+")
            # Thai has no spaces between words: a substring is the unit; elsewhere whole words.
            pattern = body if lang == "th" else rf"(?<!\w){body}(?!\w)"
            out.append((lang, phrase, re.compile(pattern)))
    return tuple(out)


def find_scolding(text: str) -> list[Scolding]:
    """Return every blaming or scolding phrase in ``text``, in order of appearance."""
    norm = _normalise(text)
    found = [
        Scolding(lang, phrase, match.start())
        for lang, phrase, pattern in _patterns()
        for match in pattern.finditer(norm)
    ]
    return sorted(found, key=lambda s: (s.start, s.phrase))


def is_courteous(text: str) -> bool:
    """Return True when ``text`` holds no blaming or scolding wording."""
    return not find_scolding(text)
