"""Serialization with the spec split off, and a process-wide cache of deserialized specs.

SpiffWorkflow embeds the whole parsed diagram in every serialized instance (SPIFF-NOTES §4.3);
most of the JSON is spec. We store the spec once per definition version (`dump_spec`) and only
the state per instance (`dump_state`). `load` rebuilds a workflow from both; the spec objects come
from an LRU cache keyed by the caller's `cache_key` (one per definition version), so a restore
decodes and rebuilds only the state.

Spec objects are shared by every instance restored from the cache (and by every thread), so a
spec must never hold run-time state: what one instance or an earlier request did to it would leak
into the next restore, and a process that loaded the spec freshly would behave differently from
one that ran the same steps before (issue 11). SpiffWorkflow's Camunda MI writes onto its spec
while running; `workflows.multiinstance` replaces it (same typenames, so stored specs restore into
it; the linter refuses the other such write, event sub-processes wired in by `trigger_wf`), and
tests/service/test_spec_sharing.py checks every bundled diagram's specs serialize identically after
all their multi-instances ran.

Config fixes: `ServiceTask` has no converter in CAMUNDA_CONFIG (TypeError on serialize,
SPIFF-NOTES §4.1); `date` and `Decimal` in task data need registry entries.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter, MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ServiceTask
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs import multiinstance_task as camunda_mi
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage

from . import call_activity, decision_task, messages, multiinstance, pass_through, timer_events

SPEC_CACHE_SIZE = 64


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[ServiceTask] = BpmnTaskSpecConverter
    # Our run-time-immutable MI specs replace Camunda's under the same typenames (issue 11).
    for stock, ours in ((camunda_mi.ParallelMultiInstanceTask, multiinstance.ParallelMultiInstanceTask),
                        (camunda_mi.SequentialMultiInstanceTask, multiinstance.SequentialMultiInstanceTask)):
        config.pop(stock, None)
        config[ours] = MultiInstanceTaskConverter
    # Call activities that pass only what they map (issue 12, fault 4); a new typename, so specs
    # deployed before keep SpiffWorkflow's copy-everything CallActivity.
    config[call_activity.MappedCallActivity] = config[CallActivity]
    # Business-rule tasks evaluating deployed DMN tables (issue 15 item 6), a new typename.
    config[decision_task.DecisionTableTask] = BpmnTaskSpecConverter
    # bpmn:task and bpmn:manualTask pass straight through (issue 15), under new typenames.
    for stock, ours in pass_through.PASS_THROUGH.items():
        config[ours] = config[stock]
    # Our bounded timer definitions replace SpiffWorkflow's, also under the same typenames.
    for stock, ours in timer_events.REPLACED.items():
        config[ours] = config.pop(stock)
    # A process-level timer start event (issue 12, fault 5): a new typename, stored as a timer is.
    config[timer_events.TimerStartEventDefinition] = config[timer_events.TimeDateEventDefinition]
    # Messages set variables as Camunda does (workflows/messages.py), same typename.
    config[messages.MessageEventDefinition] = config.pop(CamundaMessage)
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _make_serializer()
_ENCODER = create_encoder(SERIALIZER.registry)
_WORKFLOW_TYPENAME = SERIALIZER.registry.typenames[BpmnWorkflow]
# The registry stores partial(_obj_to_dict, typename, converter.to_dict); we need the converter.
_WORKFLOW_CONVERTER = SERIALIZER.registry.convert_to_dict[_WORKFLOW_TYPENAME].args[1].__self__

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]
SpecSource = str | Callable[[], str]
"""The spec JSON, or a loader for it: a loader is called only on a cache miss, so a caller that keeps
specs in a database does not read the (large) spec column on every command."""


def _text(spec_json: SpecSource) -> str:
    return spec_json if isinstance(spec_json, str) else spec_json()


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """The definition part: top-level spec plus every called process spec."""
    registry = SERIALIZER.registry
    return json.dumps(
        {
            SERIALIZER.VERSION_KEY: SERIALIZER.VERSION,
            "spec": registry.convert(spec),
            "subprocess_specs": {name: registry.convert(s) for name, s in subprocess_specs.items()},
        },
        cls=_ENCODER,
    )


def dump_state(wf: BpmnWorkflow) -> str:
    """The instance part: tasks, data, subprocesses and events, without any spec."""
    registry = SERIALIZER.registry
    converter = _WORKFLOW_CONVERTER
    dct = WorkflowConverter.to_dict(converter, wf)
    dct["subprocesses"] = converter.mapping_to_dict(wf.subprocesses)
    dct["bpmn_events"] = registry.convert(wf.bpmn_events)
    dct["typename"] = _WORKFLOW_TYPENAME
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return json.dumps(dct, cls=_ENCODER)


class _SpecCache:
    """Thread-safe LRU of deserialized specs by definition-version key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Specs] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, key: str, spec_json: SpecSource) -> Specs:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        specs = _decode_specs(_text(spec_json))
        with self._lock:
            self.misses += 1
            self._items[key] = specs
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return specs

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> dict[str, Specs]:
        """The cached specs by key (a copy of the mapping; the spec objects themselves are shared)."""
        with self._lock:
            return dict(self._items)


SPEC_CACHE = _SpecCache(SPEC_CACHE_SIZE)


def _decode_specs(spec_json: str) -> Specs:
    dct = json.loads(spec_json)
    registry = SERIALIZER.registry
    version = dct.pop(SERIALIZER.VERSION_KEY, SERIALIZER.VERSION)
    if version != SERIALIZER.VERSION:
        raise ValueError(f"spec was serialized by format {version}; recompile the definition")
    spec = registry.restore(dct["spec"])
    subprocess_specs = {name: registry.restore(s) for name, s in dct["subprocess_specs"].items()}
    return spec, subprocess_specs


def specs(spec_json: SpecSource, cache_key: str) -> Specs:
    """Deserialized (spec, subprocess_specs) for a definition version, cached process-wide."""
    return SPEC_CACHE.get(cache_key, spec_json)


def load(spec_json: SpecSource, state_json: str, cache_key: str | None = None) -> BpmnWorkflow:
    """Rebuild a workflow from its definition part and its state part.

    Without `cache_key` the spec is decoded for this call only. State written by an older
    serializer format is migrated together with a private copy of the spec.
    """
    dct = json.loads(state_json)
    version = dct.get(SERIALIZER.VERSION_KEY)
    if version != SERIALIZER.VERSION:
        full = json.loads(_text(spec_json))
        full.pop(SERIALIZER.VERSION_KEY, None)
        dct.update(full)
        SERIALIZER.migrate(dct)
        return SERIALIZER.from_dict(dct)
    dct.pop(SERIALIZER.VERSION_KEY)
    spec, subprocess_specs = specs(spec_json, cache_key) if cache_key else _decode_specs(_text(spec_json))
    # registry.restore passes non-dict values through, so the cached spec objects are used as-is.
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    return SERIALIZER.from_dict(dct)


def new_workflow(spec_json: str, cache_key: str, **kwargs: Any) -> BpmnWorkflow:
    """A fresh workflow for a definition version, built from the cached spec."""
    spec, subprocess_specs = specs(spec_json, cache_key)
    return BpmnWorkflow(spec, dict(subprocess_specs), **kwargs)
