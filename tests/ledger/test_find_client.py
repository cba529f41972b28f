"""One client lookup for every door: by source id or by name, Unicode case-folded, alike on both backends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.assess.service import find_client as assess_find
from goodterms.cli import app
from goodterms.ledger.importing import import_event_dicts
from goodterms.ledger.queries import UnknownClient, find_client
from goodterms.reports.ledgerdata import find_client as report_find
from tests.factories import business, client

NAMES = ["Kalamaja Kohvik OÜ", "ÕUNAAED MTÜ", "บริษัท สยาม จำกัด", "Straße GmbH"]
ASKED = {
    "Kalamaja Kohvik OÜ": [
        "Kalamaja Kohvik OÜ",
        "kalamaja kohvik oü",
        "KALAMAJA KOHVIK OÜ",
        " kalamaja  kohvik oü ",
    ],
    "ÕUNAAED MTÜ": ["õunaaed mtü", "Õunaaed Mtü"],
    "บริษัท สยาม จำกัด": ["บริษัท สยาม จำกัด"],
    "Straße GmbH": ["STRASSE GMBH", "strasse gmbh"],
}


def _load(engine: Engine) -> None:
    import_event_dicts(engine, [business(), *(client(f"c{i}", name=n) for i, n in enumerate(NAMES))])


def test_every_lookup_folds_case_beyond_ascii(engine: Engine, db_url: str) -> None:
    _load(engine)
    gt = Goodterms.open(db_url)
    for i, name in enumerate(NAMES):
        for asked in ASKED[name]:
            with Session(engine) as s:
                assert find_client(s, asked).ext_id == f"c{i}", asked
                assert report_find(s, asked).ext_id == f"c{i}", asked
            assert assess_find(gt, asked) == find_client(Session(engine), name).id
    with Session(engine) as s, pytest.raises(UnknownClient):
        find_client(s, "Kalamaja Kohvik")


def test_the_timeline_command_finds_an_estonian_company(engine: Engine, db_url: str) -> None:
    _load(engine)
    out = CliRunner().invoke(app, ["--db", db_url, "timeline", "KALAMAJA KOHVIK OÜ", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["client"]["name"] == "Kalamaja Kohvik OÜ"
