"""Users, roles, server-side sessions, API tokens and the append-only audit log.

Secrets (session keys, API tokens, setup links) are random and only their SHA-256 is stored;
passwords are argon2id hashes. No user exists until someone runs ``goodterms user add``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from goodterms.ledger import models as m

ROLES = ("owner", "manager", "staff")
SESSION_IDLE = timedelta(hours=12)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verifying against this keeps an unknown e-mail as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """A user operation that cannot be done (unknown user, bad role, weak password)."""


class UnknownAccount(AccountError):
    """No such user or API token."""


@dataclass(frozen=True)
class User:
    """A signed-in person as the web app sees them."""

    id: int
    email: str
    role: str
    sees_money: bool
    language: str

    @property
    def money(self) -> bool:
        """Whether money figures may be shown to this user."""
        return self.role in ("owner", "manager") or self.sees_money


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row: m.WebUser) -> User:
    return User(row.id, row.email, row.role, row.sees_money, row.language)


def audit(
    *, engine: Engine, action: str, actor: str | None, detail: dict[str, Any], ip: str | None = None
) -> None:
    """Append one entry to the audit log (never updated, never deleted by goodterms)."""
    with Session(engine) as session, session.begin():
        session.add(m.AuditEntry(at=datetime.now(UTC), actor=actor, action=action, detail=detail, ip=ip))


def audit_entries(*, engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """Return the newest audit entries first."""
    with Session(engine) as session:
        rows = session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id.desc()).limit(limit)).all()
        return [
            {"at": r.at.isoformat(), "actor": r.actor, "action": r.action, "detail": r.detail, "ip": r.ip}
            for r in rows
        ]


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short to be worth hashing."""
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")


