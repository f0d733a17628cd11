"""Parse a visit-form template (docs/FORM_TEMPLATES.md) into typed, checked definitions.

A template comes from a file we ship, from the server, or from an administrator's editor; a bad
one must be refused with a message naming the field and the problem, never half-rendered.
``parse_template`` collects every problem it finds (not only the first) into ``TemplateError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from enum import StrEnum
from typing import Any

from kamdesk.errors import UserError
from kamdesk.i18n import _

SCHEMA_VERSION = 1
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    TIME = "time"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YESNO = "yesno"
    RATING = "rating"
    CONTACT = "contact"
    PRODUCT = "product"
    ATTACHMENT = "attachment"


TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})
CHOICE_TYPES = frozenset({FieldType.CHOICE, FieldType.MULTI_CHOICE})
PICKER_TYPES = frozenset({FieldType.CONTACT, FieldType.PRODUCT})
VISIT_KINDS = frozenset({"onsite", "phone", "sms"})

# Record kinds, their parts, the part that must be answered for a row to exist, and the field
# types each part accepts.
RECORD_PARTS: dict[str, dict[str, frozenset[FieldType]]] = {
    "complaint": {
        "summary": TEXT_TYPES,
        "severity": frozenset({FieldType.CHOICE, FieldType.YESNO}),
    },
    "need": {
        "title": TEXT_TYPES,
        "description": TEXT_TYPES,
        "category": frozenset({FieldType.CHOICE, FieldType.TEXT}),
        "estimated_value": frozenset({FieldType.MONEY}),
    },
    "competitor": {
        "competitor": frozenset({FieldType.CHOICE, FieldType.TEXT}),
        "offer": TEXT_TYPES,
        "customer_reaction": TEXT_TYPES,
    },
    "task": {
        "title": TEXT_TYPES,
        "description": TEXT_TYPES,
        "due_on": frozenset({FieldType.DATE}),
    },
}
RECORD_MAIN_PART = {"complaint": "summary", "need": "title", "competitor": "competitor", "task": "title"}

# Field keys with a meaning beyond the form: they fill the visit's own columns.
RESERVED_KEYS: dict[str, frozenset[FieldType]] = {
    "contacts_met": frozenset({FieldType.CONTACT}),
    "satisfaction": frozenset({FieldType.RATING}),
    "summary": TEXT_TYPES,
}

_COMMON_PROPS = {"key", "type", "label", "help", "required", "show_if", "record"}
_TYPE_PROPS: dict[FieldType, set[str]] = {
    FieldType.TEXT: {"min_length", "max_length", "pattern", "placeholder"},
    FieldType.LONG_TEXT: {"min_length", "max_length", "pattern", "placeholder"},
    FieldType.NUMBER: {"min", "max", "integer", "unit"},
    FieldType.MONEY: {"min", "max"},
    FieldType.DATE: {"min", "max"},
    FieldType.TIME: set(),
    FieldType.CHOICE: {"options"},
    FieldType.MULTI_CHOICE: {"options", "min", "max"},
    FieldType.YESNO: set(),
    FieldType.RATING: set(),
    FieldType.CONTACT: {"multiple"},
    FieldType.PRODUCT: {"multiple"},
    FieldType.ATTACHMENT: {"max"},
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """``show_if``: the field shows when ``field``'s answer equals ``equals`` or is one of ``values``."""

    field: str
    equals: Any = None
    values: tuple[Any, ...] | None = None

    @property
    def wanted(self) -> tuple[Any, ...]:
        """The answers that show the field (``equals`` as a one-value tuple)."""
        return self.values if self.values is not None else (self.equals,)

    def holds(self, answer: Any) -> bool:
        if isinstance(answer, list):
            return any(_same(item, w) for item in answer for w in self.wanted)
        return answer is not None and any(_same(answer, w) for w in self.wanted)


def _same(answer: Any, wanted: Any) -> bool:
    """Equal and of the same kind: ``1`` never matches ``true`` (Python says ``1 == True``)."""
    return type(answer) is type(wanted) and answer == wanted


