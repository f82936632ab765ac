"""Pure domain checks shared by the forms: credit codes, ID numbers, member thresholds.

They return a bilingual problem (or None) instead of raising, so a schema decides whether a problem blocks,
and the same rules can run outside marshmallow (imports, registry screens).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .messages import Msg


class Overridable(Msg):
    """A problem that blocks unless someone records a reason (e.g. a pilot-era credit code)."""


# --- Unified Social Credit Code, GB 32100-2015 (DOMAIN-NOTES §8.1) -------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, ...


def normalize_code(value: str) -> str:
    """Drop all whitespace, fold full-width characters to half-width (NFKC) and upper-case.

    Users paste codes from Word documents and Chinese input methods, which produce "９１３７…" and "x".
    """
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def normalize_uscc(s: str) -> str:
    return normalize_code(s)


def uscc_check_char(code17: str) -> str:
    """The GB 32100 check character for the first 17 characters.

    Raises:
        ValueError: `code17` is not 17 characters of the USCC alphabet.
    """
    if len(code17) != 17 or any(ch not in _USCC_VALUE for ch in code17):
        raise ValueError(f"expected 17 characters of {USCC_ALPHABET!r}, got {code17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(code17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Msg | None:
    """Why `code` (already normalised) is not an acceptable USCC, or None.

    A format problem (length, alphabet, division code) is a plain `Msg`: always blocking. A check character
    mismatch is an `Overridable`: some codes issued in pilot areas fail the check yet are legally valid, so
    staff may accept them with a reason. Positions 1–2 are not checked here: the notes rate them a warning.
    """
    if not code:
        return Msg("请填写统一社会信用代码", "The unified social credit code is missing.")
    if len(code) != 18:
        return Msg(
            f"统一社会信用代码应为18位，实为{len(code)}位",
            f"A unified social credit code has 18 characters, not {len(code)}.",
        )
    bad = sorted({ch for ch in code if ch not in _USCC_VALUE})
    if bad:
        shown = "".join(bad)
        return Msg(
            f"统一社会信用代码含有不允许的字符：{shown}（仅允许数字和除 I、O、S、V、Z 外的大写字母）",
            f"The unified social credit code contains characters that are not allowed: {shown} "
            "(digits and capital letters except I, O, S, V, Z).",
        )
    if not code[2:8].isdigit():
        return Msg(
            "统一社会信用代码第3至8位应为行政区划代码（数字）",
            "Positions 3–8 of a unified social credit code are the administrative-division code (digits).",
        )
    if uscc_check_char(code[:17]) != code[17]:
        return Overridable(
            "统一社会信用代码校验位不符，请核对；试点期颁发的代码须注明核对情况",
            "The check character of the unified social credit code does not match; check the code. "
            "A pilot-era code needs a note saying how it was verified.",
        )
    return None


# --- Resident identity number, GB 11643-1999 (DOMAIN-NOTES §8.2) ----------------------------------------

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_ID_CHECK = "10X98765432"
_ID_FORMAT = re.compile(r"^\d{17}[\dX]$")


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_problem(number: str, *, today: dt.date | None = None) -> Msg | None:
    """Why `number` (normalised) is not a well-formed 18-character ID number, or None.

    Checks format, birth date and check character only; the region prefix is not looked up, because
    region tables lag behind new and renamed districts (DOMAIN-NOTES §8.2).
    """
    if not _ID_FORMAT.match(number):
        return Msg(
            "身份证件号码应为18位：17位数字加1位数字或X",
            "The ID number must have 18 characters: 17 digits and a digit or X.",
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born > (today or dt.date.today()):
        return Msg(
            f"身份证件号码中的出生日期 {number[6:14]} 无效",
            f"The birth date {number[6:14]} in the ID number is not a valid date.",
        )
    if resident_id_check_char(number[:17]) != number[17]:
        return Msg(
            "身份证件号码校验位不符，请核对",
            "The check character of the ID number does not match; check the number.",
        )
    return None


# --- Member thresholds (PROCEDURE "Conditions to check") --------------------------------------------------

MIN_ENTERPRISES = 3
MIN_UNIVERSITIES_INSTITUTES = 2


def count_members(members: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(enterprises, universities + institutes) among the invited members."""
    categories = [m.get("category") for m in members]
    return (
        categories.count("enterprise"),
        categories.count("university") + categories.count("institute"),
    )


