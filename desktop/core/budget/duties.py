"""Separation of duties on the payment papers: the payer is never a payee of the round, nor its approver.

An auditor's internal-control checklist asks for it (the regulations found so far do not spell it out). Until
staff accounts exist the payer and the approver are names typed at approval, so people are matched by name:
titles and spacing are ignored, and a name that ends with the other's whole name (first name and surname) is the
same person, so "นางสาวกนกวรรณ พรหมวงศ์" and "กนกวรรณ พรหมวงศ์" match. A false match only asks for another payer.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PaymentLine, RoundSpending, TrainingRound
from desktop.core.accounts.duties import check_payee_account
from desktop.core.budget.rules import category_label
from desktop.core.errors import RuleViolation

_NOT_NAME = re.compile(r"[\s.]+")


def _compact(name: str) -> str:
    return _NOT_NAME.sub("", name)


def same_person(a: str, b: str) -> bool:
    """Whether two typed names are one person's (see the module's note)."""
    if len(a.split()) < 2 or len(b.split()) < 2:  # without a surname, nothing can be said
        return False
    x, y = _compact(a), _compact(b)
    return x.endswith(y) or y.endswith(x)


def check_duties(session: Session, rnd: TrainingRound, *, approver: str, payer: str) -> None:
    """Refuse, naming the person, a payer who is the approver or a payee of the round, or an approver paid by it."""
    label = f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"
    if payer and same_person(payer, approver):
        raise RuleViolation(f"ผู้จ่ายเงินและผู้อนุมัติต้องเป็นคนละคน ({payer.strip()} เป็นทั้งสองหน้าที่)")
    payees = session.execute(
        select(PaymentLine.payee_name, PaymentLine.category)
        .where(PaymentLine.round_id == rnd.id, PaymentLine.deleted.is_(False), PaymentLine.amount_satang > 0)
        .distinct()
    ).all()
    for name, category in payees:
        if payer and same_person(payer, name):
            raise RuleViolation(
                f"{payer.strip()} เป็นผู้รับเงิน{category_label(category)}ใน{label} "
                "จึงเป็นผู้จ่ายเงินของหลักฐานการจ่ายเงินชุดนี้ไม่ได้ กรุณาเลือกผู้จ่ายเงินคนอื่น"
            )
        if same_person(approver, name):
            raise RuleViolation(
                f"{approver.strip()} เป็นผู้รับเงิน{category_label(category)}ใน{label} "
                "จึงอนุมัติการจ่ายเงินของรุ่นนี้ไม่ได้ กรุณาให้ผู้มีอำนาจคนอื่นอนุมัติ"
            )


def check_payee(
    session: Session,
    rnd: TrainingRound,
    *,
    payee: str,
    category: str,
    person_id: uuid.UUID | None = None,
    lecturer_id: uuid.UUID | None = None,
) -> None:
    """Refuse to pay the round's payer or approver (chosen at approval) from the round's own money."""
    check_payee_account(session, rnd, person_id=person_id, lecturer_id=lecturer_id, category=category)
    state = session.scalar(select(RoundSpending).where(RoundSpending.round_id == rnd.id))
    if state is None:
        return
    for role, name in (("ผู้จ่ายเงิน", state.payer_name), ("ผู้อนุมัติ", state.approved_by)):
        if name and same_person(name, payee):
            raise RuleViolation(
                f"{payee.strip()} เป็น{role}ของรุ่นที่ {rnd.number}/{rnd.fiscal_year} "
                f"จึงรับเงิน{category_label(category)}จากรุ่นนี้ไม่ได้ (ผู้จ่ายเงิน ผู้รับเงิน และผู้อนุมัติต้องเป็นคนละคน)"
            )
