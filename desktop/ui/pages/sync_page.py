"""ซิงก์ข้อมูล: enrol this PC, sync now, changes the server refused (retry, discard) and conflicts to resolve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.rules.thai_time import format_be_datetime
from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client
from desktop.ui.field_labels import field_label
from desktop.ui.sync_controller import SyncController, SyncOutcome
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner


def when(moment: datetime | str | None) -> str:
    """A UTC moment as Bangkok BE date and time, e.g. 25 พ.ย. 69 15:30 น."""
    if not moment:
        return ""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return format_be_datetime(moment, style="short")


def shown(value: Any) -> str:
    if value is None or value == "":
        return "(ว่าง)"
    if value is True:
        return "ใช่"
    if value is False:
        return "ไม่ใช่"
    return str(value)


def status_text(status: sync_client.SyncStatus | None, online: bool | None) -> str:
    """The status bar's words: online/offline, last successful sync, pending changes."""
    if status is None:
        return ""
    if not status.enrolled:
        return f"ยังไม่ได้ลงทะเบียนกับเซิร์ฟเวอร์ · รอส่ง {status.pending:,} รายการ"
    state = {True: "● ออนไลน์", False: "○ ออฟไลน์", None: "○ ยังไม่ได้เชื่อมต่อ"}[online]
    last = f"ซิงก์ล่าสุด {when(status.last_ok)}" if status.last_ok else "ยังไม่เคยซิงก์สำเร็จ"
    extra = ""
    if status.failed:
        extra += f" · ส่งไม่สำเร็จ {status.failed:,}"
    if status.conflicts:
        extra += f" · ข้อขัดแย้ง {status.conflicts:,}"
    if status.aside:
        extra += f" · พักไว้ {status.aside:,}"
    return f"{state} · {last} · รอส่ง {status.pending:,} รายการ{extra}"


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.controller = SyncController(ctx, runner, self)
        self.status_label = QLabel()  # for the main window's status bar
        self.info = {k: QLabel() for k in ("server", "state", "last_ok", "pending", "error")}
        self.info["error"].setWordWrap(True)
        self.info["error"].setStyleSheet("color: #b00020")
        form = QFormLayout()
        for label, key in (
            ("เซิร์ฟเวอร์", "server"),
            ("สถานะ", "state"),
            ("ซิงก์สำเร็จล่าสุด", "last_ok"),
            ("รอส่ง", "pending"),
            ("ข้อผิดพลาดล่าสุด", "error"),
        ):
            form.addRow(label, self.info[key])

        self.enrol_box = QGroupBox("ลงทะเบียนเครื่องนี้กับเซิร์ฟเวอร์ส่วนกลาง")
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("https://…")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("รหัสลงทะเบียนจากผู้ดูแลระบบ (16 ตัว คั่นด้วยขีดทุก 4 ตัว)")
        self.enrol_button = QPushButton("ลงทะเบียน")
        self.enrol_button.clicked.connect(self.enrol)
        enrol_form = QFormLayout(self.enrol_box)
        enrol_form.addRow("ที่อยู่เซิร์ฟเวอร์", self.server_edit)
        enrol_form.addRow("รหัสลงทะเบียน", self.code_edit)
        enrol_form.addRow("", self.enrol_button)

        self.sync_button = QPushButton("ซิงก์เดี๋ยวนี้")
        self.sync_button.clicked.connect(self.controller.sync_now)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.result = QLabel()
        self.result.setWordWrap(True)

        self.failed_model = RowTableModel(
            [
                Column("รายการ", lambda r: r.label),
                Column("เหตุผลที่เซิร์ฟเวอร์ไม่รับ", lambda r: r.error, stretch=True),
                Column("ส่งแล้ว (ครั้ง)", lambda r: r.attempts, align_right=True),
                Column("แก้ไขเมื่อ", lambda r: when(r.at)),
            ],
            search_text=lambda r: f"{r.label} {r.error}",
        )
        self.failed_view = make_table_view(self.failed_model, multi_select=True)
        self.retry_button = QPushButton("ส่งใหม่")
        self.retry_button.clicked.connect(self.retry)
        self.discard_button = QPushButton("ยกเลิกการแก้ไขนี้")
        self.discard_button.clicked.connect(self.discard)

        self.aside_model = RowTableModel(
            [
                Column("รายการ", lambda r: r.label),
                Column("เหตุผลที่บันทึกในเครื่องนี้ไม่ได้", lambda r: r.reason),
                Column("ลองแล้ว (ครั้ง)", lambda r: r.attempts, align_right=True),
                Column("ลองล่าสุด", lambda r: when(r.at)),
            ],
            search_text=lambda r: f"{r.label} {r.reason}",
        )
        self.aside_view = make_table_view(self.aside_model)
        self.aside_retry_button = QPushButton("ลองบันทึกอีกครั้ง")
        self.aside_retry_button.clicked.connect(self.retry_aside)

        self.conflict_model = RowTableModel(
            [
                Column("รายการ", lambda r: r.label, stretch=True),
                Column("ข้อมูล", lambda r: field_label(r.field)),
                Column("ค่าในเครื่องนี้", lambda r: shown(r.local_value)),
                Column("แก้โดย / เมื่อ", lambda r: f"{r.local_by} {when(r.local_at)}"),
                Column("ค่าที่เซิร์ฟเวอร์ (ใช้อยู่)", lambda r: shown(r.server_value)),
                Column("แก้โดย / เมื่อ ", lambda r: f"{r.server_by} {when(r.server_at)}"),
            ],
            search_text=lambda r: f"{r.label} {r.field}",
        )
        self.conflict_view = make_table_view(self.conflict_model)
        self.mine_button = QPushButton("ใช้ค่าในเครื่องนี้")
        self.mine_button.clicked.connect(lambda: self.resolve("mine"))
        self.theirs_button = QPushButton("ใช้ค่าที่เซิร์ฟเวอร์")
        self.theirs_button.clicked.connect(lambda: self.resolve("theirs"))

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>ซิงก์ข้อมูล</h2>"))
        layout.addLayout(form)
        layout.addWidget(self.enrol_box)
        row = QHBoxLayout()
        row.addWidget(self.sync_button)
        row.addWidget(self.progress, 1)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self.failed_box = QGroupBox("รายการที่ส่งไม่สำเร็จ")
        fl = QVBoxLayout(self.failed_box)
        fl.addWidget(self.failed_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        fl.addLayout(buttons)
        layout.addWidget(self.failed_box, 1)
        # Rows from the server this PC could not store: kept aside, retried after an upgrade or on request.
        self.aside_box = QGroupBox("ข้อมูลจากเซิร์ฟเวอร์ที่บันทึกในเครื่องนี้ไม่ได้ (พักไว้)")
        al = QVBoxLayout(self.aside_box)
        al.addWidget(self.aside_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.aside_retry_button)
        buttons.addWidget(QLabel("ระบบจะลองใหม่เองเมื่อปรับรุ่นโปรแกรม"))
        buttons.addStretch(1)
        al.addLayout(buttons)
        self.aside_box.setVisible(False)
        layout.addWidget(self.aside_box, 1)
        self.conflict_box = QGroupBox("ข้อขัดแย้งที่ต้องตัดสิน (แก้ไขข้อมูลเดียวกันจากสองเครื่อง)")
        cl = QVBoxLayout(self.conflict_box)
        cl.addWidget(self.conflict_view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mine_button)
        buttons.addWidget(self.theirs_button)
        buttons.addStretch(1)
        cl.addLayout(buttons)
        layout.addWidget(self.conflict_box, 1)

        for view, stretch in ((self.failed_view, 1), (self.aside_view, 1), (self.conflict_view, 0)):
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.controller.status_changed.connect(self._show_status)
        self.controller.started.connect(self._started)
        self.controller.finished.connect(self._finished)
        self.controller.progress.connect(self._progress)

    def reload(self) -> None:
        self.controller.refresh()
        self.runner.read(
            lambda: (
                sync_client.list_failed(self.ctx),
                sync_client.list_conflicts(self.ctx),
                sync_client.list_aside(self.ctx),
            ),
            on_done=self._lists,
        )

    def _lists(self, lists: tuple[list, list, list]) -> None:
        failed, conflicts, aside = lists
        self.aside_model.set_rows(aside)
        self.aside_box.setTitle(f"ข้อมูลจากเซิร์ฟเวอร์ที่บันทึกในเครื่องนี้ไม่ได้ (พักไว้ {len(aside):,} รายการ)")
        self.aside_box.setVisible(bool(aside))
        self.failed_model.set_rows(failed)
        self.conflict_model.set_rows(conflicts)
        self.failed_box.setTitle(f"รายการที่ส่งไม่สำเร็จ ({len(failed):,})")
        self.conflict_box.setTitle(f"ข้อขัดแย้งที่ต้องตัดสิน ({len(conflicts):,}) — แก้ไขข้อมูลเดียวกันจากสองเครื่อง")

    def _show_status(self, status: sync_client.SyncStatus) -> None:
        self.status_label.setText(status_text(status, self.controller.online))
        self.info["server"].setText(status.server or "ยังไม่ได้ลงทะเบียน")
        online = self.controller.online
        self.info["state"].setText(
            {True: "ออนไลน์", False: "ออฟไลน์ (ทำงานต่อได้ ข้อมูลจะส่งเมื่อเชื่อมต่อได้)", None: "ยังไม่ได้เชื่อมต่อ"}[online]
        )
        self.info["last_ok"].setText(when(status.last_ok) or "ยังไม่เคย")
        self.info["pending"].setText(f"{status.pending:,} รายการ")
        self.info["error"].setText(status.last_error)
        self.enrol_box.setVisible(not status.enrolled)
        self.sync_button.setEnabled(status.enrolled and not self.controller.running)

    def _started(self) -> None:
        self.sync_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.result.setStyleSheet("")
        self.result.setText("กำลังซิงก์…")

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.result.setText(f"กำลังรับข้อมูล {done:,} จาก {total:,} รายการ")

    def _finished(self, outcome: SyncOutcome) -> None:
        self.progress.setVisible(False)
        self.sync_button.setEnabled(True)
        r = outcome.report
        if outcome.ok and r is not None:
            self.result.setStyleSheet("color: #1b5e20")
            text = f"ซิงก์สำเร็จ: ส่ง {r.pushed:,} รับ {r.pulled:,} รายการ"
            if r.conflicts:
                text += f" · มีข้อขัดแย้ง {r.conflicts:,} รายการ รอการตัดสินด้านล่าง"
        elif r is not None:
            # The server answered, but not everything went through: never call that complete.
            self.result.setStyleSheet("color: #b00020")
            text = f"ซิงก์ไม่ครบ: ส่งไม่สำเร็จ {r.failed:,} รายการ รับ {r.pulled:,} รายการ"
            if r.problems:
                text += f" · บันทึกข้อมูลจากเซิร์ฟเวอร์ไม่ได้ {len(r.problems):,} รายการ (พักไว้ด้านล่าง): {r.problems[0]}"
        else:
            self.result.setStyleSheet("color: #b00020")
            text = f"ซิงก์ไม่สำเร็จ: {outcome.error}"
        if r is not None and r.warning:
            text += f"\nคำเตือน: {r.warning}"
        if r is not None and r.resynced:
            text += f"\n{r.resync_line()}"
        self.result.setText(text)
        self.reload()

    def enrol(self) -> None:
        server, code = self.server_edit.text().strip(), self.code_edit.text().strip()
        if not server or not code:
            self.result.setText("กรุณากรอกที่อยู่เซิร์ฟเวอร์และรหัสลงทะเบียน")
            return
        self.enrol_button.setEnabled(False)

        def done(r: sync_client.EnrolResult) -> None:
            self.enrol_button.setEnabled(True)
            self.result.setStyleSheet("color: #1b5e20")
            self.result.setText(f"ลงทะเบียนเครื่องแล้ว (จังหวัด {r.office_code}) กำลังซิงก์ครั้งแรก…")
            self.code_edit.clear()
            self.reload()
            self.controller.sync_now()

        def failed(exc: Exception) -> None:
            self.enrol_button.setEnabled(True)
            self.result.setStyleSheet("color: #b00020")
            self.result.setText(f"ลงทะเบียนไม่สำเร็จ: {getattr(exc, 'message', exc)}")

        self.runner.run(
            lambda: sync_client.enrol(self.ctx, server=server, code=code), on_done=done, on_error=failed
        )

    def _selected(self, view, model) -> list:
        return [model.row_at(i.row()) for i in view.selectionModel().selectedRows()]

    def retry(self) -> None:
        rows = self._selected(self.failed_view, self.failed_model)
        if rows:
            self.runner.run(
                lambda: sync_client.retry_failed(self.ctx, [r.id for r in rows]),
                on_done=lambda _n: self.controller.sync_now(),
            )

    def retry_aside(self) -> None:
        self.aside_retry_button.setEnabled(False)

        def done(left: int) -> None:
            self.aside_retry_button.setEnabled(True)
            self.result.setStyleSheet("" if not left else "color: #b00020")
            self.result.setText(
                "บันทึกข้อมูลที่พักไว้ได้ครบแล้ว" if not left else f"ยังบันทึกไม่ได้ {left:,} รายการ (ดูเหตุผลในตาราง)"
            )
            self.reload()

        def failed(exc: Exception) -> None:
            self.aside_retry_button.setEnabled(True)
            self.result.setText(f"ลองบันทึกอีกครั้งไม่สำเร็จ: {getattr(exc, 'message', exc)}")

        self.runner.run(lambda: sync_client.retry_aside(self.ctx), on_done=done, on_error=failed)

    def discard(self) -> None:
        rows = self._selected(self.failed_view, self.failed_model)
        if not rows:
            return
        answer = QMessageBox.question(
            self,
            "ยกเลิกการแก้ไข",
            f"ยกเลิกการแก้ไข {len(rows):,} รายการที่ส่งไม่สำเร็จ และใช้ข้อมูลตามเซิร์ฟเวอร์แทน?\nการแก้ไขในเครื่องนี้ของรายการเหล่านี้จะหายไป",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.run(
                lambda: sync_client.discard_failed(self.ctx, [r.id for r in rows]),
                on_done=lambda _n: self.reload(),
            )

    def resolve(self, keep: str) -> None:
        rows = self._selected(self.conflict_view, self.conflict_model)
        if not rows:
            return
        row = rows[0]

        def work() -> None:
            sync_client.resolve_conflict(self.ctx, row.id, keep=keep)

        self.runner.run(work, on_done=lambda _r: self.reload())
