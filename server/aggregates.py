"""National figures computed by the database, and the typed tables that keep them cheap at 9 M registrations.

The definitions are db/exchange/national.py's (those of desktop/core/exports/figures.py and docs/money.md),
stated once here as SQL over the synced rows: GROUP BY office and district, so one statement per measure
serves all 76 provinces. Registrations are not read from 9 million JSON rows: every registration reaches the
centre as a typed ``registration_record`` (from a PC's push or the centre's import of the ministry export,
docs/national-scale.md) and is summed per ครู ข in ``registration_tally`` in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    and_,
    case,
    cast,
    delete,
    func,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.exchange.national import DEFAULT_RATIO, STATUSES
from db.exchange.workbook_format import (
    DistrictRow as DistrictFigures,  # one district line, workbook and centre
)
from server.models import OfficeActivity, RegistrationRecord, RegistrationTally, StoredFigures, SyncRow

ROW = SyncRow.__table__
RECORD = RegistrationRecord.__table__
TALLY = RegistrationTally.__table__
ACTIVITY = OfficeActivity.__table__
STORED = StoredFigures.__table__
CENTRAL_TABLES = ("budget_allocation", "rate")  # the centre's rows say nothing about a province's sync
CHUNK = 400


@dataclass(frozen=True)
class OfficeFigures:
    """One office's figures for a fiscal year: per district, and the province-wide rounds and money."""

    code: str
    fiscal_year: int
    districts: tuple[DistrictFigures, ...]
    rounds_by_status: tuple[int, ...]  # STATUSES order
    allocated_satang: int
    planned_satang: int
    actual_satang: int
    spent_satang: int

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.districts)


def _dialect(conn: Connection | Session) -> str:
    return conn.dialect.name if isinstance(conn, Connection) else conn.get_bind().dialect.name


def _insert(conn: Connection | Session):
    return pg_insert if _dialect(conn) == "postgresql" else sqlite_insert


def _text(key: str):
    return ROW.c.data[key].as_string()


def _int(key: str):
    # as_integer() casts to INTEGER on PostgreSQL; amounts in satang can pass 2^31.
    return cast(ROW.c.data[key].as_string(), BigInteger)


def _rows(table: str, *cols: Any, live: bool = True, offices: list[str] | None = None):
    q = select(ROW.c.office_code.label("office"), *cols).where(ROW.c.table_name == table)
    if live:
        q = q.where(ROW.c.deleted.is_(False))
    if offices is not None:
        q = q.where(ROW.c.office_code.in_(offices))
    return q


# ------------------------------------------------------------------------------------------ figures


