"""Drive the recommendation procedure through the use-case layer as the demo users would."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from service.actors import Actor
from service.clock import SHANGHAI, local_today
from service.consortium.demo import ORGANISATIONS
from service.consortium.reviews import panels, rounds, scoring, selection
from service.consortium.store.models import PublicityNotice
from service.context import Context
from service.engine import identities, instances, jobs, tasks
from service.engine.store.models import HumanTask
from service.engine.store.tasks import TaskQuery

LEAD = ORGANISATIONS[0][0]
MEMBERS = [
    {"credit_code": code, "name": name, "category": category, "role": "core"}
    for code, name, category, _district in ORGANISATIONS[1:4] + ORGANISATIONS[5:7]
]
MEMBER_LOGINS = {m["credit_code"]: f"member{i}" for i, m in enumerate(MEMBERS, start=1)}
PANEL = ["expert1", "expert2", "expert3", "expert4", "expert5"]

FORMS: dict[str, dict[str, Any]] = {
    "Task_Initiate": {
        "consortium_name": "青岛高端智能装备创新联合体",
        "industry": "XX-05",
        "key_technology": "高精度伺服驱动与智能控制系统关键核心技术",
        "market_need": "国产高端数控装备对高精度伺服系统的迫切需求",
    },
    "Task_InviteMembers": {"invited_members": MEMBERS},
    "Task_ConfirmMembership": {
        "decision": "confirm",
        "contact_name": "刘联络",
        "contact_phone": "0532-88886666",
        "commitments": {"funds_wan": 500, "staff": 12, "equipment": "五轴联动加工中心两台供联合研发使用"},
        "integrity_commitment": True,
        "commitment_signer": "成员单位 法定代表人 刘成",
    },
    "Task_SignAgreement": {
        "agreement": {
            "innovation_goals": "三年内突破高精度伺服驱动关键技术，形成自主可控产品体系",
            "task_division": "牵头单位负责系统集成，成员单位分别承担部件、材料与算法研究",
            "rights_obligations": "各方按协议投入资源，享有相应权利并承担保密义务",
            "ip_ownership": "联合研发成果的知识产权按贡献比例共有，单独完成的归完成方",
            "benefit_distribution": "成果转化收益按投入与贡献比例分配",
            "breach_liability": "违约方承担由此造成的直接损失并可被取消成员资格",
            "dispute_resolution": "协商不成的提交青岛仲裁委员会仲裁",
            "signatories": [LEAD] + [m["credit_code"] for m in MEMBERS],
        }
    },
    "Task_HireChiefExpert": {
        "chief_expert": {
            "name": "刘海岳",
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
            "title": "教授",
            "affiliation_credit_code": ORGANISATIONS[5][0],
            "field": "智能装备",
        },
        "consortium_head": {"name": "王统筹", "position": "牵头单位副总经理", "phone": "13805320001"},
    },
    "Task_DraftPlan": {
        "plan": {
            "significance": "建设意义：面向青岛智能装备产业链，牵头单位研发实力雄厚，已有多年合作基础。",
            "organisation": "组织架构：设立理事会与专家委员会，首席专家统筹，建立决策调度与协同攻关机制。",
            "goals": "目标任务：三年内完成伺服驱动、控制算法和核心材料三项攻关，按年度里程碑推进。",
            "results": "预期成果：申请发明专利二十项，制定团体标准两项，形成国内领先的标志性产品。",
            "funding": "经费投入：成员单位合计自筹五千万元，设立联合资金管理办法并落实保障措施。",
            "milestones": [
                {"due": "2026-12-31", "milestone": "完成伺服驱动样机研制"},
                {"due": "2027-12-31", "milestone": "控制算法通过第三方测试"},
                {"due": "2028-12-31", "milestone": "核心材料实现批量应用"},
            ],
            "funding_table": [
                {"source": "牵头单位自筹", "amount": 3000},
                {"source": "成员单位投入", "amount": 2000},
            ],
        }
    },
    "Task_Submit": {"integrity_commitment": True, "commitment_signer": "海智装备 法定代表人 王海"},
    "Task_DistrictReview": {"district_decision": "approve", "district_opinion": "材料齐全，同意推荐"},
    "Task_CityReview": {"city_decision": "accept", "city_opinion": "形式审查通过"},
    "Task_AssignPanel": {"panel": PANEL},
    "Task_DeskReview": {"opinion": "技术路线清晰，团队结构合理", "recommend": True},
    "Task_SiteVisitReport": {
        "visit_date": "2026-02-27",
        "location": "青岛市崂山区科苑纬一路 1 号",
        "participants": PANEL[:3],
        "findings": "研发场地与设备与申报材料一致",
        "passed": True,
    },
    "Task_DefenseScoring": {  # the score sheet on the default rubric (25/25/20/15/15), signed by each expert
        "significance": {"score": 22, "comment": "产业基础扎实"},
        "organisation": {"score": 21, "comment": "协议条款完整"},
        "goals": {"score": 17, "comment": "目标可考核"},
        "results": {"score": 12, "comment": "成果可量化"},
        "funding": {"score": 13, "comment": "方案可行，建议支持"},
    },
    "Task_Selection": {"selection_decision": "selected", "selection_opinion": "综合排名靠前，拟予备案"},
    "Task_HandleObjection": {"objection_decision": "dismissed", "objection_finding": "经核实，异议不成立"},
    "Task_FilingDecision": {"filing_decision": "confirm", "document_no": "青科字〔2026〕12号"},
}

STEP_ACTORS = {
    "Task_Initiate": "lead1",
    "Task_InviteMembers": "lead1",
    "Task_SignAgreement": "lead1",
    "Task_HireChiefExpert": "lead1",
    "Task_DraftPlan": "lead1",
    "Task_Submit": "lead1",
    "Task_CorrectForDistrict": "lead1",
    "Task_CorrectForCity": "lead1",
    "Task_DistrictReview": "district1",
    "Task_CityReview": "city1",
    "Task_AssignPanel": "city1",
    "Task_SiteVisitReport": "city1",
    "Task_Selection": "city1",
    "Task_HandleObjection": "city1",
    "Task_FilingDecision": "city1",
}


class Walk:
    """One application, driven step by step; each step is a separate command, as requests would be.

    Steps are named by the bundled diagrams' element ids; `ids` maps them to the ids of the deployed
    diagram when a test renamed them (tests/service/test_renamed_ids.py): nothing else changes.
    """

    def __init__(self, ctx: Context, ids: Mapping[str, str] | None = None) -> None:
        self.ctx = ctx
        self.ids = dict(ids or {})
        self._actors: dict[str, Actor] = {}
        self.instance_id: str | None = None
        self.business_key: str | None = None
        self.round_id: int | None = None
        self.panel_id: int | None = None
        self.panel: list[str] = []
        self._entered = False

    def actor(self, login: str) -> Actor:
        if login not in self._actors:
            actor = identities.actor_for(self.ctx, login)
            assert actor is not None, login
            self._actors[login] = actor
        return self._actors[login]

    def start(self) -> str:
        started = instances.start_instance(
            self.ctx, key="consortium_recommendation", actor=self.actor("lead1")
        )
        self.instance_id, self.business_key = started.id, started.business_key
        return started.id

    def id(self, element_id: str) -> str:
        """The deployed diagram's id of the bundled diagram's `element_id`."""
        return self.ids.get(element_id, element_id)

    def tasks_of(self, login: str, element_id: str | None = None) -> list[HumanTask]:
        element_id = self.id(element_id) if element_id else None
        query = TaskQuery(instance_id=self.instance_id, element_id=element_id, max_results=None)
        return tasks.list_tasks(self.ctx, actor=self.actor(login), query=query)

    def open_steps(self) -> list[str]:
        return sorted(t.element_id for t in self.tasks_of("city1"))

    def do(self, element_id: str, data: dict[str, Any] | None = None, login: str | None = None) -> None:
        """Complete the one open task `element_id` as its usual actor, with the standard form data.

        The panel and the selection are round decisions (issue 5): those two steps go through them.
        """
        if element_id == "Task_AssignPanel":
            return self.draw_and_declare()
        if element_id == "Task_Selection":
            return self.select(**(data or {}))
        if element_id == "Task_Submit":
            self.enter_own_round()
        login = login or STEP_ACTORS[element_id]
        found = self.tasks_of(login, element_id)
        assert len(found) == 1, f"{login} sees {len(found)} {element_id} tasks; open: {self.open_steps()}"
        form = dict(FORMS.get(element_id, {}))
        if element_id == "Task_SiteVisitReport":  # a report is dated on or before today (issue 17 item 11)
            form["visit_date"] = local_today(self.ctx.now()).isoformat()
        form.update(data or {})
        tasks.complete_task(self.ctx, task_id=found[0].id, actor=self.actor(login), data=form)

    def handle_objection(self, receipt_no: str, data: dict[str, Any] | None = None) -> None:
        """Complete the handling task of the objection `receipt_no` (one task per objection)."""
        found = [t for t in self.tasks_of("city1", "Task_HandleObjection")
                 if t.properties.get("consortium.objection") == receipt_no]
        assert len(found) == 1, f"{len(found)} handling tasks for {receipt_no}; open: {self.open_steps()}"
        form = {**FORMS["Task_HandleObjection"], **(data or {})}
        tasks.complete_task(self.ctx, task_id=found[0].id, actor=self.actor("city1"), data=form)

    def confirm_all_members(self, decline: str | None = None) -> None:
        for member in MEMBERS:
            login = MEMBER_LOGINS[member["credit_code"]]
            if decline == login:
                self.do(
                    "Task_ConfirmMembership", {"decision": "decline", "reason": "本单位暂无参与计划"}, login
                )
            else:
                self.do("Task_ConfirmMembership", login=login)

    def prepare_and_submit(self) -> None:
        for step in ("Task_Initiate", "Task_InviteMembers"):
            self.do(step)
        self.confirm_all_members()
        for step in ("Task_SignAgreement", "Task_HireChiefExpert", "Task_DraftPlan", "Task_Submit"):
            self.do(step)

    def enter_own_round(self) -> int:
        """Enter `round_id` (set it to share a round), else a round of its own, open now, so that walks
        never wait on each other's selection."""
        if self.round_id is None:
            now = self.ctx.now()
            opened = rounds.open_round(
                self.ctx,
                actor=self.actor("city1"),
                name=f"测试批次 {self.business_key}",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=30),
            )
            self.round_id = opened["id"]
        if not self._entered:
            rounds.enter_round(
                self.ctx, round_id=self.round_id, application_no=self.business_key, actor=self.actor("lead1")
            )
            self._entered = True
        return self.round_id

    def draw_and_declare(self) -> None:
        """The clerk draws the panel; every drawn expert signs the no-conflict declaration."""
        drawn = panels.draw_panel(
            self.ctx, round_id=self.round_id, application_no=self.business_key, actor=self.actor("city1")
        )
        self.panel_id, self.panel = drawn["panelId"], drawn["drawn"][: len(PANEL)]
        for login in self.panel:
            panels.declare(
                self.ctx,
                panel_id=self.panel_id,
                actor=self.actor(login),
                no_conflict=True,
                statement="本人与申报单位无利益冲突",
                signature=login,
            )

    def sign_score_sheet(self, login: str, scores: dict[str, Any] | None = None) -> None:
        actor = self.actor(login)
        scoring.save_sheet(
            self.ctx, panel_id=self.panel_id, actor=actor, scores=scores or FORMS["Task_DefenseScoring"]
        )
        scoring.sign_sheet(self.ctx, panel_id=self.panel_id, actor=actor, signature=login)

    def expert_review(self) -> None:
        self.draw_and_declare()
        for login in self.panel:
            self.do("Task_DeskReview", login=login)
        self.do("Task_SiteVisitReport")
        for login in self.panel:
            self.sign_score_sheet(login)

    def select(self, selection_decision: str = "selected", selection_opinion: str | None = None) -> None:
        """The round's selection; a "not_selected" walk is excluded with its opinion as the reason."""
        excluded = {}
        if selection_decision == "not_selected":
            excluded[self.business_key] = selection_opinion or "未入选"
        selection.decide_selection(
            self.ctx,
            round_id=self.round_id,
            actor=self.actor("city1"),
            opinion=selection_opinion,
            excluded=excluded,
        )

    def end_publicity(self, clock) -> None:
        """Move `clock` past the end of this application's publicity and fire the due timers: the
        objections are then handled one by one, or the filing decision waits (issue 13)."""
        with self.ctx.unit_of_work(write=False) as uow:
            notice = uow.session.scalars(
                sa.select(PublicityNotice).where(PublicityNotice.instance_id == self.instance_id)
            ).one()
        clock.set(max(clock.now(), notice.ends_at + timedelta(seconds=1)))
        jobs.fire_due_jobs(self.ctx)

    def into_publicity(self) -> None:
        """Move the context's clock to the first day of this application's publicity period (00:00
        Beijing time), when objections are first received; the notice is published the day before."""
        with self.ctx.unit_of_work(write=False) as uow:
            notice = uow.session.scalars(
                sa.select(PublicityNotice).where(PublicityNotice.instance_id == self.instance_id)
            ).one()
        first = datetime.combine(notice.start_date, time(0), tzinfo=SHANGHAI)
        clock = self.ctx.clock
        clock.set(max(clock.now(), first))

    def through_to_filing(self, clock) -> None:
        """The standard walk to filing: publicity passes without objection, the clerk confirms."""
        self.through_to_publicity()
        self.end_publicity(clock)
        self.do("Task_FilingDecision")

    def through_to_publicity(self) -> None:
        self.start()
        self.prepare_and_submit()
        self.do("Task_DistrictReview")
        self.do("Task_CityReview")
        self.expert_review()
        self.do("Task_Selection")
