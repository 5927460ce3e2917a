"""Training rounds (รุ่น): create, edit, list, change status, with their days and districts served."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import District, Enrolment, RoundDay, RoundDistrict, TrainingRound
from db.rules.thai_dates import fiscal_year, format_be_date
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, StaleEditError, ValidationError
from desktop.core.rounds.completion import apply_completion
from desktop.core.softdelete import set_deleted

STATUS_LABELS = {"planned": "วางแผน", "open": "เปิดรับสมัคร", "held": "จัดอบรมแล้ว", "closed": "ปิดรุ่น"}
TRAINING_TYPE_LABELS = {"outsider": "บุคคลภายนอก", "a": "ประเภท ก", "b": "ประเภท ข"}
VENUE_TYPE_LABELS = {"government": "สถานที่ราชการ", "private": "สถานที่เอกชน"}
# One step forward or back; going back from closed re-opens accounting, so it needs a reason.
TRANSITIONS = {
    "planned": ("open",),
    "open": ("planned", "held"),
    "held": ("open", "closed"),
    "closed": ("held",),
}
MAX_DAYS = 10
MAX_CAPACITY = 1000
_NOT_FOUND = "ไม่พบรุ่นการอบรมนี้"


@dataclass
class DayInput:
    day_date: date
    has_am: bool = True
    has_pm: bool = True


@dataclass
class RoundInput:
    start_date: date | None = None
    end_date: date | None = None
    number: int | None = None  # None: the next free number in the fiscal year
    title: str = ""
    venue: str = ""
    venue_type: str = "government"
    training_type: str = "outsider"
    capacity: int = 0
    organiser: str = ""
    district_codes: list[str] = field(default_factory=list)
    days: list[DayInput] | None = None  # None: every date from start to end, morning and afternoon
    note: str = ""


@dataclass(frozen=True, slots=True)
class RoundDayRow:
    day_no: int
    day_date: date
    has_am: bool
    has_pm: bool


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: uuid.UUID
    fiscal_year: int
    number: int
    title: str
    start_date: date
    end_date: date
    venue: str
    venue_type: str
    training_type: str
    capacity: int
    status: str
    organiser: str
    note: str
    enrolled: int
    district_codes: tuple[str, ...]
    district_names: tuple[str, ...]
    days: tuple[RoundDayRow, ...]
    version: int
    deleted: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def dates_label(self) -> str:
        start, end = self.start_date, self.end_date
        if start == end:
            return format_be_date(start, style="medium")
        last = format_be_date(end, style="medium")
        if (start.year, start.month) == (end.year, end.month):  # 16–17 ก.พ. 2570
            return f"{start.day}–{last}"
        if start.year == end.year:  # 30 ม.ค. – 2 ก.พ. 2570
            return f"{format_be_date(start, style='medium').rsplit(' ', 1)[0]} – {last}"
        return f"{format_be_date(start, style='medium')} – {last}"


def validate(data: RoundInput) -> None:
    errors: dict[str, str] = {}
    if data.start_date is None:
        errors["start_date"] = "กรุณาระบุวันเริ่มอบรม"
    if data.end_date is None:
        errors["end_date"] = "กรุณาระบุวันสิ้นสุดการอบรม"
    if data.start_date and data.end_date:
        if data.end_date < data.start_date:
            errors["end_date"] = "วันสิ้นสุดต้องไม่ก่อนวันเริ่มอบรม"
        elif (data.end_date - data.start_date).days + 1 > MAX_DAYS:
            errors["end_date"] = f"การอบรมหนึ่งรุ่นต้องไม่เกิน {MAX_DAYS} วัน"
    if data.number is not None and data.number <= 0:
        errors["number"] = "รุ่นที่ต้องเป็นจำนวนเต็มบวก"
    if not 0 < data.capacity <= MAX_CAPACITY:
        errors["capacity"] = f"จำนวนที่รับได้ต้องอยู่ระหว่าง 1 ถึง {MAX_CAPACITY:,} คน"
    if not data.title.strip():
        errors["title"] = "กรุณากรอกชื่อรุ่น/หลักสูตร"
    if data.venue_type not in VENUE_TYPE_LABELS:
        errors["venue_type"] = "ประเภทสถานที่ไม่ถูกต้อง"
    if data.training_type not in TRAINING_TYPE_LABELS:
        errors["training_type"] = "ประเภทการฝึกอบรมไม่ถูกต้อง"
    if data.days is not None and data.start_date and data.end_date:
        for day in data.days:
            if not data.start_date <= day.day_date <= data.end_date:
                errors["days"] = f"วันอบรม {format_be_date(day.day_date)} อยู่นอกช่วงวันที่ของรุ่น"
            elif not (day.has_am or day.has_pm):
                errors["days"] = f"วันอบรม {format_be_date(day.day_date)} ต้องมีช่วงเช้าหรือบ่ายอย่างน้อยหนึ่งช่วง"
        if len({d.day_date for d in data.days}) != len(data.days) or not data.days:
            errors.setdefault("days", "วันอบรมต้องไม่ซ้ำกันและมีอย่างน้อยหนึ่งวัน")
    if errors:
        raise ValidationError(errors)


def _days_of(data: RoundInput) -> list[DayInput]:
    if data.days is not None:
        return sorted(data.days, key=lambda d: d.day_date)
    assert data.start_date and data.end_date
    count = (data.end_date - data.start_date).days + 1
    return [DayInput(data.start_date + timedelta(days=i)) for i in range(count)]


def next_number(ctx: AppContext, *, fiscal_year_be: int) -> int:
    code = ctx.require_office_code()
    with ctx.reading() as session:
        return _next_number(session, code, fiscal_year_be)


def _next_number(session: Session, office_code: str, fy: int) -> int:
    top = session.scalar(
        select(func.max(TrainingRound.number)).where(
            TrainingRound.office_code == office_code, TrainingRound.fiscal_year == fy
        )
    )
    return (top or 0) + 1


def _check_number_free(
    session: Session, *, office_code: str, fy: int, number: int, exclude: uuid.UUID | None
) -> None:
    other = session.scalar(
        select(TrainingRound).where(
            TrainingRound.office_code == office_code,
            TrainingRound.fiscal_year == fy,
            TrainingRound.number == number,
        )
    )
    if other is not None and other.id != exclude:
        gone = " (รุ่นที่ลบไว้ กู้คืนได้)" if other.deleted else ""
        raise ValidationError({"number": f"รุ่นที่ {number} ของปีงบประมาณ {fy} มีอยู่แล้ว{gone}"})


def _districts(session: Session, codes: list[str]) -> list[District]:
    found = list(session.scalars(select(District).where(District.code.in_(codes))))
    missing = sorted(set(codes) - {d.code for d in found})
    if missing:
        raise ValidationError({"district_codes": f"ไม่พบอำเภอรหัส {', '.join(missing)}"})
    return found


def create_round(ctx: AppContext, data: RoundInput) -> RoundRow:
    code = ctx.require_office_code()
    validate(data)
    assert data.start_date and data.end_date
    fy = fiscal_year(data.start_date)
    with ctx.transaction() as session:
        number = data.number or _next_number(session, code, fy)
        _check_number_free(session, office_code=code, fy=fy, number=number, exclude=None)
        rnd = TrainingRound(
            office_code=code,
            fiscal_year=fy,
            number=number,
            title=data.title.strip(),
            start_date=data.start_date,
            end_date=data.end_date,
            venue=data.venue.strip(),
            venue_type=data.venue_type,
            training_type=data.training_type,
            capacity=data.capacity,
            organiser=data.organiser.strip(),
            note=data.note.strip(),
            status="planned",
        )
        session.add(rnd)
        session.flush()
        _sync_days(session, rnd, _days_of(data))
        _sync_districts(session, rnd, _districts(session, data.district_codes))
        audit.record(
            session,
            ctx,
            office_code=code,
            action="create",
            entity="training_round",
            entity_id=rnd.id,
            changes=_snapshot(rnd, data),
            summary=f"สร้างรุ่นที่ {number}/{fy}",
        )
        round_id = rnd.id
    return get_round(ctx, round_id)


def update_round(
    ctx: AppContext, round_id: uuid.UUID, data: RoundInput, *, expected_version: int | None = None
) -> RoundRow:
    validate(data)
    assert data.start_date and data.end_date
    with ctx.transaction() as session:
        rnd = _load(session, round_id)
        if expected_version is not None and rnd.version != expected_version:
            raise StaleEditError("รุ่นนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่เปิดไว้ กรุณาเปิดใหม่แล้วแก้ไขอีกครั้ง")
        if rnd.status == "closed":
            raise RuleViolation("รุ่นนี้ปิดแล้ว แก้ไขไม่ได้ ต้องเปลี่ยนสถานะกลับเป็น 'จัดอบรมแล้ว' ก่อน")
        fy = fiscal_year(data.start_date)
        number = data.number or rnd.number
        _check_number_free(session, office_code=rnd.office_code, fy=fy, number=number, exclude=rnd.id)
        enrolled = _enrolled_count(session, rnd.id)
        if data.capacity < enrolled:
            raise ValidationError(
                {"capacity": f"จำนวนที่รับได้ ({data.capacity}) น้อยกว่าจำนวนผู้ลงทะเบียนแล้ว ({enrolled} คน)"}
            )
        before = _snapshot(rnd, None)
        before["district_codes"] = sorted(
            session.scalars(
                select(District.code)
                .join(RoundDistrict, RoundDistrict.district_id == District.id)
                .where(RoundDistrict.round_id == rnd.id, RoundDistrict.deleted.is_(False))
            )
        )
        rnd.fiscal_year, rnd.number, rnd.title = fy, number, data.title.strip()
        rnd.start_date, rnd.end_date, rnd.venue = data.start_date, data.end_date, data.venue.strip()
        rnd.venue_type, rnd.training_type, rnd.capacity = data.venue_type, data.training_type, data.capacity
        rnd.organiser, rnd.note = data.organiser.strip(), data.note.strip()
        _sync_days(session, rnd, _days_of(data))
        _sync_districts(session, rnd, _districts(session, data.district_codes))
        after = _snapshot(rnd, data)
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if changes:
            audit.record(
                session,
                ctx,
                office_code=rnd.office_code,
                action="update",
                entity="training_round",
                entity_id=rnd.id,
                changes=changes,
                summary=f"แก้ไขรุ่นที่ {number}/{fy}",
            )
    return get_round(ctx, round_id)


def opening_problem(*, venue: str, district_count: int) -> str | None:
    """Why a round cannot be opened for enrolment yet: people must know where, and for which districts."""
    missing = []
    if not (venue or "").strip():
        missing.append("สถานที่อบรม")
    if district_count == 0:
        missing.append("อำเภอที่รับผิดชอบอย่างน้อย 1 อำเภอ")
    if not missing:
        return None
    return f"เปิดรับสมัครไม่ได้: ยังไม่ได้ระบุ{'และ'.join(missing)} กรุณาแก้ไขรุ่นก่อน"


def set_status(ctx: AppContext, round_id: uuid.UUID, status: str, *, reason: str = "") -> RoundRow:
    """Change a round's status; opening it for enrolment needs a venue and a district (opening_problem)."""
    if status not in STATUS_LABELS:
        raise ValidationError({"status": f'สถานะ "{status}" ไม่ถูกต้อง'})
    with ctx.transaction() as session:
        rnd = _load(session, round_id)
        if status == rnd.status:
            return get_round(ctx, round_id)
        if status == "open":
            districts = session.scalar(
                select(func.count())
                .select_from(RoundDistrict)
                .where(RoundDistrict.round_id == rnd.id, RoundDistrict.deleted.is_(False))
            )
            problem = opening_problem(venue=rnd.venue, district_count=districts or 0)
            if problem:
                raise RuleViolation(problem)
        if status not in TRANSITIONS[rnd.status]:
            allowed = " หรือ ".join(STATUS_LABELS[s] for s in TRANSITIONS[rnd.status])
            raise RuleViolation(
                f"เปลี่ยนสถานะจาก '{STATUS_LABELS[rnd.status]}' เป็น '{STATUS_LABELS[status]}' ไม่ได้ "
                f"(เปลี่ยนได้เป็น {allowed})"
            )
        if rnd.status == "closed" and not reason.strip():
            raise ValidationError({"reason": "การเปิดรุ่นที่ปิดแล้วต้องระบุเหตุผล"})
        old = rnd.status
        rnd.status = status
        if status in ("held", "closed"):
            apply_completion(session, rnd)
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="status",
            entity="training_round",
            entity_id=rnd.id,
            changes={"status": [old, status], "reason": [None, reason.strip()]},
            summary=f"รุ่นที่ {rnd.number}: {STATUS_LABELS[old]} → {STATUS_LABELS[status]}",
        )
    return get_round(ctx, round_id)


