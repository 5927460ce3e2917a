"""The audit log: who changed what, on which device, and when (append-only)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin, utcnow


class AuditEntry(SyncMixin, Base):
    __tablename__ = "audit_entry"

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    # The signed-in account's full name and the PC's host name ("" before staff accounts, or without any).
    full_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    device_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    action: Mapped[str] = mapped_column(String(32))  # create, update, delete, restore, status, ...
    entity: Mapped[str] = mapped_column(String(50), index=True)  # table name
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # {field: [old, new]} for updates; the full row for creates.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # groups an import, for undo
    summary: Mapped[str] = mapped_column(String(300), default="")
