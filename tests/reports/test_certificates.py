"""Certificates: one page per person who completed, Thai that extracts back and breaks where it reads well,\nthe running number, the signer's full title, a page image."""

from __future__ import annotations

import argparse
import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from db.models import DocumentNumber, Enrolment
from db.rules.thai_dates import THAI_MONTHS, THAI_MONTHS_ABBR
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from desktop.reports.certificates import signer_missing, write_certificates
from desktop.reports.thai_text import FONT_REGULAR, register_fonts, wrap


def _round_with_people(ctx: AppContext):
    return max(rounds.list_rounds(ctx), key=lambda r: r.enrolled)


def test_everyone_enrolled_until_completion_is_computed(
    demo_ctx: AppContext, tmp_path: Path, pdf_text, render_first_page
) -> None:
    rnd = _round_with_people(demo_ctx)
    rows = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=None))
    out = tmp_path / "cert.pdf"
    res = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    pages = pdf_text(out)
    assert len(pages) == res.pages == len(rows)
    assert sorted(res.names) == sorted(e.person.full_name for e in rows)
    for name, page in zip(res.names, pages, strict=True):
        assert name in page
        assert "ได้ผ่านการฝึกอบรมครู ข เครือข่ายชุมชน" in page
        assert f"รุ่นที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}" in page
    render_first_page(out, tmp_path, "certificate")


def test_only_those_who_completed(demo_ctx: AppContext, tmp_path: Path, pdf_text) -> None:
    rnd = _round_with_people(demo_ctx)
    rows = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)
    passed = rows[:3]
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=False))
        session.execute(
            update(Enrolment).where(Enrolment.id.in_([e.id for e in passed])).values(completed=True)
        )
    out = tmp_path / "cert.pdf"
    res = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    assert sorted(res.names) == sorted(e.person.full_name for e in passed)
    assert len(pdf_text(out)) == 3
    one = write_certificates(demo_ctx, round_id=rnd.id, out_path=out, enrolment_ids=[rows[5].id])
    assert one.names == (rows[5].person.full_name,)


