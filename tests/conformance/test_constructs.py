"""Issue 12, "Done when": one small Camunda Modeler diagram per BPMN construct a process owner uses,
driven through the use cases on SQLite and PostgreSQL (the `ctx` fixture) and checked after every
step for what Camunda 7's cockpit would show: the instance's status and variables, its active tasks
(the user tasks' rows and the external tasks waiting for a worker) and its history (the activity
instances projected from the audit trail: `open`, `done`, or `canceled`).

Constructs covered elsewhere: multi-instance and call activities (test_call_activity_and_mi,
test_variable_scope), messages and the event-based gateway in memory (test_messages), timer start
events (test_timer_start), loops (test_long_loops); what is refused at deploy: test_refused_constructs.
The README's "BPMN constructs" table lists them all.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from service.actors import Actor
from service.engine import external_tasks, history, identities, instances, jobs, messages, tasks
from service.engine.deployments import deploy
from service.engine.store.external_task_models import ExternalTask
from service.engine.store.tasks import TaskQuery
from tests.support.drawn import drawn
from tests.support.message_diagrams import doc

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))
U = 'camunda:candidateGroups="city_clerk"'
WORKER = "worker-1"


def _flows(*pairs: str) -> str:
    """`"A>B"` pairs as sequence flows Flow_1, Flow_2, ...; `"A>B?expr"` with a condition."""
    out = []
    for n, pair in enumerate(pairs, start=1):
        ends, _, condition = pair.partition("?")
        source, target = ends.split(">")
        inner = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
                 "</bpmn:conditionExpression>") if condition else ""
        out.append(f'<bpmn:sequenceFlow id="Flow_{n}" sourceRef="{source}" targetRef="{target}">{inner}'
                   "</bpmn:sequenceFlow>")
    return "\n".join(out)


def _deploy(ctx, key: str, body: str, *, root_elements: str = "",
            messages_: dict[str, str] | None = None) -> None:
    deploy(ctx, files={f"{key}.bpmn": drawn(key, body, root_elements=root_elements, messages=messages_)},
           actor=OWNER)


class Run:
    """One instance driven through the use cases, as a city clerk (tasks), a worker and a process
    owner (external tasks, messages) would."""

    def __init__(self, ctx, key: str, variables: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        clerk = identities.actor_for(ctx, "city1")
        assert clerk is not None
        self.clerk = clerk
        self.id = instances.start_instance(ctx, key=key, actor=clerk, variables=variables or {}).id

    def state(self) -> dict[str, Any]:
        seen = instances.get_instance(self.ctx, instance_id=self.id, actor=OWNER)
        open_tasks = tasks.list_tasks(self.ctx, actor=self.clerk, query=TaskQuery(instance_id=self.id))
        with self.ctx.unit_of_work(write=False) as uow:
            waiting = uow.session.scalars(sa.select(ExternalTask.element_id)
                                          .where(ExternalTask.instance_id == self.id)).all()
        activities = history.historic_activities(self.ctx, actor=OWNER, instance_id=self.id)
        return {
            "status": seen["status"],
            "variables": seen["variables"],
            "tasks": sorted([t.element_id for t in open_tasks] + [f"external {e}" for e in waiting]),
            "history": Counter(f"{a.element_id} {_how(a)}" for a, _ in activities),
            "elements": {a["element_id"] for a in seen["activities"] if a["state"] == "completed"},
        }

    def expect(self, status: str, variables: dict[str, Any], active: list[str], history_: list[str],
               elements: set[str]) -> None:
        """`history_`: `/history/activity-instance`, as "Element open|done|canceled" (a multiset; the
        order within one moment is not defined), for the elements that are open, canceled or passed
        more than once; every other element passed so far (`elements`: the application page's diagram
        marks them, gateways and scripts too) is one finished activity instance, as in Camunda's
        history."""
        named = {entry.split(" ")[0] for entry in history_}
        full = Counter(history_) + Counter(f"{e} done" for e in elements if e not in named)
        assert self.state() == {"status": status, "variables": variables, "tasks": sorted(active),
                                "history": full, "elements": elements}

    def complete(self, element_id: str, data: dict[str, Any]) -> None:
        """Complete the (first) open user task of `element_id`."""
        open_tasks = tasks.list_tasks(self.ctx, actor=self.clerk, query=TaskQuery(instance_id=self.id))
        task = next(t for t in open_tasks if t.element_id == element_id)
        tasks.complete_task(self.ctx, task_id=task.id, actor=self.clerk, data=data)

    def external(self, topic: str) -> str:
        [locked] = external_tasks.fetch_and_lock(
            self.ctx, actor=OWNER, worker_id=WORKER, max_tasks=1, use_priority=False,
            topics=[external_tasks.TopicRequest(topic, 60_000, process_variables={})])
        assert locked.task.instance_id == self.id
        return locked.task.id

    def correlate(self, name: str, variables: dict[str, Any]) -> None:
        messages.correlate(self.ctx, actor=OWNER, message_name=name, process_instance_id=self.id,
                           process_variables=variables)


def _how(activity) -> str:
    if activity.canceled:
        return "canceled"
    return "open" if activity.end is None else "done"


# --- tasks and the exclusive gateway ------------------------------------------------------------

TASKS = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Apply" name="申请" {U} />
    <bpmn:scriptTask id="Script_Score" name="评分" scriptFormat="python">
      <bpmn:script>score = amount * 2</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_Big" name="金额大？" default="Flow_4" />
    <bpmn:userTask id="Task_Approve" name="审批" {U} />
    <bpmn:endEvent id="End_Big" /><bpmn:endEvent id="End_Small" />
    {_flows("Start_1>Task_Apply", "Task_Apply>Script_Score", "Script_Score>Gateway_Big",
            "Gateway_Big>End_Small", "Gateway_Big>Task_Approve?${score > 100}", "Task_Approve>End_Big")}"""


