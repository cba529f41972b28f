"""``goodterms user add`` and ``goodterms token create``."""

from __future__ import annotations

from typer.testing import CliRunner

from goodterms.app import Goodterms
from goodterms.cli import app
from goodterms.web import accounts


def test_user_add_with_password_from_stdin_then_token(db_url: str) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["--db", db_url, "user", "add", "Boss@Biz.example", "--role", "owner", "--password-stdin"],
        input="a long enough secret\n",
    )
    assert added.exit_code == 0, added.output
    gt = Goodterms.open(db_url)
    assert accounts.verify_login(engine=gt.engine, email="boss@biz.example", password="a long enough secret")
    token = runner.invoke(app, ["--db", db_url, "token", "create", "boss@biz.example"])
    assert token.exit_code == 0
    assert accounts.token_user(engine=gt.engine, token=token.output.strip()) is not None
    gt.engine.dispose()


def test_user_add_without_password_prints_a_setup_link(db_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, "user", "add", "desk@biz.example", "--role", "staff"])
    assert result.exit_code == 0
    assert "/setup/" in result.output


def test_bad_role_is_a_clear_error(db_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, "user", "add", "x@biz.example", "--role", "admin"])
    assert result.exit_code == 2
    assert "role must be one of" in result.output
    assert "Traceback" not in result.output


def test_token_for_unknown_user_is_a_clear_error(db_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", db_url, "token", "create", "ghost@biz.example"])
    assert result.exit_code == 2
    assert "no user" in result.output
