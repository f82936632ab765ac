"""Restricted evaluation of diagram code: conditions, scripts, timers, `${...}` attributes.

SpiffWorkflow's default environment is plain `eval`/`exec`: a diagram could import `os`, open
files or escape through `().__class__.__base__.__subclasses__()` (SPIFF-NOTES §6). Diagrams are
deployed by process owners over HTTP, so every expression goes through RestrictedPython here.
Evaluation stays in the server's process (it is on the hot path of every gateway), so diagram code
is a restricted language in which no single operation is unbounded (issue 11):

* compile: RestrictedPython's policy (no `_`-names, no dunder attributes, no imports, guarded
  item/attribute/iteration access) plus ours: no `while` (use a bounded `for`), no `try` (so a
  timeout cannot be swallowed), no classes, no `*x` unpacking into displays or calls, no slice
  assignment; `+ - * ** << % | & ^`, comparisons of two computed values, computed dict keys and
  set elements, and f-strings are rewritten into calls of the guards in `workflows/guards.py`, which
  check sizes BEFORE building (limits in `workflows/limits.py`); SyntaxErrors always carry an int
  `lineno` because SpiffWorkflow's error formatter crashes on None;
* hash tables: a dict key or set element must be str, bytes, bool, None, a float, a
  date/datetime/time, an int with |v| <= MAX_KEY_INT, or a tuple of str/bytes/dates with at most
  two ints below 2**31 (`guards.key_refusal`): other hashes can be chosen to collide, and a table
  of colliding keys is built quadratically in ONE C call (38,000 multiples of 2**61 - 1 in a set:
  11 s holding the GIL). Checked at every place a table is filled (displays, comprehensions,
  `d[k] = v`, `set()`/`dict()`, `add`/`update`/`union`/`setdefault`..., `d |= pairs`, dict-view
  set operators) and, for literal keys, at compile time (CPython folds `x in {…}` itself);
* run: globals are the allow-listed helpers only (`__builtins__` is empty, the builtins are the
  guarded ones of `workflows/guards.py`), attributes go through the per-type allow-list of
  `workflows/methods.py`; a CPU-time deadline (per thread, via `sys.settrace` line/call events and
  the loop guard) raises `ScriptTimeout` (SIGALRM would only work in the main thread and the
  engine runs in web and scheduler threads), and an allocation budget (MAX_ALLOCATED) bounds what
  the guarded operations build together;
* write back: only plain names (no `_` prefix, not callable, not modules) reach task data, and
  only values whose text form is within MAX_RENDERED (a list holding one big string 100,000 times
  is small in memory but not as JSON).

Cost (bench/sandbox.py, thread CPU time): a gateway condition `approved == True` 5.0 µs (3.7 µs
before the guards), a five-line script 27 µs (20 µs). The longest single C-level step the limits
allow is about 25 ms (`sorted` of 100,000 strings); bench/sandbox_attack.py measures /health while
hostile scripts run.
"""

from __future__ import annotations

