"""Every notice exists in Thai, Estonian and English, renders fully, and never scolds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from goodterms.handling.courtesy import find_scolding, is_courteous
from goodterms.handling.ladder import AskFacts, Evidence, NoticeDue
from goodterms.handling.notices import TEMPLATES, Recipient, Sender, render, render_notice
from goodterms.reports.letter import LetterFacts, termination_letter

LANGS = ("th", "et", "en")
SENDER = Sender(
    name="Siam Scribe Co.",
    language="th",
    timezone="Asia/Bangkok",
    email="desk@siamscribe.example",
    hours={"mon": [("09:00", "17:00")], "sat": [("10:00", "12:00")]},
    response_target_hours=Decimal(4),
)
AS_OF = date(2026, 3, 20)


def recipient(lang: str) -> Recipient:
    names = {"th": "สมชาย ใจดี", "et": "Jüri Õunapuu", "en": "Alex Smith"}
    return Recipient(
        id="c1",
        name=names[lang],
        language=lang,
        email="c1@example.com",
        phone="+66 2 123 4567",
        rate=Decimal("900"),
    )


def notice_for(template: str) -> NoticeDue:
    invoice_facts = {
        "invoice": "inv1",
        "number": "INV-7",
        "due": date(2026, 3, 1),
        "outstanding": Decimal("12500.50"),
        "currency": "THB",
        "days_late": 19,
        "level": "x",
    }
    asks = (
        AskFacts("a1", "c1", "approval", "โพสต์ Facebook มีนาคม", datetime(2026, 3, 12, 3, tzinfo=UTC)),
        AskFacts("a2", "c1", "feedback", "Logo v2", datetime(2026, 3, 15, 3, tzinfo=UTC)),
    )
    facts: dict[str, object] = {}
    if template.startswith("payment"):
        facts = invoice_facts
    elif template == "need_answer":
        facts = {"asks": asks}
    elif template == "paused_note":
        facts = {}
    channel = "manual" if template == "payment_call" else "email"
    return NoticeDue(
        "k", "c1", template, template, channel, "why", (Evidence("invoice", "inv1"),), facts=facts
    )


def all_outputs() -> list[tuple[str, str, str]]:
    out = []
    for lang in LANGS:
        for template in TEMPLATES:
            if template == "termination_letter":
                for waits in (True, False):
                    letter = termination_letter(
                        facts=LetterFacts(
                            client_name=recipient(lang).name,
                            business_name="Siam Scribe Co.",
                            lang=lang,
                            since=date(2025, 1, 5),
                            deliveries=12,
                            hours=Decimal("37.5"),
                            open_invoices=(("INV-7", Decimal("100"), "THB"),) if waits else (),
                            referral="Bangkok Transcripts Ltd." if waits else None,
                        )
                    )
                    out.append((lang, template, f"{letter.subject}\n{letter.body}"))
                continue
            sender = Sender(**{**SENDER.__dict__, "language": lang})
            rendered = render_notice(
                notice=notice_for(template), to=recipient(lang), sender=sender, as_of=AS_OF
            )
            out.append((lang, template, f"{rendered.subject}\n{rendered.body}"))
    return out


OUTPUTS = all_outputs()


def test_every_template_exists_in_thai_estonian_and_english() -> None:
    root = files("goodterms.handling") / "templates"
    missing = [
        f"{lang}/{t}" for lang in LANGS for t in TEMPLATES if not (root / lang / f"{t}.txt.j2").is_file()
    ]
    assert missing == []


@pytest.mark.parametrize(("lang", "template", "text"), OUTPUTS, ids=[f"{lang}-{t}" for lang, t, _ in OUTPUTS])
def test_every_rendered_notice_is_courteous(lang: str, template: str, text: str) -> None:
    assert find_scolding(text) == []
    assert "{{" not in text and "{%" not in text


def test_thai_notices_use_the_buddhist_era_and_thai_money() -> None:
    text = dict(((lang, t), x) for lang, t, x in OUTPUTS)[("th", "payment_reminder")]
    assert "2569" in text  # 2026 + 543
    assert "฿12,500.50" in text
    assert "ตกหล่น" in text  # "perhaps it slipped through": face-saving


def test_estonian_and_english_reminders_save_face_with_their_own_formats() -> None:
    texts = {(lang, t): x for lang, t, x in OUTPUTS}
    assert "1. märts 2026" in texts[("et", "payment_reminder")]
    assert "Võib-olla" in texts[("et", "payment_reminder")]
    assert "Perhaps our invoice INV-7 slipped through" in texts[("en", "payment_reminder")]
    assert "1 March 2026" in texts[("en", "payment_reminder")]


def test_need_answer_says_what_waits_since_when_and_the_delay() -> None:
    text = {(lang, t): x for lang, t, x in OUTPUTS}[("en", "need_answer")]
    assert 'Approval: "โพสต์ Facebook มีนาคม" — sent on 12 March 2026, waiting 8 days' in text
    assert "so far that is 8 days" in text


def test_boundaries_list_office_hours_in_the_clients_language() -> None:
    texts = {(lang, t): x for lang, t, x in OUTPUTS}
    assert "Monday: 09:00–17:00" in texts[("en", "boundaries_hours")]
    assert "laupäev: 10:00–12:00" in texts[("et", "boundaries_hours")]
    assert "วันจันทร์: 09:00–17:00" in texts[("th", "boundaries_hours")]


def test_termination_letter_says_plainly_when_hand_over_waits_on_payment() -> None:
    letters = [x for lang, t, x in OUTPUTS if lang == "en" and t == "termination_letter"]
    assert "as soon as the open invoices (INV-7 (THB100.00)) are settled" in letters[0]
    assert "Bangkok Transcripts Ltd." in letters[0]
    assert "settled" not in letters[1]


@pytest.mark.parametrize(
    "bad",
    [
        "As we already told you, the file is late because you failed to send it.",
        "Duplicate tickets will not speed things up.",
        "This is your FINAL WARNING.",
        "Nagu juba öeldud, see on teie süü.",
        "Topeltpöördumine ei kiirenda vastamist.",
        "ตามที่แจ้งไปแล้ว คุณผิดเอง",
        "การส่งตั๋วซ้ำไม่ทำให้เร็วขึ้น",
    ],
)
def test_courtesy_check_catches_seeded_scolding(bad: str) -> None:
    assert not is_courteous(bad)


def test_courtesy_check_matches_whole_words_outside_thai() -> None:
    assert is_courteous("Thank you for your patience; your keepsake is ready.")
    assert not is_courteous("You keep calling.")


def test_business_override_folder_wins_over_built_in_text(tmp_path: Path) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "resume.txt.j2").write_text(
        "Subject: Back at it\n\nHello {{ client_name }}\n", encoding="utf-8"
    )
    rendered = render(
        template="resume", lang="en", context={"client_name": "Ann"}, override_dir=str(tmp_path)
    )
    assert rendered.subject == "Back at it"
    assert rendered.body == "Hello Ann\n"


def test_a_template_without_subject_line_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "et"
    folder.mkdir()
    (folder / "resume.txt.j2").write_text("Tere\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Subject"):
        render(template="resume", lang="et", context={}, override_dir=str(tmp_path))


def test_unknown_language_falls_back_to_english() -> None:
    n = notice_for("resume")
    rendered = render_notice(
        notice=n, to=Recipient(id="c", name="Zed", language="fr"), sender=SENDER, as_of=AS_OF
    )
    assert rendered.subject.startswith("Thank you")
