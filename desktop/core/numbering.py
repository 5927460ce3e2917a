"""One allocator of document numbers (vouchers, certificates): running per office, series and fiscal year.

A number is issued offline, inside the caller's transaction, and never repeats across the office's PCs:
each PC numbers in its own lane, its device number in the office (เครื่องที่), so two PCs that are offline at
the same time can never pick the same number. The printed form is ``0012/2569`` on the office's first PC and
``2-0012/2569`` on its second (docs/money.md). Every number issued is a synced, append-only row of
``document_number``; the table's unique constraints make a repeat impossible on each PC, and a clash that
only a pull could reveal (two PCs that claimed one device number before either synced) is refused by the
pull as a row problem rather than stored.

A PC's device number is the lane the server gave it at enrolment (``sync.lane``, unique in the office). Before
it has one, it is the lane of its earlier numbers, else one more than the highest it has seen (1 on a PC that
has seen none); enrolment then claims that lane, and a PC whose claim another PC already holds is given a new
lane and told which of its earlier numbers to void (docs/money.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import DocumentNumber
from desktop.core.context import get_setting
from desktop.core.errors import RuleViolation, ValidationError

SERIES_LABELS = {"voucher": "ใบสำคัญรับเงิน", "certificate": "วุฒิบัตร"}


@dataclass(frozen=True)
class Issued:
    id: uuid.UUID
    series: str
    fiscal_year: int
    device_no: int
    seq: int
    label: str


def format_label(*, device_no: int, seq: int, fiscal_year: int) -> str:
    """The number as printed after เลขที่: 0012/2569 (first PC) or 2-0012/2569."""
    body = f"{seq:04d}/{fiscal_year}"
    return body if device_no == 1 else f"{device_no}-{body}"


K_LANE = "sync.lane"  # the lane the server gave this PC at enrolment


def granted_lane(session: Session) -> int | None:
    value = get_setting(session, K_LANE)
    return int(value) if value else None


def own_lane(session: Session, *, office_code: str, device_id: str) -> int | None:
    """The lane of this PC's newest number (None when it has issued none)."""
    return session.scalar(
        select(DocumentNumber.device_no)
        .where(DocumentNumber.office_code == office_code, DocumentNumber.device_id == device_id)
        .order_by(DocumentNumber.issued_at.desc())
        .limit(1)
    )


def device_number(session: Session, *, office_code: str, device_id: str) -> int:
    """This PC's number in the office: its granted lane, else the one it numbers with, else the next free one."""
    if device_id == get_setting(session, "device_id") and (lane := granted_lane(session)) is not None:
        return lane
    mine = own_lane(session, office_code=office_code, device_id=device_id)
    if mine is not None:
        return mine
    highest = session.scalar(
        select(func.max(DocumentNumber.device_no)).where(DocumentNumber.office_code == office_code)
    )
    return (highest or 0) + 1


def issue_number(
    session: Session,
    *,
    office_code: str,
    device_id: str,
    series: str,
    fiscal_year: int,
    entity_table: str = "",
    entity_id: uuid.UUID | None = None,
    issued_by: str = "",
) -> Issued:
    """The next number of the series for this PC, stored in the caller's transaction (rolled back with it)."""
    if series not in SERIES_LABELS:
        raise ValidationError({"series": f"ไม่รู้จักชุดเลขที่เอกสาร '{series}'"})
    if not 2400 <= fiscal_year <= 2800:
        raise ValidationError({"fiscal_year": f"ปีงบประมาณ {fiscal_year} ไม่ใช่ปี พ.ศ."})
    if session.get_bind().dialect.name == "sqlite":
        # Take the write lock before reading the highest number, so that another process on this PC
        # cannot read the same one meanwhile (an UPDATE of no row opens the write transaction).
        session.execute(text("UPDATE document_number SET seq = seq WHERE 0"))
    device_no = device_number(session, office_code=office_code, device_id=device_id)
    seq = 1 + (
        session.scalar(
            select(func.max(DocumentNumber.seq)).where(
                DocumentNumber.office_code == office_code,
                DocumentNumber.series == series,
                DocumentNumber.fiscal_year == fiscal_year,
                DocumentNumber.device_no == device_no,
            )
        )
        or 0
    )
    row = DocumentNumber(
        office_code=office_code,
        series=series,
        fiscal_year=fiscal_year,
        device_id=device_id,
        device_no=device_no,
        seq=seq,
        label=format_label(device_no=device_no, seq=seq, fiscal_year=fiscal_year),
        entity_table=entity_table,
        entity_id=entity_id,
        issued_by=issued_by,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # a number pulled from another PC took this one: nothing is kept
        raise RuleViolation(
            f"ออกเลขที่{SERIES_LABELS[series]} {row.label} ไม่ได้ เพราะมีเลขนี้แล้ว กรุณาลองอีกครั้ง"
        ) from exc
    return Issued(row.id, series, fiscal_year, device_no, seq, row.label)


def issued_in_lane(session: Session, *, office_code: str, device_id: str, lane: int) -> list[str]:
    """This PC's numbers in a lane (วุฒิบัตร 0001/2569 …): the ones to void when the lane was not its own."""
    rows = session.execute(
        select(DocumentNumber.series, DocumentNumber.label)
        .where(
            DocumentNumber.office_code == office_code,
            DocumentNumber.device_id == device_id,
            DocumentNumber.device_no == lane,
            DocumentNumber.deleted.is_(False),
        )
        .order_by(DocumentNumber.series, DocumentNumber.fiscal_year, DocumentNumber.seq)
    )
    return [f"{SERIES_LABELS.get(series, series)} {label}" for series, label in rows]


def numbers_for(session: Session, *, series: str, entity_table: str, entity_ids: list[uuid.UUID]) -> dict:
    """The label issued to each of these entities in a series (entities without one are absent)."""
    out: dict[uuid.UUID, str] = {}
    for start in range(0, len(entity_ids), 500):
        chunk = entity_ids[start : start + 500]
        rows = session.execute(
            select(DocumentNumber.entity_id, DocumentNumber.label).where(
                DocumentNumber.series == series,
                DocumentNumber.entity_table == entity_table,
                DocumentNumber.entity_id.in_(chunk),
                DocumentNumber.deleted.is_(False),
            )
        )
        out.update({eid: label for eid, label in rows})
    return out
