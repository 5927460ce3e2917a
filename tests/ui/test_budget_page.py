"""The งบประมาณ page driven as an officer would: report, approve and unlock, reversal, override, printing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from db.models import AuditEntry
from desktop.core.budget import allocations, ledger, spending
from desktop.ui.dialogs.budget import AllocationDialog, OverrideDialog


def _page(window, qtbot):
    window.go_to("งบประมาณ")
    page = window.budget
    qtbot.waitUntil(
        lambda: page.report is not None and page.state is not None and window.runner.idle, timeout=15_000
    )
    return page


def _pick_round(page, qtbot, *, status: str):
    """A round whose spending is in ``status``: paid already when approved, not yet held when a draft (money is
    paid only once the spending is approved)."""
    if status == "draft":
        row = next(r for r in page.round_rows if spending.get_state(page.ctx, r.id).status == "draft")
    else:
        row = next(
            r
            for r in page.round_rows
            if spending.get_state(page.ctx, r.id).status == status and ledger.list_payments(page.ctx, r.id)
        )
    page.select_round(row.id)
    qtbot.waitUntil(
        lambda: page.state is not None and page.state.round_id == row.id and page.runner.idle, timeout=10_000
    )
    return row


def test_report_shows_categories_rounds_and_totals(window, qtbot) -> None:
    page = _page(window, qtbot)
    rep = page.report
    assert page.cat_model.rowCount() == len(rep.categories) > 0
    assert page.round_sum_model.rowCount() == len(rep.rounds)
    assert f"{rep.allocated / 100:,.2f}" in page.summary.text()
    labels = {page.cat_model.index(i, 0).data() for i in range(page.cat_model.rowCount())}
    assert "ค่าอาหารกลางวัน" in labels
    years = [page.fy.itemData(i) for i in range(page.fy.count())]
    assert 2569 in years and 2570 in years


def test_approve_locks_and_unlock_asks_for_a_reason(window, qtbot) -> None:
    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(1)
    row = _pick_round(page, qtbot, status="draft")
    assert page.approve_button.isEnabled() and not page.unlock_button.isEnabled()
    assert (
        not page.transport_button.isEnabled() and not page.reverse_button.isEnabled()
    )  # nothing paid in a draft
    page.approve("นางสาวพรทิพย์ ศรีสุข", "นางสมใจ ชาญวิทยากุล")
    qtbot.waitUntil(lambda: page.state.status == "approved" and page.runner.idle, timeout=10_000)
    assert "อนุมัติแล้ว" in page.state_label.text()
    assert not page.plan_button.isEnabled() and not page.approve_button.isEnabled()  # the plan is locked
    assert page.transport_button.isEnabled() and page.reverse_button.isEnabled()  # money may now be paid
    assert page.unlock_button.isEnabled()
    assert page.current_round_id() == row.id  # the page stays on the round it approved
    page.unlock("แก้ไขจำนวนผู้เข้าอบรม")
    qtbot.waitUntil(lambda: page.state.status == "draft" and page.runner.idle, timeout=10_000)
    with page.ctx.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == row.id, AuditEntry.action == "unlock")
        ).one()
    assert entry.changes["reason"] == [None, "แก้ไขจำนวนผู้เข้าอบรม"]


def test_reverse_a_payment_from_the_table(window, qtbot) -> None:
    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(1)
    row = _pick_round(page, qtbot, status="approved")
    target = next(i for i in range(page.pay_model.rowCount()) if page.pay_model.row_at(i).effective)
    payment = page.pay_model.row_at(target)
    page.pay_view.selectRow(target)
    before = page.pay_model.rowCount()
    page.reverse("จ่ายซ้ำ")
    qtbot.waitUntil(lambda: page.pay_model.rowCount() == before + 1 and page.runner.idle, timeout=10_000)
    rows = {p.id: p for p in ledger.list_payments(page.ctx, row.id)}
    assert rows[payment.id].reversed
    assert "สุทธิ" in page.pay_total.text()


def test_over_the_ceiling_offers_an_override(window, qtbot, monkeypatch) -> None:
    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(1)
    row = _pick_round(page, qtbot, status="draft")
    shown: list[str] = []

    def fake_exec(dialog: OverrideDialog) -> int:
        shown.append(dialog.findChildren(type(page.state_label))[0].text())
        dialog.reason.setText("ราคาอาหารว่างในพื้นที่สูง")
        dialog.approver.setText("นายอนุมัติ ใจดี")
        dialog._accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(OverrideDialog, "exec", fake_exec)
    data = spending.LineInput(kind="plan", category="snack", quantity=1, unit_price_satang=9_900)
    page.write(lambda o: spending.add_line(page.ctx, row.id, data, override=o))
    qtbot.waitUntil(lambda: bool(shown) and page.runner.idle, timeout=10_000)
    qtbot.waitUntil(
        lambda: any(x.override_reason for x in spending.list_lines(page.ctx, row.id)), timeout=10_000
    )
    assert "เกินเพดาน" in shown[0]
    line = next(x for x in spending.list_lines(page.ctx, row.id) if x.override_reason)
    assert line.approved_by == "นายอนุมัติ ใจดี" and line.amount_satang == 9_900


def test_allocation_form_validates_and_saves(window, qtbot, monkeypatch) -> None:
    page = _page(window, qtbot)
    dialog = AllocationDialog(page)
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.errors.text("amount_satang") and dialog.errors.text("ref_no")
    dialog.fy.setValue(2570)
    dialog.amount.insert("12,345.67")
    dialog.ref_no.insert("รง 0216/ว 9999")
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    before = len(allocations.list_allocations(page.ctx, fiscal_year=2570))
    total = len(allocations.list_allocations(page.ctx))
    monkeypatch.setattr(AllocationDialog, "exec", lambda self: (setattr(self, "value", dialog.value), 1)[1])
    page.edit_allocation(None)
    qtbot.waitUntil(lambda: page.alloc_model.rowCount() == total + 1 and page.runner.idle, timeout=10_000)
    saved = allocations.list_allocations(page.ctx, fiscal_year=2570)
    assert len(saved) == before + 1
    assert any(a.amount_satang == 1_234_567 for a in saved)


def test_print_paylist_off_the_gui_thread(window, qtbot, tmp_path: Path) -> None:
    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(1)
    _pick_round(page, qtbot, status="approved")
    out = tmp_path / "paylist.pdf"
    with qtbot.waitSignal(page.printed, timeout=30_000) as blocker:
        page.print_document("paylist", out)
    assert blocker.args[0] == out
    assert out.stat().st_size > 1000
    assert "พิมพ์หลักฐานการจ่ายเงินแล้ว" in page.message.text()


def test_rates_are_edited_only_by_allowed_users(window, qtbot, monkeypatch) -> None:
    from desktop.core.budget import rates
    from desktop.core.context import set_setting
    from desktop.ui.dialogs.budget import RateDialog

    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(3)
    assert page.rate_edit_button.isEnabled()
    snack = next(i for i in range(page.rate_model.rowCount()) if page.rate_model.row_at(i).item == "snack")
    page.rate_view.selectRow(snack)
    row = page.rate_model.row_at(snack)

    def fake_exec(dialog: RateDialog) -> int:
        dialog.ceiling.clear()
        dialog.ceiling.insert("40.00")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(RateDialog, "exec", fake_exec)
    page.edit_rate(new_version=False)
    qtbot.waitUntil(
        lambda: (
            any(r.id == row.id and r.ceiling_satang == 4_000 for r in rates.list_rates(page.ctx))
            and page.runner.idle
        ),
        timeout=10_000,
    )
    with page.ctx.transaction() as session:
        set_setting(session, rates.EDITORS_SETTING, "someone_else")
    page.reload()
    qtbot.waitUntil(lambda: not page.rate_edit_button.isEnabled() and page.runner.idle, timeout=10_000)
    assert "ไม่มีสิทธิ์" in page.rate_note.text()


def test_transport_grid_pays_each_present_person_their_actual_fare(window, qtbot, tmp_path) -> None:
    page = _page(window, qtbot)
    page.tabs.setCurrentIndex(1)
    row = next(
        r
        for r in page.round_rows
        if spending.get_state(page.ctx, r.id).status == "approved"
        and any(p.effective for p in ledger.list_payments(page.ctx, r.id, category="transport"))
    )
    page.select_round(row.id)
    qtbot.waitUntil(
        lambda: page.state is not None and page.state.round_id == row.id and page.runner.idle, timeout=10_000
    )
    paid = [p for p in ledger.list_payments(page.ctx, row.id, category="transport") if p.effective]
    ledger.reverse(page.ctx, paid[0].id, reason="จำนวนเงินผิด")
    seen = {}

    def fill(dialog) -> bool:
        rows = dialog.rows
        assert {r.person_id for r in rows} >= {paid[0].person_id}  # the people recorded present
        i = next(n for n, r in enumerate(rows) if r.person_id == paid[0].person_id)
        assert dialog.table.item(i, 4).text() == ""  # no amount written in for the officer
        over = rows[i].ceiling_satang / 100 + 1
        dialog.set_amount(i, f"{over:.2f}")
        dialog._accept()
        seen["error"] = dialog.error.text()
        dialog.grab().save(str(tmp_path / "transport.png"))
        dialog.set_amount(i, "135")
        dialog._accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    page.pay_transport(dialog_hook=fill)
    qtbot.waitUntil(lambda: page.runner.idle and "ค่าพาหนะตามจริง 1 คน" in page.message.text(), timeout=10_000)
    assert "เกินเพดาน" in seen["error"] and "ต้องระบุเหตุผล" in seen["error"]
    fresh = [
        p
        for p in ledger.list_payments(page.ctx, row.id, category="transport")
        if p.effective and p.person_id == paid[0].person_id
    ]
    assert [p.amount_satang for p in fresh] == [13_500]
