from __future__ import annotations

import json
from pathlib import Path

from goodterms.ledger.eventdoc import render_markdown, render_schema
from goodterms.ledger.events import EVENT_TYPES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_events_doc_matches_the_models() -> None:
    assert (DOCS / "events.md").read_text(encoding="utf-8") == render_markdown(), "run `make docs`"


def test_events_schema_matches_the_models() -> None:
    assert (DOCS / "events.schema.json").read_text(encoding="utf-8") == render_schema(), "run `make docs`"


def test_every_event_type_and_field_is_documented() -> None:
    doc = render_markdown()
    for name, model in EVENT_TYPES.items():
        assert f"## `{name}`" in doc
        for field in model.model_fields:
            assert f"| `{field}` |" in doc
    schema = json.loads(render_schema())
    assert set(schema["discriminator"]["mapping"]) == set(EVENT_TYPES)
