"""Deploy-time checks SpiffWorkflow does not make (SPIFF-NOTES §5).

SpiffWorkflow parses conditions, scripts and timer expressions only when an instance reaches them,
and silently drops elements no start event leads to. A diagram that fails in week three of a
procedure is far more expensive than one refused at deploy, so every expression is compiled under
the sandbox policy here, Camunda habits that do not work (JUEL inside `${...}`) are refused with a
hint, and each problem names the file, element id and line. A timer field is checked as it will run:
Camunda's bare ISO literals (`PT2H`) and `${expr}` are read as Camunda reads them
(`timers.timer_expression`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP

from . import cron, timers
from .clock import current_time
from .dmn import MAPPINGS as DECISION_MAPPINGS
from .errors import DiagramProblem
from .extensions import EXECUTION_EVENTS, TASK_EVENTS, bean_name
from .multiinstance import condition_expression
from .numbers import whole_number
from .parser import SERVICE_TASK_ATTRIBUTES, USER_TASK_ATTRIBUTES
from .resolve import to_datetime
from .sandbox import compile_sandboxed

_B = "{" + NSMAP["bpmn"] + "}"
_C = "{" + NSMAP["camunda"] + "}"

FLOW_NODES = {
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway", "startEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "boundaryEvent",
}
OWNERS = FLOW_NODES | {"sequenceFlow", "process"}
CONTAINERS = {"process", "subProcess", "transaction"}
RESERVED_IDS = {"Start", "End", "Root", "StartEventSplit", "StartEventJoin"}
"""SpiffWorkflow names internal specs like this; a start event with id "Start" is silently merged."""
PYTHON_SCRIPT_FORMATS = {"", "python", "py", "python3"}
MAX_MESSAGE_NAME = 255
"""The `message_subscription.message_name` column's length."""

_WHOLE_EXPR = re.compile(r"\s*\$\{(.*)\}\s*", re.DOTALL)
UNSUPPORTED = {
    _B + "standardLoopCharacteristics": (
        "不支持标准循环 / a standard loop (standardLoopCharacteristics) is not supported: Camunda 7 does "
        "not run it either; use multi-instance (camunda:collection) or a gateway looping back"),
    _B + "adHocSubProcess": (
        "不支持临时子流程 / an ad-hoc sub-process is not supported: Camunda 7 does not run it either; "
        "use an embedded sub-process"),
    _B + "complexGateway": (
        "不支持复杂网关 / a complex gateway is not supported: Camunda 7 does not run it either; use an "
        "inclusive or parallel gateway"),
}
"""Elements Camunda 7 refuses to run (its BPMN coverage), refused here with the reason."""
_JUEL_HINT = "JUEL/Camunda 表达式不可用，请写 Python / JUEL is not supported, write Python"


def lint_document(file: str, tree: etree._ElementTree,
                  known: Mapping[str, frozenset[str]] | None = None) -> list[DiagramProblem]:
    """Every problem in one BPMN document (all processes, executable or not).

    `known` holds the registered bean names per kind (`Extensions.names()`: delegate, taskListener,
    executionListener); a declared name not among them is refused. None skips that one check.
    """
    linter = _Linter(file, known)
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    messages = {m.get("id"): m for m in root.iter(_B + "message")}
    for process in root.iter(_B + "process"):
        linter.reachability(process)
        linter.start_events(process)
        linter.message_start_events(process)
        for node in process.iter(_B + "messageEventDefinition", _B + "receiveTask", _B + "sendTask"):
            linter.message(node, messages)
        for node in process.iter():
            linter.element(node)
    return linter.problems


