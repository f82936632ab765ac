"""Agreement and plan content that means something (issue 14, item 7): placeholders and near-empty text
refused naming the clause; the plan's schedule and funding table as structured fields."""

from __future__ import annotations

import copy

import pytest

from forms.checks import content_problem
from forms.registry import validate as validate_form
from service.errors import InvalidInput
from tests.support.procedure import FORMS, Walk

AGREEMENT = FORMS["Task_SignAgreement"]


def validate(form_key, data):
    """The form's errors only."""
    return validate_form(form_key, data)[1]
PLAN = FORMS["Task_DraftPlan"]


def _agreement(**clauses):
    data = copy.deepcopy(AGREEMENT)
    data["agreement"].update(clauses)
    return data


def _plan(**sections):
    data = copy.deepcopy(PLAN)
    data["plan"].update(sections)
    return data


@pytest.mark.parametrize("placeholder", ["无", "暂无", " 待定 ", "略。", "N/A", "见附件"])
def test_a_placeholder_clause_is_refused_naming_the_clause(placeholder):
    errors = validate("sign_agreement", _agreement(benefit_distribution=placeholder))
    assert errors == {
        "agreement": {
            "benefit_distribution": [
                f"“收益分配办法”不能只填写“{placeholder.strip()}”，请写明具体内容 / "
                f'"Benefit distribution" cannot be just "{placeholder.strip()}"; state the actual content.'
            ]
        }
    }


def test_a_clause_of_a_few_repeated_characters_is_refused():
    errors = validate("sign_agreement", _agreement(dispute_resolution="协商协商协商协商"))
    assert errors["agreement"]["dispute_resolution"][0].startswith(
        "“解决争议方式”内容过于简单：至少应有6个不同的字，实为2个"
    )


def test_a_plan_section_of_twenty_repeated_characters_is_refused():
    errors = validate("draft_plan", _plan(results="好" * 20))
    assert errors["plan"]["results"][0].startswith(
        "“预期标志性成果及水平”内容过于简单：至少应有12个不同的字，实为1个"
    )


def test_the_schedule_needs_dated_milestones_in_order_and_the_funding_a_table():
    missing = copy.deepcopy(PLAN)
    del missing["plan"]["milestones"], missing["plan"]["funding_table"]
    errors = validate("draft_plan", missing)
    assert set(errors["plan"]) == {"milestones", "funding_table"}
    one = validate("draft_plan", _plan(milestones=[{"due": "2027-01-01", "milestone": "完成样机研制"}]))
    assert one["plan"]["milestones"] == [
        "进度安排应列出2至50个带完成时间的节点 / The schedule lists 2 to 50 dated milestones."
    ]
    backwards = validate(
        "draft_plan",
        _plan(
            milestones=[
                {"due": "2028-01-01", "milestone": "完成样机研制"},
                {"due": "2027-01-01", "milestone": "通过中试验证"},
            ]
        ),
    )
    assert backwards["plan"]["milestones"][0].startswith("进度节点应按完成时间先后排列")
    undated = validate(
        "draft_plan",
        _plan(
            milestones=[
                {"due": "明年", "milestone": "完成样机研制"},
                {"due": "2027-01-01", "milestone": "暂无"},
            ]
        ),
    )
    assert "due" in undated["plan"]["milestones"][0]
    assert undated["plan"]["milestones"][1]["milestone"][0].startswith("“节点目标”不能只填写“暂无”")
    free = validate("draft_plan", _plan(funding_table=[{"source": "待定", "amount": 0}]))
    assert free["plan"]["funding_table"][0]["source"][0].startswith("“资金来源”不能只填写“待定”")
    assert "amount" in free["plan"]["funding_table"][0]


def test_real_text_passes():
    assert (
        content_problem("协商不成的，提交青岛仲裁委员会仲裁", "解决争议方式", "Dispute", min_distinct=6)
        is None
    )
    assert validate("sign_agreement", AGREEMENT) == {}
    assert validate("draft_plan", PLAN) == {}


def test_the_use_case_refuses_a_none_clause_and_saves_nothing(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members()
    with pytest.raises(InvalidInput) as refused:
        walk.do("Task_SignAgreement", _agreement(breach_liability="无"))
    assert refused.value.fields["agreement"]["breach_liability"][0].startswith("“违约责任”不能只填写“无”")
    walk.do("Task_SignAgreement")
    walk.do("Task_HireChiefExpert")
    walk.do("Task_DraftPlan")
    assert walk.open_steps() == ["Task_Submit"]
