"""The README's "BPMN constructs" table cannot rot: every construct issue 12's conformance suite names
has a row saying whether it is supported or refused, and every test a row names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- bpmn-constructs:start -->", "<!-- bpmn-constructs:end -->"
CONSTRUCTS = (
    # issue 12, "Done when": the constructs a process owner uses
    "user task", "service task", "script task", "business rule task", "send task", "receive task",
    "manual task", "exclusive gateway", "parallel gateway", "inclusive gateway", "event-based gateway",
    "embedded sub-process", "call activity", "event sub-process", "multi-instance parallel",
    "multi-instance sequential", "timer events", "message events", "error events", "escalation events",
    "signal events", "terminate end event", "compensation events",
    # report-owner findings 5-8, 14: constructs that deployed and then ran differently
    "link events", "conditional events", "standard loop", "ad-hoc sub-process", "complex gateway",
    # report B finding 1: a cancel end event with no cancel boundary event ran as a none end event
    "transaction and cancel events",
)
STATUSES = ("supported", "supported, partly", "refused")


def _rows() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in text and END in text, "README.md has no BPMN constructs table"
    table = text.split(START, 1)[1].split(END, 1)[0]
    lines = [line.strip() for line in table.strip().splitlines()]
    assert lines[0] == "| construct | here | notes | test |" and set(lines[1]) <= set("|-")
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_construct_has_one_row_with_its_status() -> None:
    rows = _rows()
    names = [row[0] for row in rows]
    assert sorted(names) == sorted(CONSTRUCTS), set(names) ^ set(CONSTRUCTS)
    for row in rows:
        assert len(row) == 4, row
        assert row[1] in STATUSES, row
        assert row[2], f"{row[0]}: no notes"


def test_every_test_a_row_names_exists() -> None:
    for construct, status, _notes, cell in _rows():
        named = re.findall(r"`([^`]+)`", cell)
        assert named, f"{construct}: no test named"
        for reference in named:
            file, _, function = reference.partition("::")
            path = ROOT / file
            assert file.startswith("tests/") and path.is_file(), f"{construct}: {file} does not exist"
            assert function and function in _tests_in(path), f"{construct}: {reference} does not exist"
        if status == "refused":
            assert any("refused" in reference for reference in named) or any(
                "what_cannot_run" in reference for reference in named), f"{construct}: no refusal test"
