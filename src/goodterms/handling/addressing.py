"""Address a client as a company or as a person, in Thai, Estonian and English (pure).

The ledger keeps one name per client and no flag saying whether it is a company, so the name tells:
a legal form (OÜ, AS, MTÜ, Ltd, LLP, Inc, บริษัท … จำกัด, หจก.) or a word that names an organisation
(clinic, hotel, kliinik, คลินิก, ร้าน, โรงพยาบาล …) makes it a company; anything else is a person.
A person is greeted with the Thai honorific คุณ (unless the name already carries a title such as
นาย or ดร.); a company never is — "เรียน คุณบริษัท …" reads as if the company were a person.
"""

from __future__ import annotations

import re
import unicodedata

from goodterms.handling.formatting import language_of

#: Legal forms and organisation words in Latin script, matched as whole words, any case.
_LATIN_WORDS = frozenset(
    """
    oü as mtü sa tü uü ltd limited llp llc lp inc incorporated corp corporation co company plc gmbh ag
    bv nv oy ab aps asa pty pte srl sas sarl spa kft sro group practice management care institute
    law legal bakery consulting consultants hotel physiotherapy architects brokers trust marketing
    media clinic hospital agency studio services solutions partners associates foundation school
    university society association cafe café restaurant shop store centre center dental medical
    software logistics tours travel team office firm bank fund club academy lab labs laboratory
    publishing press productions systems technologies network holdings enterprises industries
    kliinik büroo kool keskus selts ühing kohvik pood apteek haigla muuseum teater kirik kogudus
    """.split()  # noqa: SIM905 - a word list reads best as words
)
#: Organisation words that are also surnames ("Jennifer Law", "Tom Bank"): they count only in a name of
#: three words or more ("Oakridge Family Law").
_ALSO_SURNAMES = frozenset({"law", "bank", "press", "trust", "fund", "care", "team", "office", "club"})
#: Estonian compound words end in what the organisation is ("Muusikakool", "Õigusbüroo").
_ESTONIAN_ENDINGS = ("kool", "büroo", "kliinik", "keskus", "selts", "ühing", "kohvik", "haigla", "apteek")
#: Thai words that name an organisation or its legal form, matched anywhere in the name.
_THAI_WORDS = (
    "บริษัท",
    "จำกัด",
    "มหาชน",
    "ห้างหุ้นส่วน",
    "หจก",
    "บจก",
    "คลินิก",
    "โรงพยาบาล",
    "ร้าน",
    "สำนักงาน",
    "มูลนิธิ",
    "โรงเรียน",
    "สหกรณ์",
    "สมาคม",
    "รีสอร์ท",
    "โรงแรม",
    "สถาบัน",
    "มหาวิทยาลัย",
    "ศูนย์",
    "กลุ่ม",
    "องค์การ",
    "ชมรม",
    "ห้าง",
    "ฟาร์ม",
    "สตูดิโอ",
    "เอเจนซี",
    "ธนาคาร",
)
#: Thai titles a person's name may already carry (no คุณ is added before them).
_THAI_TITLES = ("คุณ", "นาย", "นาง", "นางสาว", "ดร.", "ศ.", "รศ.", "ผศ.", "นพ.", "พญ.", "ทพ.", "ทพญ.")


def is_company(name: str) -> bool:
    """Return whether ``name`` names a company or other organisation rather than a person."""
    text = unicodedata.normalize("NFC", name).replace("\u0e4d\u0e32", "\u0e33")
    if any(word in text for word in _THAI_WORDS):
        return True
    if "&" in text or "+" in text:
        return True  # "Hartley & Cole": partners trading under their names
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text) if not _is_thai(w)]
    return any(
        (w in _LATIN_WORDS and (w not in _ALSO_SURNAMES or len(words) >= 3)) or w.endswith(_ESTONIAN_ENDINGS)
        for w in words
    )


def _is_thai(word: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in word)


def called(name: str, lang: str) -> str:
    """Return ``name`` as a letter calls the client: a Thai person with คุณ, a company as it is."""
    name = name.strip()
    if language_of(lang) != "th" or is_company(name) or name.startswith(_THAI_TITLES):
        return name
    return f"คุณ{name}" if _is_thai(name[:1]) else f"คุณ {name}"


def greeting(name: str, lang: str) -> str:
    """Return the opening line of a letter or notice to the client named ``name``."""
    lang = language_of(lang)
    company = is_company(name)
    if lang == "th":
        return f"เรียน {called(name, lang)}"
    if lang == "et":
        return f"Tere, {name} meeskond!" if company else f"Tere, {name}!"
    return f"Dear {name} team," if company else f"Dear {name},"
