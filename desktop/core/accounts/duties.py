"""Separation of duties by account once staff accounts exist: matched by account and national ID, not typed names.

- whoever recorded a round's spending (its plan, expense lines or payments, as the audit log says) cannot approve it;
- the approver is the signed-in approver, and an override's approver an approver who signed in for it, never the
  one recording the line;
- the payer is an active finance account, never the approver, never a payee of the round (by national ID);
- an approver cannot approve a round that pays them, nor can the payer or the approver be paid by it later.
Without accounts, desktop.core.budget.duties matches typed names as before.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    AuditEntry,
    ExpenseLine,
    Lecturer,
    PaymentLine,
    Person,
    RoundSpending,
    StaffAccount,
    TrainingRound,
)
from desktop.core.accounts.permissions import accounts_exist, require
from desktop.core.accounts.roles import APPROVER, FINANCE, parse_roles
from desktop.core.accounts.session import SignedIn
from desktop.core.accounts.store import former_names
from desktop.core.budget.rules import Override, category_label
from desktop.core.context import AppContext
from desktop.core.errors import NotAllowedError, RuleViolation

_SPENDING_ACTIONS = (
    "plan",
    "pay",
)  # training_round entries that record spending (budget.plan, budget.ledger)


def _label(rnd: TrainingRound) -> str:
    return f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"


def _name(a: StaffAccount) -> str:
    return f"{a.full_name} ({a.user_name})"


def recorders(session: Session, round_id: uuid.UUID) -> set[tuple[str, str]]:
    """(user name, full name) of whoever recorded any of the round's spending (plan, expense lines, payments)."""
    lines = select(ExpenseLine.id).where(ExpenseLine.round_id == round_id)
    payments = select(PaymentLine.id).where(PaymentLine.round_id == round_id)
    return {
        (user, full)
        for user, full in session.execute(
            select(AuditEntry.user_name, AuditEntry.full_name)
            .where(
                or_(
                    (AuditEntry.entity == "expense_line") & AuditEntry.entity_id.in_(lines),
                    (AuditEntry.entity == "payment_line") & AuditEntry.entity_id.in_(payments),
                    (AuditEntry.entity == "training_round")
                    & (AuditEntry.entity_id == round_id)
                    & AuditEntry.action.in_(_SPENDING_ACTIONS),
                )
            )
            .distinct()
        )
    }


def recorded_by(session: Session, round_id: uuid.UUID, who: SignedIn) -> bool:
    """Whether the account recorded the round's spending, under any user name it has had (a rename after two
    PCs chose the same name offline): the full name tells it from another account that had the name."""
    names = former_names(session, who.account_id)
    return any(
        user in names and (not full or full == who.full_name) for user, full in recorders(session, round_id)
    )


def payee_ids(session: Session, round_id: uuid.UUID) -> dict[str, str]:
    """National ID → category of everyone the round has paid (net of nothing: a reversed payee was still paid)."""
    found: dict[str, str] = {}
    for model, column in ((Person, PaymentLine.person_id), (Lecturer, PaymentLine.lecturer_id)):
        for nid, category in session.execute(
            select(model.national_id, PaymentLine.category)
            .join(model, model.id == column)
            .where(
                PaymentLine.round_id == round_id,
                PaymentLine.deleted.is_(False),
                PaymentLine.amount_satang > 0,
            )
        ):
            if nid:
                found.setdefault(nid, category)
    return found


