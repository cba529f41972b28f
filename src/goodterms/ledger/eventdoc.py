"""Write docs/events.md and docs/events.schema.json from the event models (the one source).

Run ``python -m goodterms.ledger.eventdoc [DOCS_DIR]``; a test fails when the files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from goodterms.ledger.events import EVENT_ADAPTER, EVENT_TYPES

INTRO = """# Ledger events: the import contract

`goodterms import FILE.jsonl` reads JSON Lines: one event object per line, UTF-8, each with a
`"type"` and the source's own `"id"`. Records refer to each other by those ids (`client`,
`staff`, `request`, `delivery`, `ask`, `invoice`); a reference must name a record stored
earlier or earlier in the same file. Timestamps are ISO 8601 with an offset
(`2026-03-02T10:00:00+07:00`); a time without one is refused. Amounts are decimal strings with at
most two places and never negative.

Import is idempotent (the same line again changes nothing; a changed record with the same id is
an update, and the old values are kept in `record_changes`), atomic per file (one bad line: nothing
from the file is stored, and the message names file, line, field and reason; exit status 2) and
streaming (lines are read one at a time; a line over 8 MB is refused).

Call-log CSV and e-mail (`.eml`, `.mbox`, Maildir) imports produce `contact` events with the same
rules; see docs/import.md.

This file is generated from `goodterms.ledger.events` by `make docs`; do not edit it by hand.
The JSON Schema is `docs/events.schema.json`.
"""


def _type_name(spec: dict[str, Any]) -> str:
    if "anyOf" in spec:
        names = [_type_name(s) for s in spec["anyOf"]]
        return " or ".join(n for n in names if n != "null") + (" or null" if "null" in names else "")
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type", "object")
    fmt = spec.get("format")
    if kind == "array":
        return f"list of {_type_name(spec.get('items', {}))}"
    if kind == "object" and "additionalProperties" in spec:
        return "object"
    return f"{kind} ({fmt})" if fmt else str(kind)


def render_markdown() -> str:
    """Return the Markdown reference of every event type and field."""
    out = [INTRO]
    for name, model in EVENT_TYPES.items():
        schema = model.model_json_schema()
        required = set(schema.get("required", []))
        out.append(f"\n## `{name}`\n\n{(model.__doc__ or '').strip()}\n")
        out.append("| field | type | required | default | description |")
        out.append("|---|---|---|---|---|")
        for field, spec in schema["properties"].items():
            if field in required:
                default_text = ""
            elif "default" in spec:
                default_text = f"`{json.dumps(spec['default'], ensure_ascii=False)}`"
            else:
                default_text = "see description"
            desc = str(spec.get("description", "")).replace("|", "\\|")
            if field == "type":
                desc = "The event type."
            out.append(
                f"| `{field}` | {_type_name(spec)} | {'yes' if field in required else 'no'} | "
                f"{default_text} | {desc} |"
            )
    return "\n".join(out) + "\n"


def render_schema() -> str:
    """Return the JSON Schema of one event line."""
    schema = EVENT_ADAPTER.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "goodterms ledger event (one JSON Lines line)"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write both files into the docs folder."""
    args = sys.argv[1:] if argv is None else argv
    docs = Path(args[0] if args else "docs")
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "events.md").write_text(render_markdown(), encoding="utf-8")
    (docs / "events.schema.json").write_text(render_schema(), encoding="utf-8")


if __name__ == "__main__":
    main()
