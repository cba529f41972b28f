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


def _owner_and_token(db_url: str, email: str = "boss@biz.example") -> tuple[CliRunner, str]:
    runner = CliRunner()
    for who, role in ((email, "owner"), ("desk@biz.example", "staff")):
        added = runner.invoke(
            app,
            ["--db", db_url, "user", "add", who, "--role", role, "--password-stdin"],
            input="a long enough secret\n",
        )
        assert added.exit_code == 0, added.output
    token = runner.invoke(app, ["--db", db_url, "token", "create", "desk@biz.example"])
    assert token.exit_code == 0, token.output
    return runner, token.output.strip()


def test_token_list_and_revoke_stop_a_token_at_once(db_url: str) -> None:
    runner, token = _owner_and_token(db_url)
    gt = Goodterms.open(db_url)
    listed = runner.invoke(app, ["--db", db_url, "token", "list"])
    assert listed.exit_code == 0 and "desk@biz.example" in listed.output and "live" in listed.output
    assert token not in listed.output
    token_id = listed.output.split("\t", 1)[0]
    revoked = runner.invoke(app, ["--db", db_url, "token", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert accounts.token_user(engine=gt.engine, token=token) is None
    again = runner.invoke(app, ["--db", db_url, "token", "revoke", token_id])
    assert again.exit_code == 2 and "revoked already" in again.output and "Traceback" not in again.output
    fresh = runner.invoke(app, ["--db", db_url, "token", "create", "desk@biz.example"]).output.strip()
    every = runner.invoke(app, ["--db", db_url, "token", "revoke", "--user", "desk@biz.example"])
    assert every.exit_code == 0 and "revoked 1 API token(s)" in every.output
    assert accounts.token_user(engine=gt.engine, token=fresh) is None
    neither = runner.invoke(app, ["--db", db_url, "token", "revoke"])
    assert neither.exit_code == 2 and "give a token id or --user" in neither.output
    gt.engine.dispose()


def test_user_remove_stops_their_sessions_and_tokens_at_once(db_url: str) -> None:
    runner, token = _owner_and_token(db_url)
    gt = Goodterms.open(db_url)
    user = accounts.verify_login(engine=gt.engine, email="desk@biz.example", password="a long enough secret")
    assert user is not None
    session = accounts.start_session(engine=gt.engine, user=user)
    removed = runner.invoke(app, ["--db", db_url, "user", "remove", "desk@biz.example"])
    assert removed.exit_code == 0, removed.output
    assert accounts.token_user(engine=gt.engine, token=token) is None
    assert accounts.session_user(engine=gt.engine, key=session) is None
    assert (
        accounts.verify_login(engine=gt.engine, email="desk@biz.example", password="a long enough secret")
        is None
    )
    last = runner.invoke(app, ["--db", db_url, "user", "remove", "boss@biz.example"])
    assert last.exit_code == 2 and "only owner" in last.output and "Traceback" not in last.output
    ghost = runner.invoke(app, ["--db", db_url, "user", "remove", "ghost@biz.example"])
    assert ghost.exit_code == 2 and "no user ghost@biz.example" in ghost.output
    gt.engine.dispose()
