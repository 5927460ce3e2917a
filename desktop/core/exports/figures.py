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

import json
import logging
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import date
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import aggregate_strings

from db.change_stamps import WATCHED, read_stamp
from db.engine import BUSY_TIMEOUT_MS
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
    Registration,
    TrainingRound,
    Village,
)
from desktop.core.context import AppContext

STATUSES = ("planned", "open", "held", "closed")
HELD = ("held", "closed")
DEFAULT_RATIO = 120
RATIO_SETTING = "target.registrations_per_kru_kho"
# Above this share of the listed people in rounds that changed, the trained tallies are counted afresh
# (bulk counting in C) rather than updated one person at a time.
RECOUNT_SHARE = 0.25
# Bump whenever what _districts computes (or how it is stored, _encode) changes: figures persisted by an
# older program are then computed again instead of shown.
FIGURES_FORMAT = 1
PERSISTED_PREFIX = "figures.persisted."  # + office code + "." + fiscal year: a LocalSetting key
PERSIST_BUSY_TIMEOUT_MS = 100  # another program writing: skip persisting rather than hold the refresh

log = logging.getLogger(__name__)


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
        self.restored = 0  # refreshes that reused figures persisted in the database file

    def get(self, key: tuple | None) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]] | None:
        with self._lock:
            if key is None or key != self._key:
                return None
            self.hits += 1
            return self._value

    def put(
        self,
        key: tuple | None,
        value: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]],
        *,
        restored: bool = False,
    ) -> None:
        with self._lock:
            self._key, self._value = key, value
            self.restored += restored

    def part(self, key: tuple | None, compute: Callable[[], Any]) -> Any:
        """One read's result (targets, places, trained people, registrations), kept while its tables are."""
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

    @property
    def has_parts(self) -> bool:
        with self._lock:
            return bool(self._parts)

    def previous(self, name: str) -> Any:
        """The last value of a part, whatever its key: a starting point for recomputing it."""
        with self._lock:
            kept = self._parts.get(name)
            return None if kept is None else kept[1]


def province_figures(
    ctx: AppContext, *, fiscal_year: int, memo: FiguresMemo | None = None, persist: bool = False
) -> ProvinceFigures:
    """The figures of one fiscal year; with a memo, the per-person aggregates are reused when unchanged.

    With ``persist`` as well, they are also kept in the database file, for the first refresh after a restart.
    """
    code = ctx.require_office_code()
    computed = persisted = None
    with ctx.reading() as s:
        stamp = read_stamp(s) if memo is not None else None
        office = s.scalar(select(Office).where(Office.code == code))
        province = s.scalar(select(Province).where(Province.code == code))
        ratio = registration_ratio(s)
        key = None if stamp is None else (code, fiscal_year, ratio, stamp)
        kept = memo.get(key) if memo is not None else None
        if kept is None and persist and key is not None:
            persisted = _persisted_key(s, key)
            kept = _load_persisted(s, persisted) if persisted is not None else None
            if kept is not None:
                memo.put(key, kept, restored=True)
        if kept is None:
            kept = computed = _districts(s, code, fiscal_year, ratio, memo, stamp)
            if memo is not None:
                memo.put(key, kept)
        districts, counts = kept
        rounds = _rounds(s, code, fiscal_year, counts)
        figures = ProvinceFigures(
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
    if computed is not None and persisted is not None:
        _save_persisted(ctx, persisted, computed)
    return figures


# Figures persisted in the database file (a never-synced LocalSetting per office and fiscal year), so that the
# first refresh after a start does not aggregate over every person again when nothing it reads has changed.
# The entry is keyed by everything its figures depend on: the watched tables' change stamp (read before the
# figures, as for the memo), the office, year and registrations ratio, the schema revision (a migration may
# rebuild a table with its triggers dropped, uncounted) and FIGURES_FORMAT (this program's computation).
# It lives in the same file as the rows and counters it was computed from, so it travels with them: a restored
# backup or a database copied from another PC brings its own entry with its own stamp, and the counters only
# ever grow within a file's history (every write to a watched table moves one in the writing transaction;
# db.change_stamps moves them all when it had to repair a trigger), so an equal stamp means no watched row has
# been written since the figures were computed. The budget, expenses and payments are read fresh as ever.
def _persisted_key(s: Session, key: tuple) -> list | None:
    """The entry's full key (JSON-shaped), or None when the schema revision cannot be read."""
    try:
        revision = ",".join(sorted(s.scalars(text("SELECT version_num FROM alembic_version"))))
    except SQLAlchemyError:
        return None
    code, fy, ratio, stamp = key
    return [FIGURES_FORMAT, revision, code, fy, ratio, list(stamp)]


def _setting_key(key: list) -> str:
    return f"{PERSISTED_PREFIX}{key[2]}.{key[3]}"


def _encode(key: list, kept: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]]) -> str:
    districts, counts = kept
    return json.dumps(
        {
            "key": key,
            "districts": [astuple(d) for d in districts],
            "rounds": [[rid.hex, int(enrolled), int(done or 0)] for rid, (enrolled, done) in counts.items()],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _load_persisted(
    s: Session, key: list
) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple[int, int]]] | None:
    """The persisted district figures and round counts if their key is exactly this one, else None."""
    raw = s.scalar(select(LocalSetting.value).where(LocalSetting.key == _setting_key(key)))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        if data["key"] != key:
            return None
        districts = tuple(
            DistrictFigures(str(code), str(name), *map(int, rest)) for code, name, *rest in data["districts"]
        )
        counts = {uuid.UUID(rid): (int(enrolled), int(done)) for rid, enrolled, done in data["rounds"]}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("persisted figures %s unreadable, computed again: %r", _setting_key(key), exc)
        return None
    return districts, counts


