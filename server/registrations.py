"""The centre imports the ministry app's national registration export itself (krukhor-server admin import-registrations).

Streamed (a 9 million-row CSV is never held in memory), in batches of BATCH rows each committed on its own;
every row gets the desktop's key (db.exchange.registration_columns), so the import is idempotent: running it
again, or again after an interruption, or after a province synced the same registrations, counts each once.
The ครู ข of a row is found among the synced people of every office (the export's province column, when it has
one, decides between offices).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.exchange.registration_columns import (
    Columns,
    find_header,
    reference_key,
    row_digest,
    total_key,
    worker_key,
)
from db.rules.errors import RuleError
from db.rules.national_id import national_id_problem, normalize_national_id
from server import aggregates
from server.models import SyncRow

BATCH = 20_000
MAX_PROBLEMS = 1_000  # kept in the report; the count goes on


@dataclass
class ImportReport:
    file_name: str
    rows: int = 0
    stored: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    def reject(self, row: int, col: int | None, reason: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS:
            where = f"แถว {row}" + (f" คอลัมน์ {get_column_letter(col + 1)}" if col is not None else "")
            self.problems.append(f"{self.file_name} {where}: {reason}")

    def line(self) -> str:
        return (
            f"{self.file_name}: อ่าน {self.rows:,} แถว บันทึก {self.stored:,} ไม่รับ {self.rejected:,} แถว "
            "(นำเข้าซ้ำได้ รายการที่มีแล้วไม่นับซ้ำ)"
        )


class ImportFileError(Exception):
    """The file cannot be used at all (Thai)."""


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.open("rb")
    head = raw.read(65536)
    raw.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = (
            "cp874" if exc.start < len(head) - 4 else "utf-8-sig"
        )  # a cut multi-byte at the end is fine
    with io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        yield from enumerate(csv.reader(fh), start=1)


def _cell(cells: list[str], i: int | None) -> str:
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _people(session: Session) -> dict[str, list[str]]:
    """ครู ข national ID → the offices that hold a live person with it."""
    out: dict[str, list[str]] = defaultdict(list)
    q = select(SyncRow.office_code, SyncRow.data["national_id"].as_string()).where(
        SyncRow.table_name == "person", SyncRow.deleted.is_(False)
    )
    for office, nid in session.execute(q.execution_options(yield_per=10_000)):
        if nid:
            out[nid].append(office)
    return out


def import_file(sessions: sessionmaker[Session], path: str | Path) -> ImportReport:
    """Import a national export CSV; returns what was stored and what was refused (per row, in Thai)."""
    path = Path(path)
    report = ImportReport(path.name)
    if not path.is_file():
        raise ImportFileError(f"ไม่พบไฟล์ {path} / no such file")
    with sessions() as s:
        people = _people(s)
    rows = _rows(path)
    scanned: list[tuple[int, list[str]]] = []
    for pair in rows:
        scanned.append(pair)
        if len(scanned) >= 15:
            break
    try:
        found = find_header(scanned)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name}: อ่านตัวอักษรในไฟล์ไม่ได้ ({exc})") from exc
    if found is None:
        raise ImportFileError(
            f'{path.name}: ไม่พบคอลัมน์เลขประจำตัวประชาชนของครู ข (เช่น หัวคอลัมน์ "เลขประจำตัวประชาชนครู ข")'
        )
    header, cols = found
    occurrences: dict[str, int] = defaultdict(int)
    batch: dict[str, list] = defaultdict(list)
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        with sessions.begin() as s:
            for office, changes in sorted(batch.items()):
                aggregates.put_records(
                    s, office=office, changes=[(None, c) for c in changes], origin="import"
                )
            aggregates.bump(s, batch)
        report.stored += pending
        batch.clear()
        pending = 0

    def body() -> Iterator[tuple[int, list[str]]]:
        yield from scanned
        yield from rows

    for number, cells in body():
        if number <= header or not any(c.strip() for c in cells):
            continue
        report.rows += 1
        item = _row(number, cells, cols, people, occurrences, report)
        if item is None:
            continue
        office, key, nid, count = item
        batch[office].append((key, nid, count))
        pending += 1
        if pending >= BATCH:
            flush()
    flush()
    return report


def _row(
    number: int,
    cells: list[str],
    cols: Columns,
    people: dict[str, list[str]],
    occurrences: dict[str, int],
    report: ImportReport,
) -> tuple[str, str, str, int] | None:
    try:
        nid = normalize_national_id(_cell(cells, cols.kru_id))
    except RuleError as exc:
        report.reject(number, cols.kru_id, f"เลขประจำตัวประชาชนครู ข: {exc}")
        return None
    problem = national_id_problem(nid)
    if problem:
        report.reject(number, cols.kru_id, f"เลขประจำตัวประชาชนครู ข: {problem}")
        return None
    offices = people.get(nid, [])
    province = _cell(cells, cols.province)
    if province:
        offices = [o for o in offices if o == province.zfill(2)]
    if len(offices) != 1:
        why = (
            "ไม่พบครู ข นี้ในทะเบียนที่ซิงก์ของจังหวัดใด" if not offices else "พบครู ข นี้มากกว่าหนึ่งจังหวัด (ใส่คอลัมน์รหัสจังหวัด)"
        )
        report.reject(number, cols.kru_id, f"เลขประจำตัวประชาชนครู ข {nid}: {why}")
        return None
    count = 1
    if cols.count is not None:
        value = _cell(cells, cols.count).replace(",", "")
        if not value.isdigit():
            report.reject(number, cols.count, f'จำนวนผู้ลงทะเบียนต้องเป็นจำนวนเต็มไม่ติดลบ แต่พบ "{value[:40]}"')
            return None
        count = int(value)
        key = total_key(nid)
    elif worker := _cell(cells, cols.worker_id):
        try:
            wid = normalize_national_id(worker)
        except RuleError as exc:
            report.reject(number, cols.worker_id, f"เลขประจำตัวผู้ลงทะเบียน: {exc}")
            return None
        if problem := national_id_problem(wid):
            report.reject(number, cols.worker_id, f"เลขประจำตัวผู้ลงทะเบียน: {problem}")
            return None
        key = worker_key(wid)
    elif ref := _cell(cells, cols.reference):
        key = reference_key(ref)
    else:
        digest = row_digest(cells)
        occurrences[f"{nid}:{digest}"] += 1
        key = f"h:{nid}:{digest}:{occurrences[f'{nid}:{digest}']}"
    return offices[0], key, nid, count
