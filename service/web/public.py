"""The public publicity page (no login): current notices and the objection form with a receipt.

The form posts, then redirects to its receipt (post/redirect/get): reloading the receipt only reads it, and a
replay of the same submission is sent to the first receipt (web/idempotency.py). A receipt page shows only
receipts lodged in the visitor's own session: receipt numbers are sequential, objections are not public.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..api import public_throttle
from ..api.auth import throttled_message
from ..api.objection_status import check_status
from ..consortium import objection_input, publicity
from ..consortium.publicity_board import current_notices
from ..engine import uploads
from ..errors import Conflict, InvalidInput, NotFound
from ..safe_json import UNSAFE, MalformedRequest
from .common import context, upload_dir
from .i18n import bilingual

bp = Blueprint("web_public", __name__, url_prefix="/public")
FIELDS = ("application_no", "objector_name", "objector_unit", "contact", "reason")
RECEIPTS = "receipts"  # session key: {receipt_no: [application_no, verification code]} lodged here
KEEP_RECEIPTS = 20


def _page(values=None, errors=None, problem=None, status=200):
    notices = current_notices(context())
    return (
        render_template(
            "public.html", notices=notices, values=values or {}, errors=errors or {}, problem=problem
        ),
        status,
    )


@bp.get("/publicity")
def index():
    return _page()


@bp.post("/publicity/objections")
def lodge():
    values = {name: (request.form.get(name) or "").strip() for name in FIELDS}
    refusal = public_throttle.objection_refusal()  # per client address (breakit F11)
    if refusal is not None:
        page, _ = _page(values, {}, bilingual(public_throttle.throttled_objection_message(refusal)), 429)
        return page, 429, {"Retry-After": str(refusal.retry_after)}
    attachment = request.files.get("attachment")
    upload = None
    try:
        if attachment is not None and attachment.filename:
            upload = uploads.Upload(attachment.filename, attachment.mimetype or "", attachment.read())
            uploads.check(upload, "attachment")
        receipt = publicity.lodge_objection(context(), **values)
    except InvalidInput as exc:
        return _page(values, exc.fields, bilingual(str(exc)), 422)
    except (Conflict, NotFound) as exc:
        return _page(values, {}, bilingual(str(exc)), 409 if isinstance(exc, Conflict) else 404)
    public_throttle.objection_lodged()
    if upload is not None:
        notices = current_notices(context())
        notice = next((n for n in notices if n.application_no == receipt.application_no), None)
        if notice is not None:
            uploads.store_for_objection(
                context(), directory=upload_dir(), instance_id=notice.instance_id,
                receipt_no=receipt.receipt_no, upload=upload,
            )
    mine = dict(session.get(RECEIPTS) or {})
    mine[receipt.receipt_no] = [receipt.application_no, receipt.verification_code]
    session[RECEIPTS] = dict(list(mine.items())[-KEEP_RECEIPTS:])
    return redirect(url_for("web_public.receipt", receipt_no=receipt.receipt_no), code=303)


@bp.errorhandler(MalformedRequest)
def _unstorable(exc: MalformedRequest):
    """A NUL byte or lone surrogate in the objection form (refused by the edge before any view runs):
    the form again, with what was typed (without those characters) and the field named (report finding 9).
    Nothing is stored and the throttle is not charged. Other pages of this blueprint: the plain 422 page."""
    if request.endpoint != "web_public.lodge":
        return render_template("error.html", message=bilingual(str(exc)), status=422), 422
    values = {name: UNSAFE.sub("", request.form.get(name) or "").strip() for name in FIELDS}
    zh, en = objection_input.LABELS.get(exc.field, ("", ""))
    if not zh:  # a field name, a file name or an unknown field: say so without naming a form field
        message = ("提交内容含有无法保存的字符（如 NUL），请删除后重新提交 / The form contains a character "
                   "that cannot be stored (such as NUL); remove it and send again")
        return _page(values, {}, bilingual(message), 422)
    field_message = (f"{zh}含有无法保存的字符（如 NUL），已删除，请核对后重新提交 / {en} contained a "
                     "character that cannot be stored (such as NUL); it was removed: check the text and send "
                     "again")
    return _page(values, {exc.field: [field_message]},
                 bilingual(f"{zh}含有无法保存的字符 / {en} contains a character that cannot be stored"), 422)


@bp.get("/publicity/receipts/<receipt_no>")
def receipt(receipt_no: str):
    """The receipt of an objection lodged in this session (404 for any other number), with the
    verification code that, with the receipt number, opens the status lookup."""
    kept = (session.get(RECEIPTS) or {}).get(receipt_no)
    if kept is None:
        abort(404)
    application_no, code = (kept, "") if isinstance(kept, str) else (kept[0], kept[1])
    return render_template(
        "receipt.html",
        receipt=publicity.Receipt(
            receipt_no=receipt_no, application_no=application_no, verification_code=code
        ),
    )


@bp.get("/publicity/status")
def status_form():
    """The status lookup form: receipt number and verification code (no sign-in)."""
    return render_template("objection_status.html", values={}, found=None, problem=None)


@bp.post("/publicity/status")
def status():
    """The objection's status for the right pair; 404 for a wrong one, 429 when throttled."""
    values = {name: (request.form.get(name) or "").strip() for name in ("receipt_no", "verification_code")}
    try:
        found, refusal = check_status(values["receipt_no"], values["verification_code"], "objection_status")
    except InvalidInput as exc:
        return render_template("objection_status.html", values=values, found=None,
                               problem=bilingual(str(exc))), 422
    except NotFound as exc:
        return render_template("objection_status.html", values=values, found=None,
                               problem=bilingual(str(exc))), 404
    if refusal is not None:
        response = render_template("objection_status.html", values=values, found=None,
                                   problem=bilingual(throttled_message(refusal)))
        return response, 429, {"Retry-After": str(refusal.retry_after)}
    return render_template("objection_status.html", values=values, found=found, problem=None)
