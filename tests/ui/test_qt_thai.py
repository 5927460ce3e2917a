"""Qt's own texts in Thai: standard buttons, the delete question, text-field menus (Qt ships no Thai .qm)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

ROOT = Path(__file__).resolve().parents[2]
QM = ROOT / "resources" / "translations" / "qtbase_th.qm"


def test_the_shipped_qm_is_built_from_the_table(tmp_path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_qt_thai import build

    fresh = build(tmp_path / "qtbase_th.qm")
    assert fresh.read_bytes() == QM.read_bytes(), (
        "run scripts/build_qt_thai.py after editing desktop/ui/qt_thai.py"
    )


def test_standard_buttons_and_menus_read_thai(app_font, qtbot) -> None:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Yes
        | QDialogButtonBox.StandardButton.No
        | QDialogButtonBox.StandardButton.Close
    )
    qtbot.addWidget(buttons)
    assert sorted(b.text() for b in buttons.buttons()) == sorted(["ตกลง", "ยกเลิก", "ใช่", "ไม่ใช่", "ปิด"])
    question = QMessageBox(
        QMessageBox.Icon.Question,
        "ยืนยันการลบ",
        "ลบ ?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    qtbot.addWidget(question)
    assert {b.text() for b in question.buttons()} == {"ใช่", "ไม่ใช่"}
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert {"เลิกทำ", "ทำซ้ำ", "ตัด", "คัดลอก", "วาง", "ลบ", "เลือกทั้งหมด"} <= set(texts)
    menu.deleteLater()
