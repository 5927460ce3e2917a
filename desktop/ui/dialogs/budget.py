"""Small forms of the budget page: an allocation, an expense line, a rate version, an override."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.rules.errors import RuleError
from db.rules.money import format_baht, to_satang
from db.rules.thai_dates import fiscal_year
from db.rules.thai_time import bangkok_today
from desktop.core.accounts import signin
from desktop.core.accounts.duties import approved_override
from desktop.core.accounts.permissions import any_accounts
from desktop.core.budget.allocations import AllocationInput, AllocationRow
from desktop.core.budget.allocations import validate as validate_allocation
from desktop.core.budget.rates import ITEM_LABELS, TRAINING_TYPES, VENUE_TYPES, RateInput, RateRow
from desktop.core.budget.rules import CATEGORY_LABELS, LEDGER_CATEGORIES, Override
from desktop.core.budget.spending import LineInput, LineRow
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError
from desktop.ui.widgets import ERROR_STYLE, BEDateEdit, FieldErrors


class _Form(QDialog):
    """A form with inline errors; `collect()` returns the input or raises ValidationError."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.errors = FieldErrors()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("บันทึก")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.value: object = None

    def collect(self) -> object:
        raise NotImplementedError

    def _accept(self) -> None:
        try:
            self.value = self.collect()
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        self.accept()


def money(edit: QLineEdit, field: str) -> int:
    try:
        return to_satang(edit.text(), field=field)
    except RuleError as exc:
        raise ValidationError({field: exc.message}) from None


class AllocationDialog(_Form):
    def __init__(self, parent: QWidget | None = None, row: AllocationRow | None = None) -> None:
        super().__init__("การจัดสรรงบประมาณ", parent)
        self.fy = QSpinBox()
        self.fy.setRange(2500, 2700)
        self.fy.setValue(row.fiscal_year if row else fiscal_year(bangkok_today()))
        self.amount = QLineEdit(format_baht(row.amount_satang) if row else "")
        self.amount.setPlaceholderText("เช่น 266,063.00")
        self.ref_no = QLineEdit(row.ref_no if row else "")
        self.ref_date = BEDateEdit(value=row.ref_date if row else None)
        self.note = QLineEdit(row.note if row else "")
        for label, field, widget in (
            ("ปีงบประมาณ (พ.ศ.)", "fiscal_year", self.fy),
            ("จำนวนเงิน (บาท)", "amount_satang", self.amount),
            ("เลขที่หนังสือ", "ref_no", self.ref_no),
            ("ลงวันที่", "ref_date", self.ref_date),
            ("หมายเหตุ", "note", self.note),
        ):
            self.errors.add_row(self.form, label, field, widget)

    def collect(self) -> AllocationInput:
        errors: dict[str, str] = {}
        ref_date = amount = None
        try:
            ref_date = self.ref_date.date()
        except RuleError as exc:
            errors["ref_date"] = exc.message
        try:
            amount = money(self.amount, "amount_satang")
        except ValidationError as exc:
            errors.update(exc.errors)
        data = AllocationInput(
            fiscal_year=self.fy.value(),
            amount_satang=amount if amount is not None else 1,
            ref_no=self.ref_no.text(),
            ref_date=ref_date,
            note=self.note.text(),
        )
        try:
            validate_allocation(data)
        except ValidationError as exc:
            errors = {**exc.errors, **errors}
        if errors:
            raise ValidationError(errors)
        return data


class LineDialog(_Form):
    def __init__(self, parent: QWidget | None = None, row: LineRow | None = None, kind: str = "plan") -> None:
        super().__init__("รายการค่าใช้จ่าย", parent)
        self.row = row
        self.kind = QComboBox()
        for value, label in (("plan", "แผน"), ("actual", "จ่ายจริง")):
            self.kind.addItem(label, value)
        self.kind.setCurrentIndex(0 if (row.kind if row else kind) == "plan" else 1)
        self.kind.setEnabled(row is None)
        self.category = QComboBox()
        for value, label in CATEGORY_LABELS.items():
            self.category.addItem(label, value)
        if row:
            self.category.setCurrentIndex(list(CATEGORY_LABELS).index(row.category))
        self.description = QLineEdit(row.description if row else "")
        self.quantity = QLineEdit(f"{row.quantity.normalize():f}" if row else "1")
        self.price = QLineEdit(format_baht(row.unit_price_satang) if row else "")
        self.hint = QLabel("ค่าพาหนะและค่าตอบแทนวิทยากรที่จ่ายจริงบันทึกเป็นรายการจ่ายเงินรายคน ไม่ใช่รายการรวม")
        self.hint.setWordWrap(True)
        for label, field, widget in (
            ("ชนิด", "kind", self.kind),
            ("หมวดค่าใช้จ่าย", "category", self.category),
            ("รายละเอียด", "description", self.description),
            ("จำนวน (หน่วย)", "quantity", self.quantity),
            ("ราคาต่อหน่วย (บาท)", "unit_price_satang", self.price),
        ):
            self.errors.add_row(self.form, label, field, widget)
        self.form.addRow(self.hint)

    def collect(self) -> LineInput:
        try:
            quantity = Decimal(self.quantity.text().replace(",", "").strip())
        except InvalidOperation:
            raise ValidationError({"quantity": "จำนวนต้องเป็นตัวเลข"}) from None
        category = self.category.currentData()
        kind = self.kind.currentData()
        if kind == "actual" and category in LEDGER_CATEGORIES:
            raise ValidationError({"category": self.hint.text()})
        return LineInput(
            kind=kind,
            category=category,
            description=self.description.text(),
            quantity=quantity,
            unit_price_satang=money(self.price, "unit_price_satang"),
            rate_id=self.row.rate_id if self.row else None,
        )