def delete_round(ctx: AppContext, round_id: uuid.UUID) -> None:
    with ctx.reading() as session:
        rnd = _load(session, round_id)
        if rnd.status in ("held", "closed"):
            raise RuleViolation("รุ่นที่จัดอบรมแล้วหรือปิดแล้วลบไม่ได้ เพราะมีหลักฐานการอบรมและการจ่ายเงิน")
    set_deleted(
        ctx, model=TrainingRound, record_id=round_id, deleted=True, label=_label, not_found=_NOT_FOUND
    )


def restore_round(ctx: AppContext, round_id: uuid.UUID) -> None:
    set_deleted(
        ctx, model=TrainingRound, record_id=round_id, deleted=False, label=_label, not_found=_NOT_FOUND
    )


def _label(rnd: TrainingRound) -> str:
    return f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"


def get_round(ctx: AppContext, round_id: uuid.UUID) -> RoundRow:
    with ctx.reading() as session:
        return _rows(session, [_load(session, round_id)])[0]


def list_rounds(
    ctx: AppContext, *, include_deleted: bool = False, fiscal_year_be: int | None = None
) -> list[RoundRow]:
    code = ctx.require_office_code()
    query = select(TrainingRound).where(TrainingRound.office_code == code)
    if not include_deleted:
        query = query.where(TrainingRound.deleted.is_(False))
    if fiscal_year_be is not None:
        query = query.where(TrainingRound.fiscal_year == fiscal_year_be)
    query = query.order_by(TrainingRound.fiscal_year.desc(), TrainingRound.number.desc())
    with ctx.reading() as session:
        return _rows(session, list(session.scalars(query)))


