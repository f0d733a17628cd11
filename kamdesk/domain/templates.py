"""Form templates in the store: the built-ins we ship, and looking up the exact version a visit used.

A template version never changes once published (a change is a new version), so parsed templates
are cached by row id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.domain.forms import Template, parse_template
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import FormTemplate
from kamdesk.models.enums import VisitKind
from kamdesk.paths import resource
from kamdesk.store.outbox import applying_remote

DEFAULT_TEMPLATE_FOR_KIND = {
    VisitKind.ONSITE: "onsite_return_visit",
    VisitKind.PHONE: "phone_return_visit",
    VisitKind.SMS: "phone_return_visit",
}
NEW_MEMBER_GREETING = "new_member_greeting"
COMPLAINT_FOLLOW_UP = "complaint_follow_up"


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    key: str
    version: int
    name: str
    visit_kind: str | None


class TemplateNotFound(UserError):
    pass


def builtin_definitions() -> list[dict[str, Any]]:
    """The templates shipped in ``resources/templates``, each checked against the schema."""
    definitions = []
    for path in sorted(resource("templates").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        parse_template(data)  # a bad built-in is a bug: fail loudly
        definitions.append(data)
    return definitions


def install_builtin(session: Session) -> int:
    """Add the built-in template versions the store does not hold yet; returns how many were added.

    They are written as server data (no outbox entry): the server ships the same built-ins."""
    present = set(session.execute(select(FormTemplate.template_key, FormTemplate.version)).all())
    added = 0
    with applying_remote(session):
        for data in builtin_definitions():
            if (data["key"], data["version"]) in present:
                continue
            session.add(
                FormTemplate(
                    template_key=data["key"],
                    version=data["version"],
                    name=data["name"],
                    visit_kind=VisitKind(data["visit_kind"]) if data.get("visit_kind") else None,
                    definition=data,
                    rev=0,
                    deleted=False,
                )
            )
            added += 1
    return added


def publish(session: Session, definition: dict[str, Any]) -> TemplateInfo:
    """Store a new template version received from the server (refused when the schema is bad)."""
    parse_template(definition)
    row = FormTemplate(
        template_key=definition["key"],
        version=definition["version"],
        name=definition["name"],
        visit_kind=VisitKind(definition["visit_kind"]) if definition.get("visit_kind") else None,
        definition=definition,
        rev=0,
        deleted=False,
    )
    with applying_remote(session):
        session.add(row)
    return _info(row)


def _info(row: FormTemplate) -> TemplateInfo:
    kind = row.visit_kind.value if row.visit_kind else None
    return TemplateInfo(row.id, row.template_key, row.version, row.name, kind)


_PARSED: dict[tuple[str, int, str], Template] = {}
_PARSED_LIMIT = 64


def parsed(row: FormTemplate) -> Template:
    """The row's template, parsed once per stored version (the row id plus its revision identify
    the definition); raises ``TemplateError`` for a definition the form engine refuses."""
    key = (row.id, row.rev, row.updated_at.isoformat() if row.updated_at else "")
    template = _PARSED.get(key)
    if template is None:
        template = parse_template(row.definition)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = template
    return template


def _row(session: Session, key: str, version: int | None) -> FormTemplate:
    query = select(FormTemplate).where(FormTemplate.template_key == key, FormTemplate.deleted.is_(False))
    if version is not None:
        query = query.where(FormTemplate.version == version)
    row = session.scalars(query.order_by(FormTemplate.version.desc()).limit(1)).first()
    if row is None:
        raise TemplateNotFound(
            _("The form template {key} (version {version}) is not on this computer.").format(
                key=key, version=version if version is not None else "-"
            )
        )
    return row


def get_template(session: Session, key: str, version: int | None = None) -> Template:
    """The parsed template ``key`` at ``version`` (the latest when ``None``)."""
    return parsed(_row(session, key, version))


def latest_version(session: Session, key: str) -> int | None:
    return session.scalar(
        select(func.max(FormTemplate.version)).where(
            FormTemplate.template_key == key, FormTemplate.deleted.is_(False)
        )
    )


def list_templates(session: Session, visit_kind: VisitKind | None = None) -> list[TemplateInfo]:
    """The latest version of each template, optionally only those for ``visit_kind``."""
    rows = session.scalars(
        select(FormTemplate).where(FormTemplate.deleted.is_(False)).order_by(FormTemplate.template_key)
    ).all()
    latest: dict[str, FormTemplate] = {}
    for row in rows:
        if row.template_key not in latest or row.version > latest[row.template_key].version:
            latest[row.template_key] = row
    infos = [_info(row) for row in latest.values()]
    if visit_kind is not None:
        infos = [info for info in infos if info.visit_kind in (None, visit_kind.value)]
    return infos
