"""Whole numbers a diagram or a request writes as text (a version, an id), read as Camunda reads them.

`str.isdigit()` is true for superscripts and other Unicode digits (`"²"`, `"①"`) that `int()` cannot read
or that Java's `Integer.parseInt` refuses, so every such check here accepts ASCII digits only.
"""

from __future__ import annotations

MAX_INT = 2**31 - 1
"""Java's Integer.MAX_VALUE: the largest version Camunda 7 can store."""


def ascii_digits(text: str | None) -> bool:
    """True when `text` is one or more ASCII digits 0-9 (nothing else, no sign, no spaces)."""
    return bool(text) and text.isascii() and text.isdigit()  # type: ignore[union-attr]


def whole_number(text: str | None, *, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
    """`text` (surrounding spaces ignored) as an int in `minimum`…`maximum`, or None when it is not
    ASCII digits or out of range (a version `"²"`, `"0"`, `"99999999999"`)."""
    raw = (text or "").strip()
    if not ascii_digits(raw) or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None
