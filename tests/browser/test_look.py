"""Every page at a desktop size and a phone size, in Thai, Estonian and English: fits the width, passes axe-core.

Also the charts (wide on a desktop, axis labels apart as the browser draws them, a legend), the
settings' advanced section, and the parting flow on a phone (draft, letter preview, confirm).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LANGS, VIEWPORTS, Server, browser_page, check_page, gettext_for, sign_in

CLIENT_OF = {"th": "c001", "et": "c002", "en": "c003"}
# Clients no other browser test opens: the parting flow ends them.
PARTING_OF = {"th": "c007", "et": "c008", "en": "c009"}
SIZES = tuple(VIEWPORTS)


def api(server: Server, path: str) -> Any:
    response = httpx.get(server.url + path, headers={"Authorization": f"Bearer {server.token}"}, timeout=30)
    response.raise_for_status()
    return response.json()


def label_overlaps(page: Page) -> list[str]:
    """Return the pairs of visible x-axis labels whose drawn boxes touch, in any chart on the page."""
    return list(
        page.evaluate(
            """() => {
              const out = [];
              for (const svg of document.querySelectorAll('figure.chart svg[role=img]')) {
                const boxes = [...svg.querySelectorAll('text.x-label')]
                  .filter(t => getComputedStyle(t).display !== 'none')
                  .map(t => [t.textContent, t.getBoundingClientRect()]);
                for (let i = 1; i < boxes.length; i++) {
                  const [a, ra] = boxes[i - 1], [b, rb] = boxes[i];
                  if (ra.right > rb.left) out.push(a + ' / ' + b);
                }
              }
              return out;
            }"""
        )
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_fits_the_screen_and_passes_axe(
    browser: Browser, server: Server, lang: str, size: str
) -> None:
    _ = gettext_for(lang)
    ref = CLIENT_OF[lang]
    with browser_page(browser, server, size) as page:
        page.goto(f"/login?lang={lang}")
        check_page(page, lang, f"look-{size}-01-login")
        sign_in(page, lang)  # lands on the day's page
        nav = page.get_by_role("navigation", name=_("Main"))
        expect(nav.get_by_role("link", name=_("Today"))).to_have_attribute("aria-current", "page")
        check_page(page, lang, f"look-{size}-02a-today", full=True)
        nav.get_by_role("link", name=_("Portfolio")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Portfolio"))
        expect(nav.get_by_role("link", name=_("Portfolio"))).to_have_attribute("aria-current", "page")
        check_page(page, lang, f"look-{size}-02-portfolio", full=True)

        page.goto(f"/clients/{ref}")
        charts = page.locator("figure.chart")
        expect(charts.first).to_be_visible()
        for n in range(charts.count()):
            figure = charts.nth(n)
            if figure.locator("svg[role=img]").count():
                expect(figure.locator("ul.legend li").first).to_be_visible()
                width = figure.locator("svg[role=img]").bounding_box()["width"]  # type: ignore[index]
                assert width >= (720 if size == "desktop" else 300), f"chart {n} is {width} px wide"
            else:
                expect(figure.locator("p.empty")).not_to_be_empty()
        assert not label_overlaps(page), f"axis labels overlap: {label_overlaps(page)}"
        check_page(page, lang, f"look-{size}-03-client", full=True)

        page.goto("/desk")
        expect(page.locator("#queue tbody tr").first).to_be_visible()
        check_page(page, lang, f"look-{size}-04-desk")
        first = page.locator("#queue tbody tr").first.get_by_role("link").first
        first.click()
        expect(page.locator("#card h2")).to_be_visible()
        check_page(page, lang, f"look-{size}-05-desk-card")
        page.locator("#queue tbody tr").first.get_by_role("link", name=_("Reply"), exact=True).click()
        expect(page.locator("#reply textarea")).to_be_visible()
        check_page(page, lang, f"look-{size}-05-desk-reply")

        page.goto("/followups")
        expect(page.get_by_role("heading", level=1)).to_have_text(_("Follow-ups"))
        check_page(page, lang, f"look-{size}-06-followups", full=True)

        page.goto(f"/clients/{ref}/parting")
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            api(server, f"/api/clients/{ref}")["headline"]["client"]["name"]
        )
        check_page(page, lang, f"look-{size}-07-parting")

        page.goto("/settings")
        advanced = page.locator("details.advanced")
        expect(page.get_by_label(_("How the whole portfolio is assessed"))).to_be_hidden()
        advanced.locator("summary").click()
        expect(page.get_by_label(_("How the whole portfolio is assessed"))).to_be_visible()
        check_page(page, lang, f"look-{size}-08-settings")

        for path, name in (("/users", "09-users"), ("/audit", "10-audit")):
            page.goto(path)
            check_page(page, lang, f"look-{size}-{name}")


@pytest.mark.parametrize("lang", LANGS)
def test_owner_parts_with_a_client_from_a_phone(browser: Browser, server: Server, lang: str) -> None:
    _ = gettext_for(lang)
    ref = PARTING_OF[lang]
    client = api(server, f"/api/clients/{ref}")["headline"]["client"]
    with browser_page(browser, server, "phone") as page:
        sign_in(page, lang)
        page.goto(f"/clients/{ref}/parting")
        expect(page.get_by_role("heading", level=1)).to_contain_text(client["name"])
        expect(page.get_by_role("button", name=_("Confirm parting"))).to_have_count(0)
        build = page.get_by_role("button", name=_("Build a draft packet"))
        progress = page.locator("#building")
        expect(progress).to_be_hidden()
        build.click()
        expect(progress).to_be_visible()  # the PDFs take seconds: the owner sees that work is under way
        packet = page.locator("#packet")
        expect(packet).to_contain_text(f"✓ {_('Draft')}", timeout=60_000)
        letter = packet.locator("pre.letter")
        expect(letter).to_have_attribute("lang", client["language"])
        expect(letter).not_to_be_empty()
        check_page(page, lang, "look-phone-11-parting-draft", full=True)

        page.get_by_role(
            "checkbox", name=_("I have read the draft; end this client and build the final packet.")
        ).check()
        page.get_by_role("button", name=_("Confirm parting")).click()
        expect(packet).to_contain_text(f"✓ {_('Final')}", timeout=60_000)
        expect(page.get_by_role("button", name=_("Confirm parting"))).to_have_count(0)
        check_page(page, lang, "look-phone-12-parting-final")
    statuses = {c["id"]: c["status"] for c in api(server, "/api/portfolio?per_page=100")["clients"]}
    assert statuses[ref] == "ended"
