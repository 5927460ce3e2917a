"""Push and pull over the generic row store, with the merge rules of db.sync.merge.

Change numbers and the watermark. Every row a transaction writes gets a number (sync_row.seq) that only grows,
and a pull reads the rows after its cursor up to a watermark below which no change may still commit: a pull
must never skip a change that commits later with a lower number.

On PostgreSQL the numbers come from the sequence sync_seq (s0007; CACHE 1, so a number handed out after
another is higher). A push takes them as the last step before its writes, after an exclusive lock of its office
(a transaction advisory lock, released at commit): pushes of one office are ordered, pushes of different offices
never wait for each other. A pull reads the sequence's last value, then takes the same lock shared for every
office it reads (its own and the centre's "00"; all of them for the centre's staff) and lets it go at once: a
push of those offices that took a number up to that value holds its lock until it commits, so once the shared
locks are granted every such change is visible, and any later one gets a higher number. The watermark is that
value; numbers of offices a pull does not read are of no concern to it.

On SQLite (one writer at a time anyway) the numbers come from the one-row sync_counter, taken with
UPDATE ... RETURNING as the last step before the writes; its committed value is the watermark.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import any_, bindparam, func, insert, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from db.sync.merge import Refused, apply_change, check_change_text
from db.sync.messages import Change, ChangeResult, ConflictInfo, PullResponse, PushRequest, RowState
from db.sync.naturalkeys import NATURAL_KEYS, key_label
from db.sync.registry import SyncedTable, SyncKind, get
from db.sync.validate import shown
from server import aggregates, naturalkeys, unlocks
from server.models import CENTRAL_OFFICE, CENTRAL_ROLES, Conflict, Device, Mutation, SyncCounter, SyncRow

CHUNK = 400
RETRIES = 6
ROW = SyncRow.__table__
# The advisory locks of server.store, apart from any other user of the database (and per schema: tests share one).
_LOCK_SPACE = "hashtext('krukhor.sync_seq:' || current_schema())"
# Every office a central reader may read: codes are two digits (the DOPA province codes and the centre's "00").
ALL_OFFICE_CODES = [f"{i:02d}" for i in range(100)]


@dataclass(frozen=True)
class Principal:
    kind: str  # device or user
    role: str
    office_code: str | None
    device_id: uuid.UUID | None
    name: str

    @property
    def central(self) -> bool:
        return self.role in CENTRAL_ROLES


class Forbidden(Exception):
    """The caller may not do this (message in Thai, then English)."""


def push(sessions: sessionmaker[Session], principal: Principal, req: PushRequest) -> list[ChangeResult]:
    """Apply a batch once: replays return the stored answers; a clash with a concurrent push is retried."""
    if principal.kind != "device" or principal.device_id is None or not principal.office_code:
        raise Forbidden("ส่งข้อมูลได้เฉพาะเครื่องที่ลงทะเบียนกับสำนักงานแล้ว / only an enrolled office device can push")
    for attempt in range(RETRIES):
        try:
            with sessions.begin() as session:
                return _push_once(session, principal, req)
        except (IntegrityError, OperationalError):
            # Two pushes made the same new row or replayed the same mutation at once, or PostgreSQL broke
            # a deadlock: start again; the second try sees the first one's work.
            if attempt == RETRIES - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def _push_once(session: Session, principal: Principal, req: PushRequest) -> list[ChangeResult]:
    office = principal.office_code
    assert office is not None and principal.device_id is not None
    changes: list[Change] = []
    seen: set[uuid.UUID] = set()
    for c in req.changes:
        if c.mutation_id not in seen:
            seen.add(c.mutation_id)
            changes.append(c)
    stored = _stored_mutations(session, [c.mutation_id for c in changes])
    prepared = naturalkeys.prepare(session, office, [c for c in changes if c.mutation_id not in stored])
    fresh = prepared.changes
    refs = _referents(session, fresh)
    unlocking = unlocks.find(session, office, fresh)
    keys = sorted({(c.table, c.row_id) for c in fresh}, key=lambda k: (k[0], k[1].hex))
    rows = _current_rows(session, keys)

    state: dict[tuple[str, uuid.UUID], tuple[dict[str, Any] | None, int]] = {
        k: ((rows[k].data, rows[k].version) if k in rows else (None, 0)) for k in keys
    }
    unlocking.granted |= unlocks.open_on_server(session, office, _locked_rounds(state) - unlocking.granted)
    dirty: dict[tuple[str, uuid.UUID], None] = {}  # ordered: a list's `in` is quadratic
    results: dict[uuid.UUID, ChangeResult] = {}
    conflicts_of: dict[uuid.UUID, list[Conflict]] = {}
    now = utcnow()
    by = principal.name
    text_ok: set[uuid.UUID] = set()
    for c in fresh:
        key = (c.table, c.row_id)
        st = get(c.table)
        existing = rows.get(key)
        try:
            check_change_text(prepared.originals[c.mutation_id])  # as sent: what the mutation log keeps
            text_ok.add(c.mutation_id)
        except Refused as exc:
            results[c.mutation_id] = _rejected(c, str(exc))
            continue
        if st is None:
            results[c.mutation_id] = _rejected(c, f"ไม่รู้จักตาราง {shown(c.table)} / unknown table")
            continue
        if existing is not None and existing.office_code != office:
            results[c.mutation_id] = _rejected(c, "ไม่พบรายการนี้ในจังหวัดของท่าน / no such row in your province")
            continue
        current, version = state[key]
        try:
            rnd = unlocks.round_of(current) if st.kind == SyncKind.LOCKABLE and current is not None else None
            refused = rnd in unlocking.refused and rnd not in unlocking.granted
            if rnd is not None and refused and st.is_locked(current or {}):
                raise Refused(
                    f"ปลดล็อกได้เฉพาะผู้อนุมัติของสำนักงาน (บัญชีบทบาท {unlocks.APPROVER_ROLE} บนเซิร์ฟเวอร์) "
                    f'ผู้ปลดล็อก "{shown(unlocking.refused[rnd])}" ไม่ใช่ผู้อนุมัติ / only the office approver may unlock'
                )
            outcome = apply_change(st, current, version, c, unlocked=rnd in unlocking.granted)
            if outcome.changed:
                _check_references(st, outcome.data, c, office=office, state=state, rows=rows, refs=refs)
                if taken := naturalkeys.held_by_another(prepared, c.table, c.row_id, outcome.data):
                    field = key_label(c.table)
                    raise Refused(
                        f'ตาราง {c.table} ช่อง {field} ค่า "{shown(taken)}": มีอีกรายการของจังหวัดใช้ค่านี้อยู่แล้ว '
                        f"(หนึ่งคนหนึ่งรายการ) / {c.table}.{field} already used by another row of your province"
                    )
        except Refused as exc:
            results[c.mutation_id] = _rejected(c, str(exc))
            continue
        if outcome.changed:
            data = dict(outcome.data)
            data["id"] = str(c.row_id)
            data["office_code"] = office  # never what the client says
            data["version"] = version + 1
            state[key] = (data, version + 1)
            dirty.pop(key, None)  # written once, in the order of its last change
            dirty[key] = None
        found = []
        server_by = existing.updated_by if existing is not None else ""
        server_at = existing.updated_at.isoformat() if existing is not None else ""
        for fc in outcome.conflicts:
            found.append(
                Conflict(
                    id=uuid.uuid4(),
                    office_code=office,
                    table_name=c.table,
                    row_id=c.row_id,
                    field=fc.field,
                    base_value=fc.base_value,
                    server_value=fc.server_value,
                    client_value=fc.client_value,
                    server_by=server_by,
                    server_at=server_at,
                    client_by=f"{c.user_name} ({by})" if c.user_name else by,
                    client_at=c.changed_at.isoformat() if c.changed_at else "",
                    device_id=principal.device_id,
                    created_at=now,
                )
            )
        conflicts_of[c.mutation_id] = found
        results[c.mutation_id] = ChangeResult(
            mutation_id=c.mutation_id, status="conflict" if found else "applied"
        )

    if dirty:
        # Everything above only read; from here on the office's pushes take turns (server.store's docstring).
        numbers = take_numbers(session, office, len(dirty))
        new_rows, changed_rows = [], []
        for key, seq in zip(dirty, numbers, strict=True):
            data, version = state[key]
            assert data is not None
            data["server_seq"] = seq
            values = {
                "office_code": office,
                "version": version,
                "seq": seq,
                "deleted": bool(data.get("deleted")),
                "data": data,
                "updated_at": now,
                "updated_by": by,
                "updated_device": principal.device_id,
            }
            if key in rows:
                changed_rows.append({"k_table": key[0], "k_row": key[1], **values})
            else:
                new_rows.append({"table_name": key[0], "row_id": key[1], **values})
        aggregates.rows_written(
            session,
            office=office,
            written=[(k[0], rows[k].data if k in rows else None, state[k][0] or {}) for k in dirty],
            top_seq=numbers[-1],
            now=now,
        )
        if new_rows:
            session.execute(insert(ROW), new_rows)
        naturalkeys.record(
            session,
            office,
            [
                (k[0], k[1], state[k][0] or {}, rows[k].data if k in rows else None)
                for k in dirty
                if k[0] in NATURAL_KEYS
            ],
        )
        if changed_rows:
            # One statement for every changed row (executemany), not one compiled UPDATE per row.
            session.execute(
                update(ROW).where(
                    ROW.c.table_name == bindparam("k_table"), ROW.c.row_id == bindparam("k_row")
                ),
                changed_rows,
            )

    new_conflicts: list[Conflict] = []
    for c in fresh:
        r = results[c.mutation_id]
        if r.status != "rejected":
            key = (c.table, c.row_id)
            data, version = state[key]
            r.version = version
            r.data = data
            r.seq = (data or {}).get("server_seq")
            found = conflicts_of.get(c.mutation_id, [])
            new_conflicts.extend(found)
            r.conflicts = [_conflict_info(x) for x in found]
    if new_conflicts:
        session.add_all(new_conflicts)
    if fresh:
        session.execute(
            insert(Mutation.__table__),
            [
                {
                    "mutation_id": c.mutation_id,
                    "device_id": principal.device_id,
                    "office_code": office,
                    "table_name": shown(c.table)[:64],
                    "row_id": c.row_id,
                    "digest": digest(prepared.originals[c.mutation_id], checked=c.mutation_id in text_ok),
                    "received_at": now,
                    "result": results[c.mutation_id].model_dump(mode="json"),
                }
                for c in fresh
            ],
        )
    if req.resolved_conflicts:
        session.execute(
            update(Conflict)
            .where(
                Conflict.id.in_(req.resolved_conflicts),
                Conflict.office_code == office,
                Conflict.resolved_at.is_(None),
            )
            .values(resolved_at=now)
        )
    session.execute(update(Device).where(Device.id == principal.device_id).values(last_seen_at=now))

    out: list[ChangeResult] = []
    for c in changes:
        if c.mutation_id in stored:
            m = stored[c.mutation_id]
            if m.device_id != principal.device_id:
                out.append(
                    _rejected(c, "รหัสการเปลี่ยนแปลงนี้ถูกใช้แล้ว / mutation id already used by another device")
                )
            elif m.digest is not None and m.digest != digest(c):
                out.append(
                    _rejected(
                        c,
                        "รหัสการเปลี่ยนแปลงนี้เคยส่งมาแล้วด้วยข้อมูลอื่น จึงไม่บันทึก "
                        "/ mutation id reused with different content (409)",
                    )
                )
            else:
                replay = ChangeResult.model_validate(m.result)
                replay.replayed = True
                out.append(replay)
        else:
            out.append(results[c.mutation_id])
    return out


def _locked_rounds(state: dict[tuple[str, uuid.UUID], tuple[dict[str, Any] | None, int]]) -> set[uuid.UUID]:
    """The rounds of the locked rows a push touches (whether an earlier push opened them: server.unlocks)."""
    out: set[uuid.UUID] = set()
    for (table, _rid), (data, _version) in state.items():
        st = get(table)
        locked = data is not None and st is not None and st.kind == SyncKind.LOCKABLE and st.is_locked(data)
        if locked and (rnd := unlocks.round_of(data)) is not None:
            out.add(rnd)
    return out


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _among(session: Session, column: Any, values: list[Any]) -> Any:
    """column IN values: one array parameter on PostgreSQL (the same statement text whatever the count, so it
    is prepared once and planned once), a list on SQLite."""
    if _postgresql(session):
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def _row_keys(session: Session, keys: list[tuple[str, uuid.UUID]]) -> list[Any]:
    """WHERE clauses matching the sync_row keys (table, id): on PostgreSQL one, the keys as two arrays; on
    SQLite one per CHUNK keys (its limit on parameters)."""
    if not _postgresql(session):
        return [
            tuple_(ROW.c.table_name, ROW.c.row_id).in_(keys[start : start + CHUNK])
            for start in range(0, len(keys), CHUNK)
        ]
    if not keys:
        return []
    # The keys come from a subquery, not as `table_name = 'x' AND row_id = ANY(...)`: with a constant table
    # name the planner trusts that table's statistics, and right after a burst of new rows of a table (every
    # office's first registrations) they still say "almost none", so it walks every row of the table (50 ms a
    # push at 76,000 rows) instead of looking up the ids. From a subquery it probes the primary key per id.
    tables = bindparam(None, [k[0] for k in keys], type_=ARRAY(ROW.c.table_name.type))
    ids = bindparam(None, [k[1] for k in keys], type_=ARRAY(ROW.c.row_id.type))
    return [tuple_(ROW.c.table_name, ROW.c.row_id).in_(select(func.unnest(tables), func.unnest(ids)))]


def _stored_mutations(session: Session, mids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The mutations already received among these ids (a replay), by id."""
    out: dict[uuid.UUID, Any] = {}
    m = Mutation.__table__
    for start in range(0, len(mids), CHUNK):
        q = select(m.c.mutation_id, m.c.device_id, m.c.digest, m.c.result).where(
            _among(session, m.c.mutation_id, mids[start : start + CHUNK])
        )
        for row in session.execute(q):
            out[row.mutation_id] = row
    return out


