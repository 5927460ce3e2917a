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

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.base import utcnow
from db.exchange import national
from db.exchange.national import STATUSES, ProvinceSummary
from db.exchange.workbook_format import DATE_FORMAT, STATUS_LABELS, TOTAL_LABEL
from db.exchange.workbook_reader import WorkbookFormatError, read_workbook
from db.rules.money import satang_to_decimal
from db.rules.percent import share
from db.rules.thai_time import to_bangkok
from server import aggregates
from server.admin import province_names
from server.models import OfficeAccount, ProvinceWorkbook
from server.store import Principal

FORMAT_ID = "krukhor-national-workbook"
FORMAT_VERSION = 2  # 2: XlsxWriter with cached values, Sarabun, real dates, a fiscal-year column
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
    "ปีงบประมาณ",
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
    "ปีงบประมาณ",
)
SOURCE_LABELS = {"sync": "ซิงก์", "upload": "ไฟล์สมุดงาน", "none": "ยังไม่มีข้อมูล"}

BAHT = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.0%"
_FONT = "Sarabun"  # the program's face (bundled), as the province workbook
BODY_PT, HEAD_PT = 14, 16
BODY_ROW_PT, HEAD_ROW_PT = 24, 78  # Thai marks above and below at 14 pt; three lines of a 16 pt header
PRINT_PERCENT = 65  # 14 pt × 0.65 ≥ 9 pt
DATETIME_FORMAT = DATE_FORMAT + " hh:mm"  # Bangkok wall time in the Thai calendar: 9 ธ.ค. 2568 14:05
SUMMARY_WIDTHS = [9.0, 16.0, *([13.0] * 11), 18.0, 16.0, 16.0, 12.0, 11.0, 14.0]
SOURCE_WIDTHS = [9.0, 16.0, 14.0, 22.0, 12.0, 36.0, 22.0, 22.0, 18.0, 40.0, 11.0]


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


def _bangkok_naive(at: datetime | None) -> datetime | None:
    """A cell's date and time: Bangkok wall time (Excel cells have no zone)."""
    return None if at is None else to_bangkok(at).replace(tzinfo=None)


def _print_setup(ws, *, header_row: int, widths: list[float], title: str, head) -> None:
    """Widths, frozen and repeated header, A4 landscape at a fixed scale keeping 14 pt text ≥ 9 pt."""
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_default_row(BODY_ROW_PT)
    ws.set_row(header_row - 1, HEAD_ROW_PT, head)
    ws.freeze_panes(header_row, 2)
    ws.repeat_rows(0, header_row - 1)
    ws.repeat_columns(0, 1)  # the province's code and name on every page across
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.set_header(f'&C&"{_FONT}"&{BODY_PT}{title.replace("&", "&&")}')
    ws.set_footer(f'&C&"{_FONT}"&{BODY_PT}หน้า &P / &N')
    # Never "fit to width": how wide a column prints depends on the reader's default font; a fixed scale
    # keeps 14 pt text at 9 pt or more (docs/workbook-format.md), breaking between columns when wider.
    ws.set_print_scale(PRINT_PERCENT)


