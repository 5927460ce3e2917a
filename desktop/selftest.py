"""`krukhor --self-test` / `krukhor-cli --self-test`: prove an installed copy can do its work (no Qt here).

In a temporary folder: create a database and migrate it, write a sign-in sheet PDF in Thai and read the
text back, write a workbook and read it back, hash and verify a password (argon2id). Each step prints OK or FAIL; any failure gives exit 1.
The GUI adds a Qt step (desktop/ui/selftest_qt.py) through ``extra_steps``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from db.resources import resource_path
from desktop.core.context import AppContext
from desktop.core.keys.store import KEY_DIR_ENV
from desktop.version import app_version

FONT_FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf", "Sarabun-Italic.ttf", "Sarabun-BoldItalic.ttf")
# Stacked marks (tone mark over an upper vowel, SARA AM with a tone mark) are what breaks first.
SAMPLE_PERSON = ("นาง", "ญี่ปุ่น", "ฟื้นฟูน้ำใจ")
SAMPLE_POSITION = "ผู้ใหญ่บ้าน"
SAMPLE_SENTENCE = "ผู้ใหญ่บ้านไปอบรมที่อำเภอ"
SAMPLE_WORDS = ["ผู้ใหญ่บ้าน", "ไป", "อบรม", "ที่", "อำเภอ"]
SAMPLE_ROWS = [
    ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "ค่าตอบแทน"],
    ["3101700000016", "ญี่ปุ่น", "ฟื้นฟูน้ำใจ", 1234.5],
    ["1101700000019", "สมชาย", "ใจดี", 600],
]


class SelfTestError(Exception):
    """A step found something wrong; the message says what."""


@dataclass
class SelfTestWork:
    """What the steps share: the temporary folder, and the database once the database step made it."""

    folder: Path
    ctx: AppContext | None = None
    round_id: uuid.UUID | None = None

    def require_ctx(self) -> AppContext:
        if self.ctx is None:
            raise SelfTestError("needs the database step, which failed")
        return self.ctx


Step = tuple[str, Callable[[SelfTestWork], str]]


@dataclass(frozen=True)
class StepResult:
    name: str
    ok: bool
    detail: str
    seconds: float

    def line(self) -> str:
        return f"[{'OK' if self.ok else 'FAIL':>4}] {self.name}: {self.detail} ({self.seconds:.2f} s)"


@dataclass(frozen=True)
class SelfTestReport:
    steps: tuple[StepResult, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.ok for s in self.steps)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        failed = [s.name for s in self.steps if not s.ok]
        if not failed:
            return f"self-test passed: {len(self.steps)}/{len(self.steps)} steps OK in {self.seconds:.1f} s"
        return f"self-test FAILED: {', '.join(failed)} ({len(failed)} of {len(self.steps)} steps failed)"


# ------------------------------------------------------------------------------------------ steps


def _check_resources(work: SelfTestWork) -> str:
    from desktop.core.office import reference_provinces

    missing = [name for name in (*FONT_FILES, "OFL.txt") if not resource_path("fonts", name).is_file()]
    if missing:
        raise SelfTestError(f"missing in {resource_path('fonts')}: {', '.join(missing)}")
    provinces = reference_provinces()
    if len(provinces) != 77:
        raise SelfTestError(f"reference/provinces.csv has {len(provinces)} provinces, expected 77")
    return f"{len(FONT_FILES)} Sarabun fonts with OFL licence, {len(provinces)} provinces"


def _check_words(work: SelfTestWork) -> str:
    from desktop.reports.thai_text import tokenize

    words = [w for w in tokenize(SAMPLE_SENTENCE) if w.strip()]
    if words != SAMPLE_WORDS:
        raise SelfTestError(f"newmm segmentation gave {words!r}, expected {SAMPLE_WORDS!r}")
    return f"newmm dictionary segments a sentence into {len(words)} words"


def _check_database(work: SelfTestWork) -> str:
    from sqlalchemy import text

    from db.migrate import current_revision, head_revision
    from desktop.core import office

    db_path = work.folder / "selftest.sqlite"
    # The throw-away database's key goes to the temporary folder, not into this user's key store.
    previous = os.environ.get(KEY_DIR_ENV)
    os.environ[KEY_DIR_ENV] = str(work.folder / "keys")
    try:
        work.ctx = AppContext.open(db_path, user_name="self-test")
        revision = current_revision(work.ctx.engine)
        if revision != head_revision():
            raise SelfTestError(f"schema at {revision}, expected head {head_revision()}")
        row = office.setup_office(work.ctx, province_code="40")
        work.ctx.close()
        encrypted = _check_encrypted(db_path)
        work.ctx = AppContext.open(db_path, user_name="self-test")  # reopened with the stored key
    finally:
        if previous is None:
            os.environ.pop(KEY_DIR_ENV, None)
        else:
            os.environ[KEY_DIR_ENV] = previous
    with work.ctx.engine.connect() as conn:
        integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
        provinces = conn.execute(text("SELECT count(*) FROM province")).scalar()
        cipher = conn.execute(text("PRAGMA cipher_version")).scalar()
    if integrity != "ok":
        raise SelfTestError(f"integrity check says {integrity}")
    if office.get_office(work.ctx) is None:
        raise SelfTestError("the reopened encrypted database lost its office row")
    return (
        f"created and migrated to head {revision}, office {row.code} set up, {provinces} provinces stored; "
        f"encrypted (SQLCipher {cipher}), {encrypted}, reopened"
    )


def _check_encrypted(db_path: Path) -> str:
    """Fail when the database file is readable as plain SQLite."""
    import sqlite3

    from db.cipher import is_plain_sqlite

    if is_plain_sqlite(db_path):
        raise SelfTestError(f"{db_path.name} starts with the plain SQLite header: not encrypted")
    con = sqlite3.connect(db_path)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return "unreadable by plain SQLite"
    finally:
        con.close()
    raise SelfTestError(f"{db_path.name} is readable by plain SQLite: not encrypted")


def _check_pdf(work: SelfTestWork) -> str:
    from pypdf import PdfReader

    from db.rules.national_id import make_national_id
    from desktop.core.people import people
    from desktop.core.people.people import PersonInput
    from desktop.core.rounds import enrolment, rounds
    from desktop.core.rounds.rounds import RoundInput
    from desktop.reports.signin_sheet import SHEET_TITLE, write_signin_sheet

    ctx = work.require_ctx()
    rid = rounds.create_round(
        ctx,
        RoundInput(
            start_date=date(2027, 5, 11),
            end_date=date(2027, 5, 11),
            title="ทดสอบโปรแกรม",
            venue="ห้องประชุมสำนักงาน",
            capacity=5,
        ),
    ).id
    prefix, first, last = SAMPLE_PERSON
    person = people.create_person(
        ctx,
        PersonInput(
            national_id=make_national_id("310170000001"),
            prefix=prefix,
            first_name=first,
            last_name=last,
            position=SAMPLE_POSITION,
            phone="0812345678",
        ),
    )
    enrolment.enrol(ctx, round_id=rid, person_ids=[person.id])
    work.round_id = rid
    out = work.folder / "signin.pdf"
    result = write_signin_sheet(ctx, round_id=rid, out_path=out)
    reader = PdfReader(io.BytesIO(out.read_bytes()))  # no open handle: Windows could not remove the folder
    extracted = "".join((page.extract_text() or "") for page in reader.pages)
    flat = "".join(extracted.split())
    wanted = [SHEET_TITLE, f"{prefix}{first}{last}", SAMPLE_POSITION]
    lost = [w for w in wanted if w not in flat]
    if lost:
        raise SelfTestError(f"text not found in the PDF: {lost!r}; extracted {extracted[:200]!r}")
    return f"sign-in sheet of {result.pages} page(s), {out.stat().st_size:,} bytes; Thai text extracts back"


def _check_xlsx(work: SelfTestWork) -> str:
    from openpyxl import Workbook, load_workbook

    from desktop.core.roster.reader import read_sheet

    path = work.folder / "roundtrip.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "รายชื่อ"
    for row in SAMPLE_ROWS:
        ws.append(row)
    wb.save(path)
    back = load_workbook(path, read_only=True)
    try:
        by_openpyxl = [list(r) for r in back["รายชื่อ"].iter_rows(values_only=True)]
    finally:
        back.close()
    if by_openpyxl != SAMPLE_ROWS:
        raise SelfTestError(f"openpyxl read back {by_openpyxl!r}")
    sheet = read_sheet(path)
    by_calamine = [[_plain(v) for v in r.cells] for r in sheet.rows]
    if sheet.name != "รายชื่อ" or by_calamine != SAMPLE_ROWS:
        raise SelfTestError(f"calamine read back {sheet.name!r} {by_calamine!r}")
    return f"wrote {len(SAMPLE_ROWS)} rows of Thai with openpyxl, read them back with openpyxl and calamine"


def _plain(value: object) -> object:
    """calamine gives every number as float; the sample's whole numbers were ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _check_passwords(work: SelfTestWork) -> str:
    """Staff sign in against argon2id hashes: the bundled argon2 binding must hash and verify with our parameters."""
    from desktop.core.accounts import passwords

    sample = "selftest-รหัสผ่าน-1"
    stored = passwords.hash_password(sample)
    wanted = f"$argon2id$v=19$m={passwords.MEMORY_KIB},t={passwords.TIME_COST},p={passwords.LANES}$"
    if not stored.startswith(wanted):
        raise SelfTestError(f"hash starts {stored[:40]!r}, expected {wanted!r}")
    t0 = time.perf_counter()
    if not passwords.verify_password(stored, sample):
        raise SelfTestError("the right password does not verify against its own hash")
    took = time.perf_counter() - t0
    if passwords.verify_password(stored, sample + "x"):
        raise SelfTestError("a wrong password verifies")
    return f"argon2id (t={passwords.TIME_COST}, {passwords.MEMORY_KIB // 1024} MiB, p={passwords.LANES}) hashes; the right password verifies in {took:.2f} s, a wrong one is refused"


