"""Demo applications at every stage of the procedure, driven through the real use cases (issue 17 item 2).

The seed runs the procedure on a movable clock that starts about three years back and only moves
forward: each application is started at its own moment, walked as far as its stage through the same
commands the pages send, and due timers fire as the clock passes them (publicity ends, validity
reminders, escalations). The clock ends at the real "now" with every due job fired, so the server's
scheduler finds nothing stale. The states are genuine process states, never fabricated rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..clock import SHANGHAI, MovableClock
from ..context import Context
from ..engine import identities, instances, jobs, tasks
from ..engine.store.models import ProcessInstance
from ..engine.store.tasks import TaskQuery
from .publicity import lodge_objection
from .reviews import panels, rounds, scheduling, scoring, selection
from .store.models import PublicityNotice
from .supervision import evaluations

PROCESS = "consortium_recommendation"
SELF_REPORT: dict[str, Any] = {  # the consortium's annual self-report (performance evaluation)
    "operation": {"meetings_held": 4, "funds_planned": 1200, "funds_invested": 1100,
                  "narrative": "按季度召开理事会，专家委员会审议年度攻关计划"},
    "rd_input": {"joint_rd_spend": 800, "joint_projects": 3, "government_projects": 1,
                 "narrative": "联合攻关项目三项，承担省级重点研发计划一项"},
    "outputs": {"invention_patents": 6, "standards": 1, "new_products": 2, "key_technologies": 1,
                "narrative": "突破深远海养殖工船关键装备设计技术"},
    "commercialisation": {"technology_contracts": 5, "licensing_income": 300, "spin_offs": 1,
                          "smes_served": 12, "narrative": "服务链上中小企业十二家"},
    "talent": {"researchers_attracted": 8, "researchers_trained": 20, "joint_posts": 3,
               "narrative": "与山东海洋科技大学联合培养研究生"},
    "truthful": True,
}
PANEL_SIZE = 5


@dataclass(frozen=True)
class Application:
    """One seeded application: who leads it, what it is about, and how far it goes."""

    stage: str
    lead: str  # the lead unit's user
    name: str
    industry: str
    technology: str
    need: str
    members: tuple[int, ...]  # indexes into demo.ORGANISATIONS
    chief: str


def _organisations():
    from .demo import ORGANISATIONS  # the demo module imports this one lazily: no cycle

    return ORGANISATIONS


APPLICATIONS = [  # in the order they are seeded: oldest first, the clock only moves forward
    Application("near_expiry", "lead1", "青岛海洋工程装备创新联合体", "XX-05",
                "深远海养殖工船关键装备设计与制造技术", "深远海养殖装备国产化与规模化应用需求",
                (1, 2, 3, 5, 6), "孙海涛"),
    Application("under_evaluation", "lead1", "青岛工业互联网平台创新联合体", "XX-05",
                "面向离散制造的工业互联网平台与边缘计算技术", "中小制造企业数字化转型对低成本平台的需求",
                (1, 2, 3, 5, 6), "周明远"),
    Application("filed", "lead1", "青岛海水淡化装备创新联合体", "XX-04",
                "反渗透海水淡化高压泵与能量回收装置", "沿海城市供水保障与淡化装备进口替代",
                (1, 2, 3, 5, 6), "郑海清"),
    Application("awaiting_filing", "lead1", "青岛新能源汽车电驱系统创新联合体", "XX-02",
                "高功率密度电驱动总成与碳化硅功率模块", "整车企业对高效电驱系统的本地配套需求",
                (1, 2, 3, 5, 6), "吴启航"),
    Application("in_publicity", "lead1", "青岛低空飞行器动力系统创新联合体", "XX-03",
                "电动垂直起降飞行器高能量密度动力系统", "低空物流与应急救援对长航时飞行器的需求",
                (1, 2, 3, 5, 6), "冯子翔"),
    Application("defense_scheduled", "lead1", "青岛海洋生物医药创新联合体", "XX-01",
                "海洋来源创新药物筛选与制剂工艺", "海洋生物资源高值化利用与创新药产业化需求",
                (1, 2, 3, 5, 6), "林海燕"),
    Application("expert_review", "lead1", "青岛氢能装备创新联合体", "XX-04",
                "质子交换膜电解水制氢装备与储运技术", "港口与重卡领域绿氢应用的装备需求",
                (1, 2, 3, 5, 6), "何清源"),
    Application("city_review", "lead1", "青岛高端智能装备创新联合体", "XX-05",
                "高精度伺服驱动与智能控制系统关键核心技术", "国产高端数控装备对高精度伺服系统的迫切需求",
                (1, 2, 3, 5, 6), "刘海岳"),
    Application("district_review", "cylead1", "青岛轨道交通装备创新联合体", "XX-05",
                "时速600公里高速磁浮列车关键部件", "轨道交通装备产业链自主可控需求",
                (1, 2, 3, 5, 6), "高铁军"),
    Application("district_review", "lead1", "青岛智能网联汽车电子创新联合体", "XX-02",
                "车规级智能座舱芯片与域控制器", "本地整车企业对车规级电子的配套需求",
                (1, 2, 3, 5, 6), "许晨光"),
    Application("member_confirmation", "lead1", "青岛海洋新材料创新联合体", "XX-05",
                "海洋防腐涂层与高性能复合材料", "海工装备对长寿命防腐材料的需求",
                (1, 2, 3, 5, 6), "宋海蓝"),
    Application("drafting", "cylead1", "青岛港口智能物流创新联合体", "XX-05",
                "自动化集装箱码头智能调度与无人集卡技术", "港口物流降本增效与智慧港口建设需求",
                (1, 2, 3, 5, 6), "曲港明"),
    Application("drafting", "lead1", "青岛智能家电创新联合体", "XX-05",
                "家电行业大模型与智能交互关键技术", "智能家电产业集群升级对核心算法的需求",
                (1, 2, 3, 5, 6), "韩智家"),
]

#: How far back each stage starts, in days before now (chronological: the clock only moves forward).
STARTED_DAYS_AGO = {
    "near_expiry": 3 * 365 - 40,
    "under_evaluation": 400,
    "filed": 60,
    "awaiting_filing": 30,
    "in_publicity": 3,
    "defense_scheduled": 2,
    "expert_review": 2,
    "city_review": 1,
    "district_review": 1,
    "member_confirmation": 1,
    "drafting": 1,
}


class Driver:
    """Drives one application through the procedure's use cases as its users would."""

    def __init__(self, ctx: Context, app: Application, n: int) -> None:
        self.ctx, self.app, self.n = ctx, app, n
        self.instance_id = ""
        self.number = ""
        self.round_id: int | None = None
        self.panel_id: int | None = None
        self.panel: list[str] = []

    # -- plumbing -----------------------------------------------------------------------------------
    def actor(self, login: str) -> Actor:
        found = identities.actor_for(self.ctx, login)
        if found is None:
            raise LookupError(f"demo user {login} is missing")
        return found

    def open_tasks(self, login: str, element_id: str) -> list:
        query = TaskQuery(instance_id=self.instance_id, element_id=element_id, max_results=None)
        return tasks.list_tasks(self.ctx, actor=self.actor(login), query=query)

    def do(self, element_id: str, login: str, data: dict[str, Any]) -> None:
        found = self.open_tasks(login, element_id)
        if len(found) != 1:
            raise RuntimeError(f"{self.number}: {login} sees {len(found)} {element_id} tasks")
        tasks.complete_task(self.ctx, task_id=found[0].id, actor=self.actor(login), data=data)

    def members(self) -> list[tuple[str, str, str, str]]:
        return [_organisations()[i] for i in self.app.members]

    def member_login(self, code: str) -> str:  # noqa: D102
        from .demo import member_login

        return member_login(code)

    # -- the applicant's part -----------------------------------------------------------------------
    def start(self) -> None:
        started = instances.start_instance(self.ctx, key=PROCESS, actor=self.actor(self.app.lead))
        self.instance_id, self.number = started.id, started.business_key
        self.do("Task_Initiate", self.app.lead, {
            "consortium_name": self.app.name,
            "industry": self.app.industry,
            "key_technology": self.app.technology,
            "market_need": self.app.need,
        })
        invited = [{"credit_code": code, "name": name, "category": category, "role": "core"}
                   for code, name, category, _district in self.members()]
        self.do("Task_InviteMembers", self.app.lead, {"invited_members": invited})

    def confirm_members(self) -> None:
        for code, name, _category, _district in self.members():
            self.do("Task_ConfirmMembership", self.member_login(code), {
                "decision": "confirm",
                "contact_name": f"{name[2:4]}联络人",
                "contact_phone": f"0532-8{self.n:02d}{self.app.members.index(_index(code)):01d}6666",
                "commitments": {"funds_wan": 300 + 50 * self.n, "staff": 8 + self.n,
                                "equipment": "开放共享中试线与检测平台供联合研发使用"},
                "integrity_commitment": True,
                "commitment_signer": f"{name[2:4]}联络人",
            })

    def sign_and_plan(self) -> None:
        lead_code = self.actor(self.app.lead).org_credit_code
        self.do("Task_SignAgreement", self.app.lead, {"agreement": {
            "innovation_goals": f"三年内突破{self.app.technology}，形成自主可控产品体系",
            "task_division": "牵头单位负责总体设计与系统集成，成员单位分别承担部件、材料与验证研究",
            "rights_obligations": "各方按协议投入资源，享有相应权利并承担保密义务",
            "ip_ownership": "联合研发成果的知识产权按贡献比例共有，单独完成的归完成方",
            "benefit_distribution": "成果转化收益按投入与贡献比例分配",
            "breach_liability": "违约方承担由此造成的直接损失并可被取消成员资格",
            "dispute_resolution": "协商不成的提交青岛仲裁委员会仲裁",
            "signatories": [lead_code] + [m[0] for m in self.members()],
        }})
        self.do("Task_HireChiefExpert", self.app.lead, {
            "chief_expert": {
                "name": self.app.chief, "id_type": "resident_id", "id_number": "11010519491231002X",
                "title": "教授", "affiliation_credit_code": _organisations()[5][0], "field": "智能装备",
            },
            "consortium_head": {"name": "王统筹", "position": "牵头单位副总经理", "phone": "13805320001"},
        })

    def draft_and_submit(self) -> None:
        year = self.ctx.now().astimezone(SHANGHAI).year
        self.do("Task_DraftPlan", self.app.lead, {"plan": {
            "significance": f"建设意义：{self.app.need}，牵头单位研发实力雄厚，成员单位已有多年合作基础。",
            "organisation": "组织架构：设立理事会与专家委员会，首席专家统筹，建立决策调度与协同攻关机制。",
            "goals": f"目标任务：三年内完成{self.app.technology}攻关，按年度里程碑推进。",
            "results": "预期成果：申请发明专利二十项，制定团体标准两项，形成国内领先的标志性产品。",
            "funding": "经费投入：成员单位合计自筹五千万元，设立联合资金管理办法并落实保障措施。",
            "milestones": [
                {"due": f"{year + 1}-06-30", "milestone": "完成关键部件样机研制"},
                {"due": f"{year + 2}-06-30", "milestone": "样机通过第三方测试"},
                {"due": f"{year + 3}-06-30", "milestone": "实现批量应用"},
            ],
            "funding_table": [
                {"source": "牵头单位自筹", "amount": 3000},
                {"source": "成员单位投入", "amount": 2000},
            ],
        }})
        now = self.ctx.now()
        opened = rounds.open_round(
            self.ctx, actor=self.actor("city1"),
            name=f"{now.astimezone(SHANGHAI).year} 年创新联合体备案申报（第 {self.n} 批）",
            opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=2),  # closed by today
        )
        self.round_id = opened["id"]
        rounds.enter_round(self.ctx, round_id=self.round_id, application_no=self.number,
                           actor=self.actor(self.app.lead))
        self.do("Task_Submit", self.app.lead,
                {"integrity_commitment": True, "commitment_signer": "牵头单位 法定代表人"})

    # -- the reviews ----------------------------------------------------------------------------------
    def district_review(self) -> None:
        login = "district2" if self.app.lead == "cylead1" else "district1"
        self.do("Task_DistrictReview", login,
                {"district_decision": "approve", "district_opinion": "材料齐全，符合组建条件，同意推荐"})

    def city_review(self) -> None:
        self.do("Task_CityReview", "city1", {"city_decision": "accept", "city_opinion": "形式审查通过"})

    def seat_panel(self) -> None:
        drawn = panels.draw_panel(self.ctx, round_id=self.round_id, application_no=self.number,
                                  actor=self.actor("city1"))
        self.panel_id, self.panel = drawn["panelId"], drawn["drawn"][:PANEL_SIZE]
        for login in self.panel:
            panels.declare(self.ctx, panel_id=self.panel_id, actor=self.actor(login), no_conflict=True,
                           statement="本人与申报单位无利益冲突", signature=login)

    def desk_reviews_and_visit(self) -> None:
        for login in self.panel:
            self.do("Task_DeskReview", login, {"opinion": "技术路线清晰，团队结构合理，建议进入答辩",
                                               "recommend": True})
        today = self.ctx.now().astimezone(SHANGHAI).date()
        self.do("Task_SiteVisitReport", "city1", {
            "visit_date": (today - timedelta(days=1)).isoformat(),
            "location": "青岛市崂山区科苑纬一路 1 号",
            "participants": self.panel[:3],
            "findings": "研发场地、中试设备与申报材料一致",
            "passed": True,
        })

    def schedule_defense(self, starts_at: datetime) -> None:
        scheduling.schedule_defense(
            self.ctx, actor=self.actor("city1"), round_id=self.round_id, room="市科技局 第三会议室",
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=3),
            slots=[{"application_no": self.number, "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=40)}],
        )

    def score(self) -> None:
        sheet = {
            "significance": {"score": 22, "comment": "产业基础扎实"},
            "organisation": {"score": 21, "comment": "协议条款完整"},
            "goals": {"score": 17, "comment": "目标可考核"},
            "results": {"score": 12, "comment": "成果可量化"},
            "funding": {"score": 13, "comment": "方案可行，建议支持"},
        }
        for login in self.panel:
            actor = self.actor(login)
            scoring.save_sheet(self.ctx, panel_id=self.panel_id, actor=actor, scores=sheet)
            scoring.sign_sheet(self.ctx, panel_id=self.panel_id, actor=actor, signature=login)

    def select(self) -> None:
        selection.decide_selection(self.ctx, round_id=self.round_id, actor=self.actor("city1"),
                                   opinion="综合排名靠前，拟予备案", excluded={})

    def publicity_end(self) -> datetime:
        with self.ctx.unit_of_work(write=False) as uow:
            notice = uow.session.scalars(
                sa.select(PublicityNotice).where(PublicityNotice.instance_id == self.instance_id)
            ).one()
            return notice.ends_at

    def file(self) -> None:
        document_no = f"青科字〔{self.ctx.now().year}〕{10 + self.n}号"
        self.do("Task_FilingDecision", "city1", {"filing_decision": "confirm", "document_no": document_no})


def _index(code: str) -> int:
    return [o[0] for o in _organisations()].index(code)


def already_seeded(ctx: Context) -> bool:
    """True when the database already holds recommendation instances (the seed runs once)."""
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(sa.func.count()).select_from(ProcessInstance)
        return uow.session.scalar(query.where(ProcessInstance.definition_key == PROCESS)) > 0


def seed_applications(ctx: Context, clock: MovableClock, now: datetime) -> list[dict[str, str]]:
    """Seed `APPLICATIONS` on `ctx` (whose clock is `clock`), ending at `now`; returns number and stage.

    `ctx` must share the database with the server; its clock is moved forward only.
    """
    seeded: list[dict[str, str]] = []
    pending_jobs_until = clock.now()

    def move_to(moment: datetime) -> None:
        nonlocal pending_jobs_until
        if moment > clock.now():
            clock.set(moment)
        jobs.fire_due_jobs(ctx)
        pending_jobs_until = clock.now()

    evaluated = False
    in_publicity: Driver | None = None
    for n, app in enumerate(APPLICATIONS, start=1):
        start = now - timedelta(days=STARTED_DAYS_AGO[app.stage], hours=n)
        if app.stage == "filed" and not evaluated:
            _open_evaluation(ctx, move_to, now)
            evaluated = True
        move_to(_office_hours(start))
        driver = Driver(ctx, app, n)
        for _ in _walk(driver, app.stage, move_to, now):
            pass
        seeded.append({"number": driver.number, "stage": app.stage, "name": app.name})
        if app.stage == "in_publicity":
            in_publicity = driver
    move_to(now)
    if in_publicity is not None:
        _object(in_publicity)
    return seeded


def _object(d: Driver) -> None:
    """The public's objection to the application in publicity, lodged now: objections are received
    from the period's first day (the day after publication, Beijing time), which has begun by now."""
    lodge_objection(
        d.ctx, application_no=d.number, objector_name="青岛某精密机械有限公司 李先生",
        contact="13905321234", objector_unit="青岛某精密机械有限公司",
        reason="申报材料所列中试线系租赁设备，与建设方案所述自有设备不符，请予核实。",
    )


def _open_evaluation(ctx: Context, move_to, now: datetime) -> None:
    """The annual performance evaluation of the consortia then in force; the older one's self-report done."""
    move_to(_office_hours(now - timedelta(days=70)))
    today = ctx.now().astimezone(SHANGHAI).date()
    opened = evaluations.open_evaluation_round(
        ctx,
        actor=identities.actor_for(ctx, "city1"),
        settings=evaluations.RoundSettings(
            title=f"{today.year - 1}年度创新联合体绩效评价",
            data_from=date(today.year - 1, 1, 1),
            data_until=date(today.year - 1, 12, 31),
        ),
    )
    # the older consortium has sent its self-report: the district checks it; the other still reports
    with ctx.unit_of_work(write=False) as uow:
        first = min(opened["instances"], key=lambda i: uow.session.get(ProcessInstance, i).business_key)
    lead = identities.actor_for(ctx, "lead1")
    query = TaskQuery(instance_id=first, element_id="Task_SelfReport")
    [task] = tasks.list_tasks(ctx, actor=lead, query=query)
    tasks.complete_task(ctx, task_id=task.id, actor=lead, data=SELF_REPORT)


def _office_hours(moment: datetime) -> datetime:
    """`moment` moved to 10:00 Beijing time on a weekday (the clerks work office hours)."""
    local = moment.astimezone(SHANGHAI).replace(hour=10, minute=0, second=0, microsecond=0)
    while local.weekday() >= 5:
        local -= timedelta(days=1)
    return local


def _walk(d: Driver, stage: str, move_to, now: datetime) -> Iterator[None]:
    order = ["drafting", "member_confirmation", "district_review", "city_review", "expert_review",
             "defense_scheduled", "in_publicity", "awaiting_filing", "filed", "under_evaluation",
             "near_expiry"]
    depth = order.index(stage)
    d.start()
    yield
    if depth == 0:
        d.confirm_members()
        d.sign_and_plan()
        return
    if depth == 1:
        return
    d.confirm_members()
    d.sign_and_plan()
    d.draft_and_submit()
    if depth == 2:
        return
    d.district_review()
    if depth == 3:
        return
    d.city_review()
    d.seat_panel()
    if depth == 4:
        return
    d.desk_reviews_and_visit()
    defense = _office_hours(d.ctx.now() + timedelta(days=1)).replace(hour=9)
    if depth == 5:
        d.schedule_defense(_office_hours(now + timedelta(days=3)).replace(hour=9).astimezone(SHANGHAI))
        return
    d.schedule_defense(defense)
    move_to(defense + timedelta(minutes=5))
    d.score()
    d.select()
    if depth == 6:  # its objection comes once the period has started (seed_applications, at the end)
        return
    move_to(d.publicity_end() + timedelta(hours=1))
    if depth == 7:
        return
    d.file()
    yield
