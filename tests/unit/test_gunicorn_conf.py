"""gunicorn.conf.py sizes each worker from the threads it really has (hostile test of 8 Dec, F3):
`--threads` on the command line wins over the environment's defaults, so waiting long polls can never
hold every thread of a worker."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _post_fork(threads: int) -> None:
    runpy.run_path(str(CONF))["post_fork"](SimpleNamespace(cfg=SimpleNamespace(threads=threads)), None)


@pytest.mark.parametrize(("threads", "waiters"), [(4, "2"), (2, "1"), (1, "0"), (8, "4")])
def test_long_polls_may_hold_at_most_half_the_workers_threads(monkeypatch, threads, waiters):
    for name in ("CONSORTIUM_LONG_POLL_WAITERS", "CONSORTIUM_DB_POOL_SIZE"):
        monkeypatch.setenv(name, "")  # recorded, so what post_fork sets is undone after the test
    _post_fork(threads)
    assert os.environ["CONSORTIUM_LONG_POLL_WAITERS"] == waiters
    assert os.environ["CONSORTIUM_DB_POOL_SIZE"] == str(threads)


def test_an_operators_setting_is_kept(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_LONG_POLL_WAITERS", "3")
    monkeypatch.setenv("CONSORTIUM_DB_POOL_SIZE", "6")
    _post_fork(2)
    assert (os.environ["CONSORTIUM_LONG_POLL_WAITERS"], os.environ["CONSORTIUM_DB_POOL_SIZE"]) == ("3", "6")