def _current_rows(session: Session, keys: list[tuple[str, uuid.UUID]]) -> dict[tuple[str, uuid.UUID], Any]:
    """The stored rows the push touches, locked on PostgreSQL in one order (two pushes cannot deadlock)."""
    rows: dict[tuple[str, uuid.UUID], Any] = {}
    for where in _row_keys(session, keys):
        q = select(
            ROW.c.table_name,
            ROW.c.row_id,
            ROW.c.office_code,
            ROW.c.version,
            ROW.c.data,
            ROW.c.updated_at,
            ROW.c.updated_by,
        ).where(where)
        if _postgresql(session):
            q = q.order_by(ROW.c.table_name, ROW.c.row_id).with_for_update()
        for r in session.execute(q):
            rows[(r.table_name, r.row_id)] = r
    return rows


def take_numbers(session: Session, office: str, n: int) -> list[int]:
    """n new change numbers, rising, for rows of ``office``; the office's writers wait here for one another.

    Call it as late as possible in the transaction: on PostgreSQL the office's lock is held until commit.
    """
    if _postgresql(session):
        session.execute(
            text(f"SELECT pg_advisory_xact_lock({_LOCK_SPACE}, hashtext(:office))"), {"office": office}
        )
        return list(session.scalars(text("SELECT nextval('sync_seq') FROM generate_series(1, :n)"), {"n": n}))
    top = session.execute(
        update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + n)
        .returning(SyncCounter.value)
    ).scalar_one()
    return list(range(top - n + 1, top + 1))


