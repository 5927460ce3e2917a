"""One person, one row on the server: natural keys unique per office, a second create merged into the first.

`prepare` runs before a push is applied. A new row whose natural key (db.sync.naturalkeys) a live row of the
office already holds becomes a change onto that row: blank fields are filled, a field both hold differently
is a normal conflict, and the second id is remembered as an alias of the first (row_alias), so every
reference to it, in this push or any later one, is re-pointed to the first row. `record` keeps natural_key in
step with the rows written; its primary key makes two pushes that create the same key at once collide, and
the retry of the second then merges.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from db.sync.merge import Refused
from db.sync.messages import Change
from db.sync.naturalkeys import NATURAL_KEYS, NOT_MERGED, STAGES, account_name_taken, key_of, merge_fields
from db.sync.registry import get
from server.models import NaturalKey, RowAlias, SyncRow

CHUNK = 400
AUDIT = "audit_entry"


@dataclass
class Prepared:
    changes: list[Change]
    originals: dict[uuid.UUID, Change]  # by mutation id, as sent (its digest proves a replay)
    holders: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)  # (table, key) → live row


@cache
def _fk_targets(table: str) -> list[tuple[str, str]]:
    st = get(table)
    if st is None:
        return []
    return [
        (col.name, fk.column.table.name)
        for col in st.table.columns
        for fk in col.foreign_keys
        if fk.column.table.name in NATURAL_KEYS
    ]


def _uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def prepare(session: Session, office: str, changes: list[Change]) -> Prepared:
    """Re-point changes at the rows they duplicate or refer to through an alias; record new aliases."""
    originals = {c.mutation_id: c for c in changes}
    if not any(c.table in NATURAL_KEYS or c.table == AUDIT or _fk_targets(c.table) for c in changes):
        return Prepared(changes, originals)
    # Most offices never had a merge: one cheap look instead of a lookup of every id.
    has_alias = session.scalar(select(RowAlias.row_id).where(RowAlias.office_code == office).limit(1))
    alias: dict[tuple[str, uuid.UUID], uuid.UUID] = {}
    if has_alias is not None:
        wanted = {(c.table, c.row_id) for c in changes if c.table in NATURAL_KEYS}
        for c in changes:
            for col, target in _fk_targets(c.table):
                if (rid := _uuid(c.fields.get(col))) is not None:
                    wanted.add((target, rid))
            if (named := _audited(c)) is not None:
                wanted.add(named)
        alias = _aliases(session, office, wanted)
    holders: dict[tuple[str, str], uuid.UUID] = {}
    creates_merged: dict[uuid.UUID, uuid.UUID] = {}
    work = list(changes)
    for stage in STAGES:
        work = [_repointed(c, alias) for c in work]  # keys made of references see earlier merges
        natural = [c for c in work if c.table in stage]
        keys = {(c.table, k) for c in natural if (k := key_of(c.table, c.fields)) is not None}
        holders.update(_holders(session, office, keys))
        candidates = [
            c
            for c in natural
            if c.base_version is None and c.op == "upsert" and (c.table, c.row_id) not in alias
            and c.table not in NOT_MERGED
            and (k := key_of(c.table, c.fields)) is not None
            and holders.get((c.table, k)) not in (None, c.row_id)
        ]  # fmt: skip
        existing = _existing(session, [(c.table, c.row_id) for c in candidates]) if candidates else set()
        for c in candidates:
            if (c.table, c.row_id) in existing:
                continue  # a row the server has (stored before keys were unique): an update, not a duplicate
            holder = holders[(c.table, key_of(c.table, c.fields) or "")]
            alias[(c.table, c.row_id)] = holder
            creates_merged[c.mutation_id] = holder
            session.add(RowAlias(table_name=c.table, row_id=c.row_id, target_id=holder, office_code=office))
    if not alias:
        return Prepared(changes, originals, holders)
    work = [_repointed(c, alias) for c in work]
    targets = {(c.table, t) for c in work if (t := creates_merged.get(c.mutation_id)) is not None}
    current = _data(session, targets)
    out: list[Change] = []
    for c in work:
        if (c.table, c.row_id) not in alias:
            out.append(c)
            continue
        new_id = alias[(c.table, c.row_id)]
        fields = {**c.fields, "id": str(new_id)}
        update: dict[str, Any] = {"row_id": new_id, "fields": fields}
        if c.mutation_id in creates_merged:
            merged, base = merge_fields(current.get((c.table, new_id), {}), fields)
            update.update(fields=merged, base=base, base_version=0)
        out.append(c.model_copy(update=update))
    return Prepared(out, originals, holders)


def _audited(c: Change) -> tuple[str, uuid.UUID] | None:
    """(table, id) an audit entry names when that table has natural keys: its entity_id follows a merge."""
    if c.table != AUDIT or c.fields.get("entity") not in NATURAL_KEYS:
        return None
    rid = _uuid(c.fields.get("entity_id"))
    return None if rid is None else (str(c.fields["entity"]), rid)


def _repointed(c: Change, alias: dict[tuple[str, uuid.UUID], uuid.UUID]) -> Change:
    """The change with every reference to a merged row pointing at the row it was merged into; an audit entry
    about a merged row becomes part of the first row's history."""
    fields = None
    for col, target in _fk_targets(c.table):
        rid = _uuid(c.fields.get(col))
        if rid is not None and (target, rid) in alias:
            fields = fields if fields is not None else dict(c.fields)
            fields[col] = str(alias[(target, rid)])
    if (named := _audited(c)) is not None and named in alias:
        fields = fields if fields is not None else dict(c.fields)
        fields["entity_id"] = str(alias[named])
    return c if fields is None else c.model_copy(update={"fields": fields})


