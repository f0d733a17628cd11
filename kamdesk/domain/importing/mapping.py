"""Which spreadsheet column feeds which account field, guessed from Chinese and English headers."""

from __future__ import annotations

from dataclasses import dataclass

from kamdesk.i18n import N_, _


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # English source, translated with _() when shown
    required: bool
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "code",
        N_("Account code"),
        True,
        (
            "客户编码",
            "客户编号",
            "集团编码",
            "集团编号",
            "集团客户编码",
            "编码",
            "编号",
            "code",
            "accountcode",
        ),
    ),
    ImportField(
        "name",
        N_("Account name"),
        True,
        ("客户名称", "集团名称", "集团客户名称", "单位名称", "名称", "name", "accountname"),
    ),
    ImportField(
        "tier", N_("Tier"), True, ("客户等级", "价值等级", "客户级别", "等级", "级别", "tier", "grade")
    ),
    ImportField("industry", N_("Industry"), False, ("行业", "行业类别", "所属行业", "industry")),
    ImportField("short_name", N_("Short name"), False, ("客户简称", "简称", "shortname")),
    ImportField("sub_industry", N_("Sub-industry"), False, ("细分行业", "子行业", "subindustry")),
    ImportField("province", N_("Province"), False, ("省份", "省", "province")),
    ImportField("city", N_("City"), False, ("地市", "城市", "所属地市", "市", "city")),
    ImportField("district", N_("District"), False, ("区县", "县区", "所属区县", "区", "district")),
    ImportField("address", N_("Address"), False, ("地址", "详细地址", "单位地址", "address")),
    ImportField("status", N_("Status"), False, ("客户状态", "状态", "status")),
    ImportField(
        "customer_since",
        N_("Customer since"),
        False,
        ("入网时间", "入网日期", "建档日期", "开户日期", "customersince"),
    ),
    ImportField(
        "employee_count", N_("Employees"), False, ("员工人数", "员工数", "人数", "employees", "employeecount")
    ),
    ImportField(
        "contact_name", N_("Contact name"), False, ("联系人", "联系人姓名", "contact", "contactname")
    ),
    ImportField(
        "contact_mobile",
        N_("Contact mobile"),
        False,
        ("联系人手机", "联系电话", "联系人电话", "手机", "手机号码", "mobile", "contactmobile"),
    ),
    ImportField("notes", N_("Notes"), False, ("备注", "notes")),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

Mapping = dict[str, int | None]
"""Field key → column index in the source (None: not imported)."""


def _normal(header: str) -> str:
    return "".join(header.split()).lower().strip("*:：").replace("_", "")


def guess_mapping(headers: list[str]) -> Mapping:
    """Map each field to the first header equal to one of its names (Chinese, English or the
    translated label); each column feeds at most one field."""
    normal = [_normal(h) for h in headers]
    mapping: Mapping = {}
    taken: set[int] = set()
    for field in FIELDS:
        names = [*field.synonyms, _normal(field.label), _normal(_(field.label))]
        column = next(
            (i for name in names for i, h in enumerate(normal) if h == _normal(name) and i not in taken), None
        )
        mapping[field.key] = column
        if column is not None:
            taken.add(column)
    return mapping


def missing_required(mapping: Mapping) -> list[ImportField]:
    return [f for f in FIELDS if f.required and mapping.get(f.key) is None]
