"""Roster import preview: every row ends in exactly one outcome, with Thai reasons naming row and field."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from db.models import District, Person, Subdistrict, Village
from desktop.core.context import AppContext
from desktop.core.people import people, places
from desktop.core.roster.apply import apply_plan
from desktop.core.roster.plan import preview_import
from tests.fixtures import rosters

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


HEAD = ["ลำดับ", "ชื่อ-สกุล", "เลขประจำตัวประชาชน", "ตำแหน่ง", "หมู่ที่", "บ้าน", "ตำบล", "อำเภอ", "โทรศัพท์"]


def test_every_row_gets_exactly_one_expected_outcome(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    assert {r.row: r.outcome for r in plan.rows} == rosters.expected_outcomes()
    assert plan.counts == {"new": 5, "updated": 0, "unchanged": 0, "rejected": 4, "skipped": 4}


def test_rejection_reasons_name_file_row_column_and_field(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    reasons = {r.row: r.reason for r in plan.rejected}
    assert reasons[12].startswith("m.xlsx แถว 12 คอลัมน์ C")
    assert "หลักตรวจสอบ" in reasons[12] and "[เลขประจำตัวประชาชน]" in reasons[12]
    assert "แถว 13 คอลัมน์ B" in reasons[13] and "ไม่มีชื่อ" in reasons[13]
    assert "ซ้ำกับแถว 7 ของไฟล์นี้" in reasons[14]  # the later row is the one rejected
    assert "คอลัมน์ E" in reasons[16] and "หมู่ที่" in reasons[16]
    skipped = {r.row: r.reason for r in plan.rows if r.outcome == "skipped"}
    assert "แถวว่าง" in skipped[10]
    assert "รวม 7 คน" in skipped[17]
    assert "หมายเหตุ" in skipped[18]


def test_values_are_normalised(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    apply_plan(ctx, plan)
    by_id = {p.national_id: p for p in people.list_people(ctx)}
    p1, p2, p3, p4, p8 = (by_id[rosters.nid(n)] for n in (1, 2, 3, 4, 8))
    assert (p1.prefix, p1.first_name, p1.last_name, p1.position, p1.phone) == (
        "นาย",
        "สมชาย",
        "ใจดี",
        "ผู้ใหญ่บ้าน",
        "0812345678",
    )
    assert (p2.prefix, p2.first_name, p2.last_name, p2.position, p2.moo, p2.phone) == (
        "นางสาว",
        "มาลี",
        "มีสุข",
        "ผู้ช่วยผู้ใหญ่บ้าน",
        2,
        "0891234567",
    )
    assert (p3.prefix, p3.moo, p3.phone, p3.position) == ("นางสาว", 3, "0812345670", "กำนัน")
    assert (p4.prefix, p4.first_name, p4.position, p4.village_code) == (
        "ว่าที่ร้อยตรี",
        "วิชัย",
        "อาสาสมัครแรงงาน",
        p3.village_code,
    )
    assert (p8.last_name, p8.position, p8.district) == ("ศรีสุข", "ผู้ช่วยผู้ใหญ่บ้าน", "บ้านฝาง")
    with ctx.reading() as session:
        original = session.scalar(select(Person.name_original).where(Person.national_id == rosters.nid(4)))
    assert original == "ว่าที่ ร.ต.วิชัย กล้าหาญ"


def test_new_places_get_codes_after_the_highest(ctx: AppContext, tmp_path: Path) -> None:
    with ctx.transaction() as session:
        d = places.ensure_district(session, office_code="40", code="4001", name_th="เมืองขอนแก่น")
        places.ensure_subdistrict(session, office_code="40", code="400107", name_th="ในเมือง", district=d)
        places.ensure_district(session, office_code="40", code="4005", name_th="ชนบท")
    plan = preview_import(ctx, path=rosters.build_messy_xlsx(tmp_path / "m.xlsx"))
    made = {(p.kind, p.code, p.name) for p in plan.places}
    assert ("village", "40010701", "บ้านโนนสูง") in made  # existing ต.ในเมือง (400107), matched by name
    assert ("district", "4006", "บ้านฝาง") in made  # new district: after the highest (4005)
    assert ("subdistrict", "400601", "ท่าพระ") in made
    assert not any(p.kind == "district" and p.name == "เมืองขอนแก่น" for p in plan.places)
    apply_plan(ctx, plan)
    with ctx.reading() as session:
        assert session.scalar(select(District.name_th).where(District.code == "4006")) == "บ้านฝาง"
        assert session.scalar(select(Subdistrict.code).where(Subdistrict.name_th == "ท่าพระ")) == "400601"


def test_names_apart_from_a_cp874_csv(ctx: AppContext, tmp_path: Path) -> None:
    plan = preview_import(ctx, path=rosters.build_split_csv(tmp_path / "r.csv"))
    outcomes = {r.row: r.outcome for r in plan.rows}
    assert outcomes == {2: "new", 3: "new", 4: "new", 5: "rejected"}
    assert "ไม่มีนามสกุล" in plan.rejected[0].reason and "คอลัมน์ D" in plan.rejected[0].reason
    names = {r.row: r.name for r in plan.rows}
    assert names[3] == "นางนางนวล ขาวสะอาด"  # a first name that looks like a prefix stays whole
    assert names[4] == "นายสุข สบาย"  # prefix glued in the first-name column, last name in it too


def test_xls_file_imports(ctx: AppContext) -> None:
    plan = preview_import(ctx, path=FIXTURES / "roster_split.xls")
    assert plan.counts["new"] == 3 and plan.counts["rejected"] == 1


def test_village_code_column_wins(ctx: AppContext, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "c.xlsx",
        [
            ["ที่", "ชื่อ-สกุล", "เลขบัตร", "รหัสหมู่บ้าน", "หมู่", "ตำบล", "อำเภอ"],
            [1, "นายก ข", rosters.nid(301), "40123405", 5, "โนน", "เมือง"],
            [2, "นายค ง", rosters.nid(302), "41010101", 1, "โนน", "เมือง"],
            [3, "นายจ ฉ", rosters.nid(303), "40123406", 7, "โนน", "เมือง"],
            [4, "นายช ซ", rosters.nid(304), "4012340", 7, "โนน", "เมือง"],
        ],
    )
    plan = preview_import(ctx, path=path)
    assert [r.outcome for r in plan.rows] == ["new", "rejected", "rejected", "rejected"]
    assert {(p.kind, p.code) for p in plan.places} == {
        ("district", "4012"),
        ("subdistrict", "401234"),
        ("village", "40123405"),
    }
    assert "ไม่ได้อยู่ในจังหวัด" in plan.rows[1].reason
    assert "ไม่ตรงกับรหัสหมู่บ้าน" in plan.rows[2].reason
    assert "8 หลัก" in plan.rows[3].reason


def test_province_column_and_district_of_another_province(ctx: AppContext, tmp_path: Path) -> None:
    with ctx.transaction() as session:
        places.ensure_district(session, office_code="41", code="4101", name_th="เมืองอุดรธานี")
    path = _xlsx(
        tmp_path / "p.xlsx",
        [
            ["ที่", "ชื่อ-สกุล", "เลขบัตร", "หมู่", "ตำบล", "อำเภอ", "จังหวัด"],
            [1, "นายก ข", rosters.nid(401), 1, "หมากแข้ง", "เมืองอุดรธานี", "ขอนแก่น"],
            [2, "นายค ง", rosters.nid(402), 1, "ในเมือง", "เมืองขอนแก่น", "จ.อุดรธานี"],
            [3, "นายจ ฉ", rosters.nid(403), 1, "ในเมือง", "เมืองขอนแก่น", "ขอนแก่น"],
        ],
    )
    plan = preview_import(ctx, path=path)
    assert [r.outcome for r in plan.rows] == ["rejected", "rejected", "new"]
    assert "อำเภอเมืองอุดรธานี อยู่ในจังหวัดอุดรธานี" in plan.rows[0].reason
    assert "จังหวัดอุดรธานี ไม่ใช่จังหวัดของสำนักงานนี้" in plan.rows[1].reason


def test_reimport_is_unchanged_and_a_corrected_file_updates(ctx: AppContext, tmp_path: Path) -> None:
    rows = [
        HEAD,
        [1, "นายสมชาย ใจดี", rosters.nid(1), "ผญบ.", 1, "บ้านโนน", "ในเมือง", "เมืองขอนแก่น", "0812345678"],
        [2, "นางมาลี มีสุข", rosters.nid(2), "ผช.ผญบ.", 2, "บ้านดง", "ในเมือง", "เมืองขอนแก่น", ""],
    ]
    first = preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows))
    apply_plan(ctx, first)
    again = preview_import(ctx, path=tmp_path / "a.xlsx")
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0, "skipped": 0}
    assert again.places == []
    rows[1] = [1, "นายสมชาย ใจงาม", rosters.nid(1), "กำนัน", 1, "บ้านโนน", "ในเมือง", "เมืองขอนแก่น", "0899999999"]
    corrected = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    assert [r.outcome for r in corrected.rows] == ["updated", "unchanged"]
    changes = {c.field: (c.old, c.new) for c in corrected.rows[0].changes}
    assert changes == {
        "last_name": ("ใจดี", "ใจงาม"),
        "position": ("ผู้ใหญ่บ้าน", "กำนัน"),
        "phone": ("0812345678", "0899999999"),
    }
    apply_plan(ctx, corrected)
    p = next(p for p in people.list_people(ctx) if p.national_id == rosters.nid(1))
    assert (p.last_name, p.position, p.phone, p.version) == ("ใจงาม", "กำนัน", "0899999999", 2)


def test_id_of_someone_in_another_village_is_rejected_naming_both(ctx: AppContext, tmp_path: Path) -> None:
    rows = [HEAD, [1, "นายสมชาย ใจดี", rosters.nid(1), "ผญบ.", 1, "บ้านโนน", "ในเมือง", "เมืองขอนแก่น", ""]]
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    rows[1] = [1, "นายสมชาย ใจดี", rosters.nid(1), "ผญบ.", 4, "บ้านไกล", "ท่าพระ", "เมืองขอนแก่น", ""]
    plan = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    (row,) = plan.rows
    assert row.outcome == "rejected"
    assert "ม.1 บ้านโนน ต.ในเมือง อ.เมืองขอนแก่น" in row.reason
    assert "ม.4 บ้านไกล ต.ท่าพระ อ.เมืองขอนแก่น" in row.reason
    assert plan.places == []  # places of a rejected row are not created


def test_deleted_person_in_the_file_is_restored_as_an_update(ctx: AppContext, tmp_path: Path) -> None:
    rows = [HEAD, [1, "นายสมชาย ใจดี", rosters.nid(1), "ผญบ.", 1, "บ้านโนน", "ในเมือง", "เมืองขอนแก่น", ""]]
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    person = people.list_people(ctx)[0]
    people.delete_person(ctx, person.id)
    plan = preview_import(ctx, path=tmp_path / "a.xlsx")
    assert plan.rows[0].outcome == "updated"
    apply_plan(ctx, plan)
    assert [p.national_id for p in people.list_people(ctx)] == [rosters.nid(1)]


def test_blank_cells_do_not_erase_and_preview_changes_nothing(ctx: AppContext, tmp_path: Path) -> None:
    rows = [
        HEAD,
        [1, "นายสมชาย ใจดี", rosters.nid(1), "ผญบ.", 1, "บ้านโนน", "ในเมือง", "เมืองขอนแก่น", "0812345678"],
    ]
    apply_plan(ctx, preview_import(ctx, path=_xlsx(tmp_path / "a.xlsx", rows)))
    rows[1][8] = ""
    rows[1][3] = None
    plan = preview_import(ctx, path=_xlsx(tmp_path / "b.xlsx", rows))
    assert plan.rows[0].outcome == "unchanged"
    rows.append([2, "นางใหม่ ใหม่", rosters.nid(9), "ผญบ.", 9, "บ้านใหม่", "ใหม่", "ใหม่", ""])
    preview_import(ctx, path=_xlsx(tmp_path / "c.xlsx", rows))
    with ctx.reading() as session:
        assert len(session.scalars(select(Village)).all()) == 1
        assert len(session.scalars(select(Person)).all()) == 1
