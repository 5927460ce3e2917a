"""Database constraints and the sync columns: unique keys, checks, foreign keys, versions and UTC timestamps."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from db.models import Enrolment, Person, TrainingRound
from db.rules.national_id import make_national_id
from desktop.core.context import AppContext

NID_1 = make_national_id("310170000123")
NID_2 = make_national_id("310170000124")
BANGKOK = timezone(timedelta(hours=7))


def _person(national_id: str = NID_1, **kw: object) -> Person:
    return Person(office_code="40", national_id=national_id, first_name="สมชาย", last_name="ใจดี", **kw)


def _round(**kw: object) -> TrainingRound:
    values: dict[str, object] = {
        "office_code": "40",
        "fiscal_year": 2570,
        "number": 1,
        "title": "ฝึกอบรมครู ข",
        "start_date": date(2026, 10, 20),
        "end_date": date(2026, 10, 21),
        "capacity": 50,
    }
    values.update(kw)
    return TrainingRound(**values)


def _add(ctx: AppContext, *objs: object) -> None:
    with ctx.transaction() as session:
        session.add_all(objs)


def test_national_id_is_unique(ctx: AppContext) -> None:
    _add(ctx, _person(NID_1))
    with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: person\.national_id"):
        _add(ctx, _person(NID_1))
    _add(ctx, _person(NID_2))  # a different ID is fine
    with ctx.reading() as session:
        assert len(session.scalars(select(Person)).all()) == 2


def test_round_number_is_unique_per_office_and_fiscal_year(ctx: AppContext) -> None:
    _add(ctx, _round())
    with pytest.raises(IntegrityError, match="UNIQUE constraint failed: training_round"):
        _add(ctx, _round())
    # The same number in another fiscal year or for another office is allowed.
    _add(ctx, _round(fiscal_year=2571, start_date=date(2027, 10, 5), end_date=date(2027, 10, 5)))
    _add(ctx, _round(office_code="41"))
    with ctx.reading() as session:
        assert len(session.scalars(select(TrainingRound)).all()) == 3


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"status": "cancelled"}, "ck_training_round_status"),
        ({"capacity": 0}, "ck_training_round_capacity_positive"),
        ({"capacity": -5}, "ck_training_round_capacity_positive"),
        ({"end_date": date(2026, 10, 19)}, "ck_training_round_dates_ordered"),
        ({"training_type": "x"}, "ck_training_round_training_type"),
        ({"venue_type": "home"}, "ck_training_round_venue_type"),
    ],
)
def test_round_check_constraints(ctx: AppContext, values: dict, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=f"CHECK constraint failed: {constraint}"):
        _add(ctx, _round(**values))
    with ctx.reading() as session:
        assert session.scalars(select(TrainingRound)).all() == []


def test_round_on_a_single_day_passes_the_checks(ctx: AppContext) -> None:
    _add(ctx, _round(end_date=date(2026, 10, 20), capacity=1, status="closed"))
    with ctx.reading() as session:
        assert session.scalar(select(TrainingRound.status)) == "closed"


def test_foreign_keys_are_enforced(ctx: AppContext) -> None:
    rnd = _round()
    _add(ctx, rnd)
    with pytest.raises(IntegrityError, match="FOREIGN KEY constraint failed"):
        _add(ctx, Enrolment(office_code="40", round_id=rnd.id, person_id=uuid.uuid4()))
    person = _person()
    _add(ctx, person)
    _add(ctx, Enrolment(office_code="40", round_id=rnd.id, person_id=person.id))
    with ctx.reading() as session:
        assert session.scalar(select(Enrolment.person_id)) == person.id


def test_update_bumps_version_and_updated_at(ctx: AppContext) -> None:
    person = _person()
    _add(ctx, person)
    with ctx.reading() as session:
        first = session.get(Person, person.id)
        assert first is not None
        created, updated, version = first.created_at, first.updated_at, first.version
    assert version == 1

    time.sleep(0.002)
    with ctx.transaction() as session:
        row = session.get(Person, person.id)
        assert row is not None
        row.phone = "0812345678"

    with ctx.reading() as session:
        row = session.get(Person, person.id)
        assert row is not None
        assert row.version == 2
        assert row.updated_at > updated
        assert row.created_at == created


def test_unchanged_values_do_not_bump_the_version(ctx: AppContext) -> None:
    person = _person()
    _add(ctx, person)
    with ctx.transaction() as session:
        row = session.get(Person, person.id)
        assert row is not None
        row.first_name = "สมชาย"  # the same value
    with ctx.reading() as session:
        assert session.scalar(select(Person.version)) == 1


def test_keep_versions_leaves_version_and_updated_at_alone(ctx: AppContext) -> None:
    person = _person()
    _add(ctx, person)
    with ctx.reading() as session:
        updated = session.scalar(select(Person.updated_at))

    time.sleep(0.002)
    with ctx.transaction() as session:
        session.info["keep_versions"] = True  # rows pulled from the server keep the server's version
        row = session.get(Person, person.id)
        assert row is not None
        row.phone = "0812345678"
        row.version = 7

    with ctx.reading() as session:
        row = session.get(Person, person.id)
        assert row is not None
        assert row.phone == "0812345678"
        assert row.version == 7
        assert row.updated_at == updated


def test_timestamps_come_back_timezone_aware_utc(ctx: AppContext) -> None:
    noon_utc = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    stored_in_bangkok_time = _person(created_at=noon_utc.astimezone(BANGKOK))  # 19:00 +07
    defaulted = _person(NID_2)
    _add(ctx, stored_in_bangkok_time, defaulted)
    with ctx.reading() as session:
        rows = {p.national_id: p for p in session.scalars(select(Person))}
        for row in rows.values():
            for stamp in (row.created_at, row.updated_at):
                assert stamp.tzinfo is not None
                assert stamp.utcoffset() == timedelta(0)
        assert rows[NID_1].created_at == noon_utc
        assert rows[NID_1].created_at.hour == 12
        assert abs(datetime.now(UTC) - rows[NID_2].created_at) < timedelta(minutes=5)


def test_naive_timestamps_are_refused(ctx: AppContext) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _add(ctx, _person(created_at=datetime(2026, 1, 1, 12, 0)))
