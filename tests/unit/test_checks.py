"""Credit codes (GB 32100), ID numbers (GB 11643) and member thresholds: DOMAIN-NOTES §8.1, §8.2."""

from __future__ import annotations

import datetime as dt

import pytest

from forms.checks import (
    Overridable,
    member_threshold_problem,
    normalize_uscc,
    resident_id_problem,
    uscc_check_char,
    uscc_problem,
)
from forms.messages import is_bilingual

VALID_USCC = [
    "91110108551385082Q",  # Xiaomi (uscc-utils example)
    "914403001922038216",
    "91110000600037341L",  # python-stdnum example
    "91350100M000100Y43",  # GB 32100 worked example
    "N2370281MA3C00000D",  # registration authority "N": stdnum wrongly rejects it
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_credit_codes_pass(code):
    assert uscc_problem(code) is None
    assert uscc_check_char(code[:17]) == code[17]


def test_standard_worked_example_computes_check_3():
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_z_is_not_a_credit_code_character_so_the_standard_counterexample_is_a_hard_error():
    problem = uscc_problem("91350100M000100Y4Z")
    assert problem is not None and not isinstance(problem, Overridable)
    assert "Z" in problem.zh


def test_pilot_era_code_fails_the_check_but_is_overridable():
    problem = uscc_problem("91350100M0001TGQXM")
    assert isinstance(problem, Overridable)
    assert uscc_check_char("91350100M0001TGQX") == "1"
    assert "校验位" in problem.zh and "check character" in problem.en


def test_wrong_check_character_is_overridable_not_a_format_error():
    assert isinstance(uscc_problem("91110108551385082R"), Overridable)


@pytest.mark.parametrize(
    ("code", "zh_fragment"),
    [
        ("", "请填写"),
        ("9111010855138508", "18位"),
        ("91110108551385082QQ", "18位"),
        ("91110108551385O82Q", "O"),
        ("9111AB08551385082Q", "第3至8位"),
    ],
)
def test_format_errors_are_hard(code, zh_fragment):
    problem = uscc_problem(code)
    assert problem is not None and not isinstance(problem, Overridable)
    assert zh_fragment in problem.zh
    assert is_bilingual(problem)


def test_normalize_folds_full_width_spaces_and_case():
    assert normalize_uscc(" ９１１１０１０８５５１３８５０８２ｑ\u3000") == "91110108551385082Q"
    assert normalize_uscc("9111 0108 5513 8508 2q") == "91110108551385082Q"


def test_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("9111010855138508")
    with pytest.raises(ValueError):
        uscc_check_char("9111010855138508O")


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_resident_ids(number):
    assert resident_id_problem(number) is None


@pytest.mark.parametrize(
    ("number", "zh_fragment"),
    [
        ("110105194912310021", "校验位"),  # wrong check character (should be X)
        ("110105194902300027", "出生日期"),  # 30 February
        ("110105194913310029", "出生日期"),  # month 13
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "18位"),
    ],
)
def test_invalid_resident_ids(number, zh_fragment):
    problem = resident_id_problem(number)
    assert problem is not None and zh_fragment in problem.zh


def test_birth_date_in_the_future_is_invalid():
    assert resident_id_problem("11010519491231002X", today=dt.date(1949, 12, 30)) is not None
    assert resident_id_problem("11010519491231002X", today=dt.date(1949, 12, 31)) is None


def _members(enterprises: int, universities: int, institutes: int = 0, others: int = 0) -> list[dict]:
    categories = (
        ["enterprise"] * enterprises + ["university"] * universities + ["institute"] * institutes
    ) + ["other"] * others
    return [{"category": c} for c in categories]


def test_thresholds_met_counting_universities_and_institutes_together():
    assert member_threshold_problem(_members(3, 1, 1)) is None
    assert member_threshold_problem(_members(4, 2)) is None


@pytest.mark.parametrize("members", [_members(2, 2), _members(3, 1), _members(0, 0, others=5)])
def test_thresholds_not_met_report_the_counts(members):
    problem = member_threshold_problem(members)
    assert problem is not None
    enterprises = sum(m["category"] == "enterprise" for m in members)
    assert f"企业{enterprises}家" in problem.zh
    assert "justification" in problem.en


STANDARD_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # as printed in GB 32100
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_check_char_matches_the_standard_formula_including_the_31_becomes_0_edge():
    # Vary the last character so that the weighted sum covers every residue mod 31.
    results = {}
    for ch in ALPHABET:
        prefix = "9137020000000000" + ch
        total = sum(ALPHABET.index(c) * w for c, w in zip(prefix, STANDARD_WEIGHTS, strict=True))
        c18 = 31 - total % 31
        expected = ALPHABET[0 if c18 == 31 else c18]
        results[expected] = uscc_check_char(prefix)
        assert uscc_check_char(prefix) == expected
    assert set(results) == set(ALPHABET)  # "0" (from 31) and "Y" (30) included
