"""The demo's budget: plans for every round, payments only to people present, approvals and one reversal."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Enrolment, PaymentLine, RoundSpending, TrainingRound
from desktop.core.budget import ledger, report
from desktop.core.context import AppContext


def test_demo_budget_is_consistent(demo_ctx: AppContext) -> None:
    ctx = demo_ctx
    with ctx.reading() as session:
        statuses = dict(
            session.execute(select(RoundSpending.status, func.count()).group_by(RoundSpending.status)).all()
        )
        reversals = session.scalar(select(func.count()).where(PaymentLine.reverses_id.is_not(None)))
        held = (
            session.execute(select(TrainingRound.id).where(TrainingRound.status.in_(("held", "closed"))))
            .scalars()
            .all()
        )
        paid_people = {
            (r, p)
            for r, p in session.execute(
                select(PaymentLine.round_id, PaymentLine.person_id).where(PaymentLine.person_id.is_not(None))
            )
        }
        present = set()
        for rid in held:
            for pres in ledger.present_half_days(session, rid).values():
                present.add((rid, pres.person_id))
        enrolled = session.scalar(select(func.count()).select_from(Enrolment))
    assert statuses.get("approved", 0) >= 1 and statuses.get("exported", 0) >= 1
    assert reversals == 1
    assert paid_people and paid_people <= present  # allowances only to people recorded present
    assert len(present) < enrolled  # some were absent
    for fy in (2569, 2570):
        rep = report.budget_report(ctx, fiscal_year=fy)
        assert rep.allocated > 0 and rep.totals.planned > 0 and rep.totals.spent > 0
        assert rep.totals.spent <= rep.allocated
    assert report.budget_report(ctx, fiscal_year=2569).totals.approved > 0


def test_demo_pays_actual_transport_and_has_addresses_on_its_vouchers(demo_ctx: AppContext) -> None:
    from db.models import Lecturer, Person
    from desktop.core.budget import documents

    ctx = demo_ctx
    with ctx.reading() as session:
        fares = list(
            session.scalars(
                select(PaymentLine.amount_satang).where(
                    PaymentLine.category == "transport", PaymentLine.reverses_id.is_(None)
                )
            )
        )
        without_house = session.scalar(select(func.count()).where(Person.house_no == ""))
        without_address = session.scalar(select(func.count()).where(Lecturer.address == ""))
        rid = session.scalar(select(PaymentLine.round_id).where(PaymentLine.category == "lecturer").limit(1))
    assert len(fares) > 50 and len(set(fares)) > 5  # what each spent, not one flat amount
    assert without_house == 0 and without_address == 0
    vouchers = documents.vouchers(ctx, rid)
    assert all(v.address and v.number for v in vouchers)
    assert len({v.number for v in vouchers}) == len(vouchers)
    assert any(v.address.startswith("บ้านเลขที่ ") for v in vouchers)
