"""``goodterms serve``, ``goodterms user add`` and ``goodterms token create``."""

from __future__ import annotations

import sys

import typer

from goodterms.cli.app import app, open_app

user_app = typer.Typer(help="Manage the people who sign in to the web app.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens (Authorization: Bearer).", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the web app and the JSON API."""
    import uvicorn

    from goodterms.web.app import create_app

    gt = open_app()
    uvicorn.run(create_app(gt), host=host, port=port, proxy_headers=False, server_header=False)


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
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", help="Where the web app is served (for the setup link)."
    ),
) -> None:
    """Add a user; without --password-stdin print a one-time setup link."""
    from goodterms.web.accounts import AccountError, add_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
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
        typer.echo(f"setup link (works once): {base_url.rstrip('/')}/setup/{setup}")
    else:
        typer.echo(f"added {email.lower()} ({role})")


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
