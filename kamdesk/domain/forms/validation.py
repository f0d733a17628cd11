"""Answer validation: pure functions shared by the form UI (errors beside the field) and the server.

Nothing here touches a database: the caller passes the ids of the account's contacts and products.
Hidden fields (``show_if`` false) are neither required nor validated, and ``clean_answers`` drops
their answers, so what is submitted is exactly what the manager could see.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kamdesk.domain.forms.schema import FieldDef, FieldType, Template, parse_template
from kamdesk.i18n import _

SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class FieldError:
    """One problem with one answer; ``field`` is the field key (shown beside that field)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, list) and not value)
    )


def visible_keys(template: Template, answers: Mapping[str, Any]) -> set[str]:
    """Keys of the fields shown for ``answers`` (a field whose controlling field is hidden is hidden)."""
    shown: set[str] = set()
    for item in template.fields:
        condition = item.show_if
        if condition is None or (condition.field in shown and condition.holds(answers.get(condition.field))):
            shown.add(item.key)
    return shown


def clean_answers(template: Template, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that will be kept: visible, known, non-blank (strings stripped of edge spaces)."""
    shown = visible_keys(template, answers)
    cleaned: dict[str, Any] = {}
    for item in template.fields:
        if item.key not in shown or is_blank(answers.get(item.key)):
            continue
        value = answers[item.key]
        cleaned[item.key] = value.strip() if isinstance(value, str) else value
    return cleaned


def validate_answers(
    template: Template,
    answers: Mapping[str, Any],
    *,
    contact_ids: Collection[str],
    product_ids: Collection[str],
) -> list[FieldError]:
    """Every problem with ``answers`` for ``template``, in form order."""
    errors: list[FieldError] = []
    for unknown in sorted(set(answers) - set(template.fields_by_key)):
        errors.append(FieldError(unknown, _("This form has no field “{key}”.").format(key=unknown)))
    shown = visible_keys(template, answers)
    for item in template.fields:
        if item.key not in shown:
            continue
        value = answers.get(item.key)
        if is_blank(value):
            if item.required:
                errors.append(FieldError(item.key, _("“{label}” is required.").format(label=item.label)))
            continue
        message = check_value(item, value, contact_ids=contact_ids, product_ids=product_ids)
        if message:
            errors.append(FieldError(item.key, message))
    return errors


def validate_submission(
    definition: dict[str, Any],
    answers: dict[str, Any],
    *,
    contact_ids: set[str],
    product_ids: set[str],
) -> list[FieldError]:
    """The server's entry point: parse the template JSON and check ``answers`` against it.

    Raises ``TemplateError`` when the definition itself is bad."""
    return validate_answers(
        parse_template(definition), answers, contact_ids=contact_ids, product_ids=product_ids
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not DATE_PATTERN.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def check_value(
    item: FieldDef, value: Any, *, contact_ids: Collection[str], product_ids: Collection[str]
) -> str | None:
    """The message for a non-blank ``value`` of ``item`` that breaks a rule, else ``None``."""
    label = item.label
    kind = item.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        if not isinstance(value, str):
            return _("“{label}” must be text.").format(label=label)
        text = value.strip()
        if item.min_length is not None and len(text) < item.min_length:
            return _("“{label}” needs at least {count} characters.").format(
                label=label, count=item.min_length
            )
        if item.max_length is not None and len(text) > item.max_length:
            return _("“{label}” allows at most {count} characters.").format(
                label=label, count=item.max_length
            )
        if item.pattern and not re.fullmatch(item.pattern, text):
            return _("“{label}” is not in the expected format.").format(label=label)
        return None
    if kind is FieldType.NUMBER:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return _("“{label}” must be a number.").format(label=label)
        if item.integer and not float(value).is_integer():
            return _("“{label}” must be a whole number.").format(label=label)
        return _range_message(label, value, item.min, item.max)
    if kind is FieldType.MONEY:
        if not _is_int(value):
            return _("“{label}” must be an amount in fen.").format(label=label)
        low = None if item.min is None else f"{item.min / 100:.2f}"
        high = None if item.max is None else f"{item.max / 100:.2f}"
        if item.min is not None and value < item.min:
            return _("“{label}” must be at least {value} yuan.").format(label=label, value=low)
        if item.max is not None and value > item.max:
            return _("“{label}” must be at most {value} yuan.").format(label=label, value=high)
        return None
    if kind is FieldType.DATE:
        day = _parse_date(value)
        if day is None:
            return _("“{label}” must be a date (YYYY-MM-DD).").format(label=label)
        if item.min is not None and day < date.fromisoformat(item.min):
            return _("“{label}” must be on or after {value}.").format(label=label, value=item.min)
        if item.max is not None and day > date.fromisoformat(item.max):
            return _("“{label}” must be on or before {value}.").format(label=label, value=item.max)
        return None
    if kind is FieldType.TIME:
        if not isinstance(value, str) or not TIME_PATTERN.fullmatch(value):
            return _("“{label}” must be a time (HH:MM).").format(label=label)
        return None
    if kind is FieldType.CHOICE:
        if not isinstance(value, str) or value not in {option.value for option in item.options}:
            return _("“{label}”: choose one of the listed options.").format(label=label)
        return None
    if kind is FieldType.MULTI_CHOICE:
        allowed = {option.value for option in item.options}
        if (
            not isinstance(value, list)
            or any(not isinstance(v, str) or v not in allowed for v in value)
            or len(set(value)) != len(value)
        ):
            return _("“{label}”: choose from the listed options.").format(label=label)
        return _count_message(label, len(value), item.min, item.max)
    if kind is FieldType.YESNO:
        return None if isinstance(value, bool) else _("“{label}” must be yes or no.").format(label=label)
    if kind is FieldType.RATING:
        if not _is_int(value) or not 1 <= value <= 5:
            return _("“{label}” must be a rating from 1 to 5.").format(label=label)
        return None
    if kind in (FieldType.CONTACT, FieldType.PRODUCT):
        known = contact_ids if kind is FieldType.CONTACT else product_ids
        chosen = value if item.multiple else [value]
        if item.multiple and not isinstance(value, list):
            return _("“{label}” must be a list.").format(label=label)
        for choice in chosen:
            if not isinstance(choice, str) or choice not in known:
                if kind is FieldType.CONTACT:
                    return _("“{label}”: choose a contact of this account.").format(label=label)
                return _("“{label}”: choose a product this account holds.").format(label=label)
        return None
    if kind is FieldType.ATTACHMENT:
        if not isinstance(value, list):
            return _("“{label}” must be a list of files.").format(label=label)
        for entry in value:
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("sha256"), str)
                or not SHA256_PATTERN.fullmatch(entry["sha256"])
                or not isinstance(entry.get("name"), str)
                or not entry["name"]
                or not _is_int(entry.get("size"))
                or entry["size"] < 0
            ):
                return _("“{label}” holds a file reference that is not valid.").format(label=label)
        if item.max is not None and len(value) > item.max:
            return _count_message(label, len(value), None, item.max)
        return None
    return None  # pragma: no cover - every type is handled above


def _range_message(label: str, value: float, low: float | None, high: float | None) -> str | None:
    if low is not None and value < low:
        return _("“{label}” must be at least {value}.").format(label=label, value=low)
    if high is not None and value > high:
        return _("“{label}” must be at most {value}.").format(label=label, value=high)
    return None


def _count_message(label: str, count: int, low: int | None, high: int | None) -> str | None:
    if low is not None and count < low:
        return _("“{label}”: choose at least {count}.").format(label=label, count=low)
    if high is not None and count > high:
        return _("“{label}”: choose at most {count}.").format(label=label, count=high)
    return None
