"""Document numbers (vouchers, certificates): one row per number issued, synced so that no PC reuses one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin, utcnow


class DocumentNumber(SyncMixin, Base):
    """A running number of one series and fiscal year, issued on one PC (its device number in the office)."""

    __tablename__ = "document_number"
    __table_args__ = (
        UniqueConstraint("office_code", "series", "fiscal_year", "label"),
        UniqueConstraint("office_code", "series", "fiscal_year", "device_no", "seq"),
        CheckConstraint("device_no >= 1 AND seq >= 1", name="positive"),
        Index("ix_document_number_entity", "entity_table", "entity_id"),
    )

    series: Mapped[str] = mapped_column(String(32))  # voucher, certificate, ...
    fiscal_year: Mapped[int] = mapped_column(Integer)  # Buddhist Era
    device_id: Mapped[str] = mapped_column(String(64))  # the issuing PC (its local device id)
    device_no: Mapped[int] = mapped_column(Integer)  # that PC's short number in the office
    seq: Mapped[int] = mapped_column(Integer)  # running per office, series, year and device
    label: Mapped[str] = mapped_column(String(32))  # as printed: 0012/2569 or 2-0012/2569
    entity_table: Mapped[str] = mapped_column(String(64), default="")  # what the number was given to
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, default=None)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(200), default="")