import ast
import re
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from . import guards, limits, methods
from .limits import check_rendered, check_task_data
from .storable import UnstorableValue, describe


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

    _OPERATORS = {ast.Add: "_add_", ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_",
                  ast.Mod: "_mod_", ast.Sub: "_sub_", ast.BitOr: "_or_", ast.BitAnd: "_and_",
                  ast.BitXor: "_xor_"}

    def _literal_key(self, node: ast.expr) -> None:
        """A literal dict key / set element is checked here: CPython folds `x in {…}` into a
        frozenset at compile time, so a literal of colliding ints would be hashed by `compile`."""
        if isinstance(node, ast.Constant):
            reason = guards.key_refusal(node.value)
            if reason is not None:
                self.error(node, f"dict key / set element: {reason}")

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = self._OPERATORS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(_call(guard, node.left, node.right), node)

    def visit_Compare(self, node: ast.Compare) -> Any:
        """Operands are size-checked unless one is a literal (then the literal bounds the work)."""
        node = self.node_contents_visit(node)
        operands = [node.left, *node.comparators]
        identity = all(isinstance(op, ast.Is | ast.IsNot) for op in node.ops)
        computed = [o for o in operands if not isinstance(o, ast.Constant)]
        if identity or (len(operands) == 2 and len(computed) < 2):
            return node
        node.left, *node.comparators = (_guarded("_cmp_", o) for o in operands)
        return node

    # Displays and comprehensions are charged to the allocation budget (tuples only from 8 items):
    # a loop of small unguarded allocations is then bounded by the deadline at ~100 bytes a step.

    def visit_Dict(self, node: ast.Dict) -> Any:
        node = self.node_contents_visit(node)
        for key in node.keys:
            if key is not None:
                self._literal_key(key)
        node.keys = [k if k is None else _guarded("_hash_", k) for k in node.keys]
        return _charged(node) if node.keys else node

    def visit_Set(self, node: ast.Set) -> Any:
        node = self.node_contents_visit(node)
        for element in node.elts:
            self._literal_key(element)
        node.elts = [_guarded("_hash_", e) for e in node.elts]
        return _charged(node)

    def visit_List(self, node: ast.List) -> Any:
        node = self.node_contents_visit(node)
        return _charged(node) if isinstance(node.ctx, ast.Load) and node.elts else node

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        node = self.node_contents_visit(node)
        return _charged(node) if isinstance(node.ctx, ast.Load) and len(node.elts) >= 8 else node

    def visit_ListComp(self, node: ast.ListComp) -> Any:
        return _charged(super().visit_ListComp(node))

    def visit_DictComp(self, node: ast.DictComp) -> Any:
        node = super().visit_DictComp(node)
        self._literal_key(node.key)
        node.key = _guarded("_hash_", node.key)
        return _charged(node)

    def visit_SetComp(self, node: ast.SetComp) -> Any:
        node = super().visit_SetComp(node)
        self._literal_key(node.elt)
        node.elt = _guarded("_hash_", node.elt)
        return _charged(node)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            self.error(node, "slice assignment is not allowed in diagram code")
            return node
        node = super().visit_Subscript(node)
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
            self._literal_key(node.slice)
            node.slice = _guarded("_hash_", node.slice)  # d[k] = v, del d[k]
        return node

    def visit_Assert(self, node: ast.Assert) -> Any:
        node = self.node_contents_visit(node)
        if node.msg is not None:
            node.msg = _guarded("_render_", node.msg)
        return node

    def visit_Starred(self, node: ast.Starred) -> Any:
        if isinstance(node.ctx, ast.Load):
            self.error(node, "`*` unpacking into a list, tuple, set or call is not allowed in "
                             "diagram code; use + or a comprehension")
            return node
        return super().visit_Starred(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Any:
        """f"a{x:>5}b" becomes _fstring_("a", _format_(x, -1, ">5"), "b")."""
        node = self.node_contents_visit(node)
        return ast.copy_location(_call("_fstring_", *node.values), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        return ast.copy_location(_call("_format_", node.value, ast.Constant(node.conversion), spec),
                                 node)


def _call(guard: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(guard, ast.Load()), args=list(args), keywords=[])


def _charged(node: ast.expr) -> ast.expr:
    return ast.copy_location(_call("_charge_", node), node)


def _guarded(guard: str, expr: ast.expr) -> ast.expr:
    """`guard(expr)`, except for literals (bounded by the source)."""
    if isinstance(expr, ast.Constant):
        return expr
    return ast.copy_location(_call(guard, expr), expr)


_LINE_RE = re.compile(r"Line (\d+):")


def _lineno(value: Any, source: str) -> int:
    """A valid 1-based line inside `source` (Spiff indexes `source.splitlines()` with it)."""
    lines = max(1, len(source.splitlines()))
    return min(max(value, 1), lines) if isinstance(value, int) else 1


FUNCTION_PREFIX = "_fn_"
"""Prefix of the private global a call of an engine function is compiled to when a variable has the
function's name (`compile_sandboxed(functions=...)`); diagram code cannot name `_`-names."""


class _CallFunctions(ast.NodeTransformer):
    """`now(...)` -> `_fn_now(...)` for the names in `functions`: the call reaches the engine's function
    whatever variable of that name is in scope, while a plain `now` still reads the variable."""

    def __init__(self, functions: frozenset[str]) -> None:
        self.functions = functions

    def visit_Call(self, node: ast.Call) -> Any:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in self.functions:
            node.func = ast.copy_location(ast.Name(FUNCTION_PREFIX + node.func.id, ast.Load()), node.func)
        return node


@lru_cache(maxsize=2048)
def compile_sandboxed(source: str, mode: str, functions: frozenset[str] = frozenset()) -> types.CodeType:
    """Compile diagram code under the sandbox policy; `mode` is "eval" or "exec".

    `functions`: engine function names that a variable of the evaluation shadows; a call of one is
    compiled to the function itself (`_CallFunctions`). Camunda 7 keeps functions and variables
    apart (a JUEL function call `now()` is resolved by the function mapper, `now` alone by the
    variable resolver), so a process variable named `now` or `add_days` changes no expression.

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
    if functions:
        tree = _CallFunctions(functions).visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, "<string>", mode)


def _line_text(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


SLOW_EVALUATION = 0.02
"""CPU seconds after which an evaluation is "long": the GIL switch interval drops to FAST_SWITCH."""
FAST_SWITCH = 0.0005
"""GIL switch interval (s) while a long evaluation runs. At CPython's default 5 ms, a request
thread that gives up the GIL 20 times (socket, SQLite) waits 20 × 5 ms behind a busy script:
/health took up to 280 ms during a 1 s script; at 0.5 ms, under 50 ms (bench/sandbox_attack.py)."""


class _SwitchInterval:
    """Lowers `sys.setswitchinterval` while at least one long evaluation runs, then restores it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.saved = sys.getswitchinterval()

    def enter(self) -> None:
        with self.lock:
            if self.count == 0:
                self.saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self.saved, FAST_SWITCH))
            self.count += 1

    def leave(self) -> None:
        with self.lock:
            self.count -= 1
            if self.count == 0:
                sys.setswitchinterval(self.saved)