def _rejected(c: Change, reason: str) -> ChangeResult:
    return ChangeResult(mutation_id=c.mutation_id, status="rejected", error=reason)


def digest(c: Change, *, checked: bool = False) -> str | None:
    """The content of a change, so a mutation id sent again is known to carry the same change (or not).

    None for a change too deep or broken to serialise: it was refused, and a replay gets that refusal again.
    checked: check_change_text already passed.
    """
    if not checked:
        try:
            check_change_text(c)
        except Refused:
            return None
    body = json.dumps(c.model_dump(mode="json"), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("ascii")).hexdigest()


@cache
def _foreign_keys(st: SyncedTable) -> list[tuple[str, str]]:
    """(column, referenced table) of the table's references to rows the offices send.

    References to the centre's reference data (rates, provinces) are not checked: every PC ships a seed of it
    that the server may never have been sent.
    """
    out = []
    for col in st.table.columns:
        for fk in col.foreign_keys:
            target = get(fk.column.table.name)
            if target is not None and target.pushed:
                out.append((col.name, target.name))
    return out


def _referents(session: Session, changes: list[Change]) -> dict[tuple[str, uuid.UUID], str]:
    """The office of every stored row the changes refer to (references made in the batch come later)."""
    wanted: set[tuple[str, uuid.UUID]] = set()
    for c in changes:
        st = get(c.table)
        if st is None:
            continue
        for col, target in _foreign_keys(st):
            value = c.fields.get(col)
            if isinstance(value, str):
                try:
                    wanted.add((target, uuid.UUID(value)))
                except ValueError:
                    continue  # the codec refuses it with its reason
    keys = sorted(wanted, key=lambda k: (k[0], k[1].hex))
    found: dict[tuple[str, uuid.UUID], str] = {}
    for where in _row_keys(session, keys):
        q = select(ROW.c.table_name, ROW.c.row_id, ROW.c.office_code).where(where)
        for t, rid, office in session.execute(q):
            found[(t, rid)] = office
    return found


