"""The province's figures for one fiscal year (targets, trained, rounds, budget, registrations) by SQL aggregation.

One source for the workbook, the dashboard and the summary PDFs, so their numbers agree.
When the budget issue's report is merged it should become the source of the budget figures here
(``_budget``, ``_round_money``, ``_expenses``, ``_burn``); until then they are summed from the tables.

Definitions (docs/workbook-format.md, "Figures"):
* target ครู ข of a district = its live villages (DOMAIN: one ครู ข per village); registrations target =
  that × the ratio (1 : 120, LocalSetting ``target.registrations_per_kru_kho`` overrides it).
* trained = an active enrolment with ``completed`` true; "this year" counts rounds of the fiscal year,
  "to date" every fiscal year up to it. Pending = enrolled in a held/closed round (to date) with no result yet.
* spent = the payment ledger (reversals included) of the year's rounds; remaining = allocated − spent.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, select, text
from sqlalchemy.orm import Session

from db.change_stamps import WATCHED, read_stamp
from db.models import (
    BudgetAllocation,
    District,
    Enrolment,
    ExpenseLine,
    Lecturer,
    LocalSetting,
    Office,
    PaymentLine,
    Person,
    Province,
    TrainingRound,
    Village,
)
from desktop.core.context import AppContext

STATUSES = ("planned", "open", "held", "closed")
HELD = ("held", "closed")
DEFAULT_RATIO = 120
RATIO_SETTING = "target.registrations_per_kru_kho"


@dataclass(frozen=True)
class DistrictFigures:
    code: str
    name: str
    target: int  # ครู ข wanted: one per village
    people: int  # candidates in the register
    trained_year: int
    trained_to_date: int
    pending: int  # in a held/closed round up to this year, result not recorded yet
    villages_covered: int  # villages with a trained ครู ข, to date
    registrations: int
    registration_target: int


@dataclass(frozen=True)
class RoundFigures:
    id: uuid.UUID
    fiscal_year: int
    number: int
    title: str
    start_date: date
    end_date: date
    venue: str
    status: str
    capacity: int
    enrolled: int
    completed: int
    planned_satang: int
    actual_satang: int
    paid_satang: int


@dataclass(frozen=True)
class BudgetFigures:
    allocated_satang: int
    planned_satang: int
    actual_satang: int
    spent_satang: int  # paid, net of reversals

    @property
    def remaining_satang(self) -> int:
        return self.allocated_satang - self.spent_satang


@dataclass(frozen=True)
class ExpenseFigures:
    round_id: uuid.UUID
    round_label: str  # "3/2570"
    category: str
    planned_satang: int
    actual_satang: int
    paid_satang: int


@dataclass(frozen=True)
class ProvinceFigures:
    province_code: str
    province_name: str
    office_name: str
    fiscal_year: int
    ratio: int
    districts: tuple[DistrictFigures, ...]
    rounds: tuple[RoundFigures, ...]
    budget: BudgetFigures
    expenses: tuple[ExpenseFigures, ...]
    burn: tuple[tuple[date, int], ...]  # (month start, cumulative paid satang)
    rounds_by_status: dict[str, int]

    def total(self, field: str) -> int:
        return sum(getattr(d, field) for d in self.districts)


@dataclass(frozen=True)
class RegisterCounts:
    """What is in the register (cheap counts; the expensive per-district facts are in ProvinceFigures)."""

    people: int
    villages: int
    lecturers: int


def register_counts(ctx: AppContext) -> RegisterCounts:
    code = ctx.require_office_code()
    with ctx.reading() as s:
        return RegisterCounts(
            *(
                s.scalar(select(func.count()).where(m.office_code == code, m.deleted.is_(False))) or 0
                for m in (Person, Village, Lecturer)
            )
        )


def registration_ratio(session: Session) -> int:
    raw = session.get(LocalSetting, RATIO_SETTING)
    try:
        return int(raw.value) if raw is not None and int(raw.value) > 0 else DEFAULT_RATIO
    except ValueError:
        return DEFAULT_RATIO


def fiscal_years(ctx: AppContext) -> list[int]:
    """The fiscal years that have rounds or allocations, newest first."""
    code = ctx.require_office_code()
    with ctx.reading() as s:
        years = set(
            s.scalars(
                select(TrainingRound.fiscal_year).where(
                    TrainingRound.office_code == code, TrainingRound.deleted.is_(False)
                )
            )
        )
        years |= set(
            s.scalars(
                select(BudgetAllocation.fiscal_year).where(
                    BudgetAllocation.office_code == code, BudgetAllocation.deleted.is_(False)
                )
            )
        )
    return sorted(years, reverse=True)


class FiguresMemo:
    """The figures that aggregate over every person, kept while the tables they read are unchanged.

    Keyed by the change counters of those tables (db.change_stamps), read before the figures in the same
    session: a write committed in between only makes the memo look older than it is, never newer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]] | None = None
        self._parts: dict[str, tuple[tuple, Any]] = {}
        self.hits = 0  # refreshes that reused the memo (for tests and the benchmark)

    def get(self, key: tuple | None) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]] | None:
        with self._lock:
            if key is None or key != self._key:
                return None
            self.hits += 1
            return self._value

    def put(
        self, key: tuple | None, value: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]]
    ) -> None:
        with self._lock:
            self._key, self._value = key, value

    def part(self, key: tuple | None, compute: Callable[[], Any]) -> Any:
        """One scan's result (people's places, trained people, registrations), kept while its tables are."""
        name = key[0] if key is not None else None
        with self._lock:
            kept = self._parts.get(name)
            if key is not None and kept is not None and kept[0] == key:
                return kept[1]
        value = compute()
        if key is not None:
            with self._lock:
                self._parts[name] = (key, value)
        return value


