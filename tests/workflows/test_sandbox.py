"""The five attacks of SPIFF-NOTES §6, the time limit, and the sandbox's data rules."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from workflows.engine import Engine
from workflows.errors import DiagramInvalid, ScriptFailed
from workflows.helpers import DEFAULT_HELPERS
from workflows.parser import ConsortiumParser
from workflows.sandbox import SandboxEnvironment, SandboxViolation, ScriptTimeout, compile_sandboxed

from .conftest import NOW, read

BENIGN = {"script": "x = 1", "condition": "True", "timer": '"PT1S"'}


def attacks(marker: Path) -> dict[str, dict[str, str]]:
    shell = f"__import__('os').system('touch {marker}')"
    escape_ = ("[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
               f".__init__.__globals__['system']('touch {marker}')")
    return {
        "import_in_script": {"script": shell},
        "import_in_condition": {"condition": f"{shell} == 0"},
        "import_in_timer": {"timer": f"'PT1S' if {shell} == 0 else 'PT2S'"},
        "subclasses_escape": {"script": f"x = {escape_}"},
        "open": {"script": f"open('{marker}', 'a').write('owned')"},
    }


def diagram(parts: dict[str, str]) -> bytes:
    filled = {**BENIGN, **parts}
    text = read("attack.bpmn").decode()
    for key, value in filled.items():
        text = text.replace("{" + key + "}", escape(value))
    return text.encode()


def run_unlinted(engine: Engine | None, content: bytes) -> BpmnWorkflow:
    """Parse without the linter, as if a diagram slipped past deployment checks."""
    parser = ConsortiumParser()
    parser.add_bpmn_str(content, "attack.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("attack_demo"), {}, script_engine=PythonScriptEngine())
    if engine is None:
        workflow.do_engine_steps()
        return workflow
    engine.attach(workflow).advance({}, NOW)
    return workflow


ATTACKS = list(attacks(Path("/unused")))


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_works_without_the_sandbox(name: str, tmp_path: Path) -> None:
    """Control: the fixture's attack is real (the stock script engine runs it)."""
    marker = tmp_path / "owned"
    try:
        run_unlinted(None, diagram(attacks(marker)[name]))
    except Exception:
        pass  # the attack returns odd values; what matters is the side effect
    assert marker.exists()


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_is_blocked_at_run_time(engine: Engine, name: str, tmp_path: Path) -> None:
    marker = tmp_path / "owned"
    with pytest.raises(ScriptFailed) as failed:
        run_unlinted(engine, diagram(attacks(marker)[name]))
    assert not marker.exists()
    assert failed.value.element_id in {"Script_Attack", "Gateway_Attack", "Timer_Attack"}


@pytest.mark.parametrize("name", [n for n in ATTACKS if n != "open"])
def test_attack_is_refused_at_deploy(engine: Engine, name: str, tmp_path: Path) -> None:
    with pytest.raises(DiagramInvalid) as refused:
        engine.compile({"attack.bpmn": diagram(attacks(tmp_path / "owned")[name])})
    elements = {p.element_id for p in refused.value.problems}
    assert elements & {"Script_Attack", "Flow_Attack", "Timer_Attack"}
    assert all(p.line for p in refused.value.problems)


def _spin_in_thread(env: SandboxEnvironment, script: str) -> tuple[BaseException | None, float]:
    outcome: list[BaseException | None] = []
    elapsed: list[float] = []

    def target() -> None:
        start = time.monotonic()
        try:
            env.execute(script, {})
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)
        elapsed.append(time.monotonic() - start)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "script was not stopped"
    return outcome[0], elapsed[0]


@pytest.mark.parametrize(
    "script",
    [
        "x = 0\nfor i in range(100000):\n    for j in range(100000):\n        x += 1",
        "x = sum(sum(1 for j in range(100000)) for i in range(100000))",
        "def f(n):\n    return 1 if n == 0 else f(n - 1) + f(n - 1)\nx = f(60)",
    ],
)
def test_busy_script_times_out_off_the_main_thread(script: str) -> None:
    env = SandboxEnvironment(DEFAULT_HELPERS, time_limit=0.3)
    error, elapsed = _spin_in_thread(env, script)
    assert isinstance(error, ScriptTimeout)
    assert elapsed < 3.0


def test_while_true_is_refused_before_it_can_run() -> None:
    with pytest.raises(SandboxViolation) as refused:
        compile_sandboxed("x = 1\nwhile True:\n    pass", "exec")
    assert refused.value.lineno == 2


def test_timeout_in_a_diagram_is_a_script_failure() -> None:
    engine = Engine(script_time_limit=0.2)
    content = diagram({"script": "x = sum(sum(1 for j in range(100000)) for i in range(100000))"})
    with pytest.raises(ScriptFailed) as failed:
        run_unlinted(engine, content)
    assert failed.value.timed_out and failed.value.element_id == "Script_Attack"


def test_syntax_errors_carry_an_int_line() -> None:
    with pytest.raises(SyntaxError) as bad:
        compile_sandboxed("a = 1\nb = = 2", "exec")
    assert bad.value.lineno == 2
    with pytest.raises(SyntaxError) as refused:
        compile_sandboxed("x._secret", "eval")
    assert isinstance(refused.value.lineno, int)


def test_writes_back_only_plain_names_and_reads_dict_keys_as_attributes() -> None:
    env = SandboxEnvironment(DEFAULT_HELPERS)
    data = {"member": {"credit_code": "C1"}, "panel": ["e1", "e2"], "gone": 1}
    env.execute(
        "code = member.credit_code\n"
        "def helper(v):\n    return v\n"
        "reviews = [{'expert': e} for e in panel]\n"
        "score = round(trimmed_mean([1, 2, 3]), 1)\n"
        "del gone\n",
        data,
    )
    assert data == {"member": {"credit_code": "C1"}, "panel": ["e1", "e2"], "code": "C1",
                    "reviews": [{"expert": "e1"}, {"expert": "e2"}], "score": 2.0}
    assert env.evaluate("member.get('credit_code')", data) == "C1"
    with pytest.raises(AttributeError):
        env.evaluate("member.missing", data)


def test_memory_bombs_are_refused() -> None:
    env = SandboxEnvironment(DEFAULT_HELPERS)
    for script in ("x = 'x' * 10**10", "x = 10**10**10", "x = list(range(10**9))"):
        with pytest.raises(ValueError):
            env.execute(script, {})
