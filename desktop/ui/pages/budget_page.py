"""งบประมาณ: the budget report, allocations, a round's plan, spending and payments, and the rates."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.rules.money import format_baht
from db.rules.thai_dates import format_be_date
from desktop.core.budget import allocations, ledger, plan, rates, report, spending
from desktop.core.budget.checks import OverLimit
from desktop.core.budget.rules import Override
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.rounds import rounds
from desktop.ui.dialogs.approval import ApprovalDialog, ApprovalInput
from desktop.ui.dialogs.budget import AllocationDialog, LineDialog, OverrideDialog, RateDialog
from desktop.ui.dialogs.transport import TransportDialog
from desktop.ui.errors import error_box
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import ERROR_STYLE

b = format_baht


def _table(columns: list[Column]) -> tuple[RowTableModel, Any]:
    model = RowTableModel(columns, search_text=lambda _r: "")
    view = make_table_view(model, wrap=True)  # short tables: long names on two lines rather than cut
    view.setAlternatingRowColors(True)
    return model, view


def _fill(model: RowTableModel, view: Any, rows: list[Any]) -> None:
    model.set_rows(rows)  # the view's ColumnFitter sizes the columns


def _money(title: str, value: Callable[[Any], int]) -> Column:
    return Column(title, lambda r: b(value(r)), align_right=True, sort_key=value)


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class BudgetPage(QWidget):
    loaded = Signal()
    changed = Signal()
    printed = Signal(object)  # the Path written, or an Exception

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.report: report.BudgetReport | None = None
        self.round_rows: list[rounds.RoundRow] = []
        self.state: spending.SpendingState | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), "ภาพรวม")
        self.tabs.addTab(self._round_tab(), "แผนและการจ่ายของรุ่น")
        self.tabs.addTab(self._allocations_tab(), "การจัดสรร")
        self.tabs.addTab(self._rates_tab(), "อัตราค่าใช้จ่าย")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>งบประมาณ</h2>"))
        layout.addWidget(self.tabs, 1)
        self.message = QLabel()
        layout.addWidget(self.message)

    # ------------------------------------------------------------------------------------ tabs

    def _overview_tab(self) -> QWidget:
        self.fy = QComboBox()
        self.fy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.fy.setMinimumWidth(110)
        self.fy.currentIndexChanged.connect(lambda _i: self.load_report())
        self.summary = QLabel()
        self.summary.setStyleSheet("font-size: 12pt;")
        self.warnings = QLabel()
        self.warnings.setStyleSheet(ERROR_STYLE)
        self.warnings.setWordWrap(True)
        self.print_report_button = QPushButton("พิมพ์รายงาน (PDF)…")
        self.print_report_button.clicked.connect(lambda: self.print_document("report"))
        self.cat_model, self.cat_view = _table(
            [
                Column("หมวดค่าใช้จ่าย", lambda c: c.label, stretch=True),
                _money("แผน", lambda c: c.totals.planned),
                _money("อนุมัติแล้ว", lambda c: c.totals.approved),
                _money("เบิกจ่ายแล้ว", lambda c: c.totals.spent),
                _money("คงเหลือตามแผน", lambda c: c.remaining),
            ]
        )
        self.round_sum_model, self.round_sum_view = _table(
            [
                Column("รุ่นที่", lambda r: r.number, align_right=True),
                Column("ชื่อรุ่น", lambda r: r.title, stretch=True),
                Column("สถานะการใช้จ่าย", lambda r: r.status_label),
                _money("แผน", lambda r: r.totals.planned),
                _money("อนุมัติแล้ว", lambda r: r.totals.approved),
                _money("เบิกจ่ายแล้ว", lambda r: r.totals.spent),
                _money("คงเหลือตามแผน", lambda r: r.totals.planned - r.totals.spent),
            ]
        )
        self.round_sum_view.doubleClicked.connect(self._open_round_from_report)
        top = QHBoxLayout()
        top.addWidget(QLabel("ปีงบประมาณ"))
        top.addWidget(self.fy)
        top.addStretch(1)
        top.addWidget(self.print_report_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.cat_view)
        split.addWidget(self.round_sum_view)
        split.setSizes([260, 400])
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(split, 1)
        return tab

    def _round_tab(self) -> QWidget:
        self.round_pick = QComboBox()
        self.round_pick.currentIndexChanged.connect(lambda _i: self.load_round())
        self.state_label = QLabel()
        self.state_label.setStyleSheet("font-weight: bold;")
        self.plan_button = QPushButton("คำนวณแผนตามอัตรา")
        self.plan_button.clicked.connect(self.compute_plan)
        self.add_line_button = QPushButton("เพิ่มรายการ…")
        self.add_line_button.clicked.connect(lambda: self.edit_line(None))
        self.edit_line_button = QPushButton("แก้ไขรายการ…")
        self.edit_line_button.clicked.connect(
            lambda: self.edit_line(self._current(self.lines_view, self.lines_model))
        )
        self.delete_line_button = QPushButton("ลบรายการ")
        self.delete_line_button.clicked.connect(self.delete_line)
        self.approve_button = QPushButton("อนุมัติการใช้จ่าย…")
        self.approve_button.clicked.connect(lambda: self.approve())
        self.unlock_button = QPushButton("ปลดล็อก…")
        self.unlock_button.clicked.connect(lambda: self.unlock())
        self.export_button = QPushButton("ส่งออกแล้ว")
        self.export_button.clicked.connect(self.mark_exported)
        self.lines_model, self.lines_view = _table(
            [
                Column("ชนิด", lambda r: "แผน" if r.kind == "plan" else "จ่ายจริง"),
                Column("หมวดค่าใช้จ่าย", lambda r: r.category_label),
                Column("รายละเอียด", lambda r: r.description, stretch=True),
                Column("จำนวน", lambda r: f"{r.quantity.normalize():,f}", align_right=True),
                _money("ราคาต่อหน่วย", lambda r: r.unit_price_satang),
                _money("จำนวนเงิน", lambda r: r.amount_satang),
                Column(
                    "เบิกเกินโดยอนุมัติของ",
                    lambda r: f"{r.approved_by}: {r.override_reason}" if r.override_reason else "",
                ),
            ]
        )
        self.lines_view.doubleClicked.connect(
            lambda _i: self.edit_line(self._current(self.lines_view, self.lines_model))
        )
        self.lines_total = QLabel()
        self.transport_button = QPushButton("จ่ายค่าพาหนะผู้เข้าอบรม…")
        self.transport_button.clicked.connect(lambda: self.pay_transport())
        self.lecturer_button = QPushButton("จ่ายค่าตอบแทนวิทยากรตามตาราง")
        self.lecturer_button.clicked.connect(self.pay_lecturers)
        self.reverse_button = QPushButton("กลับรายการ…")
        self.reverse_button.clicked.connect(lambda: self.reverse())
        self.vouchers_button = QPushButton("พิมพ์ใบสำคัญรับเงิน…")
        self.vouchers_button.clicked.connect(lambda: self.print_document("vouchers"))
        self.paylist_button = QPushButton("พิมพ์หลักฐานการจ่ายเงิน…")
        self.paylist_button.clicked.connect(lambda: self.print_document("paylist"))
        self.pay_model, self.pay_view = _table(
            [
                Column("หมวด", lambda p: p.category_label),
                Column("ผู้รับเงิน", lambda p: p.payee_name, stretch=True),
                _money("อัตรา", lambda p: p.rate_satang),
                Column("จำนวน", lambda p: f"{p.units.normalize():f}", align_right=True),
                _money("จำนวนเงิน", lambda p: p.amount_satang),
                Column("วันที่จ่าย", lambda p: format_be_date(p.paid_on, style="medium") if p.paid_on else ""),
                Column(
                    "สถานะ",
                    lambda p: "กลับรายการ" if p.is_reversal else ("ถูกกลับรายการแล้ว" if p.reversed else ""),
                ),
                Column("หมายเหตุ", lambda p: p.note, stretch=True),
            ]
        )
        self.pay_total = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("รุ่น"))
        top.addWidget(self.round_pick, 1)
        top.addWidget(self.state_label)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addLayout(
            _buttons(
                self.plan_button,
                self.add_line_button,
                self.edit_line_button,
                self.delete_line_button,
                self.approve_button,
                self.unlock_button,
                self.export_button,
            )
        )
        layout.addWidget(self.lines_view, 1)
        layout.addWidget(self.lines_total)
        layout.addLayout(
            _buttons(
                self.transport_button,
                self.lecturer_button,
                self.reverse_button,
                self.vouchers_button,
                self.paylist_button,
            )
        )
        layout.addWidget(self.pay_view, 1)
        layout.addWidget(self.pay_total)
        return tab

    def _allocations_tab(self) -> QWidget:
        self.alloc_model, self.alloc_view = _table(
            [
                Column("ปีงบประมาณ", lambda a: a.fiscal_year, align_right=True),
                Column("เลขที่หนังสือ", lambda a: a.ref_no),
                Column("ลงวันที่", lambda a: format_be_date(a.ref_date, style="medium") if a.ref_date else ""),
                _money("จำนวนเงิน", lambda a: a.amount_satang),
                Column("หมายเหตุ", lambda a: a.note, stretch=True),
            ]
        )
        add = QPushButton("เพิ่มการจัดสรร…")
        add.clicked.connect(lambda: self.edit_allocation(None))
        edit = QPushButton("แก้ไข…")
        edit.clicked.connect(lambda: self.edit_allocation(self._current(self.alloc_view, self.alloc_model)))
        delete = QPushButton("ลบ")
        delete.clicked.connect(self.delete_allocation)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(_buttons(add, edit, delete))
        layout.addWidget(self.alloc_view, 1)
        return tab

    def _rates_tab(self) -> QWidget:
        self.rate_model, self.rate_view = _table(
            [
                Column("รายการ", lambda r: r.item_label, stretch=True),
                Column(
                    "ประเภทการฝึกอบรม", lambda r: rates.TRAINING_TYPES.get(r.training_type, r.training_type)
                ),
                Column("สถานที่", lambda r: rates.VENUE_TYPES.get(r.venue_type, r.venue_type)),
                _money("อัตราสูงสุด", lambda r: r.ceiling_satang),
                Column("หน่วย", lambda r: r.unit),
                Column(
                    "มีผลตั้งแต่",
                    lambda r: format_be_date(r.effective_from, style="medium"),
                    sort_key=lambda r: r.effective_from,
                ),
                Column("ยืนยันแล้ว", lambda r: "ยังไม่ยืนยัน" if r.uncertain else "ยืนยัน"),
                Column("หนังสือเวียน", lambda r: r.circular_ref),
            ]
        )
        self.rate_edit_button = QPushButton("แก้ไขอัตรา…")
        self.rate_edit_button.clicked.connect(lambda: self.edit_rate(new_version=False))
        self.rate_new_button = QPushButton("เพิ่มอัตราฉบับใหม่…")
        self.rate_new_button.clicked.connect(lambda: self.edit_rate(new_version=True))
        self.rate_note = QLabel()
        self.rate_note.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(_buttons(self.rate_edit_button, self.rate_new_button))
        layout.addWidget(self.rate_note)
        layout.addWidget(self.rate_view, 1)
        return tab

    # ------------------------------------------------------------------------------------ loading

    def reload(self) -> None:
        def load() -> tuple:
            years = report.fiscal_years(self.ctx)
            return (
                years,
                rounds.list_rounds(self.ctx),
                allocations.list_allocations(self.ctx),
                rates.list_rates(self.ctx),
                rates.can_edit_rates(self.ctx),
            )

        self.runner.read(load, on_done=self._loaded, on_error=self.show_error)

    def _loaded(self, result: tuple) -> None:
        years, round_rows, allocs, rate_rows, can_edit = result
        keep_fy = self.fy.currentData()
        self.fy.blockSignals(True)
        self.fy.clear()
        for y in years:
            self.fy.addItem(f"พ.ศ. {y}", y)
        self.fy.setCurrentIndex(max(0, self.fy.findData(keep_fy)) if keep_fy else 0)
        self.fy.blockSignals(False)
        keep_round = self.round_pick.currentData()
        self.round_rows = sorted(round_rows, key=lambda r: (r.fiscal_year, r.number), reverse=True)
        self.round_pick.blockSignals(True)
        self.round_pick.clear()
        for r in self.round_rows:
            # The id as text: findData compares UUID objects by identity, and a reload brings new ones, so the
            # page jumped to another round after every approval or unlock.
            self.round_pick.addItem(
                f"รุ่นที่ {r.number}/{r.fiscal_year} — {r.title} ({r.status_label})", str(r.id)
            )
        index = self.round_pick.findData(keep_round) if keep_round else -1
        if index < 0:  # start on the latest round that has been held
            index = next((i for i, r in enumerate(self.round_rows) if r.status in ("held", "closed")), 0)
        self.round_pick.setCurrentIndex(index)
        self.round_pick.blockSignals(False)
        _fill(self.alloc_model, self.alloc_view, allocs)
        _fill(self.rate_model, self.rate_view, rate_rows)
        self.rate_edit_button.setEnabled(can_edit)
        self.rate_new_button.setEnabled(can_edit)
        self.rate_note.setText(
            "อัตราที่ 'ยังไม่ยืนยัน' เป็นค่าตั้งต้นที่ต้องตรวจสอบกับหนังสือเวียนล่าสุด (กค 0408.4/ว 246) "
            + ("" if can_edit else f"— ผู้ใช้ {self.ctx.user_name} ไม่มีสิทธิ์แก้ไขอัตรา")
        )
        self.load_report()
        self.load_round()

    def load_report(self) -> None:
        fy = self.fy.currentData()
        if fy is None:
            return
        self.runner.read(
            lambda: report.budget_report(self.ctx, fiscal_year=fy),
            on_done=self._report_loaded,
            on_error=self.show_error,
        )

    def _report_loaded(self, rep: report.BudgetReport) -> None:
        self.report = rep
        t = rep.totals
        self.summary.setText(
            f"ได้รับจัดสรร <b>{b(rep.allocated)}</b> บาท · แผน {b(t.planned)} · อนุมัติแล้ว {b(t.approved)} · "
            f"เบิกจ่ายแล้ว {b(t.spent)} · คงเหลือ <b>{b(rep.remaining)}</b> บาท"
        )
        self.warnings.setText("\n".join(f"⚠ {w}" for w in rep.warnings))
        self.warnings.setVisible(bool(rep.warnings))
        _fill(self.cat_model, self.cat_view, list(rep.categories))
        _fill(self.round_sum_model, self.round_sum_view, list(rep.rounds))
        self.loaded.emit()

    def current_round_id(self) -> uuid.UUID | None:
        data = self.round_pick.currentData()
        return uuid.UUID(data) if data else None

    def select_round(self, round_id: uuid.UUID) -> None:
        index = next((i for i, r in enumerate(self.round_rows) if r.id == round_id), -1)
        if index >= 0:
            self.round_pick.setCurrentIndex(index)

    def load_round(self) -> None:
        rid = self.current_round_id()
        if rid is None:
            return

        def load() -> tuple:
            return (
                spending.get_state(self.ctx, rid),
                spending.list_lines(self.ctx, rid),
                ledger.list_payments(self.ctx, rid),
            )

        self.runner.read(load, on_done=self._round_loaded, on_error=self.show_error)

    def _round_loaded(self, result: tuple) -> None:
        state, lines, payments = result
        if state.round_id != self.current_round_id():
            return  # the officer picked another round meanwhile
        self.state = state
        text = state.label
        if state.approved_by:
            text += f" โดย {state.approved_by}"
        self.state_label.setText(f"การใช้จ่าย: {text}")
        _fill(self.lines_model, self.lines_view, lines)
        _fill(self.pay_model, self.pay_view, payments)
        planned = sum(x.amount_satang for x in lines if x.kind == "plan")
        actual = sum(x.amount_satang for x in lines if x.kind == "actual")
        paid = sum(p.amount_satang for p in payments)
        self.lines_total.setText(f"แผน {b(planned)} บาท · จ่ายจริง (รายการรวม) {b(actual)} บาท")
        self.pay_total.setText(
            f"รายการจ่ายเงินรายคน {len(payments):,} รายการ สุทธิ {b(paid)} บาท · รวมใช้จ่าย {b(actual + paid)} บาท"
        )
        # Draft: the plan is made and approved. Approved: money is paid (people, vendors) and corrected.
        draft, approved = state.status == "draft", state.status == "approved"
        for button in (self.plan_button, self.approve_button):
            button.setEnabled(draft)
        for button in (self.add_line_button, self.edit_line_button, self.delete_line_button):
            button.setEnabled(draft or approved)  # plan lines in a draft, actual costs once approved
        for button in (self.transport_button, self.lecturer_button, self.reverse_button):
            button.setEnabled(approved)
        self.unlock_button.setEnabled(state.locked)
        self.export_button.setEnabled(approved)
        self.loaded.emit()

    # ------------------------------------------------------------------------------------ actions

    def _current(self, view, model) -> Any | None:
        index = view.currentIndex()
        return model.row_at(index.row()) if index.isValid() else None

    def _open_round_from_report(self, index) -> None:
        row = self.round_sum_model.row_at(index.row())
        self.select_round(row.round_id)
        self.tabs.setCurrentIndex(1)

    def write(
        self, work: Callable[[Override | None], Any], *, done: str = "", override: Override | None = None
    ) -> None:
        """Run a change in the write thread; a refusal over a ceiling offers the override form."""

        def finished(_result: Any) -> None:
            if done:
                self.message.setText(done)
            self.changed.emit()
            self.reload()

        def failed(exc: Exception) -> None:
            if isinstance(exc, OverLimit) and override is None:
                dialog = OverrideDialog(exc.message, self, ctx=self.ctx)
                if dialog.exec():
                    self.write(work, done=done, override=dialog.value)
                return
            self.show_error(exc)

        self.runner.run(lambda: work(override), on_done=finished, on_error=failed)

    def compute_plan(self) -> None:
        rid = self.current_round_id()
        if rid is not None:
            self.write(lambda _o: plan.apply_computed_plan(self.ctx, rid), done="คำนวณแผนตามอัตราแล้ว")

    def edit_line(self, row: spending.LineRow | None) -> None:
        rid = self.current_round_id()
        if rid is None:
            return
        dialog = LineDialog(self, row)
        if not dialog.exec():
            return
        data = dialog.value
        if row is None:
            self.write(lambda o: spending.add_line(self.ctx, rid, data, override=o), done="เพิ่มรายการแล้ว")
        else:
            self.write(
                lambda o: spending.update_line(self.ctx, row.id, data, override=o), done="แก้ไขรายการแล้ว"
            )

    def delete_line(self) -> None:
        row = self._current(self.lines_view, self.lines_model)
        if row is not None:
            self.write(lambda _o: spending.delete_line(self.ctx, row.id), done="ลบรายการแล้ว")

    def approve(
        self,
        approver: str | None = None,
        payer: str | None = None,
        *,
        payer_account_id: uuid.UUID | None = None,
        dialog_hook: Callable[[ApprovalDialog], bool] | None = None,
    ) -> None:
        """Approve the round's spending; without names given, the approval form asks (the payer picked from the
        office's finance accounts once it has accounts)."""
        rid = self.current_round_id()
        row = next((r for r in self.round_rows if r.id == rid), None)
        if rid is None or row is None:
            return
        if approver is None and payer_account_id is None:
            dialog = ApprovalDialog(self.ctx, rid, title=f"รุ่นที่ {row.number}/{row.fiscal_year}", parent=self)
            if not (dialog_hook(dialog) if dialog_hook else dialog.exec()):
                return
            value: ApprovalInput = dialog.value  # type: ignore[assignment]
            approver, payer, payer_account_id = value.approver, value.payer_name, value.payer_account_id
        self.write(
            lambda _o: spending.approve(
                self.ctx,
                rid,
                approver=approver or "",
                payer_name=payer or "",
                payer_account_id=payer_account_id,
            ),
            done="อนุมัติและล็อกการใช้จ่ายของรุ่นแล้ว",
        )

    def unlock(self, reason: str | None = None) -> None:
        rid = self.current_round_id()
        if rid is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, "ปลดล็อกการใช้จ่าย", "เหตุผลที่ต้องปลดล็อก (บันทึกในประวัติ):")
            if not ok:
                return
        self.write(lambda _o: spending.unlock(self.ctx, rid, reason=reason), done="ปลดล็อกแล้ว")

    def mark_exported(self) -> None:
        rid = self.current_round_id()
        if rid is not None:
            self.write(lambda _o: spending.mark_exported(self.ctx, rid), done="บันทึกว่าส่งออกแล้ว")

    def pay_transport(self, dialog_hook: Callable[[TransportDialog], bool] | None = None) -> None:
        """The transport grid for the round's present people; each is paid what they actually spent."""
        rid = self.current_round_id()
        row = next((r for r in self.round_rows if r.id == rid), None)
        if rid is None or row is None:
            return
        try:
            rows = ledger.transport_sheet(self.ctx, rid)
        except CoreError as exc:
            self.show_error(exc)
            return
        if not rows:
            self.show_error(CoreError("รุ่นนี้ยังไม่มีบันทึกการเข้าอบรม จึงจ่ายค่าพาหนะไม่ได้ (จ่ายเฉพาะผู้ที่ลงชื่อเข้าอบรม)"))
            return
        dialog = TransportDialog(rows, title=f"รุ่นที่ {row.number}/{row.fiscal_year}", parent=self)
        if not (dialog_hook(dialog) if dialog_hook else dialog.exec()):
            return
        entries, when, ctx = dialog.value, row.end_date, self.ctx

        def work(o: Override | None) -> Any:
            # An override given on the page's form is the reason of every amount above the ceiling.
            given = [e if e.reason or o is None else replace(e, reason=o.reason) for e in entries]
            return ledger.pay_transport(
                ctx,
                rid,
                entries=given,
                paid_on=when,
                approver=o.approver if o else "",
                approver_account=o.account if o else None,
            )

        self.write(work, done=f"บันทึกการจ่ายค่าพาหนะตามจริง {len(entries)} คนแล้ว")

    def pay_lecturers(self) -> None:
        rid = self.current_round_id()
        row = next((r for r in self.round_rows if r.id == rid), None)
        if rid is None or row is None:
            return
        self.write(
            lambda o: ledger.pay_lecturers(self.ctx, rid, paid_on=row.end_date, override=o),
            done="บันทึกการจ่ายค่าตอบแทนวิทยากรแล้ว",
        )

    def reverse(self, reason: str | None = None) -> None:
        row = self._current(self.pay_view, self.pay_model)
        if row is None:
            QMessageBox.information(self, "กลับรายการ", "เลือกรายการจ่ายเงินที่ต้องการกลับรายการก่อน")
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "กลับรายการจ่ายเงิน", f"เหตุผลที่กลับรายการของ {row.payee_name} ({b(row.amount_satang)} บาท):"
            )
            if not ok:
                return
        self.write(lambda _o: ledger.reverse(self.ctx, row.id, reason=reason), done="กลับรายการแล้ว")

    def edit_allocation(self, row: allocations.AllocationRow | None) -> None:
        dialog = AllocationDialog(self, row)
        if not dialog.exec():
            return
        data = dialog.value
        if row is None:
            self.write(lambda _o: allocations.create_allocation(self.ctx, data), done="บันทึกการจัดสรรแล้ว")
        else:
            self.write(
                lambda _o: allocations.update_allocation(self.ctx, row.id, data), done="แก้ไขการจัดสรรแล้ว"
            )

    def delete_allocation(self) -> None:
        row = self._current(self.alloc_view, self.alloc_model)
        if row is None:
            return
        answer = QMessageBox.question(
            self, "ยืนยันการลบ", f"ลบการจัดสรร {row.ref_no} ({b(row.amount_satang)} บาท)?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.write(lambda _o: allocations.delete_allocation(self.ctx, row.id), done="ลบการจัดสรรแล้ว")

    def edit_rate(self, *, new_version: bool) -> None:
        row = self._current(self.rate_view, self.rate_model)
        if row is None and not new_version:
            return
        dialog = RateDialog(self, row, new_version=new_version)
        if not dialog.exec():
            return
        data = dialog.value
        rate_id = None if new_version else row.id
        self.write(lambda _o: rates.save_rate(self.ctx, data, rate_id=rate_id), done="บันทึกอัตราแล้ว")

    def print_document(self, kind: str, path: Path | None = None) -> None:
        """Write a PDF in a background thread; the GUI stays responsive and says where it went."""
        rid = self.current_round_id()
        fy = self.fy.currentData()
        names = {"vouchers": "ใบสำคัญรับเงิน", "paylist": "หลักฐานการจ่ายเงิน", "report": "รายงานงบประมาณ"}
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, f"บันทึก{names[kind]}", f"{kind}.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return
            path = Path(chosen)

        def work() -> Path:
            if kind == "vouchers":
                from desktop.reports.vouchers import write_vouchers

                return write_vouchers(self.ctx, round_id=rid, out_path=path).path
            if kind == "paylist":
                from desktop.reports.paylist import write_paylist

                return write_paylist(self.ctx, round_id=rid, out_path=path).path
            from desktop.reports.budget_report import write_budget_report

            return write_budget_report(self.ctx, out_path=path, fiscal_year=fy).path

        def done(out: Path) -> None:
            self.message.setText(f"พิมพ์{names[kind]}แล้ว: {out}")
            self.printed.emit(out)

        def failed(exc: Exception) -> None:
            self.message.setText("")
            self.printed.emit(exc)
            self.show_error(exc)

        self.message.setText(f"กำลังสร้าง{names[kind]}…")
        self.runner.read(work, on_done=done, on_error=failed)

    def show_error(self, exc: Exception) -> None:
        self.error_message = error_box(self, "ทำรายการไม่สำเร็จ", exc)
