"""The connection to the outgoing mail server (SMTP submission): TLS, certificate checks, AUTH.

``Relay`` holds where and how to connect; the password is never stored, only the name of the
environment variable or the path of the file that holds it, read when connecting. ``connect``
opens the session: implicit TLS (port 465), STARTTLS (port 587) or plain (a local relay), with
the server's certificate verified against the system's trust store or ``ca_file``. AUTH (PLAIN or
LOGIN) is only ever sent inside TLS; over a plain connection it is refused before any credential
leaves this machine.

Every problem is a ``RelayError`` (an ``OSError``, so callers that retry an unreachable relay
retry these too) with a one-line message in words. ``RelaySetupError`` marks the ones that
retrying cannot fix (wrong password, untrusted certificate, missing secret): the outbox keeps its
rows queued and the sender reports the problem instead of blaming any message.
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

TLS_MODES = ("implicit", "starttls", "none")
TlsMode = Literal["implicit", "starttls", "none"]
#: Seconds to wait for the relay on connect and on each reply.
TIMEOUT_S = 30.0


class RelayError(OSError):
    """The relay could not be used right now (message in words)."""


class RelaySetupError(RelayError):
    """The relay settings are wrong or incomplete: retrying will not help until someone fixes them."""


@dataclass(frozen=True)
class Relay:
    """Where and how to submit outgoing mail."""

    host: str
    port: int
    tls: TlsMode = "none"
    user: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    ca_file: str | None = None

    @property
    def where(self) -> str:
        """HOST:PORT (TLS mode) for messages."""
        return f"{self.host}:{self.port} ({'no TLS' if self.tls == 'none' else self.tls + ' TLS'})"

    def check(self) -> None:
        """Raise ``RelaySetupError`` if these settings cannot work, before any connection."""
        if self.tls not in TLS_MODES:
            raise RelaySetupError(f"relay TLS must be one of {', '.join(TLS_MODES)}, not {self.tls!r}")
        if self.user is None:
            if self.password_env or self.password_file:
                raise RelaySetupError(
                    "a relay password is given but no relay user (--relay-user / relay_user)"
                )
            return
        if self.tls == "none":
            raise RelaySetupError(
                f"relay {self.host}:{self.port}: refusing to send the password for {self.user!r} without TLS; "
                "use --relay-tls starttls or implicit (relay_tls)"
            )
        if bool(self.password_env) == bool(self.password_file):
            raise RelaySetupError(
                f"relay user {self.user!r} needs exactly one of --relay-password-env VAR or "
                "--relay-password-file PATH (relay_password_env / relay_password_file)"
            )
        if self.ca_file is not None and not Path(self.ca_file).is_file():
            raise RelaySetupError(f"relay CA file {self.ca_file}: no such file")
        self.password()

    def password(self) -> str:
        """Read the password from its variable or file; raise ``RelaySetupError`` naming what is missing."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if not value:
                raise RelaySetupError(
                    f"the relay password variable {self.password_env} is not set (or empty) in this environment"
                )
            return value
        if self.password_file:
            try:
                text = Path(self.password_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise RelaySetupError(
                    f"the relay password file {self.password_file} cannot be read: {exc.strerror or exc}"
                ) from exc
            value = text.strip("\r\n")
            if not value:
                raise RelaySetupError(f"the relay password file {self.password_file} is empty")
            return value
        raise RelaySetupError(f"relay user {self.user!r} has no password source")

    def tls_context(self) -> ssl.SSLContext:
        """A context that verifies the server's certificate and name (against ``ca_file`` if given)."""
        try:
            return ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise RelaySetupError(f"relay CA file {self.ca_file} cannot be used: {exc}") from exc


def connect(relay: Relay) -> smtplib.SMTP:
    """Open a ready session with the relay (TLS up, logged in); the caller closes it (``with``)."""
    relay.check()
    smtp: smtplib.SMTP
    try:
        if relay.tls == "implicit":
            smtp = smtplib.SMTP_SSL(relay.host, relay.port, timeout=TIMEOUT_S, context=relay.tls_context())
        else:
            smtp = smtplib.SMTP(relay.host, relay.port, timeout=TIMEOUT_S)
    except ssl.SSLCertVerificationError as exc:
        raise _untrusted(relay, exc) from exc
    except ssl.SSLError as exc:
        raise RelayError(f"relay {relay.where}: the TLS handshake failed: {exc.reason or exc}") from exc
    try:
        _secure_and_login(smtp, relay)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _secure_and_login(smtp: smtplib.SMTP, relay: Relay) -> None:
    smtp.ehlo_or_helo_if_needed()
    if relay.tls == "starttls":
        if not smtp.has_extn("starttls"):
            raise RelaySetupError(
                f"relay {relay.where}: the server does not offer STARTTLS; nothing was sent "
                "(check the port: 587 is STARTTLS, 465 implicit TLS)"
            )
        try:
            smtp.starttls(context=relay.tls_context())
        except ssl.SSLCertVerificationError as exc:
            raise _untrusted(relay, exc) from exc
        except ssl.SSLError as exc:
            raise RelayError(f"relay {relay.where}: the TLS handshake failed: {exc.reason or exc}") from exc
        smtp.ehlo()
    if relay.user is None:
        return
    if relay.tls == "none":  # check() refuses this too; never send a credential in clear text
        raise RelaySetupError(f"relay {relay.where}: refusing to log in without TLS")
    offered = (smtp.esmtp_features.get("auth") or "").upper().split()
    mechanism = next((name for name in ("PLAIN", "LOGIN") if name in offered), None)
    if mechanism is None:
        raise RelaySetupError(
            f"relay {relay.where}: the server offers no PLAIN or LOGIN login "
            f"(it offers: {' '.join(offered) or 'none'})"
        )
    try:
        _login(smtp, mechanism, relay.user, relay.password())
    except smtplib.SMTPAuthenticationError as exc:
        if exc.smtp_code >= 500:
            raise RelaySetupError(
                f"relay {relay.where}: the server refused the login of {relay.user!r} "
                f"({exc.smtp_code} {_text(exc.smtp_error)}); check the user and password "
                "(an app password for Google, SMTP AUTH enabled for Microsoft 365)"
            ) from exc
        raise RelayError(
            f"relay {relay.where}: login not possible right now ({exc.smtp_code} {_text(exc.smtp_error)})"
        ) from exc


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _login(smtp: smtplib.SMTP, mechanism: str, user: str, password: str) -> None:
    """AUTH PLAIN or LOGIN with UTF-8 credentials (smtplib's own login takes ASCII only)."""
    if mechanism == "PLAIN":
        code, reply = smtp.docmd("AUTH", "PLAIN " + _b64(f"\0{user}\0{password}"))
    else:
        code, reply = smtp.docmd("AUTH", "LOGIN " + _b64(user))
        if code == 334:
            code, reply = smtp.docmd(_b64(password))
    if code not in (235, 503):  # 503: already logged in
        raise smtplib.SMTPAuthenticationError(code, reply)


def _untrusted(relay: Relay, exc: ssl.SSLCertVerificationError) -> RelaySetupError:
    hint = (
        "check relay_ca_file"
        if relay.ca_file
        else "give --relay-ca-file (relay_ca_file) if it uses a private CA"
    )
    return RelaySetupError(
        f"relay {relay.where}: its certificate could not be verified ({exc.verify_message or exc}); "
        f"nothing was sent; {hint}"
    )


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
