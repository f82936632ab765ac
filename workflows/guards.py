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
`{k: v}`, `{k}`, `d[k] = v`  `hash_key`: only keys whose hashes cannot be chosen (`key_refusal`)
`set()`, `dict()`, `s.update` `check_keys`/`check_pair_keys`: the same rule for every item hashed
`a - b`, `a | b`, `& ^`      `setop`: a dict keys view hashes the other operand's items
`a[i]`, `a[i:j]`             `getitem`: tuple keys' size; slices charged to the budget
builtins                     `GUARDED_BUILTINS`: `str`, `int`, `list`, `sorted`, `sum`, `round` ...;
                             iterators are drained through `islice` (MAX_ITEMS + 1 at most), and
                             `zip`/`enumerate`/`reversed` return bounded lists (MAX_ZIP_WIDTH)
==========================  ===================================================================

Every guard raises `SandboxLimit` (a ValueError) naming the limit it enforces.
"""

from __future__ import annotations

import builtins
import itertools
import operator
import re
import sys
from collections.abc import Callable, ItemsView, Iterable, KeysView, ValuesView
from datetime import date, datetime, time, timedelta
from typing import Any

from RestrictedPython.PrintCollector import PrintCollector

from .limits import (
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_KEY_INT,
    MAX_STR,
    MAX_ZIP_ELEMENTS,
    MAX_ZIP_WIDTH,
    SandboxLimit,
    charge,
    charge_bytes,
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
    "+=": _iadd, "-=": lambda x, y: _iset("-", operator.isub, x, y), "*=": _imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": mod, "**=": power, "<<=": lshift, ">>=": operator.irshift,
    "|=": lambda x, y: _ior(x, y), "&=": lambda x, y: _iset("&", operator.iand, x, y),
    "^=": lambda x, y: _iset("^", operator.ixor, x, y),
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
_ASCII_DIGITS = frozenset("0123456789")


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
            while i < n and text[i] in _ASCII_DIGITS:
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


_KEY_SCALARS = frozenset({str, bytes, bool, type(None), float, date, datetime, time})
"""Key types whose hashes cannot be made to collide in bulk: str/bytes/date/datetime/time hash by
keyed SipHash of their bytes (secret per process); floats share a hash in groups of at most ~200
(m·2**e and m·2**(e+61), rotated mantissas: 100,000 floats in such groups cost ~0.1 s to build)."""
_TUPLE_TEXT = frozenset({str, bytes, date, datetime, time})
_TUPLE_INT_BOUND = 2**31
_TUPLE_MAX_INTS = 2


def key_refusal(value: Any) -> str | None:
    """Why `value` may not be a dict key or set element, or None when it may (issue 11).

    CPython fills a hash table in one C call; keys sharing a hash make it quadratic, and the hashes
    of ints (modulo 2**61 - 1), Decimals and tuples (an invertible mix of their items' hashes) can be
    chosen. So a key must be str, bytes, bool, None, a float, a date/datetime/time, an int with
    |v| <= MAX_KEY_INT, or a tuple of str/bytes/date/datetime/time holding at most two ints or
    bools with |v| < 2**31 (two such ints give ~2**64 tuples for 2**64 hashes: no crafted groups).
    """
    kind = type(value)
    if kind in _KEY_SCALARS:
        return None
    if kind is int:
        return None if -MAX_KEY_INT <= value <= MAX_KEY_INT else (
            f"an int key beyond ±MAX_KEY_INT ({MAX_KEY_INT:,}) (such ints can share a hash)")
    if kind is tuple:
        ints = 0
        for item in value:
            item_kind = type(item)
            if item_kind in _TUPLE_TEXT:
                continue
            if (item_kind is int or item_kind is bool) and -_TUPLE_INT_BOUND < item < _TUPLE_INT_BOUND:
                ints += 1
                if ints <= _TUPLE_MAX_INTS:
                    continue
            return ("a tuple key may hold only str, bytes, dates and at most two ints below 2**31 "
                    "(other tuples can share a hash)")
        return None
    return f"a {kind.__name__} cannot be a dict key or set element in diagram code (its hash can be chosen)"


def _refuse_key(reason: str) -> SandboxLimit:
    return SandboxLimit(f"dict key / set element: {reason}")


def hash_key(value: Any) -> Any:
    """A dict key or set element (or a subscript), if `key_refusal` allows it; else SandboxLimit.
    Fast for str and small ints (type checks only)."""
    kind = type(value)
    if kind is str or (kind is int and -MAX_KEY_INT <= value <= MAX_KEY_INT):
        return value
    reason = key_refusal(value)
    if reason is not None:
        raise _refuse_key(reason)
    if kind is tuple:
        rendered_size(value)  # hashing a tuple walks all of it
    return value


_TABLES = (set, frozenset, dict, KeysView)


def check_keys(items: Any) -> None:
    """Every item of `items` (a sized container) is an allowed key; C-speed for homogeneous str,
    number and date items (one pass of `map(type, ...)`), a Python loop only for mixed ones.
    Items already in a set or dict (or a dict's keys) are skipped: that table was built checked."""
    if isinstance(items, _TABLES) or not items:
        return
    kinds = builtins.set(builtins.map(type, items))
    if kinds <= _KEY_SCALARS:
        return
    if kinds == {int} or kinds <= _KEY_SCALARS | {int} and not kinds & {str, bytes, date, datetime, time}:
        numbers = items if kinds == {int} else [x for x in items if type(x) is int]
        if numbers and (builtins.min(numbers) < -MAX_KEY_INT or builtins.max(numbers) > MAX_KEY_INT):
            raise _refuse_key(key_refusal(builtins.max(numbers, key=builtins.abs)) or "")
        return
    for item in items:
        hash_key(item)


def check_pair_keys(pairs: Any) -> None:
    """The keys of `dict(pairs)` / `d.update(pairs)`: items of 2-item sequences (a dict's or a
    dict view's own keys are skipped)."""
    if isinstance(pairs, dict | KeysView | ItemsView) or not pairs:
        return
    keys = []
    for pair in pairs:
        if isinstance(pair, _TEXT) or not isinstance(pair, list | tuple) or len(pair) != 2:
            raise SandboxLimit("dict() needs pairs of (key, value) in diagram code")
        keys.append(pair[0])
    check_keys(keys)


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
    """A sized container of `iterable`'s items: containers as they are, anything else (generators,
    which are traced code) drained through `islice` so that at most MAX_ITEMS + 1 items are ever
    pulled before refusing."""
    if isinstance(iterable, (*_TEXT, *_COMPARABLE)):
        return iterable
    items = builtins.list(itertools.islice(iterable, MAX_ITEMS + 1))
    check_size(items)
    return charge(items)


def bounded_list(iterable: Any) -> Any:
    """`iterable` if it is a container, else a list of at most MAX_ITEMS of its items (refused
    beyond, after pulling at most MAX_ITEMS + 1)."""
    return _materialize(iterable)


def _sized_length(value: Any) -> int | None:
    return len(value) if isinstance(value, (*_TEXT, *_COMPARABLE)) else None


def zip_(*iterables: Any, strict: bool = False) -> list:
    """`zip`, as a list: at most MAX_ZIP_WIDTH iterables, MAX_ITEMS tuples and MAX_ZIP_ELEMENTS
    values in all, checked before building (the result of a C-level zip consumed by `all`, `max`,
    `sorted` or `list` would otherwise run and build without bound between two trace events)."""
    if len(iterables) > MAX_ZIP_WIDTH:
        raise too_big("zip() width in iterables", len(iterables), "MAX_ZIP_WIDTH")
    if not iterables:
        return []
    sources = [it if _sized_length(it) is not None else _materialize(it) for it in iterables]
    shortest = builtins.min(len(it) for it in sources)
    if shortest > MAX_ITEMS:
        raise too_big("zip() length in tuples", shortest, "MAX_ITEMS")
    if shortest * len(sources) > MAX_ZIP_ELEMENTS:
        raise too_big("zip() values (tuples × width)", shortest * len(sources), "MAX_ZIP_ELEMENTS")
    charge_bytes(shortest * (sys.getsizeof(()) + 8 * (len(sources) + 1)))
    return builtins.list(builtins.zip(*sources, strict=strict))


def enumerate_(iterable: Any, start: int = 0) -> list:
    """`enumerate`, as a list of (index, item) of at most MAX_ITEMS items (so that no C-level
    iterator can be wrapped in another without bound)."""
    source = _materialize(iterable)
    check_size(source)
    if len(source) > MAX_ITEMS:  # a str is within MAX_STR, not MAX_ITEMS
        raise too_big("enumerate() length", len(source), "MAX_ITEMS")
    charge_bytes(len(source) * (sys.getsizeof(()) + 24))
    return builtins.list(builtins.enumerate(source, check_size(start)))


def reversed_(sequence: Any) -> list:
    """`reversed`, as a list of at most MAX_ITEMS items."""
    source = _materialize(sequence)
    if len(source) > MAX_ITEMS:
        raise too_big("reversed() length", len(source), "MAX_ITEMS")
    if isinstance(source, set | frozenset | dict):  # as Python: a set is not reversible
        return builtins.list(builtins.reversed(source))
    return charge(builtins.list(builtins.reversed(source)))


_VIEWS = (KeysView, ItemsView)


def setop(op: str, a: Any, b: Any) -> Any:
    """`a - b`, `a | b`, `a & b`, `a ^ b`: for a dict's keys view the other operand (any
    iterable) is hashed into a new set, so its items must be allowed keys; items views hash
    (key, value) tuples whose values are arbitrary, so they are refused."""
    if type(a) in _VIEW_TYPES or type(b) in _VIEW_TYPES:
        for view, other in ((a, b), (b, a)):
            if isinstance(view, ItemsView):
                raise SandboxLimit("set operations on dict.items() are not available in diagram code; "
                                   "use a comprehension")
            if isinstance(view, KeysView):
                other = _materialize(other)
                check_keys(other)
                return charge(_SET_OPS[op](*((view, other) if view is a else (other, view))))
    return _SET_OPS[op](a, b)


_VIEW_TYPES = frozenset({type({}.keys()), type({}.items())})
_SET_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "-": operator.sub, "|": operator.or_, "&": operator.and_, "^": operator.xor,
}


def sub(a: Any, b: Any) -> Any:
    """`a - b` (see `setop`); numbers go straight through."""
    if type(a) in _VIEW_TYPES or type(b) in _VIEW_TYPES:
        return setop("-", a, b)
    return a - b


def bitor(a: Any, b: Any) -> Any:
    """`a | b` (see `setop`)."""
    return setop("|", a, b)


def bitand(a: Any, b: Any) -> Any:
    """`a & b` (see `setop`)."""
    return setop("&", a, b)


def bitxor(a: Any, b: Any) -> Any:
    """`a ^ b` (see `setop`)."""
    return setop("^", a, b)


def _iset(op: str, inplace_op: Callable[[Any, Any], Any], x: Any, y: Any) -> Any:
    """`x -= y`, `x &= y`, `x ^= y`: in place for sets and numbers, through `setop` for dict views."""
    if type(x) in _VIEW_TYPES or type(y) in _VIEW_TYPES:
        return setop(op, x, y)
    return inplace_op(x, y)


def _ior(x: Any, y: Any) -> Any:
    if type(x) is dict:  # d |= pairs: like d.update(pairs)
        y = _materialize(y)
        check_pair_keys(y)
        if len(x) + len(y) > MAX_ITEMS:
            raise too_big("dict length", len(x) + len(y), "MAX_ITEMS")
        x |= y
        return x
    return _iset("|", operator.ior, x, y)


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
        if kind in (set, frozenset, dict):  # hashing every item: allowed keys, bounded size
            if kind is dict:
                check_pair_keys(source)
            else:
                check_keys(source)
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
    "enumerate": enumerate_, "zip": zip_, "reversed": reversed_, "isinstance": isinstance_,
    "ValueError": GuardedType(ValueError, _new_exception),
}
"""Builtins a diagram may use (`range` is `helpers.capped_range`); see `workflows/helpers.py`."""
