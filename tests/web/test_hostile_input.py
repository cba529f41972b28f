"""Hostile input on the client pages: dates past the calendar, dot refs into the output folder, wildcards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from goodterms.app import Goodterms
from goodterms.ledger.importing import import_event_dicts
from tests.factories import client
from tests.web.conftest import TestClient

OUT_OF_RANGE = [
    {"until": "9999-12-31"},
    {"before": "9999-12-31T23:59:59-12:00"},
    {"before": "0001-01-01T00:00:00+14:00"},
]


@pytest.mark.parametrize("params", OUT_OF_RANGE, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
@pytest.mark.parametrize("path", ["/api/clients/c1", "/clients/c1"])
def test_dates_past_the_calendar_are_refused_with_a_reason(
    signed_in: Callable[[str], TestClient], path: str, params: dict[str, str]
) -> None:
    response = signed_in("owner").get(path, params=params)
    assert response.status_code == 422
    name = next(iter(params))
    assert response.json()["detail"].startswith(f"{name} ")


def test_the_last_dates_that_fit_still_work(signed_in: Callable[[str], TestClient]) -> None:
    http = signed_in("owner")
    for params in ({"until": "9999-12-30"}, {"before": "9999-12-31T23:59:59+14:00"}, {"until": "0001-01-01"}):
        assert http.get("/api/clients/c1", params=params).status_code == 200, params


@pytest.fixture
def canaries(tmp_path: Path) -> list[Path]:
    """Files beside and above the parting folder that no client ref may reach."""
    out = tmp_path / "out"
    (out / "parting").mkdir(parents=True, exist_ok=True)
    found = [out / "canary.txt", tmp_path / "canary.txt"]
    for path in found:
        path.write_text("secret canary\n")
    return found


@pytest.mark.parametrize(
    "url",
    [
        "/clients/%2e%2e/parting/canary.txt",
        "/clients/%2E%2E/parting/canary.txt",
        "/clients/./parting/canary.txt",
        "/clients/%2e/parting/canary.txt",
        "/clients/nobody/parting/canary.txt",
        "/api/clients/%2e%2e/parting",
        "/api/clients/%2e/parting",
    ],
)
def test_client_refs_that_are_no_client_reach_no_file(
    signed_in: Callable[[str], TestClient], canaries: list[Path], url: str
) -> None:
    response = signed_in("owner").get(url)
    assert response.status_code == 404, response.text
    assert "canary" not in response.text


def test_a_client_whose_id_is_dots_gets_a_folder_inside_parting(
    gt: Goodterms, signed_in: Callable[[str], TestClient], canaries: list[Path], tmp_path: Path
) -> None:
    import_event_dicts(gt.engine, [client("..", name="Dot Dot Ltd")])
    http = signed_in("owner")
    listed = http.get("/api/clients/%2e%2e/parting")
    assert listed.status_code == 200
    assert listed.json() == {"client": "..", "files": []}  # not the output folder's canary.txt
    assert http.get("/clients/%2e%2e/parting/canary.txt").status_code == 404
    from goodterms.web.parting import folder_name

    assert (tmp_path / "out" / "parting" / folder_name("..")).resolve().parent == (
        tmp_path / "out" / "parting"
    ).resolve()


def test_a_link_out_of_the_packet_folder_is_not_served(
    signed_in: Callable[[str], TestClient], canaries: list[Path], tmp_path: Path
) -> None:
    folder = tmp_path / "out" / "parting" / "c3"
    folder.mkdir(parents=True)
    (folder / "letter.txt").symlink_to(canaries[1])
    http = signed_in("owner")
    assert http.get("/api/clients/c3/parting").json()["files"] == []
    assert http.get("/clients/c3/parting/letter.txt").status_code == 404


@pytest.mark.parametrize("q", ["%", "_", "%%", "_%_", "\\"])
def test_search_wildcards_match_only_themselves(signed_in: Callable[[str], TestClient], q: str) -> None:
    found = signed_in("staff").get("/api/portfolio", params={"q": q}).json()
    assert found["total"] == 0, [c["id"] for c in found["clients"]]


def test_search_finds_names_with_wildcard_characters_literally(
    gt: Goodterms, signed_in: Callable[[str], TestClient]
) -> None:
    import_event_dicts(
        gt.engine,
        [
            client("w1", name="100% Design"),
            client("w2", name="under_score Co"),
            client("w3", name="back\\slash"),
        ],
    )
    http = signed_in("staff")

    def ids(q: str) -> set[str]:
        return {c["id"] for c in http.get("/api/portfolio", params={"q": q}).json()["clients"]}

    assert ids("%") == {"w1"}
    assert ids("0% d") == {"w1"}
    assert ids("_") == {"w2"}
    assert ids("r_s") == {"w2"}
    assert ids("\\") == {"w3"}
    assert ids("k\\s") == {"w3"}
