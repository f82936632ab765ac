"""A real server on loopback and Debian's Chromium driven by Playwright (no browser download).

One server and one application per module: the procedure is long, so the tests of a module follow one
application through it in order, each test a chapter. The clock is a MovableClock; deadlines are reached
by moving it and firing due jobs, never by sleeping.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app
from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Qingdao
PASSWORD = "demo1234"


class Site:
    """The running app, its context and clock, and one signed-in browser context per user."""

    def __init__(self, ctx, base_url: str, browser) -> None:
        self.ctx, self.base_url, self.browser = ctx, base_url, browser
        self.clock: MovableClock = ctx.clock
        self._pages: dict[str, object] = {}

    def page_for(self, login: str | None):
        """A page signed in as `login` (None: an anonymous visitor), kept for the whole module."""
        key = login or "(public)"
        if key not in self._pages:
            context = self.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15000)
            if login:
                page.goto(f"{self.base_url}/signin")
                page.fill("#username", login)
                page.fill("#password", PASSWORD)
                page.click("button[type=submit].primary")
                page.wait_for_url(f"{self.base_url}/")
            self._pages[key] = page
        return self._pages[key]

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@pytest.fixture(scope="module")
def site(sqlite_factory, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    from playwright.sync_api import sync_playwright

    ctx = build_context(Config(database_url=sqlite_factory.new_database()), clock=MovableClock(START))
    app = create_app(ctx.config, ctx=ctx)
    app.config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield Site(ctx, f"http://127.0.0.1:{server.server_port}", browser)
        browser.close()
    server.shutdown()
    ctx.db.dispose()
