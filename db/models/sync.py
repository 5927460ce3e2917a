"""This installation's sync bookkeeping: outbox, last server state of each row, conflicts; never synced."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class SyncOutbox(Base):
    """A row changed here and not yet accepted by the server (written by triggers, see db.sync.outbox)."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_row_state", "table_name", "row_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(36))  # as the synced table stores it (32 hex digits)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending, sending, failed
    created_at: Mapped[str] = mapped_column(String(32), default="")
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # frozen change, resent as is
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SyncShadow(Base):
    """The last state of a row the server confirmed: the base of a field-by-field merge."""

    __tablename__ = "sync_shadow"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The newest server state that arrived while this PC still had changes to the row not yet accepted
    # (the merge base stays `data`); a discarded change puts the row back to this.
    latest: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class SyncConflict(Base):
    """The same field changed here and elsewhere: the server kept its value; an officer decides."""

    __tablename__ = "sync_conflict"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(64))
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    local_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    local_by: Mapped[str] = mapped_column(String(200), default="")
    local_at: Mapped[str] = mapped_column(String(40), default="")
    server_by: Mapped[str] = mapped_column(String(200), default="")
    server_at: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str] = mapped_column(String(16), default="")  # mine, theirs


class SyncControl(Base):
    """One row; applying = 1 while changes pulled from the server are written (the triggers stay quiet)."""

    __tablename__ = "sync_control"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    applying: Mapped[int] = mapped_column(Integer, default=0)


class SyncQuarantine(Base):
    """A pulled row this PC could not store, kept aside with the reason and retried after an upgrade."""

    __tablename__ = "sync_quarantine"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # 32 hex digits
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the server's row as it came
    reason: Mapped[str] = mapped_column(Text, default="")
    app_version: Mapped[str] = mapped_column(String(40), default="")  # the program that could not store it
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    tried_at: Mapped[datetime] = mapped_column(default=utcnow)
