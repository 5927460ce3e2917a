"""The dashboard's cached figures after a change: reused only while the tables they read are unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Select, delete, func, select, text, update
from sqlalchemy.orm import Session

from db.change_stamps import WATCHED, read_stamp
from db.models import (
    AttendanceMark,
    Enrolment,
    PaymentLine,
    Person,
    Subdistrict,
    TrainingRound,
    Village,
)
from desktop.core.context import AppContext, set_setting
from desktop.core.exports import districts as district_figures
from desktop.core.exports import figures
from desktop.core.exports.figures import FiguresCache, province_figures

FY = 2569


def _completed(s: Session) -> Enrolment:
    return s.scalars(
        select(Enrolment)
        .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
        .where(Enrolment.completed.is_(True), TrainingRound.fiscal_year == FY)
        .order_by(Enrolment.id)
    ).first()


def _orm_result_changed(s: Session) -> None:
    _completed(s).completed = False


def _core_bulk_update(s: Session) -> None:
    # Core writes skip the version hook: the trigger still counts them.
    ids = s.scalars(select(Enrolment.id).where(Enrolment.completed.is_(True)).limit(5)).all()
    s.execute(update(Enrolment).where(Enrolment.id.in_(ids)).values(completed=None))


def _raw_registration_delete(s: Session) -> None:
    s.execute(
        text(
            "DELETE FROM registration WHERE id = (SELECT id FROM registration "
            "WHERE count > 0 AND person_id IS NOT NULL AND deleted = 0 ORDER BY id LIMIT 1)"
        )
    )


def _person_tombstoned(s: Session) -> None:
    s.get(Person, _completed(s).person_id).deleted = True


def _village_added(s: Session) -> None:
    sub = s.scalars(select(Subdistrict).order_by(Subdistrict.code)).first()
    s.add(Village(office_code="40", code=f"{sub.code}98", moo=98, name_th="บ้านใหม่", subdistrict_id=sub.id))


def _round_moved_to_next_year(s: Session) -> None:
    rnd = s.get(TrainingRound, _completed(s).round_id)
    rnd.fiscal_year, rnd.number = FY + 1, 999


WRITES: dict[str, Callable[[Session], None]] = {
    "orm result": _orm_result_changed,
    "core bulk update": _core_bulk_update,
    "raw sql delete": _raw_registration_delete,
    "person tombstone": _person_tombstoned,
    "village added": _village_added,
    "round moved": _round_moved_to_next_year,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_the_figures_read_recomputes_them(results_ctx: AppContext, write: str) -> None:
    cache = FiguresCache(results_ctx)
    try:
        before = cache.get(fiscal_year=FY)
        with results_ctx.transaction() as s:
            WRITES[write](s)
        after = cache.get(fiscal_year=FY)
        assert cache.memo.hits == 0
        assert after.districts != before.districts
        assert after == province_figures(results_ctx, fiscal_year=FY)
    finally:
        cache.close()


def test_an_unrelated_commit_reuses_the_per_person_figures(results_ctx: AppContext) -> None:
    cache = FiguresCache(results_ctx)
    try:
        before = cache.get(fiscal_year=FY)
        paid = next(r for r in before.rounds if r.paid_satang)
        with results_ctx.transaction() as s:
            set_setting(s, "bench.touch", "1")
            s.add(
                PaymentLine(
                    office_code="40",
                    round_id=paid.id,
                    category="lunch",
                    payee_kind="other",
                    payee_name="ร้านอาหาร",
                    amount_satang=5_025,
                    paid_on=paid.end_date,
                )
            )
        after = cache.get(fiscal_year=FY)
        assert cache.memo.hits == 1
        # Budget figures are read fresh on every refresh; the reused ones still equal a full recomputation.
        assert after.budget.spent_satang == before.budget.spent_satang + 5_025
        assert after == province_figures(results_ctx, fiscal_year=FY)
    finally:
        cache.close()


def test_the_registration_ratio_is_part_of_the_key(results_ctx: AppContext) -> None:
    cache = FiguresCache(results_ctx)
    try:
        cache.get(fiscal_year=FY)
        with results_ctx.transaction() as s:
            set_setting(s, "target.registrations_per_kru_kho", "60")
        after = cache.get(fiscal_year=FY)
        assert after.ratio == 60 and all(d.registration_target == d.target * 60 for d in after.districts)
        assert after == province_figures(results_ctx, fiscal_year=FY)
    finally:
        cache.close()


def test_a_missing_trigger_disables_reuse_and_the_next_start_restores_it(
    ctx: AppContext, db_path: Path
) -> None:
    with ctx.reading() as s:
        assert read_stamp(s) is not None
    with ctx.transaction() as s:
        s.execute(text("DROP TRIGGER change_count_upd_enrolment"))
    with ctx.reading() as s:
        assert read_stamp(s) is None  # a counter that may have missed writes is never trusted
    ctx.close()
    reopened = AppContext.open(db_path, user_name="tester")
    try:
        with reopened.reading() as s:
            stamp = read_stamp(s)
        assert stamp is not None and len(stamp) == len(WATCHED)
        with reopened.transaction() as s:
            set_setting(s, "x", "1")  # not a watched table
        with reopened.reading() as s:
            assert read_stamp(s) == stamp
    finally:
        reopened.close()


# The district figures as one SQL query (how they were computed before the scans were split for the memo):
# an independent reference the Python aggregation must agree with exactly.
REFERENCE_SQL = """
WITH yr AS (
    SELECT id, fiscal_year, status FROM training_round
    WHERE office_code = :code AND deleted = 0 AND fiscal_year <= :fy
),
t AS (
    SELECT e.person_id,
           MAX(e.completed = 1 AND yr.fiscal_year = :fy) AS t_year,
           MAX(e.completed = 1) AS t_all,
           MAX(e.completed IS NULL AND yr.status IN ('held', 'closed')) AS pending
    FROM enrolment e JOIN yr ON yr.id = e.round_id
    WHERE e.status = 'enrolled' AND e.deleted = 0
    GROUP BY e.person_id
),
g AS (
    SELECT person_id, SUM(count) AS n FROM registration
    WHERE office_code = :code AND deleted = 0 GROUP BY person_id
)
SELECT substr(v.code, 1, 4), COUNT(*), SUM(COALESCE(t.t_year, 0)), SUM(COALESCE(t.t_all, 0)),
       SUM(COALESCE(t.pending, 0)), COUNT(DISTINCT CASE WHEN t.t_all = 1 THEN p.village_id END),
       SUM(COALESCE(g.n, 0))