def test_user_task_script_task_and_exclusive_gateway_with_default_flow(ctx) -> None:
    _deploy(ctx, "c_tasks", TASKS)
    big = Run(ctx, "c_tasks")
    big.expect("active", {}, ["Task_Apply"], ["Task_Apply open"],
        {"Start_1"})
    big.complete("Task_Apply", {"amount": 80})
    big.expect("active", {"amount": 80, "score": 160}, ["Task_Approve"],
               ["Task_Apply done", "Task_Approve open"],
        {"Gateway_Big", "Script_Score", "Start_1", "Task_Apply"})
    big.complete("Task_Approve", {"approved": True})
    big.expect("completed", {"amount": 80, "score": 160, "approved": True}, [],
               ["Task_Apply done", "Task_Approve done", "End_Big done"],
        {"End_Big", "Gateway_Big", "Script_Score", "Start_1", "Task_Apply", "Task_Approve"})

    small = Run(ctx, "c_tasks")
    small.complete("Task_Apply", {"amount": 10})  # score 20: no condition holds, the default flow
    small.expect("completed", {"amount": 10, "score": 20}, [], ["Task_Apply done", "End_Small done"],
        {"End_Small", "Gateway_Big", "Script_Score", "Start_1", "Task_Apply"})


# --- external service task, its result and a BPMN error caught on its boundary --------------------

EXTERNAL = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:serviceTask id="Service_Check" name="核验" camunda:type="external" camunda:topic="check" />
    <bpmn:boundaryEvent id="Boundary_Rejected" name="不通过" attachedToRef="Service_Check">
      <bpmn:errorEventDefinition id="ErrorDef_1" errorRef="Error_Rejected" /></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_Review" name="复核" {U} /><bpmn:userTask id="Task_Fix" name="补正" {U} />
    <bpmn:endEvent id="End_1" /><bpmn:endEvent id="End_Fixed" />
    {_flows("Start_1>Service_Check", "Service_Check>Task_Review", "Task_Review>End_1",
            "Boundary_Rejected>Task_Fix", "Task_Fix>End_Fixed")}"""
REJECTED = '<bpmn:error id="Error_Rejected" name="rejected" errorCode="REJECTED" />\n'


def test_external_service_task_completes_or_throws_a_caught_bpmn_error(ctx) -> None:
    _deploy(ctx, "c_external", EXTERNAL, root_elements=REJECTED)
    done = Run(ctx, "c_external", {"case": "A"})
    done.expect("active", {"case": "A"}, ["external Service_Check"], ["Service_Check open"],
        {"Start_1"})
    external_tasks.complete(ctx, actor=OWNER, task_id=done.external("check"), worker_id=WORKER,
                            variables={"verified": True})
    done.expect("active", {"case": "A", "verified": True}, ["Task_Review"],
                ["Service_Check done", "Task_Review open"],
        {"Service_Check", "Start_1"})

    failed = Run(ctx, "c_external", {"case": "B"})
    external_tasks.bpmn_error(ctx, actor=OWNER, task_id=failed.external("check"), worker_id=WORKER,
                              code="REJECTED", message="证照过期", variables={"reason": "expired"})
    failed.expect("active", {"case": "B", "reason": "expired"}, ["Task_Fix"],
                  ["Service_Check canceled", "Task_Fix open"],
        {"Boundary_Rejected", "Start_1"})  # interrupted by the boundary event
    failed.complete("Task_Fix", {})
    failed.expect("completed", {"case": "B", "reason": "expired"}, [],
                  ["Service_Check canceled", "Task_Fix done", "End_Fixed done"],
        {"Boundary_Rejected", "End_Fixed", "Start_1", "Task_Fix"})


# --- manual task and bpmn:task pass through; a receive task waits for its message -----------------

PASS_THROUGH = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:manualTask id="Manual_Sign" name="线下签字" /><bpmn:task id="Task_Note" name="备注" />
    <bpmn:receiveTask id="Receive_Reply" name="等待回函" messageRef="Message_Reply" />
    <bpmn:userTask id="Task_Check" name="核对" {U} /><bpmn:endEvent id="End_1" />
    {_flows("Start_1>Manual_Sign", "Manual_Sign>Task_Note", "Task_Note>Receive_Reply",
            "Receive_Reply>Task_Check", "Task_Check>End_1")}"""


