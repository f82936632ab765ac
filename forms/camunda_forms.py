"""Forms drawn in Camunda Modeler, as marshmallow schemas: Camunda Forms (form-js JSON, `.form` files)
and generated forms (`camunda:formData` / `camunda:formField`).

Pure: the service layer hands in the parsed documents and gets a schema back. Both kinds go through one
builder (`FieldRule` → marshmallow field), so a bad submission answers the same way over /engine-rest
and the pages: every field error at once, bilingual (`FormSchema`). Variables that are not fields of the
form pass through unchanged, as Camunda stores whatever a completion sends.

Sources: form-js schema (https://docs.camunda.io/docs/components/modeler/forms/form-element-library/),
Camunda 7 generated task forms (https://docs.camunda.org/manual/latest/user-guide/task-forms/).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import re2
from marshmallow import INCLUDE, ValidationError, fields, validate

from . import messages as m
from .base import FormSchema
from .checks import normalize_code, resident_id_problem, uscc_problem
from .confirm_membership import PHONE_PATTERN
from .fields import StrictBoolean

INPUT_TYPES = {
    "textfield": "string",
    "textarea": "string",
    "number": "number",
    "checkbox": "boolean",
    "radio": "option",
    "select": "option",
    "checklist": "options",
    "taglist": "options",
    "datetime": "date",
}
"""form-js component type → value kind; other components (text, html, image, button, spacer,
separator, group, iframe, table …) carry no value of their own."""
CONTAINERS = {"group"}
"""Components whose children are fields of the same form (their keys live at the top level)."""
MAX_NESTING = 32
"""Groups within groups a form may draw: Modeler's forms need a few; a deeper file is refused at deploy."""
MAX_PATTERN = 1000
"""Characters of a `validate.pattern`."""

GENERATED_TYPES = {"string": "string", "long": "integer", "boolean": "boolean", "date": "date",
                   "enum": "option"}
"""`camunda:formField type` → value kind (Camunda 7's built-in form field types)."""


def _problem_check(problem_of) -> Any:
    def check(value: Any) -> None:
        problem = problem_of(normalize_code(str(value))) if value not in (None, "") else None
        if problem:
            raise ValidationError(problem)
    return check


def _phone(value: Any) -> None:
    if value not in (None, "") and not re.fullmatch(PHONE_PATTERN, str(value).strip()):
        raise ValidationError(m.Msg("请填写有效的手机号或带区号的固定电话",
                                    "Enter a mobile number or a landline with area code"))


VALIDATORS = {"uscc": _problem_check(uscc_problem), "id_number": _problem_check(resident_id_problem),
              "phone": _phone}
"""The domain checks a drawn form may name (form-js custom property `validator`, or
`camunda:constraint name="validator" config="…"`): USCC check character, resident ID number, phone."""


class FormDefinitionInvalid(ValueError):
    """A `.form` file (or a `camunda:formData`) that is not a usable form; the message names the place."""


@dataclass
class FieldRule:
    """One field of a drawn form: its variable name, value kind and constraints."""

    key: str
    kind: str  # string | integer | number | boolean | option | options | date
    label: str | None = None
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    options: list[Any] | None = None
    readonly: bool = False
    default: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


class CamundaFormSchema(FormSchema):
    """Base of the schemas built here: bilingual messages (FormSchema), other variables kept (INCLUDE)."""

    class Meta:
        unknown = INCLUDE


def parse_form_js(name: str, content: bytes) -> dict[str, Any]:
    """The form-js document of file `name`, checked structurally.

    Returns the parsed JSON object. Raises FormDefinitionInvalid naming the file and the component when
    it is not JSON, has no `components` list, a component has no `type`, an input component has no
    `key`, two inputs share a key, or a constraint has the wrong type.
    """
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormDefinitionInvalid(f"{name}: 不是 JSON / not JSON ({exc})") from None
    except RecursionError:
        raise FormDefinitionInvalid(f"{name}: 嵌套过深 / nested too deeply") from None
    if not isinstance(document, dict) or not isinstance(document.get("components"), list):
        raise FormDefinitionInvalid(
            f"{name}: 缺少 components 列表 / no 'components' list (not a Camunda Form)")
    form_js_rules(document, name=name)
    return document


