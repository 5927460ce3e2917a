"""Read a province workbook back into plain data (no Qt, no desktop imports: the server uses it too)."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from db.exchange.workbook_format import (
    BUDGET_LABEL,
    BUDGET_LINES,
    BUDGET_VALUE_COLUMN,
    COMPLETION_LABELS,
    EXPENSE_HEADERS,
    EXPENSE_HEADERS_V1,
    FORMAT_ID,
    LEAD,
    PEOPLE_HEADERS,
    PEOPLE_HEADERS_V1,
    READABLE_VERSIONS,
    ROUND_HEADERS,
    ROUND_HEADERS_V1,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
    SHEETS,
    STATUS_LABELS,
    SUMMARY_HEADER_ROW,
    SUMMARY_HEADERS,
    SUMMARY_HEADERS_V1,
    TOTAL_LABEL,
    BudgetRow,
    DistrictRow,
    ExpenseRow,
    PersonRow,
    RoundRow,
    WorkbookData,
    WorkbookMeta,
    parse_be_text,
)
from db.rules.budget_categories import category_code

_STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
_COMPLETION = {label: value for value, label in COMPLETION_LABELS.items()}


class WorkbookFormatError(ValueError):
    """The file is not a province workbook this program can read; the message is Thai and says where."""


@dataclass(frozen=True)
class _Layout:
    """Where a format version keeps things: the lead columns (province, fiscal year) and how dates are stored."""

    lead: int
    summary: tuple[str, ...]
    rounds: tuple[str, ...]
    people: tuple[str, ...]
    expenses: tuple[str, ...]
    budget_value: int
    real_dates: bool


_LAYOUTS = {
    1: _Layout(0, SUMMARY_HEADERS_V1, ROUND_HEADERS_V1, PEOPLE_HEADERS_V1, EXPENSE_HEADERS_V1, 1, False),
    2: _Layout(
        LEAD, SUMMARY_HEADERS, ROUND_HEADERS, PEOPLE_HEADERS, EXPENSE_HEADERS, BUDGET_VALUE_COLUMN, True
    ),
}


def read_workbook(path: str | os.PathLike[str]) -> WorkbookData:
    name = os.path.basename(os.fspath(path))
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise WorkbookFormatError(f"{name}: เปิดไฟล์ไม่ได้ ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้อง ({exc})") from exc
    try:
        missing = [s for s in SHEETS if s not in wb.sheetnames]
        if SHEET_META in missing:
            raise WorkbookFormatError(
                f"{name}: ไม่พบแผ่นงานข้อมูลรูปแบบ ({SHEET_META}) ไฟล์นี้ไม่ใช่สมุดงานรายงานจังหวัดของโปรแกรม krukhor"
            )
        meta = _meta(name, _rows(wb[SHEET_META]))
        if missing:
            raise WorkbookFormatError(f"{name}: ไม่พบแผ่นงาน {', '.join(missing)}")
        lay = _LAYOUTS[meta.format_version]
        summary = _rows(wb[SHEET_SUMMARY])
        if lay.lead:
            _check_lead(name, SHEET_SUMMARY, meta, _district_rows(name, summary, lay))
        rounds = _table(name, wb[SHEET_ROUNDS], lay.rounds)
        people = _table(name, wb[SHEET_PEOPLE], lay.people)
        expenses = _table(name, wb[SHEET_EXPENSES], lay.expenses)
        if lay.lead:
            for sheet, rows in ((SHEET_ROUNDS, rounds), (SHEET_PEOPLE, people), (SHEET_EXPENSES, expenses)):
                _check_lead(name, sheet, meta, rows)
        return WorkbookData(
            meta=meta,
            districts=_districts(name, summary, lay),
            budget=_budget(name, summary, lay),
            rounds=tuple(_rounds(name, rounds, lay)),
            people=tuple(_people(name, people, lay)),
            expenses=tuple(_expenses(name, expenses, lay)),
        )
    finally:
        wb.close()


def _rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _where(file: str, sheet: str, row: int, col: int | None = None) -> str:
    cell = f" คอลัมน์ {get_column_letter(col + 1)}" if col is not None else ""
    return f"{file} แผ่นงาน {sheet} แถว {row}{cell}"


def _meta(file: str, rows: list[tuple]) -> WorkbookMeta:
    values = {r[0]: r[1] for r in rows if r and r[0] is not None}
    if values.get("format") != FORMAT_ID:
        raise WorkbookFormatError(f"{file}: ไฟล์นี้ไม่ใช่สมุดงานรายงานจังหวัดของโปรแกรม krukhor")
    version = values.get("format_version")
    if version not in READABLE_VERSIONS:
        older = isinstance(version, int) and version < min(READABLE_VERSIONS)
        raise WorkbookFormatError(
            f"{file}: สมุดงานรูปแบบรุ่นที่ {version} {'เก่ากว่า' if older else 'ไม่ตรงกับ'}รูปแบบที่โปรแกรมนี้อ่านได้ "
            f"(รุ่นที่ {', '.join(map(str, READABLE_VERSIONS))}) กรุณาให้จังหวัดส่งออกไฟล์ใหม่ด้วยโปรแกรมรุ่นปัจจุบัน"
        )
    try:
        return WorkbookMeta(
            format_version=version,
            province_code=str(values["province_code"]),
            province_name=str(values.get("province_name") or ""),
            fiscal_year=int(values["fiscal_year"]),
            generated_at=datetime.fromisoformat(str(values["generated_at"])),
        )
    except (KeyError, ValueError) as exc:
        raise WorkbookFormatError(f"{file} แผ่นงาน {SHEET_META}: ข้อมูลรูปแบบไม่ครบหรือไม่ถูกต้อง ({exc})") from exc


def _check_header(file: str, sheet: str, row_no: int, row: tuple, headers: tuple[str, ...]) -> None:
    for i, head in enumerate(headers):
        got = row[i] if i < len(row) else None
        if got != head:
            raise WorkbookFormatError(
                f'{_where(file, sheet, row_no, i)}: หัวคอลัมน์ต้องเป็น "{head}" แต่พบ "{got or ""}"'
            )


def _table(file: str, ws, headers: tuple[str, ...]) -> list[tuple[int, tuple]]:
    """Data rows (row number, cells) between the header row 1 and the total row."""
    out = []
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if n == 1:
            _check_header(file, ws.title, 1, row, headers)
            continue
        if row and row[0] == TOTAL_LABEL:
            return out
        if row and any(v is not None for v in row):
            out.append((n, tuple(row) + (None,) * (len(headers) - len(row))))
    raise WorkbookFormatError(f'{file} แผ่นงาน {ws.title}: ไม่พบแถว "{TOTAL_LABEL}" ท้ายตาราง')


def _int(file: str, sheet: str, n: int, col: int, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise WorkbookFormatError(f"{_where(file, sheet, n, col)}: ต้องเป็นจำนวนเต็ม แต่พบ {value!r}")
    return int(value)


def _satang(file: str, sheet: str, n: int, col: int, value: object) -> int:
    try:
        amount = Decimal(str(value)) * 100
    except InvalidOperation:
        amount = None
    if isinstance(value, bool) or amount is None or amount != amount.to_integral_value():
        raise WorkbookFormatError(
            f"{_where(file, sheet, n, col)}: ต้องเป็นจำนวนเงิน (บาท ทศนิยมไม่เกิน 2 ตำแหน่ง) แต่พบ {value!r}"
        )
    return int(amount)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date(file: str, sheet: str, n: int, col: int, value: object, real: bool) -> date:
    if real:  # format 2: an Excel date (shown in BE by its number format)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        raise WorkbookFormatError(f"{_where(file, sheet, n, col)}: ต้องเป็นวันที่ของ Excel แต่พบ {value!r}")
    try:
        return parse_be_text(str(value))
    except ValueError:
        raise WorkbookFormatError(
            f"{_where(file, sheet, n, col)}: วันที่ต้องเป็น วว/ดด/ปปปป (พ.ศ.) แต่พบ {value!r}"
        ) from None


def _district_rows(file: str, rows: list[tuple], lay: _Layout) -> list[tuple[int, tuple]]:
    """(row number, cells) of the district table: from below the header to the total row."""
    if len(rows) < SUMMARY_HEADER_ROW:
        raise WorkbookFormatError(f"{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบหัวตาราง (แถว {SUMMARY_HEADER_ROW})")
    _check_header(file, SHEET_SUMMARY, SUMMARY_HEADER_ROW, rows[SUMMARY_HEADER_ROW - 1], lay.summary)
    out = []
    for n, row in enumerate(rows[SUMMARY_HEADER_ROW:], start=SUMMARY_HEADER_ROW + 1):
        if row and row[0] == TOTAL_LABEL:
            return out
        out.append((n, tuple(row) + (None,) * (len(lay.summary) - len(row))))
    raise WorkbookFormatError(f'{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบแถว "{TOTAL_LABEL}" ท้ายตารางอำเภอ')


def _districts(file: str, rows: list[tuple], lay: _Layout) -> tuple[DistrictRow, ...]:
    k = lay.lead
    out = []
    for n, row in _district_rows(file, rows, lay):
        num = [_int(file, SHEET_SUMMARY, n, k + c, row[k + c]) for c in (2, 3, 4, 6, 7, 8)]
        out.append(DistrictRow(_text(row[k]), _text(row[k + 1]), *num))
    return tuple(out)


def _check_lead(file: str, sheet: str, meta: WorkbookMeta, rows: list[tuple[int, tuple]]) -> None:
    """Format 2: every data row names the file's province and fiscal year (a pasted row from another is refused)."""
    for n, r in rows:
        for col, want in ((0, meta.province_code), (2, meta.fiscal_year)):
            got = _text(r[col]) if col == 0 else r[col]
            if got != want:
                raise WorkbookFormatError(
                    f"{_where(file, sheet, n, col)}: แถวนี้เป็นของจังหวัด {r[0]!r} ปีงบประมาณ {r[2]!r} "
                    f"แต่ไฟล์นี้เป็นของจังหวัด {meta.province_code} ปีงบประมาณ {meta.fiscal_year}"
                )


