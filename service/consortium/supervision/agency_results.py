"""`${agencyResultCheck}` (task listener, complete, on Task_AgencyEvaluation): only the entrusted agency
records the result, and its grade must be what the round's bands make of its score (guideline 七（二）;
issue 14 item 12). The three grades an agency gives are 优秀 / 合格 / 不合格; a round's 良好 band counts as
合格 for an agency."""

from __future__ import annotations

import json

from workflows.extensions import DelegateContext

from ...actors import EVALUATION_AGENCY
from ...errors import Conflict, Forbidden, InvalidInput
from ..store import supervision as store
from ..store.supervision_models import EvaluationAgency
from .evaluations import GRADE_NAMES, grade_for

#: a round's band -> the agency grade it stands for
AGENCY_GRADE = {"excellent": "excellent", "good": "pass", "pass": "pass", "fail": "fail"}


def agency_result_check(context: DelegateContext) -> None:
    """Refuse a result from anyone but the entrusted agency's staff, and a grade its score contradicts.

    Raises:
        Forbidden: the completer is not a user of the agency the evaluation is entrusted to.
        Conflict: the agency was withdrawn meanwhile (users' report finding 3): its result does not count.
        InvalidInput: on field `agency_grade`, naming the grade the round's bands give the score.
    """
    actor, variables = context.actor, context.variables
    data = context.task.data if context.task is not None else variables
    entrusted = variables.get("evaluation_agency")
    if not actor.has(EVALUATION_AGENCY) or actor.org_credit_code != entrusted:
        raise Forbidden(
            "只有受托的第三方评估机构可以填写评估结果 / Only the entrusted agency records the result"
        )
    agency = context.session.get(EvaluationAgency, entrusted)
    if agency is None or not agency.active:
        raise Conflict("该第三方评估机构已停止受托评价，评估结果不予受理，请联系市科技局 / "
                       "The agency has been withdrawn: its result is not accepted; contact the city bureau")
    score, grade = data.get("agency_score"), data.get("agency_grade")
    if score is None or grade is None:
        return  # the form already names the missing field
    evaluation_round = store.get_round(context.session, int(variables["round_id"]))
    expected = AGENCY_GRADE[grade_for(float(score), json.loads(evaluation_round.grade_bands_json))]
    if grade != expected:
        zh, en = GRADE_NAMES[expected]
        message = (f"评价等级与得分不符：按本轮等级区间，{score} 分应为“{zh}” / "
                   f"The grade contradicts the score: by this round's bands {score} is {en}")
        raise InvalidInput(message, {"agency_grade": [message]})
