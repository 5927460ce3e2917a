"""The recovery key: shown once after setup with a print button, and asked for when a copied database opens."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

EXPLAIN = (
    "ฐานข้อมูลของสำนักงานเข้ารหัสไว้ (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล ม.37) เครื่องนี้เก็บกุญแจไว้ให้ผู้ใช้นี้แล้ว "
    "ไม่ต้องจำรหัสผ่าน แต่ถ้าย้ายฐานข้อมูลไปเครื่องอื่นหรือเครื่องนี้เสีย ต้องใช้ <b>กุญแจกู้คืน</b> "
    "ด้านล่าง กรุณาพิมพ์หน้านี้ใส่ซองปิดผนึกให้หัวหน้าสำนักงานเก็บไว้ และอย่าเก็บไว้กับเครื่อง"
)


class RecoveryKeyDialog(QDialog):
    """Shown once at setup: the key in large type, a button to print this page."""

    def __init__(
        self, recovery_key: str, *, office_name: str, db_path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("กุญแจกู้คืนฐานข้อมูล")
        self.recovery_key = recovery_key
        self.office_name = office_name
        self.db_path = db_path
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        self.key_label = QLabel(recovery_key)
        font = QFont("monospace")
        font.setPointSize(14)
        self.key_label.setFont(font)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("พิมพ์หน้านี้…")
        self.print_button.clicked.connect(self.print_page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("เก็บกุญแจแล้ว")
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.key_label)
        layout.addWidget(self.print_button)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def page_html(self) -> str:
        return (
            f"<h2>กุญแจกู้คืนฐานข้อมูล krukhor</h2><p>{escape(self.office_name)}</p>"
            f"<p>แฟ้มฐานข้อมูล: {escape(str(self.db_path))}</p>"
            f"<p style='font-size:14pt; font-family:monospace; white-space:nowrap'>{escape(self.recovery_key)}</p>"
            f"<p>{EXPLAIN}</p><p>ใช้บนเครื่องใหม่: เปิดโปรแกรมแล้วใส่กุญแจนี้ในหน้าต่างกู้คืน "
            "หรือ krukhor-cli --recovery-key กุญแจ ...</p>"
        )

    def print_page(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        doc = QTextDocument()
        doc.setHtml(self.page_html())
        doc.print_(printer)


class RecoveryPromptDialog(QDialog):
    """At start, when this user has no key for the file: type the printed recovery key."""

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ใส่กุญแจกู้คืน")
        text = QLabel(escape(message))
        text.setWordWrap(True)
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-…")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("เปิดฐานข้อมูล")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ออก")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.key)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
