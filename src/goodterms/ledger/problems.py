"""Errors that bad input raises: each says what, where and why, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ImportProblem(Exception):
    """Bad input in an import file; nothing from that file is stored."""

    path: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.reason}"
