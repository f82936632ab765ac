"""A safe subset of JUEL (Camunda 7's expression language), translated into the sandbox's Python.

Diagrams drawn for Camunda write `${approved}`, `${amount > 1000}`, `#{not approved}` or
`${a.b == 'x' && !empty c}`. Such an expression is parsed here by a real grammar (lark, LALR) and
translated once, at deploy, into the Python the sandbox (`workflows/sandbox.py`) evaluates; at run
time nothing of JUEL remains. The subset (JSR 245 / JUEL 2.2 operators and precedence):

    literals      'text' "text" (\\' \\" \\\\ escapes), 12, 1.5, 2e3, true, false, null
    names         identifiers (process variables and the engine's helpers)
    properties    a.b, a['b'], a[expr]
    unary         ! not - empty
    arithmetic    * / div % mod + -
    relational    < > <= >= lt gt le ge
    equality      == != eq ne
    logical       && and || or
    conditional   a ? b : c
    grouping      ( ... )

Everything else (function and method calls such as `dateTime()`, `bean.method()`, lambda,
assignment, `instanceof`, composite text `Hello ${name}`) is outside the subset: `translate` raises
`JuelRefused` with the 0-based offset where the subset stops.

Translation keeps JUEL's precedence by parenthesising every operation; `empty x` becomes
`juel_empty(x)` (a helper the sandbox provides, `workflows/helpers.py`); `a.b` stays `a.b`, which the
sandbox reads as the key `b` of a dict (`workflows/methods.py`), as JUEL reads a map.
"""

from __future__ import annotations

import keyword
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

_GRAMMAR = r"""
?start: ternary

?ternary: or_e
        | or_e "?" ternary ":" ternary    -> cond

?or_e: and_e
     | or_e ("||" | "or") and_e          -> or_

?and_e: eq_e
      | and_e ("&&" | "and") eq_e        -> and_

?eq_e: rel_e
     | eq_e ("==" | "eq") rel_e          -> eq
     | eq_e ("!=" | "ne") rel_e          -> ne

?rel_e: add_e
      | rel_e ("<" | "lt") add_e         -> lt
      | rel_e (">" | "gt") add_e         -> gt
      | rel_e ("<=" | "le") add_e        -> le
      | rel_e (">=" | "ge") add_e        -> ge

?add_e: mul_e
      | add_e "+" mul_e                  -> add
      | add_e "-" mul_e                  -> sub

?mul_e: unary
      | mul_e "*" unary                  -> mul
      | mul_e ("/" | "div") unary        -> div
      | mul_e ("%" | "mod") unary        -> mod

?unary: value
      | ("!" | "not") unary              -> not_
      | "-" unary                        -> neg
      | "empty" unary                    -> empty

?value: atom
      | value "." IDENT                  -> attr
      | value "[" ternary "]"            -> item

?atom: IDENT                             -> name
     | STRING                            -> string
     | NUMBER                            -> number
     | "true"                            -> true
     | "false"                           -> false
     | "null"                            -> null
     | "(" ternary ")"

IDENT: /[A-Za-z_][A-Za-z0-9_]*/
STRING: /'(?:[^'\\]|\\.)*'/ | /"(?:[^"\\]|\\.)*"/
NUMBER: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/

%import common.WS
%ignore WS
"""

RESERVED = frozenset({"instanceof", "function", "class"})
"""JUEL reserved words that are not operators of the subset."""

EMPTY_HELPER = "juel_empty"


class JuelRefused(ValueError):
    """An expression outside the subset; `.offset` is the 0-based position in the text parsed."""

    def __init__(self, reason: str, offset: int) -> None:
        self.reason = reason
        self.offset = offset
        super().__init__(f"{reason} (offset {offset})")


def juel_empty(value: Any) -> bool:
    """JUEL's `empty`: true for null, "" and an empty list, map or set; false otherwise."""
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict | set | frozenset):
        return len(value) == 0
    return False


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True)


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in "'\"\\":
            out.append(body[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


@v_args(inline=True)
class _ToPython(Transformer):
    """Bottom-up: every node becomes Python source text; operations are parenthesised."""

    def name(self, token: Token) -> str:
        text = str(token)
        if text in RESERVED or keyword.iskeyword(text):
            raise JuelRefused(f"保留字 / reserved word {text!r}", token.start_pos or 0)
        return text

    def string(self, token: Token) -> str:
        return repr(_unescape(str(token)))

    def number(self, token: Token) -> str:
        text = str(token)
        return repr(float(text)) if any(c in text for c in ".eE") else str(int(text))

    def true(self) -> str:
        return "True"

    def false(self) -> str:
        return "False"

    def null(self) -> str:
        return "None"

    def attr(self, base: str, token: Token) -> str:
        if keyword.iskeyword(str(token)):
            return f"{base}[{str(token)!r}]"
        return f"{base}.{token}"

    def item(self, base: str, index: str) -> str:
        return f"{base}[{index}]"

    def cond(self, test: str, yes: str, no: str) -> str:
        return f"({yes} if {test} else {no})"

    def not_(self, operand: str) -> str:
        return f"(not {operand})"

    def neg(self, operand: str) -> str:
        return f"(-{operand})"

    def empty(self, operand: str) -> str:
        return f"{EMPTY_HELPER}({operand})"


def _binary(operator: str) -> Any:
    def method(self: _ToPython, left: str, right: str) -> str:
        return f"({left} {operator} {right})"
    return v_args(inline=True)(method)


for _rule, _operator in (("or_", "or"), ("and_", "and"), ("eq", "=="), ("ne", "!="), ("lt", "<"),
                         ("gt", ">"), ("le", "<="), ("ge", ">="), ("add", "+"), ("sub", "-"),
                         ("mul", "*"), ("div", "/"), ("mod", "%")):
    setattr(_ToPython, _rule, _binary(_operator))


def _refusal(exc: UnexpectedInput, text: str) -> JuelRefused:
    if isinstance(exc, UnexpectedEOF):
        return JuelRefused("表达式不完整 / the expression ends too early", len(text))
    offset = exc.pos_in_stream if exc.pos_in_stream is not None else len(text)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        return JuelRefused("表达式不完整 / the expression ends too early", len(text))
    found = text[offset:offset + 1]
    if found == "(":
        return JuelRefused("函数或方法调用不在支持的 JUEL 子集内 / function and method calls (e.g. "
                           "dateTime(), bean.method()) are outside the supported JUEL subset", offset)
    if isinstance(exc, UnexpectedCharacters):
        return JuelRefused(f"不支持的字符 / unexpected character {found!r}", offset)
    token = getattr(exc, "token", None)
    shown = str(token) if token is not None else found
    return JuelRefused(f"此处不能出现 / unexpected {shown!r}", offset)


@lru_cache(maxsize=4096)
def translate(text: str) -> str:
    """The sandbox Python for the inside of one `${...}` / `#{...}` (without the braces).

    Raises:
        JuelRefused: `text` is not in the subset; `.offset` points at the first character that is not.
    """
    if not text.strip():
        raise JuelRefused("表达式为空 / empty expression", 0)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _refusal(exc, text) from None
    try:
        result = _ToPython().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, JuelRefused):
            raise exc.orig_exc from None
        raise
    return result if isinstance(result, str) else str(result)
