"""A real server over the demo ledger, Debian's Chromium driven by Playwright, axe-core and screenshots.

The suite starts ``goodterms serve`` in a subprocess on 127.0.0.1 (a free port) over a SQLite
file built from ``goodterms.demo.generate`` plus a few open requests for the desk, adds an owner
with ``goodterms user add --password-stdin`` and an API token with ``goodterms token create``.
Screenshots go to ``out/screenshots/<lang>/`` (``GOODTERMS_SCREENSHOTS`` overrides the folder; the
run's header names it). Pages are checked at a desktop size and a phone size (``VIEWPORTS``).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path(os.environ.get("GOODTERMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OWNER = "owner@demo.example"
PASSWORD = "a long enough secret for the browser suite"
LANGS = ("th", "et", "en")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("GOODTERMS_SCREENSHOTS", ROOT / "out" / "screenshots"))
BIN = Path(sys.executable).parent
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh)", allow_module_level=True
    )
if os.environ.get("GOODTERMS_TEST_DATABASE_URL"):
    pytest.skip(
        "the browser suite runs once, in the SQLite pass (its server has its own demo database)",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402


def pytest_report_header() -> str:
    return f"browser screenshots: {SHOTS}"


@dataclass(frozen=True)
class Server:
    """A running ``goodterms serve``: its base URL, its database, an owner's API token."""

    url: str
    db_url: str
    token: str
    workdir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def desk_requests(now: datetime) -> list[dict[str, Any]]:
    """Open requests for the desk: one per language of client, one of them already late."""
    rows = [("c001", "ขอไฟล์ถอดเสียงฉบับแก้ไขด้วยครับ", 2), ("c002", "Palun saatke arve koopia", 4)]
    events: list[dict[str, Any]] = []
    for n, (client, subject, hours) in enumerate(rows):
        events.append(
            {
                "type": "request",
                "id": f"browser-r{n}",
                "client": client,
                "at": (now - timedelta(hours=1)).isoformat(),
                "subject": subject,
                "promised_at": (now + timedelta(hours=hours)).isoformat(),
            }
        )
    events.append(
        {
            "type": "request",
            "id": "browser-late",
            "client": "c003",
            "at": (now - timedelta(hours=30)).isoformat(),
            "subject": "Where is the March report?",
            "promised_at": (now - timedelta(hours=3)).isoformat(),
        }
    )
    return events


def _cli(db_url: str, *args: str, stdin: str | None = None, cwd: Path) -> str:
    done = subprocess.run(
        [str(BIN / "goodterms"), "--db", db_url, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"goodterms {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def _serve(db_url: str, workdir: Path) -> Iterator[str]:
    port = _free_port()
    log = (workdir / "server.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "goodterms"), "--db", db_url, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"goodterms serve did not start:\n{(workdir / 'server.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def build_server_db(workdir: Path) -> tuple[str, str]:
    """Build the demo ledger and an owner; return the database URL and an API token."""
    from goodterms.app import Goodterms
    from goodterms.demo import generate
    from goodterms.ledger.importing import import_event_dicts

    db_url = f"sqlite:///{workdir / 'demo.db'}"
    gt = Goodterms.open(db_url)
    try:
        import_event_dicts(gt.engine, [*generate(clients=12), *desk_requests(datetime.now(UTC))])
    finally:
        gt.engine.dispose()
    _cli(
        db_url,
        "user",
        "add",
        OWNER,
        "--role",
        "owner",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        cwd=workdir,
    )
    token = _cli(db_url, "token", "create", OWNER, cwd=workdir).strip()
    assert token.startswith("gt_"), token
    return db_url, token


def _start(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp(name)
    db_url, token = build_server_db(workdir)
    for url in _serve(db_url, workdir):
        yield Server(url=url, db_url=db_url, token=token, workdir=workdir)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server the browser journeys use."""
    yield from _start(tmp_path_factory, "browser-server")


# Package scope: Playwright's sync API keeps an event loop running in this thread until it stops,
# which would break every later test that runs its own loop (httpx/anyio test clients).
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@contextmanager
def browser_page(browser: Browser, server: Server, size: str = "desktop") -> Iterator[Page]:
    """Open a fresh browser context (no cookies) at a size of ``VIEWPORTS``; fail on any JavaScript error."""
    # A plain window of the phone's size, not mobile emulation: a mobile browser zooms out of a page too
    # wide for it, which would hide the very sideways scrolling these checks look for.
    context = browser.new_context(base_url=server.url, viewport=VIEWPORTS[size])
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) with a desktop viewport."""
    with browser_page(browser, server, "desktop") as tab:
        yield tab


def gettext_for(lang: str) -> Any:
    """Return the interface's own gettext for a language (what the page must show)."""
    from goodterms.web.i18n import translations

    return translations(lang).gettext


def sign_in(page: Page, lang: str) -> None:
    """Sign in as the owner through the login form, with the interface in ``lang``."""
    _ = gettext_for(lang)
    page.goto(f"/login?lang={lang}")
    page.get_by_label(_("E-mail")).fill(OWNER)
    page.get_by_label(_("Password")).fill(PASSWORD)
    page.get_by_role("button", name=_("Sign in")).click()
    page.wait_for_url(re.compile(r"/today"))  # home is the day's page


AXE_SCRIPT = Path(str(resources.files("axe_playwright_python").joinpath("axe.min.js"))).read_text()


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (WCAG 2.2 AA) on the page as it is now; return one line per violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    assert result["passes"] or result["violations"], "axe-core checked nothing"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


def too_wide(page: Page) -> list[str]:
    """Return the page's width beyond the window and the elements that reach past it (empty: it fits)."""
    return list(
        page.evaluate(
            """() => {
              const W = window.innerWidth, sw = document.scrollingElement.scrollWidth;
              if (sw <= W) return [];
              const out = [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > W + 1 && e.getClientRects().length)
                .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                  (e.className && e.className.baseVal === undefined ? '.' + e.className : '') +
                  ' right=' + Math.round(e.getBoundingClientRect().right));
              return ['scrollWidth ' + sw + ' > ' + W, ...out];
            }"""
        )
    )


def check_page(page: Page, lang: str, name: str, *, full: bool = False) -> None:
    """Assert the page speaks ``lang``, fits the window's width, passes axe-core; keep a screenshot of it."""
    assert page.locator("html").get_attribute("lang") == lang
    violations = axe_violations(page)
    folder = SHOTS / lang
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)
    wide = too_wide(page)
    assert not wide, f"{page.url} ({lang}, {name}) scrolls sideways: {wide}"
    assert not violations, f"{page.url} ({lang}, {name}) fails WCAG 2.2 AA:\n" + "\n".join(violations)
