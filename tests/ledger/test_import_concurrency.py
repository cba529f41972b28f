"""Two imports at once: the second waits for the first, or says in one line that it is running."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from goodterms.ledger import importing
from goodterms.ledger import models as m
from goodterms.ledger.importing import ImportResult, import_path
from goodterms.ledger.problems import ImportProblem
from tests.factories import at, business, client, contact


def _file(tmp_path: Path, contacts: int) -> Path:
    events = [business(), client("c1"), *(contact("c1", n, at(n / 24)) for n in range(contacts))]
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    return path


def test_an_import_that_cannot_get_the_lock_says_so_in_one_line(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, 3)
    monkeypatch.setattr(importing, "IMPORT_WAIT_S", 0.2)
    with engine.begin() as other:  # another import holds the lock for the whole of this block
        importing._wait_for_other_imports(other, "first.jsonl")
        with pytest.raises(ImportProblem) as caught:
            import_path(engine, path)
    assert str(caught.value) == (
        f"{path}: another import is running on this database and did not finish within 0.2 s; "
        "try again when it has"
    )
    assert import_path(engine, path).counts.inserted == 5  # and once it is over, the file imports


def test_two_imports_of_one_file_at_once_both_finish_and_store_it_once(
    engine: Engine, tmp_path: Path
) -> None:
    path = _file(tmp_path, 3000)
    start = threading.Barrier(2)
    results: list[ImportResult] = []
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.append(import_path(engine, path))
        except BaseException as exc:  # collected and shown by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted((r.counts.inserted, r.counts.unchanged) for r in results) == [(0, 3002), (3002, 0)]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Contact)) == 3000
