"""Vouchers, payment lists and the budget report: Thai that extracts back, exact totals, blank signatures."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from db.rules.money import baht_text, format_baht
from desktop.core import office
from desktop.core.budget import ledger, spending
from desktop.core.errors import RuleViolation, ValidationError
from desktop.reports.budget_report import write_budget_report
from desktop.reports.paylist import write_paylist
from desktop.reports.vouchers import write_vouchers
from tests.fixtures.budget import HeldRound, add_slot, make_held

PAID = date(2026, 10, 21)


@pytest.fixture
def paid(ctx) -> HeldRound:
    office.update_office(
        ctx,
        name_th="สำนักงานแรงงานจังหวัดขอนแก่น",
        address="",
        phone="",
        head_name="นายผู้อนุมัติ ใจดี",
        head_position="แรงงานจังหวัด",  # the generic title: printed with the province
    )
    held = make_held(ctx)
    add_slot(ctx, held.round_id, held.nonstate_lecturer, minutes=85)  # 1.5 h × 1,200 = 1,800
    # Approved before any money is paid; the payer is chosen at the approval.
    spending.approve(
        ctx, held.round_id, approver="นายผู้อนุมัติ ใจดี", payer_name="นางสาวผู้จ่าย เงินดี", on=date(2026, 10, 1)
    )
    spent = [25_100, 25_100, 12_550, 12_550]  # what each present person spent on transport
    ledger.pay_transport(
        ctx,
        held.round_id,
        entries=[ledger.TransportEntry(p, a) for p, a in zip(held.person_ids, spent, strict=False)],
        paid_on=PAID,
    )
    ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID)
    first = ledger.list_payments(ctx, held.round_id)[0]
    ledger.reverse(ctx, first.id, reason="จ่ายผิด")
    return held


def _flat(text: str) -> str:
    return "".join(text.split())


def test_one_voucher_per_payee_with_amount_in_words(
    paid: HeldRound, tmp_path: Path, pdf_text, render_first_page
) -> None:
    out = tmp_path / "v.pdf"
    res = write_vouchers(paid.ctx, round_id=paid.round_id, out_path=out)
    assert res.vouchers == 4  # 4 present, one reversed; plus the lecturer
    pages = pdf_text(out)
    assert len(pages) == 4
    lecturer = next(p for p in pages if "ค่าตอบแทนวิทยากร" in p)
    assert "ใบสำคัญรับเงิน" in lecturer
    assert "นายเอกชน วิทยากร" in lecturer
    assert _flat("1,800.00") in _flat(lecturer)
    assert _flat(f"({baht_text(180_000)})") in _flat(lecturer)
    assert "หนึ่งพันแปดร้อยบาทถ้วน" in lecturer
    person = next(p for p in pages if "ค่าพาหนะ" in p)
    assert "251.00" in person and "สองร้อยห้าสิบเอ็ดบาทถ้วน" in person  # 2 days × 125.50
    assert "ผู้รับเงิน" in person and "ผู้จ่ายเงิน" in person
    assert "วันที่ 21 ตุลาคม 2569" in person  # BE date
    render_first_page(out, tmp_path, "voucher")


def test_pay_list_columns_total_in_words_and_signature_lines(
    paid: HeldRound, tmp_path: Path, pdf_text, render_first_page
) -> None:
    out = tmp_path / "p.pdf"
    res = write_paylist(paid.ctx, round_id=paid.round_id, out_path=out, category="transport")
    rows = [p for p in ledger.list_payments(paid.ctx, paid.round_id, category="transport") if p.effective]
    assert res.rows == len(rows) == 3
    assert res.total_satang == sum(p.amount_satang for p in rows)
    text = "\n".join(pdf_text(out))
    flat = _flat(text)
    for head in (
        "ลำดับ",
        "เลขที่ใบสำคัญ",
        "ชื่อ-สกุล",
        "อัตรา",
        "จำนวนวัน",
        "จำนวนเงิน",
        "วันที่รับเงิน",
        "ลายมือชื่อผู้รับเงิน",
        "หมายเหตุ",
    ):
        assert _flat(head) in flat
    assert "หลักฐานการจ่ายเงินค่าพาหนะผู้เข้ารับการฝึกอบรม" in flat
    assert _flat(f"รวมเงินทั้งสิ้น {format_baht(res.total_satang)} บาท ({baht_text(res.total_satang)})") in flat
    assert "(นายผู้อนุมัติใจดี)" in flat and "(นางสาวผู้จ่ายเงินดี)" in flat
    assert "ผู้จ่ายเงิน" in flat and "ผู้อนุมัติ" in flat
    assert "ตำแหน่งแรงงานจังหวัดขอนแก่น" in flat  # the approving head's title names the province
    assert flat.count("ตามจริง") == 3  # transport at actual cost: no rate, the days present in its column
    assert "21ต.ค.2569" not in flat  # the receipt date is written by each person on the day they are paid
    reversed_name = next(p for p in ledger.list_payments(paid.ctx, paid.round_id) if p.reversed).payee_name
    assert _flat(reversed_name) not in flat
    render_first_page(out, tmp_path, "paylist")


def test_nothing_to_print_and_unknown_category(ctx, tmp_path: Path) -> None:
    held = make_held(ctx)
    with pytest.raises(RuleViolation, match="ยังไม่มีรายการจ่ายเงิน"):
        write_paylist(ctx, round_id=held.round_id, out_path=tmp_path / "x.pdf")
    with pytest.raises(ValidationError):
        write_vouchers(ctx, round_id=held.round_id, out_path=tmp_path / "x.pdf", category="food")
    assert not (tmp_path / "x.pdf").exists()


def test_budget_report_pdf(paid: HeldRound, tmp_path: Path, pdf_text, render_first_page) -> None:
    out = tmp_path / "b.pdf"
    write_budget_report(paid.ctx, out_path=out, fiscal_year=2570)
    flat = _flat("\n".join(pdf_text(out)))
    assert "รายงานงบประมาณโครงการฝึกอบรมครูขปีงบประมาณพ.ศ.2570" in flat
    assert "100,000.00" in flat  # the allocation
    assert "ค่าพาหนะ" in flat and "ค่าตอบแทนวิทยากร" in flat  # (a long label wraps in its cell)
    render_first_page(out, tmp_path, "budget")


@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (2_100, "ยี่สิบเอ็ดบาทถ้วน"),
        (10_100, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (125_050, "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์"),
        (100_000_000, "หนึ่งล้านบาทถ้วน"),
        (1_100_000_000, "สิบเอ็ดล้านบาทถ้วน"),
    ],
)
def test_voucher_prints_tricky_amounts_in_words(
    ctx, tmp_path: Path, pdf_text, satang: int, words: str
) -> None:
    from decimal import Decimal

    from desktop.core.budget.ledger import PaymentInput
    from desktop.core.budget.rules import Override

    held = make_held(ctx)
    spending.approve(ctx, held.round_id, approver="ผู้อนุมัติ", on=date(2026, 10, 1))
    ledger.add_payment(
        ctx,
        held.round_id,
        PaymentInput(
            category="venue",
            payee_kind="other",
            payee_name="บริษัท ห้องประชุม จำกัด",
            rate_satang=satang,
            units=Decimal(1),
            paid_on=PAID,
        ),
        override=Override("ทดสอบจำนวนเงินสูง", "ผู้อนุมัติ"),
    )
    out = tmp_path / "v.pdf"
    write_vouchers(ctx, round_id=held.round_id, out_path=out)
    text = _flat(pdf_text(out)[0])
    assert _flat(f"({words})") in text
    assert format_baht(satang) in text


def test_a_long_pay_list_carries_its_sum_from_page_to_page(paid: HeldRound, tmp_path: Path, pdf_text) -> None:
    """300 people: every page after the first opens with the running sum of the pages before it, every page
    before the last ends with the running sum through it and the payer's signature, the last with the total."""
    from sqlalchemy import insert

    from db.base import new_id, utcnow
    from db.models import PaymentLine

    now = utcnow()
    amounts = [10_000 + 37 * i for i in range(300)]  # all different, so a wrong sum cannot match by chance
    with paid.ctx.transaction() as s:
        s.execute(
            insert(PaymentLine),
            [
                {
                    "id": new_id(),
                    "office_code": "40",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "deleted": False,
                    "round_id": paid.round_id,
                    "category": "materials",
                    "payee_kind": "other",
                    "payee_name": f"ผู้รับเงิน คนที่{i + 1}ท่าน",
                    "rate_satang": amount,
                    "units": 1,
                    "amount_satang": amount,
                    "paid_on": PAID,
                    "note": "",
                    "override_reason": "",
                    "override_by": "",
                }
                for i, amount in enumerate(amounts)
            ],
        )
    out = tmp_path / "long.pdf"
    res = write_paylist(paid.ctx, round_id=paid.round_id, out_path=out, category="materials")
    assert res.rows == 300 and res.total_satang == sum(amounts)
    pages = [_flat(t) for t in pdf_text(out)]
    assert len(pages) == res.pages >= 10
    running = 0
    for n, page in enumerate(pages, start=1):
        seqs = [int(x) for x in re.findall(r"คนที่(\d+)ท่าน", page)]
        if n > 1:
            assert _flat(f"ยอดยกมา{format_baht(running)}") in page, n
        running += sum(amounts[i - 1] for i in seqs)
        assert "ผู้จ่ายเงิน" in page and "(นางสาวผู้จ่ายเงินดี)" in page, n
        if n < len(pages):
            assert _flat(f"ยอดยกไป{format_baht(running)}") in page, n
    assert running == sum(amounts)
    last = pages[-1]
    assert _flat(f"รวมเงินทั้งสิ้น {format_baht(res.total_satang)} บาท ({baht_text(res.total_satang)})") in last
    assert "ผู้อนุมัติ" in last