def member_threshold_problem(members: Iterable[Mapping[str, Any]]) -> Msg | None:
    """Why the membership falls short of "in principle ≥3 enterprises and ≥2 universities/institutes".

    "In principle" (原则上) means fewer is allowed with a written justification, so the caller decides what
    the problem blocks.
    """
    enterprises, academic = count_members(members)
    if enterprises >= MIN_ENTERPRISES and academic >= MIN_UNIVERSITIES_INSTITUTES:
        return None
    return Msg(
        f"成员单位原则上应有不少于{MIN_ENTERPRISES}家企业和不少于{MIN_UNIVERSITIES_INSTITUTES}家高校院所，"
        f"当前为企业{enterprises}家、高校院所{academic}家；不足时须填写书面说明",
        f"In principle the members include at least {MIN_ENTERPRISES} enterprises and at least "
        f"{MIN_UNIVERSITIES_INSTITUTES} universities or institutes; there are {enterprises} and {academic}. "
        "Fewer need a written justification.",
    )


# --- What a USCC says about its holder, GB 32100-2015 §4 (registration department, category, division) --

QINGDAO_DIVISION_PREFIX = "3702"
#: Provinces by the first two digits of the division code (GB/T 2260), for messages naming where a unit is.
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
#: Registration departments (1st character) and, under them, organisation kinds (2nd character).
REGISTRATION_KINDS = {
    "11": ("机关", "a government organ"),
    "12": ("事业单位", "a public institution"),
    "13": ("群众团体", "a mass organisation"),
    "19": ("机构编制部门登记的其他机构", "another body registered by the staffing office"),
    "51": ("社会团体", "a social organisation"),
    "52": ("民办非企业单位（社会服务机构）", "a private non-enterprise unit"),
    "53": ("基金会", "a foundation"),
    "59": ("民政部门登记的其他组织", "another body registered by civil affairs"),
    "91": ("企业", "an enterprise"),
    "92": ("个体工商户", "an individual business"),
    "93": ("农民专业合作社", "a farmers' cooperative"),
}


def registration_kind(code: str) -> tuple[str, str]:
    """(Chinese, English) of what positions 1–2 of a normalised USCC say the holder is."""
    found = REGISTRATION_KINDS.get(code[:2])
    if found:
        return found
    return (f"登记管理部门代码为 {code[:1]} 的机构", f"a body with registration-department code {code[:1]}")


def division_place(code: str) -> str:
    """Where positions 3–8 (registration-authority division code) of a normalised USCC place its holder."""
    division = code[2:8]
    if division.startswith(QINGDAO_DIVISION_PREFIX):
        return f"青岛市（{division}）"
    return f"{PROVINCES.get(division[:2], '青岛市以外')}（{division}）"


def lead_unit_problem(code: str, category: str) -> Msg | None:
    """Why the holder of USCC `code` (normalised, well-formed) may not lead a consortium, or None.

    Guideline 四（一）1: "牵头单位须为我市独立注册的创新领军企业". The registration authority's division
    code (positions 3–8) must be in Qingdao (3702xx), the registration department and kind (positions
    1–2) must say enterprise (91: registered by market supervision as an enterprise; 92 individual
    businesses and 93 cooperatives are not enterprises), and the register's category must be enterprise.
    """
    problems_zh, problems_en = [], []
    if not code[2:8].startswith(QINGDAO_DIVISION_PREFIX):
        problems_zh.append(f"登记管理机关行政区划码显示其在{division_place(code)}登记，不在青岛市（3702）")
        problems_en.append(
            f"its registration authority's division code {code[2:8]} is outside Qingdao (3702)"
        )
    if code[:2] != "91":
        zh, en = registration_kind(code)
        problems_zh.append(f"统一社会信用代码第1–2位（{code[:2]}）表明其为{zh}，不是企业")
        problems_en.append(f"positions 1–2 of its credit code ({code[:2]}) say it is {en}, not an enterprise")
    elif category != "enterprise":
        problems_zh.append("单位名录中的类别不是企业")
        problems_en.append("the register does not list it as an enterprise")
    if not problems_zh:
        return None
    return Overridable(
        "牵头单位须为我市独立注册的企业（指引 四（一）1）：" + "；".join(problems_zh),
        "The lead unit must be an enterprise independently registered in Qingdao (guideline 4.1.1): "
        + "; ".join(problems_en) + ".",
    )


