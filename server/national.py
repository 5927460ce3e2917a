"""Province workbook uploads and the consolidated national workbook (layout: docs/workbook-format.md)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from xlsxwriter.utility import xl_col_to_name

from db.base import utcnow
from db.exchange import national
from db.exchange.national import STATUSES, ProvinceSummary
from db.exchange.workbook_format import PROVINCE_HEADERS, STATUS_LABELS, TOTAL_LABEL
from db.exchange.workbook_reader import WorkbookFormatError, read_workbook
from db.exchange.xlsx_print import (
    BODY_PT,
    BODY_ROW_PT,
    FONT_NAME,
    HEAD_LINE_PT,
    MARGIN_IN,
    header_text,
    print_percent,
    print_scale,
)
from db.exchange.xlsx_styles import Styles
from db.rules.money import satang_to_decimal
from db.rules.percent import share
from db.rules.thai_time import to_bangkok
from server import aggregates
from server.admin import province_names
from server.models import OfficeAccount, ProvinceWorkbook
from server.store import Principal

FORMAT_ID = "krukhor-national-workbook"
FORMAT_VERSION = 2  # 2: XlsxWriter with cached formula values, a fiscal-year column, BE date cells, Sarabun
SHEET_SUMMARY = "สรุปรายจังหวัด"
SHEET_SOURCES = "แหล่งข้อมูล"
SHEET_META = "_krukhor"
HEADER_ROW = 3
# (key, header) of the summary sheet's columns, after the province lead (code, name, fiscal year).
_SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("target", "เป้าหมายครู ข (หมู่บ้าน)"),
    ("trained_year", "อบรมผ่านปีงบนี้"),
    ("trained_to_date", "อบรมผ่านสะสม"),
    ("trained_share", "ร้อยละของเป้าหมาย"),
    ("villages_covered", "หมู่บ้านที่มีครู ข"),
    ("registrations", "ยอดลงทะเบียนแรงงาน"),
    ("registration_target", "เป้าหมายลงทะเบียน"),
    *((f"rounds_{s}", f"รุ่น ({STATUS_LABELS[s]})") for s in STATUSES),
    ("allocated", "งบประมาณที่ได้รับจัดสรร (บาท)"),
    ("spent", "เบิกจ่ายแล้ว (บาท)"),
    ("remaining", "คงเหลือ (บาท)"),
    ("spent_share", "ร้อยละการเบิกจ่าย"),
    ("source", "แหล่งข้อมูล"),
)
COLUMNS = ("code", "name", "fiscal_year", *(k for k, _h in _SUMMARY_COLUMNS))
HEADERS = (*PROVINCE_HEADERS, *(h for _k, h in _SUMMARY_COLUMNS))
SUMMED = tuple(k for k, _h in _SUMMARY_COLUMNS if k not in ("trained_share", "spent_share", "source"))
WIDTHS = (9.0, 16.0, 9.0, *([11.0] * 11), 16.0, 15.0, 15.0, 10.0, 11.0)
SOURCE_HEADERS = (
    *PROVINCE_HEADERS,
    "ข้อมูลที่ใช้",
    "ซิงก์ล่าสุด (เวลาประเทศไทย)",
    "แถวข้อมูลที่ซิงก์",
    "ไฟล์ที่อัปโหลด",
    "ข้อมูลในไฟล์ ณ (เวลาประเทศไทย)",
    "อัปโหลดเมื่อ (เวลาประเทศไทย)",
    "อัปโหลดโดย",
    "หมายเหตุ",
)
SOURCE_WIDTHS = (9.0, 16.0, 9.0, 12.0, 20.0, 11.0, 28.0, 20.0, 20.0, 14.0, 36.0)
SOURCE_LABELS = {"sync": "ซิงก์", "upload": "ไฟล์สมุดงาน", "none": "ยังไม่มีข้อมูล"}


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


def _bangkok(at: datetime | None) -> datetime | None:
    """An Excel date-time (no zone: Excel has none) in Bangkok time, shown in BE by the cell's format."""
    return None if at is None else to_bangkok(at).replace(tzinfo=None, microsecond=0)


def _setup(
    ws, st: Styles, *, headers: Sequence[str], widths: Sequence[float], header_row: int, title: str
) -> None:
    """Widths, frozen and repeated header, A4 landscape at a fixed scale that keeps text ≥ 9 pt."""
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_default_row(BODY_ROW_PT)
    ws.set_row(header_row - 1, HEAD_LINE_PT * 3)
    ws.write_row(header_row - 1, 0, headers, st.head)
    ws.freeze_panes(header_row, 2)
    ws.repeat_rows(0, header_row - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)
    ws.set_header(f'&C&"{FONT_NAME}"&{BODY_PT}{header_text(title)}')
    ws.set_footer(f'&C&"{FONT_NAME}"&{BODY_PT}หน้า &P / &N')
    ws.set_print_scale(print_percent(widths))
    if print_scale(widths) * 100 < print_percent(widths):
        ws.repeat_columns(0, 1)  # wider than one readable page: the province repeats on each page


