"""Documents as pages and PDFs (issue 13): the case file (申报材料), the publicity notice (公示), the filing
notice (备案通知) and certificate, the integrity commitment letter (诚信承诺书), the expert-group opinion
(专家组意见), and `/verify/<hash>`.

Each PDF is the page's own body in the print frame (web/pdf.py), recorded as issued. Scope: the case
file and the filing documents answer 404 to whoever may not see the application (another organisation,
another district, an expert who has not signed its declaration); the publicity notice and /verify are
public, as a published notice is.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..clock import SHANGHAI
from ..consortium import decision_documents, issued_documents
from ..consortium.casefile import read_case_material
from ..consortium.reviews import panel_opinion
from ..errors import NotFound
from . import pdf
from .common import actor, context, current_actor, login_required
from .i18n import t

bp = Blueprint("web_documents", __name__)


def cndate(value) -> str:
    """A date as the bureau's documents write it (2026年3月10日); times in Qingdao's day. A template
    filter (pages.register adds it to every app)."""
    if isinstance(value, datetime):
        value = value.astimezone(SHANGHAI).date()
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else str(value or "")


@bp.get("/casefile/<application_no>")
@login_required
def casefile(application_no: str):
    material = read_case_material(context(), actor=actor(), application_no=application_no)
    return render_template("casefile.html", m=material)


@bp.get("/casefile/<application_no>.pdf")
@login_required
def casefile_pdf(application_no: str):
    material = read_case_material(context(), actor=actor(), application_no=application_no)
    body = render_template("_casefile.html", m=material)
    return pdf.issue_pdf(
        body, kind="casefile", title=f"{material.name or ''} {t('doc.casefile')}".strip(),
        application_no=material.application_no, instance_id=material.instance_id, actor=actor(),
        download_name=f"{material.application_no}-申报材料.pdf",
    )


@bp.get("/casefile/<application_no>/commitment.pdf")
@login_required
def commitment_pdf(application_no: str):
    """The integrity commitment (诚信承诺书) as a letter, from what the lead unit confirmed on submission."""
    material = read_case_material(context(), actor=actor(), application_no=application_no)
    if material.commitment is None:
        raise NotFound(f"尚未提交诚信承诺 / No integrity commitment for {application_no} yet")
    body = render_template("_commitment_letter.html", m=material)
    return pdf.issue_pdf(
        body, kind="integrity_commitment", title=t("doc.integrity_commitment"),
        application_no=material.application_no, instance_id=material.instance_id, actor=actor(),
        download_name=f"{material.application_no}-诚信承诺书.pdf",
    )


@bp.get("/casefile/<application_no>/commitment/<credit_code>.pdf")
@login_required
def member_commitment_pdf(application_no: str, credit_code: str):
    """A member unit's integrity commitment (诚信承诺书), as it confirmed it when joining."""
    material = read_case_material(context(), actor=actor(), application_no=application_no)
    given = next((c for c in material.member_commitments if c["credit_code"] == credit_code), None)
    if given is None:
        raise NotFound(f"该成员单位尚未作出诚信承诺 / No integrity commitment of {credit_code} yet")
    body = render_template("_member_commitment_letter.html", m=material, c=given)
    return pdf.issue_pdf(
        body, kind="integrity_commitment", title=f"{given['name']} {t('doc.integrity_commitment')}",
        application_no=material.application_no, instance_id=material.instance_id, actor=actor(),
        download_name=f"{material.application_no}-{credit_code}-诚信承诺书.pdf",
    )


@bp.app_template_filter("isolocal")
def isolocal(value: str | None) -> str:
    """An ISO timestamp (as the JSON-shaped readings keep it) in Qingdao's time, minutes."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@bp.get("/casefile/<application_no>/opinion")
@login_required
def opinion(application_no: str):
    """The expert-group opinion (专家组意见): city clerks, the panel's experts, and after publication
    whoever may see the application (panel_opinion.may_see); 404 otherwise."""
    found = panel_opinion.opinion_document(context(), actor=actor(), application_no=application_no)
    return render_template("panel_opinion.html", d=found)


@bp.get("/casefile/<application_no>/opinion.pdf")
@login_required
def opinion_pdf(application_no: str):
    found = panel_opinion.opinion_document(context(), actor=actor(), application_no=application_no)
    if found.opinion is None:
        raise NotFound(f"尚未生成专家组意见 / No panel opinion for {application_no} yet")
    body = render_template("_panel_opinion.html", o=found.opinion, application_no=found.application_no,
                           consortium_name=found.consortium_name)
    return pdf.issue_pdf(
        body, kind="panel_opinion", title=f"{found.consortium_name or ''} {t('doc.panel_opinion')}".strip(),
        application_no=found.application_no, instance_id=found.instance_id, actor=actor(),
        download_name=f"{found.application_no}-专家组意见.pdf",
    )


@bp.get("/public/publicity/notices/<application_no>")
def publicity_notice(application_no: str):
    notice = decision_documents.publicity_notice(context(), application_no=application_no)
    return render_template("publicity_notice.html", n=notice)


@bp.get("/public/publicity/notices/<application_no>.pdf")
def publicity_notice_pdf(application_no: str):
    notice = decision_documents.publicity_notice(context(), application_no=application_no)
    body = render_template("_publicity_notice.html", n=notice)
    return pdf.issue_pdf(
        body, kind="publicity_notice", title=f"{notice.consortium_name or ''} {t('doc.publicity_notice')}",
        application_no=notice.application_no, instance_id=notice.instance_id, actor=current_actor(),
        download_name=f"{notice.application_no}-公示.pdf",
    )


@bp.get("/filings/<application_no>")
@login_required
def filing(application_no: str):
    found = decision_documents.filing_document(context(), application_no=application_no, actor=actor())
    return render_template("filing_documents.html", f=found)


@bp.get("/filings/<application_no>/notice.pdf")
@login_required
def filing_notice_pdf(application_no: str):
    return _filing_pdf(application_no, "filing_notice", "_filing_notice.html", "备案通知")


@bp.get("/filings/<application_no>/certificate.pdf")
@login_required
def filing_certificate_pdf(application_no: str):
    return _filing_pdf(application_no, "filing_certificate", "_filing_certificate.html", "备案证书")


def _filing_pdf(application_no: str, kind: str, template: str, name: str):
    found = decision_documents.filing_document(context(), application_no=application_no, actor=actor())
    body = render_template(template, f=found)
    return pdf.issue_pdf(
        body, kind=kind, title=f"{found.consortium_name or ''} {t('doc.' + kind)}",
        application_no=found.application_no, instance_id=found.instance_id, actor=actor(),
        download_name=f"{found.application_no}-{name}.pdf",
    )


@bp.get("/verify")
def verify_form():
    typed = (request.args.get("hash") or "").strip().lower()
    if typed:
        return redirect(url_for("web_documents.verify", digest=typed), code=303)
    return render_template("verify.html", found=None, digest="")


@bp.get("/verify/<digest>")
def verify(digest: str):
    """Which document of which application `digest` is, and when it was issued; 404 when unknown."""
    if len(digest) > 128:
        abort(404)
    try:
        found = issued_documents.verify(context(), digest=digest)
    except NotFound:
        return render_template("verify.html", found=None, digest=digest, unknown=True), 404
    return render_template("verify.html", found=found, digest=digest, kinds=issued_documents.KINDS)
