"""Who is acting: the identity every use case receives and every query is scoped by."""

from __future__ import annotations

from dataclasses import dataclass

APPLICANT = "applicant"
MEMBER = "member"
DISTRICT_CLERK = "district_clerk"
CITY_CLERK = "city_clerk"
EXPERT = "expert"
PROCESS_OWNER = "process_owner"
ADMIN = "admin"
#: a registered third-party evaluation agency's staff (guideline 七（二）); scoped to the agency's unit
EVALUATION_AGENCY = "evaluation_agency"
ROLES = (APPLICANT, MEMBER, DISTRICT_CLERK, CITY_CLERK, EXPERT, PROCESS_OWNER, ADMIN, EVALUATION_AGENCY)
ROLE_NAMES_ZH = {
    APPLICANT: "牵头单位",
    MEMBER: "成员单位",
    DISTRICT_CLERK: "区（市、功能区）科技主管部门",
    CITY_CLERK: "市科技局",
    EXPERT: "评审专家",
    PROCESS_OWNER: "流程管理员",
    ADMIN: "系统管理员",
    EVALUATION_AGENCY: "第三方评估机构",
}
ROLE_NAMES_EN = {
    APPLICANT: "Lead unit", MEMBER: "Member unit", DISTRICT_CLERK: "District bureau",
    CITY_CLERK: "City bureau", EXPERT: "Expert", PROCESS_OWNER: "Process owner",
    ADMIN: "Administrator", EVALUATION_AGENCY: "Evaluation agency",
}


@dataclass(frozen=True)
class Actor:
    id: str
    groups: frozenset[str]
    org_credit_code: str | None = None
    district: str | None = None

    def has(self, *groups: str) -> bool:
        return any(g in self.groups for g in groups)

    @property
    def sees_everything(self) -> bool:
        """City clerks supervise every application; administrators and process owners run the system."""
        return self.has(CITY_CLERK, ADMIN, PROCESS_OWNER)


SYSTEM = Actor(id="system", groups=frozenset({ADMIN}))