def form_js_rules(document: dict[str, Any], *, name: str = "form") -> list[FieldRule]:
    """The field rules of a form-js document; raises FormDefinitionInvalid as `parse_form_js` does."""
    rules: list[FieldRule] = []
    _collect(document.get("components") or [], name, "components", rules)
    seen: set[str] = set()
    for rule in rules:
        if rule.key in seen:
            raise FormDefinitionInvalid(f"{name}: 字段 key 重复 / duplicate field key '{rule.key}'")
        seen.add(rule.key)
    return rules


def _collect(components: list[Any], name: str, path: str, rules: list[FieldRule], depth: int = 0) -> None:
    if depth > MAX_NESTING:
        raise FormDefinitionInvalid(f"{name}: {path}: 分组嵌套超过 {MAX_NESTING} 层 / groups nested deeper "
                                    f"than {MAX_NESTING}")
    for index, component in enumerate(components):
        where = f"{name}: {path}[{index}]"
        if not isinstance(component, dict) or not isinstance(component.get("type"), str):
            raise FormDefinitionInvalid(f"{where}: 组件缺少 type / component has no 'type'")
        kind = INPUT_TYPES.get(component["type"])
        if component["type"] in CONTAINERS:
            children = component.get("components") or []
            if not isinstance(children, list):
                raise FormDefinitionInvalid(f"{where}: components 必须是列表 / 'components' must be a list")
            _collect(children, name, f"{path}[{index}].components", rules, depth + 1)
            continue
        if kind is None:
            continue
        key = component.get("key")
        if not isinstance(key, str) or not key.strip():
            raise FormDefinitionInvalid(
                f"{where} ({component['type']}): 输入组件缺少 key / input component has no 'key'")
        rules.append(_form_js_rule(component, kind, where))


def _form_js_rule(component: dict[str, Any], kind: str, where: str) -> FieldRule:
    checks = component.get("validate") or {}
    if not isinstance(checks, dict):
        raise FormDefinitionInvalid(f"{where}: validate 必须是对象 / 'validate' must be an object")
    rule = FieldRule(key=component["key"], kind=kind, label=component.get("label"),
                     required=bool(checks.get("required")), readonly=component.get("readonly") is True,
                     default=component.get("defaultValue"))
    for attr, source, expected in (("min_length", "minLength", int), ("max_length", "maxLength", int),
                                   ("minimum", "min", (int, float)), ("maximum", "max", (int, float)),
                                   ("pattern", "pattern", str)):
        value = checks.get(source)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, expected):
            raise FormDefinitionInvalid(
                f"{where}: validate.{source} 类型错误 / has the wrong type: {value!r}")
        setattr(rule, attr, value)
    if rule.pattern is not None:
        try:
            compile_pattern(rule.pattern)
        except ValueError as exc:
            raise FormDefinitionInvalid(
                f"{where}: validate.pattern 无效 / is not a usable pattern ({exc})") from None
    if kind in ("option", "options") and isinstance(component.get("values"), list):
        rule.options = [v.get("value") if isinstance(v, dict) else v for v in component["values"]]
    if component.get("type") == "number" and component.get("decimalDigits") == 0:
        rule.kind = "integer"
    properties = component.get("properties") or {}  # form-js custom properties
    if isinstance(properties, dict) and properties.get("validator"):
        rule.extra["validator"] = _known_validator(properties["validator"], where)
    if isinstance(component.get("conditional"), dict) and component["conditional"].get("hide"):
        # form-js hides the field by a FEEL condition on the other values and neither checks nor sends
        # it while hidden; the server cannot tell, so it checks the value only when one is sent
        rule.required = False
        rule.extra["conditional"] = component["conditional"]["hide"]
    if kind in ("option", "options") and rule.options == [] and not (
            component.get("valuesKey") or component.get("valuesExpression")):
        raise FormDefinitionInvalid(f"{where}: 选项列表为空 / has no options to choose from")
    _satisfiable(rule, where)
    return rule


