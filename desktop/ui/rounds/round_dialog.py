"""One round in practice: attendance grid, check-in, summary, enrolment planning and printing, as tabs."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.context import AppContext
from desktop.core.rounds.rounds import RoundRow
from desktop.ui.rounds.checkin_box import CheckInBox
from desktop.ui.rounds.grid import AttendanceGridWidget
from desktop.ui.rounds.planning_view import PlanningWidget
from desktop.ui.rounds.print_preview import PdfPreviewDialog, certificates_maker, signin_maker
from desktop.ui.rounds.summary_view import RoundSummaryView
from desktop.ui.screen_fit import fit_window
from desktop.ui.tasks import TaskRunner


class RoundAttendanceDialog(QDialog):
    changed = Signal()

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_row: RoundRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round = ctx, runner, round_row
        self.setWindowTitle(f"การอบรมรุ่นที่ {round_row.number}/{round_row.fiscal_year} — {round_row.title}")
        fit_window(self, QSize(1280, 820))
        self.grid = AttendanceGridWidget(ctx, runner, round_id=round_row.id)
        self.checkin = CheckInBox(ctx, runner, round_row=round_row)
        self.summary = RoundSummaryView(ctx, runner, round_id=round_row.id)
        self.planning = PlanningWidget(ctx, runner, round_row=round_row)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.grid, "ตารางการเข้าอบรม")
        self.tabs.addTab(self.checkin, "ลงชื่อด้วยเลขประจำตัว")
        self.tabs.addTab(self.summary, "สรุปผลรุ่น")
        self.tabs.addTab(self.planning, "วางแผนผู้เข้าอบรม")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.grid.saved.connect(lambda _r: self._changed())
        self.checkin.checked_in.connect(lambda r: self._changed() if r.ok else None)
        self.checkin.walk_in_requested.connect(self._walk_in_from_checkin)
        self.checkin.walk_in_from_card.connect(self._walk_in_from_card)
        self.planning.changed.connect(self._changed)
        self.mask_ids = QCheckBox("ปิดบังเลขประจำตัว (PDPA)")
        self.mask_ids.setChecked(True)  # full IDs only when asked for, and then audited
        self.mask_ids.setToolTip("เอาเครื่องหมายออกเพื่อพิมพ์เลขประจำตัวเต็ม (บันทึกในประวัติการใช้งานว่าใครพิมพ์เมื่อใด)")
        self.signin_button = QPushButton("พิมพ์แบบลงทะเบียน…")
        self.cert_button = QPushButton("พิมพ์เกียรติบัตร…")
        self.close_button = QPushButton("ปิด")
        self.signin_button.clicked.connect(self.print_signin)
        self.cert_button.clicked.connect(self.print_certificates)
        self.close_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.mask_ids)
        self.signin_order = QComboBox()  # the order of the sign-in sheet's names
        self.signin_order.addItem("เรียงตามหมู่บ้าน", "village")
        self.signin_order.addItem("เรียงตามชื่อ", "name")
        self.signin_order.setToolTip("ลำดับรายชื่อในแบบลงทะเบียน")
        bottom.addWidget(self.signin_order)
        bottom.addWidget(self.signin_button)
        bottom.addWidget(self.cert_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.preview: PdfPreviewDialog | None = None
        self.grid.reload()
        if round_row.status in ("open", "held"):
            self.tabs.setCurrentWidget(self.grid)
        else:
            self.tabs.setCurrentWidget(self.summary if round_row.status == "closed" else self.planning)
            self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, _index: int) -> None:
        page = self.tabs.currentWidget()
        if page is self.summary:
            self.summary.reload()
        elif page is self.planning and self.planning.view is None:
            self.planning.reload()
        elif page is self.grid:
            self.grid.reload()
        if page is self.checkin:
            self.checkin.start_reader()
            self.checkin.input.setFocus()
        else:
            self.checkin.stop_reader()

    def _changed(self) -> None:
        self.changed.emit()

    def done(self, result: int) -> None:
        self.checkin.stop_reader()
        super().done(result)

    def _walk_in_from_card(self, prefill: object) -> None:
        present = (self.checkin.day.currentData(), self.checkin.half.currentData())
        self.planning.add_walk_in("", present=present, prefill=prefill)
        self.grid.reload()

    def _walk_in_from_checkin(self, national_id: str) -> None:
        present = (self.checkin.day.currentData(), self.checkin.half.currentData())
        self.planning.add_walk_in(national_id, present=present)
        self.grid.reload()

    def print_signin(self) -> None:
        r = self.round
        self._preview(
            f"แบบลงทะเบียน รุ่นที่ {r.number}/{r.fiscal_year}",
            f"signin-{r.number}-{r.fiscal_year}.pdf",
            signin_maker(
                self.ctx, r.id, mask_ids=self.mask_ids.isChecked(), order=self.signin_order.currentData()
            ),
        )

    def print_certificates(self) -> None:
        from desktop.reports.certificates import signer_missing

        r = self.round
        warning = signer_missing(self.ctx)
        if warning is not None:
            answer = QMessageBox.question(
                self,
                "ยังไม่มีผู้ลงนามในเกียรติบัตร",
                f"{warning}\n\nพิมพ์เกียรติบัตรโดยเว้นช่องลงนามว่างไว้หรือไม่?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._preview(
            f"เกียรติบัตร รุ่นที่ {r.number}/{r.fiscal_year}",
            f"certificates-{r.number}-{r.fiscal_year}.pdf",
            certificates_maker(self.ctx, r.id),
        )

    def _preview(self, title: str, file_name: str, make) -> None:
        self.preview = PdfPreviewDialog(title=title, file_name=file_name, make=make, parent=self)
        self.preview.open()
