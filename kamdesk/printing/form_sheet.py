"""The visit form on paper: blank (to fill in by hand) or answered (the visit record).

Blank: every field, numbered, with a write-in area that suits its type, a "*" on required
fields and "仅当…时填写" under a conditional one. Answered: only the fields the answers show,
in words, with corrections marked against the record they replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from kamdesk.domain.forms import FieldDef, FieldType, Template, visible_keys
from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _
from kamdesk.printing.data import ContactInfo, ProductInfo
from kamdesk.printing.fonts import FONT
from kamdesk.printing.layout import (
    ACCENT,
    CONTENT_WIDTH,
    RULE,
    SHADE,
    WARN,
    SheetParagraph,
    cell_style,
    sheet_styles,
)
from kamdesk.printing.widgets import BOX, Blank, Blanks, CheckOptions, RuledLines

LABEL_WIDTH = 58 * mm
ANSWER_WIDTH = CONTENT_WIDTH - LABEL_WIDTH
LONG_TEXT_LINES = 4
MAX_CONTACT_BOXES = 60  # more would not fit one page; the form row cannot break
AMENDED_BACKGROUND = colors.HexColor("#fff4e5")


def p(text: str, style_name: str = "body") -> SheetParagraph:
    """A paragraph of plain text (escaped: customer data may hold "<" or "&")."""
    return SheetParagraph(escape(text).replace("\n", "<br/>"), getattr(sheet_styles(), style_name))


def section_bar(title: str) -> Table:
    """A shaded bar that opens a form section."""
    bar = Table([[p(title, "subheading")]], colWidths=[CONTENT_WIDTH])
    bar.setStyle(
        cell_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LINEBEFORE", (0, 0), (0, -1), 2.5, ACCENT),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return bar


def value_text(field: FieldDef | None, value: Any) -> str:
    """The words a condition value stands for: "是" for ``true``, an option's label."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None:
        for option in field.options:
            if option.value == value:
                return option.label
    return "" if value is None else str(value)


def condition_text(template: Template, field: FieldDef) -> str:
    """ "仅当「客户是否提出投诉」为「是」时填写" for a conditional field, else ''."""
    condition = field.show_if
    if condition is None:
        return ""
    source = template.fields_by_key.get(condition.field)
    name = source.label if source else condition.field
    values = [value_text(source, value) for value in condition.wanted]
    if len(values) == 1:
        return _("Fill in only if “{field}” is “{value}”").format(field=name, value=values[0])
    return _("Fill in only if “{field}” is one of: {values}").format(field=name, values=_(", ").join(values))


def answer_text(
    field: FieldDef,
    value: Any,
    *,
    contact_names: Mapping[str, str] | None = None,
    product_names: Mapping[str, str] | None = None,
) -> str:
    """An answer in words for the visit record ('' when unanswered). Paper wording, unlike the
    screen's ``forms.format_answer``: "¥12,345.00", "4 分（满分 5 分）", "（已删除）" for a gone contact."""
    if value is None or value == "" or value == []:
        return ""
    separator = _(", ")
    match field.type:
        case FieldType.YESNO:
            return value_text(None, bool(value))
        case FieldType.MONEY:
            return format_yuan(int(value)) if isinstance(value, int | float) else str(value)
        case FieldType.RATING:
            return _("{score} of 5").format(score=value)
        case FieldType.CHOICE:
            return value_text(field, value)
        case FieldType.MULTI_CHOICE:
            items = value if isinstance(value, list) else [value]
            return separator.join(value_text(field, item) for item in items)
        case FieldType.CONTACT | FieldType.PRODUCT:
            names = (contact_names if field.type is FieldType.CONTACT else product_names) or {}
            items = value if isinstance(value, list) else [value]
            return separator.join(names.get(str(item), _("(removed)")) for item in items)
        case FieldType.ATTACHMENT:
            items = value if isinstance(value, list) else [value]
            return separator.join(
                str(item.get("name", "")) if isinstance(item, Mapping) else str(item) for item in items
            )
        case FieldType.DATE:
            try:
                return date.fromisoformat(str(value)).strftime("%Y-%m-%d")
            except ValueError:
                return str(value)
        case FieldType.NUMBER:
            return f"{value:g}" if isinstance(value, float) else str(value)
        case _:
            return str(value)


def _label_cell(number: int, field: FieldDef, condition: str) -> list[Flowable]:
    styles = sheet_styles()
    required = ' <font color="#b42318">*</font>' if field.required else ""
    cell: list[Flowable] = [
        SheetParagraph(
            f'<font color="#616e7c">{number}.</font> {escape(field.label)}{required}', styles.label
        )
    ]
    if condition:
        cell.append(SheetParagraph(f"↳ {escape(condition)}", styles.warning))
    if field.help:
        cell.append(p(field.help, "muted"))
    return cell


