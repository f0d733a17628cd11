"""Every bad-template case is refused with a message naming the field and the problem."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from kamdesk.domain.forms import FieldType, TemplateError, parse_template
from kamdesk.paths import resource


def good() -> dict[str, Any]:
    return {
        "schema": 1,
        "key": "onsite_return_visit",
        "version": 2,
        "name": "大客户上门回访表",
        "visit_kind": "onsite",
        "sections": [
            {
                "key": "basic",
                "title": "基本情况",
                "fields": [
                    {
                        "key": "contacts_met",
                        "type": "contact",
                        "label": "接待人",
                        "required": True,
                        "multiple": True,
                    },
                    {"key": "has_complaint", "type": "yesno", "label": "客户是否提出投诉", "required": True},
                    {
                        "key": "complaint",
                        "type": "long_text",
                        "label": "投诉内容",
                        "required": True,
                        "show_if": {"field": "has_complaint", "equals": True},
                        "record": "complaint",
                    },
                    {
                        "key": "purpose",
                        "type": "choice",
                        "label": "回访目的",
                        "options": [
                            {"value": "routine", "label": "例行回访"},
                            {"value": "care", "label": "关怀"},
                        ],
                    },
                    {"key": "spend", "type": "money", "label": "月消费", "min": 0, "max": 100000},
                    {
                        "key": "visit_day",
                        "type": "date",
                        "label": "日期",
                        "min": "2026-01-01",
                        "max": "2026-12-31",
                    },
                ],
            }
        ],
    }


def problems_of(data: Any) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        parse_template(data)
    return [str(p) for p in caught.value.problems]


def field_of(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in data["sections"][0]["fields"] if f["key"] == key)


def test_good_template_parses_with_types_conditions_and_records():
    template = parse_template(good())
    assert template.key == "onsite_return_visit" and template.version == 2
    complaint = template.field("complaint")
    assert complaint.type is FieldType.LONG_TEXT
    assert complaint.show_if is not None and complaint.show_if.field == "has_complaint"
    assert complaint.record_kind == "complaint" and complaint.record_part == "summary"
    assert [f.key for f in template.fields][:2] == ["contacts_met", "has_complaint"]


@pytest.mark.parametrize("path", sorted(p.name for p in resource("templates").glob("*.json")))
def test_every_builtin_template_is_valid(path):
    data = json.loads(resource("templates", path).read_text(encoding="utf-8"))
    template = parse_template(data)
    assert template.name and all(f.label for f in template.fields)


def test_onsite_template_is_a_realistic_size():
    data = json.loads(resource("templates", "onsite_return_visit.json").read_text(encoding="utf-8"))
    assert 25 <= len(parse_template(data).fields) <= 40


def mutate(change) -> dict[str, Any]:
    data = copy.deepcopy(good())
    change(data)
    return data


BAD_CASES = [
    ("not an object", lambda d: None, "template: a template must be a JSON object"),
    ("schema", lambda d: d.update(schema=9), "unsupported schema 9"),
    ("key", lambda d: d.update(key="Onsite Visit"), "“key” must be lower-case"),
    ("version", lambda d: d.update(version=0), "“version” must be a whole number"),
    ("name", lambda d: d.update(name=" "), "“name” is missing"),
    ("visit kind", lambda d: d.update(visit_kind="fax"), "“visit_kind” must be onsite, phone or sms"),
    ("unknown top-level", lambda d: d.update(colour="red"), "unknown property “colour”"),
    ("no sections", lambda d: d.update(sections=[]), "at least one section"),
    ("section title", lambda d: d["sections"][0].update(title=""), "section “basic”: “title” is missing"),
    (
        "empty section",
        lambda d: d["sections"][0].update(fields=[]),
        "section “basic”: a section needs at least one field",
    ),
    (
        "duplicate section",
        lambda d: d["sections"].append(copy.deepcopy(d["sections"][0])),
        "section key is used twice",
    ),
    ("field key", lambda d: field_of(d, "purpose").update(key="Purpose!"), "“key” must be lower-case"),
    (
        "duplicate field",
        lambda d: d["sections"][0]["fields"].append({"key": "purpose", "type": "text", "label": "x"}),
        "field “purpose”: the field key is used twice",
    ),
    (
        "type",
        lambda d: field_of(d, "purpose").update(type="slider"),
        "field “purpose”: unknown type “slider”",
    ),
    ("label", lambda d: field_of(d, "purpose").pop("label"), "field “purpose”: “label” is missing"),
    (
        "typo property",
        lambda d: field_of(d, "purpose").update(requird=True),
        "field “purpose”: property “requird” does not apply",
    ),
    (
        "property of other type",
        lambda d: field_of(d, "spend").update(pattern="x"),
        "field “spend”: property “pattern” does not apply to a money field",
    ),
    (
        "required not bool",
        lambda d: field_of(d, "purpose").update(required="yes"),
        "“required” must be true or false",
    ),
    (
        "no options",
        lambda d: field_of(d, "purpose").update(options=[]),
        "field “purpose”: a choice field needs",
    ),
    (
        "option value",
        lambda d: field_of(d, "purpose")["options"].append({"label": "x"}),
        "option 3 needs a text “value”",
    ),
    (
        "option label",
        lambda d: field_of(d, "purpose")["options"].append({"value": "x"}),
        "option “x” needs a “label”",
    ),
    (
        "duplicate option",
        lambda d: field_of(d, "purpose")["options"].append({"value": "care", "label": "x"}),
        "option value “care” is used twice",
    ),
    (
        "min > max",
        lambda d: field_of(d, "spend").update(min=10, max=5),
        "field “spend”: “min” is greater than “max”",
    ),
    (
        "money min not int",
        lambda d: field_of(d, "spend").update(min=1.5),
        "field “spend”: “min” must be a number",
    ),
    (
        "date bound",
        lambda d: field_of(d, "visit_day").update(min="2026-13-01"),
        "field “visit_day”: “min” must be a date",
    ),
    (
        "date min > max",
        lambda d: field_of(d, "visit_day").update(min="2027-01-01"),
        "“min” is greater than “max”",
    ),
    (
        "length",
        lambda d: d["sections"][0]["fields"].append(
            {"key": "t", "type": "text", "label": "t", "min_length": 5, "max_length": 2}
        ),
        "“min_length” is greater",
    ),
    (
        "pattern",
        lambda d: d["sections"][0]["fields"].append(
            {"key": "t", "type": "text", "label": "t", "pattern": "("}
        ),
        "field “t”: “pattern” is not a valid regular expression",
    ),
    (
        "show_if unknown",
        lambda d: field_of(d, "complaint")["show_if"].update(field="has_complain"),
        "field “complaint”: “show_if” refers to “has_complain”, which is not an earlier field",
    ),
    (
        "show_if later field",
        lambda d: field_of(d, "complaint")["show_if"].update(field="purpose"),
        "“show_if” refers to “purpose”, which is not an earlier field",
    ),
    (
        "show_if self",
        lambda d: field_of(d, "complaint")["show_if"].update(field="complaint"),
        "refers to the field itself",
    ),
    ("show_if both", lambda d: field_of(d, "complaint")["show_if"].update({"in": [True]}), "exactly one of"),
    (
        "show_if option",
        lambda d: d["sections"][0]["fields"].append(
            {"key": "t", "type": "text", "label": "t", "show_if": {"field": "purpose", "equals": "sales"}}
        ),
        "field “t”: “show_if” compares “purpose” with “sales”, which is not one of its options",
    ),
    (
        "show_if yesno",
        lambda d: field_of(d, "complaint")["show_if"].update(equals="yes"),
        "must compare with true or false",
    ),
    (
        "record kind",
        lambda d: field_of(d, "complaint").update(record="lawsuit"),
        "field “complaint”: unknown record “lawsuit”",
    ),
    (
        "record part",
        lambda d: field_of(d, "complaint").update(record="complaint.colour"),
        "names no part of a complaint",
    ),
    (
        "record type",
        lambda d: field_of(d, "spend").update(record="task"),
        "field “spend”: a money field cannot fill “task”",
    ),
    (
        "record main part",
        lambda d: field_of(d, "purpose").update(record="need.category"),
        "section “basic”: the need record has no field for its “title”",
    ),
    (
        "reserved key",
        lambda d: (
            field_of(d, "contacts_met").update(type="text", multiple=None)
            or field_of(d, "contacts_met").pop("multiple")
        ),
        "field “contacts_met”: the key “contacts_met” fills the visit itself",
    ),
    (
        "multiple on text",
        lambda d: field_of(d, "complaint").update(multiple=True),
        "property “multiple” does not apply",
    ),
]


@pytest.mark.parametrize(("case", "change", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_template_names_field_and_problem(case, change, expected):
    data = None if case == "not an object" else mutate(change)
    problems = problems_of(data)
    assert any(expected in p for p in problems), problems


def test_all_problems_are_reported_at_once_and_message_lists_them():
    data = mutate(
        lambda d: (field_of(d, "purpose").update(type="slider"), field_of(d, "spend").update(min=9, max=1))
    )
    with pytest.raises(TemplateError) as caught:
        parse_template(data)
    assert len(caught.value.problems) == 2
    assert "purpose" in caught.value.message and "spend" in caught.value.message


def test_problems_are_translated(chinese):
    problems = problems_of(mutate(lambda d: field_of(d, "purpose").pop("label")))
    assert any("字段" in p and "purpose" in p for p in problems), problems
