"""Validation of visits against their template version, before a push stores them.

``validate_visit`` is the one entry point. It checks what the server knows by itself (the
template key+version exists and fits the visit kind, a submitted visit carries what a submitted
visit must) and then hands the answers to the form engine (``validate_answers``),
so the server judges answers with the same code the client used to fill them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain.forms import Template, TemplateError, parse_template
from kamdesk.domain.forms import validate_answers as check_answers
from kamdesk.models import Contact, FormTemplate, ProductHolding, Visit
from kamdesk.models.enums import VisitStatus
from kamdesk.sync.protocol import Rejection


@dataclass
class TemplateCache:
    """Templates looked up during one push, by (key, version); None when it does not exist.

    Each definition is also parsed once per push (not once per visit): a batch of 500 visits
    usually shares one or two templates."""

    session: Session
    _cache: dict[tuple[str, int], FormTemplate | None]
    _parsed: dict[tuple[str, int], tuple[Template | TemplateError, bool]] = field(default_factory=dict)

    @classmethod
    def for_session(cls, session: Session) -> TemplateCache:
        return cls(session, {})

    def parsed(self, template: FormTemplate) -> tuple[Template | TemplateError, bool]:
        """The parsed definition (or why it does not parse) and whether it has contact or
        product fields."""
        key = (template.template_key, template.version)
        if key not in self._parsed:
            definition = template.definition
            try:
                parsed: Template | TemplateError = parse_template(definition)
            except TemplateError as error:
                parsed = error
            self._parsed[key] = (parsed, _mentions_references(definition))
        return self._parsed[key]

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


def validate_visit(
    visit: Visit, templates: TemplateCache, *, batch_rows: Iterable[object] = ()
) -> list[Rejection]:
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
            problems.extend(validate_answers(template, visit, templates, batch_rows))
    return problems


def _mentions_references(definition: dict[str, Any]) -> bool:
    """Whether the form has contact or product fields (only then are the account's rows read)."""
    return any(
        isinstance(field, dict) and field.get("type") in ("contact", "product")
        for section in definition.get("sections", [])
        if isinstance(section, dict)
        for field in section.get("fields", [])
    )


def _stored_references(session: Session, account_id: str) -> tuple[set[str], set[str]]:
    """The account's contacts and products, read once per account and transaction."""
    cache: dict[str, tuple[set[str], set[str]]] = session.info.setdefault("kamdesk_visit_references", {})
    if account_id not in cache:
        cache[account_id] = (
            set(session.scalars(select(Contact.id).where(Contact.account_id == account_id))),
            set(session.scalars(select(ProductHolding.id).where(ProductHolding.account_id == account_id))),
        )
    contacts, products = cache[account_id]
    return set(contacts), set(products)


def validate_answers(
    template: FormTemplate, visit: Visit, templates: TemplateCache, batch_rows: Iterable[object] = ()
) -> list[Rejection]:
    """The answers of a submitted visit against its template definition, judged by the same
    form engine (``kamdesk.domain.forms``) the desktop client used to fill them. Contact and
    product answers must name the account's own rows, stored or arriving in the same batch."""
    parsed, mentions_references = templates.parsed(template)
    if isinstance(parsed, TemplateError):
        return [_reject("bad_template", f"the published template is not valid: {parsed}", "template_key")]
    contact_ids: set[str] = set()
    product_ids: set[str] = set()
    if mentions_references:  # only then do the account's rows matter (and get read)
        contact_ids, product_ids = _stored_references(templates.session, visit.account_id)
        for row in batch_rows:  # ORM rows, or drafts of rows the batch creates
            if getattr(row, "account_id", None) != visit.account_id:
                continue
            table = getattr(row, "__tablename__", None)
            if table == Contact.__tablename__:
                contact_ids.add(row.id)  # type: ignore[attr-defined]
            elif table == ProductHolding.__tablename__:
                product_ids.add(row.id)  # type: ignore[attr-defined]
    answers = visit.answers if isinstance(visit.answers, dict) else {}
    errors = check_answers(parsed, answers, contact_ids=contact_ids, product_ids=product_ids)
    return [_reject("invalid_answer", error.message, f"answers.{error.field}") for error in errors]
