"""Province workbook uploads and the consolidated national workbook (layout: docs/workbook-format.md)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from db.exchange import national
from db.exchange.national import STATUSES, ProvinceSummary
from db.exchange.workbook_format import STATUS_LABELS, TOTAL_LABEL
from db.exchange.workbook_reader import WorkbookFormatError, read_workbook
from db.rules.money import satang_to_decimal
from db.rules.thai_time import to_bangkok
from server import aggregates
from server.admin import province_names
from server.models import OfficeAccount, ProvinceWorkbook
from server.store import Principal

FORMAT_ID = "krukhor-national-workbook"
FORMAT_VERSION = 1
SHEET_SUMMARY = "สรุปรายจังหวัด"
SHEET_SOURCES = "แหล่งข้อมูล"
SHEET_META = "_krukhor"
HEADER_ROW = 3
HEADERS = (
    "รหัสจังหวัด",
    "จังหวัด",
    "เป้าหมายครู ข (หมู่บ้าน)",
    "อบรมผ่านปีงบนี้",
    "อบรมผ่านสะสม",
    "ร้อยละของเป้าหมาย",
    "หมู่บ้านที่มีครู ข",
    "ยอดลงทะเบียนแรงงาน",
    "เป้าหมายลงทะเบียน",
    *(f"รุ่น ({STATUS_LABELS[s]})" for s in STATUSES),
    "งบประมาณที่ได้รับจัดสรร (บาท)",
    "เบิกจ่ายแล้ว (บาท)",
    "คงเหลือ (บาท)",
    "ร้อยละการเบิกจ่าย",
    "แหล่งข้อมูล",
)
SOURCE_HEADERS = (
    "รหัสจังหวัด",
    "จังหวัด",
    "ข้อมูลที่ใช้",
    "ซิงก์ล่าสุด (เวลาประเทศไทย)",
    "แถวข้อมูลที่ซิงก์",
    "ไฟล์ที่อัปโหลด",
    "ข้อมูลในไฟล์ ณ (เวลาประเทศไทย)",
    "อัปโหลดเมื่อ (เวลาประเทศไทย)",
    "อัปโหลดโดย",
    "หมายเหตุ",
)
SOURCE_LABELS = {"sync": "ซิงก์", "upload": "ไฟล์สมุดงาน", "none": "ยังไม่มีข้อมูล"}

BAHT = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.0%"
_FONT = "TH Sarabun New"
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD_BORDER = Border(top=Side(style="thin", color="9BA7B4"), bottom=Side(style="thin", color="9BA7B4"))


class UploadRefused(Exception):
    """An upload the server will not store: HTTP status, a code and a Thai message saying why and where."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class UploadResult:
    province_code: str
    fiscal_year: int
    file_name: str
    replaced: bool
    summary: dict[str, Any]


@dataclass(frozen=True)
class NationalRow:
    summary: ProvinceSummary
    source: str  # sync / upload / none
    synced_at: datetime | None
    synced_rows: int
    upload: ProvinceWorkbook | None
    note: str
    figures: aggregates.OfficeFigures | None = None  # per district, when the synced rows are the source


# ------------------------------------------------------------------------------------------- upload


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip() or "workbook.xlsx"
    return re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", base)[:200]


