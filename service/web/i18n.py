"""The pages' words: Chinese by default, English on request, from one small catalogue.

Messages from use cases and forms already carry both languages as "中文 / English"; `pick` shows one
half. A dict is enough for a few hundred words and keeps translators in one file.
"""

from __future__ import annotations

from flask import session

from forms.messages import SEPARATOR
from forms.registry import FORMS
from forms.vocabulary import INDUSTRY_CHOICES, STATUS_NAMES

from ..actors import ROLE_NAMES_EN, ROLE_NAMES_ZH
from .agency_words import WORDS as AGENCY_WORDS
from .document_words import WORDS as DOCUMENT_WORDS
from .inbox_words import INBOX_WORDS
from .supervision_words import WORDS as SUPERVISION_WORDS
from .support_words import WORDS as SUPPORT_WORDS

LANGS = ("zh", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    "organisations": ("单位名录", "Organisation register"),
    "districts": ("区（市、功能区）", "Districts"),
    "org_register": ("登记单位", "Register an organisation"),
    "org_registered": ("单位已登记", "Organisation registered"),
    "org_verified": ("单位已核实", "Organisation verified"),
    "org_verify": ("核实", "Verify"),
    "org_lead_override": ("准予作为牵头单位", "Allow as lead unit"),
    "org_lead_overridden": ("已记录例外准予及理由", "Override recorded with its reason"),
    "org_lead_override_shown": ("牵头条件例外已准予", "lead check waived"),
    "org_override_reason": ("例外理由", "Reason for the exception"),
    "org_outside_qingdao": ("（青岛市以外）", "(outside Qingdao)"),
    "org_confirmation_reason": ("确认说明", "Confirmation reason"),
    "org_confirmation_help": (
        "统一社会信用代码校验位不符，或以企业登记的研发机构作为科研院所时须填写",
        "Needed when the check character fails or a research institute is registered as a company",
    ),
    "field.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "field.name": ("单位名称", "Name"),
    "field.category": ("单位类别", "Category"),
    "field.district": ("所在区（市、功能区）", "District"),
    "field.reason": ("理由", "Reason"),
    "field.confirmation_reason": ("确认说明", "Confirmation reason"),
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
    "returned_sections": ("退回修改的部分及理由", "Sections returned for correction, with reasons"),
    "returned_only": (
        "只能修改被退回的部分；其他部分保持不变。",
        "Only the returned sections can be changed; the rest stays as it is.",
    ),
    "more_rows": ("增加行", "More rows"),
    "summary": ("申请概要", "Application summary"),
    "work_item": ("办理对象", "Item"),
    "application": ("申请详情", "Application"),
    "diagram": ("流程图", "Process diagram"),
    "legend_done": ("已完成", "Completed"),
    "legend_current": ("当前环节", "Current step"),
    "called": ("子流程", "Called process"),
    "process.consortium_recommendation": ("创新联合体推荐备案", "Consortium recommendation and filing"),
    "process.expert_review": ("专家评审", "Expert review"),
    "process.lead_unit_failure": ("牵头单位履约失职处理", "Lead unit failure"),
    "process.member_change": ("成员变更（补充协议）", "Member change (supplementary agreement)"),
    "process.performance_evaluation": ("绩效评价", "Performance evaluation"),
    "process_key": ("流程标识", "Key"),
    "decision_key": ("决策标识", "Decision key"),
    "back_main": ("返回主流程", "Back to the main process"),
    "timeline": ("办理记录", "Timeline"),
    "documents": ("材料", "Documents"),
    "deadlines": ("时限", "Deadlines"),
    "open_tasks": ("当前任务", "Open tasks"),
    "incidents": ("故障（待管理员处理）", "Incidents (for an administrator)"),
    "audit": ("审计", "Audit"),
    "audit_title": ("审计记录校验", "Audit trail verification"),
    "audit_ok": ("审计记录完整", "The audit trail is intact"),
    "audit_tampered": ("发现审计记录被篡改", "The audit trail was tampered with"),
    "audit_streams": ("记录流", "Streams"),
    "audit_stream": ("记录流（申请）", "Stream (application)"),
    "audit_events": ("事件", "Events"),
    "audit_broken": ("异常", "Broken"),
    "audit_signed": ("本次签名检查点", "Checkpoints signed now"),
    "audit_checked_at": ("校验时间", "Checked"),
    "audit_last_seq": ("末条序号", "Last seq"),
    "audit_anchored": ("已签名至", "Signed up to"),
    "audit_unanchored": ("未签名事件", "Unsigned events"),
    "audit_findings": ("发现", "Findings"),
    "audit_stream_ok": ("完整", "Intact"),
    "audit_stream_broken": ("异常", "Broken"),
    "audit_more_intact": ("其余完整的记录流", "More intact streams"),
    "identities": ("用户和组", "Users and groups"),
    "ident_title": ("用户和组", "Users and groups"),
    "ident_users": ("用户", "Users"),
    "ident_user": ("用户名", "User"),
    "ident_display_name": ("姓名", "Name"),
    "ident_groups": ("组", "Groups"),
    "ident_group": ("组", "Group"),
    "ident_group_id": ("组标识", "Group id"),
    "ident_group_name": ("组名称", "Group name"),
    "ident_members": ("成员", "Members"),
    "ident_org": ("所属单位（统一社会信用代码）", "Organisation (credit code)"),
    "ident_scope": ("范围", "Scope"),
    "ident_scope_organisation": ("本单位", "Own organisation"),
    "ident_scope_district": ("本区", "Own district"),
    "ident_scope_none": ("全部", "All"),
    "ident_add_member": ("加入组", "Add to group"),
    "ident_new_group": ("新建组", "New group"),
    "ident_group_created": ("组已创建", "Group created"),
    "ident_member_added": ("已加入组", "Added to the group"),
    "ident_remove_member": ("移出组", "Remove from group"),
    "ident_member_removed": ("已移出组", "Removed from the group"),
    "ident_status": ("状态", "Status"),
    "ident_active": ("在用", "Active"),
    "ident_inactive": ("已停用", "Deactivated"),
    "ident_deactivate": ("停用", "Deactivate"),
    "ident_activate": ("启用", "Activate"),
    "ident_user_activated": ("用户已启用", "User activated"),
    "ident_user_deactivated": ("用户已停用，不能再登录；其记录保留",
                               "User deactivated: they can no longer sign in; their records stay"),
    "ident_hint": (
        "流程图中 camunda:candidateGroups 可使用任何组；组的成员即可在待办中看到并办理该组的任务。"
        "用户也可通过 /engine-rest/user/create 或命令 consortium user add 创建。",
        "A diagram's camunda:candidateGroups may name any group; its members see and work on the "
        "group's tasks in their inbox. Users are also created with /engine-rest/user/create or "
        "`consortium user add`.",
    ),
    "audit_hint": (
        "每条事件的全部字段按序号链式哈希；各记录流的末端由调度器定期以数据库之外的密钥签名（检查点），"
        "并写入只追加的检查点日志。最后一个检查点之后的事件仅受哈希链保护。",
        "Every column of every event is hash-chained by sequence number; the scheduler signs each stream's "
        "head with a key kept outside the database (checkpoints) and appends it to a log file. Events "
        "after the last checkpoint are protected by the chain only.",
    ),
    "reviewer_hidden": ("评审专家（结果公布前不公开）", "Reviewer (not disclosed before the results)"),
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
    "bpmn_file": ("BPMN 文件（可附 .dmn 决策表、.form 表单）", "BPMN file (with its .dmn and .form files)"),
    "decisions_dmn": ("决策表（DMN）", "Decisions (DMN)"),
    "decision": ("决策", "decision"),
    "file": ("文件", "File"),
    "deploy": ("部署", "Deploy"),
    "deployed": ("已部署", "Deployed"),
    "unchanged": ("内容未变，沿用现有版本", "Unchanged; the current version stays"),
    "deploy_failed": ("部署失败", "Deployment refused"),
    "migrate_to": ("将运行中的实例迁移到 v{version}", "Move running instances to v{version}"),
    "migrated": ("已将 {count} 个实例迁移到 {process} v{version}",
                 "Moved {count} instance(s) to {process} v{version}"),
    "migration_failed": ("迁移未执行，没有实例被迁移", "Migration refused; no instance was moved"),
    "in_force_by_industry": ("各产业备案有效的创新联合体", "Consortia with a filing in force, per industry"),
    "in_force_total": ("备案有效", "Filing in force"),
    "filed_per_year": ("各年度新备案", "Newly filed per year"),
    "in_force_by_sub_track": ("各细分赛道备案有效的创新联合体", "Consortia in force, per sub-track"),
    "sub_track": ("细分赛道", "Sub-track"),
    "year": ("年度", "Year"),
    "newly_filed": ("新备案", "Newly filed"),
    "cumulative": ("累计", "Cumulative"),
    "target": ("2028 年目标", "2028 target"),
    "pipeline": ("申请进度分布", "Pipeline by step"),
    "overdue_tasks": ("逾期任务", "Overdue tasks"),
    "applications_per_year": ("各年度申请数", "Applications per year"),
    "count": ("数量", "Count"),
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
    "receipt_hint": (
        "请保存回执编号和查询码，凭二者查询处理结果。",
        "Keep the receipt number and the verification code: with both you can look up the outcome.",
    ),
    "verification_code": ("查询码", "Verification code"),
    "findings": ("专家结论", "Experts' findings"),
    "findings_overridden": ("已另行裁量", "Findings overridden"),
    "override_reason": ("另行裁量理由（书面）", "Written reason for the override"),
    "override_findings": ("另行裁量，允许参加遴选", "Override: let it be selected"),
    "objection_status_link": ("查询异议处理结果", "Look up an objection's status"),
    "objection_status_title": ("异议处理结果查询", "Objection status"),
    "objection_status_intro": (
        "请输入回执上的回执编号和查询码。",
        "Enter the receipt number and the verification code printed on your receipt.",
    ),
    "look_up": ("查询", "Look up"),
    "objection_status": ("处理状态", "Status"),
    "objection_conclusion": ("处理结论", "Finding"),
    "objection_panel": ("异议内容", "The objection"),
    "objector": ("异议人", "Objector"),
    "received_at": ("受理时间", "Received"),
    "objection_attachments": ("证明材料", "Evidence attached"),
    "no_attachments": ("未附证明材料", "No evidence attached"),
    "error": ("出错了", "Something went wrong"),
    "not_found": ("页面不存在或您无权查看", "The page does not exist or you may not see it"),
    "csrf": ("页面已过期，请刷新后重试", "The page expired; reload it and try again"),
    "registry_name": ("名称或编号", "Name or number"),
    "declined_members": ("以下成员单位拒绝加入", "These member units declined"),
    "declined_prefilled": ("表单已填入其余成员单位；请补充或替换成员单位后重新提交",
                           "The form holds the other member units; add or replace units and submit again"),
    "http.400": ("请求有误，请检查后重试", "The request was not understood; check it and try again"),
    "http.403": ("您无权进行此操作", "You may not do this"),
    "http.405": ("此地址不支持这种访问方式，请从页面上的链接或按钮进入",
                 "This address does not accept this kind of request; use the page's links and buttons"),
    "http.413": ("上传的内容过大（单次不超过 {mb} MB），请压缩或分开上传",
                 "The upload is too large (at most {mb} MB at a time); compress it or send it in parts"),
    "http.429": ("尝试过于频繁，请稍后再试", "Too many attempts; try again later"),
    "http.500": ("服务器内部错误，请稍后再试或联系管理员",
                 "Internal server error; try again later or contact the administrator"),
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
CATALOGUE.update(DOCUMENT_WORDS)  # the case file, notices and /verify (web/document_words.py)

REVIEW_WORDS: dict[str, tuple[str, str]] = {  # expert review pages: rounds, panels, score sheets, calendar
    "rounds_title": ("申报批次", "Rounds"),
    "open_round": ("开设申报批次", "Open a round"),
    "round_opened": ("申报批次已开设", "Round opened"),
    "round_name": ("批次名称", "Round name"),
    "window": ("申报时间", "Submission window"),
    "qingdao_time": ("北京时间", "Qingdao time"),
    "opens": ("开始", "Opens"),
    "closes": ("截止", "Closes"),
    "time": ("时间", "time"),
    "passing_score": ("及格分", "Passing score"),
    "panel_size": ("专家组人数", "Panel size"),
    "reserves": ("候补", "Reserves"),
    "rubric_default": (
        "评分维度默认为建设方案五部分（25/25/20/15/15）",
        "The rubric defaults to the plan's five sections (25/25/20/15/15)",
    ),
    "round.open": ("申报中", "Open"),
    "round.decided": ("已确定拟备案名单", "Selection decided"),
    "round_applications": ("本批次申请与评审进度", "Applications of the round and where they stand"),
    # keyed by the step a user task declares (`consortium.step`), never by its element id
    "step.assign_panel": ("待抽取专家", "Panel to be drawn"),
    "step.desk_review": ("专家书面评审", "Desk review"),
    "step.site_visit": ("现场考察", "Site visit"),
    "step.defense_scoring": ("答辩评分", "Defense scoring"),
    "step.selection": ("待择优", "Awaiting selection"),
    "step.handle_objection": ("处理异议", "Objection to handle"),
    "step.filing_decision": ("待备案决定", "Filing decision"),
    "var.hold_reason": ("暂缓备案理由", "Reason the filing is held"),
    "outcome.selected": ("入选", "Selected"),
    "outcome.not_selected": ("未入选", "Not selected"),
    "submitted": ("已提交", "Submitted"),
    "not_submitted": ("未提交", "Not submitted"),
    "panel": ("评审专家组", "Panel"),
    "declared": ("已签声明", "declared"),
    "sheets_signed": ("已签评分表", "Sheets signed"),
    "score": ("得分", "Score"),
    "draw_panel": ("抽取专家", "Draw the panel"),
    "panel_drawn": ("已抽取评审专家", "Panel drawn"),
    "seed": ("随机种子", "Seed"),
    "algorithm": ("抽取算法", "Algorithm"),
    "algorithm_explained": ("以记录的随机种子，从符合条件的专家（按编号排序）中随机抽取正式和备选专家；"
                            "任何人用同一种子可复现",
                            "Drawn at random with the recorded seed from the eligible experts (by id), "
                            "members and reserves; anyone can reproduce it with the same seed"),
    "candidates": ("候选专家", "Candidates"),
    "drawn_order": ("抽取顺序", "Drawn order"),
    "recheck": ("复核", "Re-check"),
    "recheck_ok": ("按种子重新抽取，结果一致", "Re-running the draw gives the same order"),
    "recheck_bad": ("重新抽取结果不一致", "Re-running the draw differs"),
    "excluded": ("排除", "Excluded"),
    "expert": ("专家", "Expert"),
    "seat.member": ("成员", "Member"),
    "seat.reserve": ("候补", "Reserve"),
    "seat.drawn": ("待签声明", "To declare"),
    "seat.declared": ("已签声明", "Declared"),
    "seat.removed": ("已回避", "Removed"),
    "seat.standby": ("候补待命", "Standing by"),
    "site_visits": ("现场考察", "Site visits"),
    "defense_sessions": ("答辩会", "Defense sessions"),
    "date": ("日期", "Date"),
    "from": ("自", "From"),
    "to": ("至", "To"),
    "address": ("地址", "Address"),
    "address_default": ("默认为牵头单位登记地址", "The lead unit's registered address by default"),
    "schedule_visit": ("安排现场考察", "Schedule the site visit"),
    "visit_scheduled": ("现场考察已安排，邀请已发出", "Site visit scheduled; invitations sent"),
    "cancel_visit": ("取消考察", "Cancel the visit"),
    "cancel_reason": ("取消原因", "Reason for cancelling"),
    "cancel_reason_required": ("请填写取消原因", "A reason is required"),
    "visit_cancelled": ("现场考察已取消，取消通知已发出", "Site visit cancelled; cancellations sent"),
    "needs_declared_panel": ("专家组全部签署声明后方可安排", "Schedule once the whole panel has declared"),
    "room": ("会议室", "Room"),
    "slots": ("答辩联合体（按顺序安排时段）", "Consortia (slots one after another)"),
    "slot_minutes": ("每个联合体时长（分钟）", "Minutes per consortium"),
    "schedule_defense": ("安排答辩会", "Schedule the session"),
    "defense_scheduled": ("答辩会已安排，邀请已发出", "Defense session scheduled; invitations sent"),
    "cancelled": ("已取消", "cancelled"),
    "refused": ("未能办理", "Refused"),
    "field.room": ("会议室", "Room"),
    "field.experts": ("专家", "Experts"),
    "field.slots": ("答辩时段", "Slots"),
    "field.startsAt": ("开始时间", "Start"),
    "field.endsAt": ("结束时间", "End"),
    "field.address": ("地址", "Address"),
    "field.applicationNo": ("申请编号", "Application"),
    "field.panel": ("专家库", "Pool"),
    "field.slot_minutes": ("时长", "Minutes"),
    "field.threshold": ("入选线", "Threshold"),
    "field.round": ("批次", "Round"),
    "ranking": ("排名", "Ranking"),
    "rank": ("名次", "Rank"),
    "dissent": ("保留意见", "Dissent"),
    "outcome": ("结果", "Outcome"),
    "trimmed": ("去掉最高最低分", "highest and lowest dropped"),
    "no_scores": ("尚无签名的评分表", "No signed score sheets yet"),
    "select": ("择优确定拟备案名单", "Select the proposed list"),
    "threshold": ("入选线", "Threshold"),
    "opinion": ("择优意见", "Opinion"),
    "opinion_default": ("综合排名靠前，拟予备案", "Ranked high; proposed for filing"),
    "exclusions": ("不予入选（须说明理由）", "Exclusions (a reason is required)"),
    "exclude": ("不予入选", "Exclude"),
    "exclude_reason": ("理由", "Reason"),
    "decide_selection": ("确定拟备案名单并公示", "Decide and open publicity"),
    "selection_decided": ("拟备案名单已确定，入选数", "Selection decided; selected"),
    "decide_one": ("单独择优并公示（成熟一个、支持一个）", "Decide this one and open its publicity"),
    "one_decided": ("已单独择优", "Decided on its own"),
    "publicity_period": ("公示期", "Publicity period"),
    "my_panels": ("我的评审", "My panels"),
    "to_declare": ("待签署回避声明", "Declaration to sign"),
    "declare_now": ("签署声明", "Sign the declaration"),
    "declaration": ("无利益冲突声明（回避承诺书）", "No-conflict declaration"),
    "declaration_intro": (
        "签署前您只能看到申报主体，看不到申报材料。如与下列单位或首席专家存在任职、近三年任职、亲属或其他利害关系，请申报回避。",
        "Before signing you see only the parties, never the material. Declare a conflict if you work or "
        "worked in the last three years for any of them, or have another relationship with them or "
        "the chief expert.",
    ),
    "parties": ("申报主体（统一社会信用代码）", "Parties (credit codes)"),
    "conflict_question": ("是否存在利益冲突", "Do you have a conflict of interest?"),
    "no_conflict_yes": ("本人与上述单位及首席专家无利益冲突", "I have no conflict with these parties"),
    "no_conflict_no": ("本人存在利益冲突，申请回避", "I have a conflict and withdraw"),
    "statement": ("声明内容", "Statement"),
    "statement_default": (
        "本人承诺与申报单位无利益冲突，遵守评审纪律，对评审内容保密。",
        "I declare no conflict of interest, will follow the review rules and keep the material confidential.",
    ),
    "signature": ("签名", "Signature"),
    "sign_declaration": ("签署声明", "Sign the declaration"),
    "declaration_signed": ("声明已签署", "Declaration signed"),
    "conflict_declared": ("已申报回避，将由候补专家替换", "Conflict declared; a reserve takes your seat"),
    "material": ("申报材料", "Application material"),
    "waiting_for_panel": (
        "专家组全部签署声明后，您将在此看到申报材料并可填写评分表。",
        "Once the whole panel has signed, the material and your score sheet appear here.",
    ),
    "score_sheet": ("答辩评分表", "Score sheet"),
    "dimension": ("评分维度", "Dimension"),
    "comment": ("评语", "Comment"),
    "total": ("总分", "Total"),
    "sign_sheet": ("签名提交（提交后锁定）", "Sign (locks the sheet)"),
    "sign_hint": (
        "签名后评分表锁定，不能再修改；答辩评分环节开始后方可签名。",
        "Signing locks the sheet for good; it can be signed once defense scoring has started.",
    ),
    "sheet_signed": ("评分表已签名锁定", "Score sheet signed and locked"),
    "sheet_locked": ("评分表已签名锁定", "Signed and locked"),
    "signed_at": ("签名时间", "Signed"),
    "week_previous": ("上一周", "Previous week"),
    "week_today": ("本周", "This week"),
    "week_next": ("下一周", "Next week"),
    "today": ("今天", "Today"),
    "weekday.0": ("星期一", "Monday"), "weekday.1": ("星期二", "Tuesday"),
    "weekday.2": ("星期三", "Wednesday"), "weekday.3": ("星期四", "Thursday"),
    "weekday.4": ("星期五", "Friday"), "weekday.5": ("星期六", "Saturday"), "weekday.6": ("星期日", "Sunday"),
    "kind.defense": ("答辩会", "Defense session"),
    "kind.site_visit": ("现场考察", "Site visit"),
    "participants": ("参加人员", "Participants"),
    "download_ics": ("下载日历 (.ics)", "Download .ics"),
    "no_events": ("无安排", "Nothing scheduled"),
    "calendar_hint": (
        "时间均为北京时间。.ics 文件可导入 Outlook、钉钉、企业微信等日历。",
        "Times are Qingdao time. The .ics files import into Outlook and other calendars.",
    ),
}
CATALOGUE.update(REVIEW_WORDS)
CATALOGUE.update(SUPERVISION_WORDS)  # issue 14 item 9 (supervision_words.py)
CATALOGUE.update(SUPPORT_WORDS)  # issue 14 items 10, 11 (support_words.py)
CATALOGUE.update(AGENCY_WORDS)  # issue 14 item 12 (agency_words.py)
CATALOGUE.update(INBOX_WORDS)  # inbox, notifications, my applications (inbox_words.py)

STATUS = STATUS_NAMES  # forms/vocabulary.py: the domain words its 409s too (report-users finding 10)

ACTIONS = {
    "instance.started": ("发起申请", "Application started"),
    "task.created": ("任务生成", "Task created"),
    "task.claimed": ("认领任务", "Task claimed"),
    "task.unclaimed": ("退回认领", "Task unclaimed"),
    "task.assigned": ("转办任务", "Task assigned"),
    "task.delegated": ("委托办理", "Task delegated"),
    "task.resolved": ("委托办结交回", "Delegated task resolved"),
    "task.commented": ("任务留言", "Task comment"),
    "task.completed": ("办理完成", "Task completed"),
    "task.canceled": ("任务取消", "Task cancelled"),
    "document.issued": ("出具文书", "Document issued"),
    "async.continued": ("异步步骤执行", "Asynchronous step run"),
    "incident.created": ("出现故障", "Incident raised"),
    "job.retries_set": ("管理员重试", "Retried by an administrator"),
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
    "panel.expert_removed": ("专家回避", "Expert removed for a conflict"),
    "panel.replacement_seated": ("候补专家递补", "Replacement seated"),
    "panel.short": ("专家组人数不足", "Panel short"),
    "site_visit.scheduled": ("安排现场考察", "Site visit scheduled"),
    "objection.concluded": ("异议处理完毕", "Objection concluded"),
    "objections.collected": ("汇总公示异议", "Objections collected"),
    "selection.findings_overridden": ("专家结论另行裁量（附理由）", "Experts' findings overridden"),
    "instance.cancelled": ("流程已终止", "Process cancelled"),
    "instance.suspended": ("流程已挂起", "Process suspended"),
    "instance.activated": ("流程已恢复", "Process resumed"),
    "instance.variables_set": ("流程数据已修改", "Process data changed"),
    "externalTask.completed": ("外部系统办理完成", "External system completed its step"),
    "externalTask.bpmnError": ("外部系统报告业务错误", "External system reported a business error"),
    "externalTask.failed": ("外部系统处理失败", "External system failed"),
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


def step(value: str | None, name: str | None = None, form_key: str | None = None) -> str:
    """The label of a procedure step: the translation of its declared `consortium.step` value, else (on an
    English page) the English title of its form, else the element's name in the diagram (a step a process
    owner added in Modeler), else the value itself."""
    key = f"step.{value}"
    if key in CATALOGUE:
        return t(key)
    form = FORMS.get(form_key or "")
    if lang() == "en" and form is not None and form.title_en:
        return form.title_en
    return name or value or ""


def process_name(key: str | None) -> str:
    """A process's name for people: the translation of its key (`process.<key>`), else the key."""
    return t(f"process.{key}") if f"process.{key}" in CATALOGUE else (key or "")


def bilingual(message: object) -> str:
    """One half of a "中文 / English" message (or of a notification body, a Chinese line then an English
    line), in the page's language (the whole text if it is not bilingual)."""
    if hasattr(message, "zh") and hasattr(message, "en"):  # a forms.messages.Msg keeps its halves apart
        return message.en if lang() == "en" else message.zh
    text = str(message)
    if SEPARATOR not in text and text.count("\n") == 1:  # a notification body: Chinese line, English line
        zh, _, en = text.partition("\n")
        return en if lang() == "en" else zh
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


def value_text(value: object) -> object:
    """A recorded value in the page's language when it is a `Msg` (a choice's title, yes/no); anything
    else (what a user wrote) as it is, never split at " / " (report-users finding 10)."""
    return bilingual(value) if hasattr(value, "zh") and hasattr(value, "en") else value


def helpers() -> dict:
    """What every template may call."""
    return {
        "_": t, "lang": lang(), "msg": bilingual, "status_name": status, "action_name": action,
        "process_name": process_name,
        "industry_name": industry, "role_name": role, "pick": pick,
        "step_name": step, "value_text": value_text,
    }
