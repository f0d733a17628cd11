"""Conditional visibility and validation of every field type."""

from __future__ import annotations

from typing import Any

import pytest

from kamdesk.domain.forms import (
    FieldError,
    clean_answers,
    diff_answers,
    parse_template,
    record_requests,
    validate_answers,
    validate_submission,
    visible_keys,
)

SHA = "ab" * 32

DEFINITION: dict[str, Any] = {
    "schema": 1,
    "key": "all_types",
    "version": 1,
    "name": "全类型测试表",
    "sections": [
        {
            "key": "main",
            "title": "全部类型",
            "fields": [
                {"key": "name", "type": "text", "label": "名称", "min_length": 2, "max_length": 6},
                {"key": "mobile", "type": "text", "label": "手机", "pattern": "1[3-9]\\d{9}"},
                {"key": "notes", "type": "long_text", "label": "备注", "max_length": 10},
                {"key": "staff", "type": "number", "label": "人数", "min": 1, "max": 500, "integer": True},
                {"key": "ratio", "type": "number", "label": "比例", "min": 0, "max": 1},
                {"key": "spend", "type": "money", "label": "月消费", "min": 0, "max": 1_000_000},
                {"key": "day", "type": "date", "label": "日期", "min": "2026-01-01", "max": "2026-12-31"},
                {"key": "at", "type": "time", "label": "时间"},
                {
                    "key": "purpose",
                    "type": "choice",
                    "label": "目的",
                    "required": True,
                    "options": [{"value": "routine", "label": "例行"}, {"value": "sales", "label": "营销"}],
                },
                {
                    "key": "vas",
                    "type": "multi_choice",
                    "label": "增值业务",
                    "min": 1,
                    "max": 2,
                    "options": [
                        {"value": "a", "label": "彩铃"},
                        {"value": "b", "label": "云盘"},
                        {"value": "c", "label": "短信"},
                    ],
                },
                {"key": "ok", "type": "yesno", "label": "是否满意", "required": True},
                {"key": "stars", "type": "rating", "label": "评分"},
                {"key": "who", "type": "contact", "label": "接待人"},
                {"key": "whom", "type": "contact", "label": "参会人", "multiple": True},
                {"key": "line", "type": "product", "label": "业务"},
                {"key": "lines", "type": "product", "label": "业务们", "multiple": True},
                {"key": "photos", "type": "attachment", "label": "照片", "max": 2},
                {
                    "key": "why",
                    "type": "long_text",
                    "label": "不满意原因",
                    "required": True,
                    "show_if": {"field": "ok", "equals": False},
                    "record": "complaint",
                },
                {
                    "key": "escalate",
                    "type": "yesno",
                    "label": "是否上报",
                    "required": True,
                    "show_if": {"field": "why", "in": ["x"]},
                },
                {
                    "key": "sales_note",
                    "type": "text",
                    "label": "营销说明",
                    "required": True,
                    "show_if": {"field": "purpose", "in": ["sales"]},
                    "record": "need",
                },
                {
                    "key": "sales_value",
                    "type": "money",
                    "label": "预计收入",
                    "show_if": {"field": "purpose", "in": ["sales"]},
                    "record": "need.estimated_value",
                },
                {
                    "key": "cloud_note",
                    "type": "text",
                    "label": "云盘说明",
                    "show_if": {"field": "vas", "equals": "b"},
                },
            ],
        }
    ],
}
TEMPLATE = parse_template(DEFINITION)
CONTACTS = {"c1", "c2"}
PRODUCTS = {"p1"}
BASE = {"purpose": "routine", "ok": True}


def errors(**answers: Any) -> list[FieldError]:
    return validate_answers(TEMPLATE, BASE | answers, contact_ids=CONTACTS, product_ids=PRODUCTS)


def error_keys(**answers: Any) -> list[str]:
    return [e.field for e in errors(**answers)]


def test_minimal_valid_answers():
    assert errors() == []


def test_required_fields_are_named():
    found = validate_answers(TEMPLATE, {}, contact_ids=CONTACTS, product_ids=PRODUCTS)
    assert [e.field for e in found] == ["purpose", "ok"]
    assert found[0].message == "“目的” is required."
    assert error_keys(purpose="  ") == ["purpose"]


def test_yesno_false_is_an_answer_not_a_blank():
    assert error_keys(ok=False) == ["why"]  # answered no: the reason becomes required