def test_manual_task_and_task_pass_through_and_a_receive_task_waits(ctx) -> None:
    _deploy(ctx, "c_pass", PASS_THROUGH, messages_={"Message_Reply": "reply"})
    run = Run(ctx, "c_pass", {"case": "A"})
    run.expect("active", {"case": "A"}, [], ["Receive_Reply open"],
        {"Manual_Sign", "Start_1", "Task_Note"})  # nobody's inbox holds the manual task
    run.correlate("reply", {"answer": "同意"})
    run.expect("active", {"case": "A", "answer": "同意"}, ["Task_Check"],
               ["Receive_Reply done", "Task_Check open"],
        {"Manual_Sign", "Receive_Reply", "Start_1", "Task_Note"})
    run.complete("Task_Check", {"checked": True})
    run.expect("completed", {"case": "A", "answer": "同意", "checked": True}, [],
               ["Receive_Reply done", "Task_Check done", "End_1 done"],
        {"End_1", "Manual_Sign", "Receive_Reply", "Start_1", "Task_Check", "Task_Note"})


# --- inclusive gateway (2 of 3 branches), then a parallel split and join --------------------------

GATEWAYS = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:inclusiveGateway id="Split_Checks" name="需要哪些审查" />
    <bpmn:userTask id="Task_Legal" name="法务" {U} /><bpmn:userTask id="Task_Finance" name="财务" {U} />
    <bpmn:userTask id="Task_Board" name="董事会" {U} />
    <bpmn:inclusiveGateway id="Join_Checks" />
    <bpmn:parallelGateway id="Split_Sign" /><bpmn:userTask id="Task_SignA" name="甲方签字" {U} />
    <bpmn:userTask id="Task_SignB" name="乙方签字" {U} /><bpmn:parallelGateway id="Join_Sign" />
    <bpmn:userTask id="Task_File" name="归档" {U} /><bpmn:endEvent id="End_1" />
    {_flows("Start_1>Split_Checks", "Split_Checks>Task_Legal?${amount > 10}",
            "Split_Checks>Task_Finance?${amount > 100}", "Split_Checks>Task_Board?${amount > 1000}",
            "Task_Legal>Join_Checks", "Task_Finance>Join_Checks", "Task_Board>Join_Checks",
            "Join_Checks>Split_Sign", "Split_Sign>Task_SignA", "Split_Sign>Task_SignB",
            "Task_SignA>Join_Sign", "Task_SignB>Join_Sign", "Join_Sign>Task_File", "Task_File>End_1")}"""


def test_inclusive_gateway_takes_two_of_three_and_joins_them_then_a_parallel_split_joins(ctx) -> None:
    _deploy(ctx, "c_gateways", GATEWAYS)
    run = Run(ctx, "c_gateways", {"amount": 500, "status": "new"})
    base = {"amount": 500, "status": "new"}
    run.expect("active", base, ["Task_Finance", "Task_Legal"], ["Task_Finance open", "Task_Legal open"],
        {"Split_Checks", "Start_1"})
    run.complete("Task_Legal", {"status": "legal-ok"})
    run.expect("active", {**base, "status": "legal-ok"}, ["Task_Finance"],  # the join waits for Finance
               ["Task_Finance open", "Task_Legal done", "Join_Checks open"],
        {"Split_Checks", "Start_1", "Task_Legal"})
    run.complete("Task_Finance", {"budget": 80})
    now = {**base, "status": "legal-ok", "budget": 80}
    run.expect("active", now, ["Task_SignA", "Task_SignB"],
               ["Task_Finance done", "Task_Legal done", "Task_SignA open", "Task_SignB open",
                "Join_Checks done", "Join_Checks done"],  # one activity instance per arriving token
        {"Join_Checks", "Split_Checks", "Split_Sign", "Start_1", "Task_Finance", "Task_Legal"})
    run.complete("Task_SignB", {"signed_b": True})
    run.expect("active", {**now, "signed_b": True}, ["Task_SignA"],
               ["Task_Finance done", "Task_Legal done", "Task_SignA open", "Task_SignB done",
                "Join_Checks done", "Join_Checks done", "Join_Sign open"],  # the join waits for SignA
        {"Join_Checks", "Split_Checks", "Split_Sign", "Start_1", "Task_Finance", "Task_Legal", "Task_SignB"})
    run.complete("Task_SignA", {"signed_a": True})
    now = {**now, "signed_a": True, "signed_b": True}
    run.expect("active", now, ["Task_File"], ["Task_Finance done", "Task_Legal done", "Task_SignA done",
                                              "Task_SignB done", "Task_File open", "Join_Checks done",
                                              "Join_Checks done", "Join_Sign done", "Join_Sign done"],
        {"Join_Checks", "Join_Sign", "Split_Checks", "Split_Sign", "Start_1", "Task_Finance", "Task_Legal",
         "Task_SignA", "Task_SignB"})
    run.complete("Task_File", {})
    run.expect("completed", now, [], ["Task_Finance done", "Task_Legal done", "Task_SignA done",
                                      "Task_SignB done", "Task_File done", "End_1 done", "Join_Checks done",
                                      "Join_Checks done", "Join_Sign done", "Join_Sign done"],
        {"End_1", "Join_Checks", "Join_Sign", "Split_Checks", "Split_Sign", "Start_1", "Task_File",
         "Task_Finance", "Task_Legal", "Task_SignA", "Task_SignB"})


# --- a terminate end event on one parallel branch ends them all -----------------------------------

TERMINATE = f"""<bpmn:startEvent id="Start_1" /><bpmn:parallelGateway id="Split_1" />
    <bpmn:userTask id="Task_Withdraw" name="撤回" {U} /><bpmn:userTask id="Task_Review" name="审核" {U} />
    <bpmn:endEvent id="End_Withdrawn"><bpmn:terminateEventDefinition id="Terminate_1" /></bpmn:endEvent>
    <bpmn:endEvent id="End_Reviewed" />
    {_flows("Start_1>Split_1", "Split_1>Task_Withdraw", "Split_1>Task_Review", "Task_Withdraw>End_Withdrawn",
            "Task_Review>End_Reviewed")}"""


def test_a_terminate_end_event_on_one_parallel_branch_ends_the_instance(ctx) -> None:
    _deploy(ctx, "c_terminate", TERMINATE)
    run = Run(ctx, "c_terminate")
    run.expect("active", {}, ["Task_Review", "Task_Withdraw"], ["Task_Review open", "Task_Withdraw open"],
        {"Split_1", "Start_1"})
    run.complete("Task_Withdraw", {"why": "duplicate"})
    run.expect("completed", {"why": "duplicate"}, [],
               ["Task_Review canceled", "Task_Withdraw done", "End_Withdrawn done"],
        {"End_Withdrawn", "Split_1", "Start_1", "Task_Withdraw"})


# --- embedded sub-process: an error end event caught on its boundary; an escalation ---------------

SUB_ERROR = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:subProcess id="Sub_Check" name="核查">
      <bpmn:startEvent id="Start_Sub" /><bpmn:userTask id="Task_Check" name="核查材料" {U} />
      <bpmn:exclusiveGateway id="Gateway_Ok" default="Flow_s3" />
      <bpmn:endEvent id="End_Sub" />
      <bpmn:endEvent id="End_Rejected"><bpmn:errorEventDefinition id="ErrorDef_1" errorRef="Error_Rejected" />
      </bpmn:endEvent>
      <bpmn:sequenceFlow id="Flow_s1" sourceRef="Start_Sub" targetRef="Task_Check" />
      <bpmn:sequenceFlow id="Flow_s2" sourceRef="Task_Check" targetRef="Gateway_Ok" />
      <bpmn:sequenceFlow id="Flow_s3" sourceRef="Gateway_Ok" targetRef="End_Sub" />
      <bpmn:sequenceFlow id="Flow_s4" sourceRef="Gateway_Ok" targetRef="End_Rejected">
        <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${{not ok}}</bpmn:conditionExpression>
      </bpmn:sequenceFlow>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="Boundary_Rejected" attachedToRef="Sub_Check">
      <bpmn:errorEventDefinition id="ErrorDef_2" errorRef="Error_Rejected" /></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_After" name="下一步" {U} /><bpmn:userTask id="Task_Fix" name="补正" {U} />
    <bpmn:endEvent id="End_1" /><bpmn:endEvent id="End_Fixed" />
    {_flows("Start_1>Sub_Check", "Sub_Check>Task_After", "Task_After>End_1", "Boundary_Rejected>Task_Fix",
            "Task_Fix>End_Fixed")}"""


