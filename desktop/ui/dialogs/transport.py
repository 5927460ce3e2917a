"""The transport grid: each present participant's actual fare typed from the signed sheet, for a whole round."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.rules.errors import RuleError
from db.rules.money import format_baht, to_satang
from desktop.core.budget.ledger import TransportEntry, TransportRow
from desktop.ui.widgets import ERROR_STYLE

HEADERS = ("ชื่อ-สกุล", "วันที่มา", "เพดานต่อคน (แนะนำ)", "จ่ายแล้ว", "จ่ายจริง (บาท)", "เหตุผลถ้าเกินเพดาน")
AMOUNT, REASON = 4, 5


class TransportDialog(QDialog):
    """Rows are the people recorded present; an empty amount is not paid now. Nothing is filled in for the
    officer: the ceiling is shown beside the cell as a suggestion, never written as a flat amount."""

    def __init__(self, rows: list[TransportRow], *, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"ค่าพาหนะตามจริง {title}")
        self.rows = rows
        self.value: list[TransportEntry] = []
        self.table = QTableWidget(len(rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, AMOUNT):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for i, r in enumerate(rows):
            cells = [
                r.name,
                str(r.days),
                format_baht(r.ceiling_satang) if r.ceiling_satang else "-",
                format_baht(r.paid_satang) if r.paid_satang > 0 else "",
                "",
                "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j not in (AMOUNT, REASON) or r.paid_satang > 0:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if j in (1, 2, 3, AMOUNT):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("บันทึกการจ่าย")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "กรอกค่าพาหนะที่แต่ละคนจ่ายจริงตามใบลงชื่อรับเงิน (เฉพาะผู้ที่มีบันทึกการเข้าอบรม) "
                "ช่องว่าง = ยังไม่จ่าย; เกินเพดานต้องระบุเหตุผล"
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(900, 560)

    def set_amount(self, row: int, text: str, reason: str = "") -> None:
        self.table.item(row, AMOUNT).setText(text)
        self.table.item(row, REASON).setText(reason)

    def collect(self) -> list[TransportEntry]:
        """The typed amounts; raises ValueError with a Thai message naming the row."""
        out = []
        for i, r in enumerate(self.rows):
            text = self.table.item(i, AMOUNT).text().strip()
            if not text or r.paid_satang > 0:
                continue
            try:
                amount = to_satang(text, field="amount")
            except RuleError as exc:
                raise ValueError(f"แถวที่ {i + 1} {r.name}: {exc.message}") from None
            reason = self.table.item(i, REASON).text().strip()
            if r.ceiling_satang and amount > r.ceiling_satang and not reason:
                raise ValueError(
                    f"แถวที่ {i + 1} {r.name}: {format_baht(amount)} เกินเพดาน {format_baht(r.ceiling_satang)} "
                    "ต้องระบุเหตุผลที่จ่ายเกิน"
                )
            out.append(TransportEntry(r.person_id, amount, reason))
        if not out:
            raise ValueError("ยังไม่ได้กรอกค่าพาหนะของผู้ใด")
        return out

    def _accept(self) -> None:
        try:
            self.value = self.collect()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
