"""Enrolling people in rounds: capacity, no double enrolment, overrides with a reason, all-or-nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from db.rules.national_id import make_national_id
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from tests.fixtures.rounds import ready_round


def _round(ctx: AppContext, *, capacity: int = 10, start: date = date(2026, 10, 20)) -> uuid.UUID:
    return ready_round(
        ctx, RoundInput(start_date=start, end_date=start, title="ฝึกอบรมครู ข", capacity=capacity)
    ).id


def _people(ctx: AppContext, n: int, *, start: int = 0) -> list[uuid.UUID]:
    return [
        people.create_person(
            ctx,
            PersonInput(
                national_id=make_national_id(f"3400{i:08d}"), first_name=f"คนที่{i:02d}", last_name="ทดสอบ"
            ),
        ).id
        for i in range(start, start + n)
    ]


def _enrolled(ctx: AppContext, round_id: uuid.UUID) -> set[uuid.UUID]:
    return {e.person.id for e in enrolment.list_enrolments(ctx, round_id=round_id)}


def test_enrol_people_and_list_them(ctx: AppContext) -> None:
    rid = _round(ctx)
    ids = _people(ctx, 3)
    assert enrolment.enrol(ctx, round_id=rid, person_ids=ids) == 3
    rows = enrolment.list_enrolments(ctx, round_id=rid)
    assert [r.person.first_name for r in rows] == ["คนที่00", "คนที่01", "คนที่02"]
    assert {r.status for r in rows} == {"enrolled"}
    assert all(r.round_id == rid and r.override_reason == "" and not r.walk_in for r in rows)
    assert rounds.get_round(ctx, rid).enrolled == 3
    entry = audit.history(ctx, entity_id=rows[0].id)[0]
    assert entry.action == "enrol"
    assert entry.changes["person_id"] == [None, str(rows[0].person.id)]
    assert (entry.user_name, entry.device_id) == ("tester", ctx.device_id)


def test_duplicate_ids_in_one_batch_count_once(ctx: AppContext) -> None:
    rid = _round(ctx)
    (pid,) = _people(ctx, 1)
    assert enrolment.enrol(ctx, round_id=rid, person_ids=[pid, pid]) == 1
    assert _enrolled(ctx, rid) == {pid}


def test_capacity_message_has_the_numbers(ctx: AppContext) -> None:
    rid = _round(ctx, capacity=5)
    ids = _people(ctx, 8)
    enrolment.enrol(ctx, round_id=rid, person_ids=ids[:3])
    with pytest.raises(RuleViolation) as excinfo:
        enrolment.enrol(ctx, round_id=rid, person_ids=ids[3:6])
    message = excinfo.value.message
    assert "รับได้ 5 คน" in message
    assert "ลงทะเบียนแล้ว 3 คน" in message
    assert "เพิ่มได้อีก 2 คน" in message
    assert "เลือกมา 3 คน" in message
    assert _enrolled(ctx, rid) == set(ids[:3])
    assert enrolment.enrol(ctx, round_id=rid, person_ids=ids[3:5]) == 2  # exactly full is fine


def test_no_double_enrolment_in_the_same_round(ctx: AppContext) -> None:
    rid = _round(ctx)
    ids = _people(ctx, 2)
    enrolment.enrol(ctx, round_id=rid, person_ids=ids[:1])
    with pytest.raises(RuleViolation) as excinfo:
        enrolment.enrol(ctx, round_id=rid, person_ids=ids)
    assert "คนที่00 ทดสอบ" in excinfo.value.message
    assert "อยู่แล้ว 1 คน" in excinfo.value.message
    assert _enrolled(ctx, rid) == {ids[0]}  # all or nothing: ids[1] was not enrolled either


def test_another_round_needs_a_reason_which_is_stored(ctx: AppContext) -> None:
    first = _round(ctx)
    second = _round(ctx, start=date(2026, 11, 10))
    ids = _people(ctx, 2)
    enrolment.enrol(ctx, round_id=first, person_ids=ids[:1])

    with pytest.raises(RuleViolation) as excinfo:
        enrolment.enrol(ctx, round_id=second, person_ids=ids, override_reason="  ")
    message = excinfo.value.message
    assert "รุ่นที่ 1/2570" in message
    assert "เหตุผล" in message
    assert _enrolled(ctx, second) == set()

    reason = "ไม่ผ่านการอบรมรุ่นแรกเพราะป่วย"
    assert enrolment.enrol(ctx, round_id=second, person_ids=ids, override_reason=f" {reason} ") == 2
    rows = {r.person.id: r for r in enrolment.list_enrolments(ctx, round_id=second)}
    assert rows[ids[0]].override_reason == reason
    assert audit.history(ctx, entity_id=rows[ids[0]].id)[0].changes["override_reason"] == [None, reason]


def test_enrolment_in_a_deleted_round_does_not_block_another(ctx: AppContext) -> None:
    first = _round(ctx)
    second = _round(ctx, start=date(2026, 11, 10))
    ids = _people(ctx, 1)
    enrolment.enrol(ctx, round_id=first, person_ids=ids)
    rounds.delete_round(ctx, first)
    assert enrolment.enrol(ctx, round_id=second, person_ids=ids) == 1


def test_a_failing_batch_enrols_nobody(ctx: AppContext) -> None:
    rid = _round(ctx)
    ids = _people(ctx, 3)
    with pytest.raises(NotFoundError):
        enrolment.enrol(ctx, round_id=rid, person_ids=[*ids, uuid.uuid4()])
    assert _enrolled(ctx, rid) == set()

    people.delete_person(ctx, ids[2])
    with pytest.raises(NotFoundError) as excinfo:
        enrolment.enrol(ctx, round_id=rid, person_ids=ids)
    assert "1 คน" in excinfo.value.message
    assert _enrolled(ctx, rid) == set()
    assert rounds.get_round(ctx, rid).enrolled == 0


def test_closed_and_unknown_rounds_refuse_enrolment(ctx: AppContext) -> None:
    rid = _round(ctx)
    ids = _people(ctx, 2)
    enrolment.enrol(ctx, round_id=rid, person_ids=ids[:1])
    for status in ("open", "held", "closed"):
        rounds.set_status(ctx, rid, status)
    with pytest.raises(RuleViolation) as excinfo:
        enrolment.enrol(ctx, round_id=rid, person_ids=ids[1:])
    assert "ปิดแล้ว" in excinfo.value.message
    with pytest.raises(RuleViolation):  # nor can anyone leave a closed round
        enrolment.unenrol(ctx, round_id=rid, person_id=ids[0])
    assert _enrolled(ctx, rid) == {ids[0]}
    with pytest.raises(NotFoundError):
        enrolment.enrol(ctx, round_id=uuid.uuid4(), person_ids=ids)


def test_unenrol_frees_the_place_and_can_be_undone(ctx: AppContext) -> None:
    rid = _round(ctx, capacity=2)
    ids = _people(ctx, 3)
    enrolment.enrol(ctx, round_id=rid, person_ids=ids[:2])
    (row,) = [r for r in enrolment.list_enrolments(ctx, round_id=rid) if r.person.id == ids[0]]

    enrolment.unenrol(ctx, round_id=rid, person_id=ids[0])
    assert _enrolled(ctx, rid) == {ids[1]}
    assert rounds.get_round(ctx, rid).enrolled == 1
    with pytest.raises(NotFoundError):
        enrolment.unenrol(ctx, round_id=rid, person_id=ids[0])

    enrolment.enrol(ctx, round_id=rid, person_ids=[ids[0]])  # the same row comes back
    (again,) = [r for r in enrolment.list_enrolments(ctx, round_id=rid) if r.person.id == ids[0]]
    assert again.id == row.id
    assert [h.action for h in audit.history(ctx, entity_id=row.id)] == ["enrol", "unenrol", "enrol"]
    with pytest.raises(RuleViolation):
        enrolment.enrol(ctx, round_id=rid, person_ids=[ids[2]])


def test_walk_in_flag_is_kept(ctx: AppContext) -> None:
    rid = _round(ctx)
    ids = _people(ctx, 1)
    enrolment.enrol(ctx, round_id=rid, person_ids=ids, walk_in=True)
    (row,) = enrolment.list_enrolments(ctx, round_id=rid)
    assert row.walk_in is True