class _Linter:
    def __init__(self, file: str, known: Mapping[str, frozenset[str]] | None = None) -> None:
        self.file = file
        self.known = known
        self.problems: list[DiagramProblem] = []

    def report(self, node: etree._Element, message: str, element_id: str | None = None) -> None:
        element_id = element_id or _owner_id(node)
        self.problems.append(DiagramProblem(self.file, element_id, node.sourceline, message))

    # --- expressions -------------------------------------------------------------------------

    def python(self, node: etree._Element, text: str | None, mode: str, what: str) -> ast.AST | None:
        """Compile `text` under the sandbox; report and return None if it is refused."""
        source = (text or "") if mode == "exec" else (text or "").strip()
        if not source.strip():
            self.report(node, f"{what}为空 / {what}: empty expression")
            return None
        if "${" in source or "#{" in source:
            self.report(node, f"{what}: {_JUEL_HINT}: {source.strip()!r}")
            return None
        try:
            compile_sandboxed(source, mode)
        except SyntaxError as exc:
            line = (node.sourceline or 0) + (exc.lineno or 1) - 1 if mode == "exec" else node.sourceline
            message = f"{what}: 表达式被拒绝 / refused: {exc.msg} in {source.strip()!r}"
            element = _owner_id(node)
            self.problems.append(DiagramProblem(self.file, element, line, message))
            return None
        return ast.parse(source, mode=mode)

    def attribute_expression(self, node: etree._Element, name: str, value: str) -> None:
        """`${python}` or a literal; anything else with `${`/`#{` is refused."""
        if "#{" in value:
            self.report(node, f"{name}: 请用 ${{...}} / use ${{python-expr}}, not #{{...}}: {value!r}")
            return
        if "${" not in value:
            return
        match = _WHOLE_EXPR.fullmatch(value)
        if match is None:
            self.report(node, f"{name}: 整个值须为 ${{表达式}} / the whole value must be one "
                              f"${{expr}}: {value!r}")
            return
        self.python(node, match.group(1), "eval", f"{name} ${{...}}")

    def timer(self, definition: etree._Element) -> None:
        owner = definition.getparent()
        process_start = (etree.QName(owner).localname == "startEvent"
                         and etree.QName(owner.getparent()).localname == "process")
        for child in definition:
            kind = etree.QName(child).localname
            if kind not in ("timeDuration", "timeDate", "timeCycle"):
                continue
            if kind == "timeCycle" and cron.looks_like_cron(child.text):
                self.cron(child, process_start)
                continue
            text = timers.timer_expression(child.text)  # Camunda's bare ISO literal or ${...}, as it runs
            tree = self.python(child, text, "eval", f"timer {kind}")
            if isinstance(tree, ast.Expression) and isinstance(tree.body, ast.Constant):
                self.iso_literal(child, kind, tree.body.value)

    def cron(self, node: etree._Element, process_start: bool) -> None:
        """A cron `timeCycle` (Quartz, Camunda 7): scheduled for timer start events of a process
        (workflows/cron.py); elsewhere refused rather than misread."""
        text = (node.text or "").strip()
        if not process_start:
            self.report(node, f"timer timeCycle: cron 只支持流程的定时开始事件 / a cron cycle {text!r} is "
                              "supported on a process's timer start event only; use R[n]/start/period")
            return
        try:
            cron.first_after(text, current_time())
        except timers.TimerValueError as exc:
            self.report(node, f"timer timeCycle: {exc}")

    def start_events(self, process: etree._Element) -> None:
        """Camunda 7's parser rules for start events (`BpmnParse.selectInitial`, `parseStartEvents`):
        a process has at most one none or timer start event (its initial one, which a manual start
        takes); an embedded sub-process has no timer start event (an event sub-process may)."""
        def triggers(start: etree._Element) -> set[str]:
            return {etree.QName(d).localname for d in start
                    if isinstance(d.tag, str) and etree.QName(d).localname.endswith("EventDefinition")}

        exclusive = [s for s in _children(process, {"startEvent"})
                     if triggers(s) <= {"timerEventDefinition"}]
        for start in exclusive[1:]:
            self.report(start, "一个流程只能有一个空开始事件或定时开始事件 / multiple none start events or "
                               "timer start events not supported on process definition (Camunda 7); keep "
                               f"one of {', '.join(s.get('id') for s in exclusive)}", start.get("id"))
        for sub in process.iter(_B + "subProcess", _B + "transaction", _B + "adHocSubProcess"):
            if sub.get("triggeredByEvent") == "true":
                continue
            for start in _children(sub, {"startEvent"}):
                if start.find(_B + "timerEventDefinition") is not None:
                    self.report(start, "子流程的开始事件不能是定时事件 / timerEventDefinition is not allowed "
                                       "on start event within a subprocess (Camunda 7); put the timer on "
                                       "the process or use an event sub-process", start.get("id"))

    def iso_literal(self, node: etree._Element, kind: str, value: object) -> None:
        """Parse a quoted literal with the timer's own bounded parsers (workflows/timers.py), as it will
        run: malformed values and values beyond the horizon from now (issue 11) are refused."""
        if not isinstance(value, str):
            self.report(node, f"timer {kind}: 须为 ISO-8601 字符串 / must be an ISO-8601 string, "
                              f"got {value!r}")
            return
        now = current_time()
        try:
            if kind == "timeDuration":
                timers.due_after(value, now)
            elif kind == "timeDate":
                timers.due_at(value, now)
            else:
                timers.parse_cycle(value, now)
        except timers.TimerValueError as exc:
            self.report(node, f"timer {kind}: 定时器被拒绝 / refused {value!r}: {exc}")

    def date_attribute(self, node: etree._Element, name: str, value: str) -> None:
        """A literal dueDate/followUpDate must be a date or duration within the timer horizon."""
        if "${" in value or not value.strip():
            return
        now = current_time()
        try:
            due = to_datetime(value, now)
            if due is not None and due > timers.horizon(now):
                raise timers.TimerValueError(f"超过 {timers.MAX_YEARS_AHEAD} 年之后 / more than "
                                             f"{timers.MAX_YEARS_AHEAD} years ahead")
        except (TypeError, ValueError) as exc:
            self.report(node, f"camunda:{name}: 日期无效 / invalid date or duration {value!r}: {exc}")

    # --- elements ----------------------------------------------------------------------------

    def element(self, node: etree._Element) -> None:
        if not isinstance(node.tag, str):
            return
        tag = etree.QName(node).localname
        if node.get("isForCompensation") == "true":
            self.compensation(node)
        if node.tag == _B + "conditionExpression":
            self.python(node, node.text, "eval", "条件 condition")
        elif node.tag == _B + "scriptTask":
            self.script_task(node)
        elif node.tag == _B + "timerEventDefinition":
            self.timer(node)
        elif node.tag == _B + "multiInstanceLoopCharacteristics":
            self.multi_instance(node)
        elif node.tag == _B + "userTask":
            for name in USER_TASK_ATTRIBUTES:
                value = node.get(_C + name)
                if value is not None:
                    self.attribute_expression(node, f"camunda:{name}", value)
                    if name in ("dueDate", "followUpDate"):
                        self.date_attribute(node, name, value)
        elif node.tag == _B + "serviceTask":
            self.service_task(node)
        elif node.tag == _B + "sendTask":
            self.not_a_service_task(node)
        elif node.tag == _B + "businessRuleTask":
            self.business_rule_task(node)
        elif node.tag == _B + "signalEventDefinition":
            self.signal(node)
        elif node.tag == _B + "compensateEventDefinition":
            self.compensation(node)
        elif node.tag == _B + "cancelEventDefinition":
            self.cancel(node)
        elif node.tag == _C + "inputOutput":
            self.input_output(node)
        elif node.tag in (_C + "taskListener", _C + "executionListener"):
            self.listener(node)
        elif node.tag == _B + "eventBasedGateway":
            self.event_gateway(node)
        elif node.tag == _B + "callActivity":
            self.call_activity(node)
        elif node.tag in (_C + "in", _C + "out"):
            self.call_mapping(node)
        elif node.tag == _B + "subProcess" and node.get("triggeredByEvent") == "true":
            self.event_subprocess(node)
        elif node.tag in UNSUPPORTED:
            self.report(node, UNSUPPORTED[node.tag])
        elif node.tag == _B + "conditionalEventDefinition":
            self.conditional(node)
        elif node.tag == _C + "property" and node.get("value") is not None:
            self.attribute_expression(node, f"property {node.get('name')}", node.get("value"))
        elif tag == "inputParameter" and node.tag == _C + "inputParameter" and len(node) == 0:
            self.attribute_expression(node, f"inputParameter {node.get('name')}", node.text or "")

    def cancel(self, node: etree._Element) -> None:
        """A cancel end event as Camunda 7 runs it: only inside a transaction sub-process (`BpmnParse`
        refuses it elsewhere at deploy), and that transaction must carry a cancel boundary event:
        without one Camunda's `CancelEndEventActivityBehavior` fails every instance reaching it ("Could
        not find cancel boundary event for cancel end event"), where SpiffWorkflow ran it as a none end
        event and left the transaction by its normal flow (report B finding 1). Refused at deploy."""
        owner = node.getparent()
        if owner is None or owner.tag != _B + "endEvent":
            return  # a cancel boundary event: SpiffWorkflow runs it on a transaction as Camunda does
        transaction = owner.getparent()
        if transaction is None or transaction.tag != _B + "transaction":
            kind = etree.QName(transaction).localname if transaction is not None else "?"
            self.report(owner, "取消结束事件只能用于事务子流程 / a cancel end event is supported only inside "
                               f"a transaction sub-process (Camunda 7 refuses it in a {kind})")
            return
        scope = transaction.getparent()
        name = transaction.get("id")
        caught = scope is not None and any(
            b.get("attachedToRef") == name and b.find(_B + "cancelEventDefinition") is not None
            for b in scope.iter(_B + "boundaryEvent"))
        if not caught:
            self.report(owner, f"事务 {name} 缺少取消边界事件 / the transaction {name!r} has no cancel "
                               "boundary event: Camunda 7 fails every instance reaching this cancel end "
                               "event (no cancel boundary event to catch it); attach a cancel boundary "
                               "event to the transaction, or use a none or error end event")

    def message(self, node: etree._Element, messages: Mapping[str, etree._Element]) -> None:
        """A message event definition or receive task as Camunda 7 runs it (issue 12 fault 10): it names a
        `bpmn:message` with a literal name; messages are caught (start, intermediate catch, boundary,
        after an event-based gateway, receive task), never thrown, and start only a top-level process."""
        owner = node if etree.QName(node).localname in ("receiveTask", "sendTask") else node.getparent()
        kind = etree.QName(owner).localname
        if node.tag == _B + "sendTask" and node.get("messageRef") is None:
            return  # a send task without a message: checked as a task (not_a_service_task)
        if kind in ("intermediateThrowEvent", "endEvent", "sendTask"):
            self.report(node, "不支持发送消息事件 / message throw events are not supported (Camunda 7 runs "
                              "them with a Java delegate; SpiffWorkflow would deliver them inside this "
                              "instance): use an external service task")
            return
        ref = node.get("messageRef")
        message = messages.get(ref) if ref else None
        if message is None:
            self.report(node, f"{kind} 须引用一个消息 / must reference a bpmn:message (messageRef), got "
                              f"{ref!r}")
            return
        name = (message.get("name") or "").strip()
        if not name:
            self.report(node, f"消息 {ref} 缺少名称 / message {ref!r} has no name")
        elif len(name) > MAX_MESSAGE_NAME:
            self.report(node, f"消息名称过长 / the message name is longer than {MAX_MESSAGE_NAME} characters")
        elif "${" in name or "#{" in name:
            self.report(node, f"消息名称须为常量 / the message name must be a literal, not an expression: "
                              f"{name!r} (names are matched when a message is correlated)")
        if kind == "startEvent":
            container = etree.QName(owner.getparent()).localname
            if container != "process":
                self.report(node, "消息开始事件只能用于顶层流程 / a message start event belongs on a "
                                  f"top-level process, not in a {container}")

    def message_start_events(self, process: etree._Element) -> None:
        """A process with a message start event has no other start event: SpiffWorkflow would run the
        none (or timer) start and cancel the message one (SPIFF-NOTES §10.5)."""
        starts = list(_children(process, {"startEvent"}))
        with_message = [s for s in starts if s.find(_B + "messageEventDefinition") is not None]
        if with_message and len(starts) > 1:
            self.report(with_message[0], "带消息开始事件的流程只能有这一个开始事件 / a process with a "
                                         "message start event can have no other start event "
                                         "(SpiffWorkflow 3.2 cannot choose between them as Camunda does)")

    def script_task(self, node: etree._Element) -> None:
        script_format = (node.get("scriptFormat") or "").strip().lower()
        if script_format not in PYTHON_SCRIPT_FORMATS:
            self.report(node, f"脚本须为 Python / scripts run as Python, scriptFormat={script_format!r}")
        script = node.find(_B + "script")
        if script is not None:
            self.python(script, script.text, "exec", "脚本 script")

    def multi_instance(self, node: etree._Element) -> None:
        if node.find(_B + "loopCardinality") is not None:
            self.report(node, "不支持 loopCardinality，请用 camunda:collection / loopCardinality is not "
                              "supported (SpiffWorkflow 3.2 Camunda MI bugs); use camunda:collection")
        for name in ("collection", "elementVariable"):
            value = node.get(_C + name)
            if value is not None and not value.isidentifier():
                self.report(node, f"camunda:{name} 须为变量名 / must be a plain variable name: {value!r}")
        condition = node.find(_B + "completionCondition")
        if condition is not None:  # Camunda's `${expr}` or plain Python, as it runs (workflows.multiinstance)
            self.python(condition, condition_expression(condition.text or ""), "eval", "completionCondition")

    def call_activity(self, node: etree._Element) -> None:
        """`calledElementBinding`: latest (default), deployment, version (+ a whole-number
        `calledElementVersion`); versionTag is refused (Camunda user guide, "Call Activity")."""
        binding = node.get(_C + "calledElementBinding") or "latest"
        if binding not in ("latest", "deployment", "version"):
            self.report(node, f"calledElementBinding 不支持 {binding!r} / calledElementBinding "
                              f"{binding!r} is not supported: use latest, deployment or version")
        version = node.get(_C + "calledElementVersion")
        if binding == "version" and whole_number(version) is None:
            self.report(node, f"calledElementBinding=version 须给出整数 calledElementVersion / needs a "
                              f"whole-number camunda:calledElementVersion, got {version!r}")
        if node.get(_C + "calledElementTenantId") is not None:
            self.report(node, "不支持 camunda:calledElementTenantId（只有一个租户）/ "
                              "camunda:calledElementTenantId is not supported: tenants are not supported")
        if "${" in (node.get("calledElement") or "") or "#{" in (node.get("calledElement") or ""):
            self.report(node, "calledElement 须为流程键 / calledElement must be a process key, "
                              "not an expression")

    def call_mapping(self, node: etree._Element) -> None:
        """`camunda:in`/`camunda:out` as Camunda reads them: `variables="all"`, or a `source` /
        `sourceExpression` with a `target`, or (in only) `businessKey`."""
        kind = f"camunda:{etree.QName(node).localname}"
        if etree.QName(node.getparent().getparent()).localname != "callActivity":
            return
        if node.get("businessKey") is not None:
            if kind != "camunda:in":
                self.report(node, f"{kind}: businessKey 只能用于 camunda:in / businessKey is only "
                                  "for camunda:in")
            elif _business_key(node.get("businessKey")) != "execution.processBusinessKey":
                self.report(node, "camunda:in businessKey: 子流程在本实例内运行，只能沿用本实例业务键 / "
                                  "the called process runs inside this instance: only "
                                  "${execution.processBusinessKey} is supported")
            if len([a for a in node.attrib if a != "businessKey"]) == 0:
                return
        if (node.get("variables") or "").strip() == "all":
            return
        if node.get("variables") is not None:
            self.report(node, f"{kind}: variables 只能为 all / variables must be \"all\"")
            return
        if node.get("target") in (None, ""):
            self.report(node, f"{kind}: 缺少 target / target is missing")
        expression = node.get("sourceExpression")
        if expression is not None:
            self.attribute_expression(node, f"{kind} sourceExpression", expression)
            if "${" not in expression:
                self.report(node, f"{kind}: sourceExpression 须为 ${{表达式}} / must be ${{expr}}: "
                                  f"{expression!r}")
        elif node.get("source") in (None, ""):
            self.report(node, f"{kind}: 须给出 source 或 sourceExpression / source or "
                              "sourceExpression is missing")

    def event_gateway(self, node: etree._Element) -> None:
        """SpiffWorkflow keeps one `event_value` per gateway, so a second timer would reuse the first's."""
        targets = {f.get("targetRef") for f in _children(node.getparent(), {"sequenceFlow"})
                   if f.get("sourceRef") == node.get("id")}
        timers = [n for n in _children(node.getparent(), {"intermediateCatchEvent"})
                  if n.get("id") in targets and n.find(_B + "timerEventDefinition") is not None]
        if len(timers) > 1:
            self.report(node, "事件网关后最多一个定时器 / at most one timer after an event-based gateway "
                              "(SpiffWorkflow 3.2 stores one due time per gateway)")

    def event_subprocess(self, node: etree._Element) -> None:
        """SpiffWorkflow 3.2 starts an event sub-process triggered by a message, signal, error, escalation
        or condition by wiring it into the process spec at run time (`BpmnStartTask.trigger_wf`): the
        spec is shared by every instance (serializer's cache), so later instances would start it at once
        (SPIFF-NOTES §10.3, issue 11). Only timer (and none) starts are wired at parse time."""
        for start in _children(node, {"startEvent"}):
            kinds = [etree.QName(d).localname for d in start if isinstance(d.tag, str)
                     and etree.QName(d).localname.endswith("EventDefinition")]
            other = [k for k in kinds if k != "timerEventDefinition"]
            if not other and start.get("isInterrupting", "true") != "false":
                self.report(start, "不支持中断型事件子流程 / an interrupting event sub-process is not "
                                   "supported: Camunda 7 cancels everything else in the enclosing scope "
                                   "when it starts, SpiffWorkflow 3.2 runs it beside the open tasks; set "
                                   "isInterrupting="
                                   "\"false\", or use an interrupting boundary event", start.get("id"))
            if other:
                self.report(start, f"不支持由 {other[0]} 触发的事件子流程 / event sub-processes started by "
                                   f"{other[0]} are not supported (SpiffWorkflow 3.2 rewires the shared "
                                   "process spec at run time); use a boundary event instead",
                            start.get("id"))

    def bean(self, node: etree._Element, kind: str, what: str, expression: str) -> None:
        """A `${name}` reference: refused unless it is a plain registered name."""
        name = bean_name(expression)
        if name is None:
            self.report(node, f"{what}: 只支持 ${{名称}} / only a registered name ${{name}} is supported, "
                              f"not {expression!r} (method calls and property paths need a Java runtime)")
        elif self.known is not None and name not in self.known.get(kind, ()):
            self.report(node, f"{what}: 未注册的名称 / no {kind} named {name!r} is registered")

    def service_task(self, node: etree._Element) -> None:
        present = {n: node.get(_C + n) for n in SERVICE_TASK_ATTRIBUTES if node.get(_C + n) is not None}
        if "class" in present:
            self.report(node, f"不支持 camunda:class / camunda:class={present['class']!r} is not supported "
                              "(no Java runtime): use camunda:delegateExpression=\"${name}\" or an "
                              "external task")
        declared = [n for n in ("delegateExpression", "expression") if n in present]
        for name in declared:
            self.bean(node, "delegate", f"camunda:{name}", present[name])
        if len(declared) + ("class" in present) + ("topic" in present or "type" in present) > 1:
            self.report(node, "服务任务只能声明一种实现 / a service task declares one implementation: "
                              "delegateExpression, expression or an external topic")
        if declared or "class" in present:
            return
        if present.get("type", "external") != "external":
            self.report(node, f"camunda:type 须为 external / must be \"external\", got {present['type']!r}")
        if not present.get("topic"):
            self.report(node, "服务任务缺少 camunda:topic / service task needs camunda:topic")

    def not_a_service_task(self, node: etree._Element) -> None:
        declared = [n for n in ("class", "expression", "delegateExpression", "type", "topic")
                    if node.get(_C + n) is not None]
        for name in declared:
            self.report(node, f"{etree.QName(node).localname} 不支持 camunda:{name} / camunda:{name} is "
                              "supported on service tasks only")
        if not declared and node.get("messageRef") is None:
            self.report(node, "发送任务缺少实现 / a send task needs an implementation: Camunda 7 refuses a "
                              "sendTask without class, delegateExpression, expression or type, and this "
                              "engine runs none of them on a send task (it would pass through, sending "
                              "nothing); use an external service task (camunda:type=\"external\")")

    def business_rule_task(self, node: etree._Element) -> None:
        """A business-rule task evaluates a deployed DMN decision (`workflows.decision_task`): a constant
        `camunda:decisionRef`, binding latest/deployment/version, a known `mapDecisionResult` (Camunda 7
        BPMN reference, "Business Rule Task"). Its other implementations (class, expression, delegate,
        external) and an expression as the reference are refused."""
        for name in ("class", "expression", "delegateExpression", "type", "topic"):
            if node.get(_C + name) is not None:
                self.report(node, f"业务规则任务不支持 camunda:{name} / camunda:{name} on a business rule "
                                  "task is not supported: reference a DMN decision with camunda:decisionRef")
        ref = (node.get(_C + "decisionRef") or "").strip()
        if not ref:
            self.report(node, "业务规则任务缺少 camunda:decisionRef / a business rule task needs "
                              "camunda:decisionRef (the id of a decision in a deployed .dmn file)")
        elif "{" in ref:
            self.report(node, f"camunda:decisionRef 须为决策 id / camunda:decisionRef={ref!r} must be a "
                              "decision id, not an expression")
        binding = node.get(_C + "decisionRefBinding") or "latest"
        version = (node.get(_C + "decisionRefVersion") or "").strip()
        if binding not in ("latest", "deployment", "version"):
            self.report(node, f"不支持 camunda:decisionRefBinding={binding!r} / decisionRefBinding "
                              f"{binding!r} is not supported (latest, deployment, version)")
        elif binding == "version" and whole_number(version) is None:
            self.report(node, f"camunda:decisionRefVersion 须为正整数版本号 / decisionRefBinding=version "
                              f"needs camunda:decisionRefVersion as a positive whole number (ASCII digits), "
                              f"not {version!r}")
        if node.get(_C + "decisionRefTenantId") is not None:
            self.report(node, "不支持 camunda:decisionRefTenantId（只有一个租户）/ "
                              "camunda:decisionRefTenantId is not supported: tenants are not supported "
                              "(one bureau, one tenant)")
        mapping = node.get(_C + "mapDecisionResult") or "resultList"
        if mapping not in DECISION_MAPPINGS:
            self.report(node, f"不支持 camunda:mapDecisionResult={mapping!r} / mapDecisionResult {mapping!r} "
                              f"is not supported ({', '.join(DECISION_MAPPINGS)})")

    def signal(self, node: etree._Element) -> None:
        """Camunda 7 broadcasts a signal to every subscribed instance and accepts signals over
        `POST /signal`; SpiffWorkflow 3.2 reads a signal end event as a none end (the signal is lost) and
        keeps signals inside one instance (SPIFF-NOTES §10.5), and there is no `/signal` here."""
        if _starts_event_subprocess(node):
            return  # an event sub-process started by a signal: refused as such (event_subprocess)
        self.report(node, "不支持信号事件 / signal events are not supported: Camunda 7 broadcasts a signal "
                          "to every instance waiting for it, SpiffWorkflow 3.2 keeps it inside one instance "
                          "and reads a signal end event as a none end; use a message event")

    def conditional(self, node: etree._Element) -> None:
        """Camunda 7 re-evaluates a conditional event's condition whenever a variable of its scope
        changes and goes on once it holds; SpiffWorkflow 3.2 never re-evaluates a waiting conditional
        event (SPIFF-NOTES §3.1) and evaluates its condition untranslated (report-owner finding 7)."""
        if _starts_event_subprocess(node):
            return  # an event sub-process started by a condition: refused as such (event_subprocess)
        self.report(node, "不支持条件事件 / conditional events are not supported: Camunda 7 waits until "
                          "the condition holds, re-evaluating it whenever a variable changes, and "
                          "SpiffWorkflow 3.2 never re-evaluates a waiting condition; use an exclusive "
                          "gateway, or a message event sent when the condition comes true")

    def compensation(self, node: etree._Element) -> None:
        """SpiffWorkflow 3.2 cannot parse a compensation boundary event and reads a compensation throw
        event as a none event (SPIFF-NOTES §10.5): nothing would be compensated."""
        self.report(node, "不支持补偿 / compensation is not supported: SpiffWorkflow 3.2 runs no "
                          "compensation handler (a compensation throw event would pass as a none event); "
                          "model the undo steps as ordinary tasks after an error or escalation")

    def input_output(self, node: etree._Element) -> None:
        """`camunda:inputOutput` is applied on user tasks, service tasks and call activities
        (`parser.py`, `scope.py`); anywhere else it would be silently ignored."""
        owner = node.getparent().getparent() if node.getparent() is not None else None
        kind = etree.QName(owner).localname if owner is not None else ""
        if kind not in ("userTask", "serviceTask", "callActivity"):
            self.report(node, f"{kind} 不支持 camunda:inputOutput / input/output parameters are applied on "
                              "user tasks, service tasks and call activities only; on a "
                              f"{kind} they would be ignored")

    def listener(self, node: etree._Element) -> None:
        """`camunda:taskListener` (user tasks: create, assignment, complete) and `camunda:executionListener`
        (start, end) with a registered `${name}` delegateExpression; classes, expressions, scripts,
        fields and other events are refused rather than ignored."""
        tag = etree.QName(node).localname
        event = node.get("event") or ""
        owner = node.getparent().getparent() if node.getparent() is not None else None
        owner_tag = etree.QName(owner).localname if owner is not None else ""
        if tag == "taskListener":
            events, kind = TASK_EVENTS, "taskListener"
            if owner_tag != "userTask":
                self.report(node, f"camunda:taskListener 只能用于用户任务 / task listeners belong on user "
                                  f"tasks, not {owner_tag}")
        else:
            events, kind = EXECUTION_EVENTS, "executionListener"
            if owner_tag == "sequenceFlow":
                self.report(node, "不支持连线上的执行监听器 / execution listeners on sequence flows (event "
                                  "\"take\") are not supported")
                return
        if event not in events:
            self.report(node, f"camunda:{tag} event={event!r} 不支持 / not supported; one of "
                              f"{', '.join(events)}")
        for name in ("class", "expression"):
            if node.get(name) is not None:
                self.report(node, f"camunda:{tag} {name}={node.get(name)!r} 不支持 / not supported: use "
                                  "delegateExpression=\"${name}\" with a registered name")
        children = [etree.QName(c).localname for c in node if isinstance(c.tag, str)]
        if children:
            self.report(node, f"camunda:{tag} 不支持 {children[0]} / <{children[0]}> inside a listener is "
                              "not supported (scripts and fields need a Java runtime)")
        expression = node.get("delegateExpression")
        if expression is None:
            if node.get("class") is None and node.get("expression") is None and not children:
                self.report(node, f"camunda:{tag} 缺少 delegateExpression / needs delegateExpression")
            return
        self.bean(node, kind, f"camunda:{tag} {event}", expression)

    # --- reachability ------------------------------------------------------------------------

    def reachability(self, container: etree._Element) -> None:
        nodes = {n.get("id"): n for n in _children(container, FLOW_NODES)}
        edges: dict[str, list[str]] = {}
        for flow in _children(container, {"sequenceFlow"}):
            edges.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        for node in nodes.values():
            if etree.QName(node).localname == "boundaryEvent":
                edges.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
        roots = [i for i, n in nodes.items() if _is_root(n)]
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(edges.get(current, []))
        for element_id, node in nodes.items():
            tag = etree.QName(node).localname
            if element_id in RESERVED_IDS or "." in (element_id or ""):
                self.report(node, f"元素 id {element_id!r} 与引擎内部名称冲突 / id clashes with "
                                  "SpiffWorkflow's internal task names; rename it", element_id)
            if element_id not in seen:
                self.report(node, f"{tag} 无法从开始事件到达 / is not reachable from a start event "
                                  "(SpiffWorkflow would silently drop it)", element_id)
            elif tag in CONTAINERS:
                self.reachability(node)


