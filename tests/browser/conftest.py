"""Browser tests: Playwright (pytest-playwright) driving Debian's Chromium, one browser per session.

Chromium is /usr/bin/chromium (apt, scripts/setup --test; NETDOC_CHROMIUM names another binary);
`playwright install` is never run (it downloads a browser, and the tests must prove the site with
the browser admins have). Without Chromium or Playwright the tests are skipped, unless
NETDOC_REQUIRE_ORACLES=1 (CI): then they fail. Screenshots go to test-artifacts/screenshots/
(NETDOC_TEST_ARTIFACTS moves the folder).

The site is built once per session (tests/browser/sites.py) and served by `python -m http.server
--bind 127.0.0.1` on a free port. Every page a test opens goes through `watch`: a request to
anything but that server is recorded and aborted, console errors, page errors and dialogs are
recorded, so a test asserts that nothing left the machine and nothing ran.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import sites
from tests.oracles import require

CHROMIUM = os.environ.get("NETDOC_CHROMIUM", "/usr/bin/chromium")  # Debian's package
# TESTBED.md: headless without a sandbox or GPU (containers), and nothing Chromium does on its own
# (component updates, sync, QUIC probes) that would show up as a request leaving the machine.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1366, "height": 768}  # the screen the tables must fit
ARTIFACTS = Path(os.environ.get("NETDOC_TEST_ARTIFACTS", sites.ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"

_HAVE_PLUGIN = importlib.util.find_spec("pytest_playwright") is not None


def _require_browser() -> None:
    require("playwright", _HAVE_PLUGIN, "pip install -e '.[test]' (playwright, pytest-playwright)")
    require("chromium", Path(CHROMIUM).is_file(), "apt-get install chromium (scripts/setup --test)")


if _HAVE_PLUGIN:

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
        _require_browser()
        return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}

    @pytest.fixture(scope="session")
    def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
        return {**browser_context_args, "viewport": LAPTOP}

else:  # the plugin's fixtures are missing: skip (or fail under CI) instead of "fixture not found"

    @pytest.fixture
    def page() -> Any:
        _require_browser()


@dataclass
class Site:
    folder: Path  # the built site
    url: str  # http://127.0.0.1:PORT/
    snapshots: list[Path]

    def at(self, page: str) -> str:
        """The URL of a page given by its Markdown path (render/links.py), or of a file."""
        return self.url + (page[:-3] + ".html" if page.endswith(".md") else page)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"http.server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"http.server did not listen on 127.0.0.1:{port} within {timeout} s")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example, the lab scenarios and the markup cluster, built once and served on 127.0.0.1."""
    _require_browser()  # no build when there is no browser to look at it
    folder, snapshots = sites.build(tmp_path_factory.mktemp("browser"))
    port = _free_port()
    log = (folder.parent / "http.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_listening(port, proc)
        yield Site(folder, f"http://127.0.0.1:{port}/", snapshots)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@dataclass
class Watch:
    """What a page did: requests (and those aborted for leaving the machine), errors, dialogs."""

    origin: str
    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> bool:
        return not (self.outside or self.console_errors or self.page_errors or self.dialogs)

    def report(self) -> str:
        return (
            f"outside: {self.outside}; console errors: {self.console_errors}; "
            f"page errors: {self.page_errors}; dialogs: {self.dialogs}"
        )


@pytest.fixture
def watch(page: Any, site: Site) -> Watch:
    """Record everything the test's page does; abort every request that is not to the test server."""
    origin = urlsplit(site.url).netloc
    w = Watch(origin)

    def route(r: Any) -> None:
        url = r.request.url
        if urlsplit(url).netloc == origin or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            w.outside.append(url)
            r.abort()

    def on_dialog(d: Any) -> None:
        w.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.context.route("**/*", route)
    page.context.on("request", lambda req: w.requests.append(req.url))
    page.on("console", lambda m: w.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.page_errors.append(str(e)))
    page.on("dialog", on_dialog)
    return w