def _rows(session: Session, rounds: list[TrainingRound]) -> list[RoundRow]:
    ids = [r.id for r in rounds]
    if not ids:
        return []
    counts = dict(
        session.execute(
            select(Enrolment.round_id, func.count())
            .where(Enrolment.round_id.in_(ids), Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
            .group_by(Enrolment.round_id)
        ).all()
    )
    districts: dict[uuid.UUID, list[tuple[str, str]]] = {i: [] for i in ids}
    for rid, dcode, dname in session.execute(
        select(RoundDistrict.round_id, District.code, District.name_th)
        .join(District, RoundDistrict.district_id == District.id)
        .where(RoundDistrict.round_id.in_(ids), RoundDistrict.deleted.is_(False))
        .order_by(District.code)
    ):
        districts[rid].append((dcode, dname))
    days: dict[uuid.UUID, list[RoundDayRow]] = {i: [] for i in ids}
    for d in session.scalars(
        select(RoundDay)
        .where(RoundDay.round_id.in_(ids), RoundDay.deleted.is_(False))
        .order_by(RoundDay.day_no)
    ):
        days[d.round_id].append(RoundDayRow(d.day_no, d.day_date, d.has_am, d.has_pm))
    return [
        RoundRow(
            r.id,
            r.fiscal_year,
            r.number,
            r.title,
            r.start_date,
            r.end_date,
            r.venue,
            r.venue_type,
            r.training_type,
            r.capacity,
            r.status,
            r.organiser,
            r.note,
            counts.get(r.id, 0),
            tuple(c for c, _ in districts[r.id]),
            tuple(n for _, n in districts[r.id]),
            tuple(days[r.id]),
            r.version,
            r.deleted,
        )
        for r in rounds
    ]


def _enrolled_count(session: Session, round_id: uuid.UUID) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Enrolment.round_id == round_id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False)
            )
        )
        or 0
    )