def figures(
    session: Session, *, fiscal_year: int, offices: list[str] | None = None, ratio: int = DEFAULT_RATIO
) -> dict[str, OfficeFigures]:
    """Every office's figures (or those of ``offices``) in a handful of GROUP BY statements."""
    fy = fiscal_year
    if _dialect(session) == "postgresql":
        # The joins are on values inside the JSON, whose selectivity PostgreSQL cannot estimate: it then picks
        # nested loops that re-read the JSON for every pair (minutes at 76 provinces). Hash joins read each
        # row once (seconds).
        session.execute(text("SET LOCAL enable_nestloop = off"))
    d = _rows("district", _text("code").label("code"), _text("name_th").label("name"), offices=offices).cte(
        "d"
    )
    # People join their village whether or not it is deleted (as the desktop's SQL); the target counts live ones.
    v = _rows(
        "village",
        _text("id").label("id"),
        func.substr(_text("code"), 1, 4).label("dcode"),
        ROW.c.deleted.label("gone"),
        live=False,
        offices=offices,
    ).cte("v")
    pv = _rows(
        "person",
        _text("id").label("pid"),
        _text("village_id").label("vid"),
        _text("national_id").label("nid"),
        offices=offices,
    ).subquery("p")
    people = (
        select(pv.c.office, pv.c.pid, pv.c.vid, pv.c.nid, v.c.dcode)
        .join(v, and_(v.c.office == pv.c.office, v.c.id == pv.c.vid))
        .join(d, and_(d.c.office == pv.c.office, d.c.code == v.c.dcode))
        .cte("pv")
    )
    r = (
        _rows(
            "training_round",
            _text("id").label("rid"),
            _int("fiscal_year").label("fy"),
            _text("status").label("status"),
            offices=offices,
        )
        .where(_int("fiscal_year") <= fy)
        .cte("r")
    )
    e = (
        _rows("enrolment", _text("round_id").label("rid"), _text("person_id").label("pid"), offices=offices)
        .where(
            func.coalesce(_text("status"), "enrolled") == "enrolled",
            ROW.c.data["completed"].as_boolean() == true(),
        )
        .subquery("e")
    )

    out_d: dict[tuple[str, str], dict[str, Any]] = {}
    names: dict[tuple[str, str], str] = {}
    for office, code, name in _exec(session, select(d.c.office, d.c.code, d.c.name)):
        names[(office, code)] = name or ""

    def slot(office: str, code: str) -> dict[str, Any]:
        return out_d.setdefault((office, code), defaultdict(int))

    for office, code, n in _exec(
        session,
        select(v.c.office, v.c.dcode, func.count())
        .join(d, and_(d.c.office == v.c.office, d.c.code == v.c.dcode))
        .where(v.c.gone.is_(False))
        .group_by(v.c.office, v.c.dcode),
    ):
        slot(office, code)["target"] = n
    year_pid = case((r.c.fy == fy, people.c.pid))
    for office, code, to_date, year, covered in _exec(
        session,
        select(
            people.c.office,
            people.c.dcode,
            func.count(people.c.pid.distinct()),
            func.count(year_pid.distinct()),
            func.count(people.c.vid.distinct()),
        )
        .select_from(e)
        .join(r, and_(r.c.office == e.c.office, r.c.rid == e.c.rid))
        .join(people, and_(people.c.office == e.c.office, people.c.pid == e.c.pid))
        .group_by(people.c.office, people.c.dcode),
    ):
        s = slot(office, code)
        s["trained_to_date"], s["trained_year"], s["villages_covered"] = to_date, year, covered
    for office, code, n in _exec(
        session,
        select(people.c.office, people.c.dcode, func.sum(TALLY.c.count))
        .join(TALLY, and_(TALLY.c.office_code == people.c.office, TALLY.c.national_id == people.c.nid))
        .group_by(people.c.office, people.c.dcode),
    ):
        slot(office, code)["registrations"] = int(n or 0)

    status: dict[str, dict[str, int]] = defaultdict(dict)
    for office, st, n in _exec(
        session,
        select(r.c.office, r.c.status, func.count()).where(r.c.fy == fy).group_by(r.c.office, r.c.status),
    ):
        status[office][st] = n
    alloc = (
        _rows("budget_allocation", _int("amount_satang").label("amount"), offices=offices)
        .where(_int("fiscal_year") == fy)
        .subquery("a")
    )
    allocated = {
        office: int(total or 0)
        for office, total in _exec(
            session, select(alloc.c.office, func.sum(alloc.c.amount)).group_by(alloc.c.office)
        )
    }
    year_rounds = select(r.c.office, r.c.rid).where(r.c.fy == fy).subquery("yr")
    expense = _rows(
        "expense_line",
        _text("round_id").label("rid"),
        _text("kind").label("kind"),
        _int("amount_satang").label("amount"),
        offices=offices,
    ).subquery("x")
    money: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for office, kind, total in _exec(
        session,
        select(expense.c.office, expense.c.kind, func.sum(expense.c.amount))
        .join(year_rounds, and_(year_rounds.c.office == expense.c.office, year_rounds.c.rid == expense.c.rid))
        .group_by(expense.c.office, expense.c.kind),
    ):
        money[office][kind] = int(total or 0)
    pay = _rows(
        "payment_line", _text("round_id").label("rid"), _int("amount_satang").label("amount"), offices=offices
    ).subquery("pl")
    for office, total in _exec(
        session,
        select(pay.c.office, func.sum(pay.c.amount))
        .join(year_rounds, and_(year_rounds.c.office == pay.c.office, year_rounds.c.rid == pay.c.rid))
        .group_by(pay.c.office),
    ):
        money[office]["people"] = int(total or 0)

    by_office: dict[str, list[DistrictFigures]] = defaultdict(list)
    for (office, code), name in sorted(names.items()):
        s = out_d.get((office, code), {})
        target = s.get("target", 0)
        by_office[office].append(
            DistrictFigures(
                code=code,
                name=name,
                target=target,
                trained_year=s.get("trained_year", 0),
                trained_to_date=s.get("trained_to_date", 0),
                villages_covered=s.get("villages_covered", 0),
                registrations=s.get("registrations", 0),
                registration_target=target * ratio,
            )
        )
    codes = set(by_office) | set(status) | set(allocated) | set(money)
    out = {}
    for code in codes:
        m = money.get(code, {})
        out[code] = OfficeFigures(
            code=code,
            fiscal_year=fy,
            districts=tuple(by_office.get(code, ())),
            rounds_by_status=tuple(status.get(code, {}).get(s, 0) for s in STATUSES),
            allocated_satang=int(allocated.get(code) or 0),
            planned_satang=m.get("plan", 0),
            actual_satang=m.get("actual", 0),
            # Disbursed = vendors (actual expense lines) + people (the ledger): docs/money.md.
            spent_satang=m.get("actual", 0) + m.get("people", 0),
        )
    return out