def _satisfiable(rule: FieldRule, where: str) -> None:
    """FormDefinitionInvalid when no value could meet the field's constraints (a task drawn with it
    could never be completed): minLength above maxLength, min above max, negative lengths."""
    for name, value in (("minLength", rule.min_length), ("maxLength", rule.max_length)):
        if value is not None and value < 0:
            raise FormDefinitionInvalid(f"{where}: {name} 不能为负 / {name} must not be negative")
    if rule.min_length is not None and rule.max_length is not None and rule.min_length > rule.max_length:
        raise FormDefinitionInvalid(f"{where}: 最小长度 {rule.min_length} 大于最大长度 {rule.max_length} / "
                                    "minLength is above maxLength: no value could be entered")
    if rule.minimum is not None and rule.maximum is not None and rule.minimum > rule.maximum:
        raise FormDefinitionInvalid(f"{where}: 最小值 {rule.minimum} 大于最大值 {rule.maximum} / "
                                    "min is above max: no value could be entered")


def compile_pattern(pattern: str) -> Any:
    """`pattern` compiled by RE2 (google-re2), anchored as form-js matches it (the whole value).

    RE2 matches in time linear in the value, whatever the pattern, so a pattern drawn in Modeler cannot
    stall the server ("(a+)+$" and the like); in exchange it has no backreferences or lookaround, which
    are refused here, at deploy. Raises ValueError naming the reason.
    """
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"longer than {MAX_PATTERN} characters")
    anchored = pattern if pattern.startswith("^") else f"^(?:{pattern})$"
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 1 << 20  # bytes of the compiled program: plenty for a field pattern
    try:
        return re2.compile(anchored, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"{reason}; RE2 syntax: no backreferences or lookaround") from None


def _known_validator(name: Any, where: str) -> str:
    if name not in VALIDATORS:
        raise FormDefinitionInvalid(f"{where}: 未知的校验器 / unknown validator '{name}' "
                                    f"(known: {', '.join(sorted(VALIDATORS))})")
    return name


def form_data_rules(form_fields: list[dict[str, Any]], *, element: str = "") -> list[FieldRule]:
    """The rules of a generated form: `form_fields` as `workflows` describes `camunda:formField`s
    (id, type, label, default_value, validation [{name, config}], options [{id, name}]).

    Raises FormDefinitionInvalid for an unknown type or constraint, naming the element and field.
    """
    rules = []
    for spec in form_fields:
        where = f"{element} formField '{spec.get('id')}'"
        kind = GENERATED_TYPES.get(spec.get("type") or "string")
        if kind is None:
            raise FormDefinitionInvalid(f"{where}: 不支持的类型 / unsupported type '{spec.get('type')}'")
        rule = FieldRule(key=spec["id"], kind=kind, label=spec.get("label"),
                         default=spec.get("default_value"))
        rule.extra["camunda_type"] = spec.get("type") or "string"  # long → Long, date → Date (Camunda)
        if kind == "option":
            rule.options = [o["id"] for o in spec.get("options") or []]
            rule.extra["labels"] = {o["id"]: o.get("name") or o["id"] for o in spec.get("options") or []}
        for check in spec.get("validation") or []:
            _constraint(rule, check.get("name"), check.get("config"), where)
        if kind == "option" and not rule.options:
            raise FormDefinitionInvalid(f"{where}: 枚举字段没有选项 / an enum needs camunda:value options")
        _satisfiable(rule, where)
        rules.append(rule)
    return rules


def _constraint(rule: FieldRule, name: str | None, config: Any, where: str) -> None:
    try:
        if name == "required":
            rule.required = True
        elif name == "readonly":
            rule.readonly = True
        elif name == "minlength":
            rule.min_length = int(config)
        elif name == "maxlength":
            rule.max_length = int(config)
        elif name == "min":
            rule.minimum = _number(config)
        elif name == "max":
            rule.maximum = _number(config)
        elif name == "validator":
            rule.extra["validator"] = _known_validator(config, where)
        else:
            raise FormDefinitionInvalid(f"{where}: 不支持的约束 / unsupported constraint '{name}'")
    except (TypeError, ValueError) as exc:
        if isinstance(exc, FormDefinitionInvalid):
            raise
        raise FormDefinitionInvalid(f"{where}: 约束 {name} 的配置无效 / bad config {config!r}") from None


