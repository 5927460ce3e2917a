"""A record's history from the audit log: who changed what, on which PC, and when (in BE)."""

from __future__ import annotations

import json

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from db.rules.thai_time import format_be_datetime
from desktop.core.audit import AuditRow
from desktop.ui.field_labels import field_label
from desktop.ui.screen_fit import fit_window
from desktop.ui.table_model import Column, RowTableModel, make_table_view

ACTION_LABELS = {
    "create": "สร้าง",
    "update": "แก้ไข",
    "delete": "ลบ",
    "restore": "กู้คืน",
    "status": "เปลี่ยนสถานะ",
    "enrol": "ลงทะเบียน",
    "unenrol": "ยกเลิกลงทะเบียน",
    "import": "นำเข้ารายชื่อ",
    "undo": "ยกเลิกการนำเข้า",
    "undo_import": "ยกเลิกการนำเข้า",
}


def _when(row: AuditRow) -> str:
    return format_be_datetime(row.at)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    return str(value)


def _changes(row: AuditRow) -> str:
    parts = []
    for field, value in row.changes.items():
        label = field_label(field)
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            if old is None and row.action == "create":
                if new not in (None, ""):  # a new record: its values, without "— →" before each
                    parts.append(f"{label}: {_shown(new)}")
            else:
                parts.append(f"{label}: {_shown(old)} → {_shown(new)}")
        else:
            parts.append(f"{label}: {json.dumps(value, ensure_ascii=False)}")
    return "; ".join(parts)


class HistoryDialog(QDialog):
    def __init__(self, title: str, rows: list[AuditRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"ประวัติการแก้ไข: {title}")
        fit_window(self, QSize(1000, 420))
        self.model = RowTableModel(
            [
                Column("เมื่อ", _when, sort_key=lambda r: r.at),
                Column("ผู้ใช้", lambda r: r.who),
                Column("เครื่อง", lambda r: r.where),
                Column("การกระทำ", lambda r: ACTION_LABELS.get(r.action, r.action)),
                Column("รายละเอียด", lambda r: r.summary, stretch=True),
                Column("ค่าที่เปลี่ยน", _changes, stretch=True),
            ],
            search_text=lambda r: r.summary,
        )
        self.model.set_rows(rows)
        view = make_table_view(self.model)
        view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("ปิด")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