def province_figures(
    ctx: AppContext, *, fiscal_year: int, memo: FiguresMemo | None = None
) -> ProvinceFigures:
    """The figures of one fiscal year; with a memo, the per-person aggregates are reused when unchanged."""
    code = ctx.require_office_code()
    with ctx.reading() as s:
        stamp = read_stamp(s) if memo is not None else None
        office = s.scalar(select(Office).where(Office.code == code))
        province = s.scalar(select(Province).where(Province.code == code))
        ratio = registration_ratio(s)
        key = None if stamp is None else (code, fiscal_year, ratio, stamp)
        kept = memo.get(key) if memo is not None else None
        if kept is None:
            kept = (
                _districts(s, code, fiscal_year, ratio, memo, stamp),
                _round_counts(s, code, fiscal_year),
            )
            if memo is not None:
                memo.put(key, kept)
        districts, counts = kept
        rounds = _rounds(s, code, fiscal_year, counts)
        return ProvinceFigures(
            province_code=code,
            province_name=province.name_th if province else "",
            office_name=office.name_th if office else "",
            fiscal_year=fiscal_year,
            ratio=ratio,
            districts=districts,
            rounds=rounds,
            budget=_budget(s, code, fiscal_year, rounds),
            expenses=_expenses(s, code, fiscal_year),
            burn=_burn(s, code, fiscal_year),
            rounds_by_status={st: sum(1 for r in rounds if r.status == st) for st in STATUSES},
        )


# The per-district facts are put together in Python from three scans read through covering indexes
# (ix_person_figures/ix_village_figures, ix_enrolment_figures, ix_registration_figures), each of which a
# memo can keep while the tables it reads are unchanged: a result recorded rescans only the enrolments.
# Ids are compared as the driver returns them (the same text in every table).
_PLACES_SQL = text(
    """
    SELECT p.id, p.village_id, substr(v.code, 1, 4)
    FROM person p JOIN village v ON v.id = p.village_id
    WHERE p.office_code = :code AND p.deleted = 0
    """
)
_TRAINED_SQL = text(
    """
    SELECT e.person_id, e.completed, r.fiscal_year = :fy, r.status IN ('held', 'closed')
    FROM training_round r JOIN enrolment e ON e.round_id = r.id
    WHERE r.office_code = :code AND r.deleted = 0 AND r.fiscal_year <= :fy
      AND e.status = 'enrolled' AND e.deleted = 0
    """
)
_REGISTRATIONS_SQL = text(
    """
    SELECT person_id, SUM(count) FROM registration
    WHERE office_code = :code AND deleted = 0 AND person_id IS NOT NULL GROUP BY person_id
    """
)


