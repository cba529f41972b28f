"""``goodterms mailbox add/fetch``: settings hold no secret, failures are one clear line."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import goodterms.cli  # noqa: F401  (registers every command module)
from goodterms.app import Goodterms
from goodterms.cli.app import app as cli
from goodterms.settings import SettingsProblem, load_settings
from tests.connect.conftest import Account, mail

runner = CliRunner()


def _add(account: Account, config: Path, *extra: str) -> list[str]:
    server = f"127.0.0.1:{account.server.imaps_port}"
    return _add_to(
        config, server, account.user, "--folders", "INBOX,Sent", "--ca-file", str(account.server.cert), *extra
    )


def _add_to(config: Path, server: str, user: str, *extra: str) -> list[str]:
    return ["--config", str(config), "mailbox", "add", "office", "--imap", server, "--user", user, *extra]


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    assert "Traceback" not in output
    return lines[0]


def test_add_stores_only_the_variable_name_then_fetch_reads_the_mailbox(
    app: Goodterms, account: Account, tmp_path: Path
) -> None:
    config = tmp_path / "goodterms.toml"
    config.write_text('[business]\nname = "Siam Scribe"\n', encoding="utf-8")
    added = runner.invoke(cli, _add(account, config, "--password-env", account.variable))
    assert added.exit_code == 0, added.output
    text = config.read_text(encoding="utf-8")
    assert account.password not in text
    entry = tomllib.loads(text)["mailbox"][0]
    assert entry["password_env"] == account.variable and "password" not in entry
    assert entry["since"] == datetime.now(UTC).date()  # mail from before today is history
    assert load_settings(str(config)).mailbox[0].folders == ["INBOX", "Sent"]
    again = runner.invoke(cli, _add(account, config, "--password-env", account.variable))
    assert _one_error_line(again.output).endswith("already has a mailbox named 'office'")

    account.append("INBOX", mail("mari@example.ee", "Arve", "Palun saatke arve."))
    db = app.engine.url.render_as_string(hide_password=False)
    fetched = runner.invoke(
        cli, ["--db", db, "--config", str(config), "mailbox", "fetch", "--format", "json"]
    )
    assert fetched.exit_code == 0, fetched.output
    report = json.loads(fetched.stdout)
    assert [(f["folder"], f["stored"]) for f in report[0]["folders"]] == [("INBOX", 1), ("Sent", 0)]
    # The table is read by the owner: their language, in words (the JSON above keeps its keys).
    fetch = ["--db", db, "--config", str(config), "mailbox", "fetch"]
    for lang, head in (("et", "Postkast"), ("th", "กล่องจดหมาย"), ("en", "Already stored")):
        table = runner.invoke(cli, [*fetch, "--lang", lang], env={"COLUMNS": "200"})
        assert table.exit_code == 0 and head in table.stdout, table.output
        assert ("duplicates" in table.stdout) is False and ("unmatched" in table.stdout) is False


def test_fetch_failures_are_one_line_without_a_traceback(
    app: Goodterms, account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "goodterms.toml"
    assert runner.invoke(cli, _add(account, config, "--password-env", account.variable)).exit_code == 0
    db = app.engine.url.render_as_string(hide_password=False)
    fetch = ["--db", db, "--config", str(config), "mailbox", "fetch"]

    monkeypatch.setenv(account.variable, "wrong")
    wrong = runner.invoke(cli, fetch)
    assert wrong.exit_code == 2
    assert "refused the login for " + account.user in _one_error_line(wrong.output)

    monkeypatch.delenv(account.variable)
    unset = runner.invoke(cli, fetch)
    assert unset.exit_code == 2
    assert f"the environment variable {account.variable} that should hold its password is not set" in (
        _one_error_line(unset.output)
    )
    unknown = runner.invoke(cli, [*fetch, "elsewhere"])
    assert _one_error_line(unknown.output) == "error: no mailbox named 'elsewhere'; set up: office"


def test_add_refuses_two_password_sources_and_settings_refuse_a_password(tmp_path: Path) -> None:
    config = tmp_path / "goodterms.toml"
    both = _add_to(
        config,
        "imap.example.com:993",
        "desk@example.com",
        *("--password-env", "IMAP_PASSWORD", "--password-file", "/etc/goodterms/imap.pw"),
    )
    both = runner.invoke(cli, both)
    assert (
        _one_error_line(both.output)
        == "error: give exactly one of --password-env VAR or --password-file PATH"
    )
    assert not config.exists()
    config.write_text(
        '[[mailbox]]\nname = "office"\nhost = "imap.example.com"\nuser = "desk@example.com"\npassword = "hunter2"\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsProblem, match=r"a password never goes in goodterms\.toml"):
        load_settings(str(config))