STEPS: tuple[Step, ...] = (
    ("resources", _check_resources),
    ("thai words", _check_words),
    ("database", _check_database),
    ("pdf", _check_pdf),
    ("xlsx", _check_xlsx),
    ("passwords", _check_passwords),
)


# ------------------------------------------------------------------------------------------ running


def run_self_test(
    *,
    extra_steps: Sequence[Step] = (),
    out: TextIO | None = None,
    steps: Sequence[Step] = STEPS,
) -> SelfTestReport:
    """Run every step in a fresh temporary folder (removed afterwards), printing each result to ``out``."""
    started = time.perf_counter()
    results: list[StepResult] = []
    folder = Path(tempfile.mkdtemp(prefix="krukhor-selftest-"))
    work = SelfTestWork(folder)
    _emit(out, header())
    try:
        for name, check in (*steps, *extra_steps):
            t0 = time.perf_counter()
            try:
                detail, ok = check(work), True
            except Exception as exc:  # a step's failure is reported; the other steps still run
                detail, ok = _failure_text(exc), False
            result = StepResult(name, ok, detail, time.perf_counter() - t0)
            results.append(result)
            _emit(out, result.line())
    finally:
        if work.ctx is not None:
            work.ctx.close()
        shutil.rmtree(folder, ignore_errors=True)
    report = SelfTestReport(tuple(results), time.perf_counter() - started)
    _emit(out, report.summary())
    return report


def header() -> str:
    frozen = "bundle" if getattr(sys, "frozen", False) else "source"
    return (
        f"krukhor {app_version()} self-test ({frozen}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()})"
    )


def _failure_text(exc: Exception) -> str:
    if isinstance(exc, SelfTestError):
        return str(exc)
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"


def _emit(out: TextIO | None, line: str) -> None:
    if out is not None:
        print(line, file=out, flush=True)


def add_self_test_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (database, PDF, Excel) in a temporary folder and exit: 0 when all is OK",
    )
    parser.add_argument(
        "--self-test-report",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the self-test's report to FILE (UTF-8)",
    )


def run_and_report(*, extra_steps: Sequence[Step] = (), report_path: Path | None = None) -> int:
    """Run the self-test, print to stdout (when there is one) and to ``report_path``; return the exit code."""
    stream = sys.stdout  # None in a windowed Windows executable: --report then keeps the result
    report = run_self_test(extra_steps=extra_steps, out=stream)
    if report_path is not None:
        lines = [header(), *(s.line() for s in report.steps), report.summary()]
        report_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report.exit_code
