"""Demo data: the organisations and users of README's walkthrough, one per role (password `demo1234`)."""

from __future__ import annotations

from pathlib import Path

from forms.vocabulary import INDUSTRY_CHOICES

from ..actors import SYSTEM
from ..context import Context
from ..engine.deployments import deploy
from ..engine.identities import actor_for, add_user
from ..engine.store import identities
from .organisations import register_organisation
from .reviews.experts import register_expert
from .store import consortia as consortium_store
from .store.supervision_models import EvaluationAgency
from .supervision.agencies import register_agency

DEMO_PASSWORD = "demo1234"
BPMN_DIR = Path(__file__).resolve().parents[2] / "workflows" / "bpmn"

ORGANISATIONS = [
    ("91370212MA3C10017E", "青岛海智装备科技有限公司", "enterprise", "崂山区"),
    ("91370214MA3C100256", "青岛链上精密部件有限公司", "enterprise", "城阳区"),
    ("91370211MA3C10033M", "青岛西海岸新材料有限公司", "enterprise", "西海岸新区"),
    ("91370203MA3C10041X", "青岛北岸智能控制有限公司", "enterprise", "市北区"),
    ("91370282MA3C1005X3", "青岛即墨工业软件有限公司", "enterprise", "即墨区"),
    ("123700004955700123", "山东海洋科技大学", "university", "崂山区"),
    ("12370200427070024M", "青岛先进制造研究院", "institute", "李沧区"),
    ("91370214MA3C10068K", "青岛城阳轨道装备有限公司", "enterprise", "城阳区"),  # cylead1's unit
]
LEAD = ORGANISATIONS[0][0]
#: the demo third-party evaluation agency (guideline 七（二）), registered by city1 with its user `agency1`
AGENCY = ("91370202MA3C10091L", "青岛衡信科技评估有限公司", "enterprise", "市南区")
AGENCY_QUALIFICATION = "从事科技项目绩效评价和创新平台评估十年以上，近三年完成市级评估项目四十余项"

USERS = [
    # (login, name, groups, org, district)
    ("lead1", "海智装备 申报员", ["applicant"], LEAD, "崂山区"),
    ("cylead1", "城阳轨道装备 申报员", ["applicant"], ORGANISATIONS[7][0], "城阳区"),
    ("member1", "链上精密 联络员", ["member"], ORGANISATIONS[1][0], None),
    ("member2", "西海岸新材料 联络员", ["member"], ORGANISATIONS[2][0], None),
    ("member3", "北岸智能 联络员", ["member"], ORGANISATIONS[3][0], None),
    ("member4", "海洋科技大学 联络员", ["member"], ORGANISATIONS[5][0], None),
    ("member5", "先进制造研究院 联络员", ["member"], ORGANISATIONS[6][0], None),
    ("district1", "崂山区科技局 审核员", ["district_clerk"], None, "崂山区"),
    ("district2", "城阳区科技局 审核员", ["district_clerk"], None, "城阳区"),
    ("city1", "市科技局 经办人", ["city_clerk"], None, None),
    ("city2", "市科技局 复核人", ["city_clerk"], None, None),
    ("expert1", "王教授", ["expert"], None, None),
    ("expert2", "李研究员", ["expert"], None, None),
    ("expert3", "张高工", ["expert"], None, None),
    ("expert4", "赵教授", ["expert"], None, None),
    ("expert5", "陈研究员", ["expert"], None, None),
    ("owner", "流程管理员", ["process_owner"], None, None),
    ("admin", "系统管理员", ["admin"], None, None),
]
#: users whose work arrives only when someone acts (not in README's first-sign-in table)
LATER_USERS = [
    ("agency1", "衡信评估 评价员", ["evaluation_agency"], AGENCY[0], None),
]


def member_login(credit_code: str) -> str:
    """The demo member user acting for the unit `credit_code` (KeyError for a unit without one)."""
    for login, _name, groups, org, _district in USERS:
        if org == credit_code and "member" in groups:
            return login
    raise KeyError(credit_code)


def bundled_diagrams() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(BPMN_DIR.glob("*.bpmn"))}


def seed(ctx: Context) -> list[str]:
    """Deploy the bundled diagrams and create the demo organisations and users (idempotent)."""
    deploy(ctx, files=bundled_diagrams(), actor=SYSTEM, name="consortium-office", source="demo")
    for code, name, category, district in ORGANISATIONS + [AGENCY]:
        with ctx.unit_of_work(write=False) as uow:
            known = consortium_store.find_organisation(uow.session, code) is not None
        if not known:
            register_organisation(
                ctx, credit_code=code, name=name, category=category, district=district, actor=SYSTEM
            )
    created = []
    for login, name, groups, org, district in USERS + LATER_USERS:
        with ctx.unit_of_work(write=False) as uow:
            exists = identities.find_user(uow.session, login) is not None
        if not exists:
            add_user(
                ctx,
                user_id=login,
                password=DEMO_PASSWORD,
                groups=groups,
                display_name=name,
                org_credit_code=org,
                district=district,
                actor=SYSTEM,
            )
            created.append(login)
    for login, name, groups, _org, _district in USERS:  # the expert pool: every demo expert, every field
        if "expert" in groups:
            register_expert(ctx, actor=SYSTEM, user_id=login, name=name, fields=list(INDUSTRY_CHOICES))
    _seed_agency(ctx)
    return created


def _seed_agency(ctx: Context) -> None:
    """Register the demo evaluation agency (once), as city1 does, so `agency1` acts for an agency."""
    with ctx.unit_of_work(write=False) as uow:
        if uow.session.get(EvaluationAgency, AGENCY[0]) is not None:
            return
    city = actor_for(ctx, "city1")
    if city is not None:
        register_agency(ctx, actor=city, credit_code=AGENCY[0], qualification=AGENCY_QUALIFICATION,
                        contact="0532-80001234")


def open_demo_round(ctx: Context, *, days: int = 90) -> str | None:
    """Open a submission round around today, so the demo's applicant can submit (none is open by default)."""
    from datetime import timedelta

    from .reviews.rounds import open_round
    from .store import reviews

    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        if reviews.rounds_open_at(uow.session, now):
            return None
    city = demo_actor(ctx, "city1")
    opened = open_round(
        ctx,
        actor=city,
        name=f"{now.year} 年创新联合体备案申报（演示批次）",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=days),
    )
    return opened["name"]


def demo_actor(ctx: Context, login: str):
    from ..engine.identities import actor_for

    actor = actor_for(ctx, login)
    if actor is None:
        raise LookupError(f"demo user {login} is missing; run the demo seed first")
    return actor
