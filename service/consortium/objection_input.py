"""What a public objection may contain (breakit F11): bounded lengths, no invisible-only names, a
reachable contact. Anonymous objections are refused (DOMAIN-NOTES §3.2); a name made only of
whitespace or zero-width characters is anonymous too.
"""

from __future__ import annotations

import re
import unicodedata

from forms.confirm_membership import PHONE_PATTERN

from ..errors import InvalidInput

MAX_LENGTHS = {  # characters; the column widths of `objection` (reason: a page of text)
    "application_no": 40,
    "objector_name": 100,
    "objector_unit": 200,
    "contact": 100,
    "reason": 5000,
}
LABELS = {
    "application_no": ("申请编号", "Application number"),
    "objector_name": ("姓名或单位名称", "Name"),
    "objector_unit": ("所在单位", "Organisation"),
    "contact": ("联系方式", "Contact"),
    "reason": ("异议理由", "Reason"),
}
MIN_REASON = 10
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"


_COUNTRY = re.compile(r"^(?:\+86|0086|86)-?")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")


def phone_number(contact: str) -> str | None:
    """The phone number `contact` writes, in one spelling, or None when it is no phone number: without
    China's country code (`+86`, `0086`, `86`), spaces and dashes (`+86 138-0000-0001` → `13800000001`;
    a landline `0532 8888 6666` → `053288886666`, an extension kept after one dash). Report-a finding 12:
    `+86 13800000001` and `13800000001` are one contact, so the duplicate rule sees them as one."""
    compact = re.sub(r"[\s\u3000]+", "", contact or "")
    candidates = [compact]
    bare = _COUNTRY.sub("", compact, count=1)
    if bare != compact:
        candidates.insert(0, bare)
    for text in candidates:
        if _MOBILE.match(text.replace("-", "")):
            return text.replace("-", "")
        landline = _LANDLINE.match(text) or _LANDLINE.match(_landline_without_inner_dashes(text))
        if landline:
            area, number, extension = landline.groups()
            return f"{area}{number}" + (f"-{extension}" if extension else "")
    return None


def _landline_without_inner_dashes(text: str) -> str:
    """`0532-8888-6666` as `053288886666` (dashes inside the number are grouping, not an extension)."""
    digits = text.replace("-", "")
    return digits if re.fullmatch(r"0\d{9,11}", digits) else text


def visible(text: str | None) -> str:
    """`text` without format characters (zero-width spaces, joiners, BOM, soft hyphen: Unicode Cf) and
    with every run of whitespace (including U+3000) made one space, trimmed."""
    kept = "".join(ch for ch in (text or "") if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", kept).strip()


def checked(values: dict[str, str | None]) -> dict[str, str]:
    """The objection's fields cleaned (`visible`; the contact without any space, kept as written: the
    duplicate rule compares phone numbers in one spelling, publicity.contact_key).

    Raises:
        InvalidInput: `{field: [message]}` for each field too long, an anonymous name, a contact that is
            neither a phone number nor an e-mail address, or a reason under 10 visible characters.
    """
    clean = {name: visible(value) for name, value in values.items()}
    clean["contact"] = clean.get("contact", "").replace(" ", "")
    phone = phone_number(clean["contact"])  # kept as written; the duplicate rule compares this spelling
    problems: dict[str, list[str]] = {}
    for name, limit in MAX_LENGTHS.items():
        if len(clean.get(name) or "") > limit:
            zh, en = LABELS[name]
            problems[name] = [f"{zh}最长 {limit} 个字符 / {en}: at most {limit} characters"]
    if not clean.get("objector_name"):
        problems.setdefault("objector_name", []).append(
            "请填写真实姓名或单位名称，匿名异议不予受理 / Anonymous objections are not accepted")
    contact = clean.get("contact") or ""
    if not contact:
        problems.setdefault("contact", []).append("请填写联系方式 / A contact is required")
    elif not (phone is not None or re.match(PHONE_PATTERN, contact) or re.match(EMAIL_PATTERN, contact)):
        problems.setdefault("contact", []).append(
            "联系方式须为手机号、带区号的固定电话或电子邮箱 / "
            "The contact must be a phone number or an e-mail address")
    reason = (clean.get("reason") or "").replace(" ", "")
    if "reason" in problems:  # too long: saying it is too short as well would contradict it
        pass
    elif len(reason) < MIN_REASON:
        problems["reason"] = ["请写明异议理由（至少 10 字） / State the reason (at least 10 characters)"]
    elif len(set(reason)) < 3:
        problems["reason"] = ["异议理由不能只重复个别字符，请写明具体理由 / "
                              "The reason repeats one or two characters: state the actual grounds"]
    if problems:
        raise InvalidInput("异议信息不完整 / The objection is incomplete", problems)
    return clean
