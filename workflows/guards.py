"""Guarded operators, formatting and builtins of diagram code (the limits are in `limits.py`).

The sandbox's compiler (`workflows/sandbox.py`) rewrites diagram code so that every operation that
can build a large object or do super-linear C-level work calls one of these first:

==========================  ===================================================================
`a + b`, `a += b`            `add`: str/bytes/list/tuple result size checked before concatenating
`a * b`                      `mul`: sequence repetition size and int×int result bits, before
`a ** b`, `a << b`           `power`, `lshift`: result bits estimated before computing
`fmt % args`                 `mod`: printf widths/precisions and the result size, before
f-strings                    `fstring`/`format_value`: spec widths, conversions, total size
`a == b`, `x in y`, `<` ...  `cmp_operand`: each non-literal operand's text size (MAX_RENDERED)
`{k: v}`, `{k}`, `d[k] = v`  `hash_key`: tuple keys' size (hashing a tuple walks all of it)
`a[i]`, `a[i:j]`             `getitem`: tuple keys' size; slices charged to the budget
builtins                     `GUARDED_BUILTINS`: `str`, `int`, `list`, `sorted`, `sum`, `round` ...
==========================  ===================================================================

Every guard raises `SandboxLimit` (a ValueError) naming the limit it enforces.
"""

from __future__ import annotations

import builtins
import operator
import re
from collections.abc import Callable, ItemsView, Iterable, KeysView, ValuesView
from datetime import date, datetime, time, timedelta
from typing import Any

from RestrictedPython.PrintCollector import PrintCollector

from .limits import (
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_STR,
    SandboxLimit,
    charge,
    check_rendered,
    check_size,
    rendered_size,
    too_big,
)

_TEXT = (str, bytes)
_SEQ = (list, tuple)
_SCALARS = frozenset({str, int, float, bool, type(None), bytes, date, datetime, time, timedelta})
_COMPARABLE = (list, tuple, dict, set, frozenset, KeysView, ValuesView, ItemsView, range)


def _seq_limit(value: Any) -> tuple[str, int]:
    return ("MAX_STR", MAX_STR) if isinstance(value, _TEXT) else ("MAX_ITEMS", MAX_ITEMS)


# --- arithmetic -----------------------------------------------------------------------------------


def add(a: Any, b: Any) -> Any:
    """`a + b`, refusing a str/bytes/list/tuple beyond its limit and ints beyond MAX_INT_BITS."""
    ka, kb = type(a), type(b)
    if ka is int and kb is int:
        result = a + b
        if result.bit_length() > MAX_INT_BITS:
            raise too_big("int size in bits", result.bit_length(), "MAX_INT_BITS")
        return result
    if (ka in (str, bytes, list, tuple)) and kb is ka:
        name, limit = _seq_limit(a)
        if len(a) + len(b) > limit:
            raise too_big(f"{ka.__name__} length", len(a) + len(b), name)
        return charge(a + b)
    return a + b


def mul(a: Any, b: Any) -> Any:
    """`a * b`, refusing sequence repetition and int products beyond the limits, before building."""
    ka, kb = type(a), type(b)
    if ka is int and kb is int:
        bits = a.bit_length() + b.bit_length()
        if bits > MAX_INT_BITS:
            raise too_big("int size in bits", bits, "MAX_INT_BITS")
        return a * b
    for seq, n in ((a, b), (b, a)):
        if isinstance(seq, (*_TEXT, *_SEQ)) and isinstance(n, int):
            name, limit = _seq_limit(seq)
            if len(seq) * n > limit:
                raise too_big(f"{type(seq).__name__} length", len(seq) * n, name)
            return charge(a * b)
    return a * b


def power(a: Any, b: Any) -> Any:
    """`a ** b`; an int result has at least (bits of |a| - 1) × b bits: refused before computing."""
    if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        if b > MAX_INT_BITS or (abs(a).bit_length() - 1) * b >= MAX_INT_BITS:
            raise too_big("int size in bits", abs(a).bit_length() * b, "MAX_INT_BITS")
        return check_size(a**b)
    return a**b


def lshift(a: Any, b: Any) -> Any:
    """`a << b`, refused when the result would exceed MAX_INT_BITS."""
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        bits = a.bit_length() + b
        if bits > MAX_INT_BITS:
            raise too_big("int size in bits", bits, "MAX_INT_BITS")
    return a << b


