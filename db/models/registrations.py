"""Registrations of informal workers credited to a ครู ข, imported from the ministry app's export."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin


class Registration(SyncMixin, Base):
    """One imported source row: a single registration (count 1) or a ครู ข's running total (a snapshot).

    ``source_key`` makes a re-import idempotent (see docs/registrations.md): a registration row's key is
    the ครู ข's ID with the registration's reference (or, without one, a digest of the row and its
    occurrence number); a total's key is ``total:<ID>`` so a newer export replaces the older count.
    """

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("office_code", "source_key"),
        CheckConstraint("count >= 0", name="count_non_negative"),
        CheckConstraint("kind IN ('single','total')", name="kind"),
        # Covering the province figures: registrations per person without reading the rows.
        Index("ix_registration_figures", "office_code", "deleted", "person_id", "count"),
    )

    national_id: Mapped[str] = mapped_column(String(13), index=True)  # the ครู ข who got them registered
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="single")
    count: Mapped[int] = mapped_column(Integer, default=1)
    registered_on: Mapped[date | None] = mapped_column(Date)
    source_key: Mapped[str] = mapped_column(String(120))
    source_file: Mapped[str] = mapped_column(String(300), default="")
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