def _load(session: Session, round_id: uuid.UUID) -> TrainingRound:
    rnd = session.get(TrainingRound, round_id)
    if rnd is None:
        raise NotFoundError(_NOT_FOUND)
    return rnd


def _sync_days(session: Session, rnd: TrainingRound, wanted: list[DayInput]) -> None:
    existing = {d.day_no: d for d in session.scalars(select(RoundDay).where(RoundDay.round_id == rnd.id))}
    for no, day in enumerate(wanted, start=1):
        row = existing.pop(no, None)
        if row is None:
            session.add(
                RoundDay(
                    round_id=rnd.id,
                    office_code=rnd.office_code,
                    day_no=no,
                    day_date=day.day_date,
                    has_am=day.has_am,
                    has_pm=day.has_pm,
                )
            )
        else:
            row.day_date, row.has_am, row.has_pm, row.deleted = day.day_date, day.has_am, day.has_pm, False
    for row in existing.values():
        row.deleted = True


def _sync_districts(session: Session, rnd: TrainingRound, districts: list[District]) -> None:
    existing = {
        rd.district_id: rd
        for rd in session.scalars(select(RoundDistrict).where(RoundDistrict.round_id == rnd.id))
    }
    wanted = {d.id for d in districts}
    for did in wanted:
        row = existing.get(did)
        if row is None:
            session.add(RoundDistrict(round_id=rnd.id, district_id=did, office_code=rnd.office_code))
        elif row.deleted:
            row.deleted = False
    for did, row in existing.items():
        if did not in wanted and not row.deleted:
            row.deleted = True


def _snapshot(rnd: TrainingRound, data: RoundInput | None) -> dict[str, object]:
    snap: dict[str, object] = {
        k: audit.jsonable(getattr(rnd, k))
        for k in (
            "fiscal_year",
            "number",
            "title",
            "start_date",
            "end_date",
            "venue",
            "venue_type",
            "training_type",
            "capacity",
            "organiser",
            "note",
        )
    }
    if data is not None:
        snap["district_codes"] = sorted(data.district_codes)
    return snap
