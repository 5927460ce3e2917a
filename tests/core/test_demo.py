"""The demo province: deterministic, realistic and refusing to overwrite real data."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import District, Enrolment, Person, Subdistrict, TrainingRound, Village
from db.rules.national_id import national_id_problem
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.errors import RuleViolation
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import rounds


def _national_ids_of_fresh_demo(path: Path, n: int) -> list[str]:
    ctx = AppContext.open(path)
    try:
        office.setup_office(ctx, province_code="40")
        demo.generate_demo(ctx, people=n)
        return [r.national_id for r in people.list_people(ctx)]  # what `krukhor-cli people` prints
    finally:
        ctx.close()


def test_the_demo_is_deterministic(tmp_path: Path) -> None:
    first = _national_ids_of_fresh_demo(tmp_path / "a.sqlite", 120)
    second = _national_ids_of_fresh_demo(tmp_path / "b.sqlite", 120)
    assert len(first) == 120
    assert first == second
    assert len(set(first)) == 120


def test_the_demo_office_is_set_up_like_a_real_one(demo_ctx: AppContext) -> None:
    from desktop.core.first_run import first_run_steps

    own = office.get_office(demo_ctx)
    assert own is not None and own.name_th == "สำนักงานแรงงานจังหวัดขอนแก่น"
    assert "ขอนแก่น 40000" in own.address and own.head_name == "นางสาวพรทิพย์ ศรีสุข"
    assert own.head_position  # printed under the head's signature
    steps = {s.key: s.done for s in first_run_steps(demo_ctx)}
    assert steps["office"] and steps["roster"] and steps["round"]  # step 1 ticked too, as on a real office


def test_every_village_has_exactly_one_person(demo_ctx: AppContext) -> None:
    with demo_ctx.reading() as session:
        villages = set(session.scalars(select(Village.id)))
        per_village = Counter(session.scalars(select(Person.village_id)))
    assert len(villages) == 300
    assert set(per_village) == villages
    assert set(per_village.values()) == {1}


def test_every_national_id_is_valid_and_unique(demo_ctx: AppContext) -> None:
    ids = [r.national_id for r in people.list_people(demo_ctx)]
    assert len(ids) == 300 == len(set(ids))
    assert [nid for nid in ids if national_id_problem(nid) is not None] == []


def test_place_codes_nest(demo_ctx: AppContext) -> None:
    with demo_ctx.reading() as session:
        rows = session.execute(
            select(Village.code, Village.moo, Subdistrict.code, District.code)
            .join(Subdistrict, Village.subdistrict_id == Subdistrict.id)
            .join(District, Subdistrict.district_id == District.id)
        ).all()
    assert len(rows) == 300
    for village, moo, sub, district in rows:
        assert re.fullmatch(r"\d{8}", village)
        assert village == f"{sub}{moo:02d}"
        assert sub.startswith(district) and len(sub) == 6
        assert district.startswith("40") and len(district) == 4


def test_positions_and_the_kamnan_of_moo_1(demo_ctx: AppContext) -> None:
    rows = people.list_people(demo_ctx)
    assert {r.position for r in rows if r.moo == 1} == {"กำนัน"}
    assert {r.position for r in rows} <= set(people.POSITIONS)
    assert all(r.province == "ขอนแก่น" and r.village_code for r in rows)


def test_about_fifteen_rounds_in_several_statuses(demo_ctx: AppContext) -> None:
    rows = rounds.list_rounds(demo_ctx)
    assert 12 <= len(rows) <= 18
    statuses = Counter(r.status for r in rows)
    assert set(statuses) == {"planned", "open", "held", "closed"}
    for r in rows:
        assert r.enrolled <= r.capacity
        # Planned rounds hold a first batch of invitations (when their districts have people left).
        assert r.enrolled <= r.capacity // 3 if r.status == "planned" else r.enrolled > 0
        assert len(r.days) == (r.end_date - r.start_date).days + 1
        assert len(r.district_codes) == 2
    assert any(r.enrolled for r in rows if r.status == "planned")
    numbers = Counter((r.fiscal_year, r.number) for r in rows)
    assert max(numbers.values()) == 1
    with demo_ctx.reading() as session:
        per_person = Counter(
            session.scalars(select(Enrolment.person_id).where(Enrolment.status == "enrolled"))
        )
        assert max(per_person.values()) == 1  # nobody trained twice
        assert session.scalar(select(func.count()).select_from(TrainingRound)) == len(rows)


def test_the_demo_refuses_a_database_with_people(demo_ctx: AppContext) -> None:
    with pytest.raises(RuleViolation) as excinfo:
        demo.generate_demo(demo_ctx, people=10)
    assert "มีรายชื่อบุคคลอยู่แล้ว" in excinfo.value.message
    assert len(people.list_people(demo_ctx)) == 300


def test_the_demo_refuses_even_one_hand_entered_person(ctx: AppContext) -> None:
    people.create_person(ctx, PersonInput(national_id="1101700001237", first_name="ก", last_name="ข"))
    with pytest.raises(RuleViolation):
        demo.generate_demo(ctx, people=10)
    assert len(people.list_people(ctx)) == 1
    assert rounds.list_rounds(ctx) == []


def test_the_demo_refuses_another_province_and_bad_sizes(tmp_path: Path) -> None:
    ctx = AppContext.open(tmp_path / "other.sqlite")
    try:
        office.setup_office(ctx, province_code="50")
        with pytest.raises(RuleViolation) as excinfo:
            demo.generate_demo(ctx, people=10)
        assert "50" in excinfo.value.message
        with pytest.raises(RuleViolation):
            demo.generate_demo(ctx, people=0)
        assert ctx.office_code() == "50"
    finally:
        ctx.close()


def test_past_rounds_have_attendance_a_correction_and_completion(demo_ctx: AppContext) -> None:
    from db.models import AttendanceMark
    from desktop.core.rounds import attendance

    rows = rounds.list_rounds(demo_ctx)
    for r in rows:
        grid = attendance.get_grid(demo_ctx, round_id=r.id)
        cells = [m for row in grid.rows for m in row.marks]
        if r.status in ("held", "closed"):
            assert cells and None not in cells  # every half-day of everyone was recorded
            present = sum(1 for m in cells if m)
            assert 0.85 * len(cells) <= present < len(cells)  # most came, a few half-days missed
            completed = [row.completed for row in grid.rows]
            assert None not in completed
            assert completed == [all(row.marks) for row in grid.rows]  # all_halves
            assert any(row.walk_in for row in grid.rows)
        else:
            assert set(cells) <= {None}
            assert {row.completed for row in grid.rows} <= {None}
    with demo_ctx.reading() as session:
        sources = Counter(session.scalars(select(AttendanceMark.source)))
    assert sources["sheet"] > 0
    assert 1 <= sources["manual"] <= len(rows)  # one correction per past round at most


def test_the_demo_attendance_is_deterministic(tmp_path: Path) -> None:
    from desktop.core.rounds import attendance

    def marks(path: Path) -> list[tuple]:
        ctx = AppContext.open(path)
        try:
            office.setup_office(ctx, province_code="40")
            demo.generate_demo(ctx, people=120)
            out = []
            for r in sorted(rounds.list_rounds(ctx), key=lambda r: (r.fiscal_year, r.number)):
                grid = attendance.get_grid(ctx, round_id=r.id)
                out += [(r.number, row.person.national_id, row.marks, row.completed) for row in grid.rows]
            return out
        finally:
            ctx.close()

    assert marks(tmp_path / "a.sqlite") == marks(tmp_path / "b.sqlite")
