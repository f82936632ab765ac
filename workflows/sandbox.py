"""Restricted evaluation of diagram code: conditions, scripts, timers, `${...}` attributes.

SpiffWorkflow's default environment is plain `eval`/`exec`: a diagram could import `os`, open
files or escape through `().__class__.__base__.__subclasses__()` (SPIFF-NOTES §6). Diagrams are
deployed by process owners over HTTP, so every expression goes through RestrictedPython here:

* compile: RestrictedPython's policy (no `_`-names, no dunder attributes, no imports, guarded
  item/attribute/iteration access) plus ours: no `while` (use a bounded `for`), no `try` (so a
  timeout cannot be swallowed), no classes; SyntaxErrors always carry an int `lineno` because
  SpiffWorkflow's error formatter crashes on None;
* run: globals are the allow-listed helpers only (`__builtins__` is empty); `range` is capped,
  `*`, `**` and `+=` refuse huge results, and a CPU-time deadline (per thread, via `sys.settrace`
  line/call events and the loop guard) raises `ScriptTimeout`; SIGALRM would only work in the main
  thread and the engine runs in web and scheduler threads;
* write back: only plain names (no `_` prefix, not callable, not modules) reach task data.

`a.b` on a dict reads key "b" when dicts have no attribute of that name, so `${member.credit_code}`
works as the diagrams' dotted-path convention promises.
"""

from __future__ import annotations

import ast
import operator
import re
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

MAX_SEQUENCE = 1_000_000
"""Largest str/list/tuple a `*` may build; memory bombs like `'x' * 10**10` are refused."""
MAX_EXPONENT_BITS = 4096
"""`a ** b` on ints is refused when the result would exceed this many bits (C code, untimed)."""


class ScriptTimeout(Exception):  # noqa: N818 - reads better in diagrams' error messages
    """Diagram code exceeded its CPU-time limit."""


