"""Unlocking approved spending through sync: an audited event the server accepts from the office's approver.

Approval locks a round's expense lines on the server (db.sync.registry.LOCKS). A PC unlocks them for a
correction with a reason (desktop.core.budget.spending.unlock), which writes the lines back to draft and an
audit entry "unlock" naming the reason and the user. The server lets those lines change only when the same push
carries that entry with a reason and its user is an approver of the office: an active server account of the
office with the role province_head (krukhor-server admin create-user --role province_head).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.sync.messages import Change
from server.models import User

APPROVER_ROLE = "province_head"


@dataclass
class Unlocks:
    granted: set[uuid.UUID] = field(default_factory=set)  # rounds whose lines may go back to draft
    refused: dict[uuid.UUID, str] = field(default_factory=dict)  # round → who asked, not an approver


def _reason(changes: Any) -> str:
    value = changes.get("reason") if isinstance(changes, dict) else None
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
        return value[1].strip()
    return ""


def _uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def find(session: Session, office: str, changes: list[Change]) -> Unlocks:
    """The unlocks this push carries, split into those an approver of the office made and the others."""
    asked: dict[uuid.UUID, str] = {}
    for c in changes:
        f = c.fields
        if c.table != "audit_entry" or f.get("action") != "unlock" or f.get("entity") != "round_spending":
            continue
        rid = _uuid(f.get("entity_id"))
        if rid is not None and _reason(f.get("changes")):
            asked[rid] = str(f.get("user_name") or "")
    out = Unlocks()
    if not asked:
        return out
    approvers = set(
        session.scalars(
            select(User.username).where(
                User.office_code == office, User.role == APPROVER_ROLE, User.disabled.is_(False)
            )
        )
    )
    for rid, user in asked.items():
        if user in approvers:
            out.granted.add(rid)
        else:
            out.refused[rid] = user
    return out


def round_of(data: dict[str, Any] | None) -> uuid.UUID | None:
    return _uuid(data.get("round_id")) if data else None