def test_each_voucher_has_a_running_number_the_pay_list_shows_beside_the_same_money(
    paid: HeldRound, tmp_path: Path, pdf_text
) -> None:
    write_vouchers(paid.ctx, round_id=paid.round_id, out_path=tmp_path / "v.pdf")
    write_paylist(paid.ctx, round_id=paid.round_id, out_path=tmp_path / "p.pdf")
    vouchers = {}
    for page in pdf_text(tmp_path / "v.pdf"):
        number = re.search(r"เลขที่ (\d{4}/2570)", page).group(1)
        name = re.search(r"ข้าพเจ้า (\S+ \S+)", page).group(1)
        amount = re.search(r"รวมเงิน ([\d,]+\.\d\d)", page).group(1)
        vouchers[number] = (name, amount)
    assert len(vouchers) == 4  # unique numbers, one per voucher
    listed = "\n".join(pdf_text(tmp_path / "p.pdf"))
    for number, (name, amount) in vouchers.items():
        assert re.search(rf"{number} {name} (ตามจริง|[\d,.]+) [\d.]+ {amount}", listed), (number, name, amount)
    # The reversed payment's number (0001) is never printed again; the person's voucher has the address.
    assert "0001/2570" not in vouchers and "0001/2570" not in listed
    person_page = next(p for p in pdf_text(tmp_path / "v.pdf") if "สมชาย1" in p)
    assert _flat("ที่อยู่หรือที่ทำการ บ้านเลขที่ 11/1 หมู่ที่ 3 ตำบลบ้านเป็ด อำเภอเมืองขอนแก่น จังหวัดขอนแก่น") in _flat(
        person_page
    )
    lecturer_page = next(p for p in pdf_text(tmp_path / "v.pdf") if "ค่าตอบแทนวิทยากร" in p)
    assert _flat("สำนักงานจัดหางานจังหวัดขอนแก่น ศูนย์ราชการจังหวัด") in _flat(lecturer_page)


