"""`FormSchema`, the base of every form: bilingual messages, unknown fields refused, conditional rules.

marshmallow's stock messages are English and live on each field and validator instance, so the base class
rewrites them when a field is bound; schemas then only spell out the messages that carry domain meaning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from . import messages as m
from .checks import Overridable, uscc_problem


def label(zh: str, en: str, help_zh: str | None = None) -> dict[str, str]:
    """Field metadata read by the page renderer and `json_schema`."""
    meta = {"label_zh": zh, "label_en": en}
    if help_zh:
        meta["help_zh"] = help_zh
    return meta


class RequiredWhen(NamedTuple):
    """`field` must be non-blank when `when_field` takes one of `values` (e.g. an opinion when returning)."""

    field: str
    when_field: str
    values: tuple[str, ...]
    message: m.Msg


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class FormSchema(Schema):
    """Base of all form schemas.

    Unknown keys are refused (RAISE) rather than dropped, so a misspelt field name in an API call or a
    renamed field in a template surfaces as a field error instead of silently losing the answer.
    """

    form_key: ClassVar[str] = ""
    title_zh: ClassVar[str] = ""
    title_en: ClassVar[str] = ""
    #: Conditional requirements, enforced here and exported as if/then by `json_schema`.
    required_when: ClassVar[tuple[RequiredWhen, ...]] = ()
    #: credit-code field -> reason field: a check-character mismatch passes only with a reason.
    check_char_overrides: ClassVar[Mapping[str, str]] = {}

    error_messages = {"unknown": m.UNKNOWN_FIELD, "type": m.INVALID_INPUT_TYPE}

    class Meta:
        unknown = RAISE

    @classmethod
    def process_checks(cls, data: Mapping[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
        """Errors (same shape as `load`'s) that need the process variables; `data` is already loaded.

        Kept apart from `load` because the variables come from the instance, which only the service
        layer holds; forms stay pure.
        """
        return {}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        for field in _with_inner_fields(field_obj):
            _make_bilingual(field)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _form_rules(self, data: dict[str, Any], original_data: Any, **kwargs: Any) -> None:
        raw = original_data if isinstance(original_data, Mapping) else {}
        errors: dict[str, list[m.Msg]] = {}
        for rule in self.required_when:
            # A non-blank raw value missing from `data` already failed its own field check: don't pile on.
            if (
                data.get(rule.when_field) in rule.values
                and is_blank(data.get(rule.field))
                and is_blank(raw.get(rule.field))
            ):
                errors.setdefault(rule.field, []).append(rule.message)
        for code_field, reason_field in self.check_char_overrides.items():
            code = data.get(code_field)
            problem = uscc_problem(code) if code else None
            if isinstance(problem, Overridable) and is_blank(data.get(reason_field)):
                errors.setdefault(code_field, []).append(problem)
        if errors:
            raise ValidationError(errors)


def _with_inner_fields(field: fields.Field) -> Iterator[fields.Field]:
    """The field and the fields it contains (list items, tuple members, dict keys/values)."""
    yield field
    inner: list[fields.Field | None] = []
    if isinstance(field, fields.List):
        inner.append(field.inner)
    elif isinstance(field, fields.Tuple):
        inner.extend(field.tuple_fields)
    elif isinstance(field, fields.Mapping):
        inner.extend([field.key_field, field.value_field])
    for child in inner:
        if child is not None:
            yield from _with_inner_fields(child)


def _make_bilingual(field: fields.Field) -> None:
    field.error_messages = {
        key: m.bilingual(msg) if isinstance(msg, str) else msg for key, msg in field.error_messages.items()
    }
    for validator in field.validators:
        _make_validator_bilingual(validator)


_DEFAULT_VALIDATOR_MESSAGES: dict[str, m.Msg] = {
    validate.OneOf.default_message: m.ONE_OF,
    validate.Equal.default_message: m.EQUAL,
    validate.Regexp.default_message: m.PATTERN,
}


def _make_validator_bilingual(v: Any) -> None:
    error = getattr(v, "error", None)
    if isinstance(error, m.Msg):
        return
    if isinstance(v, validate.Length) and error is None:
        v.message_min, v.message_max = m.LENGTH_MIN, m.LENGTH_MAX
        v.message_all, v.message_equal = m.LENGTH_ALL, m.LENGTH_EQUAL
    elif isinstance(v, validate.Range) and error is None:
        low = m.RANGE_MIN if v.min_inclusive else m.RANGE_MIN_EXCL
        high = m.RANGE_MAX if v.max_inclusive else m.RANGE_MAX_EXCL
        v.message_min, v.message_max = low, high
        both_inclusive = v.min_inclusive and v.max_inclusive
        v.message_all = (
            m.RANGE_ALL if both_inclusive else m.Msg(f"{low.zh}，且{high.zh}", f"{low.en} {high.en}")
        )
    elif isinstance(error, str):
        v.error = _DEFAULT_VALIDATOR_MESSAGES.get(error) or m.bilingual(error)


def duplicate_errors(raw_items: Any, key: Any = lambda v: v) -> dict[int, list[m.Msg]]:
    """Errors by list index for items whose `key` repeats an earlier item's (None keys are ignored).

    Works on the raw input so that indices match what the user sent even when some items failed to load.
    """
    if not isinstance(raw_items, list):
        return {}
    first_index: dict[Any, int] = {}
    errors: dict[int, list[m.Msg]] = {}
    for index, item in enumerate(raw_items):
        try:
            k = key(item)
        except (TypeError, AttributeError):
            k = None
        if k is None or k == "":
            continue
        if k in first_index:
            errors[index] = [m.DUPLICATE_ITEM.format(index=index + 1, first=first_index[k] + 1)]
        else:
            first_index[k] = index
    return errors
