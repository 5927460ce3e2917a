"""หน้าหลัก: the figures that exist so far, at a glance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop.core import dashboard
from desktop.core.context import AppContext
from desktop.core.dashboard import DashboardCounts
from desktop.core.rounds import STATUS_LABELS
from desktop.ui.tasks import TaskRunner


class Card(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("Card { background: white; border: 1px solid #d0d7de; border-radius: 8px; }")
        self.value = QLabel("–")
        self.value.setStyleSheet("font-size: 26pt; font-weight: bold; color: #1f4e79;")
        self.detail = QLabel()
        self.detail.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class HomePage(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.counts: DashboardCounts | None = None
        self.office_label = QLabel()
        self.cards = {
            "people": Card("ผู้เข้ารับการอบรม (ครู ข) ในทะเบียน"),
            "villages": Card("หมู่บ้านที่มีผู้ผ่านการอบรมแล้ว"),
            "trained": Card("ครู ข ที่อบรมแล้ว"),
            "rounds": Card("รุ่นการอบรม"),
            "enrolled": Card("ลงทะเบียนในรุ่นการอบรม"),
            "lecturers": Card("วิทยากร"),
        }
        grid = QGridLayout()
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>หน้าหลัก</h2>"))
        layout.addWidget(self.office_label)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.office_label.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def reload(self) -> None:
        self.runner.read(lambda: dashboard.counts(self.ctx), on_done=self._show)

    def _show(self, c: DashboardCounts) -> None:
        self.counts = c
        pct = f"{c.villages_covered / c.villages:.1%}" if c.villages else "0%"
        self.cards["people"].set(f"{c.people:,}", f"จาก {c.villages:,} หมู่บ้าน")
        self.cards["villages"].set(f"{c.villages_covered:,}", f"ครอบคลุม {pct} ของ {c.villages:,} หมู่บ้าน")
        self.cards["trained"].set(f"{c.trained:,}", "อยู่ในรุ่นที่จัดอบรมแล้วหรือปิดรุ่นแล้ว")
        self.cards["rounds"].set(
            f"{c.rounds:,}", " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in c.rounds_by_status.items())
        )
        self.cards["enrolled"].set(f"{c.enrolled:,}", "คน (ไม่นับซ้ำ)")
        self.cards["lecturers"].set(f"{c.lecturers:,}", "คน")
        self.loaded.emit()