@dataclass(frozen=True)
class FieldDef:
    key: str
    type: FieldType
    label: str
    help: str | None = None
    required: bool = False
    show_if: Condition | None = None
    record: str | None = None  # "complaint" or "complaint.severity"
    options: tuple[Option, ...] = ()
    multiple: bool = False
    min: Any = None
    max: Any = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    integer: bool = False
    unit: str | None = None
    placeholder: str | None = None
    section: str = ""

    @property
    def record_kind(self) -> str | None:
        return self.record.split(".", 1)[0] if self.record else None

    @property
    def record_part(self) -> str | None:
        if not self.record:
            return None
        kind, _sep, part = self.record.partition(".")
        return part or RECORD_MAIN_PART[kind]

    def option_label(self, value: Any) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return str(value)


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    fields: tuple[FieldDef, ...]
    help: str | None = None


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    name: str
    visit_kind: str | None
    sections: tuple[SectionDef, ...]
    description: str | None = None
    fields_by_key: dict[str, FieldDef] = dataclass_field(default_factory=dict, compare=False, repr=False)

    @property
    def fields(self) -> list[FieldDef]:
        return [f for section in self.sections for f in section.fields]

    def field(self, key: str) -> FieldDef:
        return self.fields_by_key[key]


@dataclass(frozen=True)
class TemplateProblem:
    where: str  # "field “complaint”", "section “basic”" or "template"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class TemplateError(UserError):
    """The template is refused; ``problems`` names each field and what is wrong with it."""

    def __init__(self, problems: list[TemplateProblem], name: str = "") -> None:
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            _("The form template {name} is not valid:\n{problems}").format(name=name, problems=lines)
        )
        self.problems = problems