def mod(a: Any, b: Any) -> Any:
    """`a % b`: printf-style formatting when `a` is str/bytes (see `printf`), else modulo."""
    if isinstance(a, _TEXT):
        return a % b if _small_printf(a, b) else printf(a, b)
    return a % b


def _iadd(x: Any, y: Any) -> Any:
    if type(x) is list:  # in place, as Python does: aliases of the list see the items
        y = _materialize(y)
        if len(x) + len(y) > MAX_ITEMS:
            raise too_big("list length", len(x) + len(y), "MAX_ITEMS")
        x += y
        return x
    return add(x, y)


def _imul(x: Any, y: Any) -> Any:
    if type(x) is list and isinstance(y, int):
        if len(x) * y > MAX_ITEMS:
            raise too_big("list length", len(x) * y, "MAX_ITEMS")
        x *= y
        return x
    return mul(x, y)


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": _iadd, "-=": operator.isub, "*=": _imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": mod, "**=": power, "<<=": lshift, ">>=": operator.irshift,
    "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor,
}


_NUMBERS = frozenset({int, float, bool})


def inplace(op: str, x: Any, y: Any) -> Any:
    """RestrictedPython's `_inplacevar_`: `x += y` etc. through the same guards as `x + y`."""
    if op == "+=" and type(x) in _NUMBERS and type(y) in _NUMBERS:  # the usual `total += score`
        result = x + y
        if type(result) is int and result.bit_length() > MAX_INT_BITS:
            raise too_big("int size in bits", result.bit_length(), "MAX_INT_BITS")
        return result
    try:
        func = _INPLACE[op]
    except KeyError:
        raise SandboxLimit(f"operator {op} is not allowed") from None
    return func(x, y)


# --- formatting -----------------------------------------------------------------------------------


def _check_width(number: str, where: str) -> int:
    value = int(number)
    if value > MAX_FORMAT_WIDTH:
        raise too_big(f"format width/precision in {where}", value, "MAX_FORMAT_WIDTH")
    return value


_PRINTF_FLAGS = frozenset("#0- +")


_SHORT_SCALARS = frozenset({int, float, bool, type(None)})
_BIG_NUMBER_OR_STAR = re.compile(r"\d{3}|\*")


def _small_printf(fmt: str | bytes, args: Any) -> bool:
    """The common case, bounded without parsing: a short format (<= 256 conversions), no width or
    precision above 99, and arguments that are numbers or short strings: the result is at most
    512 + 256 × (2 × 99 + 3,100) characters, well within MAX_STR."""
    if len(fmt) > 512 or _BIG_NUMBER_OR_STAR.search(fmt if isinstance(fmt, str) else fmt.decode("latin-1")):
        return False
    values = args if type(args) is tuple else args.values() if type(args) is dict else (args,)
    if len(values) > 16:
        return False
    for value in values:
        kind = type(value)
        if not (kind in _SHORT_SCALARS or (kind is str or kind is bytes) and len(value) <= 1024):
            return False
    return True


def printf(fmt: str | bytes, args: Any) -> Any:
    """`fmt % args` after bounding its result: widths and precisions at most MAX_FORMAT_WIDTH, `*`
    widths refused, and the sum of widths and argument sizes at most MAX_STR, all before formatting.
    """
    if _small_printf(fmt, args):
        return fmt % args
    text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
    mapping = args if isinstance(args, dict) else None
    positional = list(args) if isinstance(args, tuple) else [args]
    total, index, i, n = len(text), 0, 0, len(text)
    while True:
        i = text.find("%", i)
        if i < 0 or i + 1 >= n:
            break
        i += 1
        key = None
        if text[i] == "(":
            depth, start = 1, i + 1
            while i + 1 < n and depth:
                i += 1
                depth += {"(": 1, ")": -1}.get(text[i], 0)
            key, i = text[start:i], i + 1
        while i < n and text[i] in _PRINTF_FLAGS:
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if i < n and text[i] == ".":
                    i += 1
                else:
                    break
            if i < n and text[i] == "*":
                raise SandboxLimit("`*` widths in % formatting are not allowed in diagram code")
            start = i
            while i < n and text[i].isdigit():
                i += 1
            if i > start:
                total += _check_width(text[start:i], "% format")
        while i < n and text[i] in "hlL":
            i += 1
        if i >= n or text[i] == "%":
            i += 1
            continue
        if key is not None and mapping is not None:
            value = mapping.get(key)
        elif index < len(positional):
            value, index = positional[index], index + 1
        else:
            value = None
        total += rendered_size(value) + (330 if isinstance(value, float) else 0)  # %f of 1e308
        i += 1
        if total > MAX_STR:
            raise too_big("formatted string length", total, "MAX_STR")
    return charge(check_size(fmt % args))


