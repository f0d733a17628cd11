"""The form on paper speaks in words: conditions name the field and the value, answers print as a
manager reads them. Which fields show is the form engine's rule (tests/unit/domain/forms)."""

from __future__ import annotations

from kamdesk.domain.forms import parse_template, visible_keys
from kamdesk.printing.form_sheet import answer_text, condition_text
from tests.unit.printing import seed


def _template():
    return parse_template(seed.small_template())


def test_the_sheet_hides_what_the_form_engine_hides() -> None:
    template = _template()
    assert "complaint" not in visible_keys(template, {"has_complaint": False})
    assert "complaint" not in visible_keys(template, {})
    assert "complaint" in visible_keys(template, {"has_complaint": True})
    assert "competitor" in visible_keys(template, {"purpose": "renewal"})
    assert "competitor" in visible_keys(template, {"purpose": "complaint"})
    assert "competitor" not in visible_keys(template, {"purpose": "routine"})


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
    assert answer_text(field("satisfaction"), 4) == "4 分（满分 5 分）"
    assert answer_text(field("visit_date"), "2026-11-23") == "2026-11-23"
    assert (
        answer_text(field("contacts_met"), ["c1", "gone"], contact_names={"c1": "张喆"}) == "张喆、（已删除）"
    )
    assert answer_text(field("photos"), [{"name": "合同.pdf"}]) == "合同.pdf"
    assert answer_text(field("notes"), "") == ""
