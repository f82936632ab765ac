"""Words of the support-measure and progress-report parts of the consortium page and the dashboard
(issue 14 items 10, 11), merged into i18n.CATALOGUE: Chinese, then English."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "sup.support": ("政策支持", "Support measures"),
    "sup.increased_support": ("绩效评价优秀，建议加大支持力度", "Excellent evaluation: increase support"),
    "sup.increased_support_list": ("建议加大支持力度（最近一次绩效评价优秀）",
                                   "Increased support (latest evaluation excellent)"),
    "sup.record_measure": ("登记支持措施", "Record a support measure"),
    "sup.measure_recorded": ("支持措施已登记", "Support measure recorded"),
    "sup.kind.platform": ("平台", "Platform"),
    "sup.kind.talent": ("人才计划", "Talent programme"),
    "sup.kind.scenario": ("应用场景", "Application scenario"),
    "sup.mode.open": ("公开竞争", "Open competition"),
    "sup.mode.special": ("专项组织", "Special organisation"),
    "sup.mode.challenge": ("揭榜挂帅", "Open challenge (揭榜挂帅)"),
    "sup.progress": ("建设进展", "Progress reports"),
    "sup.progress_help": ("牵头单位每 {months} 个月报送一次建设进展（指引七（一））。",
                          "The lead unit reports progress every {months} months (guideline 七（一）)."),
    "sup.progress_next": ("下次报送截止：{due}", "Next report due: {due}"),
    "sup.progress_overdue": ("已逾期", "Overdue"),
    "sup.progress_submit": ("报送建设进展", "Submit a progress report"),
    "sup.progress_submitted": ("建设进展报告已报送", "Progress report submitted"),
    "field.measure_kind": ("类别", "Kind"),
    "field.measure_name": ("名称", "Name"),
    "field.mode": ("组织方式", "Mode"),
    "field.amount_wan": ("金额（万元）", "Amount (10,000 yuan)"),
    "field.granted_on": ("日期", "Date"),
    "field.note": ("备注", "Note"),
    "field.summary": ("进展情况", "Progress"),
    "field.due_on": ("报送期", "Period ending"),
    "field.submitted_by": ("报送人", "Submitted by"),
}