def _budget(file: str, rows: list[tuple], lay: _Layout) -> BudgetRow:
    for i, row in enumerate(rows):
        if row and row[0] == BUDGET_LABEL:
            values = []
            for k, label in enumerate(BUDGET_LINES[:4], start=1):
                line = rows[i + k] if i + k < len(rows) else ()
                if not line or line[0] != label:
                    raise WorkbookFormatError(
                        f'{_where(file, SHEET_SUMMARY, i + k + 1, 0)}: ต้องเป็น "{label}"'
                    )
                v = lay.budget_value
                values.append(_satang(file, SHEET_SUMMARY, i + k + 1, v, line[v] if v < len(line) else None))
            return BudgetRow(*values)
    raise WorkbookFormatError(f'{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบตาราง "{BUDGET_LABEL}"')


def _rounds(file: str, rows: list[tuple[int, tuple]], lay: _Layout):
    s = SHEET_ROUNDS
    real = lay.real_dates
    k = lay.lead - 1 if lay.lead else 0  # the fiscal year: format 1 in column A, format 2 the lead's in C
    for n, r in rows:
        status = _STATUS_CODES.get(r[k + 6])
        if status is None:
            raise WorkbookFormatError(f"{_where(file, s, n, k + 6)}: ไม่รู้จักสถานะ {r[k + 6]!r}")
        yield RoundRow(
            fiscal_year=_int(file, s, n, k, r[k]),
            number=_int(file, s, n, k + 1, r[k + 1]),
            title=_text(r[k + 2]),
            start_date=_date(file, s, n, k + 3, r[k + 3], real),
            end_date=_date(file, s, n, k + 4, r[k + 4], real),
            venue=_text(r[k + 5]),
            status=status,
            capacity=_int(file, s, n, k + 7, r[k + 7]),
            enrolled=_int(file, s, n, k + 8, r[k + 8]),
            completed=_int(file, s, n, k + 9, r[k + 9]),
            planned_satang=_satang(file, s, n, k + 10, r[k + 10]),
            actual_satang=_satang(file, s, n, k + 11, r[k + 11]),
            paid_satang=_satang(file, s, n, k + 12, r[k + 12]),
            round_id=_text(r[k + 13]),
        )


