"""Schemathesis against the live server's OpenAPI schema, signed in with an owner's API token.

It runs on a server of its own (the generated calls add users and notes). Sending follow-ups is
left out: it sends real mail, and without a relay it answers 502 on purpose. Revoking API tokens is
left out too: it would revoke the token the run signs in with (tests/web covers those calls). The schemathesis CLI
runs in a subprocess: its pytest plugin does not load under pytest 9.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.browser.conftest import BIN, Server, _start

CHECKS = (
    "not_a_server_error,content_type_conformance,response_schema_conformance,response_headers_conformance"
)


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _start(tmp_path_factory, "schema-server")


def test_every_api_operation_answers_within_its_schema_and_never_with_a_server_error(
    api_server: Server,
) -> None:
    done = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{api_server.url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {api_server.token}",
            "--checks",
            CHECKS,
            "--exclude-path",
            "/api/followups/send",
            # Revoking tokens would revoke the very token this run signs in with (then every call is 401).
            "--exclude-path",
            "/api/tokens/{token_id}/revoke",
            "--exclude-path",
            "/api/users/{email}/tokens/revoke",
            "--max-examples",
            "25",
            "--seed",
            "20261123",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=api_server.workdir,
        timeout=240,
        check=False,
    )
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert "Tested: " in done.stdout, report
    assert done.returncode == 0, report
