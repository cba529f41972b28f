"""The owner's main journeys in a real browser, in Thai, Estonian and English, checked by axe-core."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from goodterms.assess import messages as reader_words
from goodterms.handling.reasons import CHANNELS
from tests.browser.conftest import LANGS, Server, check_page, gettext_for, sign_in

# One client of each language in the demo (c001 Thai, c002 Estonian, c003 English), all flagged.
CLIENT_OF = {"th": "c001", "et": "c002", "en": "c003"}
NOTE_OF = {
    "th": "ลูกค้าโทรมาหลังสามทุ่มอีกแล้ว ขอคุยเรื่องเวลาทำการ",
    "et": "Klient helistas õhtul jälle; räägime tööajast – šokk ja žest",
    "en": "Called after hours again; agree office hours with them",
}


def api(server: Server, path: str) -> Any:
    response = httpx.get(server.url + path, headers={"Authorization": f"Bearer {server.token}"}, timeout=30)
    response.raise_for_status()
    return response.json()


def health_column(page: Page) -> list[int]:
    cells = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    return [int(m.group()) for cell in cells if (m := re.search(r"\d+", cell))]


@pytest.mark.parametrize("lang", LANGS)
def test_owner_finds_sorts_and_opens_a_client_from_the_portfolio(
    page: Page, server: Server, lang: str
) -> None:
    _ = gettext_for(lang)
    page.goto(f"/login?lang={lang}")
    check_page(page, lang, "01-login")
    sign_in(page, lang)
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Portfolio")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Portfolio"))
    if lang != "en":
        assert _("Portfolio") != "Portfolio", f"no {lang} translation reached the page"
    total = api(server, "/api/portfolio")["total"]
    expect(page.locator("#results tbody tr")).to_have_count(total)
    check_page(page, lang, "02-portfolio")

    opened = health_column(page)
    assert opened == sorted(opened)  # the portfolio opens worst first
    page.get_by_label(_("Sort by")).select_option("name")
    page.wait_for_url(re.compile(r"sort=name"), wait_until="commit")
    page.get_by_label(_("Sort by")).select_option("health")
    page.wait_for_url(re.compile(r"sort=health"), wait_until="commit")
    expect(page.locator("#results tbody tr")).to_have_count(total)
    ascending = health_column(page)
    assert len(ascending) == total and ascending == sorted(ascending)
    page.get_by_role("link", name=_("Health"), exact=True).click()
    page.wait_for_url(re.compile(r"(?i)sort=health.*desc=true"))
    assert health_column(page) == sorted(ascending, reverse=True)
    page.get_by_label(_("descending")).uncheck()  # the checkbox alone updates the list too
    page.wait_for_url(re.compile(r"(?i)sort=health(?!.*desc=true)"), wait_until="commit")
    assert health_column(page) == ascending

    name = api(server, f"/api/clients/{CLIENT_OF[lang]}")["headline"]["client"]["name"]
    page.get_by_label(_("Search")).fill(name[:6])
    page.wait_for_url(re.compile(r"q="), wait_until="commit")
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_contain_text(name[:6])
    for text in rows.all_inner_texts():
        assert name[:6].lower() in text.lower()
    check_page(page, lang, "03-portfolio-search")

    # Leaving the search field for a result must not fire the filter form again: that request's
    # history push would cancel the click's navigation, and the owner's click would do nothing.
    refetches: list[str] = []
    page.on("request", lambda r: refetches.append(r.url) if r.headers.get("hx-request") else None)
    page.get_by_role("link", name=name).click()
    page.wait_for_url(re.compile(rf"/clients/{CLIENT_OF[lang]}"))
    assert not refetches, f"leaving the search field fired the filter form again: {refetches}"
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.go_back()
    expect(page.get_by_label(_("Search"))).to_have_value(name[:6])


@pytest.mark.parametrize("lang", LANGS)
def test_owner_reads_evidence_adds_a_note_and_marks_a_message_rude(
    page: Page, server: Server, lang: str
) -> None:
    _ = gettext_for(lang)
    ref = CLIENT_OF[lang]
    sign_in(page, lang)
    page.goto(f"/clients/{ref}")
    flags = api(server, f"/api/clients/{ref}")["assessment"]["flags"]
    assert flags, f"the demo client {ref} should carry at least one flag"
    first = page.locator("details.flag").first
    evidence = first.locator("ul li")
    expect(evidence.first).to_be_hidden()
    first.locator(":scope > summary").click()
    expect(evidence.first).to_be_visible()
    expect(evidence).to_have_count(len(flags[0]["evidence"]))  # the first three, and the rest collapsed
    if len(flags[0]["evidence"]) > 3:
        expect(evidence.nth(3)).to_be_hidden()
        first.locator("details.more-evidence > summary").click()
        expect(evidence.nth(3)).to_be_visible()
    # The flag in the reader's words, never its code.
    expect(first.locator(":scope > summary")).to_contain_text(reader_words.name(flags[0]["code"], lang))
    expect(first.locator(":scope > summary")).not_to_contain_text(flags[0]["code"])
    check_page(page, lang, "04-client-evidence")
    # Each evidence line links to its record in the timeline.
    link = evidence.first.get_by_role("link", name=_("see it in the timeline"))
    anchor = (link.get_attribute("href") or "").split("#")[1]
    link.click()
    expect(page.locator(f"#{anchor}")).to_be_visible()
    page.goto(f"/clients/{ref}")

    page.get_by_label(_("New note")).fill(NOTE_OF[lang])
    page.get_by_role("button", name=_("Add note")).click()
    expect(page.locator("#note-list")).to_contain_text(NOTE_OF[lang])
    notes = api(server, f"/api/clients/{ref}")["notes"]
    assert any(n["text"] == NOTE_OF[lang] for n in notes), "the note did not reach the ledger"

    page.locator("#timeline").get_by_role("button", name=_("Rude"), exact=True).first.click()
    expect(page.locator("#timeline [role=status]").first).to_have_text(f"✓ {_('Marked rude')}")
    check_page(page, lang, "05-client-note-and-mark")
    page.reload()
    expect(page.locator("#note-list")).to_contain_text(NOTE_OF[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_timeline_filter_without_a_date_shows_only_the_chosen_type(page: Page, lang: str) -> None:
    _ = gettext_for(lang)
    sign_in(page, lang)
    page.goto(f"/clients/{CLIENT_OF[lang]}")
    timeline = page.locator("form[hx-target='#timeline']")
    timeline.get_by_label(_("contact"), exact=True).check()
    timeline.get_by_role("button", name=_("Show")).click()
    page.wait_for_url(re.compile(r"type=contact"), wait_until="commit")
    kinds = page.locator("#timeline .kind")
    expect(kinds.first).to_be_visible()
    channels = list(CHANNELS[lang].values())  # the one table of channel words (handling.reasons)
    said = kinds.all_inner_texts()  # "inbound call (missed)": contacts, each said with its channel
    assert said and all(any(c in k for c in channels) for k in said), said
    check_page(page, lang, "06-client-timeline-contacts")


@pytest.mark.parametrize("lang", LANGS)
def test_desk_shows_the_late_request_first_and_a_client_card_beside_it(
    page: Page, server: Server, lang: str
) -> None:
    _ = gettext_for(lang)
    sign_in(page, lang)
    page.get_by_role("navigation", name=_("Main")).get_by_role("link", name=_("Desk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Desk"))
    queue = api(server, "/api/desk")["queue"]
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(len(queue))
    assert len(queue) >= 3
    expect(rows.first).to_contain_text("Where is the March report?")
    expect(rows.first.locator("td.missed")).to_contain_text("⚠")
    expect(rows.nth(1).locator("td.due")).to_be_visible()
    check_page(page, lang, "07-desk")

    client_name = queue[0]["client"]
    rows.first.get_by_role("link", name=client_name, exact=True).click()
    expect(page.locator("#card h2")).to_have_text(client_name)
    assert page.url.endswith("/desk"), "the card must not change the address"
    check_page(page, lang, "08-desk-card")


@pytest.mark.parametrize("lang", LANGS)
def test_follow_up_plan_previews_each_notice_in_the_clients_language(
    page: Page, server: Server, lang: str
) -> None:
    _ = gettext_for(lang)
    sign_in(page, lang)
    page.get_by_role("link", name=_("Follow-ups")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Follow-ups"))
    plan = api(server, "/api/followups")
    notices = page.locator("article.notice")
    expect(notices).to_have_count(len(plan["notices"]))
    expect(page.locator("main p").first).to_contain_text(f": {len(plan['notices'])}")
    for n, notice in enumerate(plan["notices"]):
        preview = notices.nth(n).locator("pre.preview")
        assert preview.get_attribute("lang") == notice["language"]
        expect(preview).to_contain_text(notice["body"].strip().splitlines()[0])
    check_page(page, lang, "09-followups")


@pytest.mark.parametrize("lang", LANGS)
def test_owner_builds_a_draft_parting_packet_in_the_clients_language(
    page: Page, server: Server, lang: str
) -> None:
    _ = gettext_for(lang)
    ref = CLIENT_OF[lang]
    sign_in(page, lang)
    page.goto(f"/clients/{ref}")
    page.get_by_role("link", name=_("Parting")).click()
    page.wait_for_url(re.compile(rf"/clients/{ref}/parting$"))
    check_page(page, lang, "10-parting")
    page.get_by_role("button", name=_("Build a draft packet")).click()
    packet = page.locator("#packet")
    expect(packet).to_contain_text(f"✓ {_('Draft')}", timeout=60_000)
    links = packet.get_by_role("link")
    names = links.all_inner_texts()
    assert {"final-report.pdf", "letter.pdf", "evidence-log.xlsx"} <= set(names)
    letter = page.request.get(f"/clients/{ref}/parting/letter.pdf")
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    assert api(server, f"/api/clients/{ref}/parting")["files"], "the draft is listed in the JSON twin"
    check_page(page, lang, "11-parting-draft")
    clients = api(server, "/api/portfolio?per_page=100")["clients"]
    assert [c["status"] for c in clients if c["id"] == ref] == ["active"], "a draft must not end the client"
