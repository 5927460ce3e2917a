"""The client's side of the change log: freeze outbox entries into changes, take results and pulled rows in.

Field-by-field merge needs a base: sync_shadow keeps, per row, the last state the server confirmed. A change
sends only the fields that differ from it, with the values they had there, so the server can tell "I changed
this" from "I still hold the old value". A pulled row overwrites a local row only where the local row still
equals the shadow; fields changed here are kept and the server decides when they are pushed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from db.models.sync import SyncConflict, SyncOutbox, SyncShadow
from db.sync import fastwrite, naturalkeys, quarantine
from db.sync.codec import CodecError, decode_row, encode_row, normalise
from db.sync.messages import Change, ChangeResult, RowState
from db.sync.outbox import applying
from db.sync.registry import META_FIELDS, SyncedTable, get, synced_tables

OUTBOX = SyncOutbox.__table__
SHADOW = SyncShadow.__table__
CONFLICT = SyncConflict.__table__
CHUNK = 500


@dataclass(frozen=True)
class PullProblem:
    table: str
    row_id: str
    reason: str


@dataclass(frozen=True)
class ResultCounts:
    applied: int
    conflicts: int
    failed: int


def _uid(value: str | uuid.UUID) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _key(value: str | uuid.UUID) -> str:
    return _uid(value).hex


def pending_count(conn: Connection) -> int:
    return conn.scalar(
        select(func.count()).select_from(OUTBOX).where(OUTBOX.c.state.in_(("pending", "sending")))
    )


def failed_count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.state == "failed"))


def _local_rows(conn: Connection, st: SyncedTable, ids: list[uuid.UUID]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        for row in conn.execute(select(st.table).where(st.table.c.id.in_(part))):
            out[row.id.hex] = encode_row(st.table, dict(row._mapping))
    return out


@dataclass(frozen=True)
class Shadow:
    version: int
    data: dict[str, Any]  # the merge base: the last state the server confirmed to this PC
    latest: dict[str, Any] | None  # a newer server state pulled while a local change was still pending

    def unchanged_here(self, field: str, value: Any) -> bool:
        """The local value is one the server held: not an edit made on this PC."""
        return value == self.data.get(field) or (self.latest is not None and value == self.latest.get(field))


def _shadows(conn: Connection, table: str, ids: list[uuid.UUID]) -> dict[str, Shadow]:
    out: dict[str, Shadow] = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        q = select(SHADOW.c.row_id, SHADOW.c.version, SHADOW.c.data, SHADOW.c.latest).where(
            SHADOW.c.table_name == table, SHADOW.c.row_id.in_(part)
        )
        for rid, version, data, latest in conn.execute(q):
            out[rid.hex] = Shadow(version, data, latest)
    return out


def build_batch(conn: Connection, *, limit: int, user_name: str) -> list[Change]:
    """Changes to send: first those already sent once (unchanged, same mutation id), then new ones frozen now."""
    frozen = conn.execute(
        select(OUTBOX.c.payload).where(OUTBOX.c.state == "sending").order_by(OUTBOX.c.id).limit(limit)
    ).all()
    changes = [Change.model_validate(p) for (p,) in frozen]
    room = limit - len(changes)
    if room <= 0:
        return changes
    pending = conn.execute(
        select(OUTBOX.c.id, OUTBOX.c.table_name, OUTBOX.c.row_id, OUTBOX.c.created_at)
        .where(OUTBOX.c.state == "pending")
        .order_by(OUTBOX.c.id)
        .limit(room)
    ).all()
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for _, table, rid, _ in pending:
        by_table[table].append(_uid(rid))
    locals_: dict[str, dict[str, dict[str, Any]]] = {}
    shadows: dict[str, dict[str, Shadow]] = {}
    for table, ids in by_table.items():
        st = get(table)
        if st is not None:
            locals_[table] = _local_rows(conn, st, ids)
            shadows[table] = _shadows(conn, table, ids)
    drop: list[int] = []
    frozen_rows: list[dict[str, Any]] = []
    for oid, table, rid, created in pending:
        st = get(table)
        key = _key(rid)
        if st is None or not st.pushed:
            drop.append(oid)
            continue
        local = locals_[table].get(key)
        shadow = shadows[table].get(key)
        base_version: int | None = None
        base: dict[str, Any] = {}
        op = "upsert"
        if local is None:
            if shadow is None:
                drop.append(oid)  # made and removed here before the server ever saw it
                continue
            op, base_version = "delete", shadow.version
            fields = {"deleted": True}
            base = {"deleted": shadow.data.get("deleted", False)}
        elif shadow is None:
            fields = local
        else:
            base_version, old = shadow.version, shadow.data
            changed = [
                f for f in st.fields if f not in META_FIELDS and not shadow.unchanged_here(f, local.get(f))
            ]
            if not changed:
                drop.append(oid)  # edited and put back, or only bookkeeping moved
                continue
            fields = {f: local.get(f) for f in changed}
            fields["updated_at"] = local.get("updated_at")
            base = {f: old.get(f) for f in changed}
        change = Change(
            mutation_id=uuid.uuid4(),
            table=table,
            row_id=_uid(rid),
            op=op,  # type: ignore[arg-type]
            base_version=base_version,
            base=base,
            fields=fields,
            changed_at=datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
            user_name=user_name[:100],
        )
        changes.append(change)
        frozen_rows.append(
            {"_oid": oid, "mutation_id": str(change.mutation_id), "payload": change.model_dump(mode="json")}
        )
    if drop:
        conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(drop)))
    if frozen_rows:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("_oid"))
            .values(
                state="sending",
                mutation_id=bindparam("mutation_id"),
                payload=bindparam("payload"),
                attempts=OUTBOX.c.attempts + 1,
            ),
            frozen_rows,
        )
    return changes


def thaw_unanswered(conn: Connection) -> int:
    """Changes sent but never answered go back to pending, to be rebuilt and sent under a new mutation id.

    Used only when the server has forgotten old mutation ids (a resync): the frozen copy is dropped, the row
    itself stays as it is here, so the change rebuilt from it carries everything typed since. Where the row
    already has a newer pending entry, that one covers it. Returns how many were thawed.
    """
    sending = conn.execute(
        select(OUTBOX.c.id, OUTBOX.c.table_name, OUTBOX.c.row_id).where(OUTBOX.c.state == "sending")
    ).all()
    if not sending:
        return 0
    pending = {
        (t, r)
        for t, r in conn.execute(
            select(OUTBOX.c.table_name, OUTBOX.c.row_id).where(OUTBOX.c.state == "pending")
        )
    }
    covered = [oid for oid, t, r in sending if (t, r) in pending]
    thawed = [oid for oid, t, r in sending if (t, r) not in pending]
    if covered:
        conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(covered)))
    if thawed:
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(thawed))
            .values(state="pending", mutation_id=None, payload=None)
        )
    return len(sending)


def _open_entries(conn: Connection, table: str, ids: list[uuid.UUID]) -> set[str]:
    """Rows that still have a change here the server has not accepted (pending or failed)."""
    out: set[str] = set()
    keys = [i.hex for i in ids]
    for start in range(0, len(keys), CHUNK):
        q = select(OUTBOX.c.row_id).where(
            OUTBOX.c.table_name == table, OUTBOX.c.row_id.in_(keys[start : start + CHUNK])
        )
        out.update(r for (r,) in conn.execute(q))
    return out


def _save_shadows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    by_table: dict[str, list[tuple[str, int, dict[str, Any]]]] = defaultdict(list)
    for r in rows:
        by_table[r["table_name"]].append((str(r["row_id"]), r["version"], r["data"]))
    for table, items in by_table.items():
        fastwrite.save_shadows(conn, table, items)


def _write_rows(conn: Connection, st: SyncedTable, rows: list[dict[str, Any]]) -> list[PullProblem]:
    """Upsert server rows (JSON values) into the local table as they are (caller holds applying())."""
    problems: list[PullProblem] = []
    columns = set(st.fields)
    clean: list[dict[str, Any]] = []
    ids: list[uuid.UUID] = []
    for data in rows:
        try:
            ids.append(_uid(data["id"]))
        except (KeyError, ValueError):
            problems.append(PullProblem(st.name, str(data.get("id")), "ไม่มีรหัสรายการ / no id"))
            continue
        clean.append({k: v for k, v in data.items() if k in columns})
    if not clean:
        return problems
    existing: set[uuid.UUID] = set()
    for start in range(0, len(ids), CHUNK):
        existing.update(
            conn.scalars(select(st.table.c.id).where(st.table.c.id.in_(ids[start : start + CHUNK])))
        )
    inserts = [d for d, i in zip(clean, ids, strict=True) if i not in existing]
    updates = [d for d, i in zip(clean, ids, strict=True) if i in existing]
    try:
        with conn.begin_nested():
            _bulk(conn, st, inserts, updates)
    except (IntegrityError, CodecError, ValueError, OverflowError):
        # One bad row must not stop the rest: redo row by row and report the ones that do not fit.
        for d in inserts + updates:
            try:
                with conn.begin_nested():
                    _bulk(conn, st, [d] if d in inserts else [], [d] if d in updates else [])
            except (IntegrityError, CodecError, ValueError, OverflowError) as exc:
                problems.append(PullProblem(st.name, str(d.get("id")), quarantine.reason_for(st, d, exc)))
    return problems


def _bulk(conn: Connection, st: SyncedTable, inserts: list[dict], updates: list[dict]) -> None:
    if inserts:
        groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for d in inserts:
            groups[tuple(sorted(d))].append(d)
        for group in groups.values():
            fastwrite.insert_rows(conn, st.table, group)
    if updates:
        groups = defaultdict(list)
        for d in updates:
            values = decode_row(st.table, d, partial=True)
            groups[tuple(sorted(values))].append({"_id": values.pop("id"), **values})
        for group in groups.values():
            conn.execute(update(st.table).where(st.table.c.id == bindparam("_id")), group)


def record_results(conn: Connection, results: list[ChangeResult]) -> ResultCounts:
    """Take the server's answers: accepted changes leave the outbox, refused ones are kept as failed."""
    applied = conflicts = failed = 0
    entries = {}
    mids = [str(r.mutation_id) for r in results]
    for start in range(0, len(mids), CHUNK):
        q = select(OUTBOX.c.id, OUTBOX.c.mutation_id, OUTBOX.c.payload).where(
            OUTBOX.c.mutation_id.in_(mids[start : start + CHUNK])
        )
        for oid, mid, payload in conn.execute(q):
            entries[mid] = (oid, payload)
    done: list[int] = []
    accepted: dict[str, list[ChangeResult]] = defaultdict(list)
    creates: dict[str, bool] = {}
    merges: list[tuple[SyncedTable, uuid.UUID, dict[str, Any]]] = []
    for r in results:
        entry = entries.get(str(r.mutation_id))
        if entry is None:
            continue
        oid, payload = entry
        if r.status == "rejected":
            failed += 1
            conn.execute(
                update(OUTBOX).where(OUTBOX.c.id == oid).values(state="failed", error=r.error[:2000])
            )
            continue
        done.append(oid)
        applied += 1
        accepted[payload["table"]].append(r)
        creates[str(r.mutation_id)] = payload.get("base_version") is None and payload.get("op") == "upsert"
        st = get(payload["table"])
        if st is not None and r.data is not None and _key(r.data["id"]) != _key(payload["row_id"]):
            merges.append((st, _uid(payload["row_id"]), r.data))  # the server holds this as an older row
        for c in r.conflicts:
            conflicts += 1
            conn.execute(
                sqlite_insert(CONFLICT)
                .values(
                    id=c.id,
                    table_name=c.table,
                    row_id=c.row_id,
                    field=c.field,
                    base_value=c.base_value,
                    local_value=c.client_value,
                    server_value=c.server_value,
                    local_by=c.client_by,
                    local_at=c.client_at,
                    server_by=c.server_by,
                    server_at=c.server_at,
                    created_at=datetime.now(UTC),
                    resolution="",
                )
                .on_conflict_do_nothing()
            )
    for start in range(0, len(done), CHUNK):
        conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(done[start : start + CHUNK])))
    with applying(conn):
        for st, second, first in merges:
            _merge_into_first(conn, st, second, first)
        for table, rs in accepted.items():
            st = get(table)
            if st is None:
                continue
            rows = [r for r in rs if r.data is not None]
            _save_shadows(
                conn,
                [
                    {"table_name": table, "row_id": _uid(r.data["id"]), "version": r.version, "data": r.data}
                    for r in rows
                ],
            )
            # A new row the server took as sent needs no write back; an update may have been merged with
            # changes from other PCs, and a conflict left the server's value: those rows are written.
            merged = [r for r in rows if r.conflicts or not creates.get(str(r.mutation_id), False)]
            # A new row taken as sent still learns its sequence number: the order events happened in.
            seqs = [{"_id": _uid(r.data["id"]), "_seq": r.seq} for r in rows if r.seq is not None]
            if seqs and "server_seq" in st.table.c:
                conn.execute(
                    update(st.table)
                    .where(st.table.c.id == bindparam("_id"))
                    .values(server_seq=bindparam("_seq")),
                    seqs,
                )
            still_open = _open_entries(conn, table, [_uid(r.data["id"]) for r in merged])
            _write_rows(conn, st, [r.data for r in merged if _key(r.data["id"]) not in still_open])
            # The server does not send a PC back the rows it wrote (efficient pull): a new row taken as sent
            # gets its server sequence and version here instead.
            taken = [
                {"_id": _uid(r.data["id"]), "_seq": r.seq, "_version": r.version}
                for r in rows
                if not (r.conflicts or not creates.get(str(r.mutation_id), False))
            ]
            if taken:
                conn.execute(
                    update(st.table)
                    .where(st.table.c.id == bindparam("_id"))
                    .values(server_seq=bindparam("_seq"), version=bindparam("_version")),
                    taken,
                )
    return ResultCounts(applied, conflicts, failed)


