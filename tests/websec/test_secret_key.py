"""Fault 9: without CONSORTIUM_SECRET_KEY, every process of one installation signs cookies alike."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service.secret_key import load_or_create
from tests.support.pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(base + "/health", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not up yet, or slow on a busy machine
            pass
        time.sleep(0.3)
    raise AssertionError("gunicorn did not answer /health")


def test_the_key_is_generated_once_with_mode_0600_and_reread(tmp_path):
    first = load_or_create(tmp_path / "instance")
    assert len(first) == 64
    assert stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode) == 0o600
    assert load_or_create(tmp_path / "instance") == first
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["secret_key"]  # no leftovers


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in the virtualenv")
def test_two_gunicorn_processes_accept_each_others_sessions(sqlite_factory, tmp_path):
    folder = tmp_path / "instance"  # a folder of its own: the database file and nothing else
    folder.mkdir()
    database = folder / "consortium.sqlite3"
    shutil.copy(sqlite_factory.new_database().split("///", 1)[1], database)
    url = f"sqlite:///{database}"
    env = {k: v for k, v in os.environ.items() if k != "CONSORTIUM_SECRET_KEY"}
    env.update(CONSORTIUM_DATABASE_URL=url, PYTHONPATH=str(ROOT))
    env.pop("CONSORTIUM_INSTANCE_DIR", None)
    ports = [_port(), _port()]
    logs = [tmp_path / f"gunicorn-{port}.log" for port in ports]
    processes = [  # started together: both race to create the key
        subprocess.Popen(
            [str(GUNICORN), "-w", "1", "--timeout", "300", "-b", f"127.0.0.1:{port}", "service:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        one, two = (f"http://127.0.0.1:{port}" for port in ports)
        for base, process, log in zip((one, two), processes, logs, strict=True):
            _wait(base, process, log)
        assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600

        browser = requests.Session()
        browser.request = _prefixed(browser.request, one)  # type: ignore[method-assign]
        signed = sign_in(browser, "city1")  # signed in (and CSRF-checked) on one
        assert signed.status_code == 303, (signed.status_code, signed.text[:300], logs[0].read_text()[-2000:])
        cookie = browser.cookies.get("session")
        other = requests.get(two + "/whoami", cookies={"session": cookie}, timeout=120)
        assert other.status_code == 200, (other.status_code, other.text[:300])
        assert other.json()["id"] == "city1"  # ...accepted by the other
        page = requests.get(two + "/", cookies={"session": cookie}, allow_redirects=False, timeout=120)
        assert page.status_code == 200, page.headers.get("Location")  # the inbox, not /signin
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _prefixed(request, base: str):
    def call(method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 120)
        return request(method, base + url if url.startswith("/") else url, *args, **kwargs)

    return call
