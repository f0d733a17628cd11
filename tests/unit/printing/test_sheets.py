"""PDFs read back: the Chinese put in comes out, every font is embedded, nothing is cut off."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from kamdesk.domain.clock import business_datetime
from kamdesk.domain.forms import parse_template
from kamdesk.models.enums import VisitStatus
from kamdesk.printing import sheets
from kamdesk.printing.data import previsit_data
from kamdesk.printing.layout import MARGIN_LEFT, MARGIN_RIGHT, PAGE_HEIGHT, PAGE_WIDTH
from kamdesk.printing.previsit import build_previsit_sheet
from tests.unit.printing import seed
from tests.unit.printing.pdfcheck import (
    HAS_POPPLER,
    assert_contains,
    fonts,
    page_count,
    pdffonts_rows,
    pypdf_pages,
    squash,
    texts,
    word_boxes,
)


def _previsit(sample, **overrides) -> bytes:
    with sample.store.sessions() as session:
        data = previsit_data(session, sample.account_id, today=seed.TODAY)
    return build_previsit_sheet(dataclasses.replace(data, **overrides))


def assert_fonts_embedded(pdf: bytes) -> None:
    found = fonts(pdf)
    assert found, "the PDF declares no fonts"
    assert all(font["embedded"] for font in found), found
    if HAS_POPPLER:
        rows = pdffonts_rows(pdf)
        assert rows
        # pdffonts columns: name type encoding emb sub uni object ID; "emb" is the 4th from the right end
        assert all(row[-5] == "yes" for row in rows), rows


def assert_inside_the_page(pdf: bytes) -> None:
    """Every word poppler finds lies within the page margins (a clipped or overflowing cell would not)."""
    if not HAS_POPPLER:
        pytest.skip("poppler-utils not installed")
    boxes = word_boxes(pdf)
    assert boxes
    slack = 1.5
    for page, x0, y0, x1, y1, word in boxes:
        assert x0 >= MARGIN_LEFT - slack, (page, word, x0)
        assert x1 <= PAGE_WIDTH - MARGIN_RIGHT + slack, (page, word, x1)
        assert y0 > 0 and y1 < PAGE_HEIGHT, (page, word, y0, y1)


def test_previsit_sheet_prints_the_account_profile_in_chinese(sample) -> None:
    pdf = _previsit(sample)
    assert_contains(
        pdf,
        "走访准备单",
        "湖南昇辉璟泰机械制造有限公司",
        "A1 · 高价值",
        "企业 · 制造业",
        "李明",
        "张喆",
        "王堃",
        "李昇",
        "陈璟",
        "决策者",
        "联络人",
        "11-28（5 天后）",  # a birthday this week is flagged
        "互联网专线 1000M",
        "2027-01-02（40 天后到期）",
        "（已到期）",
        "近六个月账单",
        "2026-05",
        "2026-10",
        "¥253,217.00",
        "¥266,085.00",
        "最近三次回访",
        "20天前回访",
        "【重大】专线中断超过2小时",
        "视频监控上云",
        "大客户上门回访表",
        "仅当「客户是否提出投诉」为「是」时填写",
        "详细记录客户原话",
        "客户经理（签字）",
        "第 1 页 / 共",
    )
    text = texts(pdf)[0]
    assert "200天前回访" not in text  # only the last three visits
    assert "2026-04" not in text  # only six months of billing
    assert_fonts_embedded(pdf)
    assert_inside_the_page(pdf)


def test_every_page_repeats_the_header_and_says_page_x_of_y(sample) -> None:
    pdf = _previsit(sample)
    pages = pypdf_pages(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "湖南昇辉璟泰机械制造有限公司" in squash(text)
        assert squash(f"第 {number} 页 / 共 {len(pages)} 页") in squash(text)


def test_an_80_field_form_paginates_without_losing_a_label(sample) -> None:
    big = parse_template(seed.big_template(80))
    pdf = _previsit(sample, template=big)
    labels = [field.label for field in big.fields]
    assert len(labels) == 80
    assert_contains(pdf, *labels, "八十项回访表")
    conditional = [f for f in big.fields if f.show_if]
    assert conditional
    for text in texts(pdf):
        assert text.count("仅当") == len(conditional)
    assert page_count(pdf) >= 5
    assert_fonts_embedded(pdf)
    assert_inside_the_page(pdf)


def test_an_account_with_40_contacts_flows_onto_further_pages(store, chinese) -> None:
    with store.sessions.begin() as session:
        account_id = seed.add_account(session, contacts=40)
    with store.sessions() as session:
        data = previsit_data(session, account_id, today=seed.TODAY)
    data = dataclasses.replace(data, template=parse_template(seed.small_template()))
    pdf = build_previsit_sheet(data)
    names = [contact.name for contact in data.contacts]
    assert len(names) == 40
    assert_contains(pdf, *names)
    pages = pypdf_pages(pdf)
    # the contact table's header row repeats on the page it continues on
    assert sum("职务/部门" in squash(page) for page in pages) >= 2
    # and the 40 contacts are offered as tick boxes on the blank form too
    for text in texts(pdf):
        assert text.count("王堃") >= 2
    assert_fonts_embedded(pdf)
    assert_inside_the_page(pdf)


def test_visit_record_prints_answers_and_omits_hidden_questions(sample) -> None:
    with sample.store.sessions() as session:
        pdf = sheets.visit_record_pdf(session, sample.original_id)
    assert_contains(
        pdf,
        "回访记录",
        "大客户上门回访表",
        "张喆、王堃",  # contacts by name
        "例行回访",
        "否",
        "互联网专线 1000M",
        "集团彩铃、云视讯",
        "¥50,000.00",
        "4 分（满分 5 分）",
        "机房照片.jpg",
        "客户希望下月上门演示云视讯。",
        "本记录已于",  # it was corrected later
    )
    for text in texts(pdf):
        assert "不应打印的隐藏投诉" not in text
        assert "不应打印的友商" not in text
        assert "投诉内容" not in text
        assert "仅当" not in text
    assert_fonts_embedded(pdf)
    assert_inside_the_page(pdf)


def test_a_correction_marks_what_changed(sample) -> None:
    with sample.store.sessions() as session:
        pdf = sheets.visit_record_pdf(session, sample.correction_id)
    assert_contains(
        pdf,
        "本记录更正了",
        "专线晚高峰丢包严重",
        "已更正—原为：否",
        "已更正—原为：（未填写）",  # the complaint was hidden before
        "已更正—原为：¥50,000.00",
        "已更正—原为：例行回访",
    )
    for text in texts(pdf):
        assert text.count("已更正") == 4  # unchanged answers are not marked


def test_a_draft_is_printed_as_not_filed(sample) -> None:
    with sample.store.sessions.begin() as session:
        visit_id = seed.add_visit(
            session, sample.account_id, status=VisitStatus.DRAFT, template=sample.template
        )
    with sample.store.sessions() as session:
        pdf = sheets.visit_record_pdf(session, visit_id)
    assert_contains(pdf, "尚未提交（草稿）")


def test_day_pack_has_a_cover_list_and_one_sheet_per_visit(store, chinese) -> None:
    with store.sessions.begin() as session:
        user_id = seed.add_user(session)
        template = seed.small_template()
        seed.add_template(session, template)
        names = ["长沙市岳麓区人民政府办公室", "湖南喆思软件有限公司", "长沙银行岳麓支行"]
        for hour, name in zip((14, 9, 11), names, strict=True):
            account_id = seed.add_account(session, name=name, manager_id=user_id)
            seed.add_visit(
                session,
                account_id,
                planned=business_datetime(seed.TODAY, time(hour, 0)),
                template=template,
                owner_id=user_id,
            )
        other = seed.add_account(session, name="不在今天的客户", manager_id=user_id)
        seed.add_visit(
            session, other, planned=business_datetime(seed.TODAY.replace(day=24), time(9)), owner_id=user_id
        )
    with store.sessions() as session:
        pdf = sheets.day_pack_pdf(session, seed.TODAY, user_id=user_id)
    assert_contains(
        pdf,
        "2026-11-23 星期一",
        "计划走访 3 家",
        "09:00",
        "11:00",
        "14:00",
        "麓谷大道668号",
        "王堃",
        "13907310001",
        *names,
    )
    first_page = squash(pypdf_pages(pdf)[0])
    assert first_page.index("09:00") < first_page.index("11:00") < first_page.index("14:00")
    assert first_page.index(names[1]) < first_page.index(names[2]) < first_page.index(names[0])
    assert "第1页/共1页" in first_page  # the cover is numbered on its own
    for text in texts(pdf):
        assert "不在今天的客户" not in text
        assert text.count("走访准备单") >= 3
    assert_fonts_embedded(pdf)
    assert_inside_the_page(pdf)


def test_an_empty_day_still_prints_a_cover(store, chinese) -> None:
    with store.sessions() as session:
        pdf = sheets.day_pack_pdf(session, seed.TODAY)
    assert_contains(pdf, "当天没有计划的走访")


def test_english_sheets_print_too(sample) -> None:
    from kamdesk.i18n import set_language

    set_language("en")
    pdf = _previsit(sample)
    assert_contains(pdf, "Pre-visit sheet", "Contacts and decision roles", "Page 1 of", "张喆")


def test_a_very_long_answer_flows_over_pages_without_losing_text(sample) -> None:
    sentences = [
        f"第{n}段：客户详细说明了专线晚高峰丢包、视频会议卡顿和物联网卡欠费停机的情况。" for n in range(120)
    ]
    story = "".join(sentences)
    with sample.store.sessions.begin() as session:
        visit_id = seed.add_visit(
            session,
            sample.account_id,
            status=VisitStatus.SUBMITTED,
            template=sample.template,
            answers={"has_complaint": True, "complaint": story, "notes": "第二段\n另起一行的说明"},
        )
    with sample.store.sessions() as session:
        pdf = sheets.visit_record_pdf(session, visit_id)
    assert page_count(pdf) >= 2
    assert_contains(pdf, *sentences, "另起一行的说明")  # page breaks come between, so not as one string
    assert_inside_the_page(pdf)