def store_upload(
    sessions: sessionmaker[Session], who: Principal, *, file_name: str, content: bytes
) -> UploadResult:
    """Read an uploaded province workbook and keep it as the latest for its province and fiscal year."""
    if who.kind != "user":
        raise UploadRefused(
            403, "forbidden", "อัปโหลดสมุดงานได้เฉพาะผู้ใช้ที่เข้าสู่ระบบ / only a signed-in user can upload"
        )
    name = _safe_name(file_name)
    if not content:
        raise UploadRefused(422, "bad_workbook", f"{name}: ไฟล์ว่างเปล่า ไม่มีข้อมูล / the file is empty")
    with tempfile.TemporaryDirectory(prefix="krukhor-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            data = read_workbook(path)
        except WorkbookFormatError as exc:
            raise UploadRefused(422, "bad_workbook", str(exc)) from exc
        except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean "cannot read"
            raise UploadRefused(
                422, "bad_workbook", f"{name}: อ่านไฟล์ไม่ได้ ไฟล์อาจเสียหายหรือไม่ใช่สมุดงานรายงานจังหวัด ({exc})"
            ) from exc
    code, fy = data.meta.province_code, data.meta.fiscal_year
    if not who.central and who.office_code != code:
        raise UploadRefused(
            403,
            "forbidden",
            f"{name}: ไฟล์นี้เป็นของจังหวัดรหัส {code} ท่านอัปโหลดได้เฉพาะจังหวัดของท่าน ({who.office_code}) "
            "/ you may upload only your own province's workbook",
        )
    generated = data.meta.generated_at
    if generated.tzinfo is None:
        generated = generated.replace(tzinfo=UTC)
    digest = hashlib.sha256(content).hexdigest()
    for attempt in range(3):
        try:
            with sessions.begin() as s:
                office = s.get(OfficeAccount, code)
                if office is None:
                    raise UploadRefused(
                        422,
                        "unknown_office",
                        f"{name} แผ่นงาน _krukhor: รหัสจังหวัด {code} ในไฟล์ไม่ใช่สำนักงานที่มีในระบบ "
                        "กรุณาตรวจสอบไฟล์หรือให้ผู้ดูแลระบบสร้างสำนักงานก่อน / no such office",
                    )
                summary = national.from_workbook(data).to_json()
                row = s.get(ProvinceWorkbook, (code, fy))
                if row is not None and row.generated_at > generated and row.file_sha256 != digest:
                    raise UploadRefused(
                        409,
                        "older_workbook",
                        f"{name}: ข้อมูลในไฟล์นี้ ({_thai_time(generated)}) เก่ากว่าไฟล์ที่เก็บไว้แล้ว "
                        f"({row.file_name}, {_thai_time(row.generated_at)}) จึงไม่ได้บันทึก "
                        "/ a newer workbook is already stored",
                    )
                replaced = row is not None
                if row is None:
                    row = ProvinceWorkbook(office_code=code, fiscal_year=fy)
                    s.add(row)
                row.file_name, row.file_sha256, row.file_size, row.content = (
                    name,
                    digest,
                    len(content),
                    content,
                )
                row.generated_at, row.uploaded_at, row.uploaded_by = generated, utcnow(), who.name
                row.summary = summary
            return UploadResult(code, fy, name, replaced, summary)
        except IntegrityError:
            # Two uploads for the same province and year at once: the second try replaces the first.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------------ collect

FiguresCache = dict[tuple[str, int], tuple[Any, aggregates.OfficeFigures]]


def summary_of(
    fig: aggregates.OfficeFigures | None, *, code: str, name: str, fiscal_year: int
) -> ProvinceSummary:
    """The province line of the national figures (db.exchange.national.ProvinceSummary) from the SQL figures."""
    if fig is None:
        return national.empty(code, name, fiscal_year)
    return ProvinceSummary(
        code=code,
        name=name,
        fiscal_year=fiscal_year,
        target=fig.total("target"),
        trained_year=fig.total("trained_year"),
        trained_to_date=fig.total("trained_to_date"),
        villages_covered=fig.total("villages_covered"),
        registrations=fig.total("registrations"),
        registration_target=fig.total("registration_target"),
        rounds_by_status=fig.rounds_by_status,
        allocated_satang=fig.allocated_satang,
        planned_satang=fig.planned_satang,
        actual_satang=fig.actual_satang,
        spent_satang=fig.spent_satang,
    )


def collect(session: Session, *, fiscal_year: int, cache: FiguresCache | None = None) -> list[NationalRow]:
    """One row per office: its figures from the newer of its synced rows and its uploaded workbook.

    The synced figures come from server.aggregates (SQL); ``cache`` keeps each office's until its activity
    stamp moves (every push or registration import moves it), so a warm call reads one small table.
    """
    act = aggregates.activity(session)
    uploads = {
        u.office_code: u
        for u in session.scalars(select(ProvinceWorkbook).where(ProvinceWorkbook.fiscal_year == fiscal_year))
    }
    names = province_names()
    offices = list(session.scalars(select(OfficeAccount).order_by(OfficeAccount.code)))
    fresh: dict[str, aggregates.OfficeFigures | None] = {}
    stale = [
        o.code
        for o in offices
        if cache is None
        or (hit := cache.get((o.code, fiscal_year))) is None
        or hit[0] != act.get(o.code, (0, 0))[:2]
    ]
    if stale:
        # Second level: the figures another process (or this server before a restart) kept in the database.
        kept = aggregates.stored(session, fiscal_year=fiscal_year, offices=stale)
        reuse = {c: kept[c][1] for c in stale if c in kept and kept[c][0] == tuple(act.get(c, (0, 0))[:2])}
        todo = [c for c in stale if c not in reuse]
        computed = aggregates.figures(session, fiscal_year=fiscal_year, offices=todo) if todo else {}
        if computed:
            aggregates.store(
                session, figures={c: (tuple(act.get(c, (0, 0))[:2]), f) for c, f in computed.items()}
            )
            session.commit()
        computed.update(reuse)
        for code in stale:
            fresh[code] = computed.get(code)
            if cache is not None and code in computed:
                cache[(code, fiscal_year)] = (act.get(code, (0, 0))[:2], computed[code])
    out = []
    for office in offices:
        code = office.code
        name = names.get(code, office.name_th)
        _seq, _stamp, synced_at, n = act.get(code, (0, 0, None, 0))
        if not n:
            synced_at = None
        if synced_at is not None and synced_at.tzinfo is None:
            synced_at = synced_at.replace(tzinfo=UTC)
        upload = uploads.get(code)
        uploaded_as_of = upload.generated_at if upload is not None else None
        if uploaded_as_of is not None and uploaded_as_of.tzinfo is None:
            uploaded_as_of = uploaded_as_of.replace(tzinfo=UTC)
        source = national.newer(synced_at, uploaded_as_of)
        note = ""
        fig = fresh[code] if code in fresh else (cache or {}).get((code, fiscal_year), (None, None))[1]
        if synced_at is not None and upload is not None:
            note = "มีทั้งข้อมูลซิงก์และไฟล์ ใช้" + ("ไฟล์สมุดงาน" if source == "upload" else "ข้อมูลซิงก์") + "ซึ่งใหม่กว่า"
        if source == "upload" and upload is not None:
            summary = ProvinceSummary.from_json({**upload.summary, "name": name})
            fig = None
        else:
            summary = summary_of(fig, code=code, name=name, fiscal_year=fiscal_year)
            if synced_at is None:
                source = "none"
        if office.target is not None:
            # The centre's own target for the province overrides the village count (as on the /central page).
            summary = _with_target(summary, office.target)
            note = (note + " · " if note else "") + "เป้าหมายกำหนดโดยส่วนกลาง"
        out.append(NationalRow(summary, source, synced_at, n, upload, note, fig))
    return out


def _with_target(s: ProvinceSummary, target: int) -> ProvinceSummary:
    values = s.to_json()
    values["target"] = target
    return ProvinceSummary.from_json(values)


# -------------------------------------------------------------------------------------------- write


def _thai_time(at: datetime | None) -> str:
    if at is None:
        return ""
    local = to_bangkok(at)
    return f"{local.day:02d}/{local.month:02d}/{local.year + 543} {local:%H:%M} น."


def _cell(ws, value: object, fmt: str | None = None, *, bold: bool = False, head: bool = False):
    c = WriteOnlyCell(ws, value=value)
    if fmt:
        c.number_format = fmt
    if bold or head:
        c.font = Font(name=_FONT, bold=True)
    if head:
        c.fill, c.border = _HEAD_FILL, _HEAD_BORDER
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return c


def _print_setup(ws, *, header_row: int, widths: list[float], title: str) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"C{header_row + 1}"
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.oddHeader.center.text = title
    ws.oddFooter.center.text = "หน้า &P / &N"


def write_national(rows: list[NationalRow], *, fiscal_year: int, out_path: Path, now: datetime) -> None:
    """The national workbook (write-only openpyxl: rows go to disk as they are appended)."""
    wb = Workbook(write_only=True)
    title = f"สรุปผลการฝึกอบรมครู ข ระดับประเทศ ปีงบประมาณ {fiscal_year}"
    ws = wb.create_sheet(SHEET_SUMMARY)
    widths = [9.0, 34.0, *([13.0] * 11), 18.0, 16.0, 16.0, 12.0, 16.0]
    _print_setup(ws, header_row=HEADER_ROW, widths=widths, title=title)
    ws.append([_cell(ws, title, bold=True)])
    ws.row_dimensions[HEADER_ROW].height = 50  # three lines of a wrapped Thai header (set before the row)
    ws.append([f"ข้อมูล ณ {_thai_time(now)} (เวลาประเทศไทย) · รายจังหวัดจากข้อมูลซิงก์หรือไฟล์สมุดงานที่ใหม่กว่า"])
    ws.append([_cell(ws, h, head=True) for h in HEADERS])
    first = HEADER_ROW + 1
    for n, row in enumerate(rows):
        r, s = first + n, row.summary
        ws.append(
            [
                s.code,
                s.name,
                _cell(ws, s.target, COUNT),
                _cell(ws, s.trained_year, COUNT),
                _cell(ws, s.trained_to_date, COUNT),
                _cell(ws, f"=IF(C{r}=0,0,E{r}/C{r})", PERCENT),
                _cell(ws, s.villages_covered, COUNT),
                _cell(ws, s.registrations, COUNT),
                _cell(ws, s.registration_target, COUNT),
                *(_cell(ws, k, COUNT) for k in s.rounds_by_status),
                _cell(ws, satang_to_decimal(s.allocated_satang), BAHT),
                _cell(ws, satang_to_decimal(s.spent_satang), BAHT),
                _cell(ws, f"=N{r}-O{r}", BAHT),
                _cell(ws, f"=IF(N{r}=0,0,O{r}/N{r})", PERCENT),
                SOURCE_LABELS[row.source],
            ]
        )
    last = first + len(rows) - 1
    t = last + 1

    def total(col: str, fmt: str):
        # No provinces yet: a SUM over the total row itself would be a circular reference.
        return _cell(ws, f"=SUM({col}{first}:{col}{last})" if rows else 0, fmt, bold=True)

    ws.append(
        [
            _cell(ws, TOTAL_LABEL, bold=True),
            _cell(ws, "รวมทั้งประเทศ", bold=True),
            *(total(c, COUNT) for c in "CDE"),
            _cell(ws, f"=IF(C{t}=0,0,E{t}/C{t})", PERCENT, bold=True),
            *(total(c, COUNT) for c in "GHIJKLM"),
            *(total(c, BAHT) for c in "NOP"),
            _cell(ws, f"=IF(N{t}=0,0,O{t}/N{t})", PERCENT, bold=True),
            None,
        ]
    )
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(HEADERS))}{max(last, first)}"

    src = wb.create_sheet(SHEET_SOURCES)
    _print_setup(
        src,
        header_row=1,
        widths=[9, 34, 14, 20, 12, 36, 20, 20, 18, 40],
        title=f"แหล่งข้อมูลรายจังหวัด ปีงบประมาณ {fiscal_year}",
    )
    src.row_dimensions[1].height = 34
    src.append([_cell(src, h, head=True) for h in SOURCE_HEADERS])
    for row in rows:
        u = row.upload
        src.append(
            [
                row.summary.code,
                row.summary.name,
                SOURCE_LABELS[row.source],
                _thai_time(row.synced_at),
                _cell(src, row.synced_rows, COUNT),
                u.file_name if u else "",
                _thai_time(u.generated_at) if u else "",
                _thai_time(u.uploaded_at) if u else "",
                u.uploaded_by if u else "",
                row.note,
            ]
        )
    src.auto_filter.ref = f"A1:{get_column_letter(len(SOURCE_HEADERS))}{max(len(rows) + 1, 2)}"

    meta = wb.create_sheet(SHEET_META)
    meta.sheet_state = "hidden"
    for key, value in (
        ("format", FORMAT_ID),
        ("format_version", FORMAT_VERSION),
        ("fiscal_year", fiscal_year),
        ("generated_at", now.astimezone(UTC).replace(microsecond=0).isoformat()),
        ("provinces", len(rows)),
    ):
        meta.append([key, value])
    wb.save(out_path)


def build_national(
    session: Session,
    *,
    fiscal_year: int,
    out_path: Path,
    now: datetime | None = None,
    cache: FiguresCache | None = None,
) -> int:
    """Collect and write the national workbook to ``out_path``; returns the number of provinces."""
    rows = collect(session, fiscal_year=fiscal_year, cache=cache)
    write_national(rows, fiscal_year=fiscal_year, out_path=out_path, now=now or utcnow())
    return len(rows)


def download_names(fiscal_year: int) -> tuple[str, str]:
    """The Thai file name and its ASCII fallback for Content-Disposition (RFC 6266 / 5987)."""
    return f"สรุปครูข_ระดับประเทศ_ปีงบ{fiscal_year}.xlsx", f"krukhor-national-{fiscal_year}.xlsx"
