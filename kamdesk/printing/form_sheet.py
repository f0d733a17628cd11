"""The visit form on paper: blank (to fill in by hand) or answered (the visit record).

Blank: every field, numbered, with a write-in area that suits its type, a "*" on required
fields and "仅当…时填写" under a conditional one. Answered: only the fields the answers show,
in words, with corrections marked against the record they replace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from kamdesk.i18n import _
from kamdesk.printing.data import ContactInfo, ProductInfo
from kamdesk.printing.fonts import FONT
from kamdesk.printing.layout import ACCENT, CONTENT_WIDTH, RULE, SHADE, WARN, cell_style, sheet_styles
from kamdesk.printing.template import (
    FormField,
    FormTemplateSpec,
    answer_text,
    condition_text,
    visible_keys,
)
from kamdesk.printing.widgets import BOX, Blank, Blanks, CheckOptions, RuledLines

LABEL_WIDTH = 58 * mm
ANSWER_WIDTH = CONTENT_WIDTH - LABEL_WIDTH
LONG_TEXT_LINES = 4
AMENDED_BACKGROUND = colors.HexColor("#fff4e5")


def p(text: str, style_name: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped: customer data may hold "<" or "&")."""
    return Paragraph(escape(text).replace("\n", "<br/>"), getattr(sheet_styles(), style_name))


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


def _label_cell(number: int, field: FormField, condition: str) -> list[Flowable]:
    styles = sheet_styles()
    required = ' <font color="#b42318">*</font>' if field.required else ""
    cell: list[Flowable] = [
        Paragraph(f'<font color="#616e7c">{number}.</font> {escape(field.label)}{required}', styles.label)
    ]
    if condition:
        cell.append(Paragraph(f"↳ {escape(condition)}", styles.warning))
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
    field: FormField, contacts: list[ContactInfo], products: list[ProductInfo]
) -> list[Flowable]:
    other = [_("Other:"), Blank()]
    match field.type:
        case "long_text":
            return [RuledLines(LONG_TEXT_LINES)]
        case "money":
            return [Blanks([Blank(), _("yuan")])]
        case "date":
            return [Blanks([Blank(18 * mm), _("year"), Blank(11 * mm), _("month"), Blank(11 * mm), _("day")])]
        case "time":
            return [Blanks([Blank(11 * mm), _("h"), Blank(11 * mm), _("min")])]
        case "yesno":
            return [CheckOptions([_("Yes"), _("No")])]
        case "rating":
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
        case "choice" | "multi_choice":
            flowables: list[Flowable] = [check_options([o.label for o in field.options])]
            if field.type == "multi_choice":
                flowables.insert(0, p(_("Tick all that apply"), "muted"))
            return flowables
        case "contact":
            flowables = [check_options([_contact_label(c) for c in contacts])] if contacts else []
            return [*flowables, Blanks(other)]
        case "product":
            names = [f"{item.name}（{item.category_label}）" for item in products]
            flowables = [check_options(names)] if names else []
            return [*flowables, Blanks(other)]
        case "attachment":
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
    template: FormTemplateSpec, contacts: list[ContactInfo], products: list[ProductInfo]
) -> list[Flowable]:
    """The whole form with space to write: one row per field, sections as shaded bars."""
    story: list[Flowable] = [
        p(_("Fields marked * are required. Tick boxes with ✓; write clearly inside the lines."), "muted"),
        Spacer(1, 1.5 * mm),
    ]
    number = 0
    for section in template.sections:
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


def answered_form(
    template: FormTemplateSpec,
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
        marks: list[int] = []
        for field in section.fields:
            number += 1  # numbered as on the blank form, so "7." is the same question on both
            if field.key not in shown:
                continue
            text = answer_text(
                field, answers.get(field.key), contact_names=contact_names, product_names=product_names
            )
            cell: list[Flowable] = [p(text) if text else p(_("(not answered)"), "muted")]
            if original is not None:
                before_value = original.get(field.key) if field.key in shown_before else None
                before = answer_text(
                    field, before_value, contact_names=contact_names, product_names=product_names
                )
                if before != text:
                    marks.append(len(rows))
                    was = before or _("(not answered)")
                    cell.append(
                        Paragraph(
                            escape(_("Corrected — previously: {answer}").format(answer=was)), styles.warning
                        )
                    )
            rows.append(
                [
                    Paragraph(f'<font color="#616e7c">{number}.</font> {escape(field.label)}', styles.label),
                    cell,
                ]
            )
        if not rows:
            continue
        table = Table(rows, colWidths=[LABEL_WIDTH, ANSWER_WIDTH])
        style = cell_style(_FIELD_STYLE.getCommands())
        for row in marks:
            style.add("BACKGROUND", (0, row), (-1, row), AMENDED_BACKGROUND)
            style.add("LINEBEFORE", (0, row), (0, row), 2.5, WARN)
        table.setStyle(style)
        if section.title:
            bar = section_bar(section.title)
            bar.keepWithNext = True
            story.append(bar)
        story.append(table)
        story.append(Spacer(1, 2 * mm))
    return story
