"""First run: choose the province this office serves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.core.office import ProvinceRow


class SetupDialog(QDialog):
    def __init__(self, provinces: list[ProvinceRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ตั้งค่าครั้งแรก")
        self.province = QComboBox(editable=True)
        self.province.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for p in sorted(provinces, key=lambda p: p.name_th):
            self.province.addItem(f"{p.name_th} ({p.code})", p.code)
        completer = QCompleter(self.province.model(), self.province)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.province.setCompleter(completer)
        self.province.setCurrentIndex(-1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("เริ่มใช้งาน")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ออก")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h3>ยินดีต้อนรับ</h3>เลือกจังหวัดของสำนักงานแรงงานจังหวัดที่ใช้โปรแกรมนี้"))
        layout.addWidget(self.province)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def chosen_code(self) -> str | None:
        code = self.province.currentData()
        if code is None or self.province.currentText() != self.province.itemText(
            self.province.currentIndex()
        ):
            return None
        return str(code)

    def _ok(self) -> None:
        if self.chosen_code() is None:
            self.error.setText("กรุณาเลือกจังหวัดจากรายการ")
            return
        self.accept()