def test_an_embedded_sub_process_shares_the_scope_and_its_error_end_event_is_caught_on_its_boundary(
        ctx) -> None:
    _deploy(ctx, "c_sub_error", SUB_ERROR, root_elements=REJECTED)
    passed = Run(ctx, "c_sub_error", {"case": "A"})
    passed.expect("active", {"case": "A"}, ["Task_Check"], ["Task_Check open", "Sub_Check open"],
        {"Start_1", "Start_Sub"})
    passed.complete("Task_Check", {"ok": True})  # written inside the sub-process, seen outside
    passed.expect("active", {"case": "A", "ok": True}, ["Task_After"], ["Task_Check done", "Task_After open"],
        {"End_Sub", "Gateway_Ok", "Start_1", "Start_Sub", "Sub_Check", "Task_Check"})
    passed.complete("Task_After", {})
    passed.expect("completed", {"case": "A", "ok": True}, [],
                  ["Task_Check done", "Task_After done", "End_1 done"],
        {"End_1", "End_Sub", "Gateway_Ok", "Start_1", "Start_Sub", "Sub_Check", "Task_After", "Task_Check"})

    rejected = Run(ctx, "c_sub_error", {"case": "B"})
    rejected.complete("Task_Check", {"ok": False})
    rejected.expect("active", {"case": "B", "ok": False}, ["Task_Fix"], ["Task_Check done", "Task_Fix open"],
        {"Boundary_Rejected", "End_Rejected", "Gateway_Ok", "Start_1", "Start_Sub", "Sub_Check",
         "Task_Check"})
    rejected.complete("Task_Fix", {"fixed": True})
    rejected.expect("completed", {"case": "B", "ok": False, "fixed": True}, [],
                    ["Task_Check done", "Task_Fix done", "End_Fixed done"],
        {"Boundary_Rejected", "End_Fixed", "End_Rejected", "Gateway_Ok", "Start_1", "Start_Sub",
         "Sub_Check", "Task_Check", "Task_Fix"})


