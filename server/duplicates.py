"""One-time clean-up of rows stored twice under one natural key before s0004 (admin merge-duplicates).

The same merge as a live one (server.naturalkeys): per office, the first created live row of a key wins, the
others' blank-filling fields go into it (db.sync.naturalkeys.merge_fields; where both hold a value the winner's
stays), every row referring to a loser is re-pointed to the winner, the loser becomes a tombstone and an alias
of the winner (row_alias: a later push naming it is re-pointed). Each row written gets a new change number, so
every PC of the office takes the merge on its next pull. The loser's audit entries become the winner's history. Tables are merged in the order of STAGES: enrolments
made one by their people's merge are merged next.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.sync import naturalkeys
from db.sync.naturalkeys import STAGES, key_of, merge_fields, references_to
from server import store
from server.models import NaturalKey, RowAlias, SyncRow

BY = "admin merge-duplicates"


@dataclass(frozen=True)
class Merged:
    office: str
    table: str
    key: str
    winner: uuid.UUID
    losers: tuple[uuid.UUID, ...]
    repointed: int  # rows whose references were moved to the winner


def merge_duplicates(session: Session, *, office: str | None = None) -> list[Merged]:
    """Merge every group of live rows sharing a natural key within an office; the caller commits (or not)."""
    out: list[Merged] = []
    # Tables whose keys are unique but never merged (staff accounts: branch accounts' NOT_MERGED) are left alone.
    never = getattr(naturalkeys, "NOT_MERGED", frozenset())
    for stage in STAGES:
        for table in sorted(stage - never):
            out.extend(_merge_table(session, table, office))
    return out


def _merge_table(session: Session, table: str, office: str | None) -> list[Merged]:
    q = select(SyncRow).where(SyncRow.table_name == table, SyncRow.deleted.is_(False))
    if office is not None:
        q = q.where(SyncRow.office_code == office)
    groups: dict[tuple[str, str], list[SyncRow]] = {}
    for row in session.scalars(q):
        if (k := key_of(table, row.data)) is not None:
            groups.setdefault((row.office_code, k), []).append(row)
    out = []
    for (code, key), rows in sorted(groups.items()):
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: (str(r.data.get("created_at") or ""), r.seq))
        winner, losers = rows[0], rows[1:]
        merged = dict(winner.data)
        for loser in losers:
            fields, base = merge_fields(merged, loser.data)
            merged.update({f: v for f, v in fields.items() if base.get(f) == merged.get(f)})
        if merged != winner.data:
            store.publish(session, table=table, office_code=code, data=merged, by=BY)
        moved = 0
        for loser in losers:
            moved += _repoint(session, table, code, loser.row_id, winner.row_id)
            store.publish(session, table=table, office_code=code, data={**loser.data, "deleted": True}, by=BY)
            session.add(
                RowAlias(table_name=table, row_id=loser.row_id, target_id=winner.row_id, office_code=code)
            )
        session.execute(
            delete(NaturalKey).where(
                NaturalKey.office_code == code, NaturalKey.table_name == table, NaturalKey.key == key
            )
        )
        session.add(NaturalKey(office_code=code, table_name=table, key=key, row_id=winner.row_id))
        session.flush()
        out.append(Merged(code, table, key, winner.row_id, tuple(r.row_id for r in losers), moved))
    return out


def _repoint(session: Session, table: str, office: str, loser: uuid.UUID, winner: uuid.UUID) -> int:
    """Rows referring to the loser refer to the winner; its audit entries become the winner's history."""
    n = 0
    for ref_table, column in references_to(table):
        q = select(SyncRow).where(
            SyncRow.table_name == ref_table.name,
            SyncRow.office_code == office,
            SyncRow.data[column].as_string() == str(loser),
        )
        for row in session.scalars(q).all():
            data: dict[str, Any] = {**row.data, column: str(winner)}
            store.publish(session, table=ref_table.name, office_code=office, data=data, by=BY)
            n += 1
    q = select(SyncRow).where(
        SyncRow.table_name == "audit_entry",
        SyncRow.office_code == office,
        SyncRow.data["entity"].as_string() == table,
        SyncRow.data["entity_id"].as_string() == str(loser),
    )
    for row in session.scalars(q).all():
        store.publish(
            session,
            table="audit_entry",
            office_code=office,
            data={**row.data, "entity_id": str(winner)},
            by=BY,
        )
    return n