def _check_references(
    st: Any,
    data: dict[str, Any],
    c: Change,
    *,
    office: str,
    state: dict[tuple[str, uuid.UUID], tuple[dict[str, Any] | None, int]],
    rows: dict[tuple[str, uuid.UUID], SyncRow],
    refs: dict[tuple[str, uuid.UUID], str],
) -> None:
    """Every reference the change sets points to a row of this office (or the centre's), stored or earlier here."""
    for col, target in _foreign_keys(st):
        if col not in c.fields or data.get(col) is None:
            continue
        key = (target, uuid.UUID(str(data[col])))
        stored = refs.get(key)
        if stored in (office, CENTRAL_OFFICE):
            continue
        in_batch = state.get(key, (None, 0))[0] is not None and (
            key not in rows or rows[key].office_code in (office, CENTRAL_OFFICE)
        )
        if not in_batch:
            raise Refused(
                f'ตาราง {st.name} ช่อง {col} ค่า "{data[col]}": ไม่พบรายการ {target} นี้ในจังหวัดของท่าน '
                f"(ต้องส่งรายการที่อ้างถึงก่อน) / {st.name}.{col} refers to no {target} of your province"
            )


def _conflict_info(c: Conflict) -> ConflictInfo:
    return ConflictInfo(
        id=c.id,
        table=c.table_name,
        row_id=c.row_id,
        field=c.field,
        base_value=c.base_value,
        server_value=c.server_value,
        client_value=c.client_value,
        server_by=c.server_by,
        server_at=c.server_at,
        client_by=c.client_by,
        client_at=c.client_at,
    )


