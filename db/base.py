"""Declarative base, constraint naming convention and the sync columns every synced table carries."""

from __future__ import annotations

import secrets
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    Uuid,
    event,
)

__all__ = ["Base", "SyncMixin", "UTCDateTime", "Uuid", "new_id", "new_id_hexes", "utcnow"]
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from uuid6 import uuid7

# Named constraints so that Alembic batch migrations on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7 made on the client, so offline offices never collide."""
    return uuid.UUID(bytes=uuid7().bytes)


_COUNTER_BITS = 62  # rand_b


def new_id_hexes(count: int) -> list[str]:
    """``count`` UUIDv7 as 32-digit hex (how SQLite stores them), from one timestamp and a counter.

    RFC 9562 method 1 (fixed-length counter): rand_a is random, rand_b starts at a random value and counts
    up, so the ids are unique and ordered, and many times cheaper than one uuid7() call per row.
    """
    if count <= 0:
        return []
    ms = time.time_ns() // 1_000_000
    head = f"{ms:012x}7{secrets.randbits(12):03x}"
    start = (0b10 << _COUNTER_BITS) | secrets.randbelow((1 << _COUNTER_BITS) - count)
    return [f"{head}{c:016x}" for c in range(start, start + count)]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; SQLite stores them naive, so reattach UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy reads it as a class attribute


class SyncMixin:
    """UUID key, owning office, timestamps, version counter, tombstone and server sequence."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    office_code: Mapped[str] = mapped_column(String(2), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    server_seq: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)


@event.listens_for(Session, "before_flush")
def _bump_versions(session: Session, _ctx: object, _instances: object) -> None:
    """Every real change to a synced row moves its version and updated_at, whoever made it."""
    if session.info.get("keep_versions"):
        return  # applying rows pulled from the server: their version is the server's
    for obj in session.dirty:
        if isinstance(obj, SyncMixin) and session.is_modified(obj, include_collections=False):
            obj.version = (obj.version or 0) + 1
            obj.updated_at = utcnow()