class _Checker:
    def __init__(self) -> None:
        self.problems: list[TemplateProblem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(TemplateProblem(where, message))


def _where_field(key: str) -> str:
    return _("field “{key}”").format(key=key)


def _where_section(key: str) -> str:
    return _("section “{key}”").format(key=key)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def parse_template(data: Any) -> Template:
    """Check ``data`` against the schema and return the typed template; raise ``TemplateError``."""
    check = _Checker()
    top = _("template")
    if not isinstance(data, dict):
        raise TemplateError([TemplateProblem(top, _("a template must be a JSON object"))])
    name = data.get("name")
    if data.get("schema") != SCHEMA_VERSION:
        check.add(
            top,
            _("unsupported schema {schema}; this kamdesk reads schema 1").format(schema=data.get("schema")),
        )
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        check.add(top, _("“key” must be lower-case letters, digits and _ (got {value})").format(value=key))
    version = data.get("version")
    if not _is_int(version) or version < 1:
        check.add(top, _("“version” must be a whole number from 1 (got {value})").format(value=version))
    if not isinstance(name, str) or not name.strip():
        check.add(top, _("“name” is missing"))
    visit_kind = data.get("visit_kind")
    if visit_kind is not None and visit_kind not in VISIT_KINDS:
        check.add(top, _("“visit_kind” must be onsite, phone or sms (got {value})").format(value=visit_kind))
    known_top = {"schema", "key", "version", "name", "visit_kind", "sections", "description"}
    for unknown in sorted(set(data) - known_top):
        check.add(top, _("unknown property “{name}”").format(name=unknown))

    sections_data = data.get("sections")
    sections: list[SectionDef] = []
    fields_by_key: dict[str, FieldDef] = {}
    if not isinstance(sections_data, list) or not sections_data:
        check.add(top, _("a template needs at least one section"))
        sections_data = []
    section_keys: set[str] = set()
    for index, section_data in enumerate(sections_data, start=1):
        if not isinstance(section_data, dict):
            check.add(_("section {number}").format(number=index), _("a section must be a JSON object"))
            continue
        section_key = section_data.get("key")
        where = _where_section(str(section_key) if section_key else str(index))
        if not isinstance(section_key, str) or not KEY_PATTERN.fullmatch(section_key):
            check.add(where, _("“key” must be lower-case letters, digits and _"))
            section_key = f"section_{index}"
        elif section_key in section_keys:
            check.add(where, _("the section key is used twice"))
        section_keys.add(section_key)
        title = section_data.get("title")
        if not isinstance(title, str) or not title.strip():
            check.add(where, _("“title” is missing"))
        for unknown in sorted(set(section_data) - {"key", "title", "fields", "help"}):
            check.add(where, _("unknown property “{name}”").format(name=unknown))
        fields_data = section_data.get("fields")
        if not isinstance(fields_data, list) or not fields_data:
            check.add(where, _("a section needs at least one field"))
            fields_data = []
        parsed: list[FieldDef] = []
        for position, field_data in enumerate(fields_data, start=1):
            parsed_field = _parse_field(check, field_data, section_key, position, fields_by_key)
            if parsed_field is not None:
                parsed.append(parsed_field)
                fields_by_key[parsed_field.key] = parsed_field
        sections.append(SectionDef(section_key, str(title or ""), tuple(parsed), section_data.get("help")))

    _check_records(check, list(fields_by_key.values()))
    if check.problems:
        raise TemplateError(check.problems, name=str(name or key or ""))
    return Template(
        key=key,
        version=version,
        name=name,
        visit_kind=visit_kind,
        sections=tuple(sections),
        description=data.get("description"),
        fields_by_key=fields_by_key,
    )


def _parse_field(
    check: _Checker, data: Any, section_key: str, position: int, earlier: dict[str, FieldDef]
) -> FieldDef | None:
    if not isinstance(data, dict):
        check.add(
            _where_section(section_key), _("field {number} must be a JSON object").format(number=position)
        )
        return None
    key = data.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        where = _("field {number} of section “{section}”").format(number=position, section=section_key)
        check.add(where, _("“key” must be lower-case letters, digits and _ (got {value})").format(value=key))
        return None
    where = _where_field(key)
    if key in earlier:
        check.add(where, _("the field key is used twice"))
        return None
    problems_before = len(check.problems)
    try:
        kind = FieldType(data.get("type"))
    except ValueError:
        check.add(where, _("unknown type “{type}”").format(type=data.get("type")))
        return None
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        check.add(where, _("“label” is missing"))
    for unknown in sorted(set(data) - _COMMON_PROPS - _TYPE_PROPS[kind]):
        check.add(
            where,
            _("property “{name}” does not apply to a {type} field").format(name=unknown, type=kind.value),
        )
    if "required" in data and not isinstance(data["required"], bool):
        check.add(where, _("“required” must be true or false"))
    if "help" in data and not isinstance(data["help"], str):
        check.add(where, _("“help” must be text"))
    if key in RESERVED_KEYS and kind not in RESERVED_KEYS[key]:
        allowed = ", ".join(sorted(t.value for t in RESERVED_KEYS[key]))
        check.add(
            where,
            _("the key “{key}” fills the visit itself and must be of type {types}").format(
                key=key, types=allowed
            ),
        )

    options: tuple[Option, ...] = ()
    if kind in CHOICE_TYPES:
        options = _parse_options(check, where, data.get("options"))
    low, high = data.get("min"), data.get("max")
    if kind in {FieldType.NUMBER, FieldType.MONEY}:
        for name, value in (("min", low), ("max", high)):
            if value is not None and not (_is_int(value) if kind is FieldType.MONEY else _is_number(value)):
                check.add(where, _("“{name}” must be a number (got {value})").format(name=name, value=value))
    elif kind is FieldType.DATE:
        for name, value in (("min", low), ("max", high)):
            if value is not None and _parse_date(value) is None:
                check.add(
                    where,
                    _("“{name}” must be a date YYYY-MM-DD (got {value})").format(name=name, value=value),
                )
    elif kind in {FieldType.MULTI_CHOICE, FieldType.ATTACHMENT}:
        for name, value in (("min", low), ("max", high)):
            if value is not None and (not _is_int(value) or value < 0):
                check.add(
                    where, _("“{name}” must be a whole number (got {value})").format(name=name, value=value)
                )
        if kind is FieldType.MULTI_CHOICE and _is_int(high) and options and high > len(options):
            check.add(where, _("“max” is larger than the number of options"))
    if len(check.problems) == problems_before and low is not None and high is not None:
        comparable = (_parse_date(low), _parse_date(high)) if kind is FieldType.DATE else (low, high)
        if comparable[0] is not None and comparable[1] is not None and comparable[0] > comparable[1]:
            check.add(where, _("“min” is greater than “max”"))
    min_length, max_length = data.get("min_length"), data.get("max_length")
    for name, value in (("min_length", min_length), ("max_length", max_length)):
        if value is not None and (not _is_int(value) or value < 0):
            check.add(
                where, _("“{name}” must be a whole number (got {value})").format(name=name, value=value)
            )
    if _is_int(min_length) and _is_int(max_length) and min_length > max_length:
        check.add(where, _("“min_length” is greater than “max_length”"))
    pattern = data.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as error:
            check.add(where, _("“pattern” is not a valid regular expression: {error}").format(error=error))
    if "integer" in data and not isinstance(data["integer"], bool):
        check.add(where, _("“integer” must be true or false"))
    if "multiple" in data and not isinstance(data["multiple"], bool):
        check.add(where, _("“multiple” must be true or false"))

    condition = (
        _parse_condition(check, where, key, data.get("show_if"), earlier) if "show_if" in data else None
    )

    record = data.get("record")
    if record is not None:
        kind_name, _sep, part = str(record).partition(".")
        if kind_name not in RECORD_PARTS:
            check.add(
                where,
                _("unknown record “{record}”; use complaint, need, competitor or task").format(record=record),
            )
            record = None
        else:
            part = part or RECORD_MAIN_PART[kind_name]
            if part not in RECORD_PARTS[kind_name]:
                check.add(
                    where,
                    _("“{record}” names no part of a {kind} record").format(record=record, kind=kind_name),
                )
                record = None
            elif kind not in RECORD_PARTS[kind_name][part]:
                check.add(
                    where,
                    _("a {type} field cannot fill “{record}”").format(type=kind.value, record=record),
                )
                record = None

    if len(check.problems) > problems_before:
        return None
    return FieldDef(
        key=key,
        type=kind,
        label=label,
        help=data.get("help"),
        required=bool(data.get("required", False)),
        show_if=condition,
        record=record,
        options=options,
        multiple=bool(data.get("multiple", False)),
        min=low,
        max=high,
        min_length=min_length,
        max_length=max_length,
        pattern=pattern,
        integer=bool(data.get("integer", False)),
        unit=data.get("unit"),
        placeholder=data.get("placeholder"),
        section=section_key,
    )


def _parse_options(check: _Checker, where: str, data: Any) -> tuple[Option, ...]:
    if not isinstance(data, list) or not data:
        check.add(where, _("a choice field needs a non-empty “options” list"))
        return ()
    options: list[Option] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str) or not item["value"]:
            check.add(where, _("option {number} needs a text “value”").format(number=index))
            continue
        if not isinstance(item.get("label"), str) or not item["label"].strip():
            check.add(where, _("option “{value}” needs a “label”").format(value=item["value"]))
            continue
        if item["value"] in seen:
            check.add(where, _("option value “{value}” is used twice").format(value=item["value"]))
            continue
        seen.add(item["value"])
        options.append(Option(item["value"], item["label"]))
    return tuple(options)


