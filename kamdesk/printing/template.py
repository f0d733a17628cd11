"""Read a visit-form template (docs/FORM_TEMPLATES.md, schema 1) for printing.

This is the printing side's own small reader of the JSON contract: it only needs labels, types,
options and ``show_if`` conditions, and it must print whatever a server publishes, so it is
lenient (an unknown field type prints as a text field) where the form engine validates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _

KNOWN_TYPES = frozenset(
    {
        "text",
        "long_text",
        "number",
        "money",
        "date",
        "time",
        "choice",
        "multi_choice",
        "yesno",
        "rating",
        "contact",
        "product",
        "attachment",
    }
)


@dataclass(frozen=True)
class Option:
    value: Any
    label: str


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple[Any, ...]  # ``equals`` is a one-value tuple


@dataclass(frozen=True)
class FormField:
    key: str
    type: str
    label: str
    help: str | None = None
    required: bool = False
    multiple: bool = False
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None


@dataclass(frozen=True)
class FormSection:
    key: str
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FormTemplateSpec:
    key: str
    version: int
    name: str
    visit_kind: str | None
    sections: tuple[FormSection, ...]

    def field(self, key: str) -> FormField | None:
        for section in self.sections:
            for field in section.fields:
                if field.key == key:
                    return field
        return None

    @property
    def fields(self) -> list[FormField]:
        return [field for section in self.sections for field in section.fields]


def _condition(raw: Any) -> Condition | None:
    if not isinstance(raw, Mapping) or not raw.get("field"):
        return None
    if "in" in raw and isinstance(raw["in"], Sequence) and not isinstance(raw["in"], str):
        return Condition(str(raw["field"]), tuple(raw["in"]))
    return Condition(str(raw["field"]), (raw.get("equals"),))


def parse_template(definition: Mapping[str, Any]) -> FormTemplateSpec:
    sections = []
    for index, raw_section in enumerate(definition.get("sections") or []):
        fields = []
        for raw in raw_section.get("fields") or []:
            kind = str(raw.get("type", "text"))
            fields.append(
                FormField(
                    key=str(raw.get("key", "")),
                    type=kind if kind in KNOWN_TYPES else "text",
                    label=str(raw.get("label", raw.get("key", ""))),
                    help=raw.get("help") or None,
                    required=bool(raw.get("required", False)),
                    multiple=bool(raw.get("multiple", False)),
                    options=tuple(
                        Option(o.get("value"), str(o.get("label", o.get("value", ""))))
                        for o in raw.get("options") or []
                        if isinstance(o, Mapping)
                    ),
                    show_if=_condition(raw.get("show_if")),
                )
            )
        sections.append(
            FormSection(str(raw_section.get("key", index)), str(raw_section.get("title", "")), tuple(fields))
        )
    return FormTemplateSpec(
        key=str(definition.get("key", "")),
        version=int(definition.get("version", 0) or 0),
        name=str(definition.get("name", "")),
        visit_kind=definition.get("visit_kind"),
        sections=tuple(sections),
    )


def _same(answer: Any, expected: Any) -> bool:
    """Equality that does not confuse ``True`` with ``1`` (a yes/no with a rating)."""
    if isinstance(answer, bool) or isinstance(expected, bool):
        return isinstance(answer, bool) and isinstance(expected, bool) and answer is expected
    return bool(answer == expected)


def condition_met(condition: Condition, answer: Any) -> bool:
    if isinstance(answer, list):
        return any(_same(item, value) for item in answer for value in condition.values)
    return any(_same(answer, value) for value in condition.values)


def visible_keys(template: FormTemplateSpec, answers: Mapping[str, Any]) -> set[str]:
    """Keys of the fields shown for ``answers``: a field whose condition is false is hidden, and
    so is one that depends on a hidden field (its answer was dropped)."""
    visible: set[str] = set()
    for field in template.fields:
        condition = field.show_if
        if condition is None or (
            condition.field in visible and condition_met(condition, answers.get(condition.field))
        ):
            visible.add(field.key)
    return visible


def value_text(field: FormField | None, value: Any) -> str:
    """The words a condition value stands for: "是" for ``true``, an option's label."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None:
        for option in field.options:
            if _same(option.value, value):
                return option.label
    return "" if value is None else str(value)


def condition_text(template: FormTemplateSpec, field: FormField) -> str:
    """ "仅当「客户是否提出投诉」为「是」时填写" for a conditional field, else ''."""
    condition = field.show_if
    if condition is None:
        return ""
    source = template.field(condition.field)
    name = source.label if source else condition.field
    values = [value_text(source, value) for value in condition.values]
    if len(values) == 1:
        return _("Fill in only if “{field}” is “{value}”").format(field=name, value=values[0])
    return _("Fill in only if “{field}” is one of: {values}").format(field=name, values=_(", ").join(values))


def answer_text(
    field: FormField,
    value: Any,
    *,
    contact_names: Mapping[str, str] | None = None,
    product_names: Mapping[str, str] | None = None,
) -> str:
    """An answer in words for the visit record ('' when unanswered)."""
    if value is None or value == "" or value == []:
        return ""
    separator = _(", ")
    match field.type:
        case "yesno":
            return value_text(None, bool(value))
        case "money":
            return format_yuan(int(value)) if isinstance(value, int | float) else str(value)
        case "rating":
            return _("{score} of 5").format(score=value)
        case "choice":
            return value_text(field, value)
        case "multi_choice":
            items = value if isinstance(value, list) else [value]
            return separator.join(value_text(field, item) for item in items)
        case "contact" | "product":
            names = (contact_names if field.type == "contact" else product_names) or {}
            items = value if isinstance(value, list) else [value]
            return separator.join(names.get(str(item), _("(removed)")) for item in items)
        case "attachment":
            items = value if isinstance(value, list) else [value]
            return separator.join(
                str(item.get("name", "")) if isinstance(item, Mapping) else str(item) for item in items
            )
        case "date":
            try:
                return date.fromisoformat(str(value)).strftime("%Y-%m-%d")
            except ValueError:
                return str(value)
        case "number":
            return f"{value:g}" if isinstance(value, float) else str(value)
        case _:
            return str(value)
