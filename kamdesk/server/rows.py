"""Wire fields to column values, checked against the model's columns before anything is written,
so a bad value becomes a readable rejection instead of a database error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum as PyEnum
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, Integer, String, inspect

from kamdesk.models import SyncColumns
from kamdesk.models.base import UTCDateTime

INT32 = (-(2**31), 2**31 - 1)
YEARS = (1900, 2999)
"""Dates outside these years are typing mistakes, and near the ends of ``date`` they overflow."""
SERVER_FIELDS = frozenset({"id", "rev", "updated_at", "owner_id"})
"""Sync columns the server sets itself; a client's values for them are ignored."""


@dataclass(frozen=True)
class ColumnInfo:
    key: str
    type: Any
    nullable: bool
    has_default: bool
    foreign_table: str | None


class FieldError(ValueError):
    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


@cache
def columns_of(model: type[SyncColumns]) -> dict[str, ColumnInfo]:
    infos: dict[str, ColumnInfo] = {}
    for attr in inspect(model).column_attrs:
        column = attr.columns[0]
        foreign = next(iter(column.foreign_keys), None)
        infos[attr.key] = ColumnInfo(
            key=attr.key,
            type=column.type,
            nullable=bool(column.nullable),
            has_default=column.default is not None,
            foreign_table=foreign.column.table.name if foreign is not None else None,
        )
    return infos


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def parse_value(info: ColumnInfo, value: Any) -> Any:
    """One wire value as the Python value of its column, or ``FieldError``."""
    key, column_type = info.key, info.type
    if value is None:
        if not info.nullable:
            raise FieldError(key, "required", f"{key} may not be empty")
        return None
    if _has_nul(value):
        raise FieldError(key, "invalid", f"{key} contains a NUL character")
    if isinstance(column_type, UTCDateTime):
        if not isinstance(value, str):
            raise FieldError(key, "invalid", f"{key} must be an ISO 8601 date-time string")
        try:
            moment = datetime.fromisoformat(value)
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except (ValueError, OverflowError):
            raise FieldError(key, "invalid", f"{key} is not an ISO 8601 date-time: {value!r}") from None
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise FieldError(key, "invalid", f"{key} is out of range")
        return moment
    if isinstance(column_type, Date):
        if not isinstance(value, str):
            raise FieldError(key, "invalid", f"{key} must be a YYYY-MM-DD string")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise FieldError(key, "invalid", f"{key} is not a YYYY-MM-DD date: {value!r}") from None
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise FieldError(key, "invalid", f"{key} is out of range")
        return day
    if isinstance(column_type, Enum):
        enum_class = column_type.enum_class
        allowed = list(column_type.enums)
        if not isinstance(value, str) or value not in allowed:
            raise FieldError(key, "invalid", f"{key} must be one of {', '.join(allowed)}")
        return enum_class(value) if enum_class is not None and issubclass(enum_class, PyEnum) else value
    if isinstance(column_type, Boolean):
        if not isinstance(value, bool):
            raise FieldError(key, "invalid", f"{key} must be true or false")
        return value
    if isinstance(column_type, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(key, "invalid", f"{key} must be a whole number")
        if not INT32[0] <= value <= INT32[1]:
            raise FieldError(key, "invalid", f"{key} is out of range")
        return value
    if isinstance(column_type, String):  # Text is a String
        if not isinstance(value, str):
            raise FieldError(key, "invalid", f"{key} must be text")
        if column_type.length is not None and len(value) > column_type.length:
            raise FieldError(key, "too_long", f"{key} is longer than {column_type.length} characters")
        return value
    if isinstance(column_type, JSON):
        return value
    return value


def parse_fields(model: type[SyncColumns], data: dict[str, Any]) -> dict[str, Any]:
    """All client-settable fields of ``data`` parsed; server-set sync columns are dropped."""
    columns = columns_of(model)
    parsed: dict[str, Any] = {}
    for key, value in data.items():
        if key in SERVER_FIELDS:
            continue
        info = columns.get(key)
        if info is None:
            raise FieldError(key, "unknown_field", f"{model.__tablename__} has no field {key}")
        parsed[key] = parse_value(info, value)
    return parsed


def missing_required(model: type[SyncColumns], fields: dict[str, Any]) -> list[str]:
    """Columns a new row must carry: not nullable, no default, not set by the server."""
    return [
        info.key
        for info in columns_of(model).values()
        if not info.nullable
        and not info.has_default
        and info.key not in SERVER_FIELDS
        and info.key not in fields
    ]


@cache
def _scalar_defaults(model: type[SyncColumns]) -> tuple[tuple[str, Any, bool], ...]:
    found = []
    for attr in inspect(model).column_attrs:
        default = attr.columns[0].default
        if default is not None:
            found.append((attr.key, default.arg, bool(default.is_callable)))  # type: ignore[attr-defined]
    return tuple(found)


def fill_defaults(obj: SyncColumns) -> None:
    """Apply scalar column defaults now, so the row is complete before it is flushed."""
    for key, arg, is_callable in _scalar_defaults(type(obj)):
        if getattr(obj, key) is None:
            setattr(obj, key, arg(None) if is_callable else arg)


def references(model: type[SyncColumns], fields: dict[str, Any]) -> dict[str, str]:
    """The foreign-key values in ``fields``, keyed by field name, other than None."""
    columns = columns_of(model)
    return {key: value for key, value in fields.items() if value is not None and columns[key].foreign_table}
