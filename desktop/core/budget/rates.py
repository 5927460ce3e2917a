"""Ministry of Finance ceilings as versioned data: seeded from resources, editable by allowed users, in force by date."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import Rate
from db.resources import resource_path
from db.rules.errors import RuleError
from db.rules.money import to_satang
from db.rules.rate_table import TRAINING_TYPES, VENUE_TYPES, read_rate_table
from db.rules.thai_dates import format_be_date
from desktop.core import audit
from desktop.core.accounts.permissions import accounts_exist
from desktop.core.accounts.roles import allowed as role_allows
from desktop.core.context import AppContext, get_setting
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError

# Rates are the central office's reference data; rows seeded or typed here carry this owner code.
CENTRAL_OFFICE = "00"
# Local setting: comma-separated user names allowed to edit rates; empty means every user of this PC.
EDITORS_SETTING = "budget.rate_editors"

ITEM_LABELS = {
    "lecturer_state": "ค่าตอบแทนวิทยากร (บุคลากรของรัฐ)",
    "lecturer_nonstate": "ค่าตอบแทนวิทยากร (ไม่ใช่บุคลากรของรัฐ)",
    "snack": "ค่าอาหารว่างและเครื่องดื่ม",
    "meal_full": "ค่าอาหาร (ครบทุกมื้อ)",
    "meal_partial": "ค่าอาหาร (ไม่ครบทุกมื้อ)",
}


@dataclass(frozen=True, slots=True)
class RateRow:
    id: uuid.UUID
    item: str
    training_type: str
    venue_type: str
    unit: str
    ceiling_satang: int
    effective_from: date
    circular_ref: str
    uncertain: bool
    note: str
    version: int

    @property
    def item_label(self) -> str:
        return ITEM_LABELS.get(self.item, self.item)

    @property
    def source(self) -> str:
        """How the rule is named in a refusal: the circular and the date the rate took effect."""
        when = format_be_date(self.effective_from, style="medium")
        return f"{self.circular_ref or 'อัตราที่กำหนด'} (มีผล {when})"


@dataclass
class RateInput:
    item: str = ""
    training_type: str = "any"
    venue_type: str = "any"
    unit: str = ""
    ceiling_satang: int = 0
    effective_from: date | None = None
    circular_ref: str = ""
    uncertain: bool = False
    note: str = ""
    id: uuid.UUID | None = None  # a seed rate's id, the one the centre publishes it under (rate_table)


def _row(r: Rate) -> RateRow:
    return RateRow(
        r.id,
        r.item,
        r.training_type,
        r.venue_type,
        r.unit,
        r.ceiling_satang,
        r.effective_from,
        r.circular_ref,
        r.uncertain,
        r.note,
        r.version,
    )


def seed_rows() -> list[RateInput]:
    """The seed rates shipped in resources/reference/rates.csv (values from DOMAIN.md; uncertain ones marked)."""
    text = resource_path("reference", "rates.csv").read_text(encoding="utf-8")
    return [
        RateInput(
            item=r.item,
            training_type=r.training_type,
            venue_type=r.venue_type,
            unit=r.unit,
            ceiling_satang=r.ceiling_satang,
            effective_from=r.effective_from,
            circular_ref=r.circular_ref,
            uncertain=r.uncertain,
            note=r.note,
            id=r.id,
        )
        for r in read_rate_table(text)
    ]


def ensure_rates(session: Session) -> int:
    """Load the seed rates into a database that has none; returns how many were added."""
    if session.scalar(select(func.count()).select_from(Rate)):
        return 0
    rows = seed_rows()
    for r in rows:
        session.add(
            Rate(
                id=r.id,
                office_code=CENTRAL_OFFICE,
                item=r.item,
                training_type=r.training_type,
                venue_type=r.venue_type,
                unit=r.unit,
                ceiling_satang=r.ceiling_satang,
                effective_from=r.effective_from,
                circular_ref=r.circular_ref,
                uncertain=r.uncertain,
                note=r.note,
            )
        )
    session.flush()
    return len(rows)


def list_rates(ctx: AppContext) -> list[RateRow]:
    with ctx.transaction() as session:
        ensure_rates(session)
        rows = session.scalars(
            select(Rate)
            .where(Rate.deleted.is_(False))
            .order_by(Rate.item, Rate.training_type, Rate.venue_type, Rate.effective_from.desc())
        )
        return [_row(r) for r in rows]


def rate_in_force(
    session: Session, *, item: str, training_type: str, venue_type: str, on: date
) -> RateRow | None:
    """The rate for an item on a date: the newest version in force, the most specific one on a tie."""
    ensure_rates(session)
    specific = case((Rate.training_type == training_type, 0), else_=1) + case(
        (Rate.venue_type == venue_type, 0), else_=1
    )
    rate = session.scalars(
        select(Rate)
        .where(
            Rate.item == item,
            Rate.deleted.is_(False),
            Rate.training_type.in_((training_type, "any")),
            Rate.venue_type.in_((venue_type, "any")),
            Rate.effective_from <= on,
        )
        # On a tie the centre's published row beats a copy seeded here before rates had their ids.
        .order_by(Rate.effective_from.desc(), specific, Rate.server_seq.desc().nulls_last())
        .limit(1)
    ).first()
    return _row(rate) if rate else None


def can_edit_rates(ctx: AppContext) -> bool:
    with ctx.reading() as session:
        if accounts_exist(session):  # with staff accounts the admin role decides, not the local list
            return ctx.account is not None and role_allows(ctx.account.roles, "rates.edit")
        allowed = [u.strip() for u in get_setting(session, EDITORS_SETTING).split(",") if u.strip()]
    return not allowed or ctx.user_name in allowed


def _validate(data: RateInput) -> None:
    errors: dict[str, str] = {}
    if not data.item.strip():
        errors["item"] = "กรุณาระบุรายการของอัตรา"
    if data.training_type not in TRAINING_TYPES:
        errors["training_type"] = "ประเภทการฝึกอบรมไม่ถูกต้อง"
    if data.venue_type not in VENUE_TYPES:
        errors["venue_type"] = "ประเภทสถานที่ไม่ถูกต้อง"
    if data.ceiling_satang <= 0:
        errors["ceiling_satang"] = "อัตราสูงสุดต้องมากกว่า 0 บาท"
    if data.effective_from is None:
        errors["effective_from"] = "กรุณาระบุวันที่มีผล"
    if errors:
        raise ValidationError(errors)


def save_rate(ctx: AppContext, data: RateInput, *, rate_id: uuid.UUID | None = None) -> RateRow:
    """Add a rate version (rate_id None) or correct one; only users allowed to edit rates; audited."""
    if not can_edit_rates(ctx):
        raise RuleViolation(
            f"ผู้ใช้ {ctx.user_name} ไม่มีสิทธิ์แก้ไขอัตราค่าใช้จ่าย (ผู้มีสิทธิ์กำหนดไว้ในค่าตั้ง {EDITORS_SETTING})"
        )
    _validate(data)
    values = {
        "item": data.item.strip(),
        "training_type": data.training_type,
        "venue_type": data.venue_type,
        "unit": data.unit.strip(),
        "ceiling_satang": int(data.ceiling_satang),
        "effective_from": data.effective_from,
        "circular_ref": data.circular_ref.strip(),
        "uncertain": bool(data.uncertain),
        "note": data.note.strip(),
    }
    with ctx.transaction() as session:
        ensure_rates(session)
        if rate_id is None:
            rate = Rate(office_code=CENTRAL_OFFICE, **values)
            session.add(rate)
            session.flush()
            audit.record(
                session,
                ctx,
                office_code=CENTRAL_OFFICE,
                action="create",
                entity="rate",
                entity_id=rate.id,
                changes={k: [None, audit.jsonable(v)] for k, v in values.items()},
                summary=f"เพิ่มอัตรา {ITEM_LABELS.get(rate.item, rate.item)} มีผล {format_be_date(rate.effective_from)}",
            )
        else:
            rate = session.get(Rate, rate_id)
            if rate is None or rate.deleted:
                raise NotFoundError("ไม่พบอัตรานี้")
            audit.apply_update(
                session,
                ctx,
                rate,
                values,
                entity="rate",
                summary=f"แก้ไขอัตรา {ITEM_LABELS.get(rate.item, rate.item)}",
            )
        session.flush()
        return _row(rate)


def parse_ceiling(text: str) -> int:
    try:
        return to_satang(text, field="ceiling_satang")
    except RuleError as exc:
        raise ValidationError({"ceiling_satang": str(exc)}) from None
