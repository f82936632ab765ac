"""A serving process freezes its start-up heap (service/heap.py, issue 18) and still collects garbage."""

from __future__ import annotations

import gc
import runpy
import weakref
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs with the collector as it was


class _Node:
    pass


def test_a_gunicorn_worker_freezes_what_it_built_and_still_collects_later_garbage(unfrozen):
    assert gc.get_freeze_count() == 0
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    conf["post_worker_init"](None)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # modules, classes, the imported app: out of every full pass
    cycle = _Node()
    cycle.self = cycle  # garbage only the cyclic collector reclaims, made after the freeze
    alive = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert alive() is None
    assert gc.get_freeze_count() == frozen
