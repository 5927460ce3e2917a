"""The figures on the home page (หน้าหลัก): what exists so far, counted in the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from db.models import Enrolment, Lecturer, Person, TrainingRound, Village
from desktop.core.context import AppContext


@dataclass(frozen=True)
class DashboardCounts:
    people: int
    villages: int
    villages_covered: int  # villages with someone enrolled in a round that was held
    lecturers: int
    rounds_by_status: dict[str, int]
    enrolled: int
    trained: int  # enrolled in a round that was held or closed

    @property
    def rounds(self) -> int:
        return sum(self.rounds_by_status.values())


def counts(ctx: AppContext) -> DashboardCounts:
    code = ctx.require_office_code()
    live_person = (Person.office_code == code, Person.deleted.is_(False))
    active_enrolment = (Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
    held = TrainingRound.status.in_(("held", "closed"))
    with ctx.reading() as session:
        people = session.scalar(select(func.count()).where(*live_person)) or 0
        villages = (
            session.scalar(
                select(func.count()).where(Village.office_code == code, Village.deleted.is_(False))
            )
            or 0
        )
        lecturers = (
            session.scalar(
                select(func.count()).where(Lecturer.office_code == code, Lecturer.deleted.is_(False))
            )
            or 0
        )
        by_status = dict(
            session.execute(
                select(TrainingRound.status, func.count())
                .where(TrainingRound.office_code == code, TrainingRound.deleted.is_(False))
                .group_by(TrainingRound.status)
            ).all()
        )
        enrolled_q = (
            select(Enrolment.person_id, Person.village_id, TrainingRound.status)
            .join(Person, Enrolment.person_id == Person.id)
            .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
            .where(*live_person, *active_enrolment, TrainingRound.deleted.is_(False))
        ).subquery()
        enrolled = session.scalar(select(func.count(distinct(enrolled_q.c.person_id)))) or 0
        trained = (
            session.scalar(
                select(func.count(distinct(enrolled_q.c.person_id))).where(
                    enrolled_q.c.status.in_(("held", "closed"))
                )
            )
            or 0
        )
        covered = (
            session.scalar(
                select(func.count(distinct(Person.village_id)))
                .join(Enrolment, Enrolment.person_id == Person.id)
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(*live_person, *active_enrolment, held, TrainingRound.deleted.is_(False))
            )
            or 0
        )
    return DashboardCounts(
        people=people,
        villages=villages,
        villages_covered=covered,
        lecturers=lecturers,
        rounds_by_status={s: by_status.get(s, 0) for s in ("planned", "open", "held", "closed")},
        enrolled=enrolled,
        trained=trained,
    )
