"""Enrolling people in a round: capacity checks, no double enrolment, overrides with a reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Enrolment, Person, TrainingRound
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation
from desktop.core.people.people import PERSON_ROW_WIDTH as W
from desktop.core.people.people import PersonRow, person_row_query, to_person_row


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    id: uuid.UUID
    round_id: uuid.UUID
    person: PersonRow
    status: str
    walk_in: bool
    override_reason: str
    completed: bool | None


def enrol(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    person_ids: list[uuid.UUID],
    override_reason: str = "",
    walk_in: bool = False,
) -> int:
    """Enrol people in a round, all or none; returns how many were enrolled."""
    with ctx.transaction() as session:
        return enrol_in_session(
            session,
            ctx,
            round_id=round_id,
            person_ids=person_ids,
            override_reason=override_reason,
            walk_in=walk_in,
        )


def enrol_in_session(
    session: Session,
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    person_ids: list[uuid.UUID],
    override_reason: str = "",
    walk_in: bool = False,
) -> int:
    """enrol() inside a caller's transaction (a walk-in creates the person and enrols them as one unit)."""
    reason = override_reason.strip()
    rnd = session.get(TrainingRound, round_id)
    if rnd is None or rnd.deleted:
        raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
    if rnd.status == "closed":
        raise RuleViolation(f"รุ่นที่ {rnd.number} ปิดแล้ว เพิ่มผู้เข้าอบรมไม่ได้")
    ids = list(dict.fromkeys(person_ids))
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    missing = [i for i in ids if i not in people or people[i].deleted]
    if missing:
        raise NotFoundError(f"ไม่พบบุคคลที่เลือก {len(missing)} คน (อาจถูกลบไปแล้ว)")
    current = {
        e.person_id: e
        for e in session.scalars(
            select(Enrolment).where(Enrolment.round_id == round_id, Enrolment.person_id.in_(ids))
        )
    }
    already = [
        people[i] for i in ids if i in current and current[i].status == "enrolled" and not current[i].deleted
    ]
    if already:
        names = ", ".join(f"{p.first_name} {p.last_name}" for p in already[:5])
        raise RuleViolation(f"มีผู้ลงทะเบียนในรุ่นนี้อยู่แล้ว {len(already)} คน: {names}")
    elsewhere = session.execute(
        select(Person.first_name, Person.last_name, TrainingRound.number, TrainingRound.fiscal_year)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
        .where(
            Enrolment.person_id.in_(ids),
            Enrolment.round_id != round_id,
            Enrolment.status == "enrolled",
            Enrolment.deleted.is_(False),
            TrainingRound.deleted.is_(False),
        )
    ).all()
    if elsewhere and not reason:
        first = elsewhere[0]
        raise RuleViolation(
            f"{first[0]} {first[1]} ลงทะเบียนในรุ่นที่ {first[2]}/{first[3]} แล้ว "
            f"(รวม {len(elsewhere)} คนที่อยู่ในรุ่นอื่นของโครงการ) หากต้องการให้อบรมซ้ำ กรุณาระบุเหตุผล"
        )
    enrolled_now = (
        session.scalar(
            select(func.count()).where(
                Enrolment.round_id == round_id,
                Enrolment.status == "enrolled",
                Enrolment.deleted.is_(False),
            )
        )
        or 0
    )
    if enrolled_now + len(ids) > rnd.capacity:
        raise RuleViolation(
            f"รุ่นที่ {rnd.number} รับได้ {rnd.capacity} คน ลงทะเบียนแล้ว {enrolled_now} คน "
            f"เพิ่มได้อีก {max(rnd.capacity - enrolled_now, 0)} คน แต่เลือกมา {len(ids)} คน"
        )
    note = reason if elsewhere else ""
    for pid in ids:
        row = current.get(pid)
        if row is None:
            row = Enrolment(
                round_id=round_id,
                person_id=pid,
                office_code=rnd.office_code,
                walk_in=walk_in,
                override_reason=note,
            )
            session.add(row)
            session.flush()
        else:
            row.status, row.deleted, row.walk_in, row.override_reason = "enrolled", False, walk_in, note
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="enrol",
            entity="enrolment",
            entity_id=row.id,
            changes={
                "round_id": [None, str(round_id)],
                "person_id": [None, str(pid)],
                "override_reason": [None, note],
            },
            summary=f"ลงทะเบียน {people[pid].first_name} ในรุ่นที่ {rnd.number}",
        )
    return len(ids)


def unenrol(ctx: AppContext, *, round_id: uuid.UUID, person_id: uuid.UUID) -> None:
    with ctx.transaction() as session:
        row = session.scalar(
            select(Enrolment).where(Enrolment.round_id == round_id, Enrolment.person_id == person_id)
        )
        if row is None or row.status != "enrolled" or row.deleted:
            raise NotFoundError("บุคคลนี้ไม่ได้ลงทะเบียนในรุ่นนี้")
        rnd = session.get(TrainingRound, round_id)
        if rnd is not None and rnd.status == "closed":
            raise RuleViolation(f"รุ่นที่ {rnd.number} ปิดแล้ว ยกเลิกการลงทะเบียนไม่ได้")
        row.status = "cancelled"
        audit.record(
            session,
            ctx,
            office_code=row.office_code,
            action="unenrol",
            entity="enrolment",
            entity_id=row.id,
            changes={"status": ["enrolled", "cancelled"]},
            summary="ยกเลิกการลงทะเบียน",
        )


def list_enrolments(ctx: AppContext, *, round_id: uuid.UUID) -> list[EnrolmentRow]:
    query = (
        person_row_query()
        .add_columns(
            Enrolment.id, Enrolment.status, Enrolment.walk_in, Enrolment.override_reason, Enrolment.completed
        )
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.round_id == round_id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
        .order_by(Person.first_name, Person.last_name)
    )
    with ctx.reading() as session:
        out = []
        for r in session.execute(query):
            person = to_person_row(r[:W])
            out.append(EnrolmentRow(r[W], round_id, person, r[W + 1], r[W + 2], r[W + 3], r[W + 4]))
        return out


def enrolled_elsewhere(ctx: AppContext, *, round_id: uuid.UUID) -> set[uuid.UUID]:
    """People already enrolled in another (not deleted) round of the programme."""
    with ctx.reading() as session:
        return set(
            session.scalars(
                select(Enrolment.person_id)
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(
                    Enrolment.round_id != round_id,
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                    TrainingRound.deleted.is_(False),
                )
            )
        )