def _merge_into_first(conn: Connection, st: SyncedTable, second: uuid.UUID, first: dict[str, Any]) -> None:
    """The server merged a row made here into an older one (same natural key): one row, every reference to it.

    The caller holds applying() and has foreign keys off: the first row's own references may arrive later.
    """
    first_id = _uid(first["id"])
    conn.execute(delete(SHADOW).where(SHADOW.c.table_name == st.name, SHADOW.c.row_id == second))
    conn.execute(delete(st.table).where(st.table.c.id == second))
    _write_rows(conn, st, [first])
    for table, col in naturalkeys.references_to(st.name):
        conn.execute(update(table).where(table.c[col] == second).values({col: first_id}))
    conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.table_name == st.name, OUTBOX.c.row_id == second.hex, OUTBOX.c.state == "pending")
        .values(row_id=first_id.hex)
    )


def apply_pulled(conn: Connection, rows: list[RowState], *, app_version: str = "") -> list[PullProblem]:
    """Write a page of server rows; where a row has local changes not yet accepted, merge field by field.

    A row that cannot be stored here is kept aside (db.sync.quarantine) with its reason and gets no shadow;
    a row stored leaves the quarantine, where an older version of it may have waited.
    """
    problems: list[PullProblem] = []
    by_table: dict[str, list[RowState]] = defaultdict(list)
    for r in rows:
        by_table[r.table].append(r)
    waiting = quarantine.count(conn) > 0
    with applying(conn):
        for table, rs in by_table.items():
            st = get(table)
            if st is None or not st.pulled:
                continue  # a table this program does not know (a newer server): nothing to write it into
            ids = [r.row_id for r in rs]
            open_ids = _open_entries(conn, table, ids)
            plain = [r for r in rs if r.row_id.hex not in open_ids]
            mixed = [r for r in rs if r.row_id.hex in open_ids]
            failed = _write_rows(conn, st, [r.data for r in plain])
            bad = {_bad_key(p) for p in failed}
            _save_shadows(
                conn,
                [
                    {"table_name": table, "row_id": r.row_id, "version": r.version, "data": r.data}
                    for r in plain
                    if r.row_id.hex not in bad
                ],
            )
            if mixed:
                merged_failed = _merge_into_local(conn, st, mixed)
                failed += merged_failed
                bad |= {_bad_key(p) for p in merged_failed}
                for r in mixed:
                    conn.execute(
                        update(SHADOW)
                        .where(SHADOW.c.table_name == table, SHADOW.c.row_id == r.row_id)
                        .values(latest=r.data)
                    )
            if failed:
                reasons = {_bad_key(p): p.reason for p in failed}
                aside = [quarantine.Aside(r, reasons[r.row_id.hex]) for r in rs if r.row_id.hex in reasons]
                quarantine.keep_aside(conn, aside, app_version=app_version)
            if waiting:
                quarantine.release(conn, table, [r.row_id for r in rs if r.row_id.hex not in bad])
            problems += failed
    return problems


