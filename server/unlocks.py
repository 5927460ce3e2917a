"""Unlocking approved spending through sync: an audited event the server accepts from the office's approver.

Approval locks a round's expense lines on the server (db.sync.registry.LOCKS). A PC unlocks them for a
correction with a reason (desktop.core.budget.spending.unlock), which writes the lines back to draft and an
audit entry "unlock" naming the reason and the user. An approver is an active server account of the office with
the role province_head (krukhor-server admin create-user --role province_head).

The server lets a locked row of a round (its round_spending, its expense lines) change when either
- the same push carries an "unlock" entry of that round with a reason by an approver, or
- the server already holds one, and it is the newest of the round's spending entries that count: the approvals
  and exports ("approved", "exported", by anyone) and the approvers' unlocks with a reason, in the server's
  order of arrival (sync_row.seq). An unlock and its lines may thus arrive in different pushes, and lines refused
  before the unlock arrived go through when the PC sends them again.
A non-approver cannot open a round: their unlock entries are stored (the audit log keeps everything) but never
count, and an approval or export that arrives after an unlock locks the round again. A push that changes locked
lines without any counting unlock is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.sync.messages import Change
from server.models import SyncRow, User

APPROVER_ROLE = "province_head"
# The round_spending audit actions that decide whether a round is open on the server: its approvals and exports
# lock it, an approver's unlock opens it.
SPENDING_ACTIONS = ("approved", "exported", "unlock")


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
    approvers = _approvers(session, office)
    for rid, user in asked.items():
        if user in approvers:
            out.granted.add(rid)
        else:
            out.refused[rid] = user
    return out


def round_of(data: dict[str, Any] | None) -> uuid.UUID | None:
    return _uuid(data.get("round_id")) if data else None


def _approvers(session: Session, office: str) -> set[str]:
    return set(
        session.scalars(
            select(User.username).where(
                User.office_code == office, User.role == APPROVER_ROLE, User.disabled.is_(False)
            )
        )
    )


def open_on_server(session: Session, office: str, rounds: set[uuid.UUID]) -> set[uuid.UUID]:
    """The rounds among these whose newest counting spending entry on the server is an approver's unlock."""
    if not rounds:
        return set()
    data = SyncRow.data
    q = (
        select(SyncRow.seq, data)
        .where(
            SyncRow.table_name == "audit_entry",
            SyncRow.office_code == office,
            SyncRow.deleted.is_(False),
            data["entity"].as_string() == "round_spending",
            data["entity_id"].as_string().in_(sorted(str(r) for r in rounds)),
            data["action"].as_string().in_(SPENDING_ACTIONS),
        )
        .order_by(SyncRow.seq)
    )
    approvers: set[str] | None = None
    newest: dict[uuid.UUID, bool] = {}
    for _seq, d in session.execute(q):
        rid = _uuid(d.get("entity_id"))
        if rid is None:
            continue
        if d.get("action") != "unlock":
            newest[rid] = False
            continue
        if approvers is None:
            approvers = _approvers(session, office)
        if _reason(d.get("changes")) and str(d.get("user_name") or "") in approvers:
            newest[rid] = True
    return {rid for rid, is_open in newest.items() if is_open}
