"""The sign-in sheet PDF: Thai that extracts back, one sheet per day, masking, wrapping, a page image."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from db.rules.national_id import format_national_id, make_national_id
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError
from desktop.core.people import people
from desktop.core.people.people import PersonInput
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from desktop.reports.signin_sheet import COLUMNS, MARGIN_X, write_signin_sheet

NAME_COLUMN = (MARGIN_X + COLUMNS[0][1], MARGIN_X + COLUMNS[0][1] + COLUMNS[1][1])
NAMES = [  # stacked marks: tone marks above upper vowels, SARA AM with a tone mark
    ("นาย", "ที่ปี่", "นี้ชื่อดี"),
    ("นาง", "ญี่ปุ่น", "ฟื้นฟูน้ำใจ"),
    ("นางสาว", "ผู้ใหญ่บ้าน", "ปั้นกำนัน"),
    ("ว่าที่ร้อยตรี", "เฉลิมพระเกียรติสมเด็จพระนางเจ้า", "ศรีสุขสวัสดิ์วัฒนาถาวรรุ่งเรืองกิจ"),
]


@pytest.fixture
def small_round(ctx: AppContext) -> uuid.UUID:
    office.update_office(
        ctx,
        name_th="สำนักงานแรงงานจังหวัดขอนแก่น",
        address="",
        phone="",
        head_name="นางสาวพรทิพย์ ศรีสุข",
        head_position="แรงงานจังหวัดขอนแก่น",
    )
    rid = rounds.create_round(
        ctx,
        RoundInput(
            start_date=date(2027, 5, 11),
            end_date=date(2027, 5, 12),
            title="ฝึกอบรมครู ข เครือข่ายชุมชน",
            venue="ห้องประชุมที่ว่าการอำเภอภูเวียง",
            capacity=20,
        ),
    ).id
    ids = [
        people.create_person(
            ctx,
            PersonInput(
                national_id=make_national_id(f"31017{i:07d}"),
                prefix=prefix,
                first_name=first,
                last_name=last,
                position="ผู้ใหญ่บ้าน",
                phone="0812345678",
            ),
        ).id
        for i, (prefix, first, last) in enumerate(NAMES)
    ]
    enrolment.enrol(ctx, round_id=rid, person_ids=ids)
    return rid


def test_names_with_stacked_marks_extract_back(
    ctx: AppContext, small_round: uuid.UUID, tmp_path: Path, pdf_text, column_text, render_first_page
) -> None:
    out = tmp_path / "signin.pdf"
    res = write_signin_sheet(ctx, round_id=small_round, out_path=out, mask_ids=False)
    pages = pdf_text(out)
    assert res.days == 2 and len(pages) == res.pages == 2 * res.pages_per_day[0]
    text = "\n".join(pages)
    # Thai dictionary order of the name without its prefix: เฉลิม… (ฉ), ญี่ปุ่น, ที่ปี่, ผู้ใหญ่บ้าน
    nid = format_national_id(make_national_id("310170000001"))
    assert f"2 นางญี่ปุ่น ฟื้นฟูน้ำใจ {nid} ผู้ใหญ่บ้าน 081-234-5678" in text
    assert "3 นายที่ปี่ นี้ชื่อดี" in text and "4 นางสาวผู้ใหญ่บ้าน ปั้นกำนัน" in text
    # A name too long for its cell wraps inside it, between words: read the name column alone.
    names = column_text(out, *NAME_COLUMN)
    for prefix, first, last in NAMES:
        assert names.count(f"{prefix}{first}{last}") == 2  # once per day
    first_page = pages[0]
    for expected in (
        "แบบลงทะเบียนผู้เข้ารับการฝึกอบรม",
        "รุ่นที่ 1 ปีงบประมาณ พ.ศ. 2570",
        "วันอังคารที่ 11 พฤษภาคม 2570 (วันที่ 1 จาก 2 วัน)",
        "ณ ห้องประชุมที่ว่าการอำเภอภูเวียง",
        "ลำดับ ชื่อ-สกุล ตำแหน่ง หมู่บ้าน/ตำบล โทรศัพท์",
        "หมายเหตุ",
        "081-234-5678",
        format_national_id(make_national_id("310170000000")),
    ):
        assert expected in first_page, expected
    assert "วันพุธที่ 12 พฤษภาคม 2570" in pages[res.pages_per_day[0]]
    last = pages[res.pages_per_day[0] - 1]
    assert "ผู้รับรอง" in last and "(นางสาวพรทิพย์ ศรีสุข)" in last and "แรงงานจังหวัดขอนแก่น" in last
    for i, page in enumerate(pages[: res.pages_per_day[0]], start=1):
        assert page.count(f"หน้า {i}/{res.pages_per_day[0]}") == 2  # in the header and the footer
    # Blank rows for walk-ins are numbered after the enrolled.
    assert re.search(r"^9$", text, re.M)
    assert "หมาย เหตุ" not in text and "หมาย\nเหตุ" not in text
    render_first_page(out, tmp_path, "signin")


def test_masked_ids_never_appear_in_full(
    ctx: AppContext, small_round: uuid.UUID, tmp_path: Path, pdf_text
) -> None:
    out = tmp_path / "masked.pdf"
    write_signin_sheet(ctx, round_id=small_round, out_path=out, mask_ids=True, day_no=2)
    text = "\n".join(pdf_text(out))
    raw = out.read_bytes()
    assert "วันพุธที่ 12 พฤษภาคม 2570" in text and "วันอังคาร" not in text
    for i in range(len(NAMES)):
        nid = make_national_id(f"31017{i:07d}")
        assert f"{nid[0]}-{nid[1:5]}-xxxxx-xx-{nid[12]}" in text
        for form in (nid, format_national_id(nid)):
            assert form not in text and form not in text.replace("-", "")
            assert form.encode() not in raw
        assert nid[5:12] not in text.replace("-", "")


def test_one_sheet_per_day_for_a_demo_round(demo_ctx: AppContext, tmp_path: Path, column_text) -> None:
    rnd = max(rounds.list_rounds(demo_ctx), key=lambda r: (len(r.days) > 1, r.enrolled))
    out = tmp_path / "demo.pdf"
    res = write_signin_sheet(demo_ctx, round_id=rnd.id, out_path=out, blank_rows=3)
    assert res.days == len(rnd.days)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == res.pages == len(rnd.days) * res.pages_per_day[0]
        assert all(p.width > p.height for p in pdf.pages)  # landscape
    names = column_text(out, *NAME_COLUMN)
    for e in enrolment.list_enrolments(demo_ctx, round_id=rnd.id):
        assert names.count("".join(e.person.full_name.split())) == len(rnd.days)


def test_a_failed_write_leaves_the_old_file(ctx: AppContext, small_round: uuid.UUID, tmp_path: Path) -> None:
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"old")
    with pytest.raises(NotFoundError):
        write_signin_sheet(ctx, round_id=small_round, out_path=out, day_no=7)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_signin_sheet(ctx, round_id=small_round, out_path=out, progress=cancel)
    assert out.read_bytes() == b"old"
    assert not [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_thai_digits_option(ctx: AppContext, small_round: uuid.UUID, tmp_path: Path, pdf_text) -> None:
    out = tmp_path / "thai.pdf"
    write_signin_sheet(ctx, round_id=small_round, out_path=out, thai_digits=True, day_no=1)
    text = pdf_text(out)[0]
    assert "พ.ศ. ๒๕๗๐" in text and "๑๑ พฤษภาคม ๒๕๗๐" in text
    assert text.count("๐๘๑-๒๓๔-๕๖๗๘") == len(NAMES)  # a phone in Thai digits stays on one line