def write_national(rows: list[NationalRow], *, fiscal_year: int, out_path: Path, now: datetime) -> None:
    """The national workbook (XlsxWriter, constant memory): every formula with its computed value."""
    wb = xlsxwriter.Workbook(
        str(out_path),
        {"default_date_format": DATE_FORMAT},
    )
    base = {"font_name": _FONT, "font_size": BODY_PT, "valign": "vcenter"}

    def fmt(**kw: Any):
        return wb.add_format({**base, **kw})

    text, code = fmt(), fmt(num_format="@")
    count, baht, pct = fmt(num_format=COUNT), fmt(num_format=BAHT), fmt(num_format=PERCENT)
    b_text, b_count = fmt(bold=True), fmt(bold=True, num_format=COUNT)
    b_baht, b_pct = fmt(bold=True, num_format=BAHT), fmt(bold=True, num_format=PERCENT)
    when = fmt(num_format=DATETIME_FORMAT)
    title_f = fmt(bold=True, font_size=HEAD_PT)
    head = fmt(
        bold=True,
        font_size=HEAD_PT,
        bg_color="#DDEBF7",
        text_wrap=True,
        align="center",
        top=1,
        bottom=1,
        top_color="#9BA7B4",
        bottom_color="#9BA7B4",
    )
    title = f"สรุปผลการฝึกอบรมครู ข ระดับประเทศ ปีงบประมาณ {fiscal_year}"
    ws = wb.add_worksheet(SHEET_SUMMARY)
    _print_setup(ws, header_row=HEADER_ROW, widths=SUMMARY_WIDTHS, title=title, head=head)
    ws.set_row(0, HEAD_ROW_PT / 3)
    ws.write_string(0, 0, title, title_f)
    ws.write_string(
        1, 0, f"ข้อมูล ณ {_thai_time(now)} (เวลาประเทศไทย) · รายจังหวัดจากข้อมูลซิงก์หรือไฟล์สมุดงานที่ใหม่กว่า", text
    )
    ws.write_row(HEADER_ROW - 1, 0, HEADERS, head)
    first = HEADER_ROW + 1
    for n, row in enumerate(rows):
        r, sm = first + n, row.summary
        i = r - 1
        ws.write_string(i, 0, sm.code, code)
        ws.write_string(i, 1, sm.name, text)
        for col, v in enumerate((sm.target, sm.trained_year, sm.trained_to_date), start=2):
            ws.write_number(i, col, v, count)
        ws.write_formula(i, 5, f"=IF(C{r}=0,0,E{r}/C{r})", pct, share(sm.trained_to_date, sm.target))
        for col, v in enumerate(
            (sm.villages_covered, sm.registrations, sm.registration_target, *sm.rounds_by_status), start=6
        ):
            ws.write_number(i, col, v, count)
        ws.write_number(i, 13, float(satang_to_decimal(sm.allocated_satang)), baht)
        ws.write_number(i, 14, float(satang_to_decimal(sm.spent_satang)), baht)
        ws.write_formula(i, 15, f"=N{r}-O{r}", baht, float(satang_to_decimal(sm.remaining_satang)))
        ws.write_formula(i, 16, f"=IF(N{r}=0,0,O{r}/N{r})", pct, share(sm.spent_satang, sm.allocated_satang))
        ws.write_number(i, 17, fiscal_year, code)
        ws.write_string(i, 18, SOURCE_LABELS[row.source], text)
    last = first + len(rows) - 1
    t = last + 1
    tot = {
        "C": sum(x.summary.target for x in rows),
        "D": sum(x.summary.trained_year for x in rows),
        "E": sum(x.summary.trained_to_date for x in rows),
        "G": sum(x.summary.villages_covered for x in rows),
        "H": sum(x.summary.registrations for x in rows),
        "I": sum(x.summary.registration_target for x in rows),
        **{"JKLM"[k]: sum(x.summary.rounds_by_status[k] for x in rows) for k in range(len(STATUSES))},
    }
    money = {
        "N": sum(x.summary.allocated_satang for x in rows),
        "O": sum(x.summary.spent_satang for x in rows),
    }
    money["P"] = money["N"] - money["O"]
    ws.write_string(t - 1, 0, TOTAL_LABEL, b_text)
    ws.write_string(t - 1, 1, "รวมทั้งประเทศ", b_text)
    for col_name, value in [*tot.items(), *money.items()]:
        col = ord(col_name) - ord("A")
        shown = float(satang_to_decimal(value)) if col_name in money else value
        f = b_baht if col_name in money else b_count
        if rows:
            ws.write_formula(t - 1, col, f"=SUM({col_name}{first}:{col_name}{last})", f, shown)
        else:  # no provinces yet: a SUM over the total row itself would be a circular reference
            ws.write_number(t - 1, col, 0, f)
    ws.write_formula(t - 1, 5, f"=IF(C{t}=0,0,E{t}/C{t})", b_pct, share(tot["E"], tot["C"]))
    ws.write_formula(t - 1, 16, f"=IF(N{t}=0,0,O{t}/N{t})", b_pct, share(money["O"], money["N"]))
    ws.autofilter(HEADER_ROW - 1, 0, max(last, first) - 1, len(HEADERS) - 1)

    src = wb.add_worksheet(SHEET_SOURCES)
    _print_setup(
        src, header_row=1, widths=SOURCE_WIDTHS, title=f"แหล่งข้อมูลรายจังหวัด ปีงบประมาณ {fiscal_year}", head=head
    )
    src.write_row(0, 0, SOURCE_HEADERS, head)
    for n, row in enumerate(rows, start=1):
        u = row.upload
        src.write_string(n, 0, row.summary.code, code)
        src.write_string(n, 1, row.summary.name, text)
        src.write_string(n, 2, SOURCE_LABELS[row.source], text)
        for col, at in (
            (3, row.synced_at),
            (6, u.generated_at if u else None),
            (7, u.uploaded_at if u else None),
        ):
            if (local := _bangkok_naive(at)) is not None:
                src.write_datetime(n, col, local, when)
        src.write_number(n, 4, row.synced_rows, count)
        src.write_string(n, 5, u.file_name if u else "", text)
        src.write_string(n, 8, u.uploaded_by if u else "", text)
        src.write_string(n, 9, row.note, text)
        src.write_number(n, 10, fiscal_year, code)
    src.autofilter(0, 0, max(len(rows), 1), len(SOURCE_HEADERS) - 1)

    meta = wb.add_worksheet(SHEET_META)
    meta.hide()
    for n, (key, value) in enumerate(
        (
            ("format", FORMAT_ID),
            ("format_version", FORMAT_VERSION),
            ("fiscal_year", fiscal_year),
            ("generated_at", now.astimezone(UTC).replace(microsecond=0).isoformat()),
            ("provinces", len(rows)),
        )
    ):
        meta.write_string(n, 0, key)
        meta.write(n, 1, value)
    wb.close()


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