def _aliases(session: Session, office: str, wanted: set[tuple[str, uuid.UUID]]) -> dict:
    keys = sorted(wanted, key=lambda k: (k[0], k[1].hex))
    out: dict[tuple[str, uuid.UUID], uuid.UUID] = {}
    for start in range(0, len(keys), CHUNK):
        q = select(RowAlias.table_name, RowAlias.row_id, RowAlias.target_id).where(
            tuple_(RowAlias.table_name, RowAlias.row_id).in_(keys[start : start + CHUNK]),
            RowAlias.office_code == office,
        )
        for t, rid, target in session.execute(q):
            out[(t, rid)] = target
    return out


def _existing(session: Session, keys: list[tuple[str, uuid.UUID]]) -> set[tuple[str, uuid.UUID]]:
    out: set[tuple[str, uuid.UUID]] = set()
    for start in range(0, len(keys), CHUNK):
        q = select(SyncRow.table_name, SyncRow.row_id).where(
            tuple_(SyncRow.table_name, SyncRow.row_id).in_(keys[start : start + CHUNK])
        )
        out.update((t, r) for t, r in session.execute(q))
    return out


def _holders(session: Session, office: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], uuid.UUID]:
    ordered = sorted(keys)
    out: dict[tuple[str, str], uuid.UUID] = {}
    for start in range(0, len(ordered), CHUNK):
        q = select(NaturalKey.table_name, NaturalKey.key, NaturalKey.row_id).where(
            NaturalKey.office_code == office,
            tuple_(NaturalKey.table_name, NaturalKey.key).in_(ordered[start : start + CHUNK]),
        )
        for t, k, rid in session.execute(q):
            out[(t, k)] = rid
    return out


def _data(session: Session, keys: set[tuple[str, uuid.UUID]]) -> dict[tuple[str, uuid.UUID], dict[str, Any]]:
    out = {}
    for t, rid in keys:
        row = session.get(SyncRow, (t, rid))
        if row is not None:
            out[(t, rid)] = row.data
    return out


def held_by_another(prepared: Prepared, table: str, row_id: uuid.UUID, data: dict[str, Any]) -> str | None:
    """The natural key this row would take from another live row of the office, or None."""
    k = key_of(table, data)
    if k is None:
        return None
    holder = prepared.holders.get((table, k))
    if holder is not None and holder != row_id:
        if table in NOT_MERGED:
            raise Refused(account_name_taken(k))
        return k
    prepared.holders[(table, k)] = row_id  # later changes in this push see it taken
    return None


def record(
    session: Session, office: str, written: list[tuple[str, uuid.UUID, dict[str, Any], dict[str, Any] | None]]
) -> None:
    """Keep natural_key in step with rows just written: (table, id, new data, data before or None)."""
    rows = []
    for table, rid, data, before in written:
        if table not in NATURAL_KEYS:
            continue
        new_key = key_of(table, data)
        if before is not None:
            if key_of(table, before) == new_key:
                continue  # most edits leave the key alone
            session.execute(
                delete(NaturalKey).where(NaturalKey.table_name == table, NaturalKey.row_id == rid)
            )
        if new_key is not None:
            rows.append({"office_code": office, "table_name": table, "key": new_key, "row_id": rid})
    if rows:
        session.execute(insert(NaturalKey), rows)
