"""Writing and reading the audit log: every change records who, on which device, and what."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry
from desktop.core.context import AppContext


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [jsonable(before.get(key)), jsonable(after[key])]
        for key in after
        if before.get(key) != after[key]
    }


def record(
    session: Session,
    ctx: AppContext,
    *,
    office_code: str,
    action: str,
    entity: str,
    entity_id: uuid.UUID,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    batch_id: uuid.UUID | None = None,
) -> None:
    session.add(
        AuditEntry(
            office_code=office_code,
            user_name=ctx.user_name,
            device_id=ctx.device_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes={k: jsonable(v) if not isinstance(v, list) else v for k, v in (changes or {}).items()},
            summary=summary[:300],
            batch_id=batch_id,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    user_name: str
    device_id: str
    action: str
    entity: str
    entity_id: uuid.UUID
    changes: dict[str, Any]
    summary: str


def history(ctx: AppContext, *, entity_id: uuid.UUID) -> list[AuditRow]:
    """The history of one record, oldest first."""
    with ctx.reading() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at, AuditEntry.id)
        ).all()
        return [
            AuditRow(
                r.at, r.user_name, r.device_id, r.action, r.entity, r.entity_id, dict(r.changes), r.summary
            )
            for r in rows
        ]


def apply_update(
    session: Session, ctx: AppContext, obj: Any, values: dict[str, Any], *, entity: str, summary: str
) -> dict[str, list[Any]]:
    """Set the values that differ on a record and audit them; returns {field: [old, new]} (empty: no change)."""
    changes = diff({k: getattr(obj, k) for k in values}, values)
    if changes:
        for key, value in values.items():
            setattr(obj, key, value)
        record(
            session,
            ctx,
            office_code=obj.office_code,
            action="update",
            entity=entity,
            entity_id=obj.id,
            changes=changes,
            summary=summary,
        )
    return changes
