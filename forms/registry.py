"""The forms by `camunda:formKey`: look one up, validate a submission, run process-level checks, describe it.

The service layer's only entry point into `forms/`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

from .acknowledge_member_change import AcknowledgeMemberChangeForm
from .assign_evaluators import AssignEvaluatorsForm
from .assign_panel import AssignPanelForm
from .base import FormSchema
from .city_formal_review import CityFormalReviewForm
from .confirm_membership import ConfirmMembershipForm
from .correct_application import (  # noqa: F401  (re-exported: the service's entry point into forms/)
    RETURN_SECTIONS,
    SECTION_FIELDS,
    CorrectApplicationForm,
    carried_members,
    returned_of,
)
from .defense_score import DefenseScoreForm
from .desk_review import DeskReviewForm
from .district_review import DistrictReviewForm
from .draft_plan import DraftPlanForm
from .evaluation_agency_result import EvaluationAgencyResultForm
from .evaluation_district_check import EvaluationDistrictCheckForm
from .evaluation_revocation_decision import EvaluationRevocationDecisionForm
from .evaluation_score import EvaluationScoreForm
from .evaluation_self_report import EvaluationSelfReportForm
from .filing_decision import FilingDecisionForm
from .handle_objection import HandleObjectionForm
from .hire_chief_expert import HireChiefExpertForm
from .initiate_consortium import InitiateConsortiumForm
from .invite_members import InviteMembersForm
from .json_schema import form_json_schema
from .lead_failure_decision import LeadFailureDecisionForm
from .member_change_consent import MemberChangeConsentForm
from .propose_member_change import ProposeMemberChangeForm
from .select_for_publicity import SelectForPublicityForm
from .sign_agreement import SignAgreementForm
from .signed_score_sheet import SignedScoreSheetForm
from .site_visit_report import SiteVisitReportForm
from .state_case import StateCaseForm
from .submit_application import SubmitApplicationForm

FORMS: dict[str, type[FormSchema]] = {
    cls.form_key: cls
    for cls in (
        InitiateConsortiumForm,
        InviteMembersForm,
        ConfirmMembershipForm,
        SignAgreementForm,
        HireChiefExpertForm,
        DraftPlanForm,
        SubmitApplicationForm,
        DistrictReviewForm,
        CorrectApplicationForm,
        CityFormalReviewForm,
        AssignPanelForm,
        DeskReviewForm,
        SiteVisitReportForm,
        DefenseScoreForm,
        SignedScoreSheetForm,
        SelectForPublicityForm,
        HandleObjectionForm,
        FilingDecisionForm,
        # supervision after filing (issue 7)
        EvaluationSelfReportForm,
        EvaluationDistrictCheckForm,
        EvaluationScoreForm,
        ProposeMemberChangeForm,
        MemberChangeConsentForm,
        AcknowledgeMemberChangeForm,
        LeadFailureDecisionForm,
        # 陈述申辩 before revocation for an unqualified evaluation (issue 14, item 2)
        StateCaseForm,
        EvaluationRevocationDecisionForm,
        # an evaluation entrusted to a third-party agency (guideline 七（二）; issue 14, item 12)
        AssignEvaluatorsForm,
        EvaluationAgencyResultForm,
    )
}


class UnknownForm(KeyError):
    """No schema is registered for this formKey (a diagram names a form that `forms/` does not have)."""

    def __init__(self, form_key: str) -> None:
        super().__init__(form_key)
        self.form_key = form_key

    def __str__(self) -> str:
        return f"no form schema for formKey {self.form_key!r}; known: {', '.join(sorted(FORMS))}"


def get_form(form_key: str) -> FormSchema:
    """A fresh schema instance for `form_key`.

    Raises:
        UnknownForm: no schema has that key.
    """
    try:
        return FORMS[form_key]()
    except KeyError:
        raise UnknownForm(form_key) from None


def shared_form(form_key: str) -> FormSchema:
    """This thread's schema instance for `form_key`, made once (a Schema's construction copies its
    declared fields, which cost more than loading a small form; issue 18). For loading data and reading
    `fields`, never for changing the instance: use `get_form` for a schema of one's own. A form key
    registered again (tests) gets a new instance.

    Raises:
        UnknownForm: no schema has that key.
    """
    cls = FORMS.get(form_key)
    if cls is None:
        raise UnknownForm(form_key)
    kept = _SHARED.__dict__.setdefault("forms", {})
    schema = kept.get(form_key)
    if type(schema) is not cls:
        schema = kept[form_key] = cls()
    return schema


_SHARED = threading.local()


def validate(form_key: str, data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clean data, {}) or ({}, errors): all field errors at once, list items keyed by index.

    Clean data is JSON-safe and ready to merge into the task data.

    Raises:
        UnknownForm: no schema has that key.
    """
    schema = shared_form(form_key)
    try:
        return schema.load(data), {}
    except ValidationError as err:
        return {}, err.normalized_messages()


def process_checks(form_key: str, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    """Errors that need the process variables (e.g. missing signatories), for data `validate` accepted.

    Raises:
        UnknownForm: no schema has that key.
    """
    return shared_form(form_key).process_checks(data, variables)


def json_schema(form_key: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the form, with Chinese titles and English `x-title-en`.

    Raises:
        UnknownForm: no schema has that key.
    """
    return form_json_schema(get_form(form_key))
