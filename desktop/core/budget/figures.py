"""The money of a fiscal year, summed in this one place: planned and disbursed, per round and category.

Definitions (docs/money.md): planned = the round's plan lines; disbursed (เบิกจ่ายแล้ว) = every baht paid
out, to vendors and contractors (actual expense lines) and to people (the payment ledger, net of reversals);
remaining = allocated − disbursed. The budget report, the province figures (dashboard, summary PDFs,
workbook) and the budget CSV all read their money from here; db/exchange/national.py restates the same sums
over synced rows for the server (tests/server/test_national.py proves they agree).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ExpenseLine, PaymentLine, TrainingRound

# The Thai words for each figure, the same on every screen, paper and file.
MONEY_LABELS = {
    "allocated": "งบประมาณที่ได้รับจัดสรร",
    "planned": "ค่าใช้จ่ายตามแผน",
    "approved": "อนุมัติแล้ว",
    "vendor": "จ่ายตามรายการค่าใช้จ่าย",
    "people": "จ่ายให้บุคคล",
    "disbursed": "เบิกจ่ายแล้ว",
    "remaining": "คงเหลือ",
}


@dataclass(frozen=True, slots=True)
class MoneySums:
    planned: int = 0
    vendor: int = 0  # actual expense lines: paid to vendors and contractors (lunch, venue, materials …)
    people: int = 0  # the payment ledger, net of reversals: paid to lecturers and participants

    @property
    def disbursed(self) -> int:
        return self.vendor + self.people

    def __add__(self, other: MoneySums) -> MoneySums:
        return MoneySums(self.planned + other.planned, self.vendor + other.vendor, self.people + other.people)


NOTHING = MoneySums()


def money_by_round_category(
    session: Session, *, office_code: str, fiscal_year: int
) -> dict[tuple[uuid.UUID, str], MoneySums]:
    """(round id, category) → its sums, for the live rounds of the office's fiscal year (two GROUP BY scans)."""
    in_year = (
        select(TrainingRound.id)
        .where(
            TrainingRound.office_code == office_code,
            TrainingRound.fiscal_year == fiscal_year,
            TrainingRound.deleted.is_(False),
        )
        .scalar_subquery()
    )
    planned: dict[tuple[uuid.UUID, str], int] = {}
    vendor: dict[tuple[uuid.UUID, str], int] = {}
    people: dict[tuple[uuid.UUID, str], int] = {}
    for round_id, category, kind, amount in session.execute(
        select(
            ExpenseLine.round_id, ExpenseLine.category, ExpenseLine.kind, func.sum(ExpenseLine.amount_satang)
        )
        .where(ExpenseLine.round_id.in_(in_year), ExpenseLine.deleted.is_(False))
        .group_by(ExpenseLine.round_id, ExpenseLine.category, ExpenseLine.kind)
    ):
        into = planned if kind == "plan" else vendor
        into[(round_id, category)] = into.get((round_id, category), 0) + int(amount or 0)
    for round_id, category, amount in session.execute(
        select(PaymentLine.round_id, PaymentLine.category, func.sum(PaymentLine.amount_satang))
        .where(PaymentLine.round_id.in_(in_year), PaymentLine.deleted.is_(False))
        .group_by(PaymentLine.round_id, PaymentLine.category)
    ):
        people[(round_id, category)] = int(amount or 0)
    return {
        key: MoneySums(planned.get(key, 0), vendor.get(key, 0), people.get(key, 0))
        for key in planned.keys() | vendor.keys() | people.keys()
    }


def money_by_round(sums: dict[tuple[uuid.UUID, str], MoneySums]) -> dict[uuid.UUID, MoneySums]:
    out: dict[uuid.UUID, MoneySums] = {}
    for (round_id, _category), s in sums.items():
        out[round_id] = out.get(round_id, NOTHING) + s
    return out


def disbursed_in_year(session: Session, *, office_code: str, fiscal_year: int) -> int:
    """Everything disbursed in the fiscal year (what the allocation check subtracts from the allocations)."""
    sums = money_by_round_category(session, office_code=office_code, fiscal_year=fiscal_year)
    return sum(m.disbursed for m in sums.values())
