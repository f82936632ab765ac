"""The product's import graph keeps its shape (issue 19; docs/ARCHITECTURE.md "Import rules").

Two checks: the import-linter contracts in setup.cfg (layers, the engine importing nothing of the
consortium domain, /engine-rest generic, workflows/forms alone) hold; and no import circle exists among
the product's modules once the temporary back-edges listed in the layers contract are set aside.
Imports inside functions and under TYPE_CHECKING count too: a circle hidden in a function is still one.
"""

from __future__ import annotations

import configparser
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "workflows", "forms", "scheduler")


def temporary_back_edges() -> set[tuple[str, str]]:
    """The `ignore_imports` of the layers contract: (importer, imported) pairs, each to be removed.
    Issue 19 removed the last one; a new exception would have to be listed (and justified) there."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["importlinter:contract:layers"].get("ignore_imports", "").splitlines()
    pairs = [line.split("->") for line in lines if "->" in line and not line.strip().startswith("#")]
    return {(a.strip(), b.strip()) for a, b in pairs}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def product_edges() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    ignored = temporary_back_edges()
    return {
        module: {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if (module, imported) not in ignored
        }
        for module in graph.modules
    }


def test_the_cycle_finder_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_among_the_products_modules():
    assert cycles(product_edges()) == []


def test_every_listed_back_edge_still_exists():
    """A removed back-edge must leave the list too, so the list stays the honest to-do of issue 19."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    back_edges = sorted(temporary_back_edges())
    stale = [(a, b) for a, b in back_edges if not graph.direct_import_exists(importer=a, imported=b)]
    assert stale == []


def test_the_engine_imports_the_domain_nowhere():
    """No exception is left: every engine -> domain call goes through the extension registry."""
    assert temporary_back_edges() == set()


def test_the_import_contracts_hold():
    assert lint_imports(config_filename=str(ROOT / "setup.cfg"), no_cache=True, no_logo=True) == 0