_SWITCH = _SwitchInterval()


class _Deadline:
    """CPU-time budget of one evaluation, checked from the tracer and from guarded loops."""

    __slots__ = ("end", "limit", "slow", "slowed", "ticks")

    def __init__(self, limit: float) -> None:
        now = time.thread_time()
        self.limit = limit
        self.end = now + limit
        self.slow = now + SLOW_EVALUATION
        self.slowed = False
        self.ticks = 0

    def check(self) -> None:
        self.ticks += 1
        if self.ticks & 63 == 0:
            now = time.thread_time()
            if now > self.end:
                raise ScriptTimeout(f"脚本运行超时 / script exceeded its {self.limit:g} s CPU time limit")
            if now > self.slow and not self.slowed:
                self.slowed = True
                _SWITCH.enter()

    def finish(self) -> None:
        """End of the evaluation: restore the switch interval if this one lowered it."""
        if self.slowed:
            self.slowed = False
            _SWITCH.leave()

    def tracer(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if frame.f_code.co_filename in _UNTRACED:
            return None  # the guards: bounded by the limits, and traced they would cost µs a call
        self.check()
        return self._local

    def _local(self, frame: types.FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        if event == "line":
            self.check()
        return self._local


_UNTRACED = frozenset(m.__file__ for m in (guards, limits, methods))


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_GUARDS: dict[str, Any] = {
    "__builtins__": {},
    "__name__": "diagram",
    "_getattr_": methods.guarded_getattr,
    "_getitem_": guards.getitem,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": guards.inplace,
    "_print_": guards.GuardedPrint,
    "_apply_": _apply,
    "_add_": guards.add,
    "_mul_": guards.mul,
    "_pow_": guards.power,
    "_lshift_": guards.lshift,
    "_mod_": guards.mod,
    "_sub_": guards.sub,
    "_or_": guards.bitor,
    "_and_": guards.bitand,
    "_xor_": guards.bitxor,
    "_cmp_": guards.cmp_operand,
    "_hash_": guards.hash_key,
    "_format_": guards.format_value,
    "_fstring_": guards.fstring,
    "_charge_": limits.charge,
    "_render_": guards.render,
}
"""The names RestrictedPython's rewritten code calls (user code cannot name `_`-names)."""


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

        return {**self.globals, **_GUARDS, "_getiter_": getiter}

    def _run(self, code: types.CodeType, scope: dict[str, Any], deadline: _Deadline, mode: str) -> Any:
        previous = sys.gettrace()
        budget = limits.start_budget()
        sys.settrace(deadline.tracer)
        try:
            if mode == "eval":
                return check_rendered(eval(code, scope))  # noqa: S307 - restricted, see docstring
            exec(code, scope)  # noqa: S102
            return None
        finally:
            sys.settrace(previous)
            limits.restore_budget(budget)
            deadline.finish()

    def _shadowed(self, scope: dict[str, Any], *layers: Any) -> frozenset[str]:
        """Engine functions a variable hides (a variable `now`): each is also put in `scope` under
        its private name, which calls compiled with `functions=` reach (Camunda keeps functions and
        variables apart; report B finding 11)."""
        names = frozenset(name for layer in layers if layer for name in layer
                          if name in self.globals and callable(self.globals[name]))
        for name in names:
            scope[FUNCTION_PREFIX + name] = self.globals[name]
        return names

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        deadline = _Deadline(self.time_limit)
        scope = self._globals(deadline)
        code = compile_sandboxed(expression, "eval", self._shadowed(scope, external_context, context))
        scope.update(external_context or {})
        scope.update(context)
        return self._run(code, scope, deadline, "eval")

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        deadline = _Deadline(self.time_limit)
        scope = self._globals(deadline)
        code = compile_sandboxed(script, "exec", self._shadowed(scope, external_context, context))
        reserved = dict(scope)
        scope.update(external_context or {})
        scope.update(context)
        before = set(context)
        self._run(code, scope, deadline, "exec")
        written: dict[str, Any] = {}
        for name, value in scope.items():
            if name.startswith("_") or callable(value) or isinstance(value, types.ModuleType):
                continue
            if name in reserved and reserved[name] is value:
                continue
            if external_context and name in external_context and name not in before:
                continue
            written[name] = value
        check_task_data(written)  # before writing anything: a refused script leaves no trace
        # an iterator, a frozenset, a typename key: named here, not at save (issue 12); values the script
        # did not rebind were checked when they were written (in-place changes: Instance.serialize's net)
        problem = describe({k: v for k, v in written.items() if k not in before or context[k] is not v})
        if problem is not None:
            raise UnstorableValue(problem)
        context.update(written)
        for name in before - set(scope):
            del context[name]
        return True
