"""Push and pull over the generic row store, with the merge rules of db.sync.merge.

Sequence and watermark: every transaction that changes rows takes its sequence numbers from the one-row
sync_counter with UPDATE ... RETURNING as its LAST step before commit. The row lock it takes is held until
commit, so transactions that change rows commit in the order of their numbers and the counter's committed
value is always a point below which every change has committed: that value is the watermark a pull may read up
to. (A plain PostgreSQL sequence would hand out numbers that commit out of order, and a pull could skip a
change that commits later with a lower number.) The price is that the final write of concurrent pushes is
serialised; the work before it (reading, merging) runs in parallel.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from db.sync.merge import Refused, apply_change, check_change_text
from db.sync.messages import Change, ChangeResult, ConflictInfo, PullResponse, PushRequest, RowState
from db.sync.naturalkeys import NATURAL_KEYS, key_label
from db.sync.registry import SyncKind, get
from db.sync.validate import shown
from server import aggregates, naturalkeys, unlocks
from server.models import CENTRAL_OFFICE, CENTRAL_ROLES, Conflict, Device, Mutation, SyncCounter, SyncRow

CHUNK = 400
RETRIES = 6


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
    stored: dict[uuid.UUID, Mutation] = {}
    mids = [c.mutation_id for c in changes]
    for start in range(0, len(mids), CHUNK):
        for m in session.scalars(
            select(Mutation).where(Mutation.mutation_id.in_(mids[start : start + CHUNK]))
        ):
            stored[m.mutation_id] = m
    prepared = naturalkeys.prepare(session, office, [c for c in changes if c.mutation_id not in stored])
    fresh = prepared.changes
    refs = _referents(session, fresh)
    unlocking = unlocks.find(session, office, fresh)

    keys = sorted({(c.table, c.row_id) for c in fresh}, key=lambda k: (k[0], k[1].hex))
    rows: dict[tuple[str, uuid.UUID], SyncRow] = {}
    for start in range(0, len(keys), CHUNK):
        q = select(SyncRow).where(tuple_(SyncRow.table_name, SyncRow.row_id).in_(keys[start : start + CHUNK]))
        if session.get_bind().dialect.name == "postgresql":
            q = q.order_by(SyncRow.table_name, SyncRow.row_id).with_for_update()
        for r in session.scalars(q):
            rows[(r.table_name, r.row_id)] = r

    state: dict[tuple[str, uuid.UUID], tuple[dict[str, Any] | None, int]] = {
        k: ((rows[k].data, rows[k].version) if k in rows else (None, 0)) for k in keys
    }
    dirty: list[tuple[str, uuid.UUID]] = []
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
            if rnd is not None and rnd in unlocking.refused and st.is_locked(current or {}):
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
            if key in dirty:
                dirty.remove(key)
            dirty.append(key)
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

    seq_of: dict[tuple[str, uuid.UUID], int] = {}
    if dirty:
        top = session.execute(
            update(SyncCounter)
            .where(SyncCounter.id == 1)
            .values(value=SyncCounter.value + len(dirty))
            .returning(SyncCounter.value)
        ).scalar_one()
        for i, key in enumerate(dirty):
            seq_of[key] = top - len(dirty) + 1 + i
        new_rows, changed_rows = [], []
        for key in dirty:
            data, version = state[key]
            assert data is not None
            data["server_seq"] = seq_of[key]
            values = {
                "table_name": key[0],
                "row_id": key[1],
                "office_code": office,
                "version": version,
                "seq": seq_of[key],
                "deleted": bool(data.get("deleted")),
                "data": data,
                "updated_at": now,
                "updated_by": by,
                "updated_device": principal.device_id,
            }
            (changed_rows if key in rows else new_rows).append(values)
        aggregates.rows_written(
            session,
            office=office,
            written=[(k[0], rows[k].data if k in rows else None, state[k][0] or {}) for k in dirty],
            top_seq=top,
            now=now,
        )
        if new_rows:
            session.execute(insert(SyncRow), new_rows)
        naturalkeys.record(
            session,
            office,
            [
                (k[0], k[1], state[k][0] or {}, rows[k].data if k in rows else None)
                for k in dirty
                if k[0] in NATURAL_KEYS
            ],
        )
        for values in changed_rows:
            session.execute(
                update(SyncRow)
                .where(SyncRow.table_name == values["table_name"], SyncRow.row_id == values["row_id"])
                .values(**{k: v for k, v in values.items() if k not in ("table_name", "row_id")})
            )

    for c in fresh:
        r = results[c.mutation_id]
        if r.status != "rejected":
            key = (c.table, c.row_id)
            data, version = state[key]
            r.version = version
            r.data = data
            r.seq = (data or {}).get("server_seq")
            found = conflicts_of.get(c.mutation_id, [])
            session.add_all(found)
            r.conflicts = [_conflict_info(x) for x in found]
    if fresh:
        session.execute(
            insert(Mutation),
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


def _foreign_keys(st: Any) -> list[tuple[str, str]]:
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
    for start in range(0, len(keys), CHUNK):
        q = select(SyncRow.table_name, SyncRow.row_id, SyncRow.office_code).where(
            tuple_(SyncRow.table_name, SyncRow.row_id).in_(keys[start : start + CHUNK])
        )
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


def watermark(session: Session) -> int:
    return session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0


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
    mark = watermark(session)
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
    seq = session.execute(
        update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + 1)
        .returning(SyncCounter.value)
    ).scalar_one()
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
