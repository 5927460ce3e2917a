"""Reading roster files (.xlsx/.xls/.ods with calamine, .csv in UTF-8 or cp874) into rows of cell values."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from desktop.core.errors import CoreError

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = SPREADSHEET_SUFFIXES + CSV_SUFFIXES


class RosterFileError(CoreError):
    """The file cannot be read at all (missing, encrypted, not a spreadsheet, no such sheet, empty)."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One row of the source: its 1-based row number in the spreadsheet and its cell values."""

    number: int
    cells: tuple[object, ...]


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[SourceRow] = field(repr=False)
    file_name: str = ""


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (the column names the officer sees in Excel)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_names(path: Path | str) -> list[str]:
    """The sheet names of a workbook (a CSV file has one sheet, named after the file)."""
    path = _check_path(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [path.stem]
    return list(_open_workbook(path).sheet_names)


def read_sheet(path: Path | str, *, sheet: str | None = None) -> Sheet:
    """Read one sheet (the first when ``sheet`` is None); raise RosterFileError with a Thai message."""
    path = _check_path(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return Sheet(path.stem, _read_csv(path), path.name)
    workbook = _open_workbook(path)
    names = list(workbook.sheet_names)
    if not names:
        raise RosterFileError(f"ไฟล์ {path.name} ไม่มีแผ่นงาน")
    name = names[0] if sheet is None else sheet
    if name not in names:
        raise RosterFileError(f'ไม่พบแผ่นงาน "{sheet}" ในไฟล์ {path.name} (แผ่นงานที่มี: {", ".join(names)})')
    try:
        data = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except python_calamine.CalamineError as exc:
        raise RosterFileError(f"อ่านแผ่นงาน {name} ในไฟล์ {path.name} ไม่ได้", detail=str(exc)) from exc
    rows = [SourceRow(i, tuple(cells)) for i, cells in enumerate(data, start=1)]
    if not any(_has_value(r.cells) for r in rows):
        raise RosterFileError(f"แผ่นงาน {name} ในไฟล์ {path.name} ว่างเปล่า")
    return Sheet(name, rows, path.name)


def _has_value(cells: list[object] | tuple[object, ...]) -> bool:
    return any(c is not None and c != "" for c in cells)


def _check_path(path: Path | str) -> Path:
    path = Path(path)
    if not path.exists():
        raise RosterFileError(f"ไม่พบไฟล์ {path}")
    if not path.is_file():
        raise RosterFileError(f"{path} ไม่ใช่ไฟล์")
    if path.suffix.lower() not in SUPPORTED:
        raise RosterFileError(
            f"ไฟล์ {path.name} ไม่ใช่ไฟล์ที่นำเข้าได้ (ใช้ได้: {', '.join(s.lstrip('.') for s in SUPPORTED)})"
        )
    if path.stat().st_size == 0:
        raise RosterFileError(f"ไฟล์ {path.name} ว่างเปล่า")
    return path


def _open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.load_workbook(str(path))
    except python_calamine.PasswordError as exc:
        raise RosterFileError(f"ไฟล์ {path.name} ถูกล็อกด้วยรหัสผ่าน กรุณาเปิดใน Excel แล้วบันทึกแบบไม่มีรหัสผ่าน") from exc
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        if _looks_encrypted(path):
            raise RosterFileError(
                f"ไฟล์ {path.name} ถูกล็อกด้วยรหัสผ่าน กรุณาเปิดใน Excel แล้วบันทึกแบบไม่มีรหัสผ่าน"
            ) from exc
        raise RosterFileError(
            f"ไฟล์ {path.name} ไม่ใช่ไฟล์ Excel ที่อ่านได้ หรือไฟล์เสีย", detail=f"{type(exc).__name__}: {exc}"
        ) from exc


def _looks_encrypted(path: Path) -> bool:
    """An encrypted .xlsx is an OLE compound file holding an EncryptedPackage stream, not a zip."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return head.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in head


def decode_csv_bytes(raw: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else the Thai Windows code page cp874."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp874", errors="replace")


def _read_csv(path: Path) -> list[SourceRow]:
    text = decode_csv_bytes(path.read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = [SourceRow(i, tuple(cells)) for i, cells in enumerate(reader, start=1)]
    if not any(_has_value(r.cells) for r in rows):
        raise RosterFileError(f"ไฟล์ {path.name} ว่างเปล่า")
    return rows
