"""A round in numbers: enrolled, present per half-day, completed, villages covered in its districts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from db.models import District, Enrolment, Person, RoundDistrict, Subdistrict, TrainingRound, Village
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError
from desktop.core.rounds.attendance import HALF_LABELS, latest_marks, round_slots
from desktop.core.rounds.completion import RULE_LABELS, required_halves


@dataclass(frozen=True, slots=True)
class SlotCount:
    day_no: int
    half: str
    day_date: date
    present: int
    absent: int  # marked absent; the rest of the enrolled have no mark yet

    @property
    def label(self) -> str:
        return f"วันที่ {self.day_no} {HALF_LABELS[self.half]}"


@dataclass(frozen=True, slots=True)
class DistrictCoverage:
    code: str
    name: str
    villages: int
    covered: int  # villages with at least one trained ครู ข (from any round)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.villages if self.villages else 0.0


@dataclass(frozen=True)
class RoundSummary:
    round_id: uuid.UUID
    number: int
    fiscal_year: int
    status: str
    capacity: int
    enrolled: int
    walk_ins: int
    slots: tuple[SlotCount, ...]
    completed: int | None  # None: attendance not recorded yet
    rule: str
    rule_label: str
    required: int  # half-days needed to complete
    villages_in_round: int  # distinct villages of the people enrolled in this round
    districts: tuple[DistrictCoverage, ...]

    @property
    def villages(self) -> int:
        return sum(d.villages for d in self.districts)

    @property
    def covered(self) -> int:
        return sum(d.covered for d in self.districts)


def trained_condition() -> ColumnElement[bool]:
    """An enrolment that counts as a trained ครู ข: completed under its round's rule.

    The same rule as the dashboard and the workbook (desktop/core/exports/figures.py): a held round whose
    attendance is not recorded yet trains nobody until it is, so the figures never claim what is not on record.
    """
    return and_(
        Enrolment.status == "enrolled",
        Enrolment.deleted.is_(False),
        TrainingRound.deleted.is_(False),
        Enrolment.completed.is_(True),
    )


def covered_village_ids(session: Session, district_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Villages of these districts with at least one trained ครู ข."""
    return set(
        session.scalars(
            select(Person.village_id)
            .distinct()
            .join(Enrolment, Enrolment.person_id == Person.id)
            .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
            .join(Village, Person.village_id == Village.id)
            .join(Subdistrict, Village.subdistrict_id == Subdistrict.id)
            .where(Subdistrict.district_id.in_(district_ids), Person.deleted.is_(False), trained_condition())
        )
    )


def round_summary(ctx: AppContext, *, round_id: uuid.UUID) -> RoundSummary:
    with ctx.reading() as session:
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
        live = (Enrolment.round_id == round_id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
        enrolments = session.execute(
            select(Enrolment.id, Enrolment.walk_in, Enrolment.completed, Person.village_id)
            .join(Person, Enrolment.person_id == Person.id)
            .where(*live)
        ).all()
        ids = {e[0] for e in enrolments}
        slots = round_slots(session, round_id)
        latest = latest_marks(session, round_id)
        counts = []
        for s in slots:
            marks = [latest.get((eid, s.day_no, s.half)) for eid in ids]
            present = sum(1 for m in marks if m is not None and m[0])
            absent = sum(1 for m in marks if m is not None and not m[0])
            counts.append(SlotCount(s.day_no, s.half, s.day_date, present, absent))
        decided = [e[2] for e in enrolments if e[2] is not None]
        completed = sum(1 for c in decided if c) if decided else None
        districts = session.execute(
            select(District.id, District.code, District.name_th)
            .join(RoundDistrict, RoundDistrict.district_id == District.id)
            .where(RoundDistrict.round_id == round_id, RoundDistrict.deleted.is_(False))
            .order_by(District.code)
        ).all()
        village_counts: dict[uuid.UUID, int] = {}
        covered_by_district: dict[uuid.UUID, int] = {}
        covered_ids = covered_village_ids(session, [d[0] for d in districts])
        for vid, did in session.execute(
            select(Village.id, Subdistrict.district_id)
            .join(Subdistrict, Village.subdistrict_id == Subdistrict.id)
            .where(Subdistrict.district_id.in_([d[0] for d in districts]), Village.deleted.is_(False))
        ):
            village_counts[did] = village_counts.get(did, 0) + 1
            if vid in covered_ids:
                covered_by_district[did] = covered_by_district.get(did, 0) + 1
        return RoundSummary(
            round_id=round_id,
            number=rnd.number,
            fiscal_year=rnd.fiscal_year,
            status=rnd.status,
            capacity=rnd.capacity,
            enrolled=len(enrolments),
            walk_ins=sum(1 for e in enrolments if e[1]),
            slots=tuple(counts),
            completed=completed,
            rule=rnd.completion_rule,
            rule_label=RULE_LABELS.get(rnd.completion_rule, rnd.completion_rule),
            required=required_halves(rnd.completion_rule, len(slots)),
            villages_in_round=len({e[3] for e in enrolments if e[3] is not None}),
            districts=tuple(
                DistrictCoverage(code, name, village_counts.get(did, 0), covered_by_district.get(did, 0))
                for did, code, name in districts
            ),
        )
