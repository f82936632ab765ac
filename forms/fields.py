"""Field types the forms share: trimmed text, choices with labels, ISO dates, credit codes, file references.

Every `load` result goes into workflow task data, so each field deserialises to JSON-safe values only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate
from marshmallow.validate import Length

from . import messages as m
from .base import FormSchema, label
from .checks import Overridable, content_problem, normalize_code, uscc_problem


class Text(fields.String):
    """Trimmed text. Blank counts as missing for a required field, so "   " cannot satisfy a clause."""

    def __init__(
        self,
        *,
        min_length: int | None = None,
        max_length: int | None = 2000,
        validate: Any = None,
        **kwargs: Any,
    ) -> None:
        validators = list(validate) if isinstance(validate, (list, tuple)) else [validate] if validate else []
        if min_length or max_length:
            validators.insert(0, Length(min=min_length, max=max_length))
        required = kwargs.get("required", False)
        kwargs.setdefault("allow_none", not required)
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text and self.required:
            raise ValidationError(m.BLANK)
        return text


class Substantive(Text):
    """Text that must say something: no placeholder ("无", "暂无", "待定", "略" …) and at least
    `min_distinct` different characters; the refusal names the field by its label (issue 14, item 7)."""

    def __init__(self, *, min_distinct: int, **kwargs: Any) -> None:
        self.min_distinct = min_distinct
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return text
        zh = self.metadata.get("label_zh", attr or "")
        en = self.metadata.get("label_en", attr or "")
        problem = content_problem(text, zh, en, min_distinct=self.min_distinct)
        if problem is not None:
            raise ValidationError(problem)
        return text


class Choice(fields.String):
    """One value of a closed list; `choices` maps each value to its (Chinese, English) label."""

    def __init__(self, choices: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        self.choices = dict(choices)
        error = m.Msg(
            "必须是以下之一：" + m.join_zh([f"{k}（{zh}）" for k, (zh, _) in self.choices.items()]),
            "Must be one of: " + m.join_en([f"{k} ({en})" for k, (_, en) in self.choices.items()]) + ".",
        )
        super().__init__(validate=validate.OneOf(list(self.choices), error=error), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class IsoDate(fields.Date):
    """A calendar date loaded as its ISO string "YYYY-MM-DD", because task data must stay JSON-safe."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:  # type: ignore[override]
        if isinstance(value, dt.datetime) or (isinstance(value, str) and not _ISO_DATE.match(value.strip())):
            raise self.make_error("invalid", input=value, obj_type="date")
        if isinstance(value, str):
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs).isoformat()

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class CreditCode(fields.String):
    """A USCC, normalised (spaces dropped, full-width folded, upper-case) and format-checked.

    A check-character mismatch is *not* refused here: whether it blocks depends on the form (a member item
    accepts it with a reason, see `FormSchema.check_char_overrides`; a signatory is matched against
    members that were already checked).
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = normalize_code(super()._deserialize(value, attr, data, **kwargs))
        problem = uscc_problem(code)
        if problem is not None and not isinstance(problem, Overridable):
            raise ValidationError(problem)
        return code


class IdentifierText(Text):
    """An identifier typed by people (ID, passport number): normalised like a credit code."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return normalize_code(super()._deserialize(value, attr, data, **kwargs))


class HexDigest(Text):
    """A hex digest, lower-cased as `hashlib.hexdigest()` prints it."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).lower()


NOT_A_BOOLEAN = m.Msg("须为布尔值 true 或 false", "Must be a boolean, true or false.")


class StrictBoolean(fields.Boolean):
    """A Boolean, or the text "true"/"false" as Camunda's generated-form boolean type takes it; nothing
    else (report-a finding 6). marshmallow's `fields.Boolean` takes "yes", "on", "1", 1 … and even with
    `truthy={True, "true"}` it takes 1 and 1.0, which hash and compare equal to True: every form (built
    in or drawn) reads a tick box through this field, so /engine-rest, submit-form and the pages agree."""

    default_error_messages = {"invalid": NOT_A_BOOLEAN}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        raise self.make_error("invalid")


def confirmation(**kwargs: Any) -> fields.Boolean:
    """A tick box that must be ticked (integrity commitment, signed score sheet)."""
    return StrictBoolean(required=True, validate=validate.Equal(True, error=m.MUST_BE_TRUE), **kwargs)


class FileRefSchema(FormSchema):
    """A reference to an uploaded file; the bytes live in the file store, the hash pins the version."""

    file_id = Text(required=True, max_length=200, metadata=label("文件编号", "File id"))
    sha256 = HexDigest(
        required=True,
        validate=validate.Regexp(
            r"^[0-9a-f]{64}$",
            error=m.Msg("应为64位十六进制 SHA-256 摘要", "Must be a 64-digit hex SHA-256 digest."),
        ),
        metadata=label("SHA-256 摘要", "SHA-256 digest"),
    )
    name = Text(required=True, max_length=255, metadata=label("文件名", "File name"))


def rubric_score(rubric: Mapping[str, tuple[int, str, str]], name: str) -> fields.Float:
    """A required score from 0 to the rubric's maximum for `name`, labelled with its range."""
    maximum, zh, en = rubric[name]
    return fields.Float(
        required=True,
        validate=validate.Range(min=0, max=maximum),
        metadata=label(f"{zh}（0–{maximum}分）", f"{en} (0–{maximum})"),
    )
