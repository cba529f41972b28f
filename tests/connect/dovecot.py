"""A real Dovecot IMAP server on 127.0.0.1 for the mailbox tests, set up in a temporary folder.

Dovecot runs as root (as here and in CI) and drops to the ``mail`` user for mail storage and to
``dovenull``/``dovecot`` for logins; its whole state (base_dir, state_dir, logs, maildirs, the
passwd-file and a self-signed certificate made with ``openssl req -x509``) lives in one folder that
the fixture removes. It listens on two free ports: plain IMAP offering STARTTLS, and implicit TLS.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.desk.conftest import free_port

DOVECOT = Path(os.environ.get("GOODTERMS_DOVECOT", "/usr/sbin/dovecot"))
DOVEADM = Path(os.environ.get("GOODTERMS_DOVEADM", "/usr/bin/doveadm"))

_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = goodterms-test-{imap_port}
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_uid = mail
mail_gid = mail
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@dataclass
class Dovecot:
    """One running Dovecot: its ports, the certificate clients must trust, and its users."""

    root: Path
    imap_port: int
    imaps_port: int
    cert: Path

    @property
    def conf(self) -> Path:
        return self.root / "dovecot.conf"

    def add_users(self, users: dict[str, str]) -> None:
        """Write the passwd-file users (before the first login: Dovecot rereads it only by mtime)."""
        with (self.root / "passwd").open("a", encoding="utf-8") as fh:
            for user, password in users.items():
                fh.write(f"{user}:{{PLAIN}}{password}::::::\n")

    def client(self, user: str, password: str) -> IMAPClient:
        """Return a logged-in client over implicit TLS (for delivering and inspecting mail)."""
        ctx = ssl.create_default_context(cafile=str(self.cert))
        imap = IMAPClient("127.0.0.1", self.imaps_port, ssl=True, ssl_context=ctx, timeout=30)
        imap.login(user, password)
        return imap

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the master (``doveadm stop``; SIGTERM to the master if that fails) and wait for it."""
        pid_file = self.root / "run" / "master.pid"
        pid = int(pid_file.read_text().strip()) if pid_file.exists() else None
        stopped = subprocess.run(
            [str(DOVEADM), "-c", str(self.conf), "stop"], capture_output=True, timeout=30, check=False
        )
        if stopped.returncode != 0 and pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            if pid is None or not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.05)


def start_dovecot() -> Dovecot:
    """Write a configuration in a fresh folder, make a certificate, start Dovecot and wait for it."""
    import pwd

    mail = pwd.getpwnam("mail")
    # Not under pytest's 0700 tmp folder: the mail user must reach the maildirs.
    root = Path(tempfile.mkdtemp(prefix="goodterms-dovecot-"))
    root.chmod(0o755)
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, mail.pw_uid, mail.pw_gid)
    (root / "passwd").write_text("", encoding="utf-8")
    (root / "passwd").chmod(0o644)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = Dovecot(root, free_port(), free_port(), root / "cert.pem")
    server.conf.write_text(
        _CONF.format(
            root=root,
            imap_port=server.imap_port,
            imaps_port=server.imaps_port,
            mail_uid=mail.pw_uid,
            mail_gid=mail.pw_gid,
        ),
        encoding="utf-8",
    )
    # Dovecot forks into the background; its output goes to a file so that nothing waits on a pipe.
    with (root / "start.log").open("w") as out:
        started = subprocess.run(
            [str(DOVECOT), "-c", str(server.conf)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            timeout=60,
        )
    if started.returncode != 0:
        text = (root / "start.log").read_text(errors="replace").strip()
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"dovecot did not start: {text}")
    _wait_for(server)
    return server


def _wait_for(server: Dovecot) -> None:
    import socket

    for _ in range(200):  # Dovecot forks its listeners within a moment; this only waits for them
        try:
            with (
                socket.create_connection(("127.0.0.1", server.imaps_port), timeout=1),
                socket.create_connection(("127.0.0.1", server.imap_port), timeout=1),
            ):
                return
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"dovecot did not listen on 127.0.0.1:{server.imaps_port}:\n{server.log()}")


def stop_dovecot(server: Dovecot) -> None:
    """Stop the server and remove its folder."""
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
