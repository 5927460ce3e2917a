"""Staff accounts of an office: who may sign in at its PCs, with which roles (synced like any office data)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin


class StaffAccount(SyncMixin, Base):
    """One member of staff. The password is kept only as an argon2id hash; roles are comma-separated codes."""

    __tablename__ = "staff_account"
    __table_args__ = (
        # No unique user name: two PCs may create the same name offline; the core refuses it where it can see it.
        CheckConstraint("password_hash LIKE '$argon2id$%'", name="argon2id_hash"),
    )

    user_name: Mapped[str] = mapped_column(String(50), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    national_id: Mapped[str] = mapped_column(String(13), default="")
    roles: Mapped[str] = mapped_column(String(100), default="")  # e.g. "officer,finance"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(200))