_DIGITS = re.compile(r"\d+")
_CONVERSIONS = {-1: None, 115: str, 114: repr, 97: ascii}


def format_value(value: Any, conversion: int, spec: str) -> str:
    """One f-string field `{value!conversion:spec}`, refusing widths/precisions above
    MAX_FORMAT_WIDTH and values whose text exceeds MAX_RENDERED, before formatting."""
    check_rendered(value)
    if spec:
        if len(spec) > MAX_FORMAT_WIDTH:
            raise too_big("format spec length", len(spec), "MAX_FORMAT_WIDTH")
        if not isinstance(value, date | time):  # strftime patterns: output ~ pattern length
            for number in _DIGITS.findall(spec):
                _check_width(number, "f-string")
    convert = _CONVERSIONS.get(conversion)
    if convert is not None:
        value = check_size(convert(value))  # repr/ascii escape up to 10 characters per character
    return check_size(format(value, spec))


def fstring(*parts: str) -> str:
    """Join f-string pieces once their total length is known to be within MAX_STR."""
    total = sum(len(p) for p in parts)
    if total > MAX_STR:
        raise too_big("f-string length", total, "MAX_STR")
    return charge("".join(parts))


# --- comparing and hashing --------------------------------------------------------------------------


def cmp_operand(value: Any) -> Any:
    """An operand of `==`, `<`, `in` ...: comparison walks containers in C, so their text size
    (shared parts counted each time) must be within MAX_RENDERED; iterators are refused."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, _COMPARABLE):
        rendered_size(value)
        return value
    if isinstance(value, Iterable) and not callable(value):
        raise SandboxLimit(f"cannot compare or search a {type(value).__name__} iterator in diagram "
                           f"code; make a list of it first")
    return value


def hash_key(value: Any) -> Any:
    """A dict key or set element: hashing a tuple walks all of it, so bound its size first."""
    if type(value) is tuple:
        rendered_size(value)
    return value


def getitem(obj: Any, key: Any) -> Any:
    """`obj[key]`: tuple keys are bounded like `hash_key`; slices are charged to the budget."""
    kind = type(key)
    if kind is slice:
        return charge(obj[key])
    if kind is tuple:
        rendered_size(key)
    return obj[key]


# --- builtins -------------------------------------------------------------------------------------


def _materialize(iterable: Any) -> Any:
    """A sized container of `iterable`'s items (generators are drained: they are traced code)."""
    if isinstance(iterable, (*_TEXT, *_COMPARABLE)):
        return iterable
    items = builtins.list(iterable)
    check_size(items)
    return charge(items)


