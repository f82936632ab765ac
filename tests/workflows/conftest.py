"""Fixtures for the engine tests: BPMN fixtures, one engine, a fixed clock (nothing ever sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workflows.engine import CompiledProcess, Engine

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Qingdao


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def compiled(engine: Engine) -> dict[str, CompiledProcess]:
    """Every fixture process, compiled once (call activities resolved from call_child.bpmn)."""
    out: dict[str, CompiledProcess] = {}
    for name in ("extensions.bpmn", "mi.bpmn", "timers.bpmn", "call_child.bpmn"):
        out.update(engine.compile({name: read(name)}))
    library = {"call_child.bpmn": read("call_child.bpmn")}
    for name in ("call_parent.bpmn", "walk.bpmn"):
        out.update(engine.compile({name: read(name)}, library=library))
    return out