def _scan(s: Session, sql, params: dict) -> list[tuple]:
    """Rows as the SQLite driver returns them: SQLAlchemy's result rows would double the cost of 75,000."""
    if s.get_bind().dialect.name != "sqlite":
        return [tuple(row) for row in s.execute(sql, params)]
    cursor = s.connection().connection.driver_connection.cursor()
    try:
        return cursor.execute(sql.text, params).fetchall()
    finally:
        cursor.close()


@dataclass(frozen=True)
class _Places:
    """Where each live person in a village lives: the district and (village, district) by person id."""

    district_of: dict
    place_of: dict
    people: Counter  # live people per district


def _places(s: Session, code: str) -> _Places:
    rows = _scan(s, _PLACES_SQL, {"code": code})
    district_of = {pid: district for pid, _vid, district in rows}
    return _Places(
        district_of=district_of,
        place_of={pid: (vid, district) for pid, vid, district in rows},
        people=Counter(district_of.values()),
    )


def _trained(s: Session, code: str, fy: int) -> tuple[set, set, set]:
    """Person ids trained this year, trained to date, and waiting for a result (held/closed round)."""
    year, to_date, pending = set(), set(), set()
    for pid, completed, this_year, held in _scan(s, _TRAINED_SQL, {"code": code, "fy": fy}):
        if completed == 1:
            to_date.add(pid)
            if this_year:
                year.add(pid)
        elif completed is None and held:
            pending.add(pid)
    return year, to_date, pending


def _registrations(s: Session, code: str, places: _Places) -> Counter:
    """Registrations per district."""
    out: Counter = Counter()
    district_of = places.district_of
    for pid, n in _scan(s, _REGISTRATIONS_SQL, {"code": code}):
        district = district_of.get(pid)
        if district is not None:
            out[district] += int(n or 0)
    return out


def _district_facts(
    places: _Places, trained: tuple[set, set, set], registrations: Counter
) -> dict[str, tuple[int, int, int, int, int, int]]:
    """(people, trained this year, trained to date, pending, villages covered, registrations) per district."""

    def per_district(ids: set) -> Counter:
        return Counter(map(places.district_of.get, ids))  # a None key counts people not in a village

    year, to_date, pending = trained
    t_year, t_all, waiting = per_district(year), per_district(to_date), per_district(pending)
    villages = set(map(places.place_of.get, to_date))
    villages.discard(None)
    covered = Counter(district for _vid, district in villages)
    return {
        d: (n, t_year[d], t_all[d], waiting[d], covered[d], registrations[d])
        for d, n in places.people.items()
    }


def _districts(
    s: Session, code: str, fy: int, ratio: int, memo: FiguresMemo | None = None, stamp: tuple | None = None
) -> tuple[DistrictFigures, ...]:
    villages = dict(
        s.execute(
            select(func.substr(Village.code, 1, 4), func.count())
            .where(Village.office_code == code, Village.deleted.is_(False))
            .group_by(func.substr(Village.code, 1, 4))
        ).all()
    )

    def part(name: str, tables: tuple[str, ...], compute):
        year = fy if name == "trained" else None  # the people's places and registrations serve every year
        key = None if stamp is None else (name, code, year, tuple(stamp[WATCHED.index(t)] for t in tables))
        if memo is None:
            return compute()
        return memo.part(key, compute)

    places = part("places", ("village", "person"), lambda: _places(s, code))
    facts = _district_facts(
        places,
        part("trained", ("training_round", "enrolment"), lambda: _trained(s, code, fy)),
        part("registrations", ("registration", "village", "person"), lambda: _registrations(s, code, places)),
    )
    out = []
    for d_code, d_name in s.execute(
        select(District.code, District.name_th)
        .where(District.office_code == code, District.deleted.is_(False))
        .order_by(District.code)
    ):
        target = villages.get(d_code, 0)
        people, t_year, t_all, pending, covered, regs = facts.get(d_code, (0, 0, 0, 0, 0, 0))
        out.append(
            DistrictFigures(
                code=d_code,
                name=d_name,
                target=target,
                people=people,
                trained_year=t_year,
                trained_to_date=t_all,
                pending=pending,
                villages_covered=covered,
                registrations=regs,
                registration_target=target * ratio,
            )
        )
    return tuple(out)