FROM person p
JOIN village v ON v.id = p.village_id
LEFT JOIN t ON t.person_id = p.id
LEFT JOIN g ON g.person_id = p.id
WHERE p.office_code = :code AND p.deleted = 0
GROUP BY 1
"""


def _reference(ctx: AppContext) -> dict[str, tuple[int, ...]]:
    with ctx.reading() as s:
        rows = s.execute(text(REFERENCE_SQL), {"code": "40", "fy": FY}).all()
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in rows}


def _facts(figures) -> dict[str, tuple[int, ...]]:
    return {
        d.code: (
            d.people,
            d.trained_year,
            d.trained_to_date,
            d.pending,
            d.villages_covered,
            d.registrations,
        )
        for d in figures.districts
        if d.people
    }


@pytest.mark.parametrize("write", [None, *WRITES])
def test_district_figures_equal_the_single_query_reference(
    results_ctx: AppContext, write: str | None
) -> None:
    cache = FiguresCache(results_ctx)
    try:
        cache.get(fiscal_year=FY)
        with results_ctx.transaction() as s:
            # A person waiting for a result and one trained twice make the per-person rules count.
            pending = s.scalars(
                select(Enrolment)
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(
                    TrainingRound.status.in_(("held", "closed")),
                    TrainingRound.fiscal_year == FY,
                    Enrolment.status == "enrolled",
                )
                .order_by(Enrolment.id.desc())
            ).first()
            pending.completed = None
            if write is not None:
                WRITES[write](s)
        reference = _reference(results_ctx)
        assert reference and any(v[2] for v in reference.values()) and any(v[3] for v in reference.values())
        assert _facts(cache.get(fiscal_year=FY)) == reference
        assert _facts(province_figures(results_ctx, fiscal_year=FY)) == reference
    finally:
        cache.close()


def test_an_edit_of_a_column_the_figures_do_not_read_keeps_the_memo(results_ctx: AppContext) -> None:
    cache = FiguresCache(results_ctx)
    try:
        cache.get(fiscal_year=FY)
        with results_ctx.transaction() as s:
            person = s.scalars(select(Person).order_by(Person.id)).first()
            person.phone = "0812345678"
            rnd = s.scalars(select(TrainingRound).where(TrainingRound.fiscal_year == FY)).first()
            rnd.venue = "ห้องประชุมใหม่"  # read fresh: the rounds' own columns are not in the memo
        after = cache.get(fiscal_year=FY)
        assert cache.memo.hits == 1
        assert after == province_figures(results_ctx, fiscal_year=FY)
        assert "ห้องประชุมใหม่" in {r.venue for r in after.rounds}
    finally:
        cache.close()


def test_the_migration_watches_what_the_module_watches() -> None:
    import importlib.util

    from db.change_stamps import WATCHED_COLUMNS
    from db.migrate import MIGRATIONS_DIR

    spec = importlib.util.spec_from_file_location(
        "m0007", MIGRATIONS_DIR / "versions" / "0007_dashboard_indexes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.WATCHED_COLUMNS == WATCHED_COLUMNS


# Writes applied one after another to the same cache: each changes whom a round lists (or which rounds count),
# which the trained tallies follow by taking rounds away and adding them again, or by counting afresh.
def _in_year(*, held: bool = True) -> Select:
    statuses = ("held", "closed") if held else ("planned", "open")
    return (
        select(Enrolment)
        .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
        .where(
            TrainingRound.fiscal_year == FY,
            TrainingRound.status.in_(statuses),
            TrainingRound.deleted.is_(False),
            Enrolment.status == "enrolled",
            Enrolment.deleted.is_(False),
        )
        .order_by(Enrolment.id)
    )


def _result_cleared(s: Session) -> None:
    s.scalars(_in_year().where(Enrolment.completed.is_(True))).first().completed = None


def _result_recorded(s: Session) -> None:
    s.scalars(_in_year().where(Enrolment.completed.is_(None))).first().completed = True


def _trained_in_a_second_round(s: Session) -> None:
    first = s.scalars(_in_year().where(Enrolment.completed.is_(True))).first()
    other = s.scalars(
        select(TrainingRound)
        .where(
            TrainingRound.status.in_(("held", "closed")),
            TrainingRound.id != first.round_id,
            TrainingRound.deleted.is_(False),
        )
        .order_by(TrainingRound.fiscal_year, TrainingRound.number)
    ).first()
    s.add(
        Enrolment(
            office_code="40", round_id=other.id, person_id=first.person_id, status="enrolled", completed=True
        )
    )


def _second_training_taken_back(s: Session) -> None:
    twice = s.scalar(
        select(Enrolment.person_id)
        .where(Enrolment.completed.is_(True), Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
        .group_by(Enrolment.person_id)
        .having(func.count() > 1)
    )
    s.scalars(
        select(Enrolment).where(Enrolment.person_id == twice).order_by(Enrolment.id)
    ).first().completed = False


def _enrolment_cancelled(s: Session) -> None:
    s.scalars(_in_year().where(Enrolment.completed.is_(True))).all()[1].status = "cancelled"


def _enrolment_hard_deleted(s: Session) -> None:
    victim = s.scalars(_in_year().where(Enrolment.completed.is_(True))).all()[2].id
    s.execute(delete(AttendanceMark).where(AttendanceMark.enrolment_id == victim))
    s.execute(text("DELETE FROM enrolment WHERE id = :id"), {"id": victim.hex})


def _round_reopened(s: Session) -> None:
    s.get(
        TrainingRound, s.scalars(_in_year().where(Enrolment.completed.is_(None))).first().round_id
    ).status = "open"


def _round_moved_to_last_year(s: Session) -> None:
    rnd = s.get(TrainingRound, s.scalars(_in_year().where(Enrolment.completed.is_(True))).first().round_id)
    rnd.fiscal_year, rnd.number = FY - 1, 998


def _round_tombstoned(s: Session) -> None:
    s.get(
        TrainingRound, s.scalars(_in_year().where(Enrolment.completed.is_(True))).first().round_id
    ).deleted = True


def _planned_round_enrols_someone(s: Session) -> None:
    s.scalars(_in_year(held=False)).first().completed = True  # a result typed early still counts


IN_TURN: list[Callable[[Session], None]] = [
    _result_cleared,
    _result_recorded,
    _result_cleared,
    _trained_in_a_second_round,
    _enrolment_cancelled,
    _enrolment_hard_deleted,
    _second_training_taken_back,
    _round_reopened,
    _planned_round_enrols_someone,
    _round_moved_to_last_year,
    _round_moved_to_next_year,
    _person_tombstoned,  # the places change: the rounds are placed again
    _result_cleared,
    _round_tombstoned,
    _village_added,
]


@pytest.mark.parametrize("share", [float("inf"), 0.0], ids=["updated", "recounted"])
def test_trained_tallies_follow_every_write_exactly(
    results_ctx: AppContext, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(
        district_figures, "RECOUNT_SHARE", share
    )  # always update the tallies, or always recount
    cache = FiguresCache(results_ctx)
    try:
        cache.get(fiscal_year=FY)
        for write in IN_TURN:
            with results_ctx.transaction() as s:
                write(s)
            after = cache.get(fiscal_year=FY)
            assert after == province_figures(results_ctx, fiscal_year=FY), write.__name__
            assert _facts(after) == _reference(results_ctx), write.__name__
    finally:
        cache.close()


def test_a_recorded_result_reads_its_round_again_and_no_other(results_ctx: AppContext) -> None:
    cache = FiguresCache(results_ctx)
    try:
        first = cache.get(fiscal_year=FY)
        before = cache.memo.previous("trained")
        handed_out = dict(before.to_date.per_district)
        with results_ctx.transaction() as s:
            enrolment = s.scalars(_in_year().where(Enrolment.completed.is_(True))).first()
            enrolment.completed, changed = None, enrolment.round_id
        after = cache.get(fiscal_year=FY)
        now = cache.memo.previous("trained")
        reread = {rid for rid, people in now.rounds.items() if before.rounds.get(rid) is not people}
        assert reread == {changed}
        assert before.to_date.per_district == handed_out  # updated in a copy, never in place
        assert after.total("trained_to_date") == first.total("trained_to_date") - 1
        assert after.total("pending") == first.total("pending") + 1
        assert after == province_figures(results_ctx, fiscal_year=FY)
    finally:
        cache.close()


def test_switching_years_reuses_the_rounds_already_read(results_ctx: AppContext) -> None:
    assert figures.fiscal_years(results_ctx) == [FY + 1, FY]
    cache = FiguresCache(results_ctx)
    try:
        previous = None
        for fy in (FY, FY + 1, FY):
            assert cache.get(fiscal_year=fy) == province_figures(results_ctx, fiscal_year=fy), fy
            now = cache.memo.previous("trained")
            if previous is not None:  # the tallies are counted afresh for the year, the rounds not read again
                shared = now.rounds.keys() & previous.rounds.keys()
                assert shared and all(now.rounds[rid] is previous.rounds[rid] for rid in shared)
            previous = now
    finally:
        cache.close()