def stored(
    session: Session, *, fiscal_year: int, offices: list[str]
) -> dict[str, tuple[tuple[int, int], OfficeFigures]]:
    """The figures kept in the database for these offices: office → ((last_seq, stamp), figures)."""
    out = {}
    for start in range(0, len(offices), CHUNK):
        q = select(STORED.c.office_code, STORED.c.last_seq, STORED.c.stamp, STORED.c.data).where(
            STORED.c.fiscal_year == fiscal_year, STORED.c.office_code.in_(offices[start : start + CHUNK])
        )
        for code, seq, stamp, data in session.execute(q):
            districts = tuple(DistrictFigures(**d) for d in data["districts"])
            fig = OfficeFigures(
                **{**data, "districts": districts, "rounds_by_status": tuple(data["rounds_by_status"])}
            )
            out[code] = ((seq, stamp), fig)
    return out


def store(session: Session, *, figures: dict[str, tuple[tuple[int, int], OfficeFigures]]) -> None:
    """Keep freshly computed figures for every process (upsert; the newer stamp is what the next reader checks)."""
    rows = [
        {
            "office_code": code,
            "fiscal_year": fig.fiscal_year,
            "last_seq": stamp[0],
            "stamp": stamp[1],
            "data": asdict(fig),
        }
        for code, (stamp, fig) in sorted(figures.items())
    ]
    if not rows:
        return
    stmt = _insert(session)(STORED)
    stmt = stmt.on_conflict_do_update(
        index_elements=["office_code", "fiscal_year"],
        set_={"last_seq": stmt.excluded.last_seq, "stamp": stmt.excluded.stamp, "data": stmt.excluded.data},
    )
    session.execute(stmt, rows)


def _exec(session: Session | Connection, q: Any) -> Iterable[Any]:
    return session.execute(q).all()


# --------------------------------------------------------------------------- kept in step on push


def _reg(data: dict[str, Any] | None) -> tuple[str, str, int] | None:
    """(source_key, national_id, count) of a live registration row, else None."""
    if data is None or data.get("deleted"):
        return None
    key, nid = data.get("source_key"), data.get("national_id")
    if not isinstance(key, str) or not isinstance(nid, str):
        return None
    return key, nid, int(data.get("count") or 0)