class _Box(Flowable):
    """One tick box, for option lists that need wrapped labels beside it."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return BOX, BOX

    def draw(self) -> None:
        self.canv.setLineWidth(0.7)
        self.canv.rect(0, 0, BOX, BOX, stroke=1, fill=0)


def check_options(labels: list[str], width: float = ANSWER_WIDTH) -> Flowable:
    """Tick boxes; long labels get a wrapping list instead of being cut."""
    room = width - BOX - 10 * mm
    if all(stringWidth(text, FONT, 9.5) <= room for text in labels):
        return CheckOptions(labels)
    rows = [[_Box(), p(text)] for text in labels]
    table = Table(rows, colWidths=[BOX + 2 * mm, width - BOX - 2 * mm])
    table.setStyle(
        cell_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _contact_label(contact: ContactInfo) -> str:
    """Name and decision role: short enough for the boxes to line up in columns."""
    return f"{contact.name}（{contact.role_label}）" if contact.role_label else contact.name


def _blank_answer(
    field: FieldDef, contacts: list[ContactInfo], products: list[ProductInfo]
) -> list[Flowable]:
    other = [_("Other:"), Blank()]
    match field.type:
        case FieldType.LONG_TEXT:
            return [RuledLines(LONG_TEXT_LINES)]
        case FieldType.MONEY:
            return [Blanks([Blank(), _("yuan")])]
        case FieldType.DATE:
            return [Blanks([Blank(18 * mm), _("year"), Blank(11 * mm), _("month"), Blank(11 * mm), _("day")])]
        case FieldType.TIME:
            return [Blanks([Blank(11 * mm), _("h"), Blank(11 * mm), _("min")])]
        case FieldType.YESNO:
            return [CheckOptions([_("Yes"), _("No")])]
        case FieldType.RATING:
            return [
                CheckOptions(
                    [
                        _("1 very dissatisfied"),
                        _("2 dissatisfied"),
                        _("3 neutral"),
                        _("4 satisfied"),
                        _("5 very satisfied"),
                    ]
                )
            ]
        case FieldType.CHOICE | FieldType.MULTI_CHOICE:
            flowables: list[Flowable] = [check_options([o.label for o in field.options])]
            if field.type is FieldType.MULTI_CHOICE:
                flowables.insert(0, p(_("Tick all that apply"), "muted"))
            return flowables
        case FieldType.CONTACT:
            # Decision-makers come first; past MAX_CONTACT_BOXES the rest are written under "Other".
            shown = [_contact_label(c) for c in contacts[:MAX_CONTACT_BOXES]]
            flowables = [check_options(shown)] if shown else []
            return [*flowables, Blanks(other)]
        case FieldType.PRODUCT:
            names = [f"{item.name}（{item.category_label}）" for item in products]
            flowables = [check_options(names)] if names else []
            return [*flowables, Blanks(other)]
        case FieldType.ATTACHMENT:
            return [Blanks([_("Attached:"), Blank(14 * mm), _("pages"), _("Description:"), Blank()])]
        case _:
            return [Blanks([Blank()])]


_FIELD_STYLE = cell_style(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
)


def blank_form(
    template: Template | None, contacts: list[ContactInfo], products: list[ProductInfo]
) -> list[Flowable]:
    """The whole form with space to write: one row per field, sections as shaded bars; with no
    template, lines for notes."""
    story: list[Flowable] = [
        p(_("Fields marked * are required. Tick boxes with ✓; write clearly inside the lines."), "muted"),
        Spacer(1, 1.5 * mm),
    ]
    number = 0
    for section in template.sections if template is not None else ():
        rows: list[Flowable] = []
        for field in section.fields:
            number += 1
            cell = Table(
                [
                    [
                        _label_cell(number, field, condition_text(template, field)),
                        _blank_answer(field, contacts, products),
                    ]
                ],
                colWidths=[LABEL_WIDTH, ANSWER_WIDTH],
            )
            cell.setStyle(_FIELD_STYLE)
            rows.append(cell)
        if section.title and rows:
            story.append(KeepTogether([section_bar(section.title), rows[0]]))
            story.extend(rows[1:])
        else:
            story.extend(rows)
        story.append(Spacer(1, 2 * mm))
    if number == 0:
        story.append(p(_("Notes"), "subheading"))
        story.append(RuledLines(10))
    return story


def signature_block() -> Flowable:
    """Signature and date lines for the manager and the customer, kept on one page."""
    return KeepTogether(signature_flowables())


def signature_flowables() -> list[Flowable]:
    """The signature lines as plain flowables, for a caller's own KeepTogether (KeepTogether
    cannot nest: an inner one reports an endless height and the outer one breaks the page)."""
    table = Table(
        [
            [Blanks([_("Account manager (signature):"), Blank()]), Blanks([_("Date:"), Blank()])],
            [Blanks([_("Customer (signature or stamp):"), Blank()]), Blanks([_("Date:"), Blank()])],
        ],
        colWidths=[CONTENT_WIDTH * 0.66, CONTENT_WIDTH * 0.34],
        rowHeights=[11 * mm, 11 * mm],
    )
    table.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 3 * mm), table]


ANSWER_CHUNK = 160  # characters per row of a long answer (about three lines)


def answer_chunks(text: str) -> list[str]:
    """``text`` cut at line ends, and long lines at ``ANSWER_CHUNK`` characters."""
    chunks: list[str] = []
    for line in text.splitlines() or [text]:
        while len(line) > ANSWER_CHUNK:
            cut = max(line.rfind(mark, ANSWER_CHUNK // 2, ANSWER_CHUNK) for mark in " ，。；、,.;")
            cut = cut + 1 if cut > 0 else ANSWER_CHUNK
            chunks.append(line[:cut])
            line = line[cut:]
        chunks.append(line)
    return [chunk for chunk in chunks if chunk.strip()] or [text]


def answered_form(
    template: Template,
    answers: Mapping[str, Any],
    *,
    contact_names: Mapping[str, str],
    product_names: Mapping[str, str],
    original: Mapping[str, Any] | None = None,
) -> list[Flowable]:
    """The fields the answers show, in words; with ``original`` (the record a correction
    replaces) every changed answer is shaded and says what it was."""
    styles = sheet_styles()
    shown = visible_keys(template, answers)
    shown_before = visible_keys(template, original) if original is not None else set()
    story: list[Flowable] = []
    number = 0
    for section in template.sections:
        rows: list[list[Any]] = []
        marks: list[int] = []  # rows of corrected answers
        joins: list[int] = []  # rows that continue the answer of the row above
        for field in section.fields:
            number += 1  # numbered as on the blank form, so "7." is the same question on both
            if field.key not in shown:
                continue
            text = answer_text(
                field, answers.get(field.key), contact_names=contact_names, product_names=product_names
            )
            # A long answer becomes several rows: a table row cannot break across pages.
            cells: list[list[Flowable]] = (
                [[p(chunk)] for chunk in answer_chunks(text)] if text else [[p(_("(not answered)"), "muted")]]
            )
            corrected = False
            if original is not None:
                before_value = original.get(field.key) if field.key in shown_before else None
                before = answer_text(
                    field, before_value, contact_names=contact_names, product_names=product_names
                )
                if before != text:
                    corrected = True
                    was = before or _("(not answered)")
                    cells[-1].append(
                        SheetParagraph(
                            escape(_("Corrected — previously: {answer}").format(answer=was)), styles.warning
                        )
                    )
            label = SheetParagraph(
                f'<font color="#616e7c">{number}.</font> {escape(field.label)}', styles.label
            )
            for index, cell in enumerate(cells):
                if index:
                    joins.append(len(rows))
                if corrected:
                    marks.append(len(rows))
                rows.append([label if index == 0 else "", cell])
        if not rows:
            continue
        table = Table(rows, colWidths=[LABEL_WIDTH, ANSWER_WIDTH])
        style = cell_style(_FIELD_STYLE.getCommands())
        for row in joins:
            style.add("LINEBELOW", (0, row - 1), (-1, row - 1), 0.6, colors.white)
            style.add("TOPPADDING", (0, row), (-1, row), 0)
            style.add("BOTTOMPADDING", (0, row - 1), (-1, row - 1), 0)
        for row in marks:
            style.add("BACKGROUND", (0, row), (-1, row), AMENDED_BACKGROUND)
            style.add("LINEBEFORE", (0, row), (0, row), 2.5, WARN)
        for row in joins:
            if row in marks:
                style.add("LINEBELOW", (0, row - 1), (-1, row - 1), 0.6, AMENDED_BACKGROUND)
        table.setStyle(style)
        if section.title:
            # keepWithNext would carry a long table to the next page whole; leave room instead.
            story.append(CondPageBreak(25 * mm))
            story.append(section_bar(section.title))
        story.append(table)
        story.append(Spacer(1, 2 * mm))
    return story
