"""The check-in box: type or scan a 13-digit national ID + Enter; the person is shown present, or why not."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.rules.thai_dates import format_be_date
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.rounds import attendance, enrolment
from desktop.core.rounds.attendance import HALF_LABELS, THAI_TIME, CheckInResult
from desktop.core.rounds.rounds import RoundRow
from desktop.ui.tasks import TaskRunner

OK_STYLE = "background:#d7f0d2; color:#1b5e20; border-radius:6px; padding:12px; font-size:18pt;"
NO_STYLE = "background:#fbe3e1; color:#b00020; border-radius:6px; padding:12px; font-size:16pt;"
IDLE_STYLE = "background:#f2f2f2; color:#555; border-radius:6px; padding:12px; font-size:14pt;"


class CheckInBox(QWidget):
    checked_in = Signal(object)  # CheckInResult, whatever the outcome
    walk_in_requested = Signal(str)  # a national ID not in the database

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_row: RoundRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round = ctx, runner, round_row
        self.today: date = datetime.now(THAI_TIME).date()
        self.last_result: CheckInResult | None = None
        self.day = QComboBox()
        for d in round_row.days:
            self.day.addItem(f"วันที่ {d.day_no} ({format_be_date(d.day_date, style='medium')})", d.day_no)
        self.half = QComboBox()
        for half in attendance.HALVES:
            self.half.addItem(HALF_LABELS[half], half)
        self.input = QLineEdit()
        self.input.setPlaceholderText("สแกนบัตรหรือพิมพ์เลขประจำตัวประชาชน 13 หลัก แล้วกด Enter")
        # Digits, Thai digits, spaces and dashes as people type them; a scanner sends digits + Enter.
        self.input.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9๐-๙ \-]{0,20}"), self))
        self.input.setStyleSheet("font-size: 20pt; padding: 6px;")
        self.input.returnPressed.connect(self.submit)
        self.result = QLabel("พร้อมรับการลงชื่อ")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(IDLE_STYLE)
        self.result.setMinimumHeight(90)
        self.action = QPushButton()
        self.action.setVisible(False)
        self.action.clicked.connect(self._act)
        self.recent = QListWidget()
        self.count = QLabel()
        when = QHBoxLayout()
        when.addWidget(QLabel("วันอบรม:"))
        when.addWidget(self.day)
        when.addWidget(QLabel("ช่วง:"))
        when.addWidget(self.half)
        self.today_label = QLabel()
        when.addWidget(self.today_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(when)
        layout.addWidget(self.input)
        layout.addWidget(self.result)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel("ลงชื่อล่าสุด:"))
        layout.addWidget(self.recent, 1)
        layout.addWidget(self.count)
        self._present = 0
        self._pending_id = ""
        now = datetime.now(THAI_TIME)
        slot = attendance.default_slot(
            [(d.day_no, d.day_date, d.has_am, d.has_pm) for d in round_row.days], now
        )
        if slot is not None:
            self.set_slot(*slot, today=now.date())
        else:
            self._show_today()

    def set_slot(self, day_no: int, half: str, *, today: date | None = None) -> None:
        """Choose the half-day (and, for demos and tests, what "today" is)."""
        if today is not None:
            self.today = today
        self.day.setCurrentIndex(max(self.day.findData(day_no), 0))
        self.half.setCurrentIndex(max(self.half.findData(half), 0))
        self._show_today()

    def _show_today(self) -> None:
        self.today_label.setText(f"วันนี้ {format_be_date(self.today, style='medium')}")

    def submit(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self.input.clear()
        ctx, rid, day_no, half, today = (
            self.ctx,
            self.round.id,
            self.day.currentData(),
            self.half.currentData(),
            self.today,
        )
        self.runner.run(
            lambda: attendance.check_in(
                ctx, round_id=rid, day_no=day_no, half=half, national_id=text, today=today
            ),
            on_done=self._show,
            on_error=self._failed,
        )

    def _show(self, result: CheckInResult) -> None:
        self.last_result = result
        self.action.setVisible(False)
        if result.ok and result.person is not None:
            p = result.person
            self.result.setStyleSheet(OK_STYLE)
            self.result.setText(f"✔ {p.full_name}\n{p.position} {p.place}\n{result.message}")
            self._present += 1
            self.recent.insertItem(
                0, f"{attendance.thai_clock(result.at or datetime.now(THAI_TIME))}  {p.full_name}"
            )
            self.count.setText(f"ลงชื่อในหน้าจอนี้แล้ว {self._present:,} คน")
        else:
            self.result.setStyleSheet(NO_STYLE)
            self.result.setText(f"✘ {result.message}")
            if result.code == "not_in_database":
                self.action.setText("เพิ่มเป็นผู้เข้าร่วมหน้างาน (walk-in)…")
                self._pending_id = result.national_id
                self.action.setVisible(True)
            elif result.code in ("not_enrolled", "other_round") and result.person is not None:
                self.action.setText(f"ลงทะเบียน {result.person.full_name} หน้างานแล้วลงชื่อ")
                self._pending_id = result.person.national_id
                self.action.setVisible(True)
        self.input.setFocus()
        self.checked_in.emit(result)

    def _act(self) -> None:
        result = self.last_result
        if result is None:
            return
        if result.code == "not_in_database":
            self.walk_in_requested.emit(self._pending_id)
            return
        if result.person is None:
            return
        person = result.person
        ctx, rid = self.ctx, self.round.id
        reason = "ลงทะเบียนหน้างาน" if result.code == "other_round" else ""

        def work() -> int:
            return enrolment.enrol(
                ctx, round_id=rid, person_ids=[person.id], walk_in=True, override_reason=reason
            )

        def done(_n: int) -> None:
            self.input.setText(person.national_id)
            self.submit()

        self.runner.run(work, on_done=done, on_error=self._failed)

    def _failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, CoreError) else f"เกิดข้อผิดพลาด: {exc}"
        self.result.setStyleSheet(NO_STYLE)
        self.result.setText(f"✘ {message}")