def _grouped(s: Session, stmt) -> dict[uuid.UUID, tuple]:
    return {row[0]: tuple(row[1:]) for row in s.execute(stmt)}


def _round_money(s: Session, code: str, fy: int) -> dict[uuid.UUID, tuple[int, int, int]]:
    in_year = select(TrainingRound.id).where(
        TrainingRound.office_code == code, TrainingRound.fiscal_year == fy, TrainingRound.deleted.is_(False)
    )
    exp = _grouped(
        s,
        select(
            ExpenseLine.round_id,
            func.sum(case((ExpenseLine.kind == "plan", ExpenseLine.amount_satang), else_=0)),
            func.sum(case((ExpenseLine.kind == "actual", ExpenseLine.amount_satang), else_=0)),
        )
        .where(ExpenseLine.deleted.is_(False), ExpenseLine.round_id.in_(in_year))
        .group_by(ExpenseLine.round_id),
    )
    paid = _grouped(
        s,
        select(PaymentLine.round_id, func.sum(PaymentLine.amount_satang))
        .where(PaymentLine.deleted.is_(False), PaymentLine.round_id.in_(in_year))
        .group_by(PaymentLine.round_id),
    )
    keys = set(exp) | set(paid)
    return {
        k: (int(exp.get(k, (0, 0))[0] or 0), int(exp.get(k, (0, 0))[1] or 0), int(paid.get(k, (0,))[0] or 0))
        for k in keys
    }