SUB_ESCALATION = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:subProcess id="Sub_Work" name="办理">
      <bpmn:startEvent id="Start_Sub" /><bpmn:userTask id="Task_Work" name="办理" {U} />
      <bpmn:intermediateThrowEvent id="Throw_Late" name="超时上报">
        <bpmn:escalationEventDefinition id="EscDef_1" escalationRef="Escalation_Late" />
      </bpmn:intermediateThrowEvent>
      <bpmn:userTask id="Task_Finish" name="办结" {U} /><bpmn:endEvent id="End_Sub" />
      <bpmn:sequenceFlow id="Flow_s1" sourceRef="Start_Sub" targetRef="Task_Work" />
      <bpmn:sequenceFlow id="Flow_s2" sourceRef="Task_Work" targetRef="Throw_Late" />
      <bpmn:sequenceFlow id="Flow_s3" sourceRef="Throw_Late" targetRef="Task_Finish" />
      <bpmn:sequenceFlow id="Flow_s4" sourceRef="Task_Finish" targetRef="End_Sub" />
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="Boundary_Late" cancelActivity="false" attachedToRef="Sub_Work">
      <bpmn:escalationEventDefinition id="EscDef_2" escalationRef="Escalation_Late" /></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_Notify" name="通报" {U} /><bpmn:userTask id="Task_After" name="下一步" {U} />
    <bpmn:endEvent id="End_1" /><bpmn:endEvent id="End_Notified" />
    {_flows("Start_1>Sub_Work", "Sub_Work>Task_After", "Task_After>End_1", "Boundary_Late>Task_Notify",
            "Task_Notify>End_Notified")}"""
LATE = '<bpmn:escalation id="Escalation_Late" name="late" escalationCode="LATE" />\n'


def test_an_escalation_thrown_in_a_sub_process_starts_a_non_interrupting_boundary_path(ctx) -> None:
    _deploy(ctx, "c_escalation", SUB_ESCALATION, root_elements=LATE)
    run = Run(ctx, "c_escalation")
    run.expect("active", {}, ["Task_Work"], ["Task_Work open", "Sub_Work open"],
        {"Start_1", "Start_Sub"})
    run.complete("Task_Work", {"late_days": 3})
    run.expect("active", {"late_days": 3}, ["Task_Finish", "Task_Notify"],  # the sub-process goes on
               ["Task_Work done", "Task_Finish open", "Task_Notify open", "Sub_Work open"],
        {"Boundary_Late", "Start_1", "Start_Sub", "Task_Work", "Throw_Late"})
    run.complete("Task_Notify", {"notified": True})
    run.expect("active", {"late_days": 3, "notified": True}, ["Task_Finish"],
               ["Task_Work done", "Task_Finish open", "Task_Notify done", "Sub_Work open"],
        {"Boundary_Late", "End_Notified", "Start_1", "Start_Sub", "Task_Notify", "Task_Work", "Throw_Late"})
    run.complete("Task_Finish", {})
    run.expect("active", {"late_days": 3, "notified": True}, ["Task_After"],
               ["Task_Work done", "Task_Finish done", "Task_Notify done", "Task_After open"],
        {"Boundary_Late", "End_Notified", "End_Sub", "Start_1", "Start_Sub", "Sub_Work", "Task_Finish",
         "Task_Notify", "Task_Work", "Throw_Late"})


# --- a non-interrupting timer event sub-process --------------------------------------------------

EVENT_SUB = f"""<bpmn:startEvent id="Start_1" /><bpmn:userTask id="Task_Main" name="办理" {U} />
    <bpmn:endEvent id="End_1" />
    {_flows("Start_1>Task_Main", "Task_Main>End_1")}
    <bpmn:subProcess id="Sub_Remind" name="催办" triggeredByEvent="true">
      <bpmn:startEvent id="Start_Remind" name="一小时后" isInterrupting="false">
        <bpmn:timerEventDefinition id="TimerDef_1">
          <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
        </bpmn:timerEventDefinition></bpmn:startEvent>
      <bpmn:scriptTask id="Script_Count" name="计数" scriptFormat="python">
        <bpmn:script>reminders = reminders + 1</bpmn:script></bpmn:scriptTask>
      <bpmn:userTask id="Task_Remind" name="催办" {U} /><bpmn:endEvent id="End_Remind" />
      <bpmn:sequenceFlow id="Flow_e1" sourceRef="Start_Remind" targetRef="Script_Count" />
      <bpmn:sequenceFlow id="Flow_e2" sourceRef="Script_Count" targetRef="Task_Remind" />
      <bpmn:sequenceFlow id="Flow_e3" sourceRef="Task_Remind" targetRef="End_Remind" />
    </bpmn:subProcess>"""


def test_a_non_interrupting_timer_event_sub_process_runs_beside_the_main_path(ctx, clock) -> None:
    _deploy(ctx, "c_event_sub", EVENT_SUB)
    run = Run(ctx, "c_event_sub", {"reminders": 0})
    run.expect("active", {"reminders": 0}, ["Task_Main"], ["Task_Main open"],
        {"Start_1"})
    clock.set(clock.now() + timedelta(minutes=59))
    jobs.fire_due_jobs(ctx)
    run.expect("active", {"reminders": 0}, ["Task_Main"], ["Task_Main open"], {"Start_1"})  # not yet
    clock.set(clock.now() + timedelta(minutes=1, seconds=1))
    jobs.fire_due_jobs(ctx)
    run.expect("active", {"reminders": 1}, ["Task_Main", "Task_Remind"],
               ["Task_Main open", "Start_Remind done", "Task_Remind open", "Sub_Remind open"],
        {"Script_Count", "Start_1", "Start_Remind"})
    run.complete("Task_Remind", {"reminded": True})
    run.expect("active", {"reminders": 1, "reminded": True}, ["Task_Main"],
               ["Task_Main open", "Start_Remind done", "Task_Remind done"],
        {"End_Remind", "Script_Count", "Start_1", "Start_Remind", "Sub_Remind", "Task_Remind"})
    run.complete("Task_Main", {"done": True})
    run.expect("completed", {"reminders": 1, "reminded": True, "done": True}, [],
               ["Task_Main done", "Start_Remind done", "Task_Remind done", "End_1 done"],
        {"End_1", "End_Remind", "Script_Count", "Start_1", "Start_Remind", "Sub_Remind", "Task_Main",
         "Task_Remind"})


# --- event-based gateway through the database: the message, or the timer -------------------------

def test_an_event_based_gateway_takes_whichever_comes_first(ctx, clock) -> None:
    deploy(ctx, files={"msg_gateway.bpmn": doc("msg_gateway")}, actor=OWNER)
    answered = Run(ctx, "msg_gateway")
    reminded = Run(ctx, "msg_gateway")
    answered.expect("active", {}, [], ["Gateway_Wait open"],
        {"Start_1"})
    answered.correlate("answer", {"answer": "yes"})
    answered.expect("active", {"answer": "yes"}, ["Task_Answered"],
                    ["Gateway_Wait done", "Task_Answered open"],
        {"Catch_Answer", "Gateway_Wait", "Start_1"})
    clock.set(clock.now() + timedelta(hours=1, seconds=1))
    jobs.fire_due_jobs(ctx)  # only the other instance's timer is left
    answered.expect("active", {"answer": "yes"}, ["Task_Answered"],
                    ["Gateway_Wait done", "Task_Answered open"],
        {"Catch_Answer", "Gateway_Wait", "Start_1"})
    reminded.expect("active", {}, ["Task_Remind"], ["Timer_Hour done", "Task_Remind open"],
        {"Gateway_Wait", "Start_1", "Timer_Hour"})
    reminded.complete("Task_Remind", {})
    reminded.expect("completed", {}, [], ["Timer_Hour done", "Task_Remind done", "End_Reminded done"],
        {"End_Reminded", "Gateway_Wait", "Start_1", "Task_Remind", "Timer_Hour"})


# --- multi-instance, parallel and sequential ------------------------------------------------------

MI_PARALLEL = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Confirm" name="成员确认" {U}>
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="members" camunda:elementVariable="member" />
    </bpmn:userTask>
    <bpmn:userTask id="Task_After" name="汇总" {U} /><bpmn:endEvent id="End_1" />
    {_flows("Start_1>Task_Confirm", "Task_Confirm>Task_After", "Task_After>End_1")}"""

