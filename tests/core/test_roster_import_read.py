"""Roster import: reading .xlsx/.xls/.csv (UTF-8, BOM, cp874), finding the header, mapping and remembering it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.core.context import AppContext
from desktop.core.roster import header
from desktop.core.roster.plan import preview_import
from desktop.core.roster.reader import RosterFileError, column_letter, read_sheet, sheet_names
from tests.fixtures import rosters

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_xlsx_keeps_row_numbers_and_ids_stored_as_numbers(tmp_path: Path) -> None:
    sheet = read_sheet(rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    assert sheet.name == "รายชื่อ"
    first = next(r for r in sheet.rows if r.number == 7)
    assert first.cells[2] == float(rosters.nid(1))  # calamine gives a float; exact below 2**53
    assert sheet.rows[0].number == 1 and sheet.rows[0].cells[0].startswith("บัญชีรายชื่อ")


@pytest.mark.parametrize("encoding", ["cp874", "utf-8", "utf-8-sig"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    sheet = read_sheet(rosters.build_split_csv(tmp_path / "r.csv", encoding=encoding))
    assert sheet.rows[0].cells[:3] == ("ที่", "คำนำหน้า", "ชื่อ")
    assert sheet.rows[2].cells[2] == "นางนวล"


def test_xls_from_old_excel() -> None:
    # roster_split.xls was made once from build_split_xlsx() by LibreOffice (soffice --convert-to xls).
    sheet = read_sheet(FIXTURES / "roster_split.xls")
    assert sheet.rows[0].cells[0] == "ที่"
    assert sheet.rows[1].cells[4] == rosters.nid(201)


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="ไม่พบไฟล์"):
        read_sheet(tmp_path / "none.xlsx")
    with pytest.raises(RosterFileError, match="ไม่ใช่ไฟล์"):
        read_sheet(tmp_path)
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(RosterFileError, match="ไม่ใช่ไฟล์ที่นำเข้าได้"):
        read_sheet(tmp_path / "a.pdf")
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a zip")
    with pytest.raises(RosterFileError, match="ไม่ใช่ไฟล์ Excel"):
        read_sheet(tmp_path / "broken.xlsx")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(RosterFileError, match="ว่างเปล่า"):
        read_sheet(tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text(",,\n,,\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="ว่างเปล่า"):
        read_sheet(tmp_path / "blank.csv")
    book = rosters.build_messy_xlsx(tmp_path / "m.xlsx")
    with pytest.raises(RosterFileError, match="ไม่พบแผ่นงาน"):
        read_sheet(book, sheet="ไม่มี")
    assert sheet_names(book) == ["รายชื่อ"]


def test_encrypted_xlsx_is_named_as_such(tmp_path: Path) -> None:
    fake = tmp_path / "locked.xlsx"
    fake.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le")
    )
    with pytest.raises(RosterFileError, match="รหัสผ่าน"):
        read_sheet(fake)


def test_no_header_found(ctx: AppContext, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="ไม่พบแถวหัวตาราง"):
        preview_import(ctx, path=path)


def test_header_on_row_6_below_merged_titles(tmp_path: Path) -> None:
    layout = header.detect_layout(read_sheet(rosters.build_messy_xlsx(tmp_path / "m.xlsx")))
    assert layout is not None
    assert layout.header_row == 6
    assert layout.mapping["full_name"] == 1 and layout.mapping["national_id"] == 2
    assert layout.mapping["moo"] == 4 and layout.mapping["phone"] == 8


def test_header_on_row_1_with_names_apart(tmp_path: Path) -> None:
    layout = header.detect_layout(read_sheet(rosters.build_split_csv(tmp_path / "r.csv")))
    assert layout is not None and layout.header_row == 1
    assert {k: layout.mapping[k] for k in ("prefix", "first_name", "last_name", "national_id")} == {
        "prefix": 1,
        "first_name": 2,
        "last_name": 3,
        "national_id": 4,
    }
    assert "full_name" not in layout.mapping


def test_two_row_header_with_merged_group(tmp_path: Path) -> None:
    layout = header.detect_layout(read_sheet(rosters.build_two_row_header_xlsx(tmp_path / "h.xlsx")))
    assert layout is not None and layout.header_row == 4
    assert layout.mapping == {
        "seq": 0,
        "full_name": 1,
        "national_id": 2,
        "moo": 3,
        "subdistrict": 4,
        "district": 5,
        "position": 6,
    }


def test_confirmed_mapping_is_remembered_for_the_layout(ctx: AppContext, tmp_path: Path) -> None:
    path = rosters.build_messy_xlsx(tmp_path / "m.xlsx")
    sheet = read_sheet(path)
    layout = header.find_layout(ctx, sheet)
    assert layout is not None and not layout.remembered
    fixed = dict(layout.mapping)
    del fixed["phone"]  # the officer says column I is not the phone
    header.remember_mapping(ctx, signature=layout.signature, mapping=fixed)
    again = header.find_layout(ctx, read_sheet(shutil.copy(path, tmp_path / "next_month.xlsx")))
    assert again is not None and again.remembered and again.mapping == fixed
    other = header.find_layout(ctx, read_sheet(rosters.build_split_csv(tmp_path / "r.csv")))
    assert other is not None and not other.remembered


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
