"""The home-page figures count what was created, and leave out what was deleted or cancelled."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from db.models import Enrolment, Person, TrainingRound, Village
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.exports import dashboard
from desktop.core.people import lecturers, people, places
from desktop.core.people.lecturers import LecturerInput
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from tests.fixtures.rounds import ready_round


def _villages(ctx: AppContext, n: int) -> list[uuid.UUID]:
    with ctx.transaction() as session:
        district = places.ensure_district(session, office_code="40", code="4001", name_th="เมืองขอนแก่น")
        sub = places.ensure_subdistrict(
            session, office_code="40", code="400101", name_th="ในเมือง", district=district
        )
        return [
            places.ensure_village(session, office_code="40", subdistrict=sub, moo=m, name_th=f"บ้าน{m}").id
            for m in range(1, n + 1)
        ]


def _round(ctx: AppContext, start: date, capacity: int = 10) -> uuid.UUID:
    return ready_round(ctx, RoundInput(start_date=start, end_date=start, title="ครู ข", capacity=capacity)).id


def test_an_empty_office_counts_nothing(ctx: AppContext) -> None:
    c = dashboard.counts(ctx)
    assert (c.people, c.villages, c.villages_covered, c.lecturers, c.enrolled, c.trained, c.rounds) == (
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    )
    assert c.rounds_by_status == {"planned": 0, "open": 0, "held": 0, "closed": 0}


def test_counts_match_what_was_created(ctx: AppContext) -> None:
    villages = _villages(ctx, 4)
    ids = [
        people.create_person(
            ctx,
            PersonInput(
                national_id=make_national_id(f"3400{i:08d}"),
                first_name=f"คน{i}",
                last_name="ทดสอบ",
                village_id=villages[i % 4],
            ),
        ).id
        for i in range(6)
    ]  # villages 0 and 1 have two people each
    people.delete_person(ctx, ids[5])
    for name in ("วิไล", "สมพร"):
        lecturers.create_lecturer(ctx, LecturerInput(first_name=name, last_name="ศรีสุข"))

    held = _round(ctx, date(2026, 10, 20))
    closed = _round(ctx, date(2026, 11, 10))
    opened = _round(ctx, date(2026, 12, 8))
    planned = _round(ctx, date(2027, 1, 19))
    deleted = _round(ctx, date(2027, 2, 16))
    enrolment.enrol(ctx, round_id=held, person_ids=[ids[0], ids[1]])  # villages 0, 1
    enrolment.enrol(ctx, round_id=closed, person_ids=[ids[4]])  # village 0 again
    enrolment.enrol(ctx, round_id=opened, person_ids=[ids[2], ids[3]])  # not trained yet
    enrolment.unenrol(ctx, round_id=opened, person_id=ids[3])
    enrolment.enrol(ctx, round_id=planned, person_ids=[ids[0]], override_reason="ทดสอบ")  # counted once
    enrolment.enrol(ctx, round_id=deleted, person_ids=[ids[2]], override_reason="ทดสอบ")  # round goes

    for status in ("open", "held"):
        rounds.set_status(ctx, held, status)
    for status in ("open", "held", "closed"):
        rounds.set_status(ctx, closed, status)
    rounds.set_status(ctx, opened, "open")
    rounds.delete_round(ctx, deleted)

    c = dashboard.counts(ctx)
    assert c.people == 5
    assert c.villages == 4
    assert c.lecturers == 2
    assert c.rounds_by_status == {"planned": 1, "open": 1, "held": 1, "closed": 1}
    assert c.rounds == 4
    assert c.enrolled == 4  # ids 0, 1, 2, 4
    assert c.trained == 3  # ids 0, 1, 4
    assert c.villages_covered == 2  # villages 0 and 1


def test_demo_counts_agree_with_the_database(demo_ctx: AppContext) -> None:
    c = dashboard.counts(demo_ctx)
    with demo_ctx.reading() as session:
        assert c.people == session.scalar(select(func.count()).select_from(Person)) == 300
        assert c.villages == session.scalar(select(func.count()).select_from(Village)) == 300
        by_status = dict(
            session.execute(select(TrainingRound.status, func.count()).group_by(TrainingRound.status)).all()
        )
        enrolled = session.scalar(select(func.count(func.distinct(Enrolment.person_id))))
    assert c.rounds_by_status == {s: by_status.get(s, 0) for s in ("planned", "open", "held", "closed")}
    assert c.enrolled == enrolled
    assert 0 < c.trained < c.enrolled
    assert 0 < c.villages_covered <= c.trained  # one person per village in the demo
    assert c.villages_covered == c.trained
