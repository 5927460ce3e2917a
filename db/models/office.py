"""The provincial labour office that owns the data, and this installation's local settings."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncMixin
from db.models.geo import Province


class Office(SyncMixin, Base):
    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(2), unique=True)  # the province code
    province_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("province.id"))
    name_th: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_position: Mapped[str] = mapped_column(String(200), default="แรงงานจังหวัด")

    province: Mapped[Province] = relationship()


class LocalSetting(Base):
    """Per-installation key/value settings (device id, current office, user); never synced."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
