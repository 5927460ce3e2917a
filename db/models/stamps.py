"""Per-table change counters kept by SQLite triggers (db.change_stamps): a cheap "did this table change"."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class ChangeCounter(Base):
    """How many rows of ``table_name`` were inserted, updated or deleted since the counter was created."""

    __tablename__ = "change_counter"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
