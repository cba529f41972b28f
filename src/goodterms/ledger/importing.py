"""Import files into the ledger: one transaction per file, idempotent, streaming.

This is the I/O edge around the pure parsers in ``ledger.importers``: it opens files, hashes
them, hands events to ``ledger.store.Writer`` and records an ``import_runs`` row.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, insert

from goodterms.ledger import models as m
from goodterms.ledger.importers.jsonl import ParsedEvent, parse_stream
from goodterms.ledger.problems import ImportProblem
from goodterms.ledger.store import ImportCounts, Writer, table_of

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What one file did to the ledger."""

    path: str
    kind: str
    counts: ImportCounts
    unmatched: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "inserted": self.counts.inserted,
            "updated": self.counts.updated,
            "unchanged": self.counts.unchanged,
            "by_type": self.counts.by_type,
            "unmatched": self.unmatched,
        }


class _HashingReader(io.RawIOBase):
    """Read a binary file while hashing it and reporting progress."""

    def __init__(self, raw: BinaryIO, progress: Progress | None) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha.update(data)
        if self.progress is not None:
            self.progress(n)
        return n


def detect_kind(path: Path) -> str:
    """Say which importer reads a path: jsonl, calls, mail (eml/mbox/Maildir)."""
    if path.is_dir():
        return "mail"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix == ".csv":
        return "calls"
    if suffix in (".eml", ".mbox", ".msg", ".mail", ""):
        return "mail"
    raise ImportProblem(
        str(path),
        None,
        None,
        f"unknown file type {suffix!r}: expected .jsonl, .csv, .eml, .mbox or a Maildir",
    )


def _record_run(conn: Connection, path: str, kind: str, sha: str, counts: ImportCounts) -> int:
    result = conn.execute(
        insert(table_of(m.ImportRun)).returning(table_of(m.ImportRun).c.id),
        {
            "path": path,
            "kind": kind,
            "sha256": sha,
            "at": datetime.now(UTC),
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )
    return int(result.scalar_one())


def write_events(
    engine: Engine, events: Iterable[ParsedEvent], *, path: str, kind: str, sha: Callable[[], str]
) -> ImportCounts:
    """Store parsed events in one transaction; on any problem nothing is stored."""
    with engine.begin() as conn:
        writer = Writer(conn, path)
        writer.add_many(events)
        writer.flush()
        run_id = _record_run(conn, path, kind, sha(), writer.counts)
        writer.finish(run_id)
        return writer.counts


def import_jsonl(engine: Engine, path: Path, *, progress: Progress | None = None) -> ImportResult:
    """Import one JSON Lines file of ledger events."""
    name = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ImportProblem(name, None, None, f"cannot open: {exc.strerror}") from None
    with raw:
        reader = _HashingReader(raw, progress)
        stream = io.BufferedReader(reader, buffer_size=1 << 20)
        counts = write_events(
            engine, parse_stream(stream, name), path=name, kind="jsonl", sha=reader.sha.hexdigest
        )
    return ImportResult(name, "jsonl", counts)


def import_event_dicts(
    engine: Engine, events: Iterable[dict[str, Any]], *, name: str = "<events>"
) -> ImportResult:
    """Import events given as dicts (the demo and tests use this; same path as a file)."""

    def lines() -> Iterator[bytes]:
        for event in events:
            yield json.dumps(event, ensure_ascii=False, default=str).encode() + b"\n"

    class _Lines(io.RawIOBase):
        def __init__(self) -> None:
            self.source = lines()
            self.rest = b""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            while not self.rest:
                try:
                    self.rest = next(self.source)
                except StopIteration:
                    return 0
            n = min(len(buffer), len(self.rest))
            buffer[:n] = self.rest[:n]
            self.rest = self.rest[n:]
            return n

    sha = hashlib.sha256()
    stream = io.BufferedReader(_Lines(), buffer_size=1 << 20)
    counts = write_events(engine, parse_stream(stream, name), path=name, kind="jsonl", sha=sha.hexdigest)
    return ImportResult(name, "jsonl", counts)
