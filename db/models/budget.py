"""Money: allocations, versioned Ministry of Finance rates, expense lines and the payment ledger (satang)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin

SPENDING_STATUSES = ("draft", "approved", "exported")


class BudgetAllocation(SyncMixin, Base):
    """A transfer of budget from the central office to the province for a fiscal year."""

    __tablename__ = "budget_allocation"

    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    amount_satang: Mapped[int] = mapped_column(BigInteger)
    ref_no: Mapped[str] = mapped_column(String(100), default="")  # เลขที่หนังสือ
    ref_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Rate(SyncMixin, Base):
    """A ceiling from a Ministry of Finance circular, in force from a date; values are data, not code."""

    __tablename__ = "rate"

    item: Mapped[str] = mapped_column(String(50), index=True)  # e.g. lecturer_fee_state, snack, lunch
    training_type: Mapped[str] = mapped_column(String(16), default="outsider")
    venue_type: Mapped[str] = mapped_column(String(16), default="any")
    unit: Mapped[str] = mapped_column(String(50), default="")  # ต่อชั่วโมง, ต่อคนต่อมื้อ ...
    ceiling_satang: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[date] = mapped_column(Date)
    circular_ref: Mapped[str] = mapped_column(String(200), default="")
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class ExpenseLine(SyncMixin, Base):
    """A planned or actual cost of a round in one category."""

    __tablename__ = "expense_line"
    __table_args__ = (
        CheckConstraint("status IN ('draft','approved','exported')", name="status"),
        CheckConstraint("kind IN ('plan','actual')", name="kind"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="plan")
    category: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=1)
    unit_price_satang: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_satang: Mapped[int] = mapped_column(BigInteger)
    rate_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("rate.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(100), default="")


class PaymentLine(SyncMixin, Base):
    """An append-only ledger line; a mistake is corrected by a reversal line, never by editing."""

    __tablename__ = "payment_line"
    __table_args__ = (CheckConstraint("payee_kind IN ('person','lecturer','other')", name="payee_kind"),)

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    expense_line_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("expense_line.id"))
    category: Mapped[str] = mapped_column(String(50))
    payee_kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("person.id"))
    lecturer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("lecturer.id"))
    payee_name: Mapped[str] = mapped_column(String(300))
    rate_satang: Mapped[int] = mapped_column(BigInteger, default=0)
    units: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=1)  # days or hours
    amount_satang: Mapped[int] = mapped_column(BigInteger)  # negative for a reversal
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("payment_line.id"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # A payment above a ceiling or beyond the allocation is allowed only with a reason and an approver.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    override_by: Mapped[str] = mapped_column(String(100), default="")


class RoundSpending(SyncMixin, Base):
    """The state of a round's spending: draft → approved (locked) → exported; unlocking needs a reason."""

    __tablename__ = "round_spending"
    __table_args__ = (
        UniqueConstraint("round_id"),
        CheckConstraint("status IN ('draft','approved','exported')", name="status"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    approved_on: Mapped[date | None] = mapped_column(Date)
    payer_name: Mapped[str] = mapped_column(String(200), default="")  # ผู้จ่ายเงิน printed on the pay list
    # With staff accounts: which accounts the payer and the approver were (no foreign key: the printed names
    # and positions are the record), and the positions printed under their signatures.
    payer_account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    payer_position: Mapped[str] = mapped_column(String(200), default="", server_default="")
    approver_account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    approver_position: Mapped[str] = mapped_column(String(200), default="", server_default="")