MI_SEQUENTIAL = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Vote" name="表决" {U}>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true" camunda:collection="voters"
        camunda:elementVariable="voter">
        <bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${{vote == "no"}}
        </bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="End_1" />
    {_flows("Start_1>Task_Vote", "Task_Vote>End_1")}"""


def test_parallel_multi_instance_opens_one_task_per_element_and_waits_for_all(ctx) -> None:
    _deploy(ctx, "c_mi_parallel", MI_PARALLEL)
    run = Run(ctx, "c_mi_parallel", {"members": ["A", "B"]})
    run.expect("active", {"members": ["A", "B"]}, ["Task_Confirm", "Task_Confirm"],
               ["Task_Confirm open", "Task_Confirm open", "Task_Confirm#multiInstanceBody open"], {"Start_1"})
    run.complete("Task_Confirm", {"ok_count": 1})  # the element variable `member` stays local
    run.expect("active", {"members": ["A", "B"], "ok_count": 1}, ["Task_Confirm"],
               ["Task_Confirm done", "Task_Confirm open", "Task_Confirm#multiInstanceBody open"],
               {"Start_1", "Task_Confirm"})
    run.complete("Task_Confirm", {"ok_count": 2})
    run.expect("active", {"members": ["A", "B"], "ok_count": 2}, ["Task_After"],
               ["Task_Confirm done", "Task_Confirm done", "Task_After open",
                "Task_Confirm#multiInstanceBody done"], {"Start_1", "Task_Confirm"})


def test_sequential_multi_instance_runs_one_at_a_time_until_its_completion_condition(ctx) -> None:
    _deploy(ctx, "c_mi_sequential", MI_SEQUENTIAL)
    run = Run(ctx, "c_mi_sequential", {"voters": ["a", "b", "c"]})
    run.expect("active", {"voters": ["a", "b", "c"]}, ["Task_Vote"],
               ["Task_Vote open", "Task_Vote#multiInstanceBody open"], {"Start_1"})
    run.complete("Task_Vote", {"vote": "yes"})
    run.expect("active", {"voters": ["a", "b", "c"], "vote": "yes"}, ["Task_Vote"],
               ["Task_Vote done", "Task_Vote open", "Task_Vote#multiInstanceBody open"],
               {"Start_1", "Task_Vote"})
    run.complete("Task_Vote", {"vote": "no"})  # nrOfCompletedInstances 2 of 3: the condition holds
    run.expect("completed", {"voters": ["a", "b", "c"], "vote": "no"}, [],
               ["Task_Vote done", "Task_Vote done", "End_1 done", "Task_Vote#multiInstanceBody done"],
               {"End_1", "Start_1", "Task_Vote"})


# --- call activity with camunda:in / camunda:out ---------------------------------------------------

CALLER = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:callActivity id="Call_Check" name="调用核查" calledElement="c_callee">
      <bpmn:extensionElements>
        <camunda:in source="applicant" target="person" />
        <camunda:out source="finding" target="result" />
      </bpmn:extensionElements>
    </bpmn:callActivity>
    <bpmn:userTask id="Task_After" name="下一步" {U} /><bpmn:endEvent id="End_1" />
    {_flows("Start_1>Call_Check", "Call_Check>Task_After", "Task_After>End_1")}"""
