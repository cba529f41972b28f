"""Mailboxes under ``goodterms run``: each ``[[mailbox]]`` polled every ``poll_seconds`` and shown in /healthz."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import tomli_w

from tests.connect.conftest import Account, account, dovecot, mail  # noqa: F401  (fixtures used here)
from tests.desk.conftest import Sink, free_port
from tests.service.conftest import WAIT_S, Run
from tests.service.test_run import _wait


def _configure(config: Path, **box: object) -> None:
    config.write_text(tomli_w.dumps({"mailbox": [{"name": "office", "folders": ["INBOX"], **box}]}), "utf-8")


def test_each_mailbox_is_polled_acknowledged_once_and_reported(
    running: Run,
    sink: tuple[Sink, str, int],
    account: Account,  # noqa: F811
) -> None:
    handler = sink[0]
    settings = account.settings(poll_seconds=0.5, folders=["INBOX"])
    _configure(running.config, **settings.model_dump(exclude_none=True, exclude={"name", "folders"}))
    first = mail("jane@example.com", "Quote please", "Could you quote a two-hour transcript?")
    account.append("INBOX", first)
    running.start()
    _wait(lambda: len(handler.messages) >= 1, "the first acknowledgement", running)
    second = mail("mari@example.ee", "Arve", "Palun saatke märtsi arve.")
    account.append("INBOX", second)  # found by a later poll of the same running process
    _wait(lambda: len(handler.messages) >= 2, "the second acknowledgement", running)
    body = running.health()
    assert body is not None and body["_code"] == 200
    assert body["parts"]["mailbox office"]["state"] == "running"
    assert running.stop() == 0
    assert sorted(str(a["In-Reply-To"]) for a in handler.messages) == sorted(
        [str(first["Message-ID"]), str(second["Message-ID"])]
    )


def test_a_mailbox_that_cannot_be_read_makes_healthz_503_with_the_reason(
    running: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GT_RUN_TEST_NO_SUCH_VARIABLE", raising=False)
    _configure(
        running.config,
        host="127.0.0.1",
        port=free_port(),
        user="desk@siamscribe.example",
        password_env="GT_RUN_TEST_NO_SUCH_VARIABLE",
        poll_seconds=0.5,
    )
    running.start_when = "answering"
    running.start()
    deadline = time.monotonic() + WAIT_S
    body = running.health()
    # Each part joins /healthz as it starts: wait for the web app's as well as the mailbox's.
    while (body is None or not {"mailbox office", "web"} <= body.get("parts", {}).keys()) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
        body = running.health()
    assert body is not None and body["_code"] == 503 and body["status"] == "degraded"
    box = body["parts"]["mailbox office"]
    assert box["state"] == "failing" and not box["healthy"]
    assert "GT_RUN_TEST_NO_SUCH_VARIABLE" in box["detail"]
    assert body["parts"]["web"]["healthy"]
    assert running.stop() == 0
