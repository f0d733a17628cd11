"""Which structured records (complaint, need, competitor note, task) a set of answers asks for.

Fields marked ``record: "kind"`` or ``record: "kind.part"`` in one section make one record of that
kind; it exists when its main part (e.g. the complaint summary) is answered and visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kamdesk.domain.forms.schema import RECORD_MAIN_PART, FieldType, Template
from kamdesk.domain.forms.validation import clean_answers


@dataclass(frozen=True)
class RecordRequest:
    kind: str  # complaint / need / competitor / task
    section: str
    parts: dict[str, Any]  # part name → display-ready value (choice labels resolved)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two requests "the same record" (an amendment repeats unchanged records)."""
        return (self.kind, self.section, str(self.parts.get(RECORD_MAIN_PART[self.kind], "")))


def record_requests(template: Template, answers: Mapping[str, Any]) -> list[RecordRequest]:
    kept = clean_answers(template, answers)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for item in template.fields:
        if not item.record or item.key not in kept:
            continue
        value = kept[item.key]
        if item.type is FieldType.CHOICE and item.record_part not in ("severity",):
            value = item.option_label(value)
        groups.setdefault((item.section, item.record_kind or ""), {})[item.record_part or ""] = value
    requests = []
    for (section, kind), parts in groups.items():
        if RECORD_MAIN_PART[kind] in parts:
            requests.append(RecordRequest(kind, section, parts))
    return requests