CALLEE = f"""<bpmn:startEvent id="Start_C" /><bpmn:userTask id="Task_Inner" name="核查" {U} />
    <bpmn:endEvent id="End_C" />
    {_flows("Start_C>Task_Inner", "Task_Inner>End_C")}"""


def test_a_call_activity_passes_only_what_it_maps(ctx) -> None:
    deploy(ctx, files={"c_caller.bpmn": drawn("c_caller", CALLER),
                       "c_callee.bpmn": drawn("c_callee", CALLEE)}, actor=OWNER)
    run = Run(ctx, "c_caller", {"applicant": "Ann", "secret": 1})
    run.expect("active", {"applicant": "Ann", "secret": 1}, ["Task_Inner"],
               ["Task_Inner open", "Call_Check open"], {"Start_1", "Start_C"})
    [inner] = tasks.list_tasks(ctx, actor=run.clerk, query=TaskQuery(instance_id=run.id))
    assert dict(tasks.task_variables(ctx, task_id=inner.id, actor=run.clerk)) == {"person": "Ann"}
    run.complete("Task_Inner", {"finding": "ok", "noise": 2})
    run.expect("active", {"applicant": "Ann", "secret": 1, "result": "ok"}, ["Task_After"],
               ["Task_Inner done", "Task_After open"],
               {"Call_Check", "End_C", "Start_1", "Start_C", "Task_Inner"})


