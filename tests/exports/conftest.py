"""A demo province with results: completion set for held/closed rounds, expense lines and payments with a reversal."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from db.models import Enrolment, ExpenseLine, PaymentLine, TrainingRound
from desktop.core.context import AppContext

CATEGORIES = (("lunch", 1_500_050), ("snack", 700_025), ("lecturer_fee", 360_000))


def add_results(ctx: AppContext) -> None:
    """Every 7th person in a held/closed round fails, the rest pass; each such round has plans and payments."""
    with ctx.transaction() as s:
        held = s.execute(
            select(TrainingRound.id, TrainingRound.end_date).where(
                TrainingRound.status.in_(("held", "closed"))
            )
        ).all()
        ids = [rid for rid, _ in held]
        s.execute(update(Enrolment).where(Enrolment.round_id.in_(ids)).values(completed=True))
        failed = s.scalars(
            select(Enrolment.id).where(Enrolment.round_id.in_(ids)).order_by(Enrolment.id)
        ).all()[::7]
        s.execute(update(Enrolment).where(Enrolment.id.in_(failed)).values(completed=False))
        for n, (rid, end) in enumerate(held):
            for cat, amount in CATEGORIES:
                s.add(
                    ExpenseLine(
                        office_code="40", round_id=rid, kind="plan", category=cat, amount_satang=amount
                    )
                )
                s.add(
                    ExpenseLine(
                        office_code="40", round_id=rid, kind="actual", category=cat, amount_satang=amount - 99
                    )
                )
                s.add(
                    PaymentLine(
                        office_code="40",
                        round_id=rid,
                        category=cat,
                        payee_kind="other",
                        payee_name="ร้านอาหาร",
                        amount_satang=amount - 1_001,
                        paid_on=end,
                    )
                )
            if n == 0:  # a mistake corrected by a reversal line
                s.add(
                    PaymentLine(
                        office_code="40",
                        round_id=rid,
                        category="lunch",
                        payee_kind="other",
                        payee_name="ร้านอาหาร",
                        amount_satang=-12_345,
                        paid_on=end,
                    )
                )


@pytest.fixture
def results_ctx(demo_ctx: AppContext) -> AppContext:
    add_results(demo_ctx)
    return demo_ctx
