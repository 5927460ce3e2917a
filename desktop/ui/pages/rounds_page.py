"""รุ่นการอบรม: plan rounds, change their status, choose who attends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QInputDialog, QMenu, QPushButton, QWidget

from db.rules.collation import thai_key
from desktop.core import office
from desktop.core.people import places
from desktop.core.rounds import completion, rounds
from desktop.core.rounds.rounds import STATUS_LABELS, TRANSITIONS, RoundRow
from desktop.ui.dialogs.enrol import EnrolDialog
from desktop.ui.dialogs.round import RoundDialog
from desktop.ui.pages.table_page import TablePage
from desktop.ui.table_model import Column


class RoundsPage(TablePage):
    title = "รุ่นการอบรม"
    noun = "รุ่น"
    wrap = True
    empty_text = "ยังไม่มีรุ่นการอบรม\nวางแผนรุ่นแรก: วันที่ สถานที่ และอำเภอที่รุ่นรับผิดชอบ"
    empty_button = "วางแผนรุ่นแรก…"
    districts: list[places.DistrictRow] = []  # noqa: RUF012 - replaced, never mutated
    organiser = ""
    completed: dict = {}  # noqa: RUF012 - replaced, never mutated: round id -> people who completed

    def extra_buttons(self) -> list[QWidget]:
        self.status_button = QPushButton("เปลี่ยนสถานะ")
        self.status_menu = QMenu(self.status_button)
        self.status_button.setMenu(self.status_menu)
        self.status_menu.aboutToShow.connect(self._fill_status_menu)
        self.enrol_button = QPushButton("ผู้เข้าอบรม…")
        self.enrol_button.clicked.connect(self.open_enrolment)
        self.attendance_button = QPushButton("บันทึกการเข้าอบรม")
        self.attendance_button.setToolTip("ตารางการเข้าอบรม ลงชื่อด้วยเลขประจำตัว สรุปผล วางแผน และพิมพ์เอกสารของรุ่น")
        self.attendance_button.clicked.connect(self.open_attendance)
        return [self.status_button, self.enrol_button, self.attendance_button]

    def columns(self) -> Sequence[Column]:
        return [
            Column(
                "รุ่นที่/\nปีงบประมาณ",
                lambda r: f"{r.number}/{r.fiscal_year}",
                align_right=True,
                sort_key=lambda r: (r.fiscal_year, r.number),
            ),
            Column("ชื่อรุ่น", lambda r: r.title, stretch=True),
            Column("วันที่อบรม", lambda r: r.dates_label, sort_key=lambda r: r.start_date),
            Column("สถานที่", lambda r: r.venue, sort_key=lambda r: thai_key(r.venue), stretch=True),
            Column("สถานะ", lambda r: "ลบแล้ว" if r.deleted else r.status_label, sort_key=lambda r: r.status),
            Column(
                "ผ่าน\nการอบรม",
                lambda r: f"{self.completed[r.id]:,}" if r.id in self.completed else "",
                align_right=True,
                sort_key=lambda r: self.completed.get(r.id, -1),
            ),
            Column(
                "ลงทะเบียน/\nรับได้",
                lambda r: f"{r.enrolled:,}/{r.capacity:,}",
                align_right=True,
                sort_key=lambda r: r.enrolled,
            ),
        ]

    def search_text(self, row: RoundRow) -> str:
        return " ".join(
            (
                f"รุ่นที่ {row.number}",
                str(row.fiscal_year),
                row.title,
                row.venue,
                row.status_label,
                row.dates_label,
                *row.district_names,
            )
        )

    def fetch(self, include_deleted: bool) -> list[RoundRow]:
        self.districts = places.list_districts(self.ctx)
        own = office.get_office(self.ctx)
        self.organiser = own.name_th if own else ""
        self.completed = completion.completed_counts(self.ctx)
        return rounds.list_rounds(self.ctx, include_deleted=include_deleted)

    def open_dialog(self, row: RoundRow | None) -> Any | None:
        dialog = RoundDialog(
            self.ctx, self.runner, districts=self.districts, organiser=self.organiser, row=row, parent=self
        )
        return dialog.result_row if dialog.exec() else None

    def delete_row(self, row: RoundRow) -> None:
        rounds.delete_round(self.ctx, row.id)

    def restore_row(self, row: RoundRow) -> None:
        rounds.restore_round(self.ctx, row.id)

    def describe(self, row: RoundRow) -> str:
        return f"รุ่นที่ {row.number}/{row.fiscal_year} {row.title}"

    def _fill_status_menu(self) -> None:
        self.status_menu.clear()
        row = self.current_row()
        if row is None or row.deleted:
            self.status_menu.addAction("เลือกรุ่นก่อน").setEnabled(False)
            return
        for status in TRANSITIONS[row.status]:
            action = self.status_menu.addAction(f"เป็น '{STATUS_LABELS[status]}'")
            action.triggered.connect(lambda _checked=False, s=status, r=row: self.change_status(r, s))

    def change_status(self, row: RoundRow, status: str) -> None:
        reason = ""
        if row.status == "closed":
            reason, ok = QInputDialog.getText(self, "เปิดรุ่นที่ปิดแล้ว", "เหตุผลที่ต้องเปิดรุ่นนี้อีกครั้ง:")
            if not ok:
                return
        self._run_change(
            lambda: rounds.set_status(self.ctx, row.id, status, reason=reason),
            select_id=row.id,
        )

    def open_enrolment(self) -> None:
        row = self.current_row()
        if row is None or row.deleted:
            return
        EnrolDialog(self.ctx, self.runner, round_row=row, parent=self).exec()
        self.changed.emit()
        self.reload(select=lambda r: r.id == row.id)

    def open_attendance(self) -> None:
        row = self.current_row()
        if row is None or row.deleted:
            return
        from desktop.ui.rounds.round_dialog import RoundAttendanceDialog

        self.attendance_dialog = RoundAttendanceDialog(self.ctx, self.runner, round_row=row, parent=self)
        self.attendance_dialog.exec()
        self.changed.emit()
        self.reload(select=lambda r: r.id == row.id)
