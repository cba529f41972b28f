"""The ``[[mailbox]]`` entries of goodterms.toml: where the business's mail is read from.

Only the name of the password's environment variable or the path of its file is kept here,
never the password itself.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class PasswordMissing(ValueError):
    """The mailbox's password variable is unset, or its password file cannot be read."""


class MailboxSettings(BaseModel):
    """One IMAP mailbox whose mail the desk takes in (``goodterms mailbox add`` writes these)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="Short name of the mailbox, used by `goodterms mailbox fetch NAME`.")
    host: str = Field(description="IMAP server, e.g. imap.gmail.com.")
    port: int = Field(993, ge=1, le=65535, description="IMAP port: 993 for implicit TLS, 143 for STARTTLS.")
    user: str = Field(description="Login name, usually the mailbox's address.")
    tls: Literal["implicit", "starttls"] = Field(
        "implicit", description="implicit (TLS from the start, port 993) or starttls (port 143)."
    )
    folders: list[str] = Field(
        default_factory=lambda: ["INBOX"],
        description="Folders to read; mail in a Sent folder (or from the business) is our side of the talk.",
    )
    password_env: str | None = Field(
        None, description="Name of the environment variable that holds the password (never the password)."
    )
    password_file: str | None = Field(
        None, description="Path of a file that holds the password (never the password itself)."
    )
    ca_file: str | None = Field(
        None, description="PEM file of a private certificate authority; certificates are always verified."
    )
    since: date | None = Field(
        None,
        description="Read only mail the server received on or after this day (`mailbox add` sets the day it "
        "was added, so old mail is not acknowledged now); none: every message in the folders.",
    )
    mark_seen: bool = Field(
        False,
        description="Mark mail as read once stored (off: goodterms reads with BODY.PEEK, flags untouched).",
    )
    poll_seconds: float = Field(
        300.0, gt=0, description="`mailbox watch`: seconds between checks (IMAP IDLE wakes it sooner)."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_secret(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "a password never goes in goodterms.toml; give password_env (a variable's name) "
                "or password_file (a file's path)"
            )
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use letters, digits, '.', '_' or '-' (at most 100), e.g. office")
        return value

    @field_validator("folders")
    @classmethod
    def _folders(cls, value: list[str]) -> list[str]:
        folders = [f.strip() for f in value if f.strip()]
        if not folders:
            raise ValueError("name at least one folder, e.g. INBOX")
        return list(dict.fromkeys(folders))

    @model_validator(mode="after")
    def _one_password_source(self) -> MailboxSettings:
        if (self.password_env is None) == (self.password_file is None):
            raise ValueError("give exactly one of password_env or password_file")
        return self

    def password(self) -> str:
        """Return the password from its variable or file, or say clearly which one is missing."""
        if self.password_env is not None:
            value = os.environ.get(self.password_env)
            if not value:
                raise PasswordMissing(
                    f"mailbox {self.name}: the environment variable {self.password_env} "
                    "that should hold its password is not set"
                )
            return value
        path = Path(self.password_file or "").expanduser()
        try:
            value = path.read_text(encoding="utf-8").strip("\r\n")
        except FileNotFoundError:
            raise PasswordMissing(f"mailbox {self.name}: password file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PasswordMissing(f"mailbox {self.name}: cannot read password file {path}: {exc}") from None
        if not value:
            raise PasswordMissing(f"mailbox {self.name}: password file {path} is empty")
        return value
