"""The sign-in sheet as it goes round the room: 15+ people a page, order by village then name, walk-ins last,
one-line places and phones, the district and page count in the header, the certifier's full title."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import pdfplumber

from db.rules.phone import format_phone
from desktop.core.context import AppContext
from desktop.core.people import people
from desktop.core.rounds import enrolment, rounds
from desktop.core.rounds.rounds import RoundInput
from desktop.reports.signin_sheet import (
    COLUMNS,
    MARGIN_X,
    NAME_COL,
    name_order,
    place_line,
    sheet_order,
    write_signin_sheet,
)

MASKED = re.compile(r"\d-\d{4}-xxxxx-xx-\d")


def _round(ctx: AppContext, person_ids: list[uuid.UUID], *, walk_ins: list[uuid.UUID] = ()) -> uuid.UUID:
    rid = rounds.create_round(
        ctx,
        RoundInput(
            start_date=date(2027, 5, 11),
            end_date=date(2027, 5, 12),
            number=77,
            title="ฝึกอบรมครู ข เครือข่ายชุมชน",
            venue="ห้องประชุมที่ว่าการอำเภอ",
            capacity=len(person_ids) + len(walk_ins),
        ),
    ).id
    enrolment.enrol(ctx, round_id=rid, person_ids=person_ids, override_reason="ทดสอบ")
    if walk_ins:
        enrolment.enrol(ctx, round_id=rid, person_ids=list(walk_ins), override_reason="ทดสอบ", walk_in=True)
    return rid


def _lines(path: Path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        return [(p.extract_text() or "").splitlines() for p in pdf.pages]


def test_fifteen_or_more_people_a_page_in_village_then_name_order(
    demo_ctx: AppContext, tmp_path: Path
) -> None:
    everyone = [p for p in people.list_people(demo_ctx) if p.village_code]
    # A round serves a few districts: the two biggest.
    two = [d for d, _ in Counter(p.district for p in everyone).most_common(2)]
    invited = [p for p in everyone if p.district in two][:60]
    walk_ins = [p for p in everyone if p.district not in two][:3]
    rid = _round(demo_ctx, [p.id for p in invited], walk_ins=[p.id for p in walk_ins])
    out = tmp_path / "s.pdf"
    res = write_signin_sheet(demo_ctx, round_id=rid, out_path=out, blank_rows=5)
    pages = _lines(out)
    per_day = res.pages_per_day[0]
    assert res.days == 2 and len(pages) == 2 * per_day
    counts = [sum(1 for line in page if MASKED.search(line)) for page in pages]
    for day in range(2):
        day_counts = counts[day * per_day : (day + 1) * per_day]
        assert sum(day_counts) == len(invited) + 3
        assert all(c >= 15 for c in day_counts[:-1]), day_counts  # every page but the day's last
    # The order down the sheet: district, village, then name without its prefix; the walk-ins last.
    by_id = {p.national_id[-1] + p.first_name + p.last_name: p for p in everyone}
    listed = []
    for page in pages[:per_day]:
        for line in page:
            m = re.match(r"^(\d+) (\S+) (\S+) (\d)-\d{4}-xxxxx-xx-(\d) ", line)
            if m:
                name = m.group(2)
                person = next(
                    p
                    for key, p in by_id.items()
                    if key == m.group(5) + p.first_name + p.last_name
                    and name.endswith(p.first_name)
                    and m.group(3) == p.last_name
                )
                listed.append(person)
    assert len(listed) == len(invited) + 3
    walk_in_ids = {p.id_text for p in walk_ins}
    assert [p.id_text in walk_in_ids for p in listed] == [False] * len(invited) + [True] * 3
    assert listed[: len(invited)] == sorted(invited, key=sheet_order)
    text = "\n".join("\n".join(p) for p in pages)
    # Several districts: a heading row above each one's people; the place is one line without the district.
    districts = {p.district for p in invited}
    assert len(districts) == 2 and all(f"อำเภอ{d}" in text for d in districts)
    for p in listed[:30]:
        assert place_line(p) in text and " อ." not in place_line(p)
        assert re.match(r"^ม\.\d+ บ\.\S+ ต\.\S+$", place_line(p)), place_line(p)
        phone = format_phone(p.phone) or p.phone
        assert phone in text  # on one line: never broken
    assert "ผู้เข้าร่วมหน้างาน" in text and text.count("หน้างาน") >= 3
    # The certifier: the title with the province.
    assert "ตำแหน่ง แรงงานจังหวัดขอนแก่น" in text


def test_one_district_goes_in_the_header(demo_ctx: AppContext, tmp_path: Path) -> None:
    everyone = [p for p in people.list_people(demo_ctx) if p.village_code]
    district = Counter(p.district for p in everyone).most_common(1)[0][0]
    chosen = [p for p in everyone if p.district == district][:20]
    rid = _round(demo_ctx, [p.id for p in chosen])
    out = tmp_path / "one.pdf"
    res = write_signin_sheet(demo_ctx, round_id=rid, out_path=out, day_no=1)
    pages = _lines(out)
    header = "\n".join(pages[0][:6])
    assert f"อำเภอ{district}" in header and f"หน้า 1/{res.pages_per_day[0]}" in header
    body = "\n".join(pages[0][6:])
    assert f"อำเภอ{district}" not in body  # no heading row when the header names the district


def test_names_are_14_points_and_never_shrink(demo_ctx: AppContext, tmp_path: Path) -> None:
    everyone = [p for p in people.list_people(demo_ctx) if p.village_code][:40]
    rid = _round(demo_ctx, [p.id for p in everyone])
    out = tmp_path / "n.pdf"
    write_signin_sheet(demo_ctx, round_id=rid, out_path=out, day_no=1, blank_rows=0)
    x0 = MARGIN_X + COLUMNS[0][1]
    x1 = x0 + COLUMNS[NAME_COL][1]
    with pdfplumber.open(out) as pdf:
        sizes = {
            round(c["size"], 1)
            for page in pdf.pages
            for c in page.chars
            if x0 < c["x0"] < x1
            and 120 < c["top"] < page.height - 40  # the table, not the header or the footer
            and "Bold" not in c["fontname"]  # the district headings
            and c["text"].strip()
        }
    assert sizes and min(sizes) >= 14


def test_name_order_chosen_when_printing(demo_ctx: AppContext, tmp_path: Path) -> None:
    everyone = [p for p in people.list_people(demo_ctx) if p.village_code]
    two = [d for d, _ in Counter(p.district for p in everyone).most_common(2)]
    invited = [p for p in everyone if p.district in two][:30]
    rid = _round(demo_ctx, [p.id for p in invited])
    out = tmp_path / "byname.pdf"
    write_signin_sheet(demo_ctx, round_id=rid, out_path=out, day_no=1, blank_rows=0, order="name")
    text = "\n".join("\n".join(p) for p in _lines(out))
    expected = sorted(invited, key=name_order)
    positions = [text.index(f"{p.prefix}{p.first_name} {p.last_name}") for p in expected]
    assert positions == sorted(positions)
    assert not any(f"อำเภอ{d}\n" in text for d in two)  # no district heading rows
    assert all(f"อ.{d}" in text for d in two)  # the place names its district (wrapped when too long)
