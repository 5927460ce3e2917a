"""Read a province workbook back into plain data (no Qt, no desktop imports: the server uses it too)."""

from __future__ import annotations

import os
import zipfile
from datetime import datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from db.exchange.workbook_format import (
    BUDGET_LABEL,
    BUDGET_LINES,
    COMPLETION_LABELS,
    EXPENSE_HEADERS,
    FORMAT_ID,
    FORMAT_VERSION,
    PEOPLE_HEADERS,
    ROUND_HEADERS,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
    SHEETS,
    STATUS_LABELS,
    SUMMARY_HEADER_ROW,
    SUMMARY_HEADERS,
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
        summary = _rows(wb[SHEET_SUMMARY])
        return WorkbookData(
            meta=meta,
            districts=_districts(name, summary),
            budget=_budget(name, summary),
            rounds=tuple(_rounds(name, _table(name, wb[SHEET_ROUNDS], ROUND_HEADERS))),
            people=tuple(_people(name, _table(name, wb[SHEET_PEOPLE], PEOPLE_HEADERS))),
            expenses=tuple(_expenses(name, _table(name, wb[SHEET_EXPENSES], EXPENSE_HEADERS))),
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
    if version != FORMAT_VERSION:
        older = isinstance(version, int) and version < FORMAT_VERSION
        raise WorkbookFormatError(
            f"{file}: สมุดงานรูปแบบรุ่นที่ {version} {'เก่ากว่า' if older else 'ไม่ตรงกับ'}รูปแบบที่โปรแกรมนี้อ่านได้ "
            f"(รุ่นที่ {FORMAT_VERSION}) กรุณาให้จังหวัดส่งออกไฟล์ใหม่ด้วยโปรแกรมรุ่นปัจจุบัน"
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


def _date(file: str, sheet: str, n: int, col: int, value: object):
    try:
        return parse_be_text(str(value))
    except ValueError:
        raise WorkbookFormatError(
            f"{_where(file, sheet, n, col)}: วันที่ต้องเป็น วว/ดด/ปปปป (พ.ศ.) แต่พบ {value!r}"
        ) from None


def _districts(file: str, rows: list[tuple]) -> tuple[DistrictRow, ...]:
    if len(rows) < SUMMARY_HEADER_ROW:
        raise WorkbookFormatError(f"{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบหัวตาราง (แถว {SUMMARY_HEADER_ROW})")
    _check_header(file, SHEET_SUMMARY, SUMMARY_HEADER_ROW, rows[SUMMARY_HEADER_ROW - 1], SUMMARY_HEADERS)
    out = []
    for n, row in enumerate(rows[SUMMARY_HEADER_ROW:], start=SUMMARY_HEADER_ROW + 1):
        if row and row[0] == TOTAL_LABEL:
            return tuple(out)
        num = [_int(file, SHEET_SUMMARY, n, c, row[c]) for c in (2, 3, 4, 6, 7, 8)]
        out.append(DistrictRow(_text(row[0]), _text(row[1]), *num))
    raise WorkbookFormatError(f'{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบแถว "{TOTAL_LABEL}" ท้ายตารางอำเภอ')


def _budget(file: str, rows: list[tuple]) -> BudgetRow:
    for i, row in enumerate(rows):
        if row and row[0] == BUDGET_LABEL:
            values = []
            for k, label in enumerate(BUDGET_LINES[:4], start=1):
                line = rows[i + k] if i + k < len(rows) else ()
                if not line or line[0] != label:
                    raise WorkbookFormatError(
                        f'{_where(file, SHEET_SUMMARY, i + k + 1, 0)}: ต้องเป็น "{label}"'
                    )
                values.append(_satang(file, SHEET_SUMMARY, i + k + 1, 1, line[1]))
            return BudgetRow(*values)
    raise WorkbookFormatError(f'{file} แผ่นงาน {SHEET_SUMMARY}: ไม่พบตาราง "{BUDGET_LABEL}"')


def _rounds(file: str, rows: list[tuple[int, tuple]]):
    s = SHEET_ROUNDS
    for n, r in rows:
        status = _STATUS_CODES.get(r[6])
        if status is None:
            raise WorkbookFormatError(f"{_where(file, s, n, 6)}: ไม่รู้จักสถานะ {r[6]!r}")
        yield RoundRow(
            fiscal_year=_int(file, s, n, 0, r[0]),
            number=_int(file, s, n, 1, r[1]),
            title=_text(r[2]),
            start_date=_date(file, s, n, 3, r[3]),
            end_date=_date(file, s, n, 4, r[4]),
            venue=_text(r[5]),
            status=status,
            capacity=_int(file, s, n, 7, r[7]),
            enrolled=_int(file, s, n, 8, r[8]),
            completed=_int(file, s, n, 9, r[9]),
            planned_satang=_satang(file, s, n, 10, r[10]),
            actual_satang=_satang(file, s, n, 11, r[11]),
            paid_satang=_satang(file, s, n, 12, r[12]),
            round_id=_text(r[13]),
        )


def _people(file: str, rows: list[tuple[int, tuple]]):
    s = SHEET_PEOPLE
    for n, r in rows:
        nid = r[0]
        if not isinstance(nid, str) or len(nid) != 13 or not nid.isdigit():
            raise WorkbookFormatError(
                f"{_where(file, s, n, 0)}: เลขประจำตัวประชาชนต้องเป็นข้อความตัวเลข 13 หลัก แต่พบ {nid!r}"
            )
        if r[10] not in _COMPLETION:
            raise WorkbookFormatError(
                f"{_where(file, s, n, 10)}: ผลการอบรมต้องเป็น ผ่าน ไม่ผ่าน หรือ รอผล แต่พบ {r[10]!r}"
            )
        yield PersonRow(
            nid,
            _text(r[1]),
            _text(r[2]),
            _text(r[3]),
            _text(r[4]),
            _text(r[5]),
            _text(r[6]),
            _text(r[7]),
            _text(r[8]),
            _text(r[9]),
            _COMPLETION[r[10]],
            _int(file, s, n, 11, r[11]),
        )


def _expenses(file: str, rows: list[tuple[int, tuple]]):
    s = SHEET_EXPENSES
    for n, r in rows:
        yield ExpenseRow(
            _text(r[0]),
            category_code(_text(r[1])),  # its Thai name (format 1 files written before it: the code)
            _satang(file, s, n, 2, r[2]),
            _satang(file, s, n, 3, r[3]),
            _satang(file, s, n, 4, r[4]),
        )
