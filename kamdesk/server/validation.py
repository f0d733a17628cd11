"""Validation of visits against their template version, before a push stores them.

``validate_visit`` is the one entry point. It checks what the server knows by itself (the
template key+version exists and fits the visit kind, a submitted visit carries what a submitted
visit must) and then hands the answers to the form engine at the single marked place below,
so the server judges answers with the same code the client used to fill them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.models import FormTemplate, Visit
from kamdesk.models.enums import VisitStatus
from kamdesk.sync.protocol import Rejection


@dataclass
class TemplateCache:
    """Templates looked up during one push, by (key, version); None when it does not exist."""

    session: Session
    _cache: dict[tuple[str, int], FormTemplate | None]

    @classmethod
    def for_session(cls, session: Session) -> TemplateCache:
        return cls(session, {})

    def get(self, key: str, version: int) -> FormTemplate | None:
        if (key, version) not in self._cache:
            self._cache[(key, version)] = self.session.scalar(
                select(FormTemplate).where(
                    FormTemplate.template_key == key,
                    FormTemplate.version == version,
                    FormTemplate.deleted.is_(False),
                )
            )
        return self._cache[(key, version)]


def _reject(code: str, message: str, field: str | None = None) -> Rejection:
    return Rejection(code=code, message=message, field=field)


def validate_visit(visit: Visit, templates: TemplateCache) -> list[Rejection]:
    """Problems that stop ``visit`` (its state after the change) from being stored; [] when fine.

    The caller has already checked the columns' types and that the account is in scope."""
    problems: list[Rejection] = []
    template: FormTemplate | None = None
    if (visit.template_key is None) != (visit.template_version is None):
        problems.append(
            _reject("invalid", "template_key and template_version are given together", "template_version")
        )
    elif visit.template_key is not None and visit.template_version is not None:
        template = templates.get(visit.template_key, visit.template_version)
        if template is None:
            problems.append(
                _reject(
                    "unknown_template",
                    f"template {visit.template_key} version {visit.template_version} is not published",
                    "template_key",
                )
            )
        elif template.visit_kind is not None and template.visit_kind != visit.kind:
            problems.append(
                _reject(
                    "invalid",
                    f"template {visit.template_key} is for {template.visit_kind} visits, not {visit.kind}",
                    "kind",
                )
            )
    if not isinstance(visit.answers, dict):
        problems.append(_reject("invalid", "answers must be an object keyed by field key", "answers"))
    if not isinstance(visit.contacts_met, list) or not all(isinstance(c, str) for c in visit.contacts_met):
        problems.append(_reject("invalid", "contacts_met must be a list of contact ids", "contacts_met"))
    if visit.satisfaction is not None and not 1 <= visit.satisfaction <= 5:
        problems.append(_reject("invalid", "satisfaction must be between 1 and 5", "satisfaction"))
    if visit.status == VisitStatus.SUBMITTED:
        for field in ("occurred_at", "submitted_at"):
            if getattr(visit, field) is None:
                problems.append(_reject("required", f"a submitted visit needs {field}", field))
        if template is not None and not problems:
            problems.extend(validate_answers(template.definition, visit))
    return problems


def validate_answers(definition: dict[str, Any], visit: Visit) -> list[Rejection]:
    """The answers of a submitted visit against its template definition.

    ==> FORMS HOOK: the single place where ``kamdesk.domain.forms`` validation is called. <==
    The form engine (being written in parallel) is wired here by the lead after merging, e.g.::

        from kamdesk.domain.forms import parse_template, validate
        errors = validate(parse_template(definition), visit.answers, context=...)
        return [_reject("invalid_answer", e.message, e.field) for e in errors]

    Until then only the structural checks the template contract guarantees are made: answers
    name fields of the template, and required fields without a ``show_if`` are answered.
    """
    known: dict[str, dict[str, Any]] = {}
    for section in definition.get("sections", []) if isinstance(definition, dict) else []:
        for field in section.get("fields", []):
            if isinstance(field, dict) and isinstance(field.get("key"), str):
                known[field["key"]] = field
    if not known:
        return []
    problems: list[Rejection] = []
    for key in visit.answers:
        if key not in known:
            problems.append(_reject("invalid_answer", f"the template has no field {key}", f"answers.{key}"))
    for key, field in known.items():
        if field.get("required") and "show_if" not in field and visit.answers.get(key) in (None, "", []):
            problems.append(_reject("invalid_answer", f"{key} is required", f"answers.{key}"))
    return problems
