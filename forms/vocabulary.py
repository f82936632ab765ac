"""Qingdao's "10+1" innovative industries (DOMAIN-NOTES §7), the controlled vocabulary of `industry`.

Codes are the notes' suggestion; the bureau's 40 sub-tracks are not public yet, so only the industry
level is here. The list is a 2025–2027 policy: change it by adding entries, never by re-using a code.
"""

from __future__ import annotations

from typing import NamedTuple

from .messages import Msg


class Industry(NamedTuple):
    code: str
    zh: str
    en: str
    group_zh: str


INDUSTRIES: tuple[Industry, ...] = (
    Industry("XL-01", "新一代信息技术", "New-generation information technology", "先导产业"),
    Industry("XL-02", "人工智能", "Artificial intelligence", "先导产业"),
    Industry("XX-01", "生命健康", "Life and health", "新兴产业"),
    Industry("XX-02", "智能网联新能源汽车", "Intelligent connected new-energy vehicles", "新兴产业"),
    Industry("XX-03", "低空经济", "Low-altitude economy", "新兴产业"),
    Industry("XX-04", "绿色能源", "Green energy", "新兴产业"),
    Industry("XX-05", "智能装备", "Intelligent equipment", "新兴产业"),
    Industry("YS-01", "智能家电", "Smart home appliances", "优势产业"),
    Industry("YS-02", "高端化工与新材料", "High-end chemicals and new materials", "优势产业"),
    Industry("YS-03", "现代轻工", "Modern light industry", "优势产业"),
    Industry("WL-01", "未来产业", "Future industries", "未来产业"),
)

INDUSTRY_CHOICES: dict[str, tuple[str, str]] = {i.code: (i.zh, i.en) for i in INDUSTRIES}


STATUS_NAMES: dict[str, tuple[str, str]] = {
    "draft": ("申报中", "Being prepared"), "district_review": ("区级审核", "District review"),
    "returned": ("退回修改", "Returned"), "city_review": ("市级审查", "City review"),
    "expert_review": ("专家评审", "Expert review"), "selection": ("择优遴选", "Selection"),
    "publicity": ("公示中", "Publicity"), "filed": ("已备案", "Filed"), "rejected": ("已驳回", "Rejected"),
    "not_selected": ("未入选", "Not selected"), "not_filed": ("不予备案", "Not filed"),
    "filing_decision": ("待备案决定", "Awaiting the filing decision"),
    "expired": ("有效期满", "Expired"), "revoked": ("已取消备案", "Filing revoked"),
    "under_rectification": ("整改中", "Under rectification"), "renewed": ("已重新备案", "Renewed"),
    "dissolved": ("已解散", "Dissolved"), "withdrawn": ("已撤回", "Withdrawn"),
    "removed": ("已退出", "Removed"), "role_changed": ("角色已变更", "Role changed"),
    "hearing": ("陈述申辩中", "Stating its case"),
    "verified": ("已核实", "Verified"), "pending": ("待核实", "Pending verification"),
    "active": ("办理中", "Running"), "completed": ("已办结", "Completed"),
    "cancelled": ("已终止", "Cancelled"),
    "confirmed": ("已确认", "Confirmed"), "invited": ("已邀请", "Invited"),
    "declined": ("已拒绝", "Declined"),
    # member changes (补充协议): proposed → acknowledged → applied, or held / lapsed (report A finding 5)
    "proposed": ("征求意见中", "Being consented to"),
    "acknowledged": ("已确认，待生效", "Acknowledged, not yet in effect"),
    "applied": ("已生效", "In effect"), "held": ("暂缓生效（取消备案待决）", "Held (revocation pending)"),
    "lapsed": ("未生效（备案已终止）", "Lapsed (filing ended)"),
    "lead": ("牵头单位", "Lead"), "core": ("核心层", "Core"), "general": ("一般成员", "General"),
    "enterprise": ("企业", "Enterprise"), "university": ("高等院校", "University"),
    "institute": ("科研院所", "Institute"), "other": ("其他", "Other"),
}


def status_label(code: str | None) -> Msg:
    """A status id (`draft`, `filed` …) as people read it, both languages (`Msg`): messages never carry the
    raw id (report-users finding 10: "当前状态为 draft"); an unknown id is shown as it is."""
    zh, en = STATUS_NAMES.get(code or "", (code or "", code or ""))
    return Msg(zh, en)
