"""The FEEL that Camunda Modeler writes in a DMN decision table, parsed by a real grammar (lark, LALR).

A decision table's input entries are FEEL *unary tests*; Camunda 7.21 evaluates them with the FEEL
Scala engine. The subset read here is what Modeler's table editor offers (Camunda docs, "FEEL Language
Elements > Unary Tests" and Modeler's input-entry popups):

    (empty), -                    any value
    10, -1.5, "a", true, false    equal to that value (`null` tests for a missing value)
    date("2026-01-01")            equal to that date
    < 10, <= 10, > 10, >= 10      comparison with a number or a date (also `= 10`, `!= 10`)
    [1..5] ]1..5[ (1..5) [1..5)   interval: `[`/`]` closed at that end, `]`/`(`/`)`/`[` open
    "a","b"  < 3, [5..9]          a list: any one of them
    not("x"), not(< 3, > 9)       none of them

Output entries are literals (string, number, boolean, `date("…")`, `null`, or empty = null); input
expressions are variable names or paths (`amount`, `applicant.age`), in FEEL or as JUEL `${applicant.age}`.

Everything else (names in tests such as `< limit`, arithmetic, functions other than `date`, `?`,
`date and time(…)`, strings with FEEL escapes) raises `FeelRefused` with the offset where the subset stops.
Parsed tests and values are plain JSON (stored with the decision), evaluated by `matches` without `eval`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from lark import Lark, Transformer, v_args
from lark.exceptions import UnexpectedInput, VisitError

_TESTS = r"""
?start: "-"                                   -> any
      | "not" "(" positives ")"               -> none_of
      | positives

positives: positive ("," positive)*

?positive: COMPARE literal                    -> compare
         | opening literal RANGE literal closing -> interval
         | literal                            -> equal

?literal: NUMBER                              -> number
        | "-" NUMBER                          -> negative
        | STRING                              -> string
        | "true"                              -> true
        | "false"                             -> false
        | "null"                              -> null
        | "date" "(" STRING ")"               -> date

COMPARE: "<=" | ">=" | "!=" | "<" | ">" | "="
opening: SQ_L | SQ_R | "("
closing: SQ_R | SQ_L | ")"

SQ_L: "["
SQ_R: "]"
RANGE: ".."
NUMBER: /[0-9]+(\.[0-9]+)?/
STRING: /"[^"\\]*"/

%import common.WS
%ignore WS
"""

_LITERAL = _TESTS.replace("?start:", "?start: literal\n?unused:", 1)

_PATH = r"""
start: path | "${" path "}"
path: NAME ("." NAME)*
NAME: /[A-Za-z_][A-Za-z0-9_]*/

%import common.WS
%ignore WS
"""

MAX_WHOLE_DIGITS = 18
"""A number literal has at most this many digits before the point (below 10^18, inside Java's long)."""
MAX_FRACTION_DIGITS = 20
"""…and at most this many after it (a double keeps about 17 significant digits)."""

Value = dict[str, Any]
"""A literal: `{"k": "number"|"string"|"boolean"|"date"|"null", "v": ...}` (date as ISO text)."""
Test = dict[str, Any]
"""A parsed unary test: `{"t": "any"}`, `{"t": "none", "of": [...]}`, `{"t": "one", "of": [...]}` whose
members are `{"t": "eq", "v": Value}`, `{"t": "cmp", "op": "<", "v": Value}`, `{"t": "range", "lo", "hi",
"lo_open", "hi_open"}`."""


class FeelRefused(ValueError):
    """Text outside the subset; `.offset` is the 0-based position where the subset stops."""

    def __init__(self, reason: str, offset: int) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(f"{reason} (offset {offset})")


@v_args(inline=True)
class _ToJson(Transformer):  # type: ignore[type-arg]
    def number(self, token: Any) -> Value:
        text = str(token)
        whole, _, fraction = text.partition(".")
        if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
            raise ValueError(f"数字超出范围 / number out of range: at most {MAX_WHOLE_DIGITS} digits before "
                             f"the point and {MAX_FRACTION_DIGITS} after ({len(whole)} and {len(fraction)} "
                             "given)")
        return {"k": "number", "v": float(text) if "." in text else int(text)}

    def negative(self, token: Any) -> Value:
        value = self.number(token)
        return {"k": "number", "v": -value["v"]}

    def string(self, token: Any) -> Value:
        return {"k": "string", "v": str(token)[1:-1]}

    def true(self) -> Value:
        return {"k": "boolean", "v": True}

    def false(self) -> Value:
        return {"k": "boolean", "v": False}

    def null(self) -> Value:
        return {"k": "null", "v": None}

    def date(self, token: Any) -> Value:
        text = str(token)[1:-1]
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"不是日期 / not a date (yyyy-mm-dd): {text!r}") from None
        return {"k": "date", "v": text}

    def compare(self, op: Any, value: Value) -> Test:
        if value["k"] not in ("number", "date") and str(op) not in ("=", "!="):
            raise ValueError(f"只能比较数字或日期 / {op} compares numbers and dates only")
        return {"t": "cmp", "op": str(op), "v": value}

    def opening(self, token: Any = None) -> str:
        return str(token) if token is not None else "("

    def closing(self, token: Any = None) -> str:
        return str(token) if token is not None else ")"

    def interval(self, opening: str, low: Value, _range: Any, high: Value, closing: str) -> Test:
        if low["k"] != high["k"] or low["k"] not in ("number", "date"):
            raise ValueError("区间的两端须同为数字或日期 / both ends of an interval must be numbers or dates")
        return {"t": "range", "lo": low, "hi": high, "lo_open": str(opening) != "[",
                "hi_open": str(closing) != "]"}

    def equal(self, value: Value) -> Test:
        return {"t": "eq", "v": value}

    def positives(self, *tests: Test) -> Test:
        return {"t": "one", "of": list(tests)}

    def none_of(self, positives: Test) -> Test:
        return {"t": "none", "of": positives["of"]}

    def any(self) -> Test:
        return {"t": "any"}


