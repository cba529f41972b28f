"""Keyboard use (?, /, j/k, the skip link) and axe-core on the pages the journeys do not pass through."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LANGS, check_page, gettext_for, sign_in


@pytest.mark.parametrize("lang", LANGS)
def test_keys_open_the_cheat_sheet_focus_search_and_move_through_rows(page: Page, lang: str) -> None:
    _ = gettext_for(lang)
    sign_in(page, lang)
    page.goto("/portfolio")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(_("Skip to content"))
    expect(skip).to_be_in_viewport()

    page.locator("h1").click()
    page.keyboard.press("?")
    sheet = page.get_by_role("dialog")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_role("heading")).to_have_text(_("Keyboard shortcuts"))
    expect(page.locator("#help-button")).to_have_attribute("aria-expanded", "true")
    check_page(page, lang, "12-cheat-sheet")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(page.locator("#help-button")).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("/")
    expect(page.get_by_label(_("Search"))).to_be_focused()
    page.keyboard.press("Escape")
    page.locator("h1").click()

    rows = page.locator("[data-list] tbody tr")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("current")
    expect(rows.nth(1).get_by_role("link").first).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("current")
    expect(rows.nth(1)).not_to_have_class("current")
    check_page(page, lang, "13-portfolio-row-cursor")
    page.keyboard.press("Enter")
    page.wait_for_url("**/clients/*")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/users", "14-users"),
        ("/audit", "15-audit"),
        ("/desk/card/c004", "16-card-page"),
        ("/clients/c004?type=invoice&type=payment", "17-client-money"),
        ("/no-such-page", "18-not-found"),
        ("/today", "19-today"),
    ],
)
def test_other_pages_pass_wcag_22_aa(page: Page, lang: str, path: str, name: str) -> None:
    sign_in(page, lang)
    page.goto(path)
    expect(page.locator("main h1, main h2").first).to_be_visible()
    check_page(page, lang, name)
