"""Pulled rows this PC could not store: kept aside with a Thai reason, never lost, retried after an upgrade.

The cursor moves past such a row (the rest of the province must not wait for it); the row itself waits in
sync_quarantine until a newer version of it arrives and is stored, an officer retries, or the program changes
version (a newer program may know how to store it).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.base import utcnow
from db.models.sync import SyncQuarantine
from db.sync.messages import RowState
from db.sync.registry import SyncedTable
from db.sync.validate import Invalid, check_row, shown

QUARANTINE = SyncQuarantine.__table__
CHUNK = 500
_UNIQUE_RE = re.compile(r"UNIQUE constraint failed: (.*)$")
_CHECK_RE = re.compile(r"CHECK constraint failed: (\w+)")


@dataclass(frozen=True)
class Aside:
    row: RowState
    reason: str


def reason_for(st: SyncedTable, data: dict[str, Any], exc: BaseException) -> str:
    """Why a server row cannot be stored here, in Thai, naming the field and its value."""
    try:
        check_row(st.table, {k: v for k, v in data.items() if k in st.fields})
    except Invalid as bad:
        return str(bad)
    except (TypeError, ValueError, OverflowError):
        pass
    raw = str(getattr(exc, "orig", exc)).split("\n")[0]
    if m := _UNIQUE_RE.search(raw):
        cols = [c.split(".")[-1].strip() for c in m.group(1).split(",")]
        named = ", ".join(f'ช่อง {c} ค่า "{shown(data.get(c))}"' for c in cols if c != "office_code")
        return f"ตาราง {st.name}: ซ้ำกับข้อมูลอีกรายการในเครื่องนี้ ({named}) / duplicate {st.name}"
    if m := _CHECK_RE.search(raw):
        name = m.group(1).removeprefix(f"ck_{st.name}_")
        value = data.get(name, "")
        return f'ตาราง {st.name} ช่อง {name} ค่า "{shown(value)}": ไม่ผ่านเงื่อนไขของข้อมูล / check {name}'
    return f"ตาราง {st.name}: บันทึกข้อมูลจากเซิร์ฟเวอร์ไม่ได้ ({shown(raw)})"


def keep_aside(conn: Connection, items: list[Aside], *, app_version: str) -> None:
    """Store (or refresh) each row with its reason; a second failure of the same row counts an attempt."""
    now = utcnow()
    for item in items:
        r = item.row
        stmt = sqlite_insert(QUARANTINE).values(
            table_name=r.table,
            row_id=r.row_id.hex,
            seq=r.seq,
            version=r.version,
            data=r.data,
            reason=item.reason[:2000],
            app_version=app_version[:40],
            attempts=1,
            created_at=now,
            tried_at=now,
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["table_name", "row_id"],
                set_={
                    "seq": stmt.excluded.seq,
                    "version": stmt.excluded.version,
                    "data": stmt.excluded.data,
                    "reason": stmt.excluded.reason,
                    "app_version": stmt.excluded.app_version,
                    "attempts": QUARANTINE.c.attempts + 1,
                    "tried_at": now,
                },
            )
        )


def release(conn: Connection, table: str, ids: list[uuid.UUID]) -> None:
    """Rows stored after all (a newer version came, or a retry worked): no longer aside."""
    keys = [i.hex for i in ids]
    for start in range(0, len(keys), CHUNK):
        conn.execute(
            delete(QUARANTINE).where(
                QUARANTINE.c.table_name == table, QUARANTINE.c.row_id.in_(keys[start : start + CHUNK])
            )
        )


def count(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(QUARANTINE)) or 0


def rows(conn: Connection, *, older_than: str | None = None) -> list[RowState]:
    """The rows aside, in server order; with older_than, only those a different program version refused."""
    q = select(QUARANTINE).order_by(QUARANTINE.c.seq)
    if older_than is not None:
        q = q.where(QUARANTINE.c.app_version != older_than)
    return [
        RowState(
            table=r.table_name,
            row_id=uuid.UUID(r.row_id),
            seq=r.seq,
            version=r.version,
            deleted=bool(r.data.get("deleted", False)),
            data=r.data,
        )
        for r in conn.execute(q)
    ]


def listing(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(QUARANTINE).order_by(QUARANTINE.c.seq))]