def _save_persisted(
    ctx: AppContext, key: list, kept: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]]
) -> None:
    """Persist figures in their own small transaction; a failure (the file locked by a long import, read-only,
    full) is logged and the figures are computed again next time."""
    raw = _encode(key, kept)
    stmt = sqlite_insert(LocalSetting).values(key=_setting_key(key), value=raw)
    stmt = stmt.on_conflict_do_update(index_elements=[LocalSetting.key], set_={"value": raw})
    try:
        with ctx.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(f"PRAGMA busy_timeout = {PERSIST_BUSY_TIMEOUT_MS}")
            try:
                with conn.begin():
                    conn.execute(stmt)
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cursor.close()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        log.warning("figures not persisted (computed again after a restart): %s", exc)


# The per-district facts are put together in Python from three reads through covering indexes
# (ix_person_figures/ix_village_figures, ix_enrolment_figures, ix_registration_figures), each of which a
# memo can keep while the tables it reads are unchanged. Each read returns its person ids as a few long
# comma-separated strings aggregated by the database (split in C), not one row per person: building 75,000
# row tuples was most of the cost. Ids are cast to text so that every table gives the same form.
def _ids(column) -> Any:
    return aggregate_strings(cast(column, String), ",")


@dataclass(frozen=True)
class _Places:
    """Where each live person in a village lives, by person id, and the live people per district."""

    place_of: dict[str, tuple[str, str]]  # (village id, district code)
    people: Counter

    def placed(self, ids: str | None) -> dict[str, tuple[str, str] | None]:
        """The people of a comma-separated id list with their places (None: not a live person in a village)."""
        if not ids:
            return {}
        listed = ids.split(",")
        return dict(zip(listed, map(self.place_of.get, listed), strict=True))


def _places(s: Session, code: str) -> _Places:
    district = func.substr(Village.code, 1, 4)
    place_of: dict[str, tuple[str, str]] = {}
    people: Counter = Counter()
    # Both lists of a district follow its rows in the same order (one pass feeds every aggregate).
    for d_code, ids, villages in s.execute(
        select(district, _ids(Person.id), _ids(Person.village_id))
        .join(Village, Village.id == Person.village_id)
        .where(Person.office_code == code, Person.deleted.is_(False))
        .group_by(district)
    ):
        listed = ids.split(",")
        place_of.update(zip(listed, zip(villages.split(","), repeat(d_code), strict=False), strict=True))
        people[d_code] = len(listed)
    return _Places(place_of=place_of, people=people)


@dataclass(frozen=True)
class _RoundPeople:
    """One round's people trained and waiting for a result: the id lists as read, and where each lives."""

    fiscal_year: int
    listed: tuple[str | None, str | None]
    trained: dict[str, tuple[str, str] | None]
    waiting: dict[str, tuple[str, str] | None]