def _number(config: Any) -> float:
    """A constraint's number: 9 stays 9 (an int, as the message shows it), 2.5 a float."""
    value = float(config)
    return int(value) if value.is_integer() else value


class _DateText(fields.String):
    """An ISO date or date-time, kept as the text sent (JSON-safe); a `date`/`datetime` is formatted."""

    default_error_messages = {
        "invalid": m.Msg("日期格式无效（应为 YYYY-MM-DD）", "Not a valid date (YYYY-MM-DD)")}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, datetime | date):
            return value.isoformat()
        text = super()._deserialize(value, attr, data, **kwargs)
        for parse in (date.fromisoformat, datetime.fromisoformat):
            try:
                parse(text.replace("Z", "+00:00"))
                return text
            except ValueError:
                continue
        raise self.make_error("invalid")


class _CamundaDateText(_DateText):
    """A generated form's `date` field, as Camunda's DateFormType reads it: its default datePattern
    dd/MM/yyyy (`05/01/2026` is 5 January 2026), or an ISO date or date-time as everywhere here. A
    dd/MM/yyyy value is kept as its ISO date (`2026-01-05`), the form's other values being ISO."""

    default_error_messages = {
        "invalid": m.Msg("日期格式无效（应为 dd/MM/yyyy 或 YYYY-MM-DD）",
                         "Not a valid date (dd/MM/yyyy or YYYY-MM-DD)")}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str) and _DAY_MONTH_YEAR.fullmatch(value):
            day, month, year = (int(part) for part in value.split("/"))
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                raise self.make_error("invalid") from None
        return super()._deserialize(value, attr, data, **kwargs)


_DAY_MONTH_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
LONG_RANGE = (-(2**63), 2**63 - 1)


class _LongValue(fields.Integer):
    """A generated form's `long` field, as Camunda's LongFormType converts it: a whole number, or a
    String holding one (`"5"` → 5, read as Java's Long.parseLong does); a fraction, other text or a
    number beyond a Long is refused, naming the field."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            value = int(value)
        number = super()._validated(value)
        if not LONG_RANGE[0] <= number <= LONG_RANGE[1]:
            raise self.make_error("invalid")
        return number


class _Pattern(validate.Validator):
    """A form field's `validate.pattern`, matched by RE2 (see `compile_pattern`)."""

    error = m.Msg("格式不符合要求（{pattern}）", "Does not match the required pattern ({pattern})")

    def __init__(self, pattern: str) -> None:
        self.pattern, self.compiled = pattern, compile_pattern(pattern)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str) and self.compiled.match(value) is None:
            raise ValidationError(self.error.format(pattern=self.pattern))
        return value


def _field(rule: FieldRule) -> fields.Field:
    checks: list[Any] = []
    if rule.kind in ("string", "date") and (rule.min_length is not None or rule.max_length is not None):
        checks.append(validate.Length(min=rule.min_length, max=rule.max_length))
    if rule.kind in ("integer", "number") and (rule.minimum is not None or rule.maximum is not None):
        checks.append(validate.Range(min=rule.minimum, max=rule.maximum))
    if rule.pattern is not None and rule.kind == "string":
        checks.append(_Pattern(rule.pattern))
    if rule.options and rule.kind == "option":
        checks.append(validate.OneOf(rule.options))
    if rule.required and rule.kind in ("string", "date"):
        checks.append(validate.Length(min=1))
    if rule.extra.get("validator"):
        checks.append(VALIDATORS[rule.extra["validator"]])
    options = {"required": rule.required, "allow_none": not rule.required, "validate": checks,
               "metadata": {"label_zh": rule.label or rule.key, "label_en": rule.label or rule.key}}
    if rule.kind == "string":
        return fields.String(**options)
    generated = rule.extra.get("camunda_type")  # a camunda:formField's declared type
    if rule.kind == "date":
        return _CamundaDateText(**options) if generated == "date" else _DateText(**options)
    if rule.kind == "integer" and generated == "long":
        return _LongValue(**options)
    if rule.kind == "integer":
        return fields.Integer(strict=True, **options)  # 1.5 is refused, not cut to 1
    if rule.kind == "number":
        return fields.Float(allow_nan=False, **options)
    if rule.kind == "boolean":  # Camunda's boolean form type: a Boolean or the text "true"/"false"
        return StrictBoolean(**options)
    if rule.kind == "options":
        inner = fields.Raw(validate=validate.OneOf(rule.options)) if rule.options else fields.Raw()
        return fields.List(inner, **options)
    return fields.Raw(**options)  # option without a fixed list (valuesKey / valuesExpression)


