"""Soft delete and restore of any synced record, with its audit entry."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from db.base import SyncMixin
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError


def set_deleted(
    ctx: AppContext,
    *,
    model: type[SyncMixin],
    record_id: uuid.UUID,
    deleted: bool,
    label: Callable[[SyncMixin], str],
    not_found: str,
) -> None:
    """Mark a record deleted (a tombstone that sync carries) or bring it back; both are audited."""
    with ctx.transaction() as session:
        obj = session.get(model, record_id)
        if obj is None:
            raise NotFoundError(not_found)
        if obj.deleted == deleted:
            return
        obj.deleted = deleted
        audit.record(
            session,
            ctx,
            office_code=obj.office_code,
            action="delete" if deleted else "restore",
            entity=model.__tablename__,
            entity_id=obj.id,  # type: ignore[attr-defined]
            changes={"deleted": [not deleted, deleted]},
            summary=f"{'ลบ' if deleted else 'กู้คืน'} {label(obj)}",
        )
