"""Attendance: append-only marks per half-day, the round's grid, bulk edits and check-in by national ID."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import AttendanceMark, Enrolment, Person, RoundDay, TrainingRound
from db.rules.errors import RuleError
from db.rules.national_id import national_id_problem, normalize_national_id
from db.rules.thai_dates import format_be_date
from db.rules.thai_time import BANGKOK, format_clock
from desktop.core import audit
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError
from desktop.core.people.people import PERSON_ROW_WIDTH as W
from desktop.core.people.people import PersonRow, person_row_query, to_person_row
from desktop.core.rounds.completion import apply_completion, is_complete
from desktop.core.rounds.marks import HALF_LABELS, HALVES, IN_ORDER, Slot, latest_marks, round_slots
from desktop.core.rounds.rounds import STATUS_LABELS

SOURCES = ("sheet", "scan", "manual", "card")  # card: read from the national ID card's chip
RECORDING_STATUSES = ("open", "held")  # planned rounds have not happened; closed rounds are locked
THAI_TIME = BANGKOK  # Thailand keeps no daylight saving time (db/rules/thai_time.py)
NOON = time(12, 0)


@dataclass(frozen=True, slots=True)
class GridRow:
    enrolment_id: uuid.UUID
    person: PersonRow
    walk_in: bool
    completed: bool | None
    marks: tuple[bool | None, ...]  # aligned with AttendanceGrid.slots; None: nothing recorded


@dataclass(frozen=True)
class AttendanceGrid:
    round_id: uuid.UUID
    number: int
    fiscal_year: int
    status: str
    completion_rule: str
    slots: tuple[Slot, ...]
    rows: tuple[GridRow, ...]

    @property
    def editable(self) -> bool:
        return self.status in RECORDING_STATUSES


@dataclass(frozen=True, slots=True)
class MarkChange:
    enrolment_id: uuid.UUID
    day_no: int
    half: str
    present: bool


@dataclass(frozen=True)
class SaveResult:
    written: int  # new events appended
    unchanged: int  # already so: no event written
    completed: int | None  # people who completed after the save (None: no attendance yet)


@dataclass(frozen=True)
class CheckInResult:
    ok: bool
    code: str  # "present" or why not: invalid_id, not_in_database, other_round, not_enrolled, already, ...
    message: str  # Thai, shown to the officer as it is
    person: PersonRow | None = None
    at: datetime | None = None  # when the person was marked present (now, or the earlier check-in)
    national_id: str = ""  # the ID as read, normalised (for adding a walk-in with it)


def thai_clock(at: datetime) -> str:
    return format_clock(at)


def _load_round(session: Session, round_id: uuid.UUID) -> TrainingRound:
    rnd = session.get(TrainingRound, round_id)
    if rnd is None or rnd.deleted:
        raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
    return rnd


def get_grid(ctx: AppContext, *, round_id: uuid.UUID) -> AttendanceGrid:
    """Rows = the people enrolled, columns = every scheduled half-day, cells = the mark that counts."""
    query = (
        person_row_query()
        .add_columns(Enrolment.id, Enrolment.walk_in, Enrolment.completed)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.round_id == round_id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
        .order_by(Person.first_name, Person.last_name, Person.national_id)
    )
    with ctx.reading() as session:
        rnd = _load_round(session, round_id)
        slots = round_slots(session, round_id)
        latest = latest_marks(session, round_id)
        rows = []
        for r in session.execute(query):
            eid = r[W]
            marks = tuple(
                latest[(eid, s.day_no, s.half)][0] if (eid, s.day_no, s.half) in latest else None
                for s in slots
            )
            rows.append(GridRow(eid, to_person_row(r[:W]), bool(r[W + 1]), r[W + 2], marks))
        return AttendanceGrid(
            round_id,
            rnd.number,
            rnd.fiscal_year,
            rnd.status,
            rnd.completion_rule,
            tuple(slots),
            tuple(rows),
        )


def _refuse_unless_recording(rnd: TrainingRound) -> None:
    if rnd.status not in RECORDING_STATUSES:
        why = "ยังไม่เปิดรุ่น" if rnd.status == "planned" else "ปิดรุ่นแล้ว"
        raise RuleViolation(
            f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} {why} (สถานะ '{STATUS_LABELS[rnd.status]}') "
            "บันทึกการเข้าอบรมได้เฉพาะรุ่นที่เปิดรับสมัครหรือจัดอบรมแล้ว"
        )


def _new_mark(
    ctx: AppContext, rnd: TrainingRound, change: MarkChange, source: str, at: datetime
) -> AttendanceMark:
    return AttendanceMark(
        office_code=rnd.office_code,
        round_id=rnd.id,
        enrolment_id=change.enrolment_id,
        day_no=change.day_no,
        half=change.half,
        present=change.present,
        source=source,
        recorded_by=ctx.user_name,
        device_id=ctx.device_id,
        recorded_at=at,
    )


def set_marks(
    ctx: AppContext, *, round_id: uuid.UUID, changes: Sequence[MarkChange], source: str = "sheet"
) -> SaveResult:
    """Record grid edits in one transaction: a new event for each cell that changes, then completion."""
    if source not in SOURCES:
        raise ValidationError({"source": f'ที่มาของการบันทึก "{source}" ไม่ถูกต้อง'})
    with ctx.transaction() as session:
        rnd = _load_round(session, round_id)
        _refuse_unless_recording(rnd)
        scheduled = {s.key for s in round_slots(session, round_id)}
        for c in changes:
            if (c.day_no, c.half) not in scheduled:
                half = HALF_LABELS.get(c.half, c.half)
                raise ValidationError(
                    {"half": f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ไม่มีการอบรมวันที่ {c.day_no} ช่วง{half}"}
                )
        wanted_ids = {c.enrolment_id for c in changes}
        enrolled = set(
            session.scalars(
                select(Enrolment.id).where(
                    Enrolment.round_id == round_id,
                    Enrolment.id.in_(wanted_ids),
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                )
            )
        )
        if wanted_ids - enrolled:
            raise ValidationError(
                {"enrolment": f"มี {len(wanted_ids - enrolled)} รายการที่ไม่ได้ลงทะเบียนในรุ่นนี้แล้ว กรุณาโหลดใหม่"}
            )
        latest = latest_marks(session, round_id)
        final: dict[tuple[uuid.UUID, int, str], bool] = {}
        for c in changes:  # the last edit of a cell in one save is the one meant
            final[(c.enrolment_id, c.day_no, c.half)] = c.present
        now = utcnow()
        written = 0
        for (eid, day_no, half), present in final.items():
            current = latest.get((eid, day_no, half))
            if current is not None and current[0] == present:
                continue
            session.add(_new_mark(ctx, rnd, MarkChange(eid, day_no, half, present), source, now))
            written += 1
        session.flush()
        completed = apply_completion(session, rnd) if written else _count_completed(session, rnd.id)
        if written:
            audit.record(
                session,
                ctx,
                office_code=rnd.office_code,
                action="attendance",
                entity="training_round",
                entity_id=rnd.id,
                changes={"marks": [None, written], "source": [None, source]},
                summary=f"บันทึกการเข้าอบรมรุ่นที่ {rnd.number}/{rnd.fiscal_year} {written} รายการ",
            )
        return SaveResult(written, len(final) - written, completed)


def _count_completed(session: Session, round_id: uuid.UUID) -> int | None:
    values = list(
        session.scalars(
            select(Enrolment.completed).where(
                Enrolment.round_id == round_id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False)
            )
        )
    )
    if all(v is None for v in values):
        return None
    return sum(1 for v in values if v)


def default_slot(days: Sequence[tuple[int, date, bool, bool]], now: datetime) -> tuple[int, str] | None:
    """The half-day being held at ``now`` (Thai time): today's day number, morning before noon."""
    local = now.astimezone(THAI_TIME) if now.tzinfo else now
    for day_no, day_date, has_am, has_pm in days:
        if day_date == local.date():
            if local.time() < NOON and has_am:
                return day_no, "am"
            return (day_no, "pm") if has_pm else (day_no, "am")
    return None


