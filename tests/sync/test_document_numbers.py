"""Document numbers issued offline on two PCs of one office never repeat, before or after sync."""

from __future__ import annotations

from sqlalchemy import select

from db.models import DocumentNumber
from desktop.core.numbering import issue_number
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import Server


def _issue(ctx, count: int) -> list[str]:
    out = []
    for _ in range(count):
        with ctx.transaction() as s:
            out.append(
                issue_number(
                    s, office_code="40", device_id=ctx.device_id, series="voucher", fiscal_year=2569
                ).label
            )
    return out


def _labels(ctx) -> list[str]:
    with ctx.reading() as s:
        return list(s.scalars(select(DocumentNumber.label).order_by(DocumentNumber.label)))


def test_two_pcs_offline_at_once_never_issue_the_same_number(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    first = _issue(a, 3)
    assert first == ["0001/2569", "0002/2569", "0003/2569"]
    assert sync_client.sync(a, http=server.http).failed == 0
    assert sync_client.sync(b, http=server.http).failed == 0  # B now knows lane 1 is A's

    # Both offline, numbering at the same time.
    more_a, more_b = _issue(a, 5), _issue(b, 5)
    assert more_a == [f"{n:04d}/2569" for n in range(4, 9)]
    assert more_b == [f"2-{n:04d}/2569" for n in range(1, 6)]

    for ctx in (a, b, a):
        report = sync_client.sync(ctx, http=server.http)
        assert report.failed == 0 and not report.problems
    everything = sorted(first + more_a + more_b)
    assert _labels(a) == _labels(b) == everything
    assert len(set(everything)) == 13

    # After the sync both keep their own lanes.
    assert _issue(a, 1) == ["0009/2569"] and _issue(b, 1) == ["2-0006/2569"]


def test_vouchers_paid_on_two_pcs_offline_keep_unique_numbers_after_sync(server: Server, desktops) -> None:
    from datetime import date

    from desktop.core.budget import documents, ledger, spending
    from desktop.core.budget.rules import Override
    from tests.fixtures.budget import add_slot, make_held

    a, b = desktops("pc_a"), desktops("pc_b")
    held = make_held(a)
    add_slot(a, held.round_id, held.nonstate_lecturer, minutes=60)
    spending.approve(
        a, held.round_id, approver="นายผู้อนุมัติ ใจดี", payer_name="นางสาวผู้จ่าย เงินดี", on=date(2026, 10, 1)
    )
    ledger.pay_lecturers(a, held.round_id, paid_on=date(2026, 10, 21))  # 0001/2570 on A
    for ctx in (a, b):
        report = sync_client.sync(ctx, http=server.http)
        assert report.failed == 0 and not report.problems

    def pay(ctx, person_id) -> None:
        ledger.add_payment(
            ctx,
            held.round_id,
            ledger.PaymentInput(
                category="transport",
                payee_kind="person",
                person_id=person_id,
                rate_satang=15_000,
                units=1,
                paid_on=date(2026, 10, 21),
            ),
            # Allocations come from the central office, so B (which never got A's local one) needs a reason.
            override=Override("งบประมาณจัดสรรยังไม่ถึงเครื่องนี้ (ทดสอบ)", "นายผู้อนุมัติ ใจดี"),
        )

    # Offline at the same time: A pays two people, B the other two.
    pay(a, held.person_ids[0])
    pay(a, held.person_ids[1])
    pay(b, held.person_ids[2])
    pay(b, held.person_ids[3])
    for ctx in (a, b, a):
        report = sync_client.sync(ctx, http=server.http)
        assert report.failed == 0 and not report.problems
    on_a = {v.line_id: v.number for v in documents.vouchers(a, held.round_id)}
    on_b = {v.line_id: v.number for v in documents.vouchers(b, held.round_id)}
    assert on_a == on_b and len(on_a) == 5
    assert sorted(on_a.values()) == ["0001/2570", "0002/2570", "0003/2570", "2-0001/2570", "2-0002/2570"]