def write_national(rows: list[NationalRow], *, fiscal_year: int, out_path: Path, now: datetime) -> None:
    """The national workbook (XlsxWriter): every formula with its value, so any reader gets the numbers."""
    title = f"สรุปผลการฝึกอบรมครู ข ระดับประเทศ ปีงบประมาณ {fiscal_year}"
    with contextlib.nullcontext(out_path) as tmp:  # the caller's own temporary file (server/app.py)
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
        st = Styles(wb)
        ws = wb.add_worksheet(SHEET_SUMMARY)
        _setup(ws, st, headers=HEADERS, widths=WIDTHS, header_row=HEADER_ROW, title=title)
        ws.write_string(0, 0, title, st.title)
        ws.write_string(
            1,
            0,
            f"ข้อมูล ณ {_thai_time(now)} (เวลาประเทศไทย) · รายจังหวัดจากข้อมูลซิงก์หรือไฟล์สมุดงานที่ใหม่กว่า",
            st.text,
        )
        first = HEADER_ROW + 1  # Excel's row number of the first province
        col = {name: i for i, name in enumerate(COLUMNS)}
        L = {name: xl_col_to_name(i) for name, i in col.items()}
        sums: dict[str, float] = {}

        def put(r: int, name: str, value: float, style) -> None:
            ws.write_number(r, col[name], value, style)
            sums[name] = sums.get(name, 0) + value

        for n, row in enumerate(rows):
            r, x, s = first + n - 1, first + n, row.summary  # r: 0-based for XlsxWriter, x: Excel's row
            ws.write_string(r, 0, s.code, st.code)
            ws.write_string(r, 1, s.name, st.text)
            ws.write_number(r, 2, fiscal_year, st.year)
            put(r, "target", s.target, st.count)
            put(r, "trained_year", s.trained_year, st.count)
            put(r, "trained_to_date", s.trained_to_date, st.count)
            ws.write_formula(
                r,
                col["trained_share"],
                f"=IF({L['target']}{x}=0,0,{L['trained_to_date']}{x}/{L['target']}{x})",
                st.share,
                share(s.trained_to_date, s.target),
            )
            put(r, "villages_covered", s.villages_covered, st.count)
            put(r, "registrations", s.registrations, st.count)
            put(r, "registration_target", s.registration_target, st.count)
            for status, k in zip(STATUSES, s.rounds_by_status, strict=True):
                put(r, f"rounds_{status}", k, st.count)
            allocated, spent = satang_to_decimal(s.allocated_satang), satang_to_decimal(s.spent_satang)
            put(r, "allocated", float(allocated), st.baht)
            put(r, "spent", float(spent), st.baht)
            ws.write_formula(
                r,
                col["remaining"],
                f"={L['allocated']}{x}-{L['spent']}{x}",
                st.baht,
                float(allocated - spent),
            )
            sums["remaining"] = sums.get("remaining", 0) + float(allocated - spent)
            ws.write_formula(
                r,
                col["spent_share"],
                f"=IF({L['allocated']}{x}=0,0,{L['spent']}{x}/{L['allocated']}{x})",
                st.share,
                share(s.spent_satang, s.allocated_satang),
            )
            ws.write_string(r, col["source"], SOURCE_LABELS[row.source], st.text)
        last = first + len(rows) - 1
        t = last  # 0-based row of the total line
        ws.write_string(t, 0, TOTAL_LABEL, st.b_text)
        ws.write_string(t, 1, "รวมทั้งประเทศ", st.b_text)
        for name in SUMMED:
            style = st.b_baht if name in ("allocated", "spent", "remaining") else st.b_count
            value = round(sums.get(name, 0), 2)
            # No provinces yet: a SUM over the total row itself would be a circular reference.
            if rows:
                ws.write_formula(t, col[name], f"=SUM({L[name]}{first}:{L[name]}{last})", style, value)
            else:
                ws.write_number(t, col[name], 0, style)
        x = t + 1
        ws.write_formula(
            t,
            col["trained_share"],
            f"=IF({L['target']}{x}=0,0,{L['trained_to_date']}{x}/{L['target']}{x})",
            st.b_share,
            share(sums.get("trained_to_date", 0), sums.get("target", 0)),
        )
        ws.write_formula(
            t,
            col["spent_share"],
            f"=IF({L['allocated']}{x}=0,0,{L['spent']}{x}/{L['allocated']}{x})",
            st.b_share,
            share(sums.get("spent", 0), sums.get("allocated", 0)),
        )
        ws.autofilter(HEADER_ROW - 1, 0, max(last, first) - 1, len(HEADERS) - 1)

        src = wb.add_worksheet(SHEET_SOURCES)
        _setup(
            src,
            st,
            headers=SOURCE_HEADERS,
            widths=SOURCE_WIDTHS,
            header_row=1,
            title=f"แหล่งข้อมูลรายจังหวัด ปีงบประมาณ {fiscal_year}",
        )
        for n, row in enumerate(rows, start=1):
            u = row.upload
            src.write_string(n, 0, row.summary.code, st.code)
            src.write_string(n, 1, row.summary.name, st.text)
            src.write_number(n, 2, fiscal_year, st.year)
            src.write_string(n, 3, SOURCE_LABELS[row.source], st.text)
            for c, at in (
                (4, row.synced_at),
                (7, u.generated_at if u else None),
                (8, u.uploaded_at if u else None),
            ):
                when = _bangkok(at)
                if when is None:
                    src.write_blank(n, c, None, st.when)
                else:
                    src.write_datetime(n, c, when, st.when)
            src.write_number(n, 5, row.synced_rows, st.count)
            src.write_string(n, 6, u.file_name if u else "", st.text)
            src.write_string(n, 9, u.uploaded_by if u else "", st.text)
            src.write_string(n, 10, row.note, st.text)
        src.autofilter(0, 0, max(len(rows), 1), len(SOURCE_HEADERS) - 1)

        meta = wb.add_worksheet(SHEET_META)
        meta.hide()
        for i, (key, value) in enumerate(
            (
                ("format", FORMAT_ID),
                ("format_version", FORMAT_VERSION),
                ("fiscal_year", fiscal_year),
                ("generated_at", now.astimezone(UTC).replace(microsecond=0).isoformat()),
                ("provinces", len(rows)),
            )
        ):
            meta.write_string(i, 0, key)
            if isinstance(value, int):
                meta.write_number(i, 1, value)
            else:
                meta.write_string(i, 1, value)
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
