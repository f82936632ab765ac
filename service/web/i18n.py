"""The pages' words: Chinese by default, English on request, from one small catalogue.

Messages from use cases and forms already carry both languages as "中文 / English"; `pick` shows one
half. A dict is enough for a few hundred words and keeps translators in one file.
"""

from __future__ import annotations

from flask import session

from forms.messages import SEPARATOR
from forms.vocabulary import INDUSTRY_CHOICES

from ..actors import ROLE_NAMES_ZH

LANGS = ("zh", "en")
ROLE_NAMES_EN = {
    "applicant": "Lead unit", "member": "Member unit", "district_clerk": "District bureau",
    "city_clerk": "City bureau", "expert": "Expert", "process_owner": "Process owner",
    "admin": "Administrator",
}

CATALOGUE: dict[str, tuple[str, str]] = {
    "app": ("创新联合体备案业务系统", "Innovation Consortium Office"),
    "skip": ("跳到正文", "Skip to content"),
    "inbox": ("待办", "Inbox"),
    "registry": ("联合体名录", "Registry"),
    "calendar": ("答辩日程", "Defense calendar"),
    "deployments": ("流程部署", "Deployments"),
    "dashboard": ("统计看板", "Dashboard"),
    "public": ("公示公告", "Public notices"),
    "signin": ("登录", "Sign in"),
    "signout": ("退出", "Sign out"),
    "user": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码错误", "Wrong user name or password"),
    "new_application": ("发起组建申请", "Start an application"),
    "view.mine": ("我的任务", "My tasks"),
    "view.groups": ("我所在组的任务", "My groups' tasks"),
    "view.unassigned": ("未认领", "Unassigned"),
    "view.overdue": ("已逾期", "Overdue"),
    "view.due_soon": ("即将到期", "Due soon"),
    "view.all": ("全部", "All"),
    "round": ("批次", "Round"),
    "district": ("所在区", "District"),
    "step": ("环节", "Step"),
    "industry": ("产业", "Industry"),
    "status": ("状态", "Status"),
    "any": ("全部", "Any"),
    "filter": ("筛选", "Filter"),
    "sort_due": ("按截止时间", "By due date"),
    "earliest_first": ("最早在前", "Earliest first"),
    "latest_first": ("最晚在前", "Latest first"),
    "application_no": ("申请编号", "Application no."),
    "consortium": ("联合体", "Consortium"),
    "waits_on": ("等待", "Waiting on"),
    "due": ("截止时间", "Due"),
    "actions": ("操作", "Actions"),
    "open": ("办理", "Open"),
    "claim": ("认领", "Claim"),
    "unclaim": ("退回认领", "Unclaim"),
    "no_tasks": ("没有任务", "No tasks"),
    "overdue_badge": ("逾期", "overdue"),
    "save_draft": ("保存草稿", "Save draft"),
    "complete": ("提交", "Submit"),
    "draft_saved": ("草稿已保存", "Draft saved"),
    "draft_loaded": ("已载入您保存的草稿", "Your saved draft was loaded"),
    "form_errors": ("表单有误，请按提示修改后再提交", "The form has errors; correct the marked fields"),
    "completed_next": (
        "已提交。这是您在本申请中的下一项任务", "Submitted. This is your next task in this application"
    ),
    "completed_inbox": ("已提交", "Submitted"),
    "required": ("必填", "required"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "choose": ("请选择", "Choose"),
    "one_per_line": ("每行一项", "One per line"),
    "uploaded": ("已上传", "Uploaded"),
    "file_hint": (
        "PDF、PNG、JPEG、DOCX、XLSX、OFD，不超过 10 MB", "PDF, PNG, JPEG, DOCX, XLSX or OFD, at most 10 MB"
    ),
    "row": ("第 {n} 行", "Row {n}"),
    "rows_hint": ("空行将被忽略", "Blank rows are ignored"),
    "more_rows": ("增加行", "More rows"),
    "summary": ("申请概要", "Application summary"),
    "work_item": ("办理对象", "Item"),
    "application": ("申请详情", "Application"),
    "diagram": ("流程图", "Process diagram"),
    "legend_done": ("已完成", "Completed"),
    "legend_current": ("当前环节", "Current step"),
    "called": ("子流程", "Called process"),
    "back_main": ("返回主流程", "Back to the main process"),
    "timeline": ("办理记录", "Timeline"),
    "documents": ("材料", "Documents"),
    "deadlines": ("时限", "Deadlines"),
    "open_tasks": ("当前任务", "Open tasks"),
    "when": ("时间", "When"),
    "who": ("办理人", "Who"),
    "what": ("事项", "What"),
    "none": ("无", "None"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "ending_soon": ("有效期 180 天内到期", "Validity ends within 180 days"),
    "lead": ("牵头单位", "Lead unit"),
    "filing_no": ("备案编号", "Filing no."),
    "valid_until": ("有效期至", "Valid until"),
    "valid_from": ("有效期自", "Valid from"),
    "members": ("成员单位", "Members"),
    "credit_code": ("统一社会信用代码", "Credit code"),
    "role": ("角色", "Role"),
    "category": ("类别", "Category"),
    "filings": ("备案记录", "Filings"),
    "history": ("历史", "History"),
    "chief_expert": ("首席专家", "Chief expert"),
    "definitions": ("流程定义", "Process definitions"),
    "version": ("版本", "Version"),
    "deployed_at": ("部署时间", "Deployed"),
    "running": ("运行中实例", "Running instances"),
    "upload_version": ("上传新版本", "Upload a new version"),
    "bpmn_file": ("BPMN 文件", "BPMN file"),
    "deploy": ("部署", "Deploy"),
    "deployed": ("已部署", "Deployed"),
    "unchanged": ("内容未变，沿用现有版本", "Unchanged; the current version stays"),
    "deploy_failed": ("部署失败", "Deployment refused"),
    "filed_by_industry": ("各产业已备案联合体", "Filed consortia per industry"),
    "target": ("2028 年目标", "2028 target"),
    "filed_total": ("已备案", "Filed"),
    "pipeline": ("申请进度分布", "Pipeline by step"),
    "overdue_tasks": ("逾期任务", "Overdue tasks"),
    "rounds": ("各批次申请数", "Applications per round"),
    "count": ("数量", "Count"),
    "calendar_stub": (
        "答辩与现场考察日程将在“专家评审”功能上线后在此按周显示，并可下载 .ics 日历文件。",
        "Defense sessions and site visits will be shown here by week, with an .ics download, once "
        "\"Expert review\" lands.",
    ),
    "publicity_title": ("创新联合体备案公示", "Public notice: innovation consortia proposed for filing"),
    "publicity_intro": (
        "以下创新联合体拟予备案，现予公示。对公示内容有异议的，请在公示期内实名提出。匿名异议不予受理。",
        "The consortia below are proposed for filing. Objections must be lodged under a real name within "
        "the publicity period; anonymous objections are not accepted.",
    ),
    "period": ("公示期", "Publicity period"),
    "no_notices": ("目前没有公示项目", "No notices at present"),
    "lodge": ("提出异议", "Lodge an objection"),
    "objector_name": ("姓名或单位名称", "Name or organisation"),
    "objector_unit": ("所在单位", "Organisation"),
    "contact": ("联系方式", "Contact"),
    "reason": ("异议理由", "Reason"),
    "attachment": ("证明材料（可选）", "Evidence (optional)"),
    "receipt_title": ("异议已受理", "Objection received"),
    "receipt_no": ("回执编号", "Receipt number"),
    "receipt_hint": ("请保存回执编号，以便查询处理结果。", "Keep the receipt number to follow up."),
    "error": ("出错了", "Something went wrong"),
    "not_found": ("页面不存在或您无权查看", "The page does not exist or you may not see it"),
    "csrf": ("页面已过期，请刷新后重试", "The page expired; reload it and try again"),
    "back": ("返回", "Back"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "lang_switch": ("English", "中文"),
    "name": ("名称", "Name"),
    "var.application_no": ("申请编号", "Application no."),
    "var.consortium_name": ("联合体名称", "Consortium"),
    "var.lead_name": ("牵头单位", "Lead unit"),
    "var.industry": ("产业", "Industry"),
    "var.key_technology": ("关键核心技术", "Key technology"),
    "var.district_opinion": ("区级审核意见", "District opinion"),
    "var.city_opinion": ("市级审查意见", "City opinion"),
    "var.correction_note": ("修改说明", "Correction note"),
    "var.selection_opinion": ("择优意见", "Selection opinion"),
}

STATUS = {
    "draft": ("申报中", "Being prepared"), "district_review": ("区级审核", "District review"),
    "returned": ("退回修改", "Returned"), "city_review": ("市级审查", "City review"),
    "expert_review": ("专家评审", "Expert review"), "selection": ("择优遴选", "Selection"),
    "publicity": ("公示中", "Publicity"), "filed": ("已备案", "Filed"), "rejected": ("未通过", "Rejected"),
    "not_selected": ("未入选", "Not selected"), "not_filed": ("不予备案", "Not filed"),
    "expired": ("已到期", "Expired"), "revoked": ("已撤销", "Revoked"),
    "active": ("办理中", "Running"), "completed": ("已办结", "Completed"),
    "confirmed": ("已确认", "Confirmed"), "invited": ("已邀请", "Invited"),
    "declined": ("已拒绝", "Declined"),
    "lead": ("牵头单位", "Lead"), "core": ("核心成员", "Core"), "general": ("一般成员", "General"),
    "enterprise": ("企业", "Enterprise"), "university": ("高等院校", "University"),
    "institute": ("科研院所", "Institute"), "other": ("其他", "Other"),
}

ACTIONS = {
    "instance.started": ("发起申请", "Application started"),
    "task.created": ("任务生成", "Task created"),
    "task.claimed": ("认领任务", "Task claimed"),
    "task.unclaimed": ("退回认领", "Task unclaimed"),
    "task.assigned": ("转办任务", "Task assigned"),
    "task.completed": ("办理完成", "Task completed"),
    "publicity.opened": ("开始公示", "Publicity opened"),
    "objection.received": ("收到异议", "Objection received"),
    "filing.created": ("予以备案", "Filed"),
    "filing.expired": ("备案到期", "Filing expired"),
    "timer.fired": ("时限到达", "Deadline reached"),
    "message.correlated": ("收到消息", "Message received"),
    "application.status_changed": ("状态变更", "Status changed"),
    "round.entered": ("进入申报批次", "Entered the round"),
    "panel.drawn": ("抽取评审专家", "Panel drawn"),
    "panel.declared": ("专家回避声明", "Conflict declaration signed"),
    "score_sheet.signed": ("评分表签署", "Score sheet signed"),
    "selection.decided": ("择优结果确定", "Selection decided"),
    "objection.concluded": ("异议处理完毕", "Objection concluded"),
}


def lang() -> str:
    """Chinese unless this session switched to English."""
    chosen = session.get("lang")
    return chosen if chosen in LANGS else "zh"


def pick(pair: tuple[str, str] | None, fallback: str = "") -> str:
    if not pair:
        return fallback
    return pair[1] if lang() == "en" else pair[0]


def t(key: str, **values) -> str:
    text = pick(CATALOGUE.get(key), key)
    return text.format(**values) if values else text


def bilingual(message: object) -> str:
    """One half of a "中文 / English" message, in the page's language (either half if it is not bilingual)."""
    text = str(message)
    if SEPARATOR not in text:
        return text
    zh, _, en = text.partition(SEPARATOR)
    return en if lang() == "en" else zh


def status(code: str | None) -> str:
    return pick(STATUS.get(code or ""), code or "")


def action(code: str) -> str:
    return pick(ACTIONS.get(code), code)


def industry(code: str | None) -> str:
    return pick(INDUSTRY_CHOICES.get(code or ""), code or "")


def role(group: str) -> str:
    return ROLE_NAMES_EN.get(group, group) if lang() == "en" else ROLE_NAMES_ZH.get(group, group)


def helpers() -> dict:
    """What every template may call."""
    return {
        "_": t, "lang": lang(), "msg": bilingual, "status_name": status, "action_name": action,
        "industry_name": industry, "role_name": role, "pick": pick,
    }
