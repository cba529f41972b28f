"""Every page renders for every role in Thai, Estonian and English, and htmx gets fragments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import CLIENT_NAMES, HTMX, SAME_ORIGIN, TestClient

PAGES = ["/portfolio", "/today", "/clients/c1", "/clients/c2", "/clients/c3", "/desk", "/desk/card/c1"]
WORD = {"en": "Portfolio", "th": "ภาพรวมลูกค้า", "et": "Portfell"}


@pytest.mark.parametrize("lang", ["en", "th", "et"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_every_language(
    signed_in: Callable[[str], TestClient], page: str, lang: str
) -> None:
    http = signed_in("owner")
    response = http.get(page, params={"lang": lang})
    assert response.status_code == 200, response.text
    assert f'<html lang="{lang}">' in response.text
    assert WORD[lang] in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_language_choice_is_remembered_in_a_cookie(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("staff")
    http.get("/portfolio", params={"lang": "et"})
    assert '<html lang="et">' in http.get("/desk").text


def test_client_text_carries_its_own_language(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("owner").get("/clients/c2").text
    assert f'<h1 lang="th">{CLIENT_NAMES["c2"]}</h1>' in page
    assert '<span lang="th">' in page


def test_pages_need_a_signed_in_user(web_app: TestClient) -> None:
    response = web_app.get("/clients/c1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/clients/c1"
    assert web_app.get("/api/portfolio").status_code == 401


def test_login_page_renders_in_thai(web_app: TestClient) -> None:
    page = web_app.get("/login", params={"lang": "th"}).text
    assert "เข้าสู่ระบบ" in page


def test_portfolio_htmx_request_gets_only_the_results_block(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    fragment = http.get("/", params={"q": "õuna"}, headers=HTMX).text
    assert "<html" not in fragment
    assert CLIENT_NAMES["c3"] in fragment
    assert CLIENT_NAMES["c2"] not in fragment


def test_history_restore_gets_the_whole_page(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    page = http.get("/portfolio", headers={**HTMX, "HX-History-Restore-Request": "true"}).text
    assert "<html" in page


def test_portfolio_links_keep_sort_and_search_in_the_url(signed_in: Callable[[str], TestClient]) -> None:
    page = (
        signed_in("owner").get("/", params={"q": "o", "per_page": 1, "sort": "contacts", "desc": "true"}).text
    )
    assert 'href="/?q=o&amp;sort=contacts&amp;desc=True&amp;per_page=1&amp;page=2"' in page
    assert 'hx-get="/?q=o&amp;sort=contacts&amp;desc=True&amp;per_page=1&amp;page=2"' in page


def test_client_timeline_filter_returns_the_timeline_block(signed_in: Callable[[str], TestClient]) -> None:
    fragment = signed_in("owner").get("/clients/c1", params={"type": "request"}, headers=HTMX).text
    assert "<html" not in fragment
    assert "Fix the invoice layout" in fragment
    assert "question 1" not in fragment


def test_timeline_shows_which_messages_staff_already_marked(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("staff")
    assert "Marked rude" not in http.get("/clients/c1").text
    assert http.post("/contacts/c1-k1/mark", data={"rude": "true"}, headers=SAME_ORIGIN).status_code == 303
    assert http.post("/contacts/c1-k2/mark", data={"rude": "false"}, headers=SAME_ORIGIN).status_code == 303
    page = http.get("/clients/c1").text
    assert page.count("✓ Marked rude") == 1 and page.count("✓ Marked not rude") == 1
    entries = [e for mo in http.get("/api/clients/c1").json()["timeline"]["months"] for e in mo["entries"]]
    marks = {e["id"]: e["staff_mark"] for e in entries if e["type"] == "contact"}
    assert marks["c1-k1"] == "rude" and marks["c1-k2"] == "not_rude" and marks["c1-k3"] is None


def test_client_page_shows_charts_with_a_title_and_a_table(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("owner").get("/clients/c1").text
    assert "<svg" in page
    assert '<figcaption id="chart-contacts-title">Contacts per week' in page
    assert '<table class="chart-data">' in page
    assert '<ul class="legend">' in page


def test_unknown_client_is_a_404_page(signed_in: Callable[[str], TestClient]) -> None:
    response = signed_in("owner").get("/clients/nope", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "<html" in response.text


def test_client_text_is_escaped(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    for page in ("/portfolio", "/today", "/clients/c1", "/desk", "/clients/c1?lang=th"):
        text = http.get(page).text
        assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in http.get("/portfolio").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in http.get("/today").text
    assert "&lt;b&gt;before&lt;/b&gt;" in http.get("/clients/c1").text


def test_staff_see_no_money(signed_in: Callable[[str], TestClient]) -> None:
    staff, owner = signed_in("staff"), signed_in("owner")
    assert "12,345" not in staff.get("/clients/c1").text
    assert "12345" not in staff.get("/api/clients/c1").text
    assert "amount_due" not in staff.get("/api/portfolio").json()["clients"][0]
    assert "12345" in owner.get("/api/clients/c1").text


def test_desk_labels_a_missed_promise_with_text_and_icon(signed_in: Callable[[str], TestClient]) -> None:
    page = signed_in("staff").get("/desk").text
    assert 'class="missed"' in page
    assert "⚠" in page
    assert "missed by" in page


def test_desk_promise_label_in_thai(signed_in: Callable[[str], TestClient]) -> None:
    assert "เลยมา" in signed_in("staff").get("/desk", params={"lang": "th"}).text


def test_static_assets_are_served(web_app: TestClient) -> None:
    htmx = web_app.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert 'version:"2.0.4"' in htmx.text
    assert web_app.get("/static/fonts/Loma.ttf").status_code == 200


def test_every_page_has_a_json_twin_in_the_openapi_schema(web_app: TestClient) -> None:
    paths = web_app.get("/api/openapi.json").json()["paths"]
    for twin in (
        "/api/portfolio",
        "/api/clients/{ref}",
        "/api/desk",
        "/api/desk/card/{ref}",
        "/api/me",
        "/api/audit",
    ):
        assert twin in paths


def test_a_mark_shows_in_the_clients_flags_at_once(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("staff")

    def flags() -> set[str]:
        return {f["code"] for f in http.get("/api/clients/c1").json()["assessment"]["flags"]}

    assert "hostile_tone" not in flags()  # the portfolio's assessment is now cached for five minutes
    for k in range(6):
        assert http.post(f"/api/contacts/c1-k{k}/mark", data={"rude": "true"}, headers=SAME_ORIGIN).is_success
    assert "hostile_tone" in flags()