def rows_written(
    session: Session,
    *,
    office: str,
    written: list[tuple[str, dict[str, Any] | None, dict[str, Any]]],
    top_seq: int,
    now: datetime,
) -> None:
    """After a push wrote ``written`` (table, old data or None, new data): registration records, tallies and
    the office's activity row follow, in the push's transaction."""
    regs = [(old, new) for table, old, new in written if table == "registration"]
    if regs:
        put_records(
            session,
            office=office,
            changes=[(old_r, new_r) for old, new in regs if (old_r := _reg(old)) != (new_r := _reg(new))],
            origin="sync",
        )
    own = sum(1 for table, old, _new in written if old is None and table not in CENTRAL_TABLES)
    ins = _insert(session)(ACTIVITY).values(
        office_code=office, last_seq=top_seq, synced_at=now, synced_rows=own, stamp=1
    )
    session.execute(
        ins.on_conflict_do_update(
            index_elements=["office_code"],
            set_={
                "last_seq": func.greatest(ACTIVITY.c.last_seq, top_seq)
                if _dialect(session) == "postgresql"
                else func.max(ACTIVITY.c.last_seq, top_seq),
                "synced_at": now,
                "synced_rows": ACTIVITY.c.synced_rows + own,
                "stamp": ACTIVITY.c.stamp + 1,
            },
        )
    )


def bump(session: Session | Connection, offices: Iterable[str]) -> None:
    """Move the stamp of offices whose figures changed outside a push (an import, a publish)."""
    for office in sorted(set(offices)):
        ins = _insert(session)(ACTIVITY).values(office_code=office, last_seq=0, synced_rows=0, stamp=1)
        session.execute(
            ins.on_conflict_do_update(index_elements=["office_code"], set_={"stamp": ACTIVITY.c.stamp + 1})
        )


def put_records(
    session: Session | Connection,
    *,
    office: str,
    changes: list[tuple[tuple[str, str, int] | None, tuple[str, str, int] | None]],
    origin: str,
) -> None:
    """Apply (old, new) registration keys of one office: records replaced or removed, tallies moved by the
    difference. ``old`` None for a record that was not there (an import line: whatever is stored is replaced)."""
    if not changes:
        return
    keys = sorted({c[0] for pair in changes for c in pair if c is not None})
    stored: dict[str, tuple[str, int]] = {}
    for start in range(0, len(keys), CHUNK):
        q = select(RECORD.c.source_key, RECORD.c.national_id, RECORD.c.count).where(
            RECORD.c.office_code == office, RECORD.c.source_key.in_(keys[start : start + CHUNK])
        )
        if _dialect(session) == "postgresql":
            q = q.order_by(RECORD.c.source_key).with_for_update()
        for key, nid, n in session.execute(q):
            stored[key] = (nid, n)
    final: dict[str, tuple[str, int] | None] = dict(stored)
    for old, new in changes:
        if old is not None and (new is None or new[0] != old[0]):
            final[old[0]] = None
        if new is not None:
            final[new[0]] = (new[1], new[2])
    delta: dict[str, int] = defaultdict(int)
    upserts, removals = [], []
    for key in sorted(set(final) | set(stored)):
        before, after = stored.get(key), final.get(key)
        if before == after:
            continue
        if before is not None:
            delta[before[0]] -= before[1]
        if after is not None:
            delta[after[0]] += after[1]
            upserts.append(
                {
                    "office_code": office,
                    "source_key": key,
                    "national_id": after[0],
                    "count": after[1],
                    "origin": origin,
                }
            )
        else:
            removals.append(key)
    ins = _insert(session)
    if upserts:
        # executemany of one cached statement (a multi-VALUES insert would be compiled anew for every batch).
        stmt = ins(RECORD)
        stmt = stmt.on_conflict_do_update(
            index_elements=["office_code", "source_key"],
            set_={
                "national_id": stmt.excluded.national_id,
                "count": stmt.excluded.count,
                "origin": stmt.excluded.origin,
            },
        )
        session.execute(stmt, upserts)
    for start in range(0, len(removals), CHUNK):
        session.execute(
            delete(RECORD).where(
                RECORD.c.office_code == office, RECORD.c.source_key.in_(removals[start : start + CHUNK])
            )
        )
    moved = [{"office_code": office, "national_id": nid, "count": n} for nid, n in sorted(delta.items()) if n]
    if moved:
        stmt = ins(TALLY)
        stmt = stmt.on_conflict_do_update(
            index_elements=["office_code", "national_id"], set_={"count": TALLY.c.count + stmt.excluded.count}
        )
        session.execute(stmt, moved)


