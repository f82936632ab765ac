"""Issue 15 item 6: FEEL unary tests as Camunda Modeler writes them (a lark grammar, `workflows/feel.py`) and
DMN 1.3 decision tables (`workflows/dmn.py`): schema, refusals naming the decision, rule and cell, hit
policies and result mappings as the Camunda 7 DMN engine applies them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.support.decisions import decision_table
from workflows import dmn, feel
from workflows.errors import DiagramInvalid

MATCHES = [  # (input entry, value, matches?)
    ("< 10", 9, True), ("< 10", 10, False), ("<= 10", 10, True), (">= 1000", 999.5, False),
    ("[1..5]", 1, True), ("[1..5]", 5, True), ("]1..5[", 1, False), ("]1..5[", 4.9, True),
    ("(1..5)", 5, False), ("[1..5)", 5, False), ('"a","b"', "b", True), ('"a","b"', "c", False),
    ('not("x")', "y", True), ('not("x")', "x", False), ('not("x","y")', "y", False), ("-", None, True),
    ("", "anything", True), ("12", 12, True), ("-1.5", -1.5, True), ("true", True, True),
    ("false", True, False), ("null", None, True), ('date("2026-01-01")', date(2026, 1, 1), True),
    ('< date("2026-01-01")', datetime(2025, 12, 31, 23, 0, tzinfo=UTC), True),
    ('[date("2026-01-01")..date("2026-06-30")]', "2026-03-15", True), ("< 10", "9", False),
    ('"5"', 5, False), ("not(< 3, > 9)", 5, True), ("not(< 3, > 9)", 10, False),
]


@pytest.mark.parametrize(("text", "value", "expected"), MATCHES)
def test_feel_unary_tests_as_modeler_writes_them(text, value, expected):
    assert feel.matches(feel.unary_tests(text), value) is expected


@pytest.mark.parametrize("text", ["< limit", "x + 1", "?", "> 5 and < 9", 'date and time("2026-01-01T00:00")',
                                  "[1..\"a\"]", 'date("2026-13-01")', "contains(x, 1)", "< \"a\""])
def test_feel_outside_the_subset_is_refused_with_the_reason(text):
    with pytest.raises(feel.FeelRefused):
        feel.unary_tests(text)


def test_input_expressions_are_names_or_paths_in_feel_or_juel():
    assert feel.path("amount") == ["amount"]
    assert feel.path("applicant.age") == feel.path("${applicant.age}") == ["applicant", "age"]
    for text in ("amount * 2", "${bean.call()}", "", "applicant['age']"):
        with pytest.raises(feel.FeelRefused):
            feel.path(text)


def _table(hit_policy: str, outputs: list[str], aggregation: str | None = None) -> dict:
    xml = decision_table("t", hit_policy=hit_policy, aggregation=aggregation,
                         inputs=[("金额", "amount", "number")], outputs=[("v", "integer")],
                         rules=[(["> 0"], [outputs[0]]), (["> 10"], [outputs[1]]), (["> 100"], [outputs[2]])])
    return dmn.compile_dmn({"t.dmn": xml})["t"].table


@pytest.mark.parametrize(("policy", "aggregation", "amount", "expected"), [
    ("FIRST", None, 50, [{"v": 1}]),
    ("RULE ORDER", None, 500, [{"v": 1}, {"v": 2}, {"v": 3}]),
    ("COLLECT", None, 50, [{"v": 1}, {"v": 2}]),
    ("COLLECT", "SUM", 500, [{"v": 6}]),
    ("COLLECT", "MIN", 500, [{"v": 1}]),
    ("COLLECT", "MAX", 50, [{"v": 2}]),
    ("COLLECT", "COUNT", 500, [{"v": 3}]),
    ("COLLECT", "COUNT", -1, [{"v": 0}]),
    ("COLLECT", "SUM", -1, []),
    ("UNIQUE", None, -1, []),
])
def test_hit_policies_and_aggregations(policy, aggregation, amount, expected):
    assert dmn.evaluate(_table(policy, ["1", "2", "3"], aggregation), {"amount": amount}) == expected


def test_unique_with_two_matches_and_any_with_different_outputs_fail_as_in_camunda():
    with pytest.raises(dmn.DecisionFailed, match="UNIQUE.*Rule_t_1, Rule_t_2"):
        dmn.evaluate(_table("UNIQUE", ["1", "2", "3"]), {"amount": 50})
    assert dmn.evaluate(_table("ANY", ["7", "7", "8"]), {"amount": 50}) == [{"v": 7}]
    with pytest.raises(dmn.DecisionFailed, match="ANY"):
        dmn.evaluate(_table("ANY", ["7", "7", "8"]), {"amount": 500})


def test_result_mappings():
    one, two = [{"a": 1}], [{"a": 1}, {"a": 2}]
    assert dmn.map_result(one, "singleEntry", "k") == 1 and dmn.map_result([], "singleEntry", "k") is None
    assert dmn.map_result(one, "singleResult", "k") == {"a": 1}
    assert dmn.map_result(two, "collectEntries", "k") == [1, 2]
    assert dmn.map_result(two, "resultList", "k") == two and dmn.map_result([], "resultList", "k") == []
    with pytest.raises(dmn.DecisionFailed, match="singleEntry"):
        dmn.map_result(two, "singleEntry", "k")
    with pytest.raises(dmn.DecisionFailed, match="collectEntries"):
        dmn.map_result([{"a": 1, "b": 2}], "collectEntries", "k")


def _problems(files: dict[str, bytes]) -> str:
    with pytest.raises(DiagramInvalid) as caught:
        dmn.compile_dmn(files)
    return "\n".join(str(p) for p in caught.value.problems)


def test_refusals_name_the_file_the_decision_and_the_reason():
    two_outputs = decision_table("sum2", hit_policy="COLLECT", aggregation="SUM",
                                 inputs=[("金额", "amount", "number")],
                                 outputs=[("a", "integer"), ("b", "integer")], rules=[(["-"], ["1", "2"])])
    priority = decision_table("prio", hit_policy="PRIORITY", inputs=[("金额", "amount", "number")],
                              outputs=[("a", "integer")], rules=[(["-"], ["1"])])
    literal = (b'<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20191111/'
               b'MODEL/" id="D" name="D" namespace="x"><decision id="lit" name="L"><literalExpression id="E">'
               b"<text>1</text></literalExpression></decision></definitions>")
    old = b'<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" id="D" name="D" namespace="x"/>'
    bpmn = b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"/>'
    found = _problems({"sum2.dmn": two_outputs, "prio.dmn": priority, "lit.dmn": literal, "old.dmn": old,
                       "bpmn.dmn": bpmn, "bad.dmn": b"<definitions"})
    assert "sum2.dmn" in found and "exactly one output" in found
    assert "prio.dmn" in found and "PRIORITY is not supported" in found
    assert "lit.dmn" in found and "only decision tables" in found
    assert "old.dmn" in found and "not a DMN 1.3 file" in found and "bpmn.dmn" in found
    assert "bad.dmn" in found and "XML syntax error" in found
    assert "No matching global declaration" not in found
    twice = decision_table("same", inputs=[("x", "x", "number")], outputs=[("y", "integer")], rules=[])
    assert "defined twice" in _problems({"a.dmn": twice, "b.dmn": twice})


def test_a_rule_with_fewer_or_more_entries_than_columns_is_refused_naming_the_rule():
    """Report finding 10: a rule with one input entry under two inputs deployed and the missing column
    matched anything; Camunda's DMN transformer refuses it."""
    short = decision_table("grade", inputs=[("分数", "score", "integer"), ("类别", "kind", "string")],
                           outputs=[("grade", "string")],
                           rules=[(["> 90", '"x"'], ['"A"']), (["[60..90)"], ['"B"'])])
    found = _problems({"grade.dmn": short})
    assert "grade.dmn" in found and "Rule_grade_2" in found and "row 2" in found
    assert "1 input entries but the table has 2 inputs" in found and "Rule_grade_1" not in found
    extra = decision_table("out2", inputs=[("x", "x", "integer")], outputs=[("a", "string")],
                           rules=[(["-"], ['"a"', '"b"'])])
    assert "2 output entries but the table has 1 outputs" in _problems({"out2.dmn": extra})


