"""Writing and reading the audit log: every change records who, on which device, and what."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry
from desktop.core.accounts.permissions import require
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


_BY_ENTITY = object()
# What an audited change needs, by entity (and action where one entity holds several kinds of work).
_ENTITY_PERMISSIONS = {
    "person": "people.edit",
    "lecturer": "people.edit",
    "village": "people.edit",
    "place": "people.edit",
    "training_round": "rounds.edit",
    "enrolment": "rounds.edit",
    "attendance_mark": "rounds.edit",
    "expense_line": "spending.record",
    "payment_line": "spending.record",
    "rate": "rates.edit",
    "budget_allocation": "rates.edit",
    "office": "settings.edit",
    "registration": "registrations.import",
    "staff_account": "accounts.manage",
}
_ACTION_PERMISSIONS = {
    ("training_round", "plan"): "spending.record",
    ("training_round", "pay"): "spending.record",
    ("round_spending", "approved"): "spending.approve",
    ("round_spending", "unlock"): "spending.approve",
    ("round_spending", "exported"): "spending.record",
}


def permission_for(entity: str, action: str) -> str | None:
    return _ACTION_PERMISSIONS.get((entity, action)) or _ENTITY_PERMISSIONS.get(entity)


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
    permission: str | object | None = _BY_ENTITY,
) -> None:
    """Add an entry naming the signed-in account and the PC. Every audited change is also a permission check:
    by default the one its entity and action call for (permission_for); None when the caller checked already."""
    if permission is _BY_ENTITY:
        permission = permission_for(entity, action)
    if isinstance(permission, str):
        require(ctx, permission, session=session)
    session.add(
        AuditEntry(
            office_code=office_code,
            user_name=ctx.user_name,
            full_name=ctx.account.full_name[:200] if ctx.account else "",
            device_id=ctx.device_id,
            device_name=ctx.device_name,
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
    full_name: str = ""
    device_name: str = ""

    @property
    def who(self) -> str:
        """The account as the history dialogs show it: "นายสมชาย ใจดี (somchai)", or the bare name before accounts."""
        return f"{self.full_name} ({self.user_name})" if self.full_name else self.user_name

    @property
    def where(self) -> str:
        return self.device_name or self.device_id[:8]


# A roster import creates tens of thousands of people: one entry each cost more than writing the people
# (seven indexes, a sync outbox row, a sync push each), so they are audited PEOPLE_PER_ENTRY to an entry of
# entity PEOPLE_ENTITY, entity_id the import batch, changes {"fields": PEOPLE_FIELDS, "people": [[...], ...]}
# with every value written. history() shows a person's part of it as the entry a single create would be.
PEOPLE_ENTITY = "person_import"
UNDO_ACTION = "undo_import"  # the same grouping for the people an undone import removed
UNDONE_FIELDS = ("id", "national_id", "first_name", "last_name")
PEOPLE_PER_ENTRY = 50  # ~10 KB an entry: a sync push of 500 entries stays under the server's 8 MB
PEOPLE_FIELDS = (
    "id",
    "row",
    "national_id",
    "prefix",
    "first_name",
    "last_name",
    "name_original",
    "position",
    "phone",
    "village_id",
    "note",
)


def history(ctx: AppContext, *, entity_id: uuid.UUID) -> list[AuditRow]:
    """The history of one record, oldest first."""
    with ctx.reading() as session:
        rows = [
            AuditRow(
                r.at,
                r.user_name,
                r.device_id,
                r.action,
                r.entity,
                r.entity_id,
                dict(r.changes),
                r.summary,
                r.full_name,
                r.device_name,
            )
            for r in session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity_id == entity_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ]
        rows += _in_groups(session, entity_id)
        return sorted(rows, key=lambda r: r.at)  # stable: entries of one moment keep their order


def _in_groups(session: Session, person_id: uuid.UUID) -> list[AuditRow]:
    """A person's part of the grouped entries (PEOPLE_ENTITY), each shown as its own create or undo entry."""
    key = str(person_id)
    found = []
    for r in session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == PEOPLE_ENTITY, func.instr(AuditEntry.changes, f'"{key}"') > 0
        )
    ):
        fields = r.changes.get("fields", PEOPLE_FIELDS)
        for values in r.changes.get("people", []):
            if values[0] != key:
                continue
            person = dict(zip(fields, values, strict=True))
            name = f"{person.get('first_name', '')} {person.get('last_name', '')}"
            shown = {f: v for f, v in person.items() if f not in ("id", "row")}
            if r.action == UNDO_ACTION:
                changes = {f: [v, None] for f, v in shown.items()}
                summary = f"ยกเลิกการนำเข้า: ลบ {name}"
            else:
                changes = {f: [None, v] for f, v in shown.items()}
                summary = f"นำเข้า {name} (แถว {person.get('row', '')})"
            found.append(
                AuditRow(
                    r.at,
                    r.user_name,
                    r.device_id,
                    r.action,
                    "person",
                    person_id,
                    changes,
                    summary,
                    r.full_name,
                    r.device_name,
                )
            )
    return found


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


def record_output(
    ctx: AppContext,
    *,
    action: str,
    entity: str,
    entity_id: uuid.UUID,
    summary: str,
    changes: dict | None = None,
) -> None:
    """A document with personal data printed or exported: who, on which PC, when (its permission checked before)."""
    with ctx.transaction() as session:
        record(
            session,
            ctx,
            office_code=ctx.require_office_code(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=changes,
            summary=summary,
            permission=None,
        )
