"""อนุมัติการใช้จ่าย: who approves a round's spending and who pays its money (ผู้จ่ายเงิน).

With staff accounts the approver is the one signed in and the payer is picked from the office's active finance
accounts (never typed); the duties are checked by core before the form closes, so a refusal shows here. Without
accounts both names are typed, as printed on the papers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from desktop.core.accounts import duties
from desktop.core.accounts.permissions import any_accounts
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, ValidationError
from desktop.ui.dialogs.budget import _Form
from desktop.ui.widgets import ERROR_STYLE

NO_PAYER = "ยังไม่ระบุ (เว้นว่างในหลักฐานการจ่ายเงิน)"


@dataclass(frozen=True)
class ApprovalInput:
    approver: str
    payer_name: str
    payer_account_id: uuid.UUID | None = None


class ApprovalDialog(_Form):
    def __init__(
        self, ctx: AppContext, round_id: uuid.UUID, *, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"อนุมัติการใช้จ่าย {title}", parent)
        self.ctx, self.round_id = ctx, round_id
        self.by_account = ctx.account is not None and any_accounts(ctx)
        intro = QLabel("เมื่ออนุมัติแล้ว แผนของรุ่นจะถูกล็อก และจ่ายเงินได้ตั้งแต่วันที่อนุมัติ")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.approver = QLineEdit()
        self.payer_name = QLineEdit()
        self.payer = QComboBox()
        if self.by_account:
            who = ctx.account
            assert who is not None
            self.approver.setText(f"{who.label}{' · ' + who.position if who.position else ''}")
            self.approver.setReadOnly(True)  # the approver is the one signed in, never typed
            choices = duties.payer_choices(ctx)
            for signer in choices:
                shown = f"{signer.label} · {signer.position}" if signer.position else signer.label
                self.payer.addItem(shown, signer.account_id)
            self.payer.addItem(NO_PAYER, None)
            self.errors.add_row(self.form, "ผู้อนุมัติ (ผู้ที่เข้าสู่ระบบ)", "approver", self.approver)
            self.errors.add_row(self.form, "ผู้จ่ายเงิน (บัญชีบทบาทการเงิน)", "payer", self.payer)
            if not choices:
                note = QLabel("ยังไม่มีบัญชีบทบาทการเงินอื่นที่ใช้งานอยู่ ผู้ดูแลระบบเพิ่มได้ที่หน้าตั้งค่า")
                note.setWordWrap(True)
                self.form.addRow(note)
        else:
            self.errors.add_row(self.form, "ชื่อผู้อนุมัติ", "approver", self.approver)
            self.errors.add_row(self.form, "ชื่อผู้จ่ายเงิน (พิมพ์ในหลักฐานการจ่ายเงิน)", "payer", self.payer_name)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.form.addRow(self.error)
        self.buttons.button(self.buttons.StandardButton.Save).setText("อนุมัติและล็อก")
        self.setMinimumWidth(680)  # the payer's name and position whole in the list

    def pick_payer(self, account_id: uuid.UUID | None) -> None:
        self.payer.setCurrentIndex(self.payer.findData(account_id))

    def collect(self) -> ApprovalInput:
        self.error.clear()
        if not self.by_account:
            if not self.approver.text().strip():
                raise ValidationError({"approver": "กรุณาระบุชื่อผู้อนุมัติ"})
            return ApprovalInput(self.approver.text().strip(), self.payer_name.text().strip())
        payer_id = self.payer.currentData()
        try:  # the same rules as the approval itself: payer ≠ approver, neither a payee, a finance account
            duties.approval(self.ctx, self.round_id, payer_account_id=payer_id)
        except CoreError as exc:
            self.error.setText(f"⚠ {exc.message}")
            raise ValidationError({}) from exc
        return ApprovalInput("", "", payer_id)
