"""Row-level validation: each row becomes a clean draft or a list of errors in words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kamdesk.domain.importing.mapping import FIELDS_BY_KEY, Mapping, missing_required
from kamdesk.domain.importing.reading import SourceTable
from kamdesk.errors import UserError
from kamdesk.i18n import N_, _
from kamdesk.models.enums import AccountStatus, Industry, Tier

_TIER = re.compile(r"^(A1|A2|B1|B2|C)(类|级|档|类客户)?$")
_INDUSTRIES: dict[str, Industry] = {
    **{i.value: i for i in Industry},
    "党政军": Industry.GOVERNMENT,
    "党政": Industry.GOVERNMENT,
    "政府": Industry.GOVERNMENT,
    "政府机关": Industry.GOVERNMENT,
    "金融": Industry.FINANCE,
    "银行": Industry.FINANCE,
    "金融保险": Industry.FINANCE,
    "企业": Industry.ENTERPRISE,
    "工业": Industry.ENTERPRISE,
    "商业": Industry.ENTERPRISE,
    "制造业": Industry.ENTERPRISE,
    "科教文卫": Industry.EDUCATION_HEALTH,
    "教育": Industry.EDUCATION_HEALTH,
    "医疗": Industry.EDUCATION_HEALTH,
    "医疗卫生": Industry.EDUCATION_HEALTH,
    "卫生": Industry.EDUCATION_HEALTH,
    "公共事业": Industry.PUBLIC_UTILITY,
    "公用事业": Industry.PUBLIC_UTILITY,
}
_STATUSES: dict[str, AccountStatus] = {
    **{s.value: s for s in AccountStatus},
    "潜在": AccountStatus.PROSPECT,
    "潜在客户": AccountStatus.PROSPECT,
    "在网": AccountStatus.ACTIVE,
    "正常": AccountStatus.ACTIVE,
    "活跃": AccountStatus.ACTIVE,
    "离网": AccountStatus.LOST,
    "流失": AccountStatus.LOST,
    "已流失": AccountStatus.LOST,
    "归档": AccountStatus.ARCHIVED,
    "已归档": AccountStatus.ARCHIVED,
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
_PHONE = re.compile(r"^\+?[\d\- ()]{5,20}$")


class IncompleteMappingError(UserError):
    """A required field has no column."""


@dataclass(frozen=True)
class RowError:
    row_number: int  # as the spreadsheet shows it
    field: str  # import field key
    value: str
    message: str  # translated


@dataclass(frozen=True)
class RowDraft:
    row_number: int
    values: dict[str, Any]  # field key → parsed value; only non-empty cells


@dataclass
class Validation:
    drafts: list[RowDraft] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)  # source row indexes (0-based)

    @property
    def error_rows(self) -> int:
        return len(self.rejected_rows)


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    return str(value).strip()


def _tier(value: Any) -> Tier:
    match = _TIER.match(_text(value).upper().replace(" ", ""))
    if not match:
        raise _Invalid(_("Unknown tier “{value}”; use A1, A2, B1, B2 or C.").format(value=_text(value)))
    return Tier(match.group(1))


def _industry(value: Any) -> Industry:
    text = _text(value)
    found = _INDUSTRIES.get(text) or _INDUSTRIES.get(text.lower())
    if found is None:
        raise _Invalid(
            _("Unknown industry “{value}”; use 党政军, 金融, 企业, 科教文卫 or 公共事业.").format(value=text)
        )
    return found


def _status(value: Any) -> AccountStatus:
    text = _text(value)
    found = _STATUSES.get(text) or _STATUSES.get(text.lower())
    if found is None:
        raise _Invalid(_("Unknown status “{value}”.").format(value=text))
    return found


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _Invalid(_("“{value}” is not a date; write it as 2024-03-15.").format(value=text))


def _whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid(_("“{value}” is not a whole number.").format(value=value))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value).replace(",", "").replace("，", "")
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise _Invalid(_("“{value}” is not a whole number.").format(value=_text(value)))
        number = int(float(text))
    if number < 0:
        raise _Invalid(_("“{value}” is not a whole number.").format(value=_text(value)))
    return number


def _phone(value: Any) -> str:
    text = _text(value)
    if not _PHONE.match(text):
        raise _Invalid(_("“{value}” is not a phone number.").format(value=text))
    return text


def _limited(limit: int) -> Any:
    def parse(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _Invalid(_("Too long: at most {limit} characters.").format(limit=limit))
        return text

    return parse


_PARSERS: dict[str, Any] = {
    "code": _limited(32),
    "name": _limited(200),
    "short_name": _limited(60),
    "tier": _tier,
    "industry": _industry,
    "sub_industry": _limited(60),
    "province": _limited(30),
    "city": _limited(30),
    "district": _limited(30),
    "address": _limited(300),
    "status": _status,
    "customer_since": _date,
    "employee_count": _whole_number,
    "contact_name": _limited(60),
    "contact_mobile": _phone,
    "notes": _limited(4000),
}
_MISSING = {
    "code": N_("Account code is missing."),
    "name": N_("Account name is missing."),
    "tier": N_("Tier is missing."),
}


def validate(table: SourceTable, mapping: Mapping) -> Validation:
    """Check every row; a row with any error is rejected whole. A code that appears again later in
    the file is a duplicate: the first row wins, later ones are rejected."""
    missing = missing_required(mapping)
    if missing:
        raise IncompleteMappingError(
            _("Choose a column for: {fields}.").format(fields="、".join(_(f.label) for f in missing))
        )
    result = Validation()
    first_seen: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        number = table.row_number(index)
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for key, column in mapping.items():
            if column is None or key not in _PARSERS:
                continue
            raw = row[column] if column < len(row) else None
            text = _text(raw)
            if not text:
                if FIELDS_BY_KEY[key].required:
                    errors.append(RowError(number, key, "", _(_MISSING[key])))
                continue
            try:
                values[key] = _PARSERS[key](raw)
            except _Invalid as invalid:
                errors.append(RowError(number, key, text, invalid.message))
        code = values.get("code")
        if code:
            key = code.upper()
            if key in first_seen:
                errors.append(
                    RowError(
                        number,
                        "code",
                        code,
                        _("Duplicate code: row {row} of this file has the same code.").format(
                            row=first_seen[key]
                        ),
                    )
                )
            else:
                first_seen[key] = number
        if errors:
            result.errors.extend(errors)
            result.rejected_rows.append(index)
        else:
            result.drafts.append(RowDraft(number, values))
    return result
