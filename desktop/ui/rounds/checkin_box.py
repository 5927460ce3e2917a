"""The check-in box: insert the ID card, or type/scan a 13-digit national ID + Enter; present, or why not."""

from __future__ import annotations

from collections.abc import Callable
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
from desktop.core.cardreader import checkin as card_checkin
from desktop.core.cardreader.reader import ReaderEvent, ReaderWatch
from desktop.core.cardreader.thaiid import CardData
from desktop.core.context import AppContext
from desktop.core.people.people import PersonRow
from desktop.core.rounds import attendance, enrolment
from desktop.core.rounds.attendance import HALF_LABELS, THAI_TIME, CheckInResult
from desktop.core.rounds.rounds import RoundRow
from desktop.ui.errors import technical_detail, thai_message
from desktop.ui.tasks import TaskRunner

OK_STYLE = "background:#d7f0d2; color:#1b5e20; border-radius:6px; padding:12px; font-size:18pt;"
NO_STYLE = "background:#fbe3e1; color:#b00020; border-radius:6px; padding:12px; font-size:16pt;"
IDLE_STYLE = "background:#f2f2f2; color:#555; border-radius:6px; padding:12px; font-size:14pt;"
READER_STYLES = {
    "ready": "color:#1b5e20; font-weight:bold;",
    "reading": "color:#0d47a1; font-weight:bold;",
    "no_reader": "color:#8a6d00;",
    "unavailable": "color:#777;",
}
WatchFactory = Callable[[Callable[[ReaderEvent], None]], ReaderWatch]


class CheckInBox(QWidget):
    checked_in = Signal(object)  # CheckInResult, whatever the outcome
    walk_in_requested = Signal(str)  # a national ID not in the database
    walk_in_from_card = Signal(object)  # WalkInPrefill: an unknown card, the form filled from its chip
    reader_event = Signal(object)  # ReaderEvent, emitted from the reader's thread, handled on the GUI thread

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        round_row: RoundRow,
        watch_factory: WatchFactory = ReaderWatch,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round = ctx, runner, round_row
        self.watch_factory = watch_factory
        self.watch: ReaderWatch | None = None
        self.last_card: CardData | None = None
        self.reader_status = QLabel("เครื่องอ่านบัตร: -")
        self.reader_status.setWordWrap(True)
        self.reader_status.setToolTip("เสียบบัตรประชาชนเพื่อลงชื่อ ดึงบัตรออกแล้วเสียบใบถัดไป")
        self.reader_event.connect(self._on_reader_event)
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
        layout.addWidget(self.reader_status)
        layout.addWidget(self.input)
        layout.addWidget(self.result)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(QLabel("ลงชื่อล่าสุด:"))
        layout.addWidget(self.recent, 1)
        layout.addWidget(self.count)
        self._present = 0
        self._pending_id = ""
        self._card_update: tuple[PersonRow, CardData] | None = None
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

    def start_reader(self) -> None:
        """Watch the card readers while the check-in tab is open (a thread; events come back by signal)."""
        if self.watch is None:
            self.watch = self.watch_factory(self.reader_event.emit)
            self.watch.start()

    def stop_reader(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    def _on_reader_event(self, event: ReaderEvent) -> None:
        text = f"เครื่องอ่านบัตร: {event.label}"
        if len(event.readers) > 1 and event.reader and event.kind not in ("reader_added", "reader_removed"):
            text += f" ({event.reader})"
        note = event.message  # a reader plugged in or out, no reader, no service: said beside the status
        if note:
            text += f" — {note}"
        elif event.kind == "status" and event.status == "ready":
            self.reader_status.setToolTip("เสียบบัตรประชาชนเพื่อลงชื่อ ดึงบัตรออกแล้วเสียบใบถัดไป")
        self.reader_status.setText(text)
        self.reader_status.setStyleSheet(READER_STYLES.get(event.status, ""))
        if event.error is not None and event.status in ("no_reader", "unavailable"):
            self.reader_status.setToolTip(event.error.message)
        if event.kind == "card" and event.card is not None:
            self.check_in_card(event.card)
        elif event.kind == "error" and event.error is not None:
            self.last_result = CheckInResult(False, f"card_{event.error.code}", event.error.message)
            self.action.setVisible(False)
            self.result.setStyleSheet(NO_STYLE)
            self.result.setText(f"✘ {event.error.message}")
            self.checked_in.emit(self.last_result)

    def check_in_card(self, card: CardData) -> None:
        """Check the card's holder in, by the same rules as a typed ID."""
        self.last_card = card
        self.result.setStyleSheet(IDLE_STYLE)
        self.result.setText(f"กำลังลงชื่อ {card.full_name}…")
        ctx, rid, day_no, half, today = (
            self.ctx,
            self.round.id,
            self.day.currentData(),
            self.half.currentData(),
            self.today,
        )
        self.runner.run(
            lambda: card_checkin.check_in_card(
                ctx, round_id=rid, day_no=day_no, half=half, card=card, today=today
            ),
            on_done=self._show,
            on_error=self._failed,
        )

    def _show_today(self) -> None:
        self.today_label.setText(f"วันนี้ {format_be_date(self.today, style='medium')}")

    def submit(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self.input.clear()
        self.last_card = None
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
                from_card = self.last_card is not None and self.last_card.national_id == result.national_id
                self.action.setText(
                    "ลงทะเบียนผู้เข้าร่วมหน้างานจากข้อมูลบนบัตร…" if from_card else "เพิ่มเป็นผู้เข้าร่วมหน้างาน…"
                )
                self._pending_id = result.national_id
                self.action.setVisible(True)
            elif result.code in ("not_enrolled", "other_round") and result.person is not None:
                self.action.setText(f"ลงทะเบียน {result.person.full_name} หน้างานแล้วลงชื่อ")
                self._pending_id = result.person.national_id
                self.action.setVisible(True)
        self._card_update = None
        self._offer_card_update(result)
        self.input.setFocus()
        self.checked_in.emit(result)

    def _offer_card_update(self, result: CheckInResult) -> None:
        """A known holder whose stored names or address differ from the chip: show it, offer to update them."""
        card, person = self.last_card, result.person
        if card is None or person is None or person.national_id != card.national_id:
            return
        diff = card_checkin.differences(person, card)
        if not diff:
            return
        self.result.setText(
            f"{self.result.text()}\nข้อมูลบนบัตรต่างจากที่บันทึกไว้: {card_checkin.differences_text(diff)}"
        )
        if not self.action.isVisibleTo(self):
            self._card_update = (person, card)
            self.action.setText("ปรับข้อมูลตามบัตรประชาชน")
            self.action.setVisible(True)

    def _act(self) -> None:
        result = self.last_result
        if result is None:
            return
        if self._card_update is not None:
            person, card = self._card_update
            self._card_update = None
            ctx = self.ctx
            self.action.setVisible(False)
            self.runner.run(
                lambda: card_checkin.update_from_card(
                    ctx, person_id=person.id, card=card, expected_version=person.version
                ),
                on_done=lambda row: self.result.setText(
                    f"✔ ปรับข้อมูลตามบัตรแล้ว: {row.full_name} {row.address_text}".rstrip()
                ),
                on_error=self._failed,
            )
            return
        if result.code == "not_in_database":
            card = self.last_card
            if card is not None and card.national_id == self._pending_id:
                self.walk_in_from_card.emit(card_checkin.walk_in_prefill(card))
            else:
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
        technical_detail(exc)
        message = thai_message(exc)
        self.result.setStyleSheet(NO_STYLE)
        self.result.setText(f"✘ {message}")
