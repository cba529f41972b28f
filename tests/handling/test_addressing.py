"""Every letter and notice greets a company as a company and a person as a person, in th, et and en."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from goodterms.handling.addressing import called, greeting, is_company
from goodterms.handling.notices import TEMPLATES, Recipient, Sender, render_notice
from goodterms.reports.letter import LetterFacts, termination_letter
from tests.handling.test_notices import SENDER, notice_for

COMPANIES = (
    "บริษัท สยามลีกัล จำกัด",
    "คลินิกหมอสมชาย",
    "ร้านกาแฟดอยช้าง เชียงใหม่",
    "ห้างหุ้นส่วนจำกัด ทองดี",
    "Tallinna Õigusbüroo OÜ",
    "Pärnu Kliinik AS",
    "Viljandi Muusikakool",
    "Tõravere Teadus MTÜ",
    "Brightwave Marketing Ltd",
    "Hartley & Cole LLP",
    "Siam & Baltic Scribe Co.",
    "Bluebell Bakery",
    "Oakridge Family Law",
)
PEOPLE = (
    "สมชาย ใจดี",
    "Jüri Õunapuu",
    "Alex Smith",
    "Mari Tamm",
    "Nok Suwannarat",
    "Jennifer Law",
    "Tom Bank",
)
#: What each letter or notice opens with, for a company and for a person.
OPENINGS = {
    "th": ("เรียน บริษัท สยามลีกัล จำกัด", "เรียน คุณสมชาย ใจดี"),
    "et": ("Tere, Tallinna Õigusbüroo OÜ meeskond!", "Tere, Jüri Õunapuu!"),
    "en": ("Dear Brightwave Marketing Ltd team,", "Dear Alex Smith,"),
}
# The call is a note to our staff; the paused note is a paragraph added to another reply.
CLIENT_TEMPLATES = [t for t in TEMPLATES if t not in ("payment_call", "paused_note")]


@pytest.mark.parametrize("name", COMPANIES)
def test_a_legal_form_or_organisation_word_makes_a_company(name: str) -> None:
    assert is_company(name)
    assert "คุณ" not in greeting(name, "th")


@pytest.mark.parametrize("name", PEOPLE)
def test_a_plain_name_is_a_person(name: str) -> None:
    assert not is_company(name)


def test_a_thai_title_already_in_the_name_is_not_doubled() -> None:
    assert greeting("นางสาวมาลี ศรีสุข", "th") == "เรียน นางสาวมาลี ศรีสุข"
    assert greeting("ดร.วิชัย สุขใจ", "th") == "เรียน ดร.วิชัย สุขใจ"
    assert called("James Reid", "th") == "คุณ James Reid"


def _rendered(template: str, name: str, lang: str) -> str:
    if template == "termination_letter":
        letter = termination_letter(
            facts=LetterFacts(
                client_name=name,
                business_name="Siam Scribe Co.",
                lang=lang,
                since=date(2025, 1, 5),
                deliveries=3,
                hours=Decimal("7.5"),
            )
        )
        return letter.body
    to = Recipient(id="c1", name=name, language=lang, rate=Decimal(900))
    sender = Sender(**{**SENDER.__dict__, "language": lang})
    return render_notice(notice=notice_for(template), to=to, sender=sender, as_of=date(2026, 3, 20)).body


@pytest.mark.parametrize("lang", OPENINGS)
@pytest.mark.parametrize("template", CLIENT_TEMPLATES)
def test_every_letter_and_notice_opens_with_the_right_greeting(template: str, lang: str) -> None:
    company, person = OPENINGS[lang]
    name = {"th": ("บริษัท สยามลีกัล จำกัด", "สมชาย ใจดี"), "et": ("Tallinna Õigusbüroo OÜ", "Jüri Õunapuu")}.get(
        lang, ("Brightwave Marketing Ltd", "Alex Smith")
    )
    assert _rendered(template, name[0], lang).startswith(company + "\n")
    assert _rendered(template, name[1], lang).startswith(person + "\n")
    assert "คุณบริษัท" not in _rendered(template, name[0], lang)


def test_the_staff_note_to_phone_names_a_thai_company_without_the_honorific() -> None:
    to = Recipient(id="c1", name="บริษัท สยามลีกัล จำกัด", language="th", phone="+66 2 123 4567")
    body = render_notice(
        notice=notice_for("payment_call"), to=to, sender=SENDER, as_of=date(2026, 3, 20)
    ).body
    assert "กรุณาโทรหา บริษัท สยามลีกัล จำกัด" in body and "คุณบริษัท" not in body
    person = Recipient(id="c1", name="สมชาย ใจดี", language="th", phone="+66 2 123 4567")
    body = render_notice(
        notice=notice_for("payment_call"), to=person, sender=SENDER, as_of=date(2026, 3, 20)
    ).body
    assert "กรุณาโทรหา คุณสมชาย ใจดี" in body


@pytest.mark.parametrize("template", ["ack", "repeat_ack"])
def test_the_desk_acknowledgement_greets_a_thai_company_without_the_honorific(template: str) -> None:
    from goodterms.desk.letters import render

    context: dict[str, object] = {
        "client_name": "บริษัท สยามลีกัล จำกัด",
        "client_called": called("บริษัท สยามลีกัล จำกัด", "th"),
        "subject": "ขอใบเสนอราคา",
        "reference": "[GT-000001]",
        "promised": "20 มี.ค. 2569 13:00",
        "target_hours": "4",
        "business_name": "Siam Scribe Co.",
        "chases": 1,
        "promise_kept": True,
        "paused_note": None,
    }
    text = render(template=template, lang="th", context=context)
    assert text.startswith("เรียน บริษัท สยามลีกัล จำกัด\n") and "คุณบริษัท" not in text


def test_every_demo_client_is_addressed_as_the_organisation_it_is() -> None:
    from goodterms.demo.text import COMPANIES as DEMO

    for lang, names in DEMO.items():
        for name in names:
            assert is_company(name), name
            assert not greeting(name, lang).startswith("เรียน คุณ"), name
