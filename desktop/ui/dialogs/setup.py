"""First run: a new office (choose its province), or another PC of an office already at work (join its server)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.context import AppContext
from desktop.core.office import ProvinceRow
from desktop.core.sync.join import Joined, join_office
from desktop.ui.errors import error_box, error_html, thai_message
from desktop.ui.tasks import TaskRunner


class SetupDialog(QDialog):
    """Accepted with chosen_code() (a new office, set up by the caller) or with `joined` (already set up here)."""

    def __init__(
        self, provinces: list[ProvinceRow], parent: QWidget | None = None, *, ctx: AppContext | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.joined: Joined | None = None
        self.error_shown: QMessageBox | None = None
        self.runner = TaskRunner(self)
        self.setWindowTitle("ตั้งค่าครั้งแรก")

        self.new_choice = QRadioButton("ตั้งสำนักงานใหม่ (เครื่องแรกของสำนักงาน)")
        self.join_choice = QRadioButton("เครื่องเพิ่มของสำนักงานที่ใช้งานอยู่แล้ว")
        choices = QButtonGroup(self)
        for button in (self.new_choice, self.join_choice):
            choices.addButton(button)
            button.toggled.connect(self._choice_changed)

        self.province = QComboBox(editable=True)
        self.province.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for p in sorted(provinces, key=lambda p: p.name_th):
            self.province.addItem(f"{p.name_th} ({p.code})", p.code)
        completer = QCompleter(self.province.model(), self.province)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.province.setCompleter(completer)
        self.province.setCurrentIndex(-1)
        self.new_box = QWidget()
        new_layout = QVBoxLayout(self.new_box)
        new_layout.setContentsMargins(24, 0, 0, 0)
        new_layout.addWidget(QLabel("เลือกจังหวัดของสำนักงานแรงงานจังหวัดที่ใช้โปรแกรมนี้"))
        new_layout.addWidget(self.province)

        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("https://…")
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("รหัสลงทะเบียนจากผู้ดูแลระบบ")
        self.join_box = QWidget()
        join_form = QFormLayout(self.join_box)
        join_form.setContentsMargins(24, 0, 0, 0)
        about = QLabel("รับข้อมูลและบัญชีผู้ใช้ของสำนักงานจากเซิร์ฟเวอร์\nแล้วเข้าสู่ระบบด้วยบัญชีผู้ใช้เดิมของสำนักงาน")
        about.setWordWrap(True)
        join_form.addRow(about)
        join_form.addRow("ที่อยู่เซิร์ฟเวอร์", self.server_edit)
        join_form.addRow("รหัสลงทะเบียน", self.code_edit)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the pull's length is unknown until the server answers
        self.progress.setFormat("")
        self.progress.setVisible(False)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("เริ่มใช้งาน")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ออก")
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h3>ยินดีต้อนรับ</h3>เครื่องนี้จะใช้งานแบบใด"))
        layout.addWidget(self.new_choice)
        layout.addWidget(self.new_box)
        layout.addWidget(self.join_choice)
        layout.addWidget(self.join_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.join_choice.setVisible(ctx is not None)
        self.join_box.setVisible(ctx is not None)
        self.new_choice.setChecked(True)

    def chosen_code(self) -> str | None:
        code = self.province.currentData()
        if code is None or self.province.currentText() != self.province.itemText(
            self.province.currentIndex()
        ):
            return None
        return str(code)

    def _choice_changed(self) -> None:
        joining = self.join_choice.isChecked()
        self.new_box.setEnabled(not joining)
        self.join_box.setEnabled(joining)
        self.error.clear()

    def _ok(self) -> None:
        if not self.join_choice.isChecked():
            if self.chosen_code() is None:
                self.error.setText(error_html("กรุณาเลือกจังหวัดจากรายการ"))
                return
            self.accept()
            return
        server, code = self.server_edit.text().strip(), self.code_edit.text().strip()
        if not server or not code:
            self.error.setText(error_html("กรุณากรอกที่อยู่เซิร์ฟเวอร์และรหัสลงทะเบียน"))
            return
        assert self.ctx is not None
        ctx = self.ctx
        self._busy(True)
        self.error.setText("กำลังลงทะเบียนและรับข้อมูลของสำนักงาน…")
        self.runner.run(
            lambda: join_office(ctx, server=server, code=code), on_done=self._joined, on_error=self._failed
        )

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.ok_button, self.new_choice, self.join_choice, self.join_box):
            widget.setEnabled(not busy)

    def _joined(self, joined: Joined) -> None:
        self._busy(False)
        self.joined = joined
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self.error.setText(error_html(thai_message(exc)))
        self.error_shown = error_box(self, "เข้าร่วมสำนักงานไม่สำเร็จ", exc)

    def reject(self) -> None:
        if self.progress.isVisible():  # joining: the pull finishes or fails first
            return
        super().reject()