def check_in(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    day_no: int,
    half: str,
    national_id: str,
    today: date | None = None,
    source: str = "scan",
) -> CheckInResult:
    """Mark the person with this ID present in this half-day, or say in Thai why not (nothing written then).

    ``source`` is "scan" for a typed or scanned ID and "card" for one read from the card's chip.
    """
    if source not in SOURCES:
        raise ValidationError({"source": f'ที่มาของการบันทึก "{source}" ไม่ถูกต้อง'})
    today = today or datetime.now(THAI_TIME).date()
    with ctx.transaction() as session:
        require(ctx, "rounds.edit", session=session)
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            return CheckInResult(False, "round_not_found", "ไม่พบรุ่นการอบรมนี้")
        label = f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"
        if rnd.status not in RECORDING_STATUSES:
            return CheckInResult(
                False,
                "round_not_running",
                f"{label} ไม่ได้จัดอบรมอยู่ (สถานะ '{STATUS_LABELS[rnd.status]}') "
                "ลงชื่อเข้าอบรมได้เฉพาะรุ่นที่เปิดรับสมัครหรือจัดอบรมแล้ว",
            )
        day = session.scalar(
            select(RoundDay).where(
                RoundDay.round_id == round_id, RoundDay.day_no == day_no, RoundDay.deleted.is_(False)
            )
        )
        if day is None:
            return CheckInResult(False, "no_such_half", f"{label} ไม่มีการอบรมวันที่ {day_no}")
        if half not in HALVES or not (day.has_am if half == "am" else day.has_pm):
            return CheckInResult(
                False,
                "no_such_half",
                f"{label} วันที่ {day_no} ไม่มีการอบรมช่วง{HALF_LABELS.get(half, half)} ตามกำหนดการ",
            )
        if day.day_date != today:
            return CheckInResult(
                False,
                "not_today",
                f"{label} ไม่ได้อบรมวันนี้ ({format_be_date(today, style='medium')}): "
                f"วันที่ {day_no} ของรุ่นคือ {format_be_date(day.day_date, style='medium')}",
            )
        try:
            nid = normalize_national_id(national_id)
        except RuleError as exc:
            return CheckInResult(False, "invalid_id", exc.message)
        problem = national_id_problem(nid)
        if problem is not None:
            return CheckInResult(False, "invalid_id", problem)
        found = session.execute(person_row_query().where(Person.national_id == nid)).first()
        if found is None or found[16]:
            return CheckInResult(
                False,
                "not_in_database",
                f"ไม่พบเลขประจำตัว {nid} ในฐานข้อมูล จึงไม่ได้ลงทะเบียนใน{label} "
                "(เพิ่มเป็นผู้เข้าร่วมที่ไม่ได้ลงทะเบียนล่วงหน้าได้)",
                national_id=nid,
            )
        person = to_person_row(found)
        enrolment = session.scalar(
            select(Enrolment).where(Enrolment.round_id == round_id, Enrolment.person_id == person.id)
        )
        if enrolment is None or enrolment.status != "enrolled" or enrolment.deleted:
            other = session.execute(
                select(TrainingRound.number, TrainingRound.fiscal_year)
                .join(Enrolment, Enrolment.round_id == TrainingRound.id)
                .where(
                    Enrolment.person_id == person.id,
                    Enrolment.round_id != round_id,
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                    TrainingRound.deleted.is_(False),
                )
                .order_by(TrainingRound.start_date)
            ).first()
            if other is not None:
                return CheckInResult(
                    False,
                    "other_round",
                    f"{person.full_name} ลงทะเบียนไว้ในรุ่นที่ {other[0]}/{other[1]} ไม่ใช่{label}",
                    person,
                )
            return CheckInResult(
                False,
                "not_enrolled",
                f"{person.full_name} มีรายชื่อในฐานข้อมูลแต่ไม่ได้ลงทะเบียนใน{label}",
                person,
            )
        # One read of this person's events serves both "already checked in?" and the completion rule.
        latest: dict[tuple[int, str], tuple[bool, datetime]] = {}
        for d_no, d_half, d_present, d_at in session.execute(
            select(
                AttendanceMark.day_no, AttendanceMark.half, AttendanceMark.present, AttendanceMark.recorded_at
            )
            .where(AttendanceMark.enrolment_id == enrolment.id, AttendanceMark.deleted.is_(False))
            .order_by(*IN_ORDER)
        ):
            latest[(d_no, d_half)] = (d_present, d_at)
        last = latest.get((day_no, half))
        if last is not None and last[0]:
            return CheckInResult(
                False,
                "already",
                f"{person.full_name} ลงชื่อเข้าอบรมวันที่ {day_no} ช่วง{HALF_LABELS[half]}แล้ว "
                f"เมื่อ {thai_clock(last[1])}",
                person,
                last[1],
            )
        now = utcnow()
        session.add(_new_mark(ctx, rnd, MarkChange(enrolment.id, day_no, half, True), source, now))
        latest[(day_no, half)] = (True, now)
        slots = {slot.key for slot in round_slots(session, round_id)}
        present = sum(1 for key, (on, _at) in latest.items() if on and key in slots)
        completed = is_complete(rnd.completion_rule, scheduled=len(slots), present=present)
        if enrolment.completed != completed:
            enrolment.completed = completed
        return CheckInResult(
            True,
            "present",
            f"{person.full_name} มาเข้าอบรมวันที่ {day_no} ช่วง{HALF_LABELS[half]} ({thai_clock(now)})",
            person,
            now,
        )


def mark_history(
    ctx: AppContext, *, enrolment_id: uuid.UUID
) -> list[tuple[int, str, bool, str, str, datetime]]:
    """Every event of one enrolment, oldest first: (day, half, present, source, recorded_by, at)."""
    with ctx.reading() as session:
        return [
            tuple(r)  # type: ignore[misc]
            for r in session.execute(
                select(
                    AttendanceMark.day_no,
                    AttendanceMark.half,
                    AttendanceMark.present,
                    AttendanceMark.source,
                    AttendanceMark.recorded_by,
                    AttendanceMark.recorded_at,
                )
                .where(AttendanceMark.enrolment_id == enrolment_id)
                .order_by(AttendanceMark.recorded_at, AttendanceMark.id)
            )
        ]
