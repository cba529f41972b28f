"""The ``goodterms`` command line: thin commands over the service layer."""

from __future__ import annotations

import importlib

from goodterms.cli.app import app

# Each module registers its commands on ``app``; a module that is not there yet is skipped.
_COMMAND_MODULES = (
    "ledger",
    "analyze",
    "assess",
    "desk",
    "followup",
    "part",
    "web",
    "tone",
    "mailbox",
    "run",
    "worker",
)

for _name in _COMMAND_MODULES:
    try:
        importlib.import_module(f"goodterms.cli.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"goodterms.cli.{_name}":
            raise


def main() -> None:
    """Run the goodterms command line."""
    app()