def _bad_key(p: PullProblem) -> str:
    try:
        return _key(p.row_id)
    except ValueError:
        return p.row_id


def _merge_into_local(conn: Connection, st: SyncedTable, rows: list[RowState]) -> list[PullProblem]:
    ids = [r.row_id for r in rows]
    local = _local_rows(conn, st, ids)
    shadows = _shadows(conn, st.name, ids)
    out: list[dict[str, Any]] = []
    for r in rows:
        mine = local.get(r.row_id.hex)
        if mine is None:
            continue  # removed here; the pending delete goes to the server
        shadow = shadows.get(r.row_id.hex)
        remote = normalise(st.table, {k: v for k, v in r.data.items() if k in st.fields})
        merged = dict(mine)
        for f, v in remote.items():
            if f in META_FIELDS:
                continue
            if shadow is not None and shadow.unchanged_here(f, mine.get(f)):
                merged[f] = v
        if shadow is None:
            # Never confirmed before (the same row made on two PCs): keep ours; the server compares them.
            merged = dict(mine)
        merged["server_seq"] = r.seq
        out.append(merged)
    return _write_rows(conn, st, out)


def list_failed(conn: Connection) -> list[dict[str, Any]]:
    q = (
        select(
            OUTBOX.c.id,
            OUTBOX.c.table_name,
            OUTBOX.c.row_id,
            OUTBOX.c.error,
            OUTBOX.c.attempts,
            OUTBOX.c.created_at,
        )
        .where(OUTBOX.c.state == "failed")
        .order_by(OUTBOX.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(q)]


def retry_failed(conn: Connection, ids: list[int]) -> int:
    """Send again (recomputed against the latest confirmed state, with a new mutation id)."""
    n = 0
    for oid in ids:
        row = conn.execute(
            select(OUTBOX.c.table_name, OUTBOX.c.row_id).where(OUTBOX.c.id == oid, OUTBOX.c.state == "failed")
        ).first()
        if row is None:
            continue
        other = conn.scalar(
            select(func.count())
            .select_from(OUTBOX)
            .where(
                OUTBOX.c.table_name == row.table_name,
                OUTBOX.c.row_id == row.row_id,
                OUTBOX.c.state == "pending",
            )
        )
        if other:
            conn.execute(delete(OUTBOX).where(OUTBOX.c.id == oid))
        else:
            conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id == oid)
                .values(state="pending", mutation_id=None, payload=None, error="")
            )
        n += 1
    return n


def discard_failed(conn: Connection, ids: list[int]) -> int:
    """Give up a refused change: the row goes back to what the server holds (a new row becomes a tombstone)."""
    n = 0
    for oid in ids:
        row = conn.execute(
            select(OUTBOX.c.table_name, OUTBOX.c.row_id).where(OUTBOX.c.id == oid, OUTBOX.c.state == "failed")
        ).first()
        if row is None:
            continue
        st = get(row.table_name)
        rid = _uid(row.row_id)
        conn.execute(
            delete(OUTBOX).where(OUTBOX.c.table_name == row.table_name, OUTBOX.c.row_id == row.row_id)
        )
        if st is not None:
            shadow = _shadows(conn, st.name, [rid]).get(rid.hex)
            with applying(conn):
                if shadow is not None:
                    _write_rows(conn, st, [shadow.latest or shadow.data])
                else:
                    conn.execute(update(st.table).where(st.table.c.id == rid).values(deleted=True))
        n += 1
    return n


def all_pushed_tables() -> list[str]:
    return [name for name, st in synced_tables().items() if st.pushed]