def test_no_one_completed_is_a_thai_error(demo_ctx: AppContext, tmp_path: Path) -> None:
    rnd = _round_with_people(demo_ctx)
    with demo_ctx.transaction() as session:
        session.execute(update(Enrolment).where(Enrolment.round_id == rnd.id).values(completed=False))
    with pytest.raises(RuleViolation, match="ยังไม่มีผู้ผ่านการอบรม"):
        write_certificates(demo_ctx, round_id=rnd.id, out_path=tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# ------------------------------------------------------------------ line breaks where Thai reads well

_MONTHS = "|".join(THAI_MONTHS + THAI_MONTHS_ABBR).replace(".", r"\.")
_TEXTS = (
    "รุ่นที่ 2 ปีงบประมาณ พ.ศ. 2569 ระหว่างวันที่ 9–10 ธันวาคม 2568 ณ ห้องประชุมสำนักงานแรงงานจังหวัดขอนแก่น",
    "รุ่นที่ 12 ปีงบประมาณ พ.ศ. 2570 เมื่อวันที่ 3 กุมภาพันธ์ 2570 ณ ศูนย์ประชุมอเนกประสงค์กาญจนาภิเษก",
    "รุ่นที่ 3 ระหว่างวันที่ 30 พฤศจิกายน 2568 – 2 ธันวาคม 2568 ณ หอประชุมอำเภอภูเวียง",
    "ให้ไว้ ณ วันที่ 10 ธันวาคม 2568",
    "วันอังคารที่ 11 พ.ค. 2570 ณ ห้องประชุมที่ว่าการอำเภอเมืองขอนแก่นชั้นสอง",
)


def _bad_breaks(lines: list[str]) -> list[str]:
    bad = []
    for line, after in zip(lines, [*lines[1:], ""], strict=True):
        last = line.split()[-1] if line.split() else ""
        if last == "ณ" or last.endswith("วันที่"):  # ปีงบประมาณ may end a line; ณ alone may not
            bad.append(f"ends with {last!r}: {line!r}")
        if re.search(r"(^|\s|–)[0-9๐-๙]{1,2}$", line) and re.match(rf"({_MONTHS})", after.strip()):
            bad.append(f"day number left without its month: {line!r} / {after!r}")
    return bad


@pytest.mark.parametrize("width", [180, 230, 280, 330, 380, 430, 480, 530, 580, 642])
@pytest.mark.parametrize("size", [16, 18])
def test_line_break_table(width: int, size: int) -> None:
    """Every text at every width: no line ends with ณ or วันที่, no day number is parted from its month."""
    register_fonts()
    for text in _TEXTS:
        lines = wrap(text, width, FONT_REGULAR, size, prefer_spaces=True)
        assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost
        assert not _bad_breaks(lines), (width, size, lines)


def test_the_table_catches_bad_breaks() -> None:
    assert _bad_breaks(["ระหว่างวันที่ 9–10 ธันวาคม 2568 ณ", "ห้องประชุม"])
    assert _bad_breaks(["รุ่นที่ 2 เมื่อวันที่", "9 ธันวาคม 2568"])
    assert _bad_breaks(["รุ่นที่ 2 เมื่อวันที่ 9", "ธันวาคม 2568"])
    assert not _bad_breaks(["รุ่นที่ 2 เมื่อวันที่ 9 ธันวาคม", "2568 ณ ห้องประชุม"])


def test_certificate_pages_break_well_and_carry_number_and_signer(
    demo_ctx: AppContext, tmp_path: Path, pdf_text
) -> None:
    rnd = _round_with_people(demo_ctx)
    rounds.update_round(
        demo_ctx,
        rnd.id,
        RoundInput(
            start_date=date(2027, 12, 9),
            end_date=date(2027, 12, 10),
            number=rnd.number,
            title=rnd.title,
            venue="ห้องประชุมศูนย์ราชการจังหวัดขอนแก่น อาคารศาลากลางหลังใหม่ ชั้นสาม",
            capacity=rnd.capacity,
        ),
        expected_version=rounds.get_round(demo_ctx, rnd.id).version,
    )
    out = tmp_path / "c.pdf"
    res = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    pages = pdf_text(out)
    for page, number in zip(pages, res.numbers, strict=True):
        lines = page.splitlines()
        assert not _bad_breaks(lines), lines
        assert f"เลขที่ {number}" in page
        assert "แรงงานจังหวัดขอนแก่น" in lines[-1]  # the signer's title names the province
    fy = rounds.get_round(demo_ctx, rnd.id).fiscal_year
    assert res.numbers[0] == f"0001/{fy}" and len(set(res.numbers)) == res.pages
    # Stored, one per enrolment; a reprint keeps them; the next round continues the series.
    with demo_ctx.reading() as s:
        stored = dict(
            s.execute(
                select(DocumentNumber.entity_id, DocumentNumber.label).where(
                    DocumentNumber.series == "certificate"
                )
            ).all()
        )
    assert sorted(stored.values()) == sorted(res.numbers)
    again = write_certificates(demo_ctx, round_id=rnd.id, out_path=out)
    assert again.numbers == res.numbers


def test_another_pc_of_the_office_numbers_in_its_own_lane(demo_ctx: AppContext, tmp_path: Path) -> None:
    rnd = _round_with_people(demo_ctx)
    rows = enrolment.list_enrolments(demo_ctx, round_id=rnd.id)
    first = write_certificates(
        demo_ctx, round_id=rnd.id, out_path=tmp_path / "a.pdf", enrolment_ids=[rows[0].id]
    )
    other_pc = dataclasses.replace(demo_ctx, device_id="second-pc-of-the-office")
    second = write_certificates(
        other_pc, round_id=rnd.id, out_path=tmp_path / "b.pdf", enrolment_ids=[rows[1].id]
    )
    assert first.numbers[0].startswith("0001/") and second.numbers[0].startswith("2-0001/")


def test_printing_without_a_signer_warns_in_the_cli(demo_ctx: AppContext, tmp_path: Path, capsys) -> None:
    from desktop.cli.printing import run

    row = office.get_office(demo_ctx)
    office.update_office(
        demo_ctx, name_th=row.name_th, address="", phone="", head_name="", head_position=row.head_position
    )
    assert signer_missing(demo_ctx) is not None
    rnd = _round_with_people(demo_ctx)
    args = argparse.Namespace(
        print_what="certificates", round=str(rnd.id), out=tmp_path / "c.pdf", thai_digits=False
    )
    assert run(demo_ctx, args) == 0
    err = capsys.readouterr().err
    assert "คำเตือน" in err and "ผู้ลงนาม" in err


def test_signer_title_names_the_province() -> None:
    def row(position: str) -> office.OfficeRow:
        return office.OfficeRow("40", "สำนักงานแรงงานจังหวัดขอนแก่น", "ขอนแก่น", "", "", "นาง ก", position)

    assert office.signer_title(row("แรงงานจังหวัด")) == "แรงงานจังหวัดขอนแก่น"
    assert office.signer_title(row("แรงงานจังหวัดขอนแก่น")) == "แรงงานจังหวัดขอนแก่น"
    assert office.signer_title(row("ผู้อำนวยการสำนักงาน")) == "ผู้อำนวยการสำนักงาน"
    assert office.signer_title(row("  ")) == "" and office.signer_title(None) == ""
