"""Size limits of diagram code, and the per-evaluation allocation budget.

The sandbox runs in the server's process and holds the GIL while a C-level operation runs, so a
single `'x' * 10**9`, `9**1000` squared 24 times, or `str()` of a list holding one big string
100,000 times would freeze every request (issue 11). The rule is: no single operation may be
unbounded. Every operation that can build a large object, or do work super-linear in its inputs,
is checked BEFORE it runs against the limits below (see `workflows/guards.py`), so each C-level
step stays within a few milliseconds; the CPU deadline (`workflows/sandbox.py`) bounds how many
steps run, and the allocation budget bounds how much memory they build together.

Every refusal is a `SandboxLimit` naming the limit by its constant, e.g.
``超出沙箱限制 / sandbox limit: string of 1,500,000 characters exceeds MAX_STR (1,000,000)``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import ItemsView, KeysView, Mapping, ValuesView
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

MAX_STR = 1_000_000
"""Longest str or bytes diagram code may build (characters or bytes)."""
MAX_ITEMS = 100_000
"""Most items in one list, tuple, dict or set (`sorted` of 100k items takes ~50 ms in C)."""
MAX_INT_BITS = 10_000
"""Largest int diagram code may build (about 3,000 decimal digits); ints of this size multiply
and print in microseconds. Python's own `sys.int_max_str_digits` (4,300) still bounds `int(str)`."""
MAX_RENDERED = 1_000_000
"""Largest value, counted as the characters of its text form with every shared part counted each
time it appears. Comparing, hashing, printing and storing a value are linear in this size, so it
is what bounds `a == b`, `x in y`, `{t}`, `str(x)`, `sorted(x)` and the task data written back."""
MAX_TASK_DATA = 4_000_000
"""Largest text form of all the variables one script leaves in task data together (what is stored
as JSON and deep-copied into the next task)."""
MAX_DEPTH = 100
"""Deepest nesting of lists/tuples/dicts/sets in one value."""
MAX_FORMAT_WIDTH = 10_000
"""Largest width or precision in a format spec (`%05d`, `f"{x:>10}"`, `"{:.2f}"`)."""
MAX_ZIP_WIDTH = 16
"""Most iterables in one `zip` (each item of the result is a tuple of this many values)."""
MAX_ZIP_ELEMENTS = 1_000_000
"""Most values in all the tuples one `zip` or `enumerate` builds (items × width)."""
MAX_KEY_INT = 2**61 - 2
"""Largest |int| usable as a dict key or set element: CPython hashes ints modulo 2**61 - 1, so
larger ones can be chosen to share a hash, and a table of n such keys takes n²/2 comparisons in
one C call (38,000 multiples of 2**61 - 1 in a set: 11 s holding the GIL). Smaller ints hash to
themselves. The whole rule for keys is `workflows.guards.hash_key`."""
MAX_ALLOCATED = 64 * 2**20
"""Bytes (by `sys.getsizeof`) that the guarded operations of ONE evaluation may build in total;
bounds memory when each object is within its limit but a loop builds many of them."""

LIMITS = {name: value for name, value in globals().items() if name.startswith("MAX_")}


class SandboxLimit(ValueError):
    """Diagram code tried to build or process a value beyond one of the MAX_* limits."""

    def __init__(self, what: str) -> None:
        super().__init__(f"超出沙箱限制 / sandbox limit: {what}")


def charge_bytes(size: int) -> None:
    """Count `size` bytes (of objects just built that `charge` cannot size) against the budget."""
    budget = getattr(_state, "budget", None)
    if budget is not None:
        budget.left -= size
        if budget.left < 0:
            budget.left = 0
            raise SandboxLimit(f"this evaluation built more than MAX_ALLOCATED ({MAX_ALLOCATED:,}) "
                               f"bytes of strings, lists and numbers")


def too_big(what: str, size: int, limit_name: str) -> SandboxLimit:
    """The error for `what` of `size` (characters, items, bits...) above LIMITS[limit_name]."""
    return SandboxLimit(f"{what} of {size:,} exceeds {limit_name} ({LIMITS[limit_name]:,})")


# --- the allocation budget of the evaluation running on this thread ---------------------------------

_state = threading.local()


class Budget:
    """Bytes still allowed for objects built by guarded operations in one evaluation."""

    __slots__ = ("left",)

    def __init__(self, limit: int = MAX_ALLOCATED) -> None:
        self.left = limit


def start_budget() -> Budget | None:
    """Give this thread a fresh budget; returns the previous one for `restore_budget`."""
    previous = getattr(_state, "budget", None)
    _state.budget = Budget()
    return previous


def restore_budget(previous: Budget | None) -> None:
    _state.budget = previous


