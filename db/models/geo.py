"""Places by DOPA code: province (2 digits), district (4), subdistrict (6), village (8)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncMixin


class Province(SyncMixin, Base):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(50), default="")


class District(SyncMixin, Base):
    __tablename__ = "district"

    code: Mapped[str] = mapped_column(String(4), unique=True)
    province_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("province.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(100))

    province: Mapped[Province] = relationship()


class Subdistrict(SyncMixin, Base):
    __tablename__ = "subdistrict"

    code: Mapped[str] = mapped_column(String(6), unique=True)
    district_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("district.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(100))

    district: Mapped[District] = relationship()


class Village(SyncMixin, Base):
    __tablename__ = "village"
    # Covering the province figures: live villages per district (the code's first 4 digits).
    __table_args__ = (Index("ix_village_figures", "office_code", "deleted", "code"),)

    code: Mapped[str] = mapped_column(String(8), unique=True)
    subdistrict_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("subdistrict.id"), index=True)
    moo: Mapped[int] = mapped_column(Integer)
    name_th: Mapped[str] = mapped_column(String(150), default="")

    subdistrict: Mapped[Subdistrict] = relationship()
