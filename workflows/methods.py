"""The attributes and methods diagram code may use, per type (RestrictedPython's `_getattr_`).

An allow-list: anything not listed is refused with
``沙箱不允许 / not allowed in diagram code: str.translate``. Methods that can build large results
from small arguments (`'a'.center(10**9)`, `'x'.join(...)`, `(1).to_bytes(10**9)`, `s.replace`,
`lst.extend`) are checked BEFORE they run; methods whose result is at most a few times their input
(`upper`, `split`, `copy` ...) are checked after and charged to the evaluation's allocation budget;
methods that compare or hash (`index`, `count`, `remove`, `sort`, `get`, `add` ...) first bound the
size of what they will compare (MAX_RENDERED). The limits are in `workflows/limits.py`.

`a.b` on a dict reads key "b" when dicts have no attribute of that name, so `${member.credit_code}`
works as the diagrams' dotted-path convention promises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from .guards import GuardedType, bounded_list, check_keys, check_pair_keys, hash_key, sort_list
from .limits import (
    MAX_FORMAT_WIDTH,
    MAX_ITEMS,
    MAX_STR,
    SandboxLimit,
    charge,
    check_size,
    rendered_size,
    too_big,
)

_PLAIN = "plain"  # returns a bool, an int or an existing object: no check needed
_AFTER = "after"  # returns a new object at most a few times the input: check and charge after


def _after(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return charge(check_size(method(*args, **kwargs)))


def _text_limit(total: int, kind: type) -> None:
    if total > MAX_STR:
        raise too_big(f"{kind.__name__} length", total, "MAX_STR")


def _join(sep: Any, iterable: Any) -> Any:
    items = bounded_list(iterable)
    check_size(items)
    _text_limit(len(sep) * max(len(items) - 1, 0) + sum(len(i) for i in items if hasattr(i, "__len__")),
                type(sep))
    return charge(sep.join(items))


def _replace(text: Any, old: Any, new: Any, count: int = -1) -> Any:
    found = text.count(old) if old else len(text) + 1
    if count >= 0:
        found = min(found, count)
    _text_limit(len(text) + found * max(len(new) - len(old), 0), type(text))
    return charge(text.replace(old, new, count))


def _padding(name: str) -> Callable[..., Any]:
    def pad(text: Any, width: int, *fill: Any) -> Any:
        _text_limit(width, type(text))
        return charge(getattr(text, name)(width, *fill))

    pad.__name__ = name
    return pad


def _expandtabs(text: Any, tabsize: int = 8) -> Any:
    _text_limit(len(text) + text.count("\t" if isinstance(text, str) else b"\t") * max(tabsize, 0),
                type(text))
    return charge(text.expandtabs(tabsize))


def _to_bytes(number: int, length: int = 1, byteorder: str = "big", **kwargs: Any) -> bytes:
    _text_limit(length, bytes)
    return charge(number.to_bytes(length, byteorder, **kwargs))


def _strftime(value: Any, pattern: str) -> str:
    if len(pattern) > MAX_FORMAT_WIDTH:
        raise too_big("strftime pattern length", len(pattern), "MAX_FORMAT_WIDTH")
    return charge(value.strftime(pattern))


def _no_format(*args: Any, **kwargs: Any) -> Any:
    raise SandboxLimit("str.format()/format_map() are not available in diagram code; use an f-string "
                       "or % formatting")


def _measured(name: str, hashes: bool = False) -> Callable[..., Any]:
    """A method that compares or hashes its arguments against the receiver's items
    (`issubset` ... hash a non-set argument into a new set: its items must be allowed keys)."""

    def call(obj: Any, *args: Any, **kwargs: Any) -> Any:
        if hashes:
            args = tuple(bounded_list(a) for a in args)
            for arg in args:
                check_keys(arg)
        rendered_size(obj)
        rendered_size(args)
        return getattr(obj, name)(*args, **kwargs)

    call.__name__ = name
    return call


def _keyed(name: str) -> Callable[..., Any]:
    """`get`/`pop`/`discard`/`remove` on dicts and sets: only the key is hashed and compared."""

    def call(obj: Any, *args: Any) -> Any:
        if args:
            hash_key(args[0])
        return getattr(obj, name)(*args)

    call.__name__ = name
    return call


def _growing(name: str, hashes: bool = False) -> Callable[..., Any]:
    """`append`/`insert`/`add`/`setdefault`: one more item, within MAX_ITEMS."""

    def call(obj: Any, *args: Any) -> Any:
        if len(obj) >= MAX_ITEMS:
            raise too_big(f"{type(obj).__name__} length", len(obj) + 1, "MAX_ITEMS")
        if hashes and args:
            hash_key(args[0])
        return getattr(obj, name)(*args)

    call.__name__ = name
    return call


def _merging(name: str, hashes: bool) -> Callable[..., Any]:
    """`extend`/`update`/`union`...: other iterables' items join the receiver's, within MAX_ITEMS."""

    def call(obj: Any, *others: Any, **kwargs: Any) -> Any:
        sources = []
        total = len(obj) + len(kwargs)
        for other in others:
            items = bounded_list(other)
            total += len(items)
            sources.append(items)
        if total > MAX_ITEMS:
            raise too_big(f"{type(obj).__name__} length", total, "MAX_ITEMS")
        if hashes:
            check = check_pair_keys if type(obj) is dict else check_keys
            for items in sources:
                check(items)
            rendered_size(sources)
        result = getattr(obj, name)(*sources, **kwargs)
        return obj if result is None else charge(result)

    call.__name__ = name
    return call


def _table(plain: str = "", after: str = "", **special: Any) -> dict[str, Any]:
    table: dict[str, Any] = dict.fromkeys(plain.split(), _PLAIN)
    table.update(dict.fromkeys(after.split(), _AFTER))
    table.update(special)
    return table


_TEXT_PLAIN = ("count endswith find index isalnum isalpha isascii isdigit islower isspace isupper "
               "rfind rindex startswith")
_TEXT_AFTER = ("capitalize lower lstrip partition removeprefix removesuffix rpartition rsplit rstrip "
               "split splitlines strip swapcase title upper")
_TEXT_BUILD = {"join": _join, "replace": _replace, "expandtabs": _expandtabs,
               **{name: _padding(name) for name in ("center", "ljust", "rjust", "zfill")}}

_DATES = _table(
    "year month day hour minute second microsecond days seconds microseconds weekday isoweekday "
    "isocalendar isoformat date time timestamp toordinal total_seconds utcoffset replace astimezone",
    strftime=_strftime,
)

ALLOWED: dict[type, dict[str, Any]] = {
    str: _table(_TEXT_PLAIN + " isdecimal isidentifier isnumeric isprintable istitle",
                _TEXT_AFTER + " casefold encode", format=_no_format, format_map=_no_format,
                **_TEXT_BUILD),
    bytes: _table(_TEXT_PLAIN, _TEXT_AFTER + " decode hex", **_TEXT_BUILD),
    int: _table("bit_length as_integer_ratio conjugate real imag numerator denominator",
                to_bytes=_to_bytes),
    float: _table("is_integer as_integer_ratio conjugate real imag hex"),
    list: _table("clear pop reverse", "copy", append=_growing("append"), insert=_growing("insert"),
                 extend=_merging("extend", False), count=_measured("count"),
                 index=_measured("index"), remove=_measured("remove"), sort=sort_list),
    tuple: _table("", "", count=_measured("count"), index=_measured("index")),
    dict: _table("clear items keys values popitem", "copy", get=_keyed("get"),
                 pop=_keyed("pop"), setdefault=_growing("setdefault", hashes=True),
                 update=_merging("update", True)),
    set: _table("clear pop", "copy", add=_growing("add", hashes=True),
                **{name: _measured(name, hashes=True) for name in ("isdisjoint", "issubset", "issuperset")},
                discard=_keyed("discard"), remove=_keyed("remove"),
                **{name: _merging(name, True) for name in
                   ("update", "union", "intersection", "difference", "symmetric_difference")}),
    date: _DATES, datetime: _DATES, time: _DATES, timedelta: _DATES,
}


def _allowed_for(kind: type) -> dict[str, Any] | None:
    for base in kind.__mro__:
        table = ALLOWED.get(base)
        if table is not None:
            return table
    return None


def guarded_getattr(obj: Any, name: str) -> Any:
    """`obj.name` for diagram code: a dict's key, an allowed attribute, or an allowed method
    (wrapped with its size check). Raises AttributeError for a missing dict key and
    SandboxLimit for anything not on the allow-list."""
    kind = type(obj)
    if (kind is dict or isinstance(obj, Mapping)) and not hasattr(kind, name):
        if name in obj:
            return obj[name]
        raise AttributeError(f"dict has no key or attribute {name!r}")
    table = _allowed_for(kind)
    entry = table.get(name) if table is not None else None
    if entry is None:
        owner = obj.type.__name__ if isinstance(obj, GuardedType) else kind.__name__
        raise SandboxLimit(f"{owner}.{name} is not available in diagram code") if not isinstance(
            obj, Mapping) else AttributeError(f"dict has no key or allowed method {name!r}")
    if entry is _PLAIN:
        return getattr(obj, name)
    if entry is _AFTER:
        return partial(_after, getattr(obj, name))
    return partial(entry, obj)
