"""Rows to and from JSON-safe dicts: the payload of outbox entries and of the sync protocol."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import Date, inspect
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Mapper

from kamdesk.models.base import SyncColumns, UTCDateTime


@cache
def _column_types(model: type[SyncColumns]) -> dict[str, Any]:
    mapper: Mapper[Any] = inspect(model)
    return {attr.key: attr.columns[0].type for attr in mapper.column_attrs}


@cache
def _wire_plan(model: type[SyncColumns]) -> tuple[tuple[str, bool], ...]:
    """Each column, and whether its values may need converting (dates, times, enums): the
    other columns are copied as they are, which is most of the work of a pulled page."""
    return tuple(
        (key, isinstance(column_type, (UTCDateTime, Date, SAEnum)))
        for key, column_type in _column_types(model).items()
    )


def value_to_wire(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_to_wire(obj: SyncColumns) -> dict[str, Any]:
    """Every mapped column of ``obj`` as JSON-safe values, keyed by attribute name."""
    return {
        key: value_to_wire(value) if convert else value
        for key, convert in _wire_plan(type(obj))
        for value in (getattr(obj, key),)
    }


def json_default(value: Any) -> Any:
    """``default=`` for ``json.dumps``: dates, times and enums as on the wire."""
    converted = value_to_wire(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return converted


def fields_from_wire(model: type[SyncColumns], data: dict[str, Any]) -> dict[str, Any]:
    """Parse wire values back into Python values for ``model``'s columns; unknown keys are refused."""
    types = _column_types(model)
    unknown = set(data) - set(types)
    if unknown:
        raise KeyError(f"{model.__tablename__} has no field(s) {', '.join(sorted(unknown))}")
    parsed: dict[str, Any] = {}
    for key, value in data.items():
        column_type = types[key]
        if value is None:
            parsed[key] = None
        elif isinstance(column_type, UTCDateTime):
            moment = datetime.fromisoformat(value)
            parsed[key] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        elif isinstance(column_type, Date):
            parsed[key] = date.fromisoformat(value)
        else:
            parsed[key] = value
    return parsed
