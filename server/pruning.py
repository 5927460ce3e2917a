"""Mutation ids are kept for the longest offline period a PC may have, then pruned; an older PC must resync.

Rule (docs/national-scale.md): a PC replays an unanswered mutation id at its next successful contact, so an
id older than every PC's last contact is never sent again. Ids received before ``now − MAX_OFFLINE_DAYS``
are deleted and that instant is kept as the prune mark. A PC last seen (or enrolled) before the mark may
still hold an unanswered id that is gone; its push is refused with ``resync_required`` instead of applying
the change a second time.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from server.models import Device, Mutation, PruneMark

MAX_OFFLINE_DAYS = 180
BATCH = 50_000


def prune(session: Session, *, now: datetime, keep_days: int = MAX_OFFLINE_DAYS) -> int:
    """Delete mutation ids received more than ``keep_days`` ago; returns how many went."""
    cutoff = now - timedelta(days=keep_days)
    mark = session.get(PruneMark, 1)
    if mark is None:
        session.add(PruneMark(id=1, before=cutoff))
    elif mark.before < cutoff:
        mark.before = cutoff
    session.flush()
    gone = 0
    while True:
        ids = session.scalars(
            select(Mutation.mutation_id).where(Mutation.received_at < cutoff).limit(BATCH)
        ).all()
        if not ids:
            return gone
        session.execute(delete(Mutation).where(Mutation.mutation_id.in_(ids)))
        gone += len(ids)


def must_resync(session: Session, device_id: uuid.UUID) -> bool:
    """True when the device was last in contact before the prune mark (its replays can no longer be known)."""
    mark = session.scalar(select(PruneMark.before).where(PruneMark.id == 1))
    if mark is None:
        return False
    seen = session.scalar(
        select(func.coalesce(Device.last_seen_at, Device.created_at)).where(Device.id == device_id)
    )
    if seen is None:
        return False
    if seen.tzinfo is None and mark.tzinfo is not None:
        seen = seen.replace(tzinfo=mark.tzinfo)
    elif mark.tzinfo is None and seen.tzinfo is not None:
        mark = mark.replace(tzinfo=seen.tzinfo)
    return seen < mark


RESYNC_MESSAGE = (
    "เครื่องนี้ไม่ได้ติดต่อเซิร์ฟเวอร์นานเกิน {days} วัน เซิร์ฟเวอร์จึงไม่สามารถตรวจได้ว่าข้อมูลที่ค้างส่งเคยบันทึกแล้วหรือไม่ "
    "โปรแกรมจะซิงก์ใหม่ทั้งหมดให้เอง (ข้อมูลจะไม่ถูกบันทึกซ้ำ) หากโปรแกรมเป็นรุ่นเก่า กรุณาปรับรุ่นโปรแกรมก่อน "
    "/ this PC has been offline longer than {days} days; it must resync before pushing"
)
