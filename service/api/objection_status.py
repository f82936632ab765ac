"""/api/public/objections/status: an objector follows an objection with the receipt number and the
verification code printed on the receipt (no sign-in; issue 13 item 3).

A wrong pair is 404 whichever half is wrong; wrong pairs are counted like failed sign-ins (per receipt
number *from this client address*, and per client address, engine/login_throttle.py) and beyond the
limit answer 429. Counting per receipt across addresses let anyone lock an objector out of their own
receipt (breakit F20); guessing stays infeasible: the code has about 40 bits (objections.CODE_LENGTH)
and each address may try a few per window.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..consortium import objections
from ..errors import InvalidInput, NotFound
from .auth import client_address, context, login_failed, login_refusal, throttled_json
from .domain import bp
from .edge import load_body

THROTTLE_PREFIX = "objection:"  # the throttle's account key: receipt number @ address, apart from users
RECEIPT_KEPT = 16  # receipt numbers are 12 characters; the key stays within login_throttle.MAX_NAME


def check_status(receipt_no: str, verification_code: str, edge: str):
    """(status dict, None) or (None, Refusal) for this pair from this client.

    Raises:
        InvalidInput: a half is missing (naming it).
        NotFound: no objection with this pair (counted against the receipt and the address).
    """
    missing = {name: ["必填 / required"] for name, value in
               (("receiptNo", receipt_no), ("verificationCode", verification_code)) if not value.strip()}
    if missing:
        raise InvalidInput("请填写回执编号和查询码 / Give the receipt number and the code", missing)
    key = f"{THROTTLE_PREFIX}{receipt_no.strip()[:RECEIPT_KEPT]}@{client_address() or 'unknown'}"
    refusal = login_refusal(key, edge)
    if refusal is not None:
        return None, refusal
    try:
        return objections.lookup_status(
            context(), receipt_no=receipt_no, verification_code=verification_code
        ), None
    except NotFound:
        login_failed(key)
        raise


class StatusIn(Schema):
    """The body as the other /api bodies are read: a wrong type, an unknown or snake_case key is a 422
    naming it, before the throttle counts anything (hostile report A finding 13: `{"receiptNo": 123}`
    answered 404 and counted as a failed guess; `receipt_no` answered "receiptNo required")."""

    receiptNo = fields.String(required=True, validate=validate.Length(max=64))
    verificationCode = fields.String(required=True, validate=validate.Length(max=64))


@bp.post("/public/objections/status")
def objection_status():
    body = load_body(StatusIn)
    found, refusal = check_status(body["receiptNo"], body["verificationCode"], "objection_status_api")
    if refusal is not None:
        return throttled_json(refusal)
    return found
