"""A newcomer runs README's demo and signs in as each demo user README lists (issue 17 item 2).

The demo is started as README says (`consortium demo`, which `scripts/demo.sh` execs once its virtualenv
exists) from the worktree, on a free port, in a subprocess of its own with its own SQLite file. Debian's
Chromium then signs in as every user of README's "First sign-in" table, goes where the table says, and
finds at least one item there that opens. The second half of the procedure is reached from the seeded
data: the filing decision is confirmed, the filed consortium is in the registry, the validity reminder
is among the notifications, and the evaluation waits on the lead unit and the district.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.smtp import free_port

from .conftest import ARGS, ARTIFACTS, CHROMIUM, PASSWORD
from .crawl import problems_on_the_site

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([a-z0-9]+)` \| [^|]+ \| [^|]+ \| `(/[^`]*)` \|$")


def first_sign_in_table() -> list[tuple[str, str]]:
    """(login, where) of every row of README's "First sign-in" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### First sign-in", 1)[1].split("\n#", 1)[0]
    rows = [ROW.match(line.strip()) for line in section.splitlines()]
    return [(m.group(1), m.group(2)) for m in rows if m]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    tmp = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = {
        **os.environ,
        "CONSORTIUM_DATABASE_URL": f"sqlite:///{tmp / 'consortium.sqlite3'}",
        "CONSORTIUM_AUDIT_DIR": str(tmp),
        "CONSORTIUM_INSTANCE_DIR": str(tmp),
        "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT),
    }
    log = (tmp / "demo.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "demo", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_for_health(port, server, tmp / "demo.log")
        yield f"http://127.0.0.1:{port}", tmp / "demo.log"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


def _wait_for_health(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the demo exited: {log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the demo did not answer /health: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser(demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def signed_in(browser, base: str, login: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/signin")
    page.fill("#username", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
    return page


def test_readme_lists_every_demo_user_with_where_their_work_is():
    from service.consortium.demo import USERS

    listed = {login for login, _ in first_sign_in_table()}
    assert listed == {login for login, *_ in USERS}


def test_every_demo_user_finds_work_on_first_sign_in_and_opens_it(demo, browser):
    base, _ = demo
    ARTIFACTS.mkdir(exist_ok=True)
    for login, where in first_sign_in_table():
        page = signed_in(browser, base, login)
        page.goto(f"{base}{where}")
        if where == "/":
            rows = page.locator("#tasks tbody tr[data-task]")
            assert rows.count() >= 1, f"{login} has an empty inbox"
            with page.expect_navigation():
                rows.first.locator("a.button").first.click()
            assert page.locator("form button[value=complete], #panel, form").count() >= 1, login
        elif where == "/panels":
            rows = page.locator("#seats tbody tr[data-panel]")
            assert rows.count() >= 1, f"{login} sits on no panel"
            with page.expect_navigation():
                rows.first.locator("a.button").click()
            assert "/panels/" in page.url
        else:
            rows = page.locator("main table tbody tr")
            assert rows.count() >= 1, f"{login} finds nothing at {where}"
        page.screenshot(path=str(ARTIFACTS / f"demo-first-sign-in-{login}.png"))
        page.context.close()


def test_the_second_half_is_reachable_from_the_seeded_data(demo, browser):
    base, log = demo
    assert "awaiting_filing" in log.read_text()
    city = signed_in(browser, base, "city1")
    # the validity reminder of the consortium filed almost three years ago
    city.goto(f"{base}/notifications")
    assert "备案有效期将于" in city.locator("main").inner_text()
    # publicity has ended: the filing decision, confirmed through its form
    city.goto(f"{base}/?view=all&step=Task_FilingDecision")
    row = city.locator('tr[data-element="Task_FilingDecision"]').first
    assert "青岛新能源汽车电驱系统创新联合体" in row.inner_text()
    with city.expect_navigation():
        row.locator("a.button").first.click()
    city.select_option('[name="filing_decision"]', "confirm")
    city.fill('[name="document_no"]', "青科字〔2026〕88号")
    with city.expect_navigation():
        city.click("button[value=complete]")
    assert city.locator("#error-summary").count() == 0
    city.goto(f"{base}/registry")
    registry = city.locator("main").inner_text()
    assert "青岛新能源汽车电驱系统创新联合体" in registry and "青岛海水淡化装备创新联合体" in registry
    # the performance evaluation waits on the lead unit's self-report and on the district's check
    lead = signed_in(browser, base, "lead1")
    lead.goto(f"{base}/?view=all&step=Task_SelfReport")
    assert lead.locator('tr[data-element="Task_SelfReport"]').count() == 1
    district = signed_in(browser, base, "district1")
    district.goto(f"{base}/?view=all&step=Task_DistrictCheck")
    assert district.locator('tr[data-element="Task_DistrictCheck"]').count() == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_shows_an_untranslated_status_or_raw_value(demo, lang):
    """Every page each demo user README lists reaches, in Chinese: no raw status id, element id or English
    value; in English: no Chinese in a label (user data aside). See tests/pages/crawl.py for what counts."""
    base, _ = demo
    crawled, problems = problems_on_the_site(base, lang, [login for login, _ in first_sign_in_table()])
    assert crawled > 50
    assert problems == [], "\n".join(problems[:80])