class SandboxViolation(SyntaxError):  # noqa: N818
    """Diagram code uses something the sandbox forbids; a SyntaxError so Spiff reports the line."""


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus the rules that make a time limit enforceable."""

    def visit_While(self, node: ast.While) -> Any:
        self.error(node, "while loops are not allowed; use `for` over a bounded range")
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        self.error(node, "try/except is not allowed in diagram code")
        return node

    visit_TryStar = visit_Try  # noqa: N815

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> Any:
        self.error(node, "imports are not allowed in diagram code")
        return node

    visit_ImportFrom = visit_Import  # noqa: N815

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        self.error(node, "class definitions are not allowed in diagram code")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        if isinstance(node.op, ast.Mult | ast.Pow):
            guard = "_mul_" if isinstance(node.op, ast.Mult) else "_pow_"
            call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
            return ast.copy_location(call, node)
        return node


_LINE_RE = re.compile(r"Line (\d+):")


def _lineno(value: Any, source: str) -> int:
    """A valid 1-based line inside `source` (Spiff indexes `source.splitlines()` with it)."""
    lines = max(1, len(source.splitlines()))
    return min(max(value, 1), lines) if isinstance(value, int) else 1


@lru_cache(maxsize=2048)
def compile_sandboxed(source: str, mode: str) -> types.CodeType:
    """Compile diagram code under the sandbox policy; `mode` is "eval" or "exec".

    Raises SandboxViolation (a SyntaxError with an int lineno) naming the first refused construct.
    """
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, "<string>", mode)
    except SyntaxError as exc:
        exc.lineno = _lineno(exc.lineno, source)
        raise
    errors: list[str] = []
    _Policy(errors, [], {}).visit(tree)
    if errors:
        match = _LINE_RE.search(errors[0])
        line = _lineno(int(match.group(1)) if match else 1, source)
        message = _LINE_RE.sub("", errors[0]).strip()
        raise SandboxViolation(message, ("<string>", line, 1, _line_text(source, line)))
    ast.fix_missing_locations(tree)
    return compile(tree, "<string>", mode)


def _line_text(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


class _Deadline:
    """CPU-time budget of one evaluation, checked from the tracer and from guarded loops."""

    __slots__ = ("end", "limit", "ticks")

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.end = time.thread_time() + limit
        self.ticks = 0

    def check(self) -> None:
        self.ticks += 1
        if self.ticks & 63 == 0 and time.thread_time() > self.end:
            raise ScriptTimeout(f"脚本运行超时 / script exceeded its {self.limit:g} s CPU time limit")

    def tracer(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        self.check()
        return self._local

    def _local(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "line":
            self.check()
        return self._local


def _mul(a: Any, b: Any) -> Any:
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, str | bytes | list | tuple) and isinstance(n, int):
            if len(seq) * n > MAX_SEQUENCE:
                raise ValueError(f"sequence longer than {MAX_SEQUENCE} items is not allowed")
    return a * b


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if abs(a).bit_length() * b > MAX_EXPONENT_BITS:
            raise ValueError("exponent too large for diagram code")
    return a**b


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": _mul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": _pow, "|=": operator.ior,
    "&=": operator.iand,
}


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    try:
        func = _INPLACE[op]
    except KeyError:
        raise SandboxViolation(f"operator {op} is not allowed") from None
    return func(x, y)


def _getattr(obj: Any, name: str) -> Any:
    """Attribute access, or dict key access when the dict type has no such attribute."""
    if isinstance(obj, Mapping) and not hasattr(type(obj), name) and name in obj:
        return obj[name]
    if isinstance(obj, Mapping) and not name.startswith("_") and not hasattr(obj, name):
        raise AttributeError(f"dict has no key or attribute {name!r}")
    return safer_getattr_raise(obj, name)


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class SandboxEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that evaluates through RestrictedPython with a CPU-time limit."""

    def __init__(self, helpers: Mapping[str, Any], time_limit: float = 1.0) -> None:
        super().__init__(dict(helpers))
        self.time_limit = time_limit

    def _globals(self, deadline: _Deadline) -> dict[str, Any]:
        def getiter(obj: Any) -> Iterator[Any]:
            for item in iter(obj):
                deadline.check()
                yield item

        guards = {
            "__builtins__": {},
            "__name__": "diagram",
            "_getattr_": _getattr,
            "_getitem_": default_guarded_getitem,
            "_getiter_": getiter,
            "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_unpack_sequence_": guarded_unpack_sequence,
            "_write_": full_write_guard,
            "_inplacevar_": _inplacevar,
            "_apply_": _apply,
            "_print_": PrintCollector,
            "_mul_": _mul,
            "_pow_": _pow,
        }
        return {**self.globals, **guards}

    def _run(self, code: types.CodeType, scope: dict[str, Any], deadline: _Deadline, mode: str) -> Any:
        previous = sys.gettrace()
        sys.settrace(deadline.tracer)
        try:
            if mode == "eval":
                return eval(code, scope)  # noqa: S307 - restricted code, see module docstring
            exec(code, scope)  # noqa: S102
            return None
        finally:
            sys.settrace(previous)

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        code = compile_sandboxed(expression, "eval")
        deadline = _Deadline(self.time_limit)
        scope = self._globals(deadline)
        scope.update(external_context or {})
        scope.update(context)
        return self._run(code, scope, deadline, "eval")

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        code = compile_sandboxed(script, "exec")
        deadline = _Deadline(self.time_limit)
        scope = self._globals(deadline)
        reserved = dict(scope)
        scope.update(external_context or {})
        scope.update(context)
        before = set(context)
        self._run(code, scope, deadline, "exec")
        for name, value in scope.items():
            if name.startswith("_") or callable(value) or isinstance(value, types.ModuleType):
                continue
            if name in reserved and reserved[name] is value:
                continue
            if external_context and name in external_context and name not in before:
                continue
            context[name] = value
        for name in before - set(scope):
            del context[name]
        return True
