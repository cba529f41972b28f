"""Write docs/cli.md from the commands' own ``--help`` (a test keeps the two in sync).

Run ``python -m goodterms.cli.helpdoc [docs/cli.md]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

import goodterms.cli  # noqa: F401  (registers every command)
from goodterms.cli.app import app


def _commands(group: Any, prefix: list[str]) -> list[list[str]]:
    found: list[list[str]] = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        if hasattr(command, "commands"):
            found.extend(_commands(command, [*prefix, name]))
        else:
            found.append([*prefix, name])
    return found


def render() -> str:
    """Return the Markdown page: every command's help text, as the terminal shows it."""
    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    os.environ["NO_COLOR"] = "1"
    root = typer.main.get_command(app)
    runner = CliRunner()
    parts = [
        "# Command line",
        "",
        "Generated from each command's `--help` by `make docs`; a test fails when it is stale.",
    ]
    for path in _commands(root, []):
        result = runner.invoke(
            app, [*path, "--help"], env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
        )
        title = " ".join(["goodterms", *path])
        body = "\n".join(line.rstrip() for line in result.output.strip().splitlines())
        parts += ["", f"## `{title}`", "", "```", body, "```"]
    return "\n".join(parts) + "\n"


def main() -> None:
    """Write the page."""
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md")
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
