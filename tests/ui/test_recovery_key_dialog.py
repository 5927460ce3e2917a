"""The recovery key page shown at setup prints (to PDF here) with the key and the office on it."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from desktop.core.keys.recovery import format_recovery_key
from desktop.ui.dialogs.recovery_key import RecoveryKeyDialog, RecoveryPromptDialog


def test_the_recovery_page_prints_the_key(qtbot, tmp_path: Path) -> None:
    key = format_recovery_key(bytes(range(32)))
    dialog = RecoveryKeyDialog(key, office_name="สำนักงานแรงงานจังหวัดขอนแก่น", db_path=tmp_path / "k.sqlite")
    qtbot.addWidget(dialog)
    assert dialog.key_label.text() == key
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "recovery.pdf"
    printer.setOutputFileName(str(out))
    dialog.print_to(printer)
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "").replace("\n", "")
    assert key.replace("-", "") in text.replace("-", "")


def test_the_prompt_shows_why_and_a_refusal(qtbot) -> None:
    dialog = RecoveryPromptDialog("ฐานข้อมูล x เข้ารหัสไว้ ... กุญแจกู้คืน")
    qtbot.addWidget(dialog)
    dialog.show_error("กุญแจกู้คืน ไม่ถูกต้อง")
    assert "ไม่ถูกต้อง" in dialog.error.text()
