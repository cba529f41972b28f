"""``goodterms serve``, ``goodterms user …`` (add, link, role, logout, remove) and ``goodterms token …``."""

from __future__ import annotations

import os
import sys

import typer

from goodterms.cli.app import app, open_app

user_app = typer.Typer(help="Manage the people who sign in to the web app.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens (Authorization: Bearer).", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


#: Where ``goodterms serve`` listens unless told otherwise; setup links point there by default.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
BASE_URL_HELP = (
    "Where the web app is served, for the setup link (default: GOODTERMS_WEB_URL, else "
    f"http://{DEFAULT_HOST}:{DEFAULT_PORT}, where `goodterms serve` listens by default)."
)


def _base_url(value: str | None) -> str:
    url = (value or os.environ.get("GOODTERMS_WEB_URL") or f"http://{DEFAULT_HOST}:{DEFAULT_PORT}").strip()
    if not url.startswith(("http://", "https://")) or url.rstrip("/").count("/") > 2:
        _fail(f"the web app's address must look like http://HOST:PORT, not {url!r}")
    return url.rstrip("/")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def serve(
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on."),
    port: int = typer.Option(DEFAULT_PORT, help="Port to listen on."),
    refresh: bool = typer.Option(
        True,
        "--refresh/--no-refresh",
        help="Keep the stored assessments current from this process (clients whose ledger changed every "
        "30 s, everyone every 15 minutes). Use --no-refresh when `goodterms run` or workers do it.",
    ),
) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn

    from goodterms.service.schedule import AssessmentRefresher
    from goodterms.web.app import create_app

    gt = open_app()
    refresher = AssessmentRefresher(gt) if refresh else None
    if refresher is not None:
        refresher.start()
    try:
        uvicorn.run(create_app(gt), host=host, port=port, proxy_headers=False, server_header=False)
    finally:
        if refresher is not None:
            refresher.stop()


@user_app.command("add")
def user_add(
    email: str = typer.Argument(..., help="The person's e-mail address (their login)."),
    role: str = typer.Option(..., "--role", help="owner, manager or staff."),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from stdin instead of printing a one-time setup link.",
    ),
    money: bool = typer.Option(False, "--money", help="Let a staff member see money figures."),
    language: str = typer.Option("en", help="Interface language: th, et or en."),
    base_url: str | None = typer.Option(None, "--base-url", help=BASE_URL_HELP),
) -> None:
    """Add a user; without --password-stdin print a one-time setup link."""
    from goodterms.web.accounts import AccountError, add_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    url = _base_url(base_url)
    gt = open_app()
    try:
        setup = add_user(
            engine=gt.engine,
            email=email,
            role=role,
            password=password,
            sees_money=money,
            language=language,
            actor="cli",
        )
    except AccountError as exc:
        _fail(str(exc))
    if setup:
        typer.echo(f"setup link (works once): {url}/setup/{setup}")
    else:
        typer.echo(f"added {email.lower()} ({role})")


@user_app.command("link")
def user_link(
    email: str = typer.Argument(..., help="The user's e-mail address."),
    base_url: str | None = typer.Option(None, "--base-url", help=BASE_URL_HELP),
) -> None:
    """Print a fresh one-time setup link for a user; their password and sessions stop working."""
    from goodterms.web.accounts import AccountError, new_setup_link

    url = _base_url(base_url)
    try:
        link = f"{url}/setup/{new_setup_link(engine=open_app().engine, email=email, actor='cli')}"
    except AccountError as exc:
        _fail(str(exc))
    else:
        typer.echo(f"setup link (works once): {link}")


@user_app.command("role")
def user_role(
    email: str = typer.Argument(..., help="The user's e-mail address."),
    role: str = typer.Option(..., "--role", help="owner, manager or staff."),
) -> None:
    """Change a user's role (their sessions end)."""
    from goodterms.web.accounts import AccountError, set_role

    gt = open_app()
    try:
        set_role(engine=gt.engine, email=email, role=role, actor="cli")
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"{email.lower()} is now {role}")


@user_app.command("logout")
def user_logout(email: str = typer.Argument(..., help="The user's e-mail address.")) -> None:
    """Revoke every session of a user."""
    from goodterms.web.accounts import AccountError, revoke_sessions

    gt = open_app()
    try:
        n = revoke_sessions(engine=gt.engine, email=email)
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"revoked {n} session(s)")


@user_app.command("remove")
def user_remove(email: str = typer.Argument(..., help="The user's e-mail address.")) -> None:
    """Remove a user: their sessions and API tokens stop working at once (not the last owner)."""
    from goodterms.web.accounts import AccountError, remove_user

    gt = open_app()
    try:
        remove_user(engine=gt.engine, email=email, actor="cli")
    except AccountError as exc:
        _fail(str(exc))
    typer.echo(f"removed {email.strip().lower()}; their sessions and API tokens no longer work")


@token_app.command("create")
def token_create(email: str = typer.Argument(..., help="The user the token acts as.")) -> None:
    """Create an API token and print it once."""
    from goodterms.web.accounts import AccountError, create_token

    gt = open_app()
    try:
        token = create_token(engine=gt.engine, email=email, actor="cli")
    except AccountError as exc:
        _fail(str(exc))
        return
    typer.echo(token)


@token_app.command("list")
def token_list(
    email: str | None = typer.Argument(None, help="Only this user's tokens."),
) -> None:
    """List API tokens (never the tokens themselves): id, user, when created, whether revoked."""
    from goodterms.web.accounts import list_tokens

    gt = open_app()
    rows = list_tokens(engine=gt.engine, email=email)
    if not rows:
        typer.echo("no API tokens")
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "live"
        typer.echo(f"{row['id']}\t{row['email']}\tcreated {row['created_at']}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: int | None = typer.Argument(None, help="The token's id (see `goodterms token list`)."),
    user: str | None = typer.Option(None, "--user", help="Revoke every token of this user instead."),
) -> None:
    """Revoke an API token by id, or every token of a user (--user); it stops working at once."""
    from goodterms.web.accounts import AccountError, revoke_token, revoke_tokens

    if (token_id is None) == (user is None):
        _fail("give a token id or --user EMAIL (one of them)")
    gt = open_app()
    try:
        if token_id is not None:
            email = revoke_token(engine=gt.engine, token_id=token_id, actor="cli")
            typer.echo(f"revoked API token {token_id} of {email}")
        elif user is not None:
            n = revoke_tokens(engine=gt.engine, email=user, actor="cli")
            typer.echo(f"revoked {n} API token(s) of {user.strip().lower()}")
    except AccountError as exc:
        _fail(str(exc))