@pytest.mark.parametrize(("type_ref", "value", "expected"), [
    ("integer", "95", "A"), ("integer", 95.0, "A"), ("long", "95", "A"), ("double", "95.5", "A"),
    ("integer", 59, "C"), ("string", 95, "S"), ("boolean", "TRUE", "T"), (None, "95", "S"),
    ("number", "95", "S"), (None, 95, "A"),
])
def test_an_input_is_converted_to_its_type_ref_before_the_rules_test_it(type_ref, value, expected):
    """Report finding 11: Camunda converts the String "95" to 95 under typeRef integer (and an Integer to
    text under string); before, "95" matched no numeric test."""
    rules = [([">= 90"], ['"A"']), (['"95"'], ['"S"']), (["true"], ['"T"']), (["< 60"], ['"C"'])]
    xml = decision_table("conv", hit_policy="FIRST", inputs=[("分数", "score", type_ref or "")],
                         outputs=[("r", "string")], rules=rules)
    if type_ref is None:
        xml = xml.replace(b' typeRef=""', b"")
    table = dmn.compile_dmn({"conv.dmn": xml})["conv"].table
    found = dmn.evaluate(table, {"score": value})
    assert found == ([{"r": expected}] if expected else [])


@pytest.mark.parametrize(("type_ref", "value"), [
    ("integer", "ninety"), ("integer", 95.5), ("integer", "²"), ("integer", 2**31), ("long", "1e3"),
    ("double", "abc"), ("double", "1_000"), ("boolean", "yes"), ("boolean", 1), ("date", "tomorrow"),
    ("integer", True),
])
def test_an_input_that_cannot_be_converted_fails_naming_the_input(type_ref, value):
    xml = decision_table("bad", inputs=[("分数", "applicant.score", type_ref)], outputs=[("r", "string")],
                         rules=[(["-"], ['"x"'])])
    table = dmn.compile_dmn({"bad.dmn": xml})["bad"].table
    with pytest.raises(dmn.DecisionFailed) as failed:
        dmn.evaluate(table, {"applicant": {"score": value}})
    assert "分数" in failed.value.reason and "applicant.score" in failed.value.reason
    assert f"typeRef '{type_ref}'" in failed.value.reason
    assert dmn.evaluate(table, {"applicant": {}}) == [{"r": "x"}]  # null is not converted