class _Tally:
    """Distinct people per district over several rounds' lists, kept with how many lists name each person.

    Adding or taking away one round touches only that round's people, so a result recorded in one round
    costs that round, not the province. With ``villages``, also the villages that have a counted person.
    """

    def __init__(self, lists: list[dict[str, tuple[str, str] | None]], *, villages: bool = False) -> None:
        """The tally of these lists, counted in bulk (C loops) rather than added one list at a time."""
        merged: dict[str, tuple[str, str] | None] = {}
        for people in lists:
            merged.update(people)
        placed = list(filter(None, merged.values()))
        # Plain dicts for the per-person and per-village counts: dict.copy() of 75,000 is a fraction of
        # Counter.copy(), which re-adds every key.
        if sum(map(len, lists)) == len(merged):  # nobody in two lists: the usual case, and the cheap one
            self.named: dict[str, int] = dict.fromkeys(merged, 1)  # lists naming each person
        else:
            self.named = dict(Counter(chain.from_iterable(lists)))
        self.per_district: Counter = Counter(map(itemgetter(1), placed))
        self.people_in: dict[tuple[str, str], int] | None = dict(Counter(placed)) if villages else None
        self.covered: Counter = Counter(map(itemgetter(1), self.people_in or ()))  # villages with people in

    def copy(self) -> _Tally:
        out = _Tally.__new__(_Tally)
        out.named, out.per_district = self.named.copy(), Counter(self.per_district)
        out.people_in = None if self.people_in is None else self.people_in.copy()
        out.covered = Counter(self.covered)
        return out

    def add(self, people: dict[str, tuple[str, str] | None], sign: int) -> None:
        """Count one more list of people (sign 1), or one fewer (sign -1)."""
        named, per_district, people_in, covered = self.named, self.per_district, self.people_in, self.covered
        edge = 1 if sign > 0 else 0  # a person's (or village's) count at which it starts or stops counting
        for pid, place in people.items():
            n = named.get(pid, 0) + sign
            if n:
                named[pid] = n
            else:
                del named[pid]
            if place is None or n != edge:
                continue  # not a live person in a village, or still (or already) counted through another list
            per_district[place[1]] += sign
            if people_in is not None:
                k = people_in.get(place, 0) + sign
                if k:
                    people_in[place] = k
                else:
                    del people_in[place]
                if k == edge:
                    covered[place[1]] += sign


@dataclass(frozen=True)
class _Trained:
    """Who is trained (this year, to date) and who waits for a result, per district, from these rounds."""

    code: str
    fiscal_year: int
    places: _Places  # every round below was placed with these
    rounds: dict[uuid.UUID, _RoundPeople]
    year: _Tally
    to_date: _Tally
    waiting: _Tally
    round_counts: dict[uuid.UUID, tuple[int, int]]  # (enrolled, completed) per round of the year


def _per_round(column, *where) -> Any:
    """An aggregate over a round's live enrolments (and these conditions), read in ix_enrolment_figures."""
    return (
        select(column)
        .where(
            Enrolment.round_id == TrainingRound.id,
            Enrolment.status == "enrolled",
            Enrolment.deleted.is_(False),
            *where,
        )
        .scalar_subquery()
    )


def _trained(s: Session, code: str, fy: int, places: _Places, previous: _Trained | None) -> _Trained:
    """Who is trained and who waits for a result (a held/closed round), from the rounds up to the year.

    Each round's ids come as one string per result (one row per round): a round whose strings equal the
    previous ones has the same people, already placed. Starting from the previous tallies (same year), a round
    whose year and strings are unchanged is left as it is; only the rounds that changed (or appeared, or went)
    are taken away and added again. Without such tallies, or when most people changed, they are counted afresh.
    """
    completed, waiting_result = Enrolment.completed.is_(True), Enrolment.completed.is_(None)
    rows = s.execute(
        select(
            TrainingRound.id,
            TrainingRound.fiscal_year,
            _per_round(func.count()),
            _per_round(func.count(), completed),
            _per_round(_ids(Enrolment.person_id), completed),
            case((TrainingRound.status.in_(HELD), _per_round(_ids(Enrolment.person_id), waiting_result))),
        ).where(
            TrainingRound.office_code == code,
            TrainingRound.deleted.is_(False),
            TrainingRound.fiscal_year <= fy,
        )
    ).all()
    round_counts = {rid: (enrolled, done) for rid, year_, enrolled, done, *_ in rows if year_ == fy}
    placed_alike = previous is not None and previous.places is places and previous.code == code
    kept = previous.rounds if placed_alike else {}
    rounds: dict[uuid.UUID, _RoundPeople] = {}
    changed: list[_RoundPeople] = []  # the new state of rounds that changed
    for rid, round_year, _enrolled, _done, trained_ids, waiting_ids in rows:
        old = kept.get(rid)
        listed = (trained_ids, waiting_ids)
        if old is None or old.listed != listed:
            now = _RoundPeople(round_year, listed, places.placed(trained_ids), places.placed(waiting_ids))
        elif old.fiscal_year != round_year:
            now = _RoundPeople(round_year, listed, old.trained, old.waiting)
        else:
            now = old
        rounds[rid] = now
        if now is not old:
            changed.append(now)
    # The rounds to take away: changed, deleted, moved to a later year or to another office.
    taken = [people for rid, people in kept.items() if rounds.get(rid) is not people]
    moved = sum(len(p.trained) + len(p.waiting) for p in (*changed, *taken))
    total = sum(len(p.trained) + len(p.waiting) for p in rounds.values())
    if not placed_alike or previous.fiscal_year != fy or moved > RECOUNT_SHARE * total:
        every = rounds.values()
        return _Trained(
            code,
            fy,
            places,
            rounds,
            year=_Tally([p.trained for p in every if p.fiscal_year == fy]),
            to_date=_Tally([p.trained for p in every], villages=True),
            waiting=_Tally([p.waiting for p in every]),
            round_counts=round_counts,
        )
    # Copies, so that figures already handed out (and a refresh running alongside) never see a change.
    year, to_date, waiting = previous.year.copy(), previous.to_date.copy(), previous.waiting.copy()
    for people, sign in (*((p, -1) for p in taken), *((p, 1) for p in changed)):
        to_date.add(people.trained, sign)
        if people.fiscal_year == fy:
            year.add(people.trained, sign)
        waiting.add(people.waiting, sign)
    return _Trained(code, fy, places, rounds, year, to_date, waiting, round_counts)


