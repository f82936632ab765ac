"""Issue 15 item 5: the JUEL subset, parsed by a grammar and run as sandbox Python (workflows/juel.py,
workflows/expressions.py). Before, every `${...}`/`#{...}` condition was refused and
`${dateTime().plusDays(2).toDate()}` passed the deploy check as Python."""

from __future__ import annotations

import pytest

from workflows.expressions import ExpressionRefused, to_python
from workflows.helpers import DEFAULT_HELPERS
from workflows.juel import JuelRefused, translate
from workflows.sandbox import SandboxEnvironment

ENV = SandboxEnvironment(DEFAULT_HELPERS)
DATA = {"approved": False, "amount": 1500, "a": {"b": "x", "n": 7}, "c": [], "d": "", "e": None,
        "name": "O'Neil", "m": {"k": 1}}


@pytest.mark.parametrize(("juel", "expected"), [
    ("approved", False),
    ("not approved", True),
    ("!approved && amount > 1000", True),
    ("amount gt 1000 and amount le 1500", True),
    ("amount >= 1500 || false", True),
    ("a.b == 'x' && !empty a", True),
    ("a['b'] eq \"x\"", True),
    ("a.n ne 7", False),
    ("empty c && empty d && empty e && !empty m", True),
    ("empty 0", False),
    ("a.n mod 4 + a.n % 4", 6),
    ("a.n div 2", 3.5),
    ("a.n / 2 - 1", 2.5),
    ("1 + 2 * 3", 7),
    ("-a.n * 2", -14),
    ("amount > 1000 ? 'big' : 'small'", "big"),
    ("approved ? 1 : a.n lt 5 ? 2 : 3", 3),
    ("name == 'O\\'Neil'", True),
    ("e == null", True),
    ("1.5e3 == amount", True),
    ("(1 + 2) * 3", 9),
])
def test_the_subset_evaluates_as_in_juel(juel, expected):
    assert ENV.evaluate(translate(juel), dict(DATA)) == expected


@pytest.mark.parametrize(("juel", "offset"), [
    ("dateTime().plusDays(2).toDate()", 8),
    ("bean.method(x)", 11),
    ("a = 1", 2),
    ("a instanceof b", 2),
    ("a +", 3),
    ("", 0),
])
def test_outside_the_subset_is_refused_at_its_position(juel, offset):
    with pytest.raises(JuelRefused) as refused:
        translate(juel)
    assert refused.value.offset == offset


def test_dialects():
    helpers = set(DEFAULT_HELPERS)
    assert to_python("literal", helpers) is None
    assert to_python("${amount > 1}", helpers) == "(amount > 1)"
    assert to_python("#{amount > 1}", helpers) == "(amount > 1)"
    assert to_python("${add_days(now(), 10)}", helpers) == "add_days(now(), 10)"  # the engine's Python
    assert to_python("${applicant.upper()}", helpers) == "applicant.upper()"
    with pytest.raises(ExpressionRefused) as refused:
        to_python("${dateTime().plusDays(2).toDate()}", helpers)
    assert refused.value.column == 11
    with pytest.raises(ExpressionRefused):
        to_python("#{add_days(now(), 10)}", helpers)  # #{...} is JUEL only
    with pytest.raises(ExpressionRefused):
        to_python("${order.getAmount()}", helpers)  # not a method the sandbox allows
