"""The engine facade the service layer uses: compile diagrams, start and restore instances.

Shaped after spiff-example-cli's `BpmnEngine`: one object holds the parser recipe, the serializer
and the script engine, and hands out `Instance`s. It keeps no per-instance state, so one `Engine`
serves every thread; the (sandboxed) script engine is re-attached after every restore because
SpiffWorkflow does not serialize it (SPIFF-NOTES §4.1).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from . import activity_log, asynchronous, clock, listeners, migration, reserved_ids, timer_events, timer_start
from .advice import warnings_for
from .data import check_variables
from .dmn import CompiledDecision, compile_dmn
from .errors import DiagramInvalid, DiagramProblem, InvalidTimer, problem_from_validation
from .expressions import rewrite_document
from .extensions import Extensions
from .helpers import DEFAULT_HELPERS
from .ignored import drop_data_associations
from .instance import AsyncJob, Instance, TaskEnd
from .links import resolve_links
from .lint import lint_document
from .model import ActivityState, CompiledProcess, ServiceCall, Timer, UserTask
from .parser import ConsortiumParser
from .sandbox import SandboxEnvironment
from .serializer import SpecSource, dump_spec, load, new_workflow, specs

__all__ = [
    "ActivityState", "AsyncJob", "CompiledDecision", "CompiledProcess", "Engine", "Instance", "ServiceCall",
    "TaskEnd", "Timer", "UserTask",
]

clock.install()
listeners.install()
asynchronous.install()  # wraps listeners' Task.complete
activity_log.install()

_VALIDATOR: BpmnValidator | None = None
DMN_FILES = (".dmn", ".dmn11.xml")
_COMPILE_LOCK = threading.Lock()  # lxml's XMLSchema keeps its error log on the shared validator


def _validator() -> BpmnValidator:
    """The XSD validator is slow to build (about 100 ms), so build it once."""
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = BpmnValidator()
    return _VALIDATOR


class Engine:
    """Compiles BPMN and runs instances with a sandboxed script engine and the caller's clock."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None,
                 script_time_limit: float = 1.0, extensions: Extensions | None = None) -> None:
        self.extensions = extensions if extensions is not None else Extensions()
        self.helpers: dict[str, Any] = {**DEFAULT_HELPERS, **(helpers or {})}
        environment = SandboxEnvironment(self.helpers, script_time_limit)
        self.script_engine = PythonScriptEngine(environment=environment)

    # --- deploy ------------------------------------------------------------------------------

    def compile(self, files: Mapping[str, bytes], library: Mapping[str, bytes] | None = None
                ) -> dict[str, CompiledProcess]:
        """Validate and compile every executable process in `files`.

        `library` holds other deployed BPMN that call activities may reference; it is parsed but
        not linted or returned.

        Raises:
            DiagramInvalid: with every problem found (XML, XSD, SpiffWorkflow, lint).
        """
        files = {n: c for n, c in files.items() if not n.endswith(DMN_FILES)}  # compile_decisions
        library = {n: c for n, c in (library or {}).items() if not n.endswith(DMN_FILES)}
        with _COMPILE_LOCK:
            try:
                return self._compile(files, library)
            except DiagramInvalid as exc:  # name elements by their ids in the XML (reserved_ids.py)
                raise DiagramInvalid(reserved_ids.original(exc.problems)) from None

    @staticmethod
    def compile_decisions(files: Mapping[str, bytes]) -> dict[str, CompiledDecision]:
        """Validate (DMN 1.3 schema, never the BPMN one) and compile the decisions of the `.dmn` files
        among `files`, by decision key (`workflows.dmn`).

        Raises:
            DiagramInvalid: with every problem found (file, line, decision, rule or column, reason).
        """
        return compile_dmn({n: c for n, c in files.items() if n.endswith(DMN_FILES)})

    def _compile(self, files: Mapping[str, bytes], library: Mapping[str, bytes]
                 ) -> dict[str, CompiledProcess]:
        parser = ConsortiumParser(validator=_validator())
        problems: list[DiagramProblem] = []
        owners: dict[str, str] = {}
        refused: list[DiagramProblem] = []  # JUEL outside the subset: reported with lint's problems
        for name, content in {**library, **files}.items():
            before = set(parser.process_parsers)
            problems.extend(self._add(parser, name, content, refused if name in files else [],
                                      self.helpers))
            for process_id in set(parser.process_parsers) - before:
                owners[process_id] = name
        unparsed = bool(problems)  # XML, schema or SpiffWorkflow parse errors: lint still runs, so
        problems.extend(refused)   # every problem of a file is reported at once (issue 15 item 7)
        for name in files:
            if name in parser.documents:
                problems.extend(lint_document(name, parser.documents[name], self.extensions.names()))
        if unparsed:
            raise DiagramInvalid(problems)
        compiled: dict[str, CompiledProcess] = {}
        executable = set(parser.get_process_ids())
        for process_id, file in owners.items():
            if file not in files or process_id not in executable:
                continue
            try:
                spec = parser.get_spec(process_id)
                # a callee not deployed yet is looked up when it is called (call_activity, issue 15)
                found = parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
                subprocess_specs = {k: v for k, v in found.items() if v is not None}
            except ValidationException as exc:
                problem = self._problem(parser, exc, file)
                if not any(p.element_id == problem.element_id and p.file == problem.file
                           for p in problems if problem.element_id):
                    problems.append(problem)  # lint's reason for the element is the one to show
                continue
            listeners.attach({process_id: spec, **subprocess_specs}, parser.documents)
            asynchronous.attach({process_id: spec, **subprocess_specs}, parser.documents)
            reserved_ids.restore([spec, *subprocess_specs.values()])
            node = parser.get_process_parser(process_id).node
            compiled[process_id] = CompiledProcess(
                key=process_id, name=node.get("name"), spec_json=dump_spec(spec, subprocess_specs),
                called=tuple(sorted(subprocess_specs)), resource_name=file,
                timer_starts=timer_start.timer_starts(node),
                warnings=tuple(warnings_for(node, file)))
        if problems:
            raise DiagramInvalid(problems)
        return compiled

    @staticmethod
    def _add(parser: ConsortiumParser, name: str, content: bytes, refused: list[DiagramProblem],
             helper_names: Collection[str]) -> list[DiagramProblem]:
        try:
            root = etree.fromstring(content)
        except etree.XMLSyntaxError as exc:
            return [DiagramProblem(name, None, exc.lineno, f"XML 语法错误 / XML syntax error: {exc.msg}")]
        drop_data_associations(root)  # data stores and objects are documentation, as in Camunda
        refused.extend(rewrite_document(name, root, helper_names))  # JUEL -> sandbox Python
        refused.extend(resolve_links(name, root))  # a link throw jumps to its catch, as in Camunda
        reserved_ids.rename(root)
        try:
            parser.add_bpmn_xml(etree.ElementTree(root), name)
        except ValidationException as exc:
            return [problem_from_validation(exc, name, parser.documents.get(name))]
        except (KeyError, AttributeError) as exc:  # SpiffWorkflow's own crash: lint's problems,
            # reported with this one, say why
            return [DiagramProblem(name, None, None, "SpiffWorkflow 无法解析 / SpiffWorkflow could not "
                                                     f"parse the diagram: {type(exc).__name__} {exc}")]
        return []

    @staticmethod
    def _problem(parser: ConsortiumParser, exc: ValidationException, file: str) -> DiagramProblem:
        file = exc.file_name or file
        problem = problem_from_validation(exc, file, parser.documents.get(file))
        message = str(exc.args[0]) if exc.args else str(exc)
        if problem.element_id is None and "was not found" in message:
            # get_subprocess_specs names the missing process but not the call activity
            for tree_file, tree in parser.documents.items():
                missing = message.split("'")[1] if "'" in message else ""
                hits = tree.xpath("//*[local-name()='callActivity'][@calledElement=$m]", m=missing)
                if hits:
                    return DiagramProblem(tree_file, hits[0].get("id"), hits[0].sourceline,
                                          f"被调用的流程不存在 / called process not deployed: {message}")
        return problem

    # --- run ---------------------------------------------------------------------------------

    def start(self, spec_json: str, *, cache_key: str, variables: dict[str, Any], now: datetime,
              start_event: str | None = None, initiator: str | None = None) -> Instance:
        """A new instance seeded with `variables`; not advanced (call `Instance.advance`).

        `start_event`: the timer start event whose firing starts it; None starts at the process's
        initial start event, as a person's start does (Camunda 7: its one none or timer start event).
        `initiator` (the starting user's id) is stored in the variable a start event names in
        `camunda:initiator`, as Camunda does.
        """
        check_variables(variables)
        with clock.engine_clock(now):
            workflow = new_workflow(spec_json, cache_key, script_engine=self.script_engine)
            workflow.task_tree.data.update(copy.deepcopy(variables))
            workflow.task_tree.internal_data[timer_events.START_EVENT] = start_event or timer_events.INITIAL
            for spec in workflow.spec.task_specs.values():
                name = (getattr(spec, "extensions", None) or {}).get("camunda:initiator")
                if name and initiator is not None:
                    workflow.task_tree.data[name] = initiator
        return Instance(self, workflow)

    def first_timer_firing(self, start: timer_start.TimerStart, now: datetime,
                           process_key: str | None = None) -> timer_start.Firing | None:
        """When timer start event `start` first fires, deployed at `now` (`timer_start.first_firing`);
        an expression is evaluated in the sandbox with the diagram helpers and no variables.

        Raises:
            InvalidTimer: the value is malformed, unsupported, out of bounds, or its expression fails
                (the message names the element).
        """
        def evaluate(expression: str) -> Any:
            return self.script_engine.environment.evaluate(expression, {})

        with clock.engine_clock(now):
            try:
                return timer_start.first_firing(start, evaluate, now)
            except Exception as exc:  # the expression's own failure, or a bad value: refused by name
                raise InvalidTimer(f"{start.kind}: {exc}", element_id=start.element_id,
                                   process_key=process_key) from exc

    def restore(self, spec_json: SpecSource, *, cache_key: str, state_json: str) -> Instance:
        """An instance from its stored state and its definition's spec (cached per cache_key).

        `spec_json` may be a loader, called only when the spec is not cached yet.
        """
        workflow = load(spec_json, state_json, cache_key)
        workflow.script_engine = self.script_engine
        return Instance(self, workflow)

    def attach(self, workflow: BpmnWorkflow) -> Instance:
        """Wrap a workflow built elsewhere (tests, migrations) with this engine's script engine."""
        workflow.script_engine = self.script_engine
        return Instance(self, workflow)


    # --- migration (workflows/migration.py) -------------------------------------------------

    def activities(self, spec_json: SpecSource, *, cache_key: str) -> dict[str, str]:
        """`{activity id: type}` of a compiled process version (its embedded sub-processes included)."""
        return migration.activities(*specs(spec_json, cache_key))

    def check_migration(self, running: Instance, spec_json: SpecSource, *, cache_key: str,
                        instructions: Collection[migration.Instruction]) -> migration.InstanceReport:
        """What stops `running` from moving to the version `spec_json` under `instructions`."""
        spec, subprocess_specs = specs(spec_json, cache_key)
        return migration.check_instance(running.workflow, spec, subprocess_specs, instructions)

    def migrate(self, running: Instance, spec_json: SpecSource, *, cache_key: str,
                now: datetime | None = None) -> None:
        """Re-point `running` at the version `spec_json` in place (checked with `check_migration`);
        a boundary event only the target draws starts waiting at `now` (a timer is dated from it)."""
        spec, subprocess_specs = specs(spec_json, cache_key)
        with clock.engine_clock(now):
            migration.migrate(running.workflow, spec, subprocess_specs)