def build_schema(rules: list[FieldRule], *, name: str = "DrawnForm") -> CamundaFormSchema:
    """A schema instance validating the fields of `rules`; load() raises marshmallow's ValidationError
    with every field error, other keys pass through. The schema class is built once per distinct set of
    rules (`_schema_class`: building one cost more than the rest of a form's validation, issue 18)."""
    return _schema_class(rules, name)()


_SCHEMAS: dict[tuple[str, str], type[CamundaFormSchema]] = {}
_SCHEMAS_KEPT = 512


def _schema_class(rules: list[FieldRule], name: str) -> type[CamundaFormSchema]:
    """The schema class of `rules`, kept under their repr (rules hold lists and dicts: unhashable;
    their repr is every field's value); at most `_SCHEMAS_KEPT` kept (all dropped beyond: bounded)."""
    key = (repr(rules), name)
    schema_cls = _SCHEMAS.get(key)
    if schema_cls is None:
        if len(_SCHEMAS) >= _SCHEMAS_KEPT:
            _SCHEMAS.clear()
        schema_cls = _SCHEMAS[key] = CamundaFormSchema.from_dict({r.key: _field(r) for r in rules}, name=name)
    return schema_cls


READ_ONLY = m.Msg("只读字段不可修改", "This field is read-only")


def validate_data(rules: list[FieldRule], data: dict[str, Any], current: dict[str, Any] | None = None
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clean data, {}) or ({}, every field error), as `forms.registry.validate`.

    A read-only field (generated form's `readonly` constraint, form-js `readonly: true`) cannot be
    written: a submitted value is refused unless it is null or what the form shows (`current[key]`, else
    the field's default), which a form viewer sends back unchanged. Camunda's ReadOnlyValidator refuses
    any submitted value of a generated form's read-only field.
    """
    current = current or {}
    locked = {rule.key: [READ_ONLY] for rule in rules if rule.readonly and data.get(rule.key) is not None
              and data[rule.key] != current.get(rule.key, rule.default)}
    try:
        clean = build_schema(rules).load(data)
    except ValidationError as err:
        return {}, {**err.normalized_messages(), **locked}
    return ({}, locked) if locked else (clean, {})


_COMPONENT = {"string": "textfield", "integer": "number", "number": "number", "boolean": "checkbox",
              "date": "datetime", "option": "select", "options": "checklist"}


def rules_to_form_js(rules: list[FieldRule], *, form_id: str = "generated") -> dict[str, Any]:
    """A form-js document drawing the fields of `rules` (a generated `camunda:formData` form), so the
    task page renders both kinds of drawn form with the same viewer."""
    components = []
    for rule in rules:
        component: dict[str, Any] = {"type": _COMPONENT[rule.kind], "key": rule.key,
                                     "id": f"Field_{rule.key}", "label": rule.label or rule.key}
        checks: dict[str, Any] = {"required": rule.required} if rule.required else {}
        for attr, name in (("min_length", "minLength"), ("max_length", "maxLength"), ("minimum", "min"),
                           ("maximum", "max"), ("pattern", "pattern")):
            if getattr(rule, attr) is not None:
                checks[name] = getattr(rule, attr)
        if checks:
            component["validate"] = checks
        if rule.kind == "integer":
            component["decimalDigits"] = 0
        if rule.kind == "date":
            component.update(subtype="date", dateLabel=rule.label or rule.key)
            component.pop("label")
        if rule.options is not None:
            labels = rule.extra.get("labels") or {}
            component["values"] = [{"label": str(labels.get(o, o)), "value": o} for o in rule.options]
        if rule.readonly:
            component["disabled"] = True  # shown, not submitted (form-js sends a readonly field's value)
        if rule.default is not None:
            component["defaultValue"] = rule.default
        components.append(component)
    return {"type": "default", "id": form_id, "components": components, "schemaVersion": 16}
