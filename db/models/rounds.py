"""Training rounds (รุ่น), their days and districts, enrolments and attendance marks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncMixin, utcnow
from db.models.geo import District
from db.models.people import Lecturer, Person

ROUND_STATUSES = ("planned", "open", "held", "closed")
TRAINING_TYPES = ("a", "b", "outsider")  # ประเภท ก, ประเภท ข, บุคคลภายนอก
VENUE_TYPES = ("government", "private")


class TrainingRound(SyncMixin, Base):
    __tablename__ = "training_round"
    __table_args__ = (
        UniqueConstraint("office_code", "fiscal_year", "number"),
        CheckConstraint("status IN ('planned','open','held','closed')", name="status"),
        CheckConstraint("training_type IN ('a','b','outsider')", name="training_type"),
        CheckConstraint("venue_type IN ('government','private')", name="venue_type"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    fiscal_year: Mapped[int] = mapped_column(Integer)  # BE
    number: Mapped[int] = mapped_column(Integer)  # รุ่นที่
    title: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(300), default="")
    venue_type: Mapped[str] = mapped_column(String(16), default="government")
    training_type: Mapped[str] = mapped_column(String(16), default="outsider")
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    organiser: Mapped[str] = mapped_column(String(300), default="")
    # The rule that decides completion, e.g. "all_halves" (present in every half-day).
    completion_rule: Mapped[str] = mapped_column(String(32), default="all_halves")
    note: Mapped[str] = mapped_column(Text, default="")

    days: Mapped[list[RoundDay]] = relationship(back_populates="round", order_by="RoundDay.day_no")
    districts: Mapped[list[RoundDistrict]] = relationship(back_populates="round")


class RoundDay(SyncMixin, Base):
    """One day of a round, with its half-days and session times (meals depend on them)."""

    __tablename__ = "round_day"
    __table_args__ = (UniqueConstraint("round_id", "day_no"),)

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    day_no: Mapped[int] = mapped_column(Integer)
    day_date: Mapped[date] = mapped_column(Date)
    has_am: Mapped[bool] = mapped_column(Boolean, default=True)
    has_pm: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)

    round: Mapped[TrainingRound] = relationship(back_populates="days")


class RoundDistrict(SyncMixin, Base):
    """A district that a round serves."""

    __tablename__ = "round_district"
    __table_args__ = (UniqueConstraint("round_id", "district_id"),)

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    district_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("district.id"), index=True)

    round: Mapped[TrainingRound] = relationship(back_populates="districts")
    district: Mapped[District] = relationship()


class RoundLecturer(SyncMixin, Base):
    """A lecture slot: who teaches, in which format and for how long (fees are computed from it)."""

    __tablename__ = "round_lecturer"
    __table_args__ = (CheckConstraint("format IN ('lecture','panel','breakout')", name="format"),)

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    lecturer_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("lecturer.id"), index=True)
    day_no: Mapped[int] = mapped_column(Integer, default=1)
    topic: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[str] = mapped_column(String(16), default="lecture")
    minutes: Mapped[int] = mapped_column(Integer, default=60)

    lecturer: Mapped[Lecturer] = relationship()


class Enrolment(SyncMixin, Base):
    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        CheckConstraint("status IN ('enrolled','cancelled')", name="status"),
        # Covering the province figures: counts per round and per person without reading the rows.
        Index("ix_enrolment_figures", "round_id", "status", "deleted", "completed", "person_id"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="enrolled")
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the officer allowed someone already enrolled in another round of the programme.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    completed: Mapped[bool | None] = mapped_column(Boolean)

    round: Mapped[TrainingRound] = relationship()
    person: Mapped[Person] = relationship()


class AttendanceMark(SyncMixin, Base):
    """An append-only attendance event; a correction is a newer event for the same half-day."""

    __tablename__ = "attendance_mark"
    __table_args__ = (
        CheckConstraint("half IN ('am','pm')", name="half"),
        CheckConstraint("source IN ('sheet','scan','manual','card')", name="source"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_round.id"), index=True)
    enrolment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("enrolment.id"), index=True)
    day_no: Mapped[int] = mapped_column(Integer)
    half: Mapped[str] = mapped_column(String(2))
    present: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