class RateDialog(_Form):
    """Correct a rate, or (new_version) add the next version with its own effective date."""

    def __init__(
        self, parent: QWidget | None = None, row: RateRow | None = None, *, new_version: bool = False
    ) -> None:
        super().__init__("อัตราค่าใช้จ่าย (เพดาน)", parent)
        self.item = QComboBox()
        for value, label in ITEM_LABELS.items():
            self.item.addItem(label, value)
        self.training = QComboBox()
        for value, label in TRAINING_TYPES.items():
            self.training.addItem(label, value)
        self.venue = QComboBox()
        for value, label in VENUE_TYPES.items():
            self.venue.addItem(label, value)
        self.unit = QLineEdit(row.unit if row else "")
        self.ceiling = QLineEdit(format_baht(row.ceiling_satang) if row else "")
        self.effective = BEDateEdit(value=None if new_version or row is None else row.effective_from)
        self.circular = QLineEdit(row.circular_ref if row else "")
        self.uncertain = QCheckBox("ยังไม่ยืนยัน (ต้องตรวจสอบกับหนังสือเวียน)")
        self.note = QLineEdit(row.note if row else "")
        if row:
            self.item.setCurrentIndex(max(0, self.item.findData(row.item)))
            self.training.setCurrentIndex(max(0, self.training.findData(row.training_type)))
            self.venue.setCurrentIndex(max(0, self.venue.findData(row.venue_type)))
            self.uncertain.setChecked(row.uncertain)
        for label, field, widget in (
            ("รายการ", "item", self.item),
            ("ประเภทการฝึกอบรม", "training_type", self.training),
            ("ประเภทสถานที่", "venue_type", self.venue),
            ("หน่วย", "unit", self.unit),
            ("อัตราสูงสุด (บาท)", "ceiling_satang", self.ceiling),
            ("มีผลตั้งแต่", "effective_from", self.effective),
            ("หนังสือเวียนอ้างอิง", "circular_ref", self.circular),
            ("", "uncertain", self.uncertain),
            ("หมายเหตุ", "note", self.note),
        ):
            self.errors.add_row(self.form, label, field, widget)

    def collect(self) -> RateInput:
        try:
            effective = self.effective.date()
        except RuleError as exc:
            raise ValidationError({"effective_from": exc.message}) from None
        return RateInput(
            item=self.item.currentData(),
            training_type=self.training.currentData(),
            venue_type=self.venue.currentData(),
            unit=self.unit.text(),
            ceiling_satang=money(self.ceiling, "ceiling_satang"),
            effective_from=effective,
            circular_ref=self.circular.text(),
            uncertain=self.uncertain.isChecked(),
            note=self.note.text(),
        )


class OverrideDialog(_Form):
    """The refusal in full, and the reason and approver needed to go ahead anyway."""

    def __init__(self, message: str, parent: QWidget | None = None, *, ctx: AppContext | None = None) -> None:
        super().__init__("เกินเพดานหรือเกินงบประมาณ", parent)
        # With staff accounts the approver signs in here (user name and password), never typed as a name.
        self.ctx = ctx if ctx is not None and any_accounts(ctx) else None
        text = QLabel(message)
        text.setWordWrap(True)
        text.setStyleSheet(ERROR_STYLE)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.approver = QLineEdit()
        self.errors.add_row(self.form, "เหตุผลที่ต้องเบิกเกิน", "override_reason", self.reason)
        self.errors.add_row(
            self.form, "ชื่อผู้ใช้ของผู้อนุมัติ" if self.ctx else "ผู้อนุมัติ", "override_approver", self.approver
        )
        self.approver_password = QLineEdit()
        self.approver_password.setEchoMode(QLineEdit.EchoMode.Password)
        if self.ctx is not None:
            self.errors.add_row(self.form, "รหัสผ่านของผู้อนุมัติ", "approver_password", self.approver_password)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("บันทึกโดยมีผู้อนุมัติ")

    def collect(self) -> Override:
        errors = {}
        if not self.reason.text().strip():
            errors["override_reason"] = "กรุณาระบุเหตุผล"
        if not self.approver.text().strip():
            errors["override_approver"] = "กรุณาระบุผู้อนุมัติ"
        if errors:
            raise ValidationError(errors)
        if self.ctx is not None:
            try:
                who = signin.authenticate(
                    self.ctx, self.approver.text(), password=self.approver_password.text()
                )
            except signin.SignInRefused as exc:
                raise ValidationError({"approver_password": exc.message}) from exc
            return approved_override(self.reason.text().strip(), who)
        return Override(self.reason.text().strip(), self.approver.text().strip())
