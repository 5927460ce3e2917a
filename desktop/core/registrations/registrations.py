"""Registration follow-up: import the ministry app's export and count registrations per ครู ข against 1 : 120.

The export comes in one of two shapes (the header row is found among the first 15 rows):
* one row per registration: the ครู ข's national ID, optionally the registered worker's ID or a
  registration reference and a date;
* one row per ครู ข with a count (a running total as of the export).
Idempotence (docs/registrations.md): each source row gets a key, unique per office, so importing the
same file twice changes nothing, and a newer export adds only what is new:
* ``w:<worker ID>`` when the worker's ID is given (a worker is counted once, whoever re-exports it);
* ``r:<reference>`` when a registration reference is given;
* ``h:<ครู ข ID>:<digest of the row>:<n>`` otherwise (n = the row's occurrence among identical rows);
* ``t:<ครู ข ID>`` for a count row: a newer count replaces the older one (it is a running total).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, update

from db.base import new_id, utcnow
from db.exchange.registration_columns import (
    Columns,
    find_header,
    reference_key,
    row_digest,
    total_key,
    worker_key,
)
from db.models import Enrolment, Person, Registration, TrainingRound
from db.rules.errors import RuleError
from db.rules.national_id import national_id_problem, normalize_national_id
from db.rules.thai_dates import parse_be_date
from desktop.core import audit
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.roster.reader import column_letter, read_sheet


class RegistrationFileError(CoreError):
    """The file cannot be used at all (no ครู ข ID column, unreadable)."""


@dataclass(frozen=True)
class Rejected:
    row: int
    column: str  # the Excel column letter, "" when the whole row is at fault
    reason: str

    def __str__(self) -> str:
        where = f"แถว {self.row}" + (f" คอลัมน์ {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    shape: str  # "single" or "total"
    added: int
    updated: int
    unchanged: int
    rejected: tuple[Rejected, ...]
    batch_id: uuid.UUID
    registrations_added: int  # the change in the province's registration count

    def summary_line(self) -> str:
        return (
            f"{self.file_name}: เพิ่มใหม่ {self.added:,} แก้ไขยอด {self.updated:,} ซ้ำ (มีแล้ว) {self.unchanged:,} "
            f"ไม่รับ {len(self.rejected):,} แถว · ยอดลงทะเบียนเปลี่ยน {self.registrations_added:+,}"
        )


def _find_columns(rows) -> tuple[int, Columns]:
    found = find_header((r.number, r.cells) for r in rows)
    if found is None:
        raise RegistrationFileError(
            'ไม่พบคอลัมน์เลขประจำตัวประชาชนของครู ข ในไฟล์ (เช่น หัวคอลัมน์ "เลขประจำตัวประชาชนครู ข" หรือ "national_id")'
        )
    return found


def _cell(cells: tuple, i: int | None) -> object:
    return cells[i] if i is not None and i < len(cells) else None


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def import_registrations(ctx: AppContext, *, path: Path | str, sheet: str | None = None) -> ImportResult:
    """Read the file and store its rows in one transaction; rows already stored are not counted again."""
    require(ctx, "registrations.import")
    path = Path(path)
    src = read_sheet(path, sheet=sheet)
    header_row, cols = _find_columns(src.rows)
    shape = "total" if cols.count is not None else "single"
    code = ctx.require_office_code()
    rejected: list[Rejected] = []
    wanted: dict[str, dict] = {}
    seen_rows: dict[str, int] = {}
    with ctx.reading() as s:
        people = dict(
            s.execute(
                select(Person.national_id, Person.id).where(
                    Person.office_code == code, Person.deleted.is_(False)
                )
            ).all()
        )
    for r in src.rows:
        if r.number <= header_row or all(_blank(c) for c in r.cells):
            continue
        raw = _cell(r.cells, cols.kru_id)
        col = column_letter(cols.kru_id)
        try:
            nid = normalize_national_id(raw)
        except RuleError as exc:
            rejected.append(Rejected(r.number, col, f"เลขประจำตัวประชาชนครู ข: {exc}"))
            continue
        problem = national_id_problem(nid)
        if problem:
            rejected.append(Rejected(r.number, col, f"เลขประจำตัวประชาชนครู ข: {problem}"))
            continue
        person_id = people.get(nid)
        if person_id is None:
            rejected.append(Rejected(r.number, col, f"ไม่พบครู ข เลขประจำตัวประชาชน {nid} ในทะเบียนของจังหวัด"))
            continue
        day = None
        if not _blank(_cell(r.cells, cols.day)):
            try:
                day = parse_be_date(_cell(r.cells, cols.day), field="registered_on")
            except RuleError as exc:
                rejected.append(Rejected(r.number, column_letter(cols.day), f"วันที่: {exc}"))
                continue
        count = 1
        if shape == "total":
            value = _cell(r.cells, cols.count)
            try:
                count = (
                    int(str(value).strip().replace(",", "")) if not isinstance(value, float) else int(value)
                )
                if isinstance(value, float) and value != int(value):
                    raise ValueError
                if count < 0:
                    raise ValueError
            except (TypeError, ValueError):
                rejected.append(
                    Rejected(
                        r.number,
                        column_letter(cols.count),
                        f'จำนวนผู้ลงทะเบียนต้องเป็นจำนวนเต็มไม่ติดลบ แต่พบ "{value}"',
                    )
                )
                continue
            key = total_key(nid)
            if key in seen_rows:
                rejected.append(
                    Rejected(r.number, col, f"ครู ข {nid} มียอดซ้ำกับแถว {seen_rows[key]} ในไฟล์เดียวกัน")
                )
                continue
        else:
            worker = _cell(r.cells, cols.worker_id)
            ref = _cell(r.cells, cols.reference)
            if not _blank(worker):
                try:
                    wid = normalize_national_id(worker)
                except RuleError as exc:
                    rejected.append(
                        Rejected(r.number, column_letter(cols.worker_id), f"เลขประจำตัวผู้ลงทะเบียน: {exc}")
                    )
                    continue
                if national_id_problem(wid):
                    rejected.append(
                        Rejected(
                            r.number,
                            column_letter(cols.worker_id),
                            f"เลขประจำตัวผู้ลงทะเบียน: {national_id_problem(wid)}",
                        )
                    )
                    continue
                key = worker_key(wid)
                if key in seen_rows:
                    rejected.append(
                        Rejected(
                            r.number,
                            column_letter(cols.worker_id),
                            f"ผู้ลงทะเบียน {wid} ซ้ำกับแถว {seen_rows[key]}",
                        )
                    )
                    continue
            elif not _blank(ref):
                key = reference_key(ref)
                if key in seen_rows:
                    rejected.append(
                        Rejected(
                            r.number, column_letter(cols.reference), f"รหัสการลงทะเบียนซ้ำกับแถว {seen_rows[key]}"
                        )
                    )
                    continue
            else:
                digest = row_digest(r.cells)
                n = 1
                while f"h:{nid}:{digest}:{n}" in seen_rows:
                    n += 1
                key = f"h:{nid}:{digest}:{n}"
        seen_rows[key] = r.number
        wanted[key] = {
            "national_id": nid,
            "person_id": person_id,
            "kind": shape,
            "count": count,
            "registered_on": day,
        }
    return _store(ctx, code, path.name, shape, wanted, tuple(rejected))


def _store(
    ctx: AppContext, code: str, file_name: str, shape: str, wanted: dict[str, dict], rejected
) -> ImportResult:
    batch = new_id()
    added = updated = unchanged = delta = 0
    with ctx.transaction() as s:
        existing: dict[str, tuple] = {}
        keys = list(wanted)
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            for key, rid, count, deleted in s.execute(
                select(
                    Registration.source_key, Registration.id, Registration.count, Registration.deleted
                ).where(Registration.office_code == code, Registration.source_key.in_(chunk))
            ):
                existing[key] = (rid, count, deleted)
        now = utcnow()
        new_rows = []
        for key, row in wanted.items():
            old = existing.get(key)
            if old is None:
                new_rows.append(
                    {
                        **row,
                        "id": new_id(),
                        "office_code": code,
                        "source_key": key,
                        "source_file": file_name[:300],
                        "batch_id": batch,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "deleted": False,
                    }
                )
                added += 1
                delta += row["count"]
            elif old[1] != row["count"] or old[2]:
                s.execute(
                    update(Registration)
                    .where(Registration.id == old[0])
                    .values(
                        count=row["count"],
                        registered_on=row["registered_on"],
                        deleted=False,
                        batch_id=batch,
                        source_file=file_name[:300],
                        updated_at=now,
                        version=Registration.version + 1,
                    )
                )
                updated += 1
                delta += row["count"] - (0 if old[2] else old[1])
            else:
                unchanged += 1
        if new_rows:
            s.execute(insert(Registration), new_rows)
        audit.record(
            s,
            ctx,
            office_code=code,
            action="import",
            entity="registration",
            entity_id=batch,
            changes={"added": [None, added], "updated": [None, updated], "rejected": [None, len(rejected)]},
            summary=f"นำเข้าผลการลงทะเบียน {file_name}: เพิ่ม {added:,} แก้ไข {updated:,} ไม่รับ {len(rejected):,}",
            batch_id=batch,
        )
    return ImportResult(file_name, shape, added, updated, unchanged, rejected, batch, delta)


@dataclass(frozen=True)
class PersonRegistrations:
    national_id: str
    name: str
    registrations: int
    target: int

    @property
    def share(self) -> float:
        return self.registrations / self.target if self.target else 0.0


def registrations_per_person(ctx: AppContext) -> list[PersonRegistrations]:
    """Every trained ครู ข (completed) and anyone credited with registrations, most registrations first."""
    from desktop.core.exports.figures import registration_ratio

    code = ctx.require_office_code()
    with ctx.reading() as s:
        ratio = registration_ratio(s)
        regs = dict(
            s.execute(
                select(Registration.person_id, func.sum(Registration.count))
                .where(Registration.office_code == code, Registration.deleted.is_(False))
                .group_by(Registration.person_id)
            ).all()
        )
        trained = set(
            s.scalars(
                select(Enrolment.person_id)
                .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
                .where(
                    Enrolment.completed.is_(True),
                    Enrolment.status == "enrolled",
                    Enrolment.deleted.is_(False),
                    TrainingRound.office_code == code,
                    TrainingRound.deleted.is_(False),
                )
            )
        )
        ids = trained | {k for k in regs if k is not None}
        out = []
        for pid, nid, prefix, first, last in s.execute(
            select(Person.id, Person.national_id, Person.prefix, Person.first_name, Person.last_name).where(
                Person.office_code == code, Person.deleted.is_(False)
            )
        ):
            if pid in ids:
                out.append(
                    PersonRegistrations(
                        nid, f"{prefix}{first} {last}".strip(), int(regs.get(pid) or 0), ratio
                    )
                )
    out.sort(key=lambda p: (-p.registrations, p.national_id))
    return out
