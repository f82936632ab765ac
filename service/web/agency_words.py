"""The evaluation agencies' pages' words (issue 14 item 12), merged into i18n.CATALOGUE: Chinese, then
English."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "agency.title": ("第三方评估机构", "Evaluation agencies"),
    "agency.help": (
        "指引 七（二）：绩效评价由市科技局组织专家或委托第三方评估机构实施。在此登记可受托的机构；"
        "在“组织绩效评价”任务中选择委托机构。",
        "Guideline 七（二）: evaluations are done by experts or entrusted to a third-party agency. "
        "Register the agencies here; choose one at an evaluation's \"Assign the evaluation\" task.",
    ),
    "agency.register": ("登记评估机构", "Register an agency"),
    "agency.registered": ("评估机构已登记：{name}", "Agency registered: {name}"),
    "agency.withdraw": ("停止受托", "Withdraw"),
    "agency.reinstate": ("恢复受托", "Reinstate"),
    "agency.updated": ("评估机构已更新", "Agency updated"),
    "agency.active": ("受托中", "Active"),
    "agency.inactive": ("已停止受托", "Withdrawn"),
    "agency.unit_hint": (
        "尚未在单位名录中的机构，请同时填写名称、类别和所在区（市、功能区）。",
        "For a unit not in the organisation register yet, give its name, category and district too.",
    ),
    "agency.evaluations": ("受托评价", "Entrusted evaluations"),
    "agency.evaluations_help": (
        "委托本机构实施的绩效评价；点击“办理”填写评价得分、等级和评估报告。",
        "The evaluations entrusted to your agency; open one to record the score, grade and report.",
    ),
    "agency.none": ("暂无受托评价", "No evaluation entrusted yet"),
    "agency.status.assigned": ("待评价", "To evaluate"),
    "agency.status.recorded": ("已提交结果", "Result recorded"),
    "agency.open_task": ("办理", "Open"),
    "field.qualification": ("资质和评估业绩", "Qualification and track record"),
    "field.contact": ("联系方式", "Contact"),
    "field.agency": ("第三方评估机构", "Evaluation agency"),
    "field.agency_grade": ("评价等级", "Grade"),
    "field.agency_report": ("评估报告", "Evaluation report"),
    "agency.round": ("评价轮次", "Round"),
    "agency.consortium": ("创新联合体", "Consortium"),
    "agency.score": ("得分", "Score"),
    "agency.grade": ("等级", "Grade"),
    "agency.report": ("评估报告", "Report"),
    "agency.status": ("状态", "Status"),
    "agency.assigned_at": ("委托时间", "Entrusted on"),
    "agency.name": ("机构", "Agency"),
}
