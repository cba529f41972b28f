"""Times people read are the business's local times (from the ledger, not goodterms.toml's UTC default)."""

from __future__ import annotations

from collections.abc import Callable

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from tests.web.conftest import TestClient

# r1 was promised for 2026-03-05 14:00 in Bangkok (07:00 UTC); the ledger's business is in Bangkok,
# goodterms.toml says nothing (UTC).


def test_the_desk_shows_the_promised_time_in_the_businesss_time_zone(
    signed_in: Callable[[str], TestClient],
) -> None:
    staff = signed_in("staff")
    page = staff.get("/desk", params={"lang": "en"}).text
    assert "14:00" in page and "07:00" not in page
    thai = staff.get("/desk", params={"lang": "th"}).text
    assert "14:00" in thai and "2569" in thai  # the Buddhist era, as everywhere on the web
    row = staff.get("/api/desk").json()
    assert row["timezone"] == "Asia/Bangkok"
    assert row["queue"][0]["promised_local"] == "2026-03-05T14:00:00+07:00"


def test_timeline_entries_are_said_in_the_readers_words_at_local_times(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    import_event_dicts(
        gt.engine,
        [
            {"type": "contact", "id": "c3-call", "client": "c3", "at": "2026-03-09T18:30:00+00:00",
             "channel": "call", "direction": "inbound", "answered": False},
            {"type": "work", "id": "c3-w", "client": "c3", "at": "2026-03-09T10:00:00+00:00",
             "minutes": 36, "billable": False},
        ],
    )  # fmt: skip
    owner = signed_in("owner")
    english = owner.get("/clients/c3", params={"lang": "en"}).text
    # 18:30 UTC on the 9th is 01:30 on the 10th in Bangkok, the business's time zone.
    assert 'id="rec-contact-c3-call"' in english
    assert '10 Mar 2026 01:30</time> · <span class="kind">inbound call (missed)</span>' in english
    assert "36 min (not billable)" in english
    estonian = owner.get("/clients/c3", params={"lang": "et"}).text
    assert "sissetulev: kõne (vastamata)" in estonian and "36 min (mittearvestatav)" in estonian
    thai = owner.get("/clients/c3", params={"lang": "th"}).text
    assert "โทรศัพท์ ขาเข้า (ไม่ได้รับสาย)" in thai and "10 มี.ค. 2569 01:30" in thai
    entry = owner.get("/api/clients/c3", params={"lang": "en"}).json()["timeline"]["months"][0]["entries"][0]
    assert (entry["type"], entry["channel"], entry["words"]) == ("contact", "call", "inbound call (missed)")
