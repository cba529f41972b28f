"""The house style, checked: a pure core, documented settings, modules of a readable size."""

from __future__ import annotations

import ast
from pathlib import Path

from goodterms.settings import Settings

SRC = Path(__file__).resolve().parents[1] / "src" / "goodterms"
IO_MODULES = ("sqlalchemy", "goodterms.ledger.db", "goodterms.web", "smtplib", "aiosmtpd", "fastapi")
PURE = [
    SRC / "calendar.py",
    SRC / "ledger" / "events.py",
    SRC / "ledger" / "importers" / "jsonl.py",
    SRC / "ledger" / "importers" / "calls.py",
    SRC / "ledger" / "importers" / "mail.py",
    SRC / "ledger" / "importers" / "sheets.py",
    SRC / "ledger" / "importers" / "sheet_values.py",
    SRC / "ledger" / "importers" / "sheet_layouts.py",
    *sorted((SRC / "text").glob("*.py")),
]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_nothing_from_storage_web_or_mail_transport() -> None:
    for path in PURE:
        bad = {n for n in _imports(path) if n.startswith(IO_MODULES)}
        assert not bad, f"{path.relative_to(SRC)} imports {bad}"


def test_every_setting_is_documented() -> None:
    def walk(model: type, prefix: str) -> None:
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            assert field.description, f"setting {prefix}{name} has no description"
            sub = field.annotation
            if isinstance(sub, type) and hasattr(sub, "model_fields"):
                walk(sub, f"{prefix}{name}.")

    walk(Settings, "")


def test_modules_stay_under_six_hundred_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long, f"split these modules: {long}"