def _round_counts(s: Session, code: str, fy: int) -> dict[uuid.UUID, tuple]:
    """Enrolled and completed per round of the year (read from the covering index ix_enrolment_figures)."""
    in_year = select(TrainingRound.id).where(
        TrainingRound.office_code == code, TrainingRound.fiscal_year == fy, TrainingRound.deleted.is_(False)
    )
    return _grouped(
        s,
        select(
            Enrolment.round_id,
            func.count(),
            func.sum(case((Enrolment.completed.is_(True), 1), else_=0)),
        )
        .where(Enrolment.round_id.in_(in_year), Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
        .group_by(Enrolment.round_id),
    )


def _rounds(s: Session, code: str, fy: int, counts: dict[uuid.UUID, tuple]) -> tuple[RoundFigures, ...]:
    money = _round_money(s, code, fy)
    out = []
    for r in s.scalars(
        select(TrainingRound)
        .where(
            TrainingRound.office_code == code,
            TrainingRound.fiscal_year == fy,
            TrainingRound.deleted.is_(False),
        )
        .order_by(TrainingRound.number)
    ):
        enrolled, completed = counts.get(r.id, (0, 0))
        planned, actual, paid = money.get(r.id, (0, 0, 0))
        out.append(
            RoundFigures(
                id=r.id,
                fiscal_year=r.fiscal_year,
                number=r.number,
                title=r.title,
                start_date=r.start_date,
                end_date=r.end_date,
                venue=r.venue,
                status=r.status,
                capacity=r.capacity,
                enrolled=enrolled,
                completed=int(completed or 0),
                planned_satang=planned,
                actual_satang=actual,
                paid_satang=paid,
            )
        )
    return tuple(out)


def _budget(s: Session, code: str, fy: int, rounds: tuple[RoundFigures, ...]) -> BudgetFigures:
    allocated = s.scalar(
        select(func.coalesce(func.sum(BudgetAllocation.amount_satang), literal(0))).where(
            BudgetAllocation.office_code == code,
            BudgetAllocation.fiscal_year == fy,
            BudgetAllocation.deleted.is_(False),
        )
    )
    return BudgetFigures(
        allocated_satang=int(allocated or 0),
        planned_satang=sum(r.planned_satang for r in rounds),
        actual_satang=sum(r.actual_satang for r in rounds),
        spent_satang=sum(r.paid_satang for r in rounds),
    )


def _expenses(s: Session, code: str, fy: int) -> tuple[ExpenseFigures, ...]:
    year = and_(
        TrainingRound.office_code == code, TrainingRound.fiscal_year == fy, TrainingRound.deleted.is_(False)
    )
    cells: dict[tuple[int, str], list] = {}
    for number, rid, category, kind, amount in s.execute(
        select(
            TrainingRound.number,
            TrainingRound.id,
            ExpenseLine.category,
            ExpenseLine.kind,
            func.sum(ExpenseLine.amount_satang),
        )
        .join(TrainingRound, ExpenseLine.round_id == TrainingRound.id)
        .where(year, ExpenseLine.deleted.is_(False))
        .group_by(TrainingRound.number, TrainingRound.id, ExpenseLine.category, ExpenseLine.kind)
    ):
        cell = cells.setdefault((number, category), [rid, 0, 0, 0])
        cell[1 if kind == "plan" else 2] += int(amount or 0)
    for number, rid, category, amount in s.execute(
        select(
            TrainingRound.number, TrainingRound.id, PaymentLine.category, func.sum(PaymentLine.amount_satang)
        )
        .join(TrainingRound, PaymentLine.round_id == TrainingRound.id)
        .where(year, PaymentLine.deleted.is_(False))
        .group_by(TrainingRound.number, TrainingRound.id, PaymentLine.category)
    ):
        cells.setdefault((number, category), [rid, 0, 0, 0])[3] += int(amount or 0)
    return tuple(
        ExpenseFigures(v[0], f"{number}/{fy}", category, v[1], v[2], v[3])
        for (number, category), v in sorted(cells.items())
    )


def _burn(s: Session, code: str, fy: int) -> tuple[tuple[date, int], ...]:
    """Cumulative payments by month (the ledger date, or the round's last day when a line has none)."""
    day = func.coalesce(PaymentLine.paid_on, TrainingRound.end_date)
    by_month: dict[date, int] = {}
    for when, amount in s.execute(
        select(day, PaymentLine.amount_satang)
        .join(TrainingRound, PaymentLine.round_id == TrainingRound.id)
        .where(
            TrainingRound.office_code == code,
            TrainingRound.fiscal_year == fy,
            TrainingRound.deleted.is_(False),
            PaymentLine.deleted.is_(False),
        )
    ):
        if isinstance(when, str):
            when = date.fromisoformat(when)
        month = when.replace(day=1)
        by_month[month] = by_month.get(month, 0) + int(amount)
    total, out = 0, []
    for month in sorted(by_month):
        total += by_month[month]
        out.append((month, total))
    return tuple(out)


class FiguresCache:
    """Province figures remembered until the database changes, so an unchanged dashboard refreshes at once.

    SQLite's ``PRAGMA data_version`` on a connection kept for this purpose changes whenever any other
    connection commits; other databases get no caching (the stamp is None and the figures are recomputed).
    After a commit, the memo keeps the per-person aggregates unless a table they read was written.
    """

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._conn = None
        self._key: tuple | None = None
        self._value: ProvinceFigures | None = None
        self.memo = FiguresMemo()  # after a change, what the change did not touch is not recomputed

    def _stamp(self) -> int | None:
        if self.ctx.engine.dialect.name != "sqlite":
            return None
        if self._conn is None:
            self._conn = self.ctx.engine.raw_connection()
        cursor = self._conn.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def get(self, *, fiscal_year: int) -> ProvinceFigures:
        with self._lock:
            stamp = self._stamp()
            if stamp is not None and self._key == (fiscal_year, stamp) and self._value is not None:
                return self._value
        value = province_figures(self.ctx, fiscal_year=fiscal_year, memo=self.memo)
        with self._lock:
            self._key, self._value = (fiscal_year, stamp), value
        return value

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
