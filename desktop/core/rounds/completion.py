"""Who completed a round: the round's completion rule applied to the attendance marks that count."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AttendanceMark, Enrolment, TrainingRound
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError
from desktop.core.rounds.marks import IN_ORDER, latest_marks, round_slots

RULE_LABELS = {
    "all_halves": "เข้าอบรมครบทุกช่วง (เช้า/บ่าย ทุกวัน)",
    "min_80pct": "เข้าอบรมอย่างน้อยร้อยละ 80 ของจำนวนช่วงการอบรม",
}


def required_halves(rule: str, scheduled: int) -> int:
    """How many of the scheduled half-days someone must attend to complete under ``rule``."""
    if rule == "min_80pct":
        return math.ceil(scheduled * 0.8)
    return scheduled  # "all_halves", and any rule this version does not know: the strictest reading


def is_complete(rule: str, *, scheduled: int, present: int) -> bool:
    return scheduled > 0 and present >= required_halves(rule, scheduled)


def apply_completion(
    session: Session, rnd: TrainingRound, *, enrolment_ids: Iterable[uuid.UUID] | None = None
) -> int | None:
    """Set Enrolment.completed from the marks; returns how many completed (None: no marks, nothing decided).

    With ``enrolment_ids`` only those enrolments are decided (a check-in changes one person's record).
    A round without any mark keeps completed unset: attendance has not been recorded, not "nobody came".
    """
    slots = {s.key for s in round_slots(session, rnd.id)}
    query = select(Enrolment).where(
        Enrolment.round_id == rnd.id, Enrolment.status == "enrolled", Enrolment.deleted.is_(False)
    )
    if enrolment_ids is not None:
        ids = list(enrolment_ids)
        query = query.where(Enrolment.id.in_(ids))
        present_of = _present_of(session, slots, ids)
    else:
        latest = latest_marks(session, rnd.id)
        if not latest:
            return None
        present_of = {}
        for (eid, day_no, half), (present, _at) in latest.items():
            if present and (day_no, half) in slots:
                present_of[eid] = present_of.get(eid, 0) + 1
    done = 0
    for e in session.scalars(query):
        completed = is_complete(rnd.completion_rule, scheduled=len(slots), present=present_of.get(e.id, 0))
        if e.completed != completed:
            e.completed = completed
        done += completed
    return done


def _present_of(session: Session, slots: set[tuple[int, str]], ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    latest: dict[tuple[uuid.UUID, int, str], bool] = {}
    for eid, day_no, half, present in session.execute(
        select(
            AttendanceMark.enrolment_id, AttendanceMark.day_no, AttendanceMark.half, AttendanceMark.present
        )
        .where(AttendanceMark.enrolment_id.in_(ids), AttendanceMark.deleted.is_(False))
        .order_by(*IN_ORDER)
    ):
        latest[(eid, day_no, half)] = present
    out: dict[uuid.UUID, int] = {}
    for (eid, day_no, half), present in latest.items():
        if present and (day_no, half) in slots:
            out[eid] = out.get(eid, 0) + 1
    return out


@dataclass(frozen=True)
class CompletionResult:
    enrolled: int
    completed: int | None
    rule: str


def recompute_completion(ctx: AppContext, *, round_id: uuid.UUID) -> CompletionResult:
    """Decide completion for everyone enrolled in a round (the UI's "คำนวณผู้ผ่านการอบรม")."""
    with ctx.transaction() as session:
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
        completed = apply_completion(session, rnd)
        enrolled = len(
            session.scalars(
                select(Enrolment.id).where(
                    Enrolment.round_id == round_id,
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                )
            ).all()
        )
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="completion",
            entity="training_round",
            entity_id=rnd.id,
            changes={"completed": [None, completed]},
            summary=f"คำนวณผู้ผ่านการอบรมรุ่นที่ {rnd.number}/{rnd.fiscal_year}: {completed or 0} คน",
        )
        return CompletionResult(enrolled, completed, rnd.completion_rule)


def set_completion_rule(ctx: AppContext, *, round_id: uuid.UUID, rule: str) -> CompletionResult:
    """Change the rule of a round and decide completion again under it."""
    if rule not in RULE_LABELS:
        raise ValidationError({"completion_rule": f'เกณฑ์การผ่านการอบรม "{rule}" ไม่ถูกต้อง'})
    with ctx.transaction() as session:
        rnd = session.get(TrainingRound, round_id)
        if rnd is None or rnd.deleted:
            raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
        if rnd.status == "closed":
            raise RuleViolation(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ปิดแล้ว เปลี่ยนเกณฑ์การผ่านไม่ได้")
        audit.apply_update(
            session,
            ctx,
            rnd,
            {"completion_rule": rule},
            entity="training_round",
            summary=f"เปลี่ยนเกณฑ์การผ่านการอบรมรุ่นที่ {rnd.number}/{rnd.fiscal_year}",
        )
    return recompute_completion(ctx, round_id=round_id)


def completed_counts(ctx: AppContext) -> dict[uuid.UUID, int]:
    """How many completed in each round of the office (0 where completion is not decided yet)."""
    code = ctx.require_office_code()
    with ctx.reading() as session:
        return dict(
            session.execute(
                select(Enrolment.round_id, func.count())
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(
                    TrainingRound.office_code == code,
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                    Enrolment.completed.is_(True),
                )
                .group_by(Enrolment.round_id)
            ).all()
        )