def _find(session: Session, name: str) -> StaffAccount | None:
    """An account by user name or full name (spaces ignored)."""
    wanted = name.strip()
    compact = "".join(wanted.split())
    return session.scalar(
        select(StaffAccount)
        .where(
            StaffAccount.deleted.is_(False),
            or_(
                func.lower(StaffAccount.user_name) == wanted.lower(),
                func.replace(StaffAccount.full_name, " ", "") == compact,
            ),
        )
        .order_by(StaffAccount.active.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Signer:
    """Someone who signs the round's payment papers: the account, and the name and position printed."""

    account_id: uuid.UUID
    full_name: str
    position: str
    label: str


@dataclass(frozen=True)
class Approval:
    approver: Signer
    payer: Signer | None  # None: no payer chosen yet (the papers then leave the line blank)


def _signer(a: StaffAccount) -> Signer:
    return Signer(a.id, a.full_name, a.position, _name(a))


def payer_choices(ctx: AppContext) -> list[Signer]:
    """The office's active finance accounts, who may be a round's payer (all but the approver signed in)."""
    with ctx.reading() as session:
        rows = session.scalars(
            select(StaffAccount)
            .where(StaffAccount.deleted.is_(False), StaffAccount.active.is_(True))
            .order_by(StaffAccount.full_name)
        )
        me = ctx.account.account_id if ctx.account is not None else None
        return [_signer(a) for a in rows if FINANCE in parse_roles(a.roles) and a.id != me]


def approval(
    ctx: AppContext, round_id: uuid.UUID, *, payer: str = "", payer_account_id: uuid.UUID | None = None
) -> Approval | None:
    """The approver (the one signed in) and the payer (a finance account, picked by id, or by user name or full
    name from the command line) of the round's spending, or a Thai refusal; None without accounts."""
    with ctx.reading() as session:
        if not accounts_exist(session):
            return None
        who = require(ctx, "spending.approve", session=session)
        assert who is not None
        rnd = session.get(TrainingRound, round_id)
        if rnd is None:
            return None  # the approval itself says the round is missing
        me = session.get(StaffAccount, who.account_id)
        assert me is not None  # require() read it
        label = _label(rnd)
        if recorded_by(session, round_id, who):
            raise RuleViolation(
                f"{who.label} เป็นผู้บันทึกค่าใช้จ่ายของ{label} จึงอนุมัติการใช้จ่ายของรุ่นนี้ไม่ได้ (ผู้บันทึกและผู้อนุมัติต้องเป็นคนละคน)"
            )
        paid = payee_ids(session, round_id)
        if who.national_id and who.national_id in paid:
            raise RuleViolation(
                f"{who.label} เป็นผู้รับเงิน{category_label(paid[who.national_id])}ใน{label} "
                "จึงอนุมัติการจ่ายเงินของรุ่นนี้ไม่ได้ กรุณาให้ผู้อนุมัติคนอื่นอนุมัติ"
            )
        if payer_account_id is not None:
            account = session.get(StaffAccount, payer_account_id)
            account = None if account is None or account.deleted else account
            shown = _name(account) if account is not None else "บัญชีที่เลือก"
        elif payer.strip():
            account = _find(session, payer)
            shown = _name(account) if account is not None else payer.strip()
        else:
            return Approval(_signer(me), None)
        if account is None or not account.active or FINANCE not in parse_roles(account.roles):
            raise RuleViolation(
                f"ผู้จ่ายเงินต้องเป็นผู้ใช้ที่มีบทบาทการเงินและยังใช้งานอยู่ ({shown} ไม่ใช่) จึงเป็นผู้จ่ายเงินของ{label}ไม่ได้"
            )
        if account.id == who.account_id or (account.national_id and account.national_id == who.national_id):
            raise RuleViolation(f"ผู้จ่ายเงินและผู้อนุมัติต้องเป็นคนละคน ({_name(account)} เป็นทั้งสองหน้าที่)")
        if account.national_id in paid:
            raise RuleViolation(
                f"{_name(account)} เป็นผู้รับเงิน{category_label(paid[account.national_id])}ใน{label} "
                "จึงเป็นผู้จ่ายเงินของหลักฐานการจ่ายเงินชุดนี้ไม่ได้ กรุณาเลือกผู้จ่ายเงินคนอื่น"
            )
        return Approval(_signer(me), _signer(account))


def check_payee_account(
    session: Session,
    rnd: TrainingRound,
    *,
    person_id: uuid.UUID | None,
    lecturer_id: uuid.UUID | None,
    category: str,
) -> None:
    """Refuse to pay the round's payer or approver (their accounts' national IDs) from the round's own money."""
    if not accounts_exist(session):
        return
    nid = ""
    if person_id is not None and (p := session.get(Person, person_id)) is not None:
        nid = p.national_id
    elif lecturer_id is not None and (lec := session.get(Lecturer, lecturer_id)) is not None:
        nid = lec.national_id or ""
    if not nid:
        return
    state = session.scalar(select(RoundSpending).where(RoundSpending.round_id == rnd.id))
    if state is None:
        return
    for role, account_id, name in (
        ("ผู้จ่ายเงิน", state.payer_account_id, state.payer_name),
        ("ผู้อนุมัติ", state.approver_account_id, state.approved_by),
    ):
        # The account chosen at approval; a round approved before the ids were kept is matched by its name.
        account = (
            session.get(StaffAccount, account_id) if account_id else _find(session, name) if name else None
        )
        if account is not None and account.national_id and account.national_id == nid:
            raise RuleViolation(
                f"{_name(account)} เป็น{role}ของ{_label(rnd)} จึงรับเงิน{category_label(category)}จากรุ่นนี้ไม่ได้ "
                "(ผู้จ่ายเงิน ผู้รับเงิน และผู้อนุมัติต้องเป็นคนละคน)"
            )


def approved_override(reason: str, approver: SignedIn) -> Override:
    """The override an approver signed in for: its approver is that account, never typed text."""
    return Override(reason, approver.full_name, approver)


def check_override_approver(ctx: AppContext, override: Override) -> None:
    """With accounts: the override's approver signed in, holds the approver role, and is not the one recording."""
    with ctx.reading() as session:
        if not accounts_exist(session):
            return
        approver = override.account
        if approver is None:
            raise NotAllowedError("การเบิกเกินเพดานหรือเกินงบประมาณต้องให้ผู้อนุมัติเข้าสู่ระบบเพื่ออนุมัติ ไม่ใช่พิมพ์ชื่อ")
        row = session.get(StaffAccount, approver.account_id)
        if row is None or row.deleted or not row.active or APPROVER not in parse_roles(row.roles):
            raise NotAllowedError(f"{approver.label} ไม่ใช่ผู้อนุมัติที่ยังใช้งานอยู่ จึงอนุมัติการเบิกเกินเพดานไม่ได้")
        if ctx.account is not None and ctx.account.account_id == approver.account_id:
            raise RuleViolation(
                f"{approver.label} เป็นผู้บันทึกรายการนี้เอง จึงอนุมัติการเบิกเกินเพดานของตนเองไม่ได้ "
                "(ผู้บันทึกและผู้อนุมัติต้องเป็นคนละคน)"
            )
        if override.approver.strip() != approver.full_name:
            raise RuleViolation("ชื่อผู้อนุมัติการเบิกเกินเพดานต้องเป็นชื่อของบัญชีผู้อนุมัติที่เข้าสู่ระบบ")
