"""Times people read are the business's local times (from the ledger, not goodterms.toml's UTC default)."""

from __future__ import annotations

from collections.abc import Callable

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
