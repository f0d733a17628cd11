"""Answers as text (for the what-changed view, lists and printed sheets) and the diff between visits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kamdesk.domain.forms.schema import FieldDef, FieldType, Template
from kamdesk.domain.forms.validation import is_blank, visible_keys
from kamdesk.i18n import _


def format_answer(item: FieldDef, value: Any, names: Mapping[str, str] | None = None) -> str:
    """``value`` as a manager reads it; ``names`` maps contact/product ids to their names."""
    names = names or {}
    if is_blank(value):
        return ""
    kind = item.type
    if kind is FieldType.YESNO:
        return _("Yes") if value else _("No")
    if kind is FieldType.MONEY and isinstance(value, int):
        return _("{amount} yuan").format(amount=f"{value / 100:,.2f}")
    if kind is FieldType.RATING:
        return "★" * int(value) + "☆" * (5 - int(value))
    if kind is FieldType.CHOICE:
        return item.option_label(value)
    if kind is FieldType.MULTI_CHOICE:
        return "、".join(item.option_label(v) for v in value)
    if kind in (FieldType.CONTACT, FieldType.PRODUCT):
        ids = value if isinstance(value, list) else [value]
        return "、".join(names.get(i, i) for i in ids)
    if kind is FieldType.ATTACHMENT:
        return "、".join(str(entry.get("name", "")) for entry in value)
    if kind is FieldType.NUMBER and item.unit:
        return f"{value:g} {item.unit}" if isinstance(value, float) else f"{value} {item.unit}"
    return str(value)


@dataclass(frozen=True)
class AnswerChange:
    key: str
    label: str
    before: str
    after: str


def diff_answers(
    template: Template,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    names: Mapping[str, str] | None = None,
) -> list[AnswerChange]:
    """Visible fields whose answer differs between ``before`` (e.g. the last visit) and ``after``."""
    shown_before = visible_keys(template, before)
    shown_after = visible_keys(template, after)
    changes: list[AnswerChange] = []
    for item in template.fields:
        old = before.get(item.key) if item.key in shown_before else None
        new = after.get(item.key) if item.key in shown_after else None
        old_text, new_text = format_answer(item, old, names), format_answer(item, new, names)
        if old_text != new_text:
            changes.append(AnswerChange(item.key, item.label, old_text, new_text))
    return changes