#: Registration kinds each register category may have; `None` means any.
CATEGORY_KINDS: dict[str, frozenset[str] | None] = {
    "enterprise": frozenset({"91"}),
    "university": frozenset({"11", "12", "13", "19", "51", "52", "53", "59"}),
    "institute": frozenset({"11", "12", "13", "19", "51", "52", "53", "59"}),
    "other": None,
}
CATEGORY_NAMES = {
    "enterprise": ("企业", "an enterprise"),
    "university": ("高等院校", "a university"),
    "institute": ("科研院所", "a research institute"),
    "other": ("其他", "other"),
}


def category_problem(code: str, category: str) -> Msg | None:
    """Why `category` does not fit USCC `code` (normalised), or None.

    Universities and institutes are registered by the staffing office (1x: public institutions) or civil
    affairs (5x: social organisations, private non-enterprise units); enterprises by market supervision
    as enterprises (91). A research institute registered as a company (91, e.g. a 新型研发机构) is an
    `Overridable`: it counts as an institute only once a clerk confirms it with a reason.
    """
    allowed = CATEGORY_KINDS.get(category)
    if allowed is None or code[:2] in allowed:
        return None
    zh, en = registration_kind(code)
    cat_zh, cat_en = CATEGORY_NAMES[category]
    if category == "institute" and code[:2] == "91":
        return Overridable(
            f"该单位统一社会信用代码表明其为{zh}；以企业登记的研发机构须经科技主管部门确认后方可作为{cat_zh}",
            f"The credit code says this is {en}; a research institute registered as a company counts as "
            f"{cat_en} only once a clerk confirms it.",
        )
    return Msg(
        f"单位类别“{cat_zh}”与统一社会信用代码不符：第1–2位（{code[:2]}）表明其为{zh}",
        f'The category "{cat_en}" does not fit the credit code: positions 1–2 ({code[:2]}) say it is {en}.',
    )


# --- Content that means something (issue 14, item 7) ----------------------------------------------------

#: What people type to get past a required field without saying anything (compared without spaces and
#: punctuation, case-insensitively).
PLACEHOLDERS = frozenset({
    "无", "暂无", "没有", "待定", "待补充", "待完善", "略", "同上", "见附件", "详见附件", "另附", "不详",
    "空", "未定", "暂缺", "后补", "na", "n/a", "none", "nil", "tbd", "todo", "test", "测试", "xxx",
})
_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)


def content_problem(text: str, label_zh: str, label_en: str, *, min_distinct: int) -> Msg | None:
    """Why `text` says nothing as the clause or section named (`label_zh`, `label_en`), or None.

    Refused: a placeholder ("无", "暂无", "待定", "略" …, `PLACEHOLDERS`) and text with fewer than
    `min_distinct` different characters (letters, digits, CJK; spaces and punctuation do not count), so
    twenty repeated characters do not pass as a plan section.
    """
    core = _NOT_CONTENT.sub("", text).lower()
    if core in PLACEHOLDERS or text.strip().lower() in PLACEHOLDERS:
        return Msg(
            f"“{label_zh}”不能只填写“{text.strip()}”，请写明具体内容",
            f'"{label_en}" cannot be just "{text.strip()}"; state the actual content.',
        )
    distinct = len(set(core))
    if distinct < min_distinct:
        return Msg(
            f"“{label_zh}”内容过于简单：至少应有{min_distinct}个不同的字，实为{distinct}个",
            f'"{label_en}" says too little: at least {min_distinct} different characters, not {distinct}.',
        )
    return None