def watermark(session: Session, offices: list[str] | None) -> int:
    """The number up to which every change of these offices (None: all) has committed; see the docstring.

    On PostgreSQL this ends the session's transaction: the shared locks go at once, the reads that follow see
    every change up to the watermark.
    """
    if not _postgresql(session):
        return session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
    mark = session.scalar(text("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM sync_seq"))
    codes = sorted(set(offices)) if offices is not None else ALL_OFFICE_CODES
    session.execute(
        text(
            f"SELECT pg_advisory_xact_lock_shared({_LOCK_SPACE}, hashtext(o)) FROM unnest(CAST(:codes AS text[])) AS o"
        ),
        {"codes": codes},
    )
    session.commit()
    return int(mark or 0)


def pull_scope(principal: Principal, office: str | None) -> list[str] | None:
    """The offices whose rows the caller may read (None: all, for central staff)."""
    if principal.central:
        return [office, CENTRAL_OFFICE] if office else None
    if office and office != principal.office_code:
        raise Forbidden("อ่านข้อมูลได้เฉพาะจังหวัดของท่าน / you may read only your own province")
    return [principal.office_code or "", CENTRAL_OFFICE]


def pull(
    session: Session,
    principal: Principal,
    *,
    office: str | None,
    cursor: int,
    limit: int,
    count: bool,
    now: datetime,
) -> PullResponse:
    scope = pull_scope(principal, office)
    mark = watermark(session, scope)
    q = select(
        SyncRow.table_name, SyncRow.row_id, SyncRow.seq, SyncRow.version, SyncRow.deleted, SyncRow.data
    ).where(SyncRow.seq > cursor, SyncRow.seq <= mark)
    if scope is not None:
        q = q.where(SyncRow.office_code.in_(scope))
    if principal.device_id is not None:
        # The PC already holds the newest version of the rows it wrote (its push answer carried them).
        q = q.where(or_(SyncRow.updated_device.is_(None), SyncRow.updated_device != principal.device_id))
    remaining = None
    if count:
        remaining = session.scalar(select(func.count()).select_from(q.subquery()))
    rows = session.execute(q.order_by(SyncRow.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    # Built without validation: these rows were validated when they were pushed (a page is 2,000 rows).
    changes = [
        RowState.model_construct(table=t, row_id=rid, seq=s, version=v, deleted=d, data=data)
        for t, rid, s, v, d, data in rows
    ]
    next_cursor = changes[-1].seq if has_more else max(mark, cursor)
    return PullResponse.model_construct(
        changes=changes,
        next_cursor=next_cursor,
        watermark=mark,
        has_more=has_more,
        remaining=remaining,
        server_time=now,
        clock_skew_seconds=None,
        warning="",
    )


def publish(session: Session, *, table: str, office_code: str, data: dict[str, Any], by: str) -> int:
    """Write a row the centre owns (allocations, rates) with the next sequence number; returns it."""
    row_id = uuid.UUID(str(data["id"]))
    existing = session.get(SyncRow, (table, row_id))
    version = (existing.version if existing else 0) + 1
    (seq,) = take_numbers(session, office_code, 1)
    data = {**data, "id": str(row_id), "office_code": office_code, "version": version, "server_seq": seq}
    if existing is None:
        session.add(
            SyncRow(
                table_name=table,
                row_id=row_id,
                office_code=office_code,
                version=version,
                seq=seq,
                deleted=bool(data.get("deleted")),
                data=data,
                updated_by=by,
            )
        )
    else:
        existing.version, existing.seq, existing.data, existing.updated_by = version, seq, data, by
        existing.deleted = bool(data.get("deleted"))
        existing.updated_at = utcnow()
        existing.updated_device = None
    aggregates.bump(session, [office_code])
    return seq