class GuardedType:
    """A builtin type whose calls are checked; `isinstance(x, str)` still works (see `isinstance_`)."""

    __slots__ = ("check", "type")

    def __init__(self, kind: type, check: Callable[..., Any]) -> None:
        self.type = kind
        self.check = check

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.check(self.type, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<diagram builtin {self.type.__name__}>"


def _new_str(kind: type, *args: Any) -> Any:
    if len(args) == 1:  # str(x): rendering walks containers in C
        check_rendered(args[0])
    return charge(check_size(kind(*args)))


def _new_number(kind: type, *args: Any) -> Any:
    return check_size(kind(*args))


def _new_collection(kind: type, *args: Any, **kwargs: Any) -> Any:
    if args:
        source = _materialize(args[0])
        check_size(source)
        if kind in (set, frozenset, dict):  # hashing every item
            rendered_size(source)
        args = (source, *args[1:])
    if kwargs:
        check_size(kwargs)
    return charge(check_size(kind(*args, **kwargs)))


def _checked(kind: type) -> Callable[..., Any]:
    return _new_str if kind is str else _new_number if kind in (int, float) else _new_collection


def _unwrap(kinds: Any) -> Any:
    if isinstance(kinds, GuardedType):
        return kinds.type
    if isinstance(kinds, tuple):
        return builtins.tuple(_unwrap(k) for k in kinds)
    return kinds


def _keys(source: list | tuple, key: Callable[[Any], Any]) -> list:
    """The sort keys of `source`, computed here (the key function is diagram code, traced) and
    bounded like the items: C compares them, and two equal-but-distinct nested keys compare in
    time exponential in their nesting."""
    keys = [key(item) for item in source]
    rendered_size(keys)
    return keys


def sorted_(iterable: Any, /, *, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> list:
    """`sorted` of at most MAX_ITEMS items (and keys) whose size is within MAX_RENDERED."""
    source = _materialize(iterable)
    check_size(source)
    if key is None:
        rendered_size(source)
        return charge(builtins.sorted(source, reverse=reverse))
    source = source if isinstance(source, list | tuple) else builtins.list(source)
    keys = _keys(source, key)
    order = builtins.sorted(range(len(keys)), key=keys.__getitem__, reverse=reverse)  # stable
    return charge([source[i] for i in order])


def sort_list(items: list, /, *, key: Callable[[Any], Any] | None = None, reverse: bool = False) -> None:
    """`list.sort` through `sorted_`, in place."""
    items[:] = sorted_(items, key=key, reverse=reverse)


_NO_DEFAULT = object()


def _extreme(func: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, key: Callable[[Any], Any] | None = None, default: Any = _NO_DEFAULT) -> Any:
        source = _materialize(args[0]) if len(args) == 1 else args
        if not source and default is not _NO_DEFAULT:
            return default
        if key is None:
            rendered_size(source)
            return func(source)
        source = source if isinstance(source, list | tuple) else builtins.list(source)
        keys = _keys(source, key)
        return source[func(range(len(keys)), key=keys.__getitem__)]

    guarded.__name__ = guarded.__qualname__ = func.__name__
    guarded.__doc__ = f"`{func.__name__}` of values (and keys) within MAX_RENDERED."
    return guarded


def _new_exception(kind: type, *args: Any) -> BaseException:
    rendered_size(args)  # the engine prints the message: str() of a nested tuple has no bound
    return kind(*args)


def isinstance_(value: Any, kinds: Any) -> bool:
    """`isinstance`, accepting the guarded builtin types (`isinstance(x, str)`)."""
    rendered_size(kinds)  # a nested tuple of types is walked in C (and by `_unwrap`)
    return builtins.isinstance(value, _unwrap(kinds))


def render(value: Any) -> Any:
    """`value` if its text form is within MAX_RENDERED (an `assert` message is printed)."""
    return check_rendered(value)


def sum_(iterable: Any, /, start: int | float = 0) -> Any:
    """`sum` of numbers only (summing lists or tuples copies quadratically in C)."""
    if not isinstance(start, int | float):
        raise SandboxLimit("sum() adds numbers only in diagram code; join lists with a comprehension")
    source = _materialize(iterable)
    rendered_size(source)
    return check_size(builtins.sum(source, start))


def round_(number: Any, ndigits: int | None = None) -> Any:
    """`round`; `round(1, -10**9)` would compute 10**(10**9), so |ndigits| is at most
    MAX_FORMAT_WIDTH."""
    if ndigits is None:
        return builtins.round(number)
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_WIDTH:
        raise too_big("round() ndigits", abs(ndigits), "MAX_FORMAT_WIDTH")
    return builtins.round(number, ndigits)


class GuardedPrint(PrintCollector):
    """RestrictedPython's `_print_`: a PrintCollector whose text stays within MAX_STR."""

    def __init__(self, _getattr_: Any = None) -> None:
        super().__init__(_getattr_)
        self.size = 0

    def _call_print(self, *objects: Any, **kwargs: Any) -> None:
        sep, end = kwargs.get("sep") or " ", kwargs.get("end") or "\n"
        self.size += rendered_size(objects) + rendered_size(sep) * len(objects) + rendered_size(end)
        if self.size > MAX_STR:
            raise too_big("printed text length", self.size, "MAX_STR")
        kwargs.pop("file", None)
        super()._call_print(*objects, **kwargs)


GUARDED_BUILTINS: dict[str, Any] = {
    **{k.__name__: GuardedType(k, _checked(k))
       for k in (str, int, float, list, tuple, dict, set)},
    "len": len, "all": all, "any": any, "abs": abs, "bool": bool,
    "min": _extreme(min), "max": _extreme(max), "sum": sum_, "sorted": sorted_, "round": round_,
    "enumerate": enumerate, "zip": zip, "reversed": reversed, "isinstance": isinstance_,
    "ValueError": GuardedType(ValueError, _new_exception),
}
"""Builtins a diagram may use (`range` is `helpers.capped_range`); see `workflows/helpers.py`."""