@lru_cache(maxsize=1)
def _tests_parser() -> Lark:
    return Lark(_TESTS, parser="lalr")


@lru_cache(maxsize=1)
def _literal_parser() -> Lark:
    return Lark(_LITERAL, parser="lalr")


@lru_cache(maxsize=1)
def _path_parser() -> Lark:
    return Lark(_PATH, parser="lalr")


def _parse(parser: Lark, text: str) -> Any:
    try:
        return parser.parse(text)
    except UnexpectedInput as exc:
        offset = getattr(exc, "pos_in_stream", None)
        offset = offset if isinstance(offset, int) else len(text)
        raise FeelRefused(f"不在支持的 FEEL 子集内 / outside the supported FEEL subset at "
                          f"{text[offset:offset + 12]!r}" if offset < len(text) else
                          "不在支持的 FEEL 子集内 / outside the supported FEEL subset: incomplete",
                          offset) from None


def unary_tests(text: str | None) -> Test:
    """Parse an input entry (module docstring); empty text tests nothing (any value).

    Raises:
        FeelRefused: outside the subset (the reason and the offset).
    """
    text = (text or "").strip()
    if not text:
        return {"t": "any"}
    tree = _parse(_tests_parser(), text)
    try:
        return _ToJson().transform(tree)  # type: ignore[no-any-return]
    except VisitError as exc:
        raise FeelRefused(str(exc.orig_exc), 0) from None


def literal(text: str | None) -> Value:
    """Parse an output entry: a literal; empty text is null.

    Raises:
        FeelRefused: not a literal (an expression, a name).
    """
    text = (text or "").strip()
    if not text:
        return {"k": "null", "v": None}
    tree = _parse(_literal_parser(), text)
    try:
        return _ToJson().transform(tree)  # type: ignore[no-any-return]
    except VisitError as exc:
        raise FeelRefused(str(exc.orig_exc), 0) from None


def path(text: str | None) -> list[str]:
    """Parse an input expression: `name`, `a.b.c` or `${a.b}` → `["a", "b"]`.

    Raises:
        FeelRefused: anything else (the input expression must name a variable or a property of one).
    """
    text = (text or "").strip()
    if not text:
        raise FeelRefused("输入表达式为空 / the input expression is empty", 0)
    tree = _parse(_path_parser(), text)
    return [str(token) for token in tree.children[0].children]


# --- run time ---------------------------------------------------------------------------------------

def value_of(value: Value) -> Any:
    """The Python value of a parsed literal (dates as `datetime.date`)."""
    if value["k"] == "date":
        return date.fromisoformat(value["v"])
    return value["v"]


def read(variables: dict[str, Any], names: list[str]) -> Any:
    """The value at `names` in `variables`: missing variables and properties are null (FEEL)."""
    current: Any = variables
    for name in names:
        if not isinstance(current, dict):
            return None
        current = current.get(name)
    return current


def _comparable(actual: Any, kind: str) -> Any:
    """`actual` as a value of `kind`, or None when FEEL would not compare them (null)."""
    if kind == "number":
        if isinstance(actual, bool) or not isinstance(actual, int | float | Decimal):
            return None
        return float(actual) if isinstance(actual, Decimal) else actual
    if kind == "date":
        if isinstance(actual, datetime):
            return actual.date()
        if isinstance(actual, date):
            return actual
        if isinstance(actual, str):
            try:
                return date.fromisoformat(actual[:10])
            except ValueError:
                return None
        return None
    if kind == "string":
        return actual if isinstance(actual, str) else None
    if kind == "boolean":
        return actual if isinstance(actual, bool) else None
    return actual


def _one(test: Test, actual: Any) -> bool:
    kind = test["t"]
    if kind == "eq":
        expected = test["v"]
        if expected["k"] == "null":
            return actual is None
        left = _comparable(actual, expected["k"])
        return left is not None and left == value_of(expected)
    if kind == "cmp":
        expected = test["v"]
        if expected["k"] == "null":
            return (actual is None) == (test["op"] == "=")
        left = _comparable(actual, expected["k"])
        if left is None:
            return False
        right = value_of(expected)
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                "=": left == right, "!=": left != right}[test["op"]]
    if kind == "range":
        left = _comparable(actual, test["lo"]["k"])
        if left is None:
            return False
        low, high = value_of(test["lo"]), value_of(test["hi"])
        above = left > low if test["lo_open"] else left >= low
        below = left < high if test["hi_open"] else left <= high
        return above and below
    raise ValueError(f"unknown test {kind!r}")


def matches(test: Test, actual: Any) -> bool:
    """Whether `actual` passes the parsed unary test (FEEL: a value of another type passes no test)."""
    if test["t"] == "any":
        return True
    hit = any(_one(member, actual) for member in test["of"])
    return not hit if test["t"] == "none" else hit