def _registrations(s: Session, code: str, places: _Places) -> Counter:
    """Registrations per district: the people with each registration total, placed in their districts."""
    per_person = (
        select(Registration.person_id, func.coalesce(func.sum(Registration.count), 0).label("n"))
        .where(
            Registration.office_code == code,
            Registration.deleted.is_(False),
            Registration.person_id.is_not(None),
        )
        .group_by(Registration.person_id)
        .subquery()
    )
    out: Counter = Counter()
    place_of = places.place_of
    for n, ids in s.execute(select(per_person.c.n, _ids(per_person.c.person_id)).group_by(per_person.c.n)):
        if n:
            for d_code, people in Counter(
                map(itemgetter(1), filter(None, map(place_of.get, ids.split(","))))
            ).items():
                out[d_code] += people * int(n)
    return out


def _village_targets(s: Session, code: str) -> dict[str, int]:
    """Live villages per district (the ครู ข target)."""
    return dict(
        s.execute(
            select(func.substr(Village.code, 1, 4), func.count())
            .where(Village.office_code == code, Village.deleted.is_(False))
            .group_by(func.substr(Village.code, 1, 4))
        ).all()
    )


def _districts(
    s: Session, code: str, fy: int, ratio: int, memo: FiguresMemo | None = None, stamp: tuple | None = None
) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple[int, int]]]:
    """The district figures, and (enrolled, completed) per round of the year, read in the same scans."""

    def part(name: str, tables: tuple[str, ...], compute):
        year = fy if name == "trained" else None  # the people's places and registrations serve every year
        key = None if stamp is None else (name, code, year, tuple(stamp[WATCHED.index(t)] for t in tables))
        if memo is None:
            return compute()
        return memo.part(key, compute)

    villages = part("targets", ("village",), lambda: _village_targets(s, code))
    places = part("places", ("village", "person"), lambda: _places(s, code))
    trained = part(
        "trained",
        ("village", "person", "training_round", "enrolment"),
        lambda: _trained(s, code, fy, places, memo.previous("trained") if memo is not None else None),
    )
    registrations = part(
        "registrations", ("registration", "village", "person"), lambda: _registrations(s, code, places)
    )
    out = []
    for d_code, d_name in s.execute(
        select(District.code, District.name_th)
        .where(District.office_code == code, District.deleted.is_(False))
        .order_by(District.code)
    ):
        target = villages.get(d_code, 0)
        out.append(
            DistrictFigures(
                code=d_code,
                name=d_name,
                target=target,
                people=places.people[d_code],
                trained_year=trained.year.per_district[d_code],
                trained_to_date=trained.to_date.per_district[d_code],
                pending=trained.waiting.per_district[d_code],
                villages_covered=trained.to_date.covered[d_code],
                registrations=registrations[d_code],
                registration_target=target * ratio,
            )
        )
    return tuple(out), trained.round_counts


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
        value = province_figures(self.ctx, fiscal_year=fiscal_year, memo=self.memo, persist=True)
        with self._lock:
            self._key, self._value = (fiscal_year, stamp), value
        return value

    def warm(self, *, fiscal_year: int) -> bool:
        """Compute the per-person parts the memo keeps when the figures came from the file (after a restart), so
        the first refresh after a change costs what any other does; run off the GUI thread once the dashboard
        is shown. Returns whether there was anything to do."""
        if self.memo.has_parts:
            return False
        code = self.ctx.require_office_code()
        with self.ctx.reading() as s:
            stamp = read_stamp(s)
            if stamp is None:
                return False
            _districts(s, code, fiscal_year, registration_ratio(s), self.memo, stamp)
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
