"""Document numbers issued offline on two PCs of one office never repeat, before or after sync."""

from __future__ import annotations

from sqlalchemy import select

from db.models import DocumentNumber
from desktop.core.numbering import issue_number
from desktop.core.sync import client as sync_client
from tests.fixtures.sync_harness import BASE, Server


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


def test_two_new_pcs_enrolled_then_offline_before_any_sync_print_distinct_numbers(
    server: Server, desktops
) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")  # both enrolled, neither has synced
    assert _lane(a) == 1 and _lane(b) == 2
    on_a, on_b = _issue(a, 3), _issue(b, 3)
    assert on_a == ["0001/2569", "0002/2569", "0003/2569"]
    assert on_b == ["2-0001/2569", "2-0002/2569", "2-0003/2569"]
    for ctx in (a, b, a):
        report = sync_client.sync(ctx, http=server.http)
        assert report.failed == 0 and not report.problems and not report.aside
    assert _labels(a) == _labels(b) == sorted(on_a + on_b)


def test_enrolling_again_with_the_same_code_and_key_keeps_the_lane(server: Server, tmp_path) -> None:
    from tests.fixtures.sync_harness import desktop

    first = desktop(tmp_path, "pc_a", server)
    ctx = desktop(tmp_path, "pc_b", server, enrol=False)
    code = server.code()
    once = sync_client.enrol(ctx, server=BASE, code=code, http=server.http)
    again = sync_client.enrol(ctx, server=BASE, code=code, http=server.http)  # the first answer was lost
    assert once.device_id == again.device_id and once.lane == again.lane == 2
    assert _issue(ctx, 1) == ["2-0001/2569"]
    first.close()
    ctx.close()


def test_the_offices_only_pc_printing_for_weeks_before_enrolling_keeps_its_numbers(
    server: Server, desktops
) -> None:
    a = desktops("pc_a", enrol=False)
    assert _issue(a, 3) == ["0001/2569", "0002/2569", "0003/2569"]  # offline for weeks, never enrolled
    joined = sync_client.enrol(a, server=BASE, code=server.code(), device_name="pc_a", http=server.http)
    assert joined.lane == 1 and joined.to_void == () and joined.void_line() == ""
    assert sync_client.sync(a, http=server.http).failed == 0
    b = desktops("pc_b")  # the second PC enrols after: lane 1 is taken
    assert _lane(b) == 2
    assert _issue(a, 1) == ["0004/2569"] and _issue(b, 1) == ["2-0001/2569"]


def test_a_pc_joining_while_the_founding_pc_prints_unenrolled_never_shares_its_lane(
    server: Server, desktops, tmp_path
) -> None:
    from desktop.core.context import AppContext
    from desktop.core.sync.join import join_office

    first = desktops("pc_a", enrol=False)  # set up as the new office, printing for weeks without a server
    assert _issue(first, 2) == ["0001/2569", "0002/2569"]
    second = AppContext.open(tmp_path / "joined.sqlite", user_name="joined")
    try:
        joined = join_office(second, server=BASE, code=server.code(), device_name="joined", http=server.http)
        assert joined.enrolled.lane == 2  # lane 1 is the founding PC's, enrolled or not
        assert _issue(second, 2) == ["2-0001/2569", "2-0002/2569"]
        late = sync_client.enrol(first, server=BASE, code=server.code(), device_name="pc_a", http=server.http)
        assert late.lane == 1 and late.to_void == ()  # it keeps its lane: nothing to void
        assert _issue(first, 1) == ["0003/2569"]
        for ctx in (first, second, first):
            report = sync_client.sync(ctx, http=server.http)
            assert report.failed == 0 and not report.problems and not report.aside
        expected = ["0001/2569", "0002/2569", "0003/2569", "2-0001/2569", "2-0002/2569"]
        assert _labels(first) == _labels(second) == expected
    finally:
        second.close()


def test_a_pc_that_printed_before_enrolling_in_a_lane_another_pc_holds_is_told_what_to_void(
    server: Server, desktops
) -> None:
    b = desktops("pc_b")  # enrolled first: lane 1
    assert _issue(b, 2) == ["0001/2569", "0002/2569"]
    a = desktops("pc_a", enrol=False)  # set up as a new office too, printing before it enrolled
    assert _issue(a, 2) == ["0001/2569", "0002/2569"]
    joined = sync_client.enrol(a, server=BASE, code=server.code(), device_name="pc_a", http=server.http)
    assert joined.lane == 2
    assert joined.to_void == ("ใบสำคัญรับเงิน 0001/2569", "ใบสำคัญรับเงิน 0002/2569")
    assert "กรุณายกเลิก" in joined.void_line() and "0002/2569" in joined.void_line()
    assert _issue(a, 1) == ["2-0001/2569"]  # never again in B's lane


def test_lanes_used_by_pushed_numbers_are_not_given_again(server: Server, desktops) -> None:
    from server.models import Device

    a = desktops("pc_a")
    _issue(a, 2)
    assert sync_client.sync(a, http=server.http).failed == 0
    with server.sessions.begin() as s:  # a device enrolled before lanes were given (s0006) holds none
        for device in s.query(Device):
            device.lane = None
    b = desktops("pc_b")
    assert _lane(b) == 2  # lane 1 is used by A's pushed numbers


def _lane(ctx) -> int | None:
    from desktop.core import numbering

    with ctx.reading() as s:
        return numbering.granted_lane(s)
