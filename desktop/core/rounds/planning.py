"""Enrolment planning: candidates for a round by district and subdistrict, uncovered villages first; walk-ins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from db.base import utcnow
from db.models import (
    AttendanceMark,
    District,
    Enrolment,
    Person,
    RoundDay,
    RoundDistrict,
    Subdistrict,
    TrainingRound,
    Village,
)
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError
from desktop.core.fastquery import fetch_all_rows
from desktop.core.people import people
from desktop.core.people.people import PersonInput, PersonRow, to_person_row
from desktop.core.rounds.attendance import RECORDING_STATUSES
from desktop.core.rounds.completion import apply_completion
from desktop.core.rounds.enrolment import enrol_in_session
from desktop.core.rounds.marks import HALF_LABELS
from desktop.core.rounds.summary import covered_village_ids


@dataclass(frozen=True, slots=True)
class Candidate:
    person: PersonRow
    village_covered: bool  # the person's village already has a trained ครู ข


@dataclass(frozen=True, slots=True)
class AreaCoverage:
    """One subdistrict of the round's districts: villages, those with a trained ครู ข, candidates left."""

    district_code: str
    district: str
    code: str
    name: str
    villages: int
    covered: int
    candidates: int

    @property
    def uncovered(self) -> int:
        return self.villages - self.covered


@dataclass(frozen=True)
class PlanningView:
    round_id: uuid.UUID
    number: int
    fiscal_year: int
    capacity: int
    enrolled: int
    candidates: tuple[Candidate, ...]  # villages without a trained ครู ข first
    areas: tuple[AreaCoverage, ...]

    @property
    def free(self) -> int:
        return max(self.capacity - self.enrolled, 0)


def plan_candidates(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    district_code: str | None = None,
    subdistrict_code: str | None = None,
) -> PlanningView:
    """People of the round's districts not enrolled in any round yet, with coverage per subdistrict.

    A round that serves no district plans from the whole province.
    """
    code = ctx.require_office_code()
    # Codes come from the database and the digits the UI passes, so literal binds are safe here.
    if subdistrict_code and not subdistrict_code.isdigit():
        raise ValidationError({"subdistrict": f"รหัสตำบล {subdistrict_code} ไม่ถูกต้อง"})
    if district_code and not district_code.isdigit():
        raise ValidationError({"district": f"รหัสอำเภอ {district_code} ไม่ถูกต้อง"})
    with ctx.reading() as session:
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
        districts = session.execute(
            select(District.id, District.code)
            .join(RoundDistrict, RoundDistrict.district_id == District.id)
            .where(RoundDistrict.round_id == round_id, RoundDistrict.deleted.is_(False))
        ).all()
        if not districts:
            districts = session.execute(
                select(District.id, District.code).where(
                    District.office_code == code, District.deleted.is_(False)
                )
            ).all()
        district_ids = [d[0] for d in districts]
        covered = {str(v).replace("-", "") for v in covered_village_ids(session, district_ids)}
        taken = {
            str(p).replace("-", "")
            for p in session.scalars(
                select(Enrolment.person_id)
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                    TrainingRound.deleted.is_(False),
                )
            )
        }
        enrolled = sum(
            1
            for _ in session.scalars(
                select(Enrolment.id).where(
                    Enrolment.round_id == round_id,
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                )
            )
        )
        areas_raw = session.execute(
            select(District.code, District.name_th, Subdistrict.code, Subdistrict.name_th, Village.id)
            .join(Subdistrict, Subdistrict.district_id == District.id)
            .join(Village, Village.subdistrict_id == Subdistrict.id)
            .where(District.id.in_(district_ids), Village.deleted.is_(False))
        ).all()
    codes = sorted(d[1] for d in districts)
    query = (
        people.person_row_query(raw_ids=True)
        .where(Person.office_code == code, Person.deleted.is_(False), District.code.in_(codes))
        .where(*([Village.code.like(f"{subdistrict_code}%")] if subdistrict_code else []))
        .where(*([District.code == district_code] if district_code else []))
    )
    candidates: list[Candidate] = []
    per_sub: dict[str, int] = {}
    for r in fetch_all_rows(ctx.engine, query):
        row = to_person_row(r)
        if row.id_text.replace("-", "") in taken:
            continue
        village = (row.village_id_text or "").replace("-", "")
        candidates.append(Candidate(row, village in covered))
        per_sub[row.village_code[:6]] = per_sub.get(row.village_code[:6], 0) + 1
    candidates.sort(key=lambda c: (c.village_covered, c.person.village_code, c.person.first_name))
    totals: dict[str, list] = {}
    for dcode, dname, scode, sname, vid in areas_raw:
        t = totals.setdefault(scode, [dcode, dname, sname, 0, 0])
        t[3] += 1
        t[4] += str(vid).replace("-", "") in covered
    areas = tuple(
        AreaCoverage(t[0], t[1], scode, t[2], t[3], t[4], per_sub.get(scode, 0))
        for scode, t in sorted(
            totals.items(), key=lambda kv: (kv[1][4] - kv[1][3], -per_sub.get(kv[0], 0), kv[0])
        )
    )
    return PlanningView(
        round_id, rnd.number, rnd.fiscal_year, rnd.capacity, enrolled, tuple(candidates), areas
    )


@dataclass(frozen=True)
class WalkInResult:
    person: PersonRow
    enrolment_id: uuid.UUID
    marked_present: bool


def add_walk_in(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    person: PersonInput,
    present_day: int | None = None,
    present_half: str | None = None,
) -> WalkInResult:
    """A person who came without being invited: create them and enrol them (walk_in) in one transaction.

    With ``present_day``/``present_half`` they are also marked present for that half-day. Any failure
    (invalid field, duplicate ID, full round, no such half-day) leaves nothing written.
    """
    code = ctx.require_office_code()
    clean = people.validate(person)
    with ctx.transaction() as session:
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
        if rnd.status not in RECORDING_STATUSES:
            raise RuleViolation(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ไม่ได้จัดอบรมอยู่ จึงเพิ่มผู้เข้าร่วมหน้างานไม่ได้")
        person_id = people.insert_person(session, ctx, office_code=code, clean=clean)
        enrol_in_session(session, ctx, round_id=round_id, person_ids=[person_id], walk_in=True)
        enrolment_id = session.scalar(
            select(Enrolment.id).where(Enrolment.round_id == round_id, Enrolment.person_id == person_id)
        )
        assert enrolment_id is not None
        marked = False
        if present_day is not None and present_half is not None:
            day = session.scalar(
                select(RoundDay).where(
                    RoundDay.round_id == round_id,
                    RoundDay.day_no == present_day,
                    RoundDay.deleted.is_(False),
                )
            )
            on = day is not None and (day.has_am if present_half == "am" else day.has_pm)
            if not on:
                half = HALF_LABELS.get(present_half, present_half)
                raise ValidationError({"half": f"รุ่นนี้ไม่มีการอบรมวันที่ {present_day} ช่วง{half}"})
            session.add(
                AttendanceMark(
                    office_code=rnd.office_code,
                    round_id=round_id,
                    enrolment_id=enrolment_id,
                    day_no=present_day,
                    half=present_half,
                    present=True,
                    source="manual",
                    recorded_by=ctx.user_name,
                    device_id=ctx.device_id,
                    recorded_at=utcnow(),
                )
            )
            session.flush()
            apply_completion(session, rnd, enrolment_ids=[enrolment_id])
            marked = True
    return WalkInResult(people.get_person(ctx, person_id), enrolment_id, marked)
