"""Valid form data of the supervision forms (pure: shared by the unit tests and the procedure tests)."""

from __future__ import annotations

from typing import Any

PANEL = ["expert1", "expert2", "expert3", "expert4", "expert5"]
SELF_REPORT: dict[str, Any] = {
    "operation": {
        "meetings_held": 4,
        "funds_planned": 1200,
        "funds_invested": 1100,
        "narrative": "按季度召开理事会",
    },
    "rd_input": {
        "joint_rd_spend": 800,
        "joint_projects": 3,
        "government_projects": 1,
        "narrative": "联合攻关三项",
    },
    "outputs": {
        "invention_patents": 6,
        "standards": 1,
        "new_products": 2,
        "key_technologies": 1,
        "narrative": "突破伺服驱动关键技术",
    },
    "commercialisation": {
        "technology_contracts": 5,
        "licensing_income": 300,
        "spin_offs": 1,
        "smes_served": 12,
        "narrative": "服务链上中小企业",
    },
    "talent": {
        "researchers_attracted": 8,
        "researchers_trained": 20,
        "joint_posts": 3,
        "narrative": "联合培养",
    },
    "truthful": True,
}


def score_sheet(total: int) -> dict[str, Any]:
    """A signed sheet whose five parts add up to `total` (each within its maximum)."""
    maxima = {"operation": 20, "rd_input": 20, "outputs": 25, "commercialisation": 20, "talent": 15}
    sheet, left = {}, total
    for part, maximum in maxima.items():
        sheet[part] = min(maximum, left)
        left -= sheet[part]
    return {**sheet, "comment": "按指标逐项评分", "signed": True}
