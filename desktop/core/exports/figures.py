"""The province's figures for one fiscal year (targets, trained, rounds, budget, registrations) by SQL aggregation.

One source for the workbook, the dashboard and the summary PDFs, so their numbers agree. The parts: model.py (the
shapes), districts.py (per district), money.py (per round and the budget), memo.py and persisted.py (kept figures).
When the budget issue's report is merged it should become the source of the budget figures here
(exports/money.py); until then they are summed from the tables.

Definitions (docs/workbook-format.md, "Figures"):
* target ครู ข of a district = its live villages (DOMAIN: one ครู ข per village); registrations target =
  that × the ratio (1 : 120, LocalSetting ``target.registrations_per_kru_kho`` overrides it).
* trained = an active enrolment with ``completed`` true; "this year" counts rounds of the fiscal year,
  "to date" every fiscal year up to it. Pending = enrolled in a held/closed round (to date) with no result yet.
* spent = the payment ledger (reversals included) of the year's rounds; remaining = allocated − spent.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.change_stamps import read_stamp
from db.models import (
    BudgetAllocation,
    Lecturer,
    LocalSetting,
    Office,
    Person,
    Province,
    TrainingRound,
    Village,
)
from desktop.core.context import AppContext
from desktop.core.exports.districts import district_figures
from desktop.core.exports.memo import FiguresMemo
from desktop.core.exports.model import STATUSES, ProvinceFigures, RegisterCounts
from desktop.core.exports.money import budget_figures, burn_figures, expense_figures, round_figures
from desktop.core.exports.persisted import entry_key, load_entry, save_entry

DEFAULT_RATIO = 120
RATIO_SETTING = "target.registrations_per_kru_kho"


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


def province_figures(
    ctx: AppContext, *, fiscal_year: int, memo: FiguresMemo | None = None, persist: bool = False
) -> ProvinceFigures:
    """The figures of one fiscal year; with a memo, the per-person aggregates are reused when unchanged.

    With ``persist`` as well, they are also kept in the database file, for the first refresh after a restart.
    """
    code = ctx.require_office_code()
    computed = entry = None
    with ctx.reading() as s:
        stamp = read_stamp(s) if memo is not None else None
        office = s.scalar(select(Office).where(Office.code == code))
        province = s.scalar(select(Province).where(Province.code == code))
        ratio = registration_ratio(s)
        key = None if stamp is None else (code, fiscal_year, ratio, stamp)
        kept = memo.get(key) if memo is not None else None
        if kept is None and persist and key is not None:
            entry = entry_key(s, key)
            kept = load_entry(s, entry) if entry is not None else None
            if kept is not None:
                memo.put(key, kept, restored=True)
        if kept is None:
            kept = computed = district_figures(s, code, fiscal_year, ratio, memo, stamp)
            if memo is not None:
                memo.put(key, kept)
        districts, counts = kept
        rounds = round_figures(s, code, fiscal_year, counts)
        figures = ProvinceFigures(
            province_code=code,
            province_name=province.name_th if province else "",
            office_name=office.name_th if office else "",
            fiscal_year=fiscal_year,
            ratio=ratio,
            districts=districts,
            rounds=rounds,
            budget=budget_figures(s, code, fiscal_year, rounds),
            expenses=expense_figures(s, code, fiscal_year),
            burn=burn_figures(s, code, fiscal_year),
            rounds_by_status={st: sum(1 for r in rounds if r.status == st) for st in STATUSES},
        )
    if computed is not None and entry is not None:
        save_entry(ctx, entry, computed)
    return figures


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
            district_figures(s, code, fiscal_year, registration_ratio(s), self.memo, stamp)
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
