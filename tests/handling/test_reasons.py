"""Why a follow-up is due, in the reader's words, for every kind of notice the ladder plans."""

from __future__ import annotations

from datetime import date

import pytest

from goodterms.handling.ladder import Evidence, NoticeDue
from goodterms.handling.notices import TEMPLATES
from goodterms.handling.reasons import TEMPLATE_NAMES, reason_text, template_name
from tests.handling.test_notices import notice_for

AS_OF = date(2026, 3, 20)
RESUME = NoticeDue(
    "k", "c1", "resume", "resume", "email", "work paused on 2026-03-05 (followup:pay:i1:pause); every invoice "
    "that paused it is paid", resumes_work=True, facts={"paused_on": date(2026, 3, 5)},
)  # fmt: skip
BOUNDARIES = NoticeDue(
    "k", "c1", "boundaries:boundaries_hours", "boundaries_hours", "email",
    "assessment flags after_hours, over_contact", (Evidence("flag", "after_hours"), Evidence("flag", "over_contact")),
)  # fmt: skip
EXPECTED = {
    "en": (
        "Invoice INV-7 was due on 1 March 2026: THB12,500.50 unpaid, 19 days late.",
        "Work was paused on 5 March 2026; every invoice that paused it is paid now.",
        "2 asks wait on the client, the oldest since 12 March 2026 (8 days).",
        "The assessment found: after-hours contact, contacts too often.",
    ),
    "et": (
        "Arve INV-7 tähtaeg oli 1. märts 2026: tasumata 12\xa0500,50\xa0฿, 19 päeva üle tähtaja.",
        "Töö peatati 5. märts 2026; kõik selle põhjustanud arved on nüüd tasutud.",
        "Kliendi vastust ootab 2 küsimust, vanim alates 12. märts 2026 (8 päeva).",
        "Hinnang leidis: ",
    ),
    "th": (
        "ใบแจ้งหนี้ INV-7 ครบกำหนดเมื่อ 1 มีนาคม 2569 ยังค้างชำระ ฿12,500.50 เกินกำหนด 19 วัน",
        "งานถูกพักไว้เมื่อ 5 มีนาคม 2569",
        "มี 2 เรื่องที่รอคำตอบจากลูกค้า เรื่องแรกสุดตั้งแต่ 12 มีนาคม 2569 (8 วัน)",
        "ผลการประเมินพบ: ",
    ),
}


@pytest.mark.parametrize("lang", EXPECTED)
def test_every_reason_is_in_the_readers_words(lang: str) -> None:
    notices = (notice_for("payment_reminder"), RESUME, notice_for("need_answer"), BOUNDARIES)
    for notice, expected in zip(notices, EXPECTED[lang], strict=True):
        said = reason_text(notice, lang=lang, as_of=AS_OF)
        assert said.startswith(expected), (lang, said)
        assert "_" not in said and "followup:" not in said, said


@pytest.mark.parametrize("lang", EXPECTED)
def test_every_template_has_a_name_in_each_language(lang: str) -> None:
    assert set(TEMPLATE_NAMES[lang]) == set(TEMPLATES)
    assert all("_" not in template_name(t, lang) for t in TEMPLATES)
