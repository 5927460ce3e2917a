"""Attendance: append-only marks, the grid, bulk edits, completion, and every check-in reason."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.models import AttendanceMark, Enrolment
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation, ValidationError
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import attendance, completion, enrolment, rounds
from desktop.core.rounds.attendance import MarkChange
from desktop.core.rounds.rounds import DayInput, RoundInput
from tests.fixtures.rounds import ready_round

START = date(2027, 5, 11)


def _person(ctx: AppContext, i: int, first: str = "") -> uuid.UUID:
    return people.create_person(
        ctx,
        PersonInput(
            national_id=make_national_id(f"3401{i:08d}"), first_name=first or f"คนที่{i:02d}", last_name="ทดสอบ"
        ),
    ).id


def _round(
    ctx: AppContext,
    *,
    n_people: int = 3,
    days: list[DayInput] | None = None,
    status: str = "open",
    number: int | None = None,
    offset: int = 0,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    end = START + timedelta(days=1)
    rnd = ready_round(
        ctx,
        RoundInput(
            start_date=START,
            end_date=end,
            number=number,
            title="ฝึกอบรมครู ข",
            capacity=20,
            days=days if days is not None else [DayInput(START), DayInput(end, has_pm=False)],
        ),
    )
    ids = [_person(ctx, offset + i) for i in range(n_people)]
    enrolment.enrol(ctx, round_id=rnd.id, person_ids=ids)
    if status in ("open", "held"):
        rounds.set_status(ctx, rnd.id, "open")
    if status == "held":
        rounds.set_status(ctx, rnd.id, "held")
    return rnd.id, ids


def _nid(ctx: AppContext, person_id: uuid.UUID) -> str:
    return people.get_person(ctx, person_id).national_id


def _check(ctx: AppContext, rid: uuid.UUID, nid: str, *, day: int = 1, half: str = "am", today: date = START):
    return attendance.check_in(ctx, round_id=rid, day_no=day, half=half, national_id=nid, today=today)


def _mark_count(ctx: AppContext) -> int:
    with ctx.reading() as session:
        return session.scalar(select(func.count()).select_from(AttendanceMark)) or 0


def test_grid_has_a_column_per_scheduled_half_day(ctx: AppContext) -> None:
    rid, ids = _round(ctx)
    grid = attendance.get_grid(ctx, round_id=rid)
    assert [(s.day_no, s.half) for s in grid.slots] == [(1, "am"), (1, "pm"), (2, "am")]
    assert [s.label for s in grid.slots] == ["วันที่ 1 เช้า", "วันที่ 1 บ่าย", "วันที่ 2 เช้า"]
    assert {r.person.id for r in grid.rows} == set(ids)
    assert all(r.marks == (None, None, None) for r in grid.rows)
    assert grid.editable


def test_check_in_marks_present_with_who_and_device(ctx: AppContext) -> None:
    rid, ids = _round(ctx)
    result = _check(ctx, rid, _nid(ctx, ids[0]))
    assert result.ok and result.code == "present"
    assert result.person is not None and result.person.id == ids[0]
    assert "มาเข้าอบรมวันที่ 1 ช่วงเช้า" in result.message
    with ctx.reading() as session:
        mark = session.scalars(select(AttendanceMark)).one()
    assert (mark.present, mark.source, mark.recorded_by, mark.device_id) == (
        True,
        "scan",
        "tester",
        ctx.device_id,
    )
    grid = attendance.get_grid(ctx, round_id=rid)
    row = next(r for r in grid.rows if r.person.id == ids[0])
    assert row.marks == (True, None, None)


def test_check_in_accepts_dashes_spaces_and_thai_digits(ctx: AppContext) -> None:
    rid, ids = _round(ctx)
    nid = _nid(ctx, ids[1])
    thai = nid.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    typed = f"{thai[0]}-{thai[1:5]} {thai[5:10]}-{thai[10:12]}-{thai[12]}"
    assert _check(ctx, rid, typed).ok


REASONS = {
    "invalid_id": "เลขประจำตัวประชาชน",
    "not_in_database": "ไม่พบเลขประจำตัว",
    "other_round": "ลงทะเบียนไว้ในรุ่นที่",
    "not_enrolled": "ไม่ได้ลงทะเบียนใน",
    "already": "แล้ว เมื่อ",
    "not_today": "ไม่ได้อบรมวันนี้",
    "round_not_running": "ไม่ได้จัดอบรมอยู่",
    "no_such_half": "ไม่มีการอบรม",
}


def test_every_refusal_has_its_own_thai_reason_and_writes_nothing(ctx: AppContext) -> None:
    rid, ids = _round(ctx)
    other_rid, other_ids = _round(ctx, n_people=1, offset=50)
    loner = _person(ctx, 90, "ลอย")
    nid = _nid(ctx, ids[0])
    assert _check(ctx, rid, nid).ok
    before = _mark_count(ctx)
    planned_rid, planned_ids = _round(ctx, n_people=1, status="planned", offset=70)
    seen = {
        "invalid_id": _check(ctx, rid, nid[:12] + str((int(nid[12]) + 1) % 10)),
        "not_in_database": _check(ctx, rid, make_national_id("110170000123")),
        "other_round": _check(ctx, rid, _nid(ctx, other_ids[0])),
        "not_enrolled": _check(ctx, rid, _nid(ctx, loner)),
        "already": _check(ctx, rid, nid),
        "not_today": _check(ctx, rid, _nid(ctx, ids[1]), today=START + timedelta(days=5)),
        "round_not_running": _check(ctx, planned_rid, _nid(ctx, planned_ids[0])),
        "no_such_half": _check(
            ctx, rid, _nid(ctx, ids[1]), day=2, half="pm", today=START + timedelta(days=1)
        ),
    }
    for code, result in seen.items():
        assert not result.ok, code
        assert result.code == code, (code, result.message)
        assert REASONS[code] in result.message, (code, result.message)
    assert len({r.message for r in seen.values()}) == len(seen)
    assert _mark_count(ctx) == before
    # What each reason names
    assert "หลักตรวจสอบ" in seen["invalid_id"].message
    assert "ไม่ครบ" not in seen["invalid_id"].message
    assert _check(ctx, rid, "12345").code == "invalid_id"
    assert "13 หลัก" in _check(ctx, rid, "12345").message
    assert seen["other_round"].person is not None and seen["other_round"].person.id == other_ids[0]
    other = rounds.get_round(ctx, other_rid)
    assert f"รุ่นที่ {other.number}/{other.fiscal_year}" in seen["other_round"].message
    assert seen["already"].at is not None and " น." in seen["already"].message
    assert "10 พ.ค." not in seen["not_today"].message and "11 พ.ค. 2570" in seen["not_today"].message


def test_a_closed_round_and_a_cancelled_enrolment_refuse(ctx: AppContext) -> None:
    rid, ids = _round(ctx, status="held")
    enrolment.unenrol(ctx, round_id=rid, person_id=ids[2])
    assert _check(ctx, rid, _nid(ctx, ids[2])).code == "not_enrolled"
    rounds.set_status(ctx, rid, "closed")
    assert _check(ctx, rid, _nid(ctx, ids[0])).code == "round_not_running"


def test_corrections_are_new_events_and_the_latest_wins(ctx: AppContext) -> None:
    rid, _ids = _round(ctx)
    grid = attendance.get_grid(ctx, round_id=rid)
    eid = grid.rows[0].enrolment_id
    first = attendance.set_marks(
        ctx, round_id=rid, changes=[MarkChange(eid, 1, "am", False), MarkChange(eid, 1, "pm", True)]
    )
    assert (first.written, first.unchanged) == (2, 0)
    fix = attendance.set_marks(ctx, round_id=rid, changes=[MarkChange(eid, 1, "am", True)], source="manual")
    assert fix.written == 1
    same = attendance.set_marks(ctx, round_id=rid, changes=[MarkChange(eid, 1, "am", True)])
    assert (same.written, same.unchanged) == (0, 1)
    history = attendance.mark_history(ctx, enrolment_id=eid)
    assert [(h[0], h[1], h[2], h[3]) for h in history] == [
        (1, "am", False, "sheet"),
        (1, "pm", True, "sheet"),
        (1, "am", True, "manual"),
    ]
    assert attendance.get_grid(ctx, round_id=rid).rows[0].marks == (True, True, None)
    # Nothing was overwritten: three events stand.
    assert _mark_count(ctx) == 3


def test_bulk_set_is_all_or_nothing(ctx: AppContext) -> None:
    rid, _ids = _round(ctx)
    other_rid, _ = _round(ctx, n_people=1, offset=40)
    grid = attendance.get_grid(ctx, round_id=rid)
    stranger = attendance.get_grid(ctx, round_id=other_rid).rows[0].enrolment_id
    good = MarkChange(grid.rows[0].enrolment_id, 1, "am", True)
    with pytest.raises(ValidationError, match="ไม่ได้ลงทะเบียนในรุ่นนี้"):
        attendance.set_marks(ctx, round_id=rid, changes=[good, MarkChange(stranger, 1, "am", True)])
    with pytest.raises(ValidationError, match="ไม่มีการอบรมวันที่ 2 ช่วงบ่าย"):
        attendance.set_marks(ctx, round_id=rid, changes=[good, MarkChange(good.enrolment_id, 2, "pm", True)])
    assert _mark_count(ctx) == 0


def test_planned_and_closed_rounds_refuse_grid_edits(ctx: AppContext) -> None:
    rid, _ = _round(ctx, status="planned")
    eid = attendance.get_grid(ctx, round_id=rid).rows[0].enrolment_id
    with pytest.raises(RuleViolation, match="ยังไม่เปิดรุ่น"):
        attendance.set_marks(ctx, round_id=rid, changes=[MarkChange(eid, 1, "am", True)])
    assert not attendance.get_grid(ctx, round_id=rid).editable


def _completed(ctx: AppContext, rid: uuid.UUID) -> dict[uuid.UUID, bool | None]:
    with ctx.reading() as session:
        return dict(
            session.execute(
                select(Enrolment.person_id, Enrolment.completed).where(Enrolment.round_id == rid)
            ).all()
        )


def test_all_halves_completion_follows_the_marks(ctx: AppContext) -> None:
    rid, _ids = _round(ctx)
    assert set(_completed(ctx, rid).values()) == {None}  # nothing recorded, nothing decided
    grid = attendance.get_grid(ctx, round_id=rid)
    e0, e1, e2 = (r.enrolment_id for r in grid.rows)
    slots = [(s.day_no, s.half) for s in grid.slots]
    changes = [MarkChange(e0, d, h, True) for d, h in slots]
    changes += [MarkChange(e1, d, h, (d, h) != (2, "am")) for d, h in slots]
    result = attendance.set_marks(ctx, round_id=rid, changes=changes)
    assert result.completed == 1
    by_enrolment = {r.enrolment_id: r.completed for r in attendance.get_grid(ctx, round_id=rid).rows}
    assert by_enrolment == {e0: True, e1: False, e2: False}
    # A correction completes the second person.
    attendance.set_marks(ctx, round_id=rid, changes=[MarkChange(e1, 2, "am", True)], source="manual")
    by_enrolment = {r.enrolment_id: r.completed for r in attendance.get_grid(ctx, round_id=rid).rows}
    assert by_enrolment == {e0: True, e1: True, e2: False}


def test_min_80pct_rule_and_recompute_on_held(ctx: AppContext) -> None:
    days = [DayInput(START + timedelta(days=i)) for i in range(2)] + [DayInput(START + timedelta(days=2))]
    rnd = ready_round(
        ctx,
        RoundInput(
            start_date=START, end_date=START + timedelta(days=2), title="สามวัน", capacity=5, days=days
        ),
    )
    ids = [_person(ctx, i) for i in range(2)]
    enrolment.enrol(ctx, round_id=rnd.id, person_ids=ids)
    rounds.set_status(ctx, rnd.id, "open")
    grid = attendance.get_grid(ctx, round_id=rnd.id)
    assert len(grid.slots) == 6
    e0, e1 = (r.enrolment_id for r in grid.rows)
    slots = [(s.day_no, s.half) for s in grid.slots]
    # e0 misses one of six half-days (83 %), e1 misses two (67 %).
    changes = [MarkChange(e0, d, h, i != 0) for i, (d, h) in enumerate(slots)]
    changes += [MarkChange(e1, d, h, i > 1) for i, (d, h) in enumerate(slots)]
    assert attendance.set_marks(ctx, round_id=rnd.id, changes=changes).completed == 0
    assert completion.required_halves("min_80pct", 6) == 5
    result = completion.set_completion_rule(ctx, round_id=rnd.id, rule="min_80pct")
    assert (result.enrolled, result.completed) == (2, 1)
    with pytest.raises(ValidationError):
        completion.set_completion_rule(ctx, round_id=rnd.id, rule="most")
    # Marking the round held decides again from the marks under its rule.
    with ctx.transaction() as session:
        session.execute(Enrolment.__table__.update().values(completed=None))
    rounds.set_status(ctx, rnd.id, "held")
    assert sorted(_completed(ctx, rnd.id).values()) == [False, True]


def test_check_in_completes_a_one_half_round(ctx: AppContext) -> None:
    rid, ids = _round(ctx, days=[DayInput(START, has_pm=False)])
    assert _check(ctx, rid, _nid(ctx, ids[0])).ok
    assert _completed(ctx, rid)[ids[0]] is True


def test_default_slot_is_today_morning_or_afternoon() -> None:
    from datetime import datetime

    days = [(1, START, True, True), (2, START + timedelta(days=1), True, False)]
    at = attendance.THAI_TIME
    assert attendance.default_slot(days, datetime(2027, 5, 11, 8, 5, tzinfo=at)) == (1, "am")
    assert attendance.default_slot(days, datetime(2027, 5, 11, 13, 0, tzinfo=at)) == (1, "pm")
    assert attendance.default_slot(days, datetime(2027, 5, 12, 14, 0, tzinfo=at)) == (2, "am")
    assert attendance.default_slot(days, datetime(2027, 5, 20, 9, 0, tzinfo=at)) is None


def test_check_in_reads_by_index_only(ctx: AppContext) -> None:
    """The ≤ 50 ms figure at 75,000 people rests on this: no statement scans a whole table."""
    from sqlalchemy import event

    rid, ids = _round(ctx)
    _other_rid, other_ids = _round(ctx, n_people=1, offset=50)
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(ctx.engine, "before_cursor_execute", capture)
    try:
        assert _check(ctx, rid, _nid(ctx, ids[0])).ok
        assert _check(ctx, rid, _nid(ctx, ids[0])).code == "already"
        assert _check(ctx, rid, _nid(ctx, other_ids[0])).code == "other_round"
    finally:
        event.remove(ctx.engine, "before_cursor_execute", capture)
    assert len(statements) >= 10
    scans = []
    with ctx.engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            for row in plan:
                detail = row[-1]
                # "SCAN t" without an index is a full table scan; SEARCH ... USING INDEX is a lookup.
                if detail.startswith("SCAN") and "USING" not in detail:
                    scans.append((detail, statement.split("FROM")[1][:60]))
    assert scans == []