def _parse_condition(
    check: _Checker, where: str, key: str, data: Any, earlier: dict[str, FieldDef]
) -> Condition | None:
    if not isinstance(data, dict) or not isinstance(data.get("field"), str):
        check.add(where, _("“show_if” needs a “field” and “equals” or “in”"))
        return None
    target_key = data["field"]
    if target_key == key:
        check.add(where, _("“show_if” refers to the field itself"))
        return None
    target = earlier.get(target_key)
    if target is None:
        check.add(
            where,
            _("“show_if” refers to “{target}”, which is not an earlier field").format(target=target_key),
        )
        return None
    has_equals, has_in = "equals" in data, "in" in data
    if has_equals == has_in or set(data) - {"field", "equals", "in"}:
        check.add(where, _("“show_if” needs exactly one of “equals” or “in”"))
        return None
    values: list[Any] = [data["equals"]] if has_equals else data["in"]
    if not isinstance(values, list) or not values:
        check.add(where, _("“show_if” “in” must be a non-empty list"))
        return None
    if target.type in CHOICE_TYPES:
        allowed = {option.value for option in target.options}
        for value in values:
            if value not in allowed:
                check.add(
                    where,
                    _("“show_if” compares “{target}” with “{value}”, which is not one of its options").format(
                        target=target_key, value=value
                    ),
                )
                return None
    elif target.type is FieldType.YESNO and any(not isinstance(value, bool) for value in values):
        check.add(
            where,
            _("“show_if” on yes/no field “{target}” must compare with true or false").format(
                target=target_key
            ),
        )
        return None
    if has_equals:
        return Condition(target_key, equals=data["equals"])
    return Condition(target_key, values=tuple(values))


def _check_records(check: _Checker, fields: list[FieldDef]) -> None:
    """Each record (per section and kind) needs its main part, and each part at most once."""
    groups: dict[tuple[str, str], list[FieldDef]] = {}
    for item in fields:
        if item.record_kind:
            groups.setdefault((item.section, item.record_kind), []).append(item)
    for (section_key, kind), members in groups.items():
        parts = [member.record_part for member in members]
        main = RECORD_MAIN_PART[kind]
        if main not in parts:
            check.add(
                _where_section(section_key),
                _("the {kind} record has no field for its “{part}”").format(kind=kind, part=main),
            )
        for part in sorted({p for p in parts if p and parts.count(p) > 1}):
            check.add(
                _where_section(section_key),
                _("two fields fill “{kind}.{part}”").format(kind=kind, part=part),
            )
