"""The guideline's words (issue 14, item 13): every status has a Chinese label; the agreement, plan,
commitment and roles use the guideline's terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.registry import get_form
from service.actors import ROLE_NAMES_ZH
from service.web.i18n import STATUS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("under_rectification", "整改中"),
        ("renewed", "已重新备案"),
        ("dissolved", "已解散"),
        ("withdrawn", "已撤回"),
        ("removed", "已退出"),
        ("role_changed", "角色已变更"),
        ("revoked", "已取消备案"),
        ("expired", "有效期满"),
        ("rejected", "已驳回"),
    ],
)
def test_every_status_has_a_chinese_label(status, label):
    assert STATUS[status][0] == label


def test_the_guidelines_terms():
    agreement = get_form("sign_agreement").fields["agreement"].schema.fields
    assert agreement["benefit_distribution"].metadata["label_zh"] == "收益分配办法"
    commitment = get_form("submit_application").fields["integrity_commitment"].metadata["help_zh"]
    assert "真实、有效、完整" in commitment and "科研信用档案" in commitment
    assert ROLE_NAMES_ZH["district_clerk"] == "区（市、功能区）科技主管部门"
    assert STATUS["core"][0] == "核心层"
    shipped = [
        p
        for p in [
            *ROOT.glob("service/**/*.py"),
            *ROOT.glob("forms/*.py"),
            *ROOT.glob("workflows/bpmn/*.bpmn"),
            *ROOT.glob("service/web/templates/*.html"),
        ]
    ]
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        for wrong in ("利益分配", "实施方案", "诚信档案", "已撤销"):
            assert wrong not in text.replace("科研信用档案", ""), f"{path.relative_to(ROOT)} says {wrong}"
