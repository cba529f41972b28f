"""The settings screen: owners change business, assessment and template settings; saved values are used."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from goodterms.app import Goodterms
from goodterms.ledger import models as m
from goodterms.web.app import create_app
from goodterms.web.settings_store import ASSESS_BLOB
from tests.web.conftest import HTMX, SAME_ORIGIN, TestClient, new_client, sign_in

WORD = {"en": "Settings", "th": "การตั้งค่า", "et": "Seaded"}


@pytest.mark.parametrize("lang", ["en", "th", "et"])
@pytest.mark.parametrize("role", ["owner", "manager"])
def test_settings_page_renders_in_every_language(
    signed_in: Callable[[str], TestClient], role: str, lang: str
) -> None:
    response = signed_in(role).get("/settings", params={"lang": lang})
    assert response.status_code == 200, response.text
    assert f'<html lang="{lang}">' in response.text
    assert WORD[lang] in response.text
    assert 'name="hours_mon" value="09:00-17:00"' in response.text
    assert 'name="weights.over_contact"' in response.text
    assert "Your reference is {{ reference }}" in response.text  # the built-in ack text is shown
    assert ("<fieldset disabled>" in response.text) == (role == "manager")


def test_staff_may_not_see_the_settings(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("staff")
    assert http.get("/settings").status_code == 403
    assert http.get("/api/settings").status_code == 403


def test_settings_json_twin_lists_every_section(signed_in: Callable[[str], TestClient]) -> None:
    data = signed_in("manager").get("/api/settings").json()
    assert data["business"]["response_target_hours"] == "4.00"
    assert any(r["name"] == "weights" for r in data["assess"])
    names = {(t["family"], t["template"], t["lang"]) for t in data["templates"]}
    assert {
        ("desk", "ack", "th"),
        ("desk", "reply_done", "et"),
        ("followup", "payment_reminder", "en"),
    } <= names


def test_business_settings_are_saved_on_the_business_row_and_used(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    form = {
        "hours_mon": "08:00-12:00, 13:00-18:00",
        "hours_sat": "10:00-14:00",
        "holidays": "2026-04-13\n2026-04-14",
        "response_target_hours": "2.5",
        "target_hourly_rate": "950",
        "exchange_rates": "EUR = 38.50",
    }
    response = http.post("/api/settings/business", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 200, response.text
    assert set(response.json()["changed"]) == set(form)
    biz = gt.business()
    assert biz.hours["mon"] == [("08:00", "12:00"), ("13:00", "18:00")]
    assert biz.hours["sat"] == [("10:00", "14:00")]
    assert biz.holidays == ["2026-04-13", "2026-04-14"]
    assert biz.response_target_hours == Decimal("2.5")
    assert biz.target_hourly_rate == Decimal("950")
    assert biz.exchange_rates["EUR"] == Decimal("38.50")
    assert biz.name == "Siam Scribe Co."
    entry = http.get("/api/audit").json()["entries"][0]
    assert entry["action"] == "settings.business"
    assert entry["detail"]["changed"]["response_target_hours"] == ["4.00", "2.50"]


def test_business_settings_drop_the_cached_assessment(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    cache = http.app.state.web.assessment
    first = cache.get()
    assert first is not None and cache.get() is first  # kept while fresh
    response = http.post("/api/settings/business", data={"response_target_hours": "8"}, headers=SAME_ORIGIN)
    assert response.status_code == 200, response.text
    assert cache.get() is not first  # recomputed at once: hours and targets change after_hours, slow_response


def test_without_a_business_row_one_is_created(gt: Goodterms, signed_in: Callable[[str], TestClient]) -> None:
    with Session(gt.engine) as session, session.begin():
        session.execute(delete(m.Business))
    response = signed_in("owner").post(
        "/api/settings/business", data={"response_target_hours": "8"}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    with Session(gt.engine) as session:
        row = session.scalars(select(m.Business)).one()
    assert row.ext_id == "settings"
    assert gt.business().response_target_hours == Decimal(8)


def test_invalid_business_settings_show_errors_and_save_nothing(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    form = {"hours_tue": "17:00-09:00", "response_target_hours": "3", "exchange_rates": "EUR 38"}
    response = http.post("/api/settings/business", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 422
    errors = response.json()["detail"]["errors"]
    assert set(errors) == {"hours_tue", "exchange_rates"}
    assert gt.business().response_target_hours == Decimal(4)  # the valid field was not saved either
    fragment = http.post("/settings/business", data=form, headers={**SAME_ORIGIN, **HTMX})
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert 'id="hours_tue-error"' in fragment.text
    assert 'value="17:00-09:00"' in fragment.text  # what the owner typed stays in the field
    actions = [e["action"] for e in http.get("/api/audit").json()["entries"]]
    assert "settings.business" not in actions


def test_assessment_settings_are_stored_applied_and_refresh_the_portfolio(
    gt: Goodterms, signed_in: Callable[[str], TestClient], tmp_path: Path
) -> None:
    http = signed_in("owner")
    before = {c["id"]: c["verdict"] for c in http.get("/api/portfolio").json()["clients"]}
    assert before["c3"] == "keep"
    response = http.post(
        "/settings/assess",
        data={"boundaries_below": "101", "contact_channels": "call, email"},
        headers={**SAME_ORIGIN, **HTMX},
    )
    assert response.status_code == 200, response.text
    assert "<html" not in response.text
    after = {c["id"]: c["verdict"] for c in http.get("/api/portfolio").json()["clients"]}
    assert after["c3"] == "set_boundaries"  # the cached assessment was dropped at once
    with Session(gt.engine) as session:
        assert session.get(m.Blob, ASSESS_BLOB) is not None
    gt.settings.assess.boundaries_below = 90.0  # a fresh process reads the stored settings again
    create_app(gt, output_dir=tmp_path / "again")
    assert gt.settings.assess.boundaries_below == 101
    assert gt.settings.assess.contact_channels == ["call", "email"]
    assert http.get("/api/audit").json()["entries"][0]["action"] == "settings.assess"


def test_invalid_assessment_settings_save_nothing(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    form = {"weights.over_contact": "lots", "let_go_below": "30", "no_such": "1"}
    response = http.post("/api/settings/assess", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 422
    assert set(response.json()["detail"]["errors"]) == {"weights.over_contact", "no_such"}
    assert gt.settings.assess.let_go_below == 45.0
    with Session(gt.engine) as session:
        assert session.get(m.Blob, ASSESS_BLOB) is None
    page = http.post("/settings/assess", data=form, headers=SAME_ORIGIN)
    assert page.status_code == 422
    assert 'id="a-weights.over_contact-error"' in page.text


def test_saved_desk_override_is_what_the_desk_sends(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    from goodterms.desk.intake import receive

    http = signed_in("owner")
    gt.settings.desk.repeat_threshold = 1.0  # two separate requests, not one repeated
    receive(app=gt, client_ref="c3", subject="Esimene", text="Palun tõlkige fail.")  # loads the built-in
    text = "Tere {{ client_name }}! Saime kirja kätte: {{ reference }}. Vastame {{ promised }}."
    response = http.post(
        "/settings/templates",
        data={"family": "desk", "template": "ack", "lang": "et", "text": text},
        headers={**SAME_ORIGIN, **HTMX},
    )
    assert response.status_code == 200, response.text
    assert "<html" not in response.text
    assert 'id="tpl-desk-ack-et"' in response.text
    receive(
        app=gt, client_ref="c3", subject="Arve aadress", text="Kas saate arvele lisada meie uue aadressi?"
    )
    with Session(gt.engine) as session:
        bodies = list(session.scalars(select(m.Outbox.body).order_by(m.Outbox.id)))
    assert not bodies[0].startswith("Tere ")
    assert bodies[-1].startswith("Tere Õunapuu OÜ! Saime kirja kätte: [")
    assert http.get("/api/audit").json()["entries"][0]["action"] == "settings.template"


def test_saved_follow_up_override_is_what_the_follow_ups_send(
    overdue: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    text = "Subject: แจ้งเตือนอย่างสุภาพ {{ number }}\n\nเรียน {{ client_name }} ใบแจ้งหนี้ {{ number }} ยอด {{ amount }}\n"
    saved = http.post(
        "/api/settings/templates",
        data={"family": "followup", "template": "payment_reminder", "lang": "th", "text": text},
        headers=SAME_ORIGIN,
    )
    assert saved.json()["outcome"] == "saved"
    notices = http.get("/api/followups").json()["notices"]
    assert any(n["subject"] == "แจ้งเตือนอย่างสุภาพ INV-9" for n in notices), notices
    removed = http.post(
        "/api/settings/templates",
        data={"family": "followup", "template": "payment_reminder", "lang": "th", "text": ""},
        headers=SAME_ORIGIN,
    )
    assert removed.json()["outcome"] == "removed"
    assert all("สุภาพ" not in n["subject"] for n in http.get("/api/followups").json()["notices"])


@pytest.mark.parametrize(
    ("form", "why"),
    [
        (
            {"family": "desk", "template": "ack", "lang": "en", "text": "As we already told you, wait."},
            "scolds",
        ),
        ({"family": "desk", "template": "ack", "lang": "en", "text": "Dear {{ client_name "}, "line 1"),
        ({"family": "followup", "template": "resume", "lang": "et", "text": "Tere!"}, "Subject"),
        ({"family": "desk", "template": "nope", "lang": "en", "text": "Hi"}, "no such template"),
    ],
)
def test_bad_template_overrides_are_refused(
    gt: Goodterms, signed_in: Callable[[str], TestClient], form: dict[str, str], why: str
) -> None:
    http = signed_in("owner")
    response = http.post("/api/settings/templates", data=form, headers=SAME_ORIGIN)
    assert response.status_code == 422
    assert why in response.json()["detail"]
    folder = gt.settings.desk.template_dir if form["family"] == "desk" else gt.settings.followup.template_dir
    assert folder is not None
    assert not list(Path(folder).rglob("*.j2"))


def test_refused_override_keeps_the_draft_next_to_the_error(signed_in: Callable[[str], TestClient]) -> None:
    form = {"family": "desk", "template": "reply_done", "lang": "th", "text": "คุณลืมส่งไฟล์"}
    fragment = signed_in("owner").post("/settings/templates", data=form, headers={**SAME_ORIGIN, **HTMX})
    assert fragment.status_code == 422
    assert "<html" not in fragment.text
    assert 'id="tpl-desk-reply_done-th-error"' in fragment.text
    assert "คุณลืมส่งไฟล์</textarea>" in fragment.text


def test_a_configured_template_folder_is_used(gt: Goodterms, tmp_path: Path) -> None:
    gt.settings.desk.template_dir = str(tmp_path / "mine")
    http = sign_in(new_client(create_app(gt, output_dir=tmp_path / "out")), "owner@biz.example")
    data = {"family": "desk", "template": "repeat_ack", "lang": "en", "text": "Hello {{ client_name }}"}
    assert http.post("/api/settings/templates", data=data, headers=SAME_ORIGIN).status_code == 200
    assert (tmp_path / "mine" / "en" / "repeat_ack.txt.j2").read_text(
        encoding="utf-8"
    ) == "Hello {{ client_name }}\n"


def test_engine_internals_sit_under_advanced_with_plain_labels(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    http = signed_in("owner")
    page = http.get("/settings", params={"lang": "th"}).text
    main_table, advanced = page.split('<details class="advanced" id="advanced">', 1)
    advanced = advanced.split("</details>", 1)[0]
    for name in ("engine", "duckdb_from_mb", "portfolio_cache_hours", "evidence_cap"):
        assert f'id="a-{name}"' in advanced and f'id="a-{name}"' not in main_table, name
    assert 'id="a-weights.over_contact"' in main_table
    assert "วิธีประเมินลูกค้าทั้งหมด" in advanced  # "How the whole portfolio is assessed", in Thai
    assert '<select id="a-engine" name="engine"' in advanced and "อัตโนมัติ" in advanced
    saved = http.post("/settings/assess", data={"engine": "database"}, headers={**SAME_ORIGIN, **HTMX})
    assert saved.status_code == 200, saved.text
    assert gt.settings.assess.engine == "database"


def test_a_wrong_advanced_value_opens_the_advanced_section_with_its_error(
    signed_in: Callable[[str], TestClient],
) -> None:
    http = signed_in("owner")
    refused = http.post("/settings/assess", data={"duckdb_from_mb": "lots"}, headers={**SAME_ORIGIN, **HTMX})
    assert refused.status_code == 422
    assert '<details class="advanced" id="advanced" open>' in refused.text
    assert 'id="a-duckdb_from_mb-error"' in refused.text
