"""The small billing chart of the pre-visit sheet: six monthly bars in 万元 (ten-thousand yuan).

Drawn straight onto the canvas (a dozen lines and six rectangles) rather than with
``reportlab.graphics`` charts, whose node tree costs about 50 ms a sheet, a tenth of the budget.
"""

from __future__ import annotations

import math

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kamdesk.i18n import _
from kamdesk.printing.data import BillingMonth
from kamdesk.printing.fonts import FONT, register_fonts
from kamdesk.printing.layout import ACCENT, INK, MUTED, RULE

WAN_FEN = 10_000 * 100
LABEL_SIZE = 7


def nice_step(top: float, ticks: int = 4) -> float:
    """A 1/2/5 × 10ⁿ step so that ``ticks`` steps cover ``top``."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


class BillingChart(Flowable):
    def __init__(self, billing: list[BillingMonth], width: float = 86 * mm, height: float = 50 * mm) -> None:
        super().__init__()
        register_fonts()
        self.billing = billing
        self.width = width
        self.height = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        values = [(b.amount_fen or 0) / WAN_FEN for b in self.billing]
        step = nice_step(max(values, default=0) or 1)
        top = step * max(1, math.ceil(max(values, default=0) / step))
        left, bottom = 11 * mm, 7 * mm
        plot_width, plot_height = self.width - left - 2 * mm, self.height - bottom - 8 * mm
        canvas.setFont(FONT, LABEL_SIZE)
        canvas.setFillColor(MUTED)
        canvas.drawString(0, self.height - 3.5 * mm, _("Monthly bill (10k yuan)"))
        canvas.setLineWidth(0.25)
        canvas.setStrokeColor(RULE)
        canvas.setDash(1, 2)
        value = 0.0
        decimals = 0 if step >= 1 else 1
        while value <= top + 1e-9:
            y = bottom + plot_height * value / top
            if value:
                canvas.line(left, y, left + plot_width, y)
            canvas.drawRightString(left - 1.5 * mm, y - 2.3, f"{value:.{decimals}f}")
            value += step
        canvas.setDash()
        canvas.setLineWidth(0.5)
        canvas.line(left, bottom, left + plot_width, bottom)
        slot = plot_width / max(len(values), 1)
        bar = min(slot * 0.55, 9 * mm)
        for index, (month, amount) in enumerate(zip(self.billing, values, strict=True)):
            x = left + slot * index + (slot - bar) / 2
            if month.amount_fen is not None:
                canvas.setFillColor(ACCENT)
                canvas.rect(x, bottom, bar, plot_height * amount / top, stroke=0, fill=1)
            canvas.setFillColor(INK if month.amount_fen is not None else MUTED)
            text = month.month.strftime("%y-%m")
            canvas.drawString(x + (bar - stringWidth(text, FONT, LABEL_SIZE)) / 2, bottom - 3.2 * mm, text)


def billing_chart(billing: list[BillingMonth], width: float = 86 * mm, height: float = 50 * mm) -> Flowable:
    """Bars of the monthly bill; months without a bill stay empty rather than reading as zero."""
    return BillingChart(billing, width, height)