def add_user(
    *,
    engine: Engine,
    email: str,
    role: str,
    password: str | None = None,
    sees_money: bool = False,
    language: str = "en",
    actor: str | None = None,
) -> str | None:
    """Create a user; with no password return a one-time setup secret for a setup link."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    setup = None
    if password is not None:
        check_password_strength(password)
    else:
        setup = secrets.token_urlsafe(24)
    with Session(engine) as session, session.begin():
        if session.scalar(select(m.WebUser.id).where(m.WebUser.email == email)) is not None:
            raise AccountError(f"a user {email} already exists")
        session.add(
            m.WebUser(
                email=email,
                role=role,
                password_hash=_hasher.hash(password) if password is not None else None,
                setup_hash=_digest(setup) if setup else None,
                sees_money=sees_money,
                language=language if language in ("th", "et", "en") else "en",
                created_at=datetime.now(UTC),
            )
        )
    audit(engine=engine, action="user.add", actor=actor, detail={"email": email, "role": role})
    return setup


def set_role(*, engine: Engine, email: str, role: str, actor: str | None) -> None:
    """Change a user's role; their sessions end so the new role applies at once."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with Session(engine) as session, session.begin():
        row = session.scalar(select(m.WebUser).where(m.WebUser.email == email.lower()))
        if row is None:
            raise AccountError(f"no user {email}")
        before, row.role = row.role, role
        session.execute(
            update(m.WebSession)
            .where(m.WebSession.user_id == row.id, m.WebSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    audit(engine=engine, action="user.role", actor=actor, detail={"email": email, "from": before, "to": role})


def complete_setup(*, engine: Engine, secret: str, password: str) -> User:
    """Set the password of the user whose one-time setup secret this is; the secret is then spent."""
    check_password_strength(password)
    with Session(engine) as session, session.begin():
        row = session.scalar(select(m.WebUser).where(m.WebUser.setup_hash == _digest(secret)))
        if row is None:
            raise AccountError("this setup link is not valid (used already?)")
        row.password_hash = _hasher.hash(password)
        row.setup_hash = None
        user = _user(row)
    audit(engine=engine, action="user.setup", actor=user.email, detail={})
    return user


def new_setup_link(*, engine: Engine, email: str, actor: str | None) -> str:
    """Return a fresh one-time setup secret for an existing user: their password and sessions end.

    For a person who lost their password, and for ``make web``, which signs in the demo owner anew
    each time without keeping a password anywhere.
    """
    secret = secrets.token_urlsafe(24)
    email = email.strip().lower()
    with Session(engine) as session, session.begin():
        row = session.scalar(select(m.WebUser).where(m.WebUser.email == email))
        if row is None:
            raise UnknownAccount(f"no user {email}")
        row.password_hash = None
        row.setup_hash = _digest(secret)
        session.execute(
            update(m.WebSession)
            .where(m.WebSession.user_id == row.id, m.WebSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    audit(engine=engine, action="user.setup_link", actor=actor, detail={"email": email})
    return secret


def verify_login(*, engine: Engine, email: str, password: str) -> User | None:
    """Return the user when the password is right, else None (same work either way)."""
    with Session(engine) as session:
        row = session.scalar(select(m.WebUser).where(m.WebUser.email == email.strip().lower()))
        stored = row.password_hash if row is not None else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        return _user(row)


def start_session(*, engine: Engine, user: User, replaces: str | None = None) -> str:
    """Create a fresh session for the user and return its key; the key it replaces is revoked."""
    key = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        if replaces:
            session.execute(
                update(m.WebSession).where(m.WebSession.key_hash == _digest(replaces)).values(revoked_at=now)
            )
        session.add(m.WebSession(key_hash=_digest(key), user_id=user.id, created_at=now, seen_at=now))
    return key


def end_session(*, engine: Engine, key: str) -> None:
    """Revoke one session (logout)."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(m.WebSession)
            .where(m.WebSession.key_hash == _digest(key), m.WebSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


def _revoke_all(engine: Engine, email: str, table: type[m.WebSession] | type[m.ApiToken]) -> int:
    """Revoke every live session or API token (``table``) of a user; return how many."""
    with Session(engine) as session, session.begin():
        uid = session.scalar(select(m.WebUser.id).where(m.WebUser.email == email.strip().lower()))
        if uid is None:
            raise UnknownAccount(f"no user {email}")
        result = session.execute(
            update(table)
            .where(table.user_id == uid, table.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
        return int(getattr(result, "rowcount", 0) or 0)


def revoke_sessions(*, engine: Engine, email: str) -> int:
    """Revoke every live session of a user; return how many."""
    return _revoke_all(engine, email, m.WebSession)


def session_user(*, engine: Engine, key: str) -> User | None:
    """Return the user of a live session key, refreshing its last-seen time."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        found = session.execute(
            select(m.WebSession, m.WebUser)
            .join(m.WebUser, m.WebUser.id == m.WebSession.user_id)
            .where(m.WebSession.key_hash == _digest(key), m.WebSession.revoked_at.is_(None))
        ).first()
        if found is None:
            return None
        sess, row = found
        if now - sess.seen_at > SESSION_IDLE:
            sess.revoked_at = now
            return None
        if now - sess.seen_at > timedelta(minutes=1):
            sess.seen_at = now
        return _user(row)


def create_token(*, engine: Engine, email: str, actor: str | None = None) -> str:
    """Create an API token for a user and return it (shown once; only its hash is kept)."""
    token = "gt_" + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        uid = session.scalar(select(m.WebUser.id).where(m.WebUser.email == email.strip().lower()))
        if uid is None:
            raise AccountError(f"no user {email}")
        session.add(m.ApiToken(token_hash=_digest(token), user_id=uid, created_at=datetime.now(UTC)))
    audit(engine=engine, action="token.create", actor=actor, detail={"email": email})
    return token


def token_user(*, engine: Engine, token: str) -> User | None:
    """Return the user of a live API token."""
    with Session(engine) as session:
        row = session.scalar(
            select(m.WebUser)
            .join(m.ApiToken, m.ApiToken.user_id == m.WebUser.id)
            .where(m.ApiToken.token_hash == _digest(token), m.ApiToken.revoked_at.is_(None))
        )
        return _user(row) if row is not None else None


def list_tokens(*, engine: Engine, email: str | None = None) -> list[dict[str, Any]]:
    """Return the API tokens (all, or one user's), oldest first: id, user, when made, when revoked."""
    query = (
        select(m.ApiToken, m.WebUser.email)
        .join(m.WebUser, m.WebUser.id == m.ApiToken.user_id)
        .order_by(m.ApiToken.id)
    )
    if email is not None:
        query = query.where(m.WebUser.email == email.strip().lower())
    with Session(engine) as session:
        return [
            {
                "id": token.id,
                "email": owner,
                "created_at": token.created_at.isoformat(),
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token, owner in session.execute(query).all()
        ]


def revoke_token(*, engine: Engine, token_id: int, actor: str | None) -> str:
    """Revoke one API token by its id (``goodterms token list``); return whose it was."""
    with Session(engine) as session, session.begin():
        found = session.execute(
            select(m.ApiToken, m.WebUser.email)
            .join(m.WebUser, m.WebUser.id == m.ApiToken.user_id)
            .where(m.ApiToken.id == token_id)
        ).first()
        if found is None:
            raise UnknownAccount(f"no API token {token_id}")
        token, email = found
        if token.revoked_at is not None:
            raise AccountError(f"API token {token_id} is revoked already")
        token.revoked_at = datetime.now(UTC)
    audit(engine=engine, action="token.revoke", actor=actor, detail={"token": token_id, "email": email})
    return str(email)


def revoke_tokens(*, engine: Engine, email: str, actor: str | None) -> int:
    """Revoke every live API token of a user; return how many."""
    email = email.strip().lower()
    count = _revoke_all(engine, email, m.ApiToken)
    audit(engine=engine, action="token.revoke", actor=actor, detail={"email": email, "count": count})
    return count


def remove_user(*, engine: Engine, email: str, actor: str | None) -> None:
    """Remove a user: their sessions, API tokens and saved views go with them, so nothing of theirs works.

    The last owner cannot be removed (nobody could manage users on the web any more).
    """
    email = email.strip().lower()
    with Session(engine) as session, session.begin():
        row = session.scalar(select(m.WebUser).where(m.WebUser.email == email))
        if row is None:
            raise UnknownAccount(f"no user {email}")
        if row.role == "owner":
            owners = session.scalar(select(func.count()).where(m.WebUser.role == "owner"))
            if (owners or 0) <= 1:
                raise AccountError(f"{email} is the only owner; make someone else owner first")
        for table in (m.WebSession, m.ApiToken, m.SavedView):
            session.execute(delete(table).where(table.user_id == row.id))
        session.delete(row)
    audit(engine=engine, action="user.remove", actor=actor, detail={"email": email})


def list_users(*, engine: Engine) -> list[dict[str, Any]]:
    """Return every user (never their secrets) with how many live API tokens they hold."""
    live = (
        select(m.ApiToken.user_id, func.count().label("n"))
        .where(m.ApiToken.revoked_at.is_(None))
        .group_by(m.ApiToken.user_id)
        .subquery()
    )
    with Session(engine) as session:
        rows = session.execute(
            select(m.WebUser, live.c.n)
            .outerjoin(live, live.c.user_id == m.WebUser.id)
            .order_by(m.WebUser.email)
        ).all()
        return [
            {
                "email": r.email,
                "role": r.role,
                "sees_money": r.sees_money,
                "language": r.language,
                "pending_setup": r.password_hash is None,
                "tokens": int(n or 0),
            }
            for r, n in rows
        ]
