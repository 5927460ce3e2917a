"""The attendance marks that count: a round's half-day slots and the newest mark of each person's half-day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AttendanceMark, RoundDay

HALVES = ("am", "pm")
HALF_LABELS = {"am": "เช้า", "pm": "บ่าย"}


@dataclass(frozen=True, slots=True)
class Slot:
    """One half-day of a round that exists in its schedule."""

    day_no: int
    half: str
    day_date: date

    @property
    def key(self) -> tuple[int, str]:
        return (self.day_no, self.half)

    @property
    def label(self) -> str:
        return f"วันที่ {self.day_no} {HALF_LABELS[self.half]}"


def round_slots(session: Session, round_id: uuid.UUID) -> list[Slot]:
    days = session.scalars(
        select(RoundDay)
        .where(RoundDay.round_id == round_id, RoundDay.deleted.is_(False))
        .order_by(RoundDay.day_no)
    )
    return [
        Slot(d.day_no, half, d.day_date)
        for d in days
        for half, on in (("am", d.has_am), ("pm", d.has_pm))
        if on
    ]


# The order in which marks happened: once the server has a mark, its sequence number says (PCs' clocks differ);
# a mark this PC has not synced yet is newer than any it has, and among those this PC's clock decides.
IN_ORDER = (
    AttendanceMark.server_seq.is_(None),
    AttendanceMark.server_seq,
    AttendanceMark.recorded_at,
    AttendanceMark.id,
)


def latest_marks(
    session: Session, round_id: uuid.UUID
) -> dict[tuple[uuid.UUID, int, str], tuple[bool, datetime]]:
    """The mark that counts for each enrolment and half-day: the newest event (see IN_ORDER)."""
    latest: dict[tuple[uuid.UUID, int, str], tuple[bool, datetime]] = {}
    rows = session.execute(
        select(
            AttendanceMark.enrolment_id,
            AttendanceMark.day_no,
            AttendanceMark.half,
            AttendanceMark.present,
            AttendanceMark.recorded_at,
        )
        .where(AttendanceMark.round_id == round_id, AttendanceMark.deleted.is_(False))
        .order_by(*IN_ORDER)
    )
    for eid, day_no, half, present, at in rows:
        latest[(eid, day_no, half)] = (present, at)
    return latest
