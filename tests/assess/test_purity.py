from __future__ import annotations

import ast
from pathlib import Path

import goodterms.assess

PURE = [
    "flags",
    "findings.py",
    "data.py",
    "health.py",
    "verdict.py",
    "fairness.py",
    "messages.py",
    "clock.py",
    "config.py",
]
FORBIDDEN = (
    "sqlalchemy",
    "goodterms.ledger",
    "goodterms.web",
    "goodterms.app",
    "smtplib",
    "imaplib",
    "email",
    "socket",
)


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_flags_and_scoring_import_nothing_from_storage_web_or_mail() -> None:
    root = Path(goodterms.assess.__file__).parent
    files = [
        p
        for name in PURE
        for p in ([root / name] if name.endswith(".py") else sorted((root / name).glob("*.py")))
    ]
    assert len(files) >= 20
    for path in files:
        bad = {n for n in imports(path) if n.startswith(FORBIDDEN) or ".importers" in n}
        assert not bad, f"{path.name} imports {bad}"


def test_the_purity_check_would_catch_a_database_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from sqlalchemy import select\nimport goodterms.ledger.db\n")
    assert {"sqlalchemy", "goodterms.ledger.db"} <= imports(sample)