def test_a_correction_is_a_reversal_and_a_new_voucher_with_a_new_number(
    paid: HeldRound, tmp_path: Path, pdf_text
) -> None:
    from desktop.core.budget import documents

    before = {v.payee_name: v.number for v in documents.vouchers(paid.ctx, paid.round_id)}
    line = next(p for p in ledger.list_payments(paid.ctx, paid.round_id) if p.effective and p.person_id)
    ledger.reverse(paid.ctx, line.id, reason="จำนวนวันผิด")
    ledger.add_payment(
        paid.ctx,
        paid.round_id,
        ledger.PaymentInput(
            category="transport",
            payee_kind="person",
            person_id=line.person_id,
            rate_satang=10_000,
            units=1,
            paid_on=PAID,
        ),
    )
    after = {v.payee_name: v.number for v in documents.vouchers(paid.ctx, paid.round_id)}
    assert after[line.payee_name] not in before.values()  # a new number, never the old one reused
    assert after[line.payee_name] == "0006/2570"
    assert {k: v for k, v in after.items() if k != line.payee_name} == {
        k: v for k, v in before.items() if k != line.payee_name
    }


def test_a_lecturer_without_an_address_or_workplace_cannot_be_paid(ctx) -> None:
    from desktop.core.people import lecturers
    from tests.fixtures.budget import make_lecturer

    held = make_held(ctx)
    bare = make_lecturer(ctx, "ไร้ที่อยู่", is_state=False, address="")
    add_slot(ctx, held.round_id, bare, minutes=60)
    spending.approve(
        ctx, held.round_id, approver="นายผู้อนุมัติ ใจดี", payer_name="นางสาวผู้จ่าย เงินดี", on=date(2026, 10, 1)
    )
    with pytest.raises(RuleViolation, match="ที่อยู่หรือที่ทำการ"):
        ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID)
    assert ledger.list_payments(ctx, held.round_id) == []  # nothing of the batch was written
    with pytest.raises(RuleViolation, match="นายไร้ที่อยู่ วิทยากร"):
        ledger.add_payment(
            ctx,
            held.round_id,
            ledger.PaymentInput(
                category="lecturer", payee_kind="lecturer", lecturer_id=bare, rate_satang=60_000, paid_on=PAID
            ),
        )
    lecturers.update_lecturer(
        ctx,
        bare,
        lecturers.LecturerInput(
            prefix="นาย",
            first_name="ไร้ที่อยู่",
            last_name="วิทยากร",
            is_state=False,
            address="มหาวิทยาลัยขอนแก่น ถนนมิตรภาพ จังหวัดขอนแก่น",
        ),
    )
    assert ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID).lines == 1
