"""Fixtures for the conformance diagrams: one engine, a fixed clock, compile-once per file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workflows.engine import CompiledProcess, Engine, Instance

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Qingdao


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def compiled(engine: Engine) -> dict[str, CompiledProcess]:
    """Every conformance diagram, compiled once, by process key (call activities resolved from the
    other diagrams)."""
    files = {path.name: path.read_bytes() for path in sorted(DATA.glob("*.bpmn"))}
    out: dict[str, CompiledProcess] = {}
    for name, content in files.items():
        out.update(engine.compile({name: content}, library=files))
    return out


def start(engine: Engine, process: CompiledProcess, variables: dict[str, Any],
          now: datetime = NOW) -> Instance:
    """A started and advanced instance of `process`."""
    instance = engine.start(process.spec_json, cache_key=f"conformance:{process.key}",
                            variables=variables, now=now)
    instance.advance({}, now)
    return instance


def complete(instance: Instance, element_id: str, data: dict[str, Any], now: datetime = NOW) -> None:
    """Complete the one open user task of `element_id` with `data`."""
    [task] = [t for t in instance.user_tasks() if t.element_id == element_id]
    instance.complete_task(task.task_id, data, {}, now)