def _business_key(value: str) -> str:
    match = re.fullmatch(r"\s*[$#]\{(.*)\}\s*", value or "", re.DOTALL)
    return (match.group(1) if match else value or "").strip()


def _children(container: etree._Element, names: set[str]) -> Iterator[etree._Element]:
    for child in container:
        if isinstance(child.tag, str) and child.tag.startswith(_B) and etree.QName(child).localname in names:
            yield child


def _is_root(node: etree._Element) -> bool:
    tag = etree.QName(node).localname
    if tag == "startEvent" or (tag == "subProcess" and node.get("triggeredByEvent") == "true"):
        return True
    return tag == "intermediateCatchEvent" and node.find(_B + "linkEventDefinition") is not None


def _owner_id(node: etree._Element) -> str | None:
    """Id of the flow element (or sequence flow / process) a node belongs to."""
    current: etree._Element | None = node
    while current is not None:
        if etree.QName(current).localname in OWNERS and current.get("id"):
            return current.get("id")
        current = current.getparent()
    return None


def _starts_event_subprocess(definition: etree._Element) -> bool:
    """Whether the event definition `definition` belongs to the start event of an event sub-process."""
    owner = definition.getparent()
    return (etree.QName(owner).localname == "startEvent"
            and owner.getparent().get("triggeredByEvent") == "true")
