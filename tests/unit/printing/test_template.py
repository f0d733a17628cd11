from __future__ import annotations

from kamdesk.printing.template import answer_text, condition_text, parse_template, visible_keys
from tests.unit.printing import seed


def _template():
    return parse_template(seed.small_template())


def test_a_false_condition_hides_the_field_and_a_true_one_shows_it() -> None:
    template = _template()
    assert "complaint" not in visible_keys(template, {"has_complaint": False})
    assert "complaint" not in visible_keys(template, {})
    assert "complaint" in visible_keys(template, {"has_complaint": True})


def test_in_conditions_match_any_listed_value() -> None:
    template = _template()
    assert "competitor" in visible_keys(template, {"purpose": "renewal"})
    assert "competitor" in visible_keys(template, {"purpose": "complaint"})
    assert "competitor" not in visible_keys(template, {"purpose": "routine"})


def test_a_field_depending_on_a_hidden_field_is_hidden_too() -> None:
    template = parse_template(
        {
            "sections": [
                {
                    "key": "s",
                    "fields": [
                        {"key": "a", "type": "yesno", "label": "甲"},
                        {
                            "key": "b",
                            "type": "yesno",
                            "label": "乙",
                            "show_if": {"field": "a", "equals": True},
                        },
                        {
                            "key": "c",
                            "type": "text",
                            "label": "丙",
                            "show_if": {"field": "b", "equals": True},
                        },
                    ],
                }
            ]
        }
    )
    assert visible_keys(template, {"a": False, "b": True}) == {"a"}
    assert visible_keys(template, {"a": True, "b": True}) == {"a", "b", "c"}


def test_true_is_not_confused_with_one() -> None:
    template = parse_template(
        {
            "sections": [
                {
                    "key": "s",
                    "fields": [
                        {"key": "r", "type": "rating", "label": "评分"},
                        {
                            "key": "x",
                            "type": "text",
                            "label": "说明",
                            "show_if": {"field": "r", "equals": True},
                        },
                    ],
                }
            ]
        }
    )
    assert "x" not in visible_keys(template, {"r": 1})


def test_condition_text_names_the_field_and_the_value_in_chinese(chinese) -> None:
    template = _template()
    assert condition_text(template, template.field("complaint")) == "仅当「客户是否提出投诉」为「是」时填写"
    assert (
        condition_text(template, template.field("competitor"))
        == "仅当「回访目的」为「合同续约、投诉处理」之一时填写"
    )
    assert condition_text(template, template.field("notes")) == ""


def test_answers_print_in_words(chinese) -> None:
    template = _template()
    field = template.field
    assert answer_text(field("has_complaint"), True) == "是"
    assert answer_text(field("purpose"), "renewal") == "合同续约"
    assert answer_text(field("vas"), ["crbt", "ptt"]) == "集团彩铃、和对讲"
    assert answer_text(field("budget"), 1_234_500) == "¥12,345.00"
    assert (
        answer_text(field("contacts_met"), ["c1", "gone"], contact_names={"c1": "张喆"}) == "张喆、（已删除）"
    )
    assert answer_text(field("photos"), [{"name": "合同.pdf"}]) == "合同.pdf"
    assert answer_text(field("notes"), "") == ""


def test_unknown_field_types_print_as_text() -> None:
    template = parse_template(
        {"sections": [{"key": "s", "fields": [{"key": "g", "type": "gps", "label": "定位"}]}]}
    )
    assert template.fields[0].type == "text"