def _people(file: str, rows: list[tuple[int, tuple]], lay: _Layout):
    s = SHEET_PEOPLE
    k = lay.lead
    for n, r in rows:
        nid = r[k]
        if not isinstance(nid, str) or len(nid) != 13 or not nid.isdigit():
            raise WorkbookFormatError(
                f"{_where(file, s, n, k)}: เลขประจำตัวประชาชนต้องเป็นข้อความตัวเลข 13 หลัก แต่พบ {nid!r}"
            )
        if r[k + 10] not in _COMPLETION:
            raise WorkbookFormatError(
                f"{_where(file, s, n, k + 10)}: ผลการอบรมต้องเป็น ผ่าน ไม่ผ่าน หรือ รอผล แต่พบ {r[k + 10]!r}"
            )
        yield PersonRow(
            nid,
            *(_text(v) for v in r[k + 1 : k + 10]),
            _COMPLETION[r[k + 10]],
            _int(file, s, n, k + 11, r[k + 11]),
        )


def _expenses(file: str, rows: list[tuple[int, tuple]], lay: _Layout):
    s = SHEET_EXPENSES
    k = lay.lead
    for n, r in rows:
        yield ExpenseRow(
            _text(r[k]),
            category_code(_text(r[k + 1])),  # its Thai name (format 1 files written before 2026-12: the code)
            _satang(file, s, n, k + 2, r[k + 2]),
            _satang(file, s, n, k + 3, r[k + 3]),
            _satang(file, s, n, k + 4, r[k + 4]),
        )
