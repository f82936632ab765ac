"""Qingdao's "10+1" innovative industries (DOMAIN-NOTES §7), the controlled vocabulary of `industry`.

Codes are the notes' suggestion; the bureau's 40 sub-tracks are not public yet, so only the industry
level is here. The list is a 2025–2027 policy: change it by adding entries, never by re-using a code.
"""

from __future__ import annotations

from typing import NamedTuple


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
