"""Which tables sync and how their conflicts are settled: every SyncMixin table, found in the metadata."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Table

SYNC_COLUMNS = frozenset(
    {"id", "office_code", "created_at", "updated_at", "version", "deleted", "server_seq"}
)
# Bookkeeping columns: never merged field by field, never a conflict.
META_FIELDS = frozenset({"id", "office_code", "created_at", "updated_at", "version", "server_seq"})


class SyncKind(enum.StrEnum):
    LOCAL = "local"  # shipped with the program on both ends, never sent (provinces)
    SERVER = "server"  # reference data the centre publishes; a push is refused
    MERGE = "merge"  # office data merged field by field; the same field changed two ways is a conflict
    APPEND = "append"  # events: inserted once, never changed by a push
    LOCKABLE = "lockable"  # merged like MERGE until approved; then a push cannot change it


KIND_OF_TABLE: dict[str, SyncKind] = {
    "province": SyncKind.LOCAL,
    "rate": SyncKind.SERVER,
    "budget_allocation": SyncKind.SERVER,
    "attendance_mark": SyncKind.APPEND,
    "payment_line": SyncKind.APPEND,
    "document_number": SyncKind.APPEND,
    "audit_entry": SyncKind.APPEND,
    "expense_line": SyncKind.LOCKABLE,
}
# A lockable row is locked while its column holds one of these values.
LOCKS: dict[str, tuple[str, frozenset[str]]] = {
    "expense_line": ("status", frozenset({"approved", "exported"})),
}


@dataclass(frozen=True)
class SyncedTable:
    name: str
    kind: SyncKind
    table: Table

    @property
    def pushed(self) -> bool:
        """Local changes to it go to the server."""
        return self.kind in (SyncKind.MERGE, SyncKind.APPEND, SyncKind.LOCKABLE)

    @property
    def pulled(self) -> bool:
        return self.kind != SyncKind.LOCAL

    @property
    def fields(self) -> list[str]:
        return [c.name for c in self.table.columns]

    def is_locked(self, data: dict) -> bool:
        lock = LOCKS.get(self.name)
        return lock is not None and data.get(lock[0]) in lock[1]


def is_sync_table(table: Table) -> bool:
    return {c.name for c in table.columns} >= SYNC_COLUMNS


@cache
def _all() -> dict[str, SyncedTable]:
    import db.models  # noqa: F401 - fills Base.metadata with every model
    from db.base import Base

    return {
        name: SyncedTable(name, KIND_OF_TABLE.get(name, SyncKind.MERGE), table)
        for name, table in Base.metadata.tables.items()
        if is_sync_table(table)
    }


def synced_tables() -> dict[str, SyncedTable]:
    """Every table carrying the sync columns, by name (tables added later sync without more work)."""
    return _all()


def get(name: str) -> SyncedTable | None:
    return _all().get(name)
