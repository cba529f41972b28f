"""The handling core (rules, texts, courtesy check) imports nothing from storage, web or mail."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "goodterms" / "handling"
CORE = ("ladder.py", "courtesy.py", "notices.py", "formatting.py", "config.py")
IO = (
    "sqlalchemy",
    "goodterms.ledger",
    "goodterms.app",
    "goodterms.desk",
    "goodterms.web",
    "smtplib",
    "aiosmtpd",
)


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_handling_core_modules_do_no_io() -> None:
    for name in CORE:
        bad = {n for n in imports(SRC / name) if n.startswith(IO)}
        assert not bad, f"{name} imports {bad}"
