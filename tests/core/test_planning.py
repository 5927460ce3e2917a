"""Round summary numbers, enrolment planning by area with uncovered villages first, and atomic walk-ins."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import AttendanceMark, Enrolment, Person
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation, ValidationError
from desktop.core.people import people, places
from desktop.core.people.people import PersonInput
from desktop.core.rounds import attendance, enrolment, planning, rounds
from desktop.core.rounds.attendance import MarkChange
from desktop.core.rounds.rounds import RoundInput
from desktop.core.rounds.summary import round_summary
from tests.fixtures.rounds import ready_round

DAY = date(2027, 6, 8)


def _setup_area(ctx: AppContext) -> dict[str, uuid.UUID]:
    """Two subdistricts of district 4001: 400101 with villages 1-3, 400102 with villages 1-2; one person each."""
    ids: dict[str, uuid.UUID] = {}
    with ctx.transaction() as session:
        code = "40"
        d = places.ensure_district(session, office_code=code, code="4001", name_th="เมืองขอนแก่น")
        for scode, sname, n in (("400101", "ในเมือง", 3), ("400102", "สำราญ", 2)):
            sub = places.ensure_subdistrict(session, office_code=code, code=scode, name_th=sname, district=d)
            for moo in range(1, n + 1):
                v = places.ensure_village(
                    session, office_code=code, subdistrict=sub, moo=moo, name_th=f"บ้าน{moo}"
                )
                ids[f"{scode}{moo:02d}"] = v.id
    out = {}
    for i, (vcode, vid) in enumerate(sorted(ids.items())):
        out[vcode] = people.create_person(
            ctx,
            PersonInput(
                national_id=make_national_id(f"3402{i:08d}"),
                first_name=f"ผู้ใหญ่{i}",
                last_name="ใจดี",
                village_id=vid,
            ),
        ).id
    return out


def _round(ctx: AppContext, *, number: int, capacity: int = 10) -> uuid.UUID:
    return ready_round(
        ctx,
        RoundInput(
            start_date=DAY,
            end_date=DAY,
            number=number,
            title="อบรม",
            capacity=capacity,
            district_codes=["4001"],
        ),
    ).id


def _train(ctx: AppContext, round_id, person_id) -> None:
    """Enrol a person, record them present in every half-day and mark the round held: they completed it."""
    enrolment.enrol(ctx, round_id=round_id, person_ids=[person_id])
    rounds.set_status(ctx, round_id, "open")
    (row,) = attendance.get_grid(ctx, round_id=round_id).rows
    attendance.set_marks(
        ctx,
        round_id=round_id,
        changes=[MarkChange(row.enrolment_id, 1, "am", True), MarkChange(row.enrolment_id, 1, "pm", True)],
    )
    rounds.set_status(ctx, round_id, "held")


def test_summary_counts_enrolled_present_completed_and_coverage(ctx: AppContext) -> None:
    person_of = _setup_area(ctx)
    earlier = _round(ctx, number=1)
    rid = _round(ctx, number=2)
    # The earlier round trained the ครู ข of village 40010101 (present in every half-day, then held).
    _train(ctx, earlier, person_of["40010101"])
    enrolment.enrol(
        ctx, round_id=rid, person_ids=[person_of["40010102"], person_of["40010201"], person_of["40010202"]]
    )
    rounds.set_status(ctx, rid, "open")
    before = round_summary(ctx, round_id=rid)
    assert (before.enrolled, before.completed, before.required) == (3, None, 2)
    assert [(s.label, s.present, s.absent) for s in before.slots] == [
        ("วันที่ 1 เช้า", 0, 0),
        ("วันที่ 1 บ่าย", 0, 0),
    ]
    assert before.villages_in_round == 3
    assert [(d.code, d.villages, d.covered) for d in before.districts] == [("4001", 5, 1)]

    grid = attendance.get_grid(ctx, round_id=rid)
    by_person = {r.person.id: r.enrolment_id for r in grid.rows}
    a, b, c = (by_person[person_of[v]] for v in ("40010102", "40010201", "40010202"))
    attendance.set_marks(
        ctx,
        round_id=rid,
        changes=[
            MarkChange(a, 1, "am", True),
            MarkChange(a, 1, "pm", True),
            MarkChange(b, 1, "am", True),
            MarkChange(b, 1, "pm", False),
            MarkChange(c, 1, "am", False),
        ],
    )
    after = round_summary(ctx, round_id=rid)
    assert [(s.present, s.absent) for s in after.slots] == [(2, 1), (1, 1)]
    assert after.completed == 1
    # Coverage: 40010101 (earlier round) + 40010102 (completed now) of five villages.
    assert (after.villages, after.covered) == (5, 2)
    assert after.districts[0].percent == pytest.approx(40.0)


def test_planning_lists_people_not_enrolled_anywhere_uncovered_villages_first(ctx: AppContext) -> None:
    person_of = _setup_area(ctx)
    earlier = _round(ctx, number=1)
    rid = _round(ctx, number=2, capacity=4)
    _train(ctx, earlier, person_of["40010101"])
    # A second person in the covered village, and one outside the round's district.
    with ctx.reading() as session:
        vid = session.scalar(select(Person.village_id).where(Person.id == person_of["40010101"]))
    extra = people.create_person(
        ctx,
        PersonInput(
            national_id=make_national_id("340299999999"), first_name="ผู้ช่วย", last_name="ใจดี", village_id=vid
        ),
    ).id
    enrolment.enrol(ctx, round_id=rid, person_ids=[person_of["40010202"]])

    view = planning.plan_candidates(ctx, round_id=rid)
    assert (view.capacity, view.enrolled, view.free) == (4, 1, 3)
    ids = [c.person.id for c in view.candidates]
    assert person_of["40010101"] not in ids  # trained in the earlier round
    assert person_of["40010202"] not in ids  # already enrolled here
    assert ids[-1] == extra and view.candidates[-1].village_covered  # covered village last
    assert [c.village_covered for c in view.candidates[:-1]] == [False] * 3
    assert {(a.code, a.villages, a.covered, a.candidates) for a in view.areas} == {
        ("400101", 3, 1, 3),
        ("400102", 2, 0, 1),
    }
    only = planning.plan_candidates(ctx, round_id=rid, subdistrict_code="400102")
    assert [c.person.id for c in only.candidates] == [person_of["40010201"]]
    with pytest.raises(ValidationError):
        planning.plan_candidates(ctx, round_id=rid, subdistrict_code="40' OR 1=1 --")
    # Capacity is respected when the candidates are added.
    with pytest.raises(RuleViolation, match="รับได้ 4 คน"):
        enrolment.enrol(ctx, round_id=rid, person_ids=ids)
    assert enrolment.enrol(ctx, round_id=rid, person_ids=ids[:3]) == 3


def _counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.reading() as session:
        return (
            session.scalar(select(func.count()).select_from(Person)) or 0,
            session.scalar(select(func.count()).select_from(Enrolment)) or 0,
            session.scalar(select(func.count()).select_from(AttendanceMark)) or 0,
        )


def test_walk_in_creates_enrols_and_marks_present_in_one_go(ctx: AppContext) -> None:
    person_of = _setup_area(ctx)
    rid = _round(ctx, number=1)
    rounds.set_status(ctx, rid, "open")
    data = PersonInput(
        national_id=make_national_id("140170000123"),
        first_name="มาเอง",
        last_name="หน้างาน",
        phone="0812345678",
    )
    result = planning.add_walk_in(ctx, round_id=rid, person=data, present_day=1, present_half="am")
    assert result.marked_present and result.person.first_name == "มาเอง"
    row = next(r for r in attendance.get_grid(ctx, round_id=rid).rows if r.person.id == result.person.id)
    assert row.walk_in and row.marks == (True, None)
    # Check-in later the same morning says so.
    again = attendance.check_in(
        ctx, round_id=rid, day_no=1, half="am", national_id=result.person.national_id, today=DAY
    )
    assert again.code == "already"
    assert person_of  # the area exists; the walk-in needs no village


def test_a_failed_walk_in_leaves_nothing_behind(ctx: AppContext) -> None:
    _setup_area(ctx)
    rid = _round(ctx, number=1, capacity=1)
    rounds.set_status(ctx, rid, "open")
    first = PersonInput(national_id=make_national_id("140170000123"), first_name="หนึ่ง", last_name="ก")
    planning.add_walk_in(ctx, round_id=rid, person=first)
    before = _counts(ctx)
    # Round full: the new person must not stay in the database without an enrolment.
    full = PersonInput(national_id=make_national_id("140170000124"), first_name="สอง", last_name="ข")
    with pytest.raises(RuleViolation, match="รับได้ 1 คน"):
        planning.add_walk_in(ctx, round_id=rid, person=full)
    assert _counts(ctx) == before
    # Bad fields: the Thai messages of the person form.
    with pytest.raises(ValidationError) as bad:
        planning.add_walk_in(
            ctx, round_id=rid, person=PersonInput(national_id="123", first_name="", last_name="ค")
        )
    assert set(bad.value.errors) == {"national_id", "first_name"}
    # An ID already in the database is a duplicate, named.
    with pytest.raises(ValidationError, match="ซ้ำกับ"):
        planning.add_walk_in(ctx, round_id=rid, person=first)
    assert _counts(ctx) == before


def test_walk_in_with_a_half_day_not_in_the_schedule_is_undone(ctx: AppContext) -> None:
    _setup_area(ctx)
    rid = _round(ctx, number=1)
    rounds.set_status(ctx, rid, "open")
    before = _counts(ctx)
    data = PersonInput(national_id=make_national_id("140170000125"), first_name="สาม", last_name="ค")
    with pytest.raises(ValidationError, match="ไม่มีการอบรมวันที่ 2"):
        planning.add_walk_in(ctx, round_id=rid, person=data, present_day=2, present_half="am")
    assert _counts(ctx) == before
