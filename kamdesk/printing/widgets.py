"""Flowables for filling in by hand: write-in lines, blanks between words, tick boxes.

They draw real lines and squares (not underscores or "□" glyphs), sized for a pen: lines 8 mm
apart, boxes 3.4 mm, so a sheet printed on any printer is easy to fill in on a clipboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kamdesk.printing.fonts import FONT
from kamdesk.printing.layout import INK, RULE

LINE_GAP = 8 * mm
BOX = 3.4 * mm
TEXT_SIZE = 9.5


class RuledLines(Flowable):
    """``count`` empty lines to write on."""

    def __init__(self, count: int, *, gap: float = LINE_GAP) -> None:
        super().__init__()
        self.count = count
        self.gap = gap
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.count * self.gap

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        for line in range(self.count):
            y = line * self.gap + 0.5
            canvas.line(0, y, self.width, y)


@dataclass(frozen=True)
class Blank:
    """A write-in gap of ``width`` points; 0 means "the rest of the line"."""

    width: float = 0.0


class Blanks(Flowable):
    """One line of words and write-in gaps, e.g. ``[Blank(18*mm), "年", Blank(10*mm), "月"]``."""

    def __init__(
        self, parts: Sequence[str | Blank], *, height: float = LINE_GAP, size: float = TEXT_SIZE
    ) -> None:
        super().__init__()
        self.parts = list(parts)
        self.height = height
        self.size = size
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        fixed = sum(
            stringWidth(p, FONT, self.size) + 2 if isinstance(p, str) else p.width for p in self.parts
        )
        stretch = [p for p in self.parts if isinstance(p, Blank) and p.width == 0]
        spare = max(self.width - fixed, 10 * mm) / len(stretch) if stretch else 0
        x, baseline = 0.0, 1.6 * mm
        canvas.setFont(FONT, self.size)
        canvas.setFillColor(INK)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        for part in self.parts:
            if isinstance(part, str):
                canvas.drawString(x + 1, baseline, part)
                x += stringWidth(part, FONT, self.size) + 2
            else:
                width = part.width or spare
                canvas.line(x, 0.5, x + width, 0.5)
                x += width


class CheckOptions(Flowable):
    """Tick boxes with their labels, flowing left to right and wrapping onto further rows.

    Options are laid out on a grid of equal columns when they are short, so the boxes line up.
    """

    def __init__(
        self, labels: Sequence[str], *, size: float = TEXT_SIZE, row_height: float = 6.5 * mm
    ) -> None:
        super().__init__()
        self.labels = list(labels)
        self.size = size
        self.row_height = row_height
        self._placed: list[tuple[float, int, str]] = []
        self.width = 0.0

    def _layout(self, width: float) -> list[tuple[float, int, str]]:
        widths = [BOX + 1.8 * mm + stringWidth(text, FONT, self.size) + 5 * mm for text in self.labels]
        column = max(widths, default=0)
        columns = int(width // column) if column else 1
        placed: list[tuple[float, int, str]] = []
        if columns >= 1 and column <= width / 2:
            column = width / columns
            for index, text in enumerate(self.labels):
                placed.append(((index % columns) * column, index // columns, text))
            return placed
        x, row = 0.0, 0
        for text, needed in zip(self.labels, widths, strict=True):
            if x and x + needed > width:
                x, row = 0.0, row + 1
            placed.append((x, row, self._fit(text, width)))
            x += needed
        return placed

    def _fit(self, text: str, width: float) -> str:
        room = width - BOX - 3 * mm
        while text and stringWidth(text, FONT, self.size) > room:
            text = text[:-1]
        return text

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._placed = self._layout(available_width)
        rows = max((row for _, row, _ in self._placed), default=-1) + 1
        return available_width, max(rows, 1) * self.row_height

    def draw(self) -> None:
        canvas = self.canv
        rows = max((row for _, row, _ in self._placed), default=-1) + 1
        canvas.setFont(FONT, self.size)
        canvas.setFillColor(INK)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.7)
        for x, row, text in self._placed:
            y = (rows - 1 - row) * self.row_height + 1.4 * mm
            canvas.rect(x, y - 0.6, BOX, BOX, stroke=1, fill=0)
            canvas.drawString(x + BOX + 1.8 * mm, y, text)