# --- timers: an intermediate catch event, an interrupting boundary timer --------------------------

TIMERS = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:intermediateCatchEvent id="Timer_Wait" name="冷静期一小时">
      <bpmn:timerEventDefinition id="TimerDef_1">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_Review" name="审核" {U} />
    <bpmn:boundaryEvent id="Timer_Deadline" name="两小时期满" attachedToRef="Task_Review">
      <bpmn:timerEventDefinition id="TimerDef_2">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT2H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_Escalate" name="督办" {U} />
    <bpmn:endEvent id="End_1" /><bpmn:endEvent id="End_Late" />
    {_flows("Start_1>Timer_Wait", "Timer_Wait>Task_Review", "Task_Review>End_1",
            "Timer_Deadline>Task_Escalate", "Task_Escalate>End_Late")}"""


def test_timer_catch_event_and_interrupting_boundary_timer(ctx, clock) -> None:
    _deploy(ctx, "c_timers", TIMERS)
    run = Run(ctx, "c_timers", {"case": "A"})
    run.expect("active", {"case": "A"}, [], ["Timer_Wait open"], {"Start_1"})
    clock.set(clock.now() + timedelta(hours=1, seconds=1))
    jobs.fire_due_jobs(ctx)
    run.expect("active", {"case": "A"}, ["Task_Review"], ["Timer_Wait done", "Task_Review open"],
               {"Start_1", "Timer_Wait"})
    clock.set(clock.now() + timedelta(hours=2))
    jobs.fire_due_jobs(ctx)
    run.expect("active", {"case": "A"}, ["Task_Escalate"],
               ["Timer_Wait done", "Task_Review canceled", "Timer_Deadline done", "Task_Escalate open"],
               {"Start_1", "Timer_Wait", "Timer_Deadline"})
    run.complete("Task_Escalate", {"escalated": True})
    run.expect("completed", {"case": "A", "escalated": True}, [],
               ["Timer_Wait done", "Task_Review canceled", "Timer_Deadline done", "Task_Escalate done",
                "End_Late done"], {"End_Late", "Start_1", "Task_Escalate", "Timer_Wait", "Timer_Deadline"})


# --- link events: a throw jumps to the catch of the same name in its scope ------------------------

LINKS = f"""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Apply" name="申请" {U} />
    <bpmn:exclusiveGateway id="Gateway_Redo" name="重做？" default="Flow_4" />
    <bpmn:intermediateThrowEvent id="Throw_Again" name="再来">
      <bpmn:linkEventDefinition id="Link_1" name="again" /></bpmn:intermediateThrowEvent>
    <bpmn:intermediateThrowEvent id="Throw_Done" name="完成">
      <bpmn:linkEventDefinition id="Link_2" name="done" /></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="Catch_Again" name="再来">
      <bpmn:linkEventDefinition id="Link_3" name="again" /></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_Redo" name="重做" {U} />
    <bpmn:intermediateCatchEvent id="Catch_Done" name="完成">
      <bpmn:linkEventDefinition id="Link_4" name="done" /></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_File" name="归档" {U} /><bpmn:endEvent id="End_1" />
    {_flows("Start_1>Task_Apply", "Task_Apply>Gateway_Redo", "Gateway_Redo>Throw_Again?${redo}",
            "Gateway_Redo>Throw_Done", "Catch_Again>Task_Redo", "Task_Redo>Gateway_Redo",
            "Catch_Done>Task_File", "Task_File>End_1")}"""


def test_a_link_throw_event_goes_on_at_the_catch_event_of_its_name(ctx) -> None:
    """Report-owner finding 5: the instance used to end silently at the link throw event."""
    _deploy(ctx, "c_links", LINKS)
    run = Run(ctx, "c_links")
    run.complete("Task_Apply", {"redo": True})
    run.expect("active", {"redo": True}, ["Task_Redo"], ["Task_Apply done", "Task_Redo open"],
        {"Catch_Again", "Gateway_Redo", "Start_1", "Task_Apply", "Throw_Again"})
    run.complete("Task_Redo", {"redo": False})
    run.expect("active", {"redo": False}, ["Task_File"],
               ["Task_Apply done", "Task_Redo done", "Task_File open", "Gateway_Redo done",
                "Gateway_Redo done"],
        {"Catch_Again", "Catch_Done", "Gateway_Redo", "Start_1", "Task_Apply", "Task_Redo",
         "Throw_Again", "Throw_Done"})
    run.complete("Task_File", {})
    assert run.state()["status"] == "completed"
