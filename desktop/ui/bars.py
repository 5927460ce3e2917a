"""Bars of a part over its whole per row (districts' trained ครู ข, a round's presence per half-day)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

TARGET_COLOUR = QColor("#c9d6e3")
DONE_COLOUR = QColor("#1f4e79")


class Bars(QWidget):
    """Horizontal bars drawn with QPainter, one row per name: the part done over its whole (QtCharts elides
    category labels when there are many rows, e.g. 26 districts)."""

    def __init__(self, title: str, *, legend: tuple[str, str], empty_text: str) -> None:
        super().__init__()
        self.title = title
        self.legend = legend  # (done, whole)
        self.empty_text = empty_text
        self.rows: list[tuple[str, int, int]] = []
        self.setMinimumHeight(300)

    def set_rows(self, rows: list[tuple[str, int, int]]) -> None:
        self.rows = rows
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = p.font()
        p.setPen(QColor("#333"))
        p.drawText(
            self.rect().adjusted(0, 6, 0, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.title,
        )
        if not any(t or d for _n, t, d in self.rows):  # a fresh office: say so instead of drawing empty bars
            p.setPen(QColor("#666"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        top, bottom = 34, self.height() - 28
        pitch = min(34.0, (bottom - top) / len(self.rows))  # a few rows stay bars, not blocks
        size = max(6.0, min(font.pointSizeF(), pitch * 0.55))
        font.setPointSizeF(size)
        p.setFont(font)
        metrics = p.fontMetrics()
        label_w = max(metrics.horizontalAdvance(name) for name, _t, _d in self.rows) + 12
        number_w = metrics.horizontalAdvance("0,000 / 0,000") + 8
        left, right = label_w, self.width() - number_w - 8
        scale = max([1, *(max(t, d) for _n, t, d in self.rows)])
        for i, (name, target, done) in enumerate(self.rows):
            y = top + i * pitch
            bar_h = max(2.0, pitch * 0.7)
            p.setPen(QColor("#333"))
            p.drawText(
                0,
                int(y),
                label_w - 8,
                int(pitch),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            width = right - left
            p.fillRect(
                int(left),
                int(y + (pitch - bar_h) / 2),
                int(width * target / scale),
                int(bar_h),
                TARGET_COLOUR,
            )
            p.fillRect(
                int(left), int(y + (pitch - bar_h) / 2), int(width * done / scale), int(bar_h), DONE_COLOUR
            )
            p.drawText(
                int(right + 6),
                int(y),
                number_w,
                int(pitch),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{done:,} / {target:,}",
            )
        legend_y = min(self.height() - 20, int(top + len(self.rows) * pitch) + 8)  # legend under the bars
        font.setPointSizeF(max(8.0, size))
        p.setFont(font)
        x = left
        for colour, text in ((DONE_COLOUR, self.legend[0]), (TARGET_COLOUR, self.legend[1])):
            p.fillRect(int(x), legend_y + 3, 12, 12, colour)
            p.setPen(QColor("#333"))
            p.drawText(int(x + 16), legend_y + 14, text)
            x += 24 + p.fontMetrics().horizontalAdvance(text)
        p.end()
