"""Document-number lanes: each enrolled device of an office numbers in a lane no other device of it holds.

A desktop prints ``0012/2569`` in lane 1 and ``2-0012/2569`` in lane 2 (desktop/core/numbering.py). The lane is
given here, at enrolment, so two PCs that enrol and then print offline can never print the same number. A lane
is taken when another device of the office holds it or when numbers another PC pushed use it. A PC that printed
numbers before it enrolled claims their lane and keeps it when it is free (docs/money.md). Lane 1 is the
founding PC's (the one set up as a new office, which may print for weeks before it enrols): a device that claims
no lane (another PC joining the office) is given the lowest free lane from 2, so it can never share lane 1 with
a founding PC that has not enrolled yet.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models import Device, SyncRow

MAX_TRIES = 20


def taken_lanes(session: Session, *, office: str, pc_id: str | None, device_id: uuid.UUID) -> set[int]:
    """Lanes held by the office's other devices or used by numbers other PCs pushed."""
    taken: set[int] = set()
    for lane, holder_pc in session.execute(
        select(Device.lane, Device.pc_id).where(
            Device.office_code == office, Device.lane.is_not(None), Device.id != device_id
        )
    ):
        if not (pc_id and holder_pc == pc_id):
            taken.add(lane)
    device_no = SyncRow.data["device_no"].as_integer()
    issuer = SyncRow.data["device_id"].as_string()
    for lane, issued_by in session.execute(
        select(device_no, issuer)
        .where(SyncRow.office_code == office, SyncRow.table_name == "document_number")
        .group_by(device_no, issuer)
    ):
        if lane is not None and not (pc_id and issued_by == pc_id):
            taken.add(int(lane))
    return taken


def grant_lane(session: Session, device: Device, *, claim: int | None) -> int:
    """Give the device its lane (the claimed one when free, else the lowest free; from 2 without a claim) and
    store it on its row."""
    for _ in range(MAX_TRIES):
        taken = taken_lanes(session, office=device.office_code, pc_id=device.pc_id, device_id=device.id)
        if claim is not None and claim not in taken:
            lane = claim
        else:
            lane = _lowest_free(taken | ({1} if claim is None else set()))
        try:
            with session.begin_nested():
                if device.pc_id:  # the same PC enrolled before: its lane moves to this device row
                    for old in session.scalars(
                        select(Device).where(
                            Device.office_code == device.office_code,
                            Device.pc_id == device.pc_id,
                            Device.lane == lane,
                            Device.id != device.id,
                        )
                    ):
                        old.lane = None
                    session.flush()
                device.lane = lane
                session.flush()
            return lane
        except IntegrityError:  # another enrolment of the office took it at the same moment: look again
            session.expire(device, ["lane"])
            claim = None if claim == lane else claim
    raise RuntimeError("no free document-number lane after several tries")


def _lowest_free(taken: set[int]) -> int:
    lane = 1
    while lane in taken:
        lane += 1
    return lane
