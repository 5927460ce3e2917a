"""The server's own tables: offices, users, devices, enrolment codes, mutations, the change sequence and rows.

Synced rows are kept generically (table, id, office, version, sequence, JSON data) rather than in copies of
the desktop tables: the server then needs no migration when a desktop table gains a column or a new synced
table appears, it enforces no uniqueness across provinces (which would leak another province's data through
an error), and client rows never have to arrive in foreign-key order.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.base import NAMING_CONVENTION, UTCDateTime, utcnow

ROLES = ("province_officer", "province_finance", "province_head", "central_staff", "admin")
CENTRAL_ROLES = ("central_staff", "admin")
CENTRAL_OFFICE = "00"  # owner of national reference data (rates)


class ServerBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class OfficeAccount(ServerBase):
    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[int | None] = mapped_column(Integer)  # ครู ข to train; the village count when unset
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(ServerBase):
    __tablename__ = "app_user"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    office_code: Mapped[str | None] = mapped_column(String(2))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserSession(ServerBase):
    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class Device(ServerBase):
    __tablename__ = "device"
    __table_args__ = (UniqueConstraint("office_code", "lane", name="uq_device_office_code_lane"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    office_code: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # SHA-256 of the key the PC sent with its code (None for PCs enrolled before s0003 or without one).
    key_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Its document-number lane in the office (desktop.core.numbering), given at enrolment (s0006), and the
    # PC's own local id, so that the same PC enrolling again keeps its lane.
    lane: Mapped[int | None] = mapped_column(Integer, default=None)
    pc_id: Mapped[str | None] = mapped_column(String(64), default=None)


class EnrolCode(ServerBase):
    __tablename__ = "enrol_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)


class AuthBudget(ServerBase):
    """Failed tries of one key ("login:<user>|<address>", "ip:<address>", "enrol:<address>"), see server.limits."""

    __tablename__ = "auth_budget"
    __table_args__ = (Index("ix_auth_budget_window_start", "window_start"),)

    key: Mapped[str] = mapped_column(String(150), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column()
    next_at: Mapped[datetime] = mapped_column()  # no try of this key before this moment


class SyncCounter(ServerBase):
    """One row: the last change number handed out on SQLite (PostgreSQL uses the sequence sync_seq, s0007; see
    server.store for why either makes pulls safe)."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncRow(ServerBase):
    __tablename__ = "sync_row"
    __table_args__ = (Index("ix_sync_row_office_seq", "office_code", "seq"),)

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    office_code: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # JSONB on PostgreSQL (s0005): the national figures read fields inside it, which JSONB does without
    # re-parsing the text (about 3.5 times faster at 76 provinces, docs/national-scale.md).
    data: Mapped[dict[str, Any]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    # The device whose push wrote the newest version (None: the centre's): that PC is not sent it back.
    updated_device: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)


class NaturalKey(ServerBase):
    """The live row of an office holding a natural key (national ID, DOPA code): one person, one row."""

    __tablename__ = "natural_key"
    __table_args__ = (Index("ix_natural_key_row", "table_name", "row_id"),)

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class RowAlias(ServerBase):
    """A row a PC created that the server merged into an older one with the same natural key."""

    __tablename__ = "row_alias"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    office_code: Mapped[str] = mapped_column(String(2))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mutation(ServerBase):
    """Every change a device pushed, under its unique id, with the answer given: a replay gets the same answer."""

    __tablename__ = "mutation"
    __table_args__ = (Index("ix_mutation_received_at", "received_at"),)

    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    office_code: Mapped[str] = mapped_column(String(2))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # SHA-256 of the change as first received: the same id with other content is refused (None before s0003).
    digest: Mapped[str | None] = mapped_column(String(64), default=None)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class Conflict(ServerBase):
    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_office_open", "office_code", "resolved_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    office_code: Mapped[str] = mapped_column(String(2))
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(64))
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_by: Mapped[str] = mapped_column(String(200), default="")
    server_at: Mapped[str] = mapped_column(String(40), default="")
    client_by: Mapped[str] = mapped_column(String(200), default="")
    client_at: Mapped[str] = mapped_column(String(40), default="")
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class ProvinceWorkbook(ServerBase):
    """The latest province workbook uploaded for a province and fiscal year (for provinces that send files)."""

    __tablename__ = "province_workbook"

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)  # BE
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    # The file as received, for audit and re-reading; deferred so listing uploads never loads the files.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    generated_at: Mapped[datetime] = mapped_column()  # when the province's program wrote it (its data as of)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # db.exchange.national.ProvinceSummary.to_json()


class RegistrationRecord(ServerBase):
    """One registration source row as the centre counts it: a PC's synced row or a line of the national export.

    Keyed like the desktop (office, source_key: w:/r:/h:/t:, docs/registrations.md), so the same registration
    arriving by sync and by the centre's import is counted once; the last writer's count stands.
    """

    __tablename__ = "registration_record"

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    source_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(13))  # the ครู ข credited
    count: Mapped[int] = mapped_column(BigInteger)
    origin: Mapped[str] = mapped_column(String(8))  # sync / import


class RegistrationTally(ServerBase):
    """Registrations per ครู ข (sum of RegistrationRecord.count), kept in step in the same transactions."""

    __tablename__ = "registration_tally"

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    national_id: Mapped[str] = mapped_column(String(13), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class OfficeActivity(ServerBase):
    """Per office: its last change (sequence, time), its synced row count and a stamp that moves with every
    change its figures read (pushes and registration imports): the national figures are reused until it moves.
    """

    __tablename__ = "office_activity"

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    synced_at: Mapped[datetime | None] = mapped_column(default=None)  # last push of its own rows
    synced_rows: Mapped[int] = mapped_column(BigInteger, default=0)  # its rows, central tables excluded
    stamp: Mapped[int] = mapped_column(BigInteger, default=0)


class PruneMark(ServerBase):
    """One row: mutations received before ``before`` were deleted (server.pruning); a PC not seen since must resync."""

    __tablename__ = "prune_mark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    before: Mapped[datetime] = mapped_column()


class StoredFigures(ServerBase):
    """An office's national figures for a fiscal year as last computed, with the activity stamp they belong to:
    every server process (and a restarted server) reuses them until the office's stamp moves."""

    __tablename__ = "stored_figures"

    office_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    stamp: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
