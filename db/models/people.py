"""ครู ข candidates (people on the rosters) and lecturers (วิทยากร)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncMixin
from db.models.geo import Village


class Person(SyncMixin, Base):
    __tablename__ = "person"
    # Covering the province figures: live people and their villages without reading the rows.
    __table_args__ = (Index("ix_person_figures", "office_code", "deleted", "village_id", "id"),)

    national_id: Mapped[str] = mapped_column(String(13), unique=True)
    prefix: Mapped[str] = mapped_column(String(50), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    name_original: Mapped[str] = mapped_column(String(300), default="")  # as written in the source list
    position: Mapped[str] = mapped_column(String(100), default="")
    village_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("village.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # From the ID card or typed: the registered address printed on vouchers. The place parts are empty when
    # the address is in the person's own village (the village link gives หมู่ที่ to จังหวัด).
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    house_no: Mapped[str] = mapped_column(String(50), default="")
    address_street: Mapped[str] = mapped_column(String(200), default="")  # ตรอก ซอย ถนน
    address_moo: Mapped[str] = mapped_column(String(10), default="")
    address_subdistrict: Mapped[str] = mapped_column(String(100), default="")
    address_district: Mapped[str] = mapped_column(String(100), default="")
    address_province: Mapped[str] = mapped_column(String(100), default="")

    village: Mapped[Village | None] = relationship()


class Lecturer(SyncMixin, Base):
    __tablename__ = "lecturer"

    prefix: Mapped[str] = mapped_column(String(50), default="")
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    national_id: Mapped[str | None] = mapped_column(String(13))  # needed on payment vouchers only
    position: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # State lecturers (civil servants, state agencies) have a lower fee ceiling than non-state ones.
    is_state: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(Text, default="")  # สถานที่อยู่หรือที่ทำการ, printed on vouchers
    note: Mapped[str] = mapped_column(Text, default="")