def test_a_date_input_reads_an_iso_date_time_text():
    xml = decision_table("when", inputs=[("收到", "received", "date")], outputs=[("r", "string")],
                         rules=[(['< date("2026-07-01")'], ['"first"']),
                                (['>= date("2026-07-01")'], ['"second"'])])
    table = dmn.compile_dmn({"when.dmn": xml})["when"].table
    assert dmn.evaluate(table, {"received": "2026-03-15T10:00:00"}) == [{"r": "first"}]
    assert dmn.evaluate(table, {"received": "2026-08-01T10:00:00.000+0800"}) == [{"r": "second"}]


@pytest.mark.parametrize(("type_ref", "entry", "reason"), [
    ("double", "9" * 400 + ".5", "number out of range"),
    ("integer", "9" * 4000, "number out of range"),
    ("integer", "3000000000", "out of the integer range"),
    ("integer", "1.5", "has a fraction"),
    ("long", "1" + "0" * 18, "number out of range"),
    ("double", "0." + "1" * 21, "number out of range"),
    ("boolean", '"maybe"', "must be true or false"),
])
def test_an_output_literal_out_of_range_for_its_type_is_refused_naming_rule_and_column(type_ref, entry,
                                                                                       reason):
    """Report finding 12: a 400-digit double deployed and evaluated to null; a 4000-digit integer deployed and
    failed every evaluation ("int too large to convert to float", at ?/? in a process)."""
    xml = decision_table("big", inputs=[("x", "x", "integer")], outputs=[("金额", type_ref)],
                         rules=[(["-"], [entry])])
    found = _problems({"big.dmn": xml})
    assert "big.dmn" in found and "Rule_big_1" in found and "'金额'" in found and reason in found
    assert len(found) < 2000


def test_numbers_in_input_entries_are_bounded_and_ascii():
    with pytest.raises(feel.FeelRefused, match="number out of range"):
        feel.unary_tests("< " + "9" * 4000)
    with pytest.raises(feel.FeelRefused):
        feel.unary_tests("< ١٢")  # Arabic-Indic digits: not FEEL
    assert feel.matches(feel.unary_tests("< 999999999999999999"), 5)
