"""Training rounds: numbering per BE fiscal year, days, districts, capacity, status changes and deletion."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest

from db.rules.national_id import make_national_id
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, StaleEditError, ValidationError
from desktop.core.people import people, places
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import DayInput, RoundInput

DISTRICTS = {"4001": "เมืองขอนแก่น", "4002": "บ้านฝาง", "4003": "พระยืน"}


@pytest.fixture
def rctx(ctx: AppContext) -> AppContext:
    """ctx with three districts of Khon Kaen to serve."""
    with ctx.transaction() as session:
        for code, name in DISTRICTS.items():
            places.ensure_district(session, office_code="40", code=code, name_th=name)
    return ctx


def _input(**kw: object) -> RoundInput:
    values: dict[str, object] = {
        "start_date": date(2026, 10, 20),
        "end_date": date(2026, 10, 21),
        "title": "ฝึกอบรมครู ข เครือข่ายชุมชน",
        "venue": "ห้องประชุมศาลากลางจังหวัด",
        "capacity": 30,
        "district_codes": ["4001", "4002"],
    }
    values.update(kw)
    return RoundInput(**values)


def _people(ctx: AppContext, n: int) -> list[uuid.UUID]:
    return [
        people.create_person(
            ctx,
            PersonInput(
                national_id=make_national_id(f"3400{i:08d}"), first_name=f"คนที่{i}", last_name="ทดสอบ"
            ),
        ).id
        for i in range(n)
    ]


def test_create_gives_number_fiscal_year_days_and_districts(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    assert row.fiscal_year == 2570  # 20 Oct 2026 is in FY 2570 (1 Oct 2569 – 30 Sep 2570 BE)
    assert row.number == 1
    assert row.status == "planned"
    assert row.status_label == "วางแผน"
    assert row.enrolled == 0
    assert row.version == 1
    assert row.district_codes == ("4001", "4002")
    assert row.district_names == ("เมืองขอนแก่น", "บ้านฝาง")
    assert [(d.day_no, d.day_date, d.has_am, d.has_pm) for d in row.days] == [
        (1, date(2026, 10, 20), True, True),
        (2, date(2026, 10, 21), True, True),
    ]
    assert row.dates_label.endswith("2569")  # BE on screen
    (entry,) = audit.history(rctx, entity_id=row.id)
    assert entry.action == "create"
    assert entry.changes["district_codes"] == ["4001", "4002"]
    assert entry.user_name == "tester"


def test_numbers_count_up_within_each_fiscal_year(rctx: AppContext) -> None:
    first = rounds.create_round(rctx, _input(start_date=date(2026, 9, 29), end_date=date(2026, 9, 30)))
    second = rounds.create_round(rctx, _input())
    third = rounds.create_round(rctx, _input(start_date=date(2026, 11, 3), end_date=date(2026, 11, 3)))
    assert (first.fiscal_year, first.number) == (2569, 1)
    assert (second.fiscal_year, second.number) == (2570, 1)
    assert (third.fiscal_year, third.number) == (2570, 2)
    assert rounds.next_number(rctx, fiscal_year_be=2570) == 3
    assert rounds.next_number(rctx, fiscal_year_be=2569) == 2
    assert rounds.next_number(rctx, fiscal_year_be=2571) == 1
    assert [(r.fiscal_year, r.number) for r in rounds.list_rounds(rctx)] == [(2570, 2), (2570, 1), (2569, 1)]
    assert [r.number for r in rounds.list_rounds(rctx, fiscal_year_be=2570)] == [2, 1]


def test_explicit_number_taken_is_refused(rctx: AppContext) -> None:
    rounds.create_round(rctx, _input(number=5))
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(number=5))
    assert "รุ่นที่ 5" in excinfo.value.errors["number"]
    assert rounds.create_round(rctx, _input()).number == 6


def test_number_of_a_deleted_round_hints_at_restoring(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    rounds.delete_round(rctx, row.id)
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(number=row.number))
    assert "กู้คืน" in excinfo.value.errors["number"]


def test_validation_errors_name_the_fields_in_thai(rctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(
            rctx,
            _input(end_date=date(2026, 10, 19), capacity=0, title=" ", venue_type="x", training_type="y"),
        )
    errors = excinfo.value.errors
    assert set(errors) == {"end_date", "capacity", "title", "venue_type", "training_type"}
    assert errors["end_date"] == "วันสิ้นสุดต้องไม่ก่อนวันเริ่มอบรม"
    assert "1 ถึง 1,000" in errors["capacity"]
    assert rounds.list_rounds(rctx) == []


def test_missing_dates_too_long_and_unknown_district(rctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(start_date=None, end_date=None))
    assert set(excinfo.value.errors) == {"start_date", "end_date"}
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(end_date=date(2026, 10, 30)))
    assert "10 วัน" in excinfo.value.errors["end_date"]
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(district_codes=["4001", "4099"]))
    assert "4099" in excinfo.value.errors["district_codes"]
    assert rounds.list_rounds(rctx, include_deleted=True) == []  # nothing half-written


def test_explicit_days_are_checked_and_kept(rctx: AppContext) -> None:
    with pytest.raises(ValidationError) as excinfo:
        rounds.create_round(rctx, _input(days=[DayInput(date(2026, 10, 25))]))
    assert "days" in excinfo.value.errors
    with pytest.raises(ValidationError):
        rounds.create_round(rctx, _input(days=[DayInput(date(2026, 10, 20), has_am=False, has_pm=False)]))
    row = rounds.create_round(
        rctx, _input(days=[DayInput(date(2026, 10, 21), has_pm=False), DayInput(date(2026, 10, 20))])
    )
    assert [(d.day_no, d.day_date, d.has_pm) for d in row.days] == [
        (1, date(2026, 10, 20), True),
        (2, date(2026, 10, 21), False),
    ]


def test_update_changes_days_districts_and_fields(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    edit = _input(
        start_date=date(2026, 10, 20),
        end_date=date(2026, 10, 22),
        district_codes=["4003"],
        capacity=40,
        venue="โรงแรมเจริญธานี",
        venue_type="private",
    )
    updated = rounds.update_round(rctx, row.id, edit, expected_version=row.version)
    assert [d.day_date for d in updated.days] == [date(2026, 10, 20), date(2026, 10, 21), date(2026, 10, 22)]
    assert updated.district_codes == ("4003",)
    assert (updated.capacity, updated.venue, updated.venue_type) == (40, "โรงแรมเจริญธานี", "private")
    assert updated.version == row.version + 1

    shorter = rounds.update_round(rctx, row.id, replace(edit, end_date=date(2026, 10, 20)))
    assert [d.day_date for d in shorter.days] == [date(2026, 10, 20)]
    back = rounds.update_round(rctx, row.id, replace(edit, district_codes=["4001", "4003"]))
    assert back.district_codes == ("4001", "4003")

    change = audit.history(rctx, entity_id=row.id)[1]
    assert change.action == "update"
    assert change.changes["district_codes"] == [["4001", "4002"], ["4003"]]
    assert change.changes["capacity"] == [30, 40]
    assert change.changes["end_date"] == ["2026-10-21", "2026-10-22"]


def test_update_moving_to_another_fiscal_year(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    moved = rounds.update_round(rctx, row.id, _input(start_date=date(2026, 9, 1), end_date=date(2026, 9, 1)))
    assert (moved.fiscal_year, moved.number) == (2569, 1)


def test_stale_update_is_refused(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    rounds.update_round(rctx, row.id, _input(capacity=25), expected_version=row.version)
    with pytest.raises(StaleEditError):
        rounds.update_round(rctx, row.id, _input(capacity=20), expected_version=row.version)
    assert rounds.get_round(rctx, row.id).capacity == 25


def test_capacity_below_enrolled_is_refused(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input(capacity=5))
    enrolment.enrol(rctx, round_id=row.id, person_ids=_people(rctx, 4))
    with pytest.raises(ValidationError) as excinfo:
        rounds.update_round(rctx, row.id, _input(capacity=3))
    message = excinfo.value.errors["capacity"]
    assert "3" in message and "4 คน" in message
    assert rounds.update_round(rctx, row.id, _input(capacity=4)).capacity == 4


@pytest.mark.parametrize(
    "path",
    [
        ["open"],
        ["open", "planned"],
        ["open", "held"],
        ["open", "held", "open"],
        ["open", "held", "closed"],
    ],
)
def test_allowed_status_transitions(rctx: AppContext, path: list[str]) -> None:
    row = rounds.create_round(rctx, _input())
    for status in path:
        row = rounds.set_status(rctx, row.id, status)
        assert row.status == status
    history = audit.history(rctx, entity_id=row.id)
    assert [h.changes["status"][1] for h in history if h.action == "status"] == path


@pytest.mark.parametrize(
    ("path", "target"),
    [([], "held"), ([], "closed"), (["open"], "closed"), (["open", "held", "closed"], "open")],
)
def test_refused_status_transitions_say_why_in_thai(rctx: AppContext, path: list[str], target: str) -> None:
    row = rounds.create_round(rctx, _input())
    for status in path:
        row = rounds.set_status(rctx, row.id, status, reason="แก้ไขเอกสาร")
    with pytest.raises(RuleViolation) as excinfo:
        rounds.set_status(rctx, row.id, target)
    assert "เปลี่ยนสถานะจาก" in excinfo.value.message
    assert rounds.STATUS_LABELS[target] in excinfo.value.message
    assert rounds.get_round(rctx, row.id).status == row.status


def test_unknown_status_is_a_validation_error(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    with pytest.raises(ValidationError) as excinfo:
        rounds.set_status(rctx, row.id, "cancelled")
    assert "status" in excinfo.value.errors


def test_reopening_a_closed_round_needs_a_reason(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    for status in ("open", "held", "closed"):
        rounds.set_status(rctx, row.id, status)
    with pytest.raises(ValidationError) as excinfo:
        rounds.set_status(rctx, row.id, "held", reason="   ")
    assert excinfo.value.errors == {"reason": "การเปิดรุ่นที่ปิดแล้วต้องระบุเหตุผล"}
    assert rounds.get_round(rctx, row.id).status == "closed"

    reopened = rounds.set_status(rctx, row.id, "held", reason="ใบสำคัญรับเงินผิด")
    assert reopened.status == "held"
    last = audit.history(rctx, entity_id=row.id)[-1]
    assert last.changes == {"status": ["closed", "held"], "reason": [None, "ใบสำคัญรับเงินผิด"]}


def test_a_closed_round_cannot_be_edited(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    for status in ("open", "held", "closed"):
        rounds.set_status(rctx, row.id, status)
    with pytest.raises(RuleViolation):
        rounds.update_round(rctx, row.id, _input(capacity=10))
    assert rounds.get_round(rctx, row.id).capacity == 30


@pytest.mark.parametrize("path", [["open", "held"], ["open", "held", "closed"]])
def test_deleting_a_held_or_closed_round_is_refused(rctx: AppContext, path: list[str]) -> None:
    row = rounds.create_round(rctx, _input())
    for status in path:
        rounds.set_status(rctx, row.id, status)
    with pytest.raises(RuleViolation) as excinfo:
        rounds.delete_round(rctx, row.id)
    assert "ลบไม่ได้" in excinfo.value.message
    assert [r.id for r in rounds.list_rounds(rctx)] == [row.id]


def test_delete_and_restore_a_planned_round(rctx: AppContext) -> None:
    row = rounds.create_round(rctx, _input())
    rounds.delete_round(rctx, row.id)
    assert rounds.list_rounds(rctx) == []
    assert [r.deleted for r in rounds.list_rounds(rctx, include_deleted=True)] == [True]
    rounds.restore_round(rctx, row.id)
    assert [r.id for r in rounds.list_rounds(rctx)] == [row.id]
    assert [h.action for h in audit.history(rctx, entity_id=row.id)] == ["create", "delete", "restore"]


def test_unknown_round_is_not_found(rctx: AppContext) -> None:
    with pytest.raises(NotFoundError):
        rounds.get_round(rctx, uuid.uuid4())
    with pytest.raises(NotFoundError):
        rounds.set_status(rctx, uuid.uuid4(), "open")