def charge(obj: Any) -> Any:
    """Count `obj` (just built) against the budget; returns it. No-op outside an evaluation."""
    budget = getattr(_state, "budget", None)
    if budget is not None:
        budget.left -= sys.getsizeof(obj)
        if budget.left < 0:
            budget.left = 0
            raise SandboxLimit(f"this evaluation built more than MAX_ALLOCATED ({MAX_ALLOCATED:,}) "
                               f"bytes of strings, lists and numbers")
    return obj


# --- sizes ------------------------------------------------------------------------------------------

_FIXED = {float: 24, bool: 5, type(None): 4, date: 12, datetime: 32, time: 15, timedelta: 40,
          Decimal: 40, complex: 48}
_SEQUENCES = (list, tuple, set, frozenset)
_ITERABLE = (list, tuple, set, frozenset, KeysView, ValuesView, ItemsView, range)


def check_size(value: Any) -> Any:
    """`value` if its own size is within MAX_STR / MAX_ITEMS / MAX_INT_BITS (not its contents)."""
    kind = type(value)
    if kind is str or kind is bytes or kind is bytearray:
        if len(value) > MAX_STR:
            raise too_big(f"{kind.__name__} length", len(value), "MAX_STR")
    elif kind is int:
        if value.bit_length() > MAX_INT_BITS:
            raise too_big("int size in bits", value.bit_length(), "MAX_INT_BITS")
    elif kind in _SEQUENCES or kind is dict:
        if len(value) > MAX_ITEMS:
            raise too_big(f"{kind.__name__} length", len(value), "MAX_ITEMS")
    return value


def rendered_size(value: Any, limit: int = MAX_RENDERED) -> int:
    """Characters of `value`'s text form, each shared part counted every time it appears.

    Shared parts are measured once (memo by id), so the cost is linear in the distinct objects,
    not in the (possibly exponential) expanded size. Raises SandboxLimit past `limit`, for a value
    that contains itself, or nested deeper than MAX_DEPTH.
    """
    kind = type(value)
    if kind is str or kind is bytes:
        size = len(value) + 2
    elif kind is int:
        size = (value.bit_length() * 77 >> 8) + 2  # log10(2) ~ 77/256
    elif kind in _FIXED:
        size = _FIXED[kind]
    else:
        size = _Walker(limit).size(value, 0)
    if size > limit:
        raise too_big("value size in characters", size, "MAX_RENDERED")
    return size


def check_rendered(value: Any) -> Any:
    """`value` if its text form is within MAX_RENDERED; fast for scalars."""
    kind = type(value)
    if kind is not str and kind is not int and kind not in _FIXED:
        rendered_size(value)
    elif kind is str and len(value) > MAX_STR:
        raise too_big("str length", len(value), "MAX_STR")
    return value


def check_task_data(variables: Mapping[str, Any]) -> None:
    """Refuse variables a script would leave in task data when one exceeds MAX_RENDERED or all
    together exceed MAX_TASK_DATA (shared parts counted each time: JSON writes them each time)."""
    walker = _Walker(MAX_RENDERED)
    total = 0
    for name, value in variables.items():
        try:
            size = walker.size(value, 0)
            if size > MAX_RENDERED:
                raise too_big("value size in characters", size, "MAX_RENDERED")
            total += size
        except SandboxLimit as exc:
            raise SandboxLimit(f"variable {name!r}: {str(exc).split(': ', 1)[-1]}") from None
        if total > MAX_TASK_DATA:
            raise too_big(f"task data (up to variable {name!r}) in characters", total, "MAX_TASK_DATA")


class _Walker:
    __slots__ = ("active", "limit", "memo")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.memo: dict[int, int] = {}
        self.active: set[int] = set()

    def size(self, value: Any, depth: int) -> int:
        kind = type(value)
        if kind is str or kind is bytes:
            return len(value) + 2
        if kind is int:
            return (value.bit_length() * 77 >> 8) + 2
        fixed = _FIXED.get(kind)
        if fixed is not None:
            return fixed
        key = id(value)
        known = self.memo.get(key)
        if known is not None:
            return known
        if key in self.active:
            raise SandboxLimit("a value that contains itself cannot be compared, printed or stored")
        if depth >= MAX_DEPTH:
            raise too_big("nesting depth", depth + 1, "MAX_DEPTH")
        self.active.add(key)
        total, limit = 2, self.limit
        if isinstance(value, dict):
            for k, v in value.items():
                total += self.size(k, depth + 1) + self.size(v, depth + 1) + 4
                if total > limit:
                    raise too_big("value size in characters", total, "MAX_RENDERED")
        elif isinstance(value, _ITERABLE):
            for item in value:
                total += self.size(item, depth + 1) + 2
                if total > limit:
                    raise too_big("value size in characters", total, "MAX_RENDERED")
        else:
            total = 64  # functions, iterators: repr is short; `cmp_operand` refuses to compare them
        self.active.discard(key)
        self.memo[key] = total
        return total