VALID_AND_INVALID = [
    ("name", "张喆", ["张", "张喆喆喆喆喆喆", 12]),
    ("mobile", "13812345678", ["12812345678", "1381234567", "138123456789"]),
    ("notes", "信号差", ["很长很长很长很长很长很长", ["list"]]),
    ("staff", 120, [0, 501, 12.5, "120", True]),
    ("ratio", 0.25, [1.5, -0.1, "0.2"]),
    ("spend", 523_000, [-1, 1_000_001, 52.3, "100", False]),
    ("day", "2026-11-23", ["2025-12-31", "2027-01-01", "2026-02-30", "23/11/2026", 20261123]),
    ("at", "09:30", ["24:00", "9:30", "09:60", "0930"]),
    ("purpose", "sales", ["other", ["routine"]]),
    ("vas", ["a", "b"], [["a", "b", "c"], ["z"], ["a", "a"], "a"]),
    ("ok", True, ["yes", 1, "true"]),
    ("stars", 5, [0, 6, 3.5, "5", True]),
    ("who", "c1", ["c9", ["c1"], 7]),
    ("whom", ["c1", "c2"], [["c1", "c9"], "c1"]),
    ("line", "p1", ["p9"]),
    ("lines", ["p1"], [["p2"], "p1"]),
    (
        "photos",
        [{"sha256": SHA, "name": "门头.jpg", "size": 2048}],
        [
            [{"sha256": "xyz", "name": "a.jpg", "size": 1}],
            [{"sha256": SHA, "name": "", "size": 1}],
            [{"sha256": SHA, "name": "a", "size": -1}],
            [{"sha256": SHA, "name": "a", "size": 1}] * 3,
            "a.jpg",
        ],
    ),
]


@pytest.mark.parametrize(
    ("key", "valid", "invalid"), VALID_AND_INVALID, ids=[c[0] for c in VALID_AND_INVALID]
)
def test_each_field_type(key, valid, invalid):
    extra = {"sales_note": "扩容"} if key == "purpose" else {}
    assert errors(**{key: valid}, **extra) == [], key
    for value in invalid:
        found = errors(**{key: value}, **extra)
        assert [e.field for e in found] == [key], (key, value, found)
        assert TEMPLATE.field(key).label in found[0].message


def test_messages_are_specific_and_translated(chinese):
    assert errors(staff=501)[0].message == "“人数”不能大于 500。"
    assert errors(day="2026-02-30")[0].message.startswith("“日期”")


def test_unknown_answer_key_is_an_error():
    assert error_keys(colour="red") == ["colour"]


def test_hidden_fields_are_not_required_or_validated_and_are_dropped():
    answers = BASE | {"why": 12345, "sales_value": "bad", "cloud_note": "x"}
    assert "why" not in visible_keys(TEMPLATE, answers)
    assert validate_answers(TEMPLATE, answers, contact_ids=CONTACTS, product_ids=PRODUCTS) == []
    assert clean_answers(TEMPLATE, answers) == BASE


def test_conditions_equals_in_and_multi_choice_membership():
    assert "why" in visible_keys(TEMPLATE, {"ok": False})
    assert "why" not in visible_keys(TEMPLATE, {})  # unanswered controlling field hides
    assert {"sales_note", "sales_value"} <= visible_keys(TEMPLATE, {"purpose": "sales"})
    assert "cloud_note" in visible_keys(TEMPLATE, {"vas": ["a", "b"]})
    assert "cloud_note" not in visible_keys(TEMPLATE, {"vas": ["a"]})


def test_a_number_never_meets_a_yes_no_condition():
    # Python says 0 == False; "why" shows only for the answer false
    assert "why" not in visible_keys(TEMPLATE, {"ok": 0})
    assert "why" in visible_keys(TEMPLATE, {"ok": False})


def test_field_hidden_because_its_controlling_field_is_hidden():
    # escalate depends on why, which is hidden while ok is true
    assert "escalate" not in visible_keys(TEMPLATE, {"ok": True, "why": "x"})
    assert "escalate" in visible_keys(TEMPLATE, {"ok": False, "why": "x"})


def test_validate_submission_is_pure_and_takes_the_json():
    found = validate_submission(DEFINITION, {"ok": "maybe"}, contact_ids=set(), product_ids=set())
    assert [e.as_dict()["field"] for e in found] == ["purpose", "ok"]


def test_record_requests_follow_visibility():
    answers = BASE | {
        "purpose": "sales",
        "sales_note": "千兆专线扩容",
        "sales_value": 800_000,
        "why": "ignored",
    }
    requests = record_requests(TEMPLATE, answers)
    assert [(r.kind, r.parts) for r in requests] == [
        ("need", {"title": "千兆专线扩容", "estimated_value": 800_000})
    ]


def test_diff_names_what_changed_in_words():
    changes = diff_answers(
        TEMPLATE, {"ok": True, "stars": 4, "purpose": "routine"}, {"ok": True, "stars": 5, "purpose": "sales"}
    )
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("purpose", "例行", "营销"),
        ("stars", "★★★★☆", "★★★★★"),
    ]