# ------------------------------------------------------------------------------------------ rebuild


def rebuild(conn: Connection | Session) -> None:
    """Recompute the typed tables from the synced rows (migration s0005; tests compare against it).

    Records from the centre's import are kept; records from sync are rebuilt from the live registration rows.
    """
    conn.execute(delete(RECORD).where(RECORD.c.origin == "sync"))
    live = select(ROW.c.office_code, _text("source_key"), _text("national_id"), _int("count")).where(
        ROW.c.table_name == "registration", ROW.c.deleted.is_(False)
    )
    rows = conn.execute(live).all()
    ins = _insert(conn)
    records = [
        {"office_code": o, "source_key": k, "national_id": n, "count": int(c or 0), "origin": "sync"}
        for o, k, n, c in rows
        if k is not None and n is not None
    ]
    for start in range(0, len(records), CHUNK):
        stmt = ins(RECORD).values(records[start : start + CHUNK])
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["office_code", "source_key"],
                set_={
                    "national_id": stmt.excluded.national_id,
                    "count": stmt.excluded.count,
                    "origin": "sync",
                },
            )
        )
    rebuild_tally(conn)
    conn.execute(delete(ACTIVITY))
    stats = conn.execute(
        select(
            ROW.c.office_code,
            func.max(ROW.c.seq),
            func.max(case((ROW.c.table_name.not_in(CENTRAL_TABLES), ROW.c.updated_at))),
            func.count(case((ROW.c.table_name.not_in(CENTRAL_TABLES), 1))),
        ).group_by(ROW.c.office_code)
    ).all()
    if stats:
        conn.execute(
            ACTIVITY.insert(),
            [
                {"office_code": o, "last_seq": seq or 0, "synced_at": at, "synced_rows": n, "stamp": 1}
                for o, seq, at, n in stats
            ],
        )


def rebuild_tally(conn: Connection | Session) -> None:
    """The per-ครู ข sums from the records, in one INSERT … SELECT (after a bulk load)."""
    conn.execute(delete(TALLY))
    conn.execute(
        TALLY.insert().from_select(
            ["office_code", "national_id", "count"],
            select(RECORD.c.office_code, RECORD.c.national_id, func.sum(RECORD.c.count)).group_by(
                RECORD.c.office_code, RECORD.c.national_id
            ),
        )
    )


def activity(session: Session) -> dict[str, tuple[int, int, datetime | None, int]]:
    """Per office: (last_seq, stamp, synced_at, synced_rows), read from one small table."""
    return {
        o: (seq, stamp, at, n)
        for o, seq, stamp, at, n in session.execute(
            select(
                ACTIVITY.c.office_code,
                ACTIVITY.c.last_seq,
                ACTIVITY.c.stamp,
                ACTIVITY.c.synced_at,
                ACTIVITY.c.synced_rows,
            )
        )
    }


__all__ = [
    "DistrictFigures",
    "OfficeFigures",
    "activity",
    "bump",
    "figures",
    "put_records",
    "rebuild",
    "rebuild_tally",
    "rows_written",
    "store",
    "stored",
]
