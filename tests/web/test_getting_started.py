"""Getting started: `make web` signs the demo owner in again and again, setup links point where the web
app is served, `goodterms demo` says its language, and CLI tables print square brackets as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.cli import app
from goodterms.web import accounts

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
SETUP = re.compile(r"setup link \(works once\): (http://[^/\s]+)/setup/(\S+)")


def _make_variables() -> dict[str, str]:
    found = dict(re.findall(r"^([A-Z_]+)\s*[?:]?=\s*(.+?)\s*$", MAKEFILE.read_text(), flags=re.MULTILINE))
    return {k: _expand(v, found) for k, v in found.items()}


def _expand(text: str, variables: dict[str, str]) -> str:
    """Replace $(NAME) in ``text`` with its value, expanded in turn (WEB_URL refers to WEB_PORT)."""
    return re.sub(r"\$\((\w+)\)", lambda m: _expand(variables.get(m.group(1), ""), variables), text)


def _recipe(target: str) -> list[str]:
    text = MAKEFILE.read_text().replace("\\\n", " ")
    block = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, flags=re.MULTILINE)
    assert block, f"no {target} target in the Makefile"
    variables = _make_variables()
    lines = [line.strip().lstrip("@") for line in block.group(1).splitlines()]
    return [_expand(line, variables) for line in lines]


def _run_goodterms(command: str, db_url: str) -> tuple[int, str]:
    words = [w for w in shlex.split(command) if w != "2>/dev/null"]
    assert words[0].endswith("/goodterms"), words
    args = [db_url if w == "sqlite:///goodterms.db" else w for w in words[1:]]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_make_web_prints_a_working_sign_in_for_the_demo_owner_every_time(db_url: str) -> None:
    recipe = _recipe("web")
    serve = next(line for line in recipe if " serve " in line)
    assert "--host 127.0.0.1" in serve and "--port 8000" in serve
    sign_in = next(line for line in recipe if " user " in line)
    owner = _make_variables()["DEMO_OWNER"]
    secrets = []
    for _ in range(2):  # run twice: the second run finds the owner and gives a fresh link
        for command in sign_in.split("||"):
            code, output = _run_goodterms(command, db_url)
            if code == 0:
                break
        assert code == 0, output
        found = SETUP.search(output)
        assert found, output
        assert found.group(1) == "http://127.0.0.1:8000"  # where `serve` in the same recipe listens
        secrets.append(found.group(2))
    gt = Goodterms.open(db_url)
    try:
        with pytest.raises(accounts.AccountError):  # the first link died when the second was made
            accounts.complete_setup(engine=gt.engine, secret=secrets[0], password="a long enough secret")
        user = accounts.complete_setup(engine=gt.engine, secret=secrets[1], password="a long enough secret")
        assert (user.email, user.role) == (owner, "owner")
        assert accounts.verify_login(engine=gt.engine, email=owner, password="a long enough secret")
    finally:
        gt.engine.dispose()


def test_the_setup_link_uses_the_web_apps_address(db_url: str) -> None:
    runner = CliRunner()
    by_env = runner.invoke(
        app,
        ["--db", db_url, "user", "add", "a@biz.example", "--role", "staff"],
        env={"GOODTERMS_WEB_URL": "https://goodterms.biz.example:8443/"},
    )
    assert by_env.exit_code == 0, by_env.output
    assert "https://goodterms.biz.example:8443/setup/" in by_env.output
    by_option = runner.invoke(
        app, ["--db", db_url, "user", "link", "a@biz.example", "--base-url", "http://127.0.0.1:9001"]
    )
    assert by_option.exit_code == 0 and "http://127.0.0.1:9001/setup/" in by_option.output
    bad = runner.invoke(
        app, ["--db", db_url, "user", "link", "a@biz.example", "--base-url", "127.0.0.1:9001"]
    )
    assert bad.exit_code == 2 and "http://HOST:PORT" in bad.output and "Traceback" not in bad.output
    ghost = runner.invoke(app, ["--db", db_url, "user", "link", "ghost@biz.example"])
    assert ghost.exit_code == 2 and "no user ghost@biz.example" in ghost.output


def test_the_demo_says_which_language_it_works_in_and_how_to_read_another(db_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, "demo"])
    assert result.exit_code == 0, result.output
    assert "works in Thai" in result.output
    assert "--lang en (English)" in result.output and "--lang et (Estonian)" in result.output
    assert "make web" in result.output


def test_cli_tables_print_square_brackets_as_written(db_url: str, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"type": "client", "id": "c1", "name": "Acme [eu] Ltd", "language": "en"}\n', encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db_url, "import", str(events)]).exit_code == 0
    listed = runner.invoke(app, ["--db", db_url, "clients"])
    assert listed.exit_code == 0, listed.output
    assert "Acme [eu] Ltd" in listed.output
