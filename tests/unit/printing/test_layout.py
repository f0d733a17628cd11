from __future__ import annotations

from reportlab.platypus import Paragraph

from kamdesk.printing.layout import SheetParagraph, sheet_styles


def test_a_cached_paragraph_lays_out_like_a_plain_one_and_splits() -> None:
    styles = sheet_styles()
    text = (
        "湖南昇辉璟泰机械制造有限公司 <b>重点客户</b>：" + "专线中断超过2小时，客户要求说明原因并赔付。" * 30
    )
    plain = Paragraph(text, styles.body)
    first = SheetParagraph(text, styles.body)
    again = SheetParagraph(text, styles.body)  # parsed fragments come from the cache
    assert again.frags is first.frags
    for paragraph in (plain, first, again):
        assert paragraph.wrap(300, 1000) == plain.wrap(300, 1000)
    assert first.wrap(200, 1000) == plain.wrap(200, 1000)  # a new width wraps anew
    assert again.wrap(200, 60) == plain.wrap(200, 60)  # a frame wraps, then splits
    parts = again.split(200, 60)  # ReportLab builds the halves through ``self.__class__``
    assert len(parts) == 2
    assert [part.getPlainText() for part in parts] == [part.getPlainText() for part in plain.split(200, 60)]
    assert SheetParagraph(text, styles.body).getPlainText() == plain.getPlainText()  # cache untouched
