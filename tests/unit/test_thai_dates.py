"""Tests of Buddhist Era dates: formatting, lenient parsing, Excel input, fiscal years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.errors import RuleError
from db.rules.thai_dates import (
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    be_year,
    fiscal_year,
    fiscal_year_range,
    format_be_date,
    parse_be_date,
)

MAY_12_2024 = date(2024, 5, 12)
MAR_14_2025 = date(2025, 3, 14)


def test_month_tables() -> None:
    assert len(THAI_MONTHS) == len(THAI_MONTHS_ABBR) == 12
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[2] == "มีนาคม"
    assert THAI_MONTHS[11] == "ธันวาคม"
    assert THAI_MONTHS_ABBR == (
        "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "14 มีนาคม 2568"),
        ("short", "14 มี.ค. 68"),
        ("medium", "14 มี.ค. 2568"),
        ("numeric", "14/03/2568"),
    ],
)
def test_format_styles(style: str, expected: str) -> None:
    assert format_be_date(MAR_14_2025, style=style) == expected


def test_format_defaults_details_and_thai_digits() -> None:
    assert format_be_date(MAR_14_2025) == "14 มีนาคม 2568"
    assert format_be_date(date(2025, 3, 4)) == "4 มีนาคม 2568"  # no leading zero in words
    assert format_be_date(date(2025, 3, 4), style="numeric") == "04/03/2568"
    assert format_be_date(date(2023, 12, 31), style="short") == "31 ธ.ค. 66"
    assert format_be_date(date(2024, 1, 1), style="medium") == "1 ม.ค. 2567"
    assert format_be_date(datetime(2025, 3, 14, 23, 59)) == "14 มีนาคม 2568"
    assert format_be_date(MAR_14_2025, thai_digits=True) == "๑๔ มีนาคม ๒๕๖๘"
    assert format_be_date(MAR_14_2025, style="numeric", thai_digits=True) == "๑๔/๐๓/๒๕๖๘"
    with pytest.raises(RuleError):
        format_be_date(MAR_14_2025, style="fancy")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/05/2567", MAY_12_2024),
        ("12-05-2567", MAY_12_2024),
        ("12.05.2567", MAY_12_2024),
        ("12/5/67", MAY_12_2024),
        ("12/5/2567", MAY_12_2024),
        ("2567-05-12", MAY_12_2024),
        ("2024-05-12", MAY_12_2024),
        ("12 พ.ค. 67", MAY_12_2024),
        ("12 พ.ค. 2567", MAY_12_2024),
        ("12 พค 67", MAY_12_2024),
        ("12 พค. 2567", MAY_12_2024),
        ("12 พฤษภาคม 2567", MAY_12_2024),
        ("14 มีนาคม 2568", MAR_14_2025),
        ("วันที่ 14 มีนาคม พ.ศ. 2568", MAR_14_2025),
        ("วันที่ ๑๔ มีนาคม พ.ศ. ๒๕๖๘", MAR_14_2025),
        ("วันศุกร์ที่ 14 มีนาคม 2568", MAR_14_2025),
        ("๑๔ มีนาคม ๒๕๖๘", MAR_14_2025),
        ("๑๔/๐๓/๒๕๖๘", MAR_14_2025),
        ("14มีนาคม2568", MAR_14_2025),
        ("14 มี.ค. 68", MAR_14_2025),
        ("14 มีค 68", MAR_14_2025),
        ("12/05/2024", MAY_12_2024),  # a 4-digit year below 2400 is CE
        ("12 May 2024", MAY_12_2024),
        ("  12 / 05 /  2567  ", MAY_12_2024),
        ("12\u00a0พ.ค.\u00a02567", MAY_12_2024),
        ("12/05/2567 10:30", MAY_12_2024),
        ("2024-05-12 00:00:00", MAY_12_2024),
        ("2024-05-12T08:15:00", MAY_12_2024),
        ("1/1/00", date(1957, 1, 1)),  # BE 2500
        ("31/12/99", date(2056, 12, 31)),  # BE 2599
        ("29/02/2567", date(2024, 2, 29)),  # BE 2567 = CE 2024, a leap year
        ("45000", date(2023, 3, 15)),  # Excel serial written out by a CSV export
    ],
)
def test_parse_text(text: str, expected: date) -> None:
    assert parse_be_date(text) == expected


def test_parse_date_objects() -> None:
    assert parse_be_date(MAY_12_2024) == MAY_12_2024
    assert parse_be_date(datetime(2024, 5, 12, 10, 30)) == MAY_12_2024
    assert type(parse_be_date(datetime(2024, 5, 12, 10, 30))) is date
    # A BE year typed into a real Excel date cell comes back with year 2567.
    assert parse_be_date(date(2567, 5, 12)) == MAY_12_2024
    assert parse_be_date(datetime(2567, 5, 12, 9, 0)) == MAY_12_2024
    assert parse_be_date(date(2399, 5, 12)) == date(2399, 5, 12)  # below the threshold: left alone


def test_parse_excel_serials() -> None:
    # Excel day 1 is 1900-01-01 and it counts a 29 Feb 1900 that never was; so serial n = 1899-12-30 + n.
    assert parse_be_date(45000) == date(2023, 3, 15)
    assert parse_be_date(45000.75) == date(2023, 3, 15)  # the fraction is the time of day
    assert parse_be_date(45424) == MAY_12_2024
    assert parse_be_date(20000) == date(1899, 12, 30) + timedelta(days=20000)
    for out_of_range in (19999, 80001, 0, -5, 1e9):
        with pytest.raises(RuleError):
            parse_be_date(out_of_range)


def test_unreadable_message_quotes_input_and_field() -> None:
    with pytest.raises(RuleError) as info:
        parse_be_date("xx", field="start_date")
    assert info.value.field == "start_date"
    assert str(info.value) == 'อ่านวันที่ "xx" ไม่ได้ (ตัวอย่างที่ใช้ได้: 12/05/2567, 12 พ.ค. 67, 14 มีนาคม 2568)'


@pytest.mark.parametrize("text", ["31/02/2567", "29/02/2568", "0/1/2567", "12/13/2567", "32 มีนาคม 2568"])
def test_impossible_dates(text: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_be_date(text)
    assert str(info.value) == f'วันที่ "{text}" ไม่มีอยู่จริง'
    assert info.value.field == "date"


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "12 ฟฟ 67",
        "1/2/3",
        "12/05/567",
        "พรุ่งนี้",
        "12/05",
        "",
        "   ",
        None,
        True,
        1.5,
        float("nan"),
        [2567],
    ],
)
def test_unreadable_values(value: object) -> None:
    with pytest.raises(RuleError) as info:
        parse_be_date(value, field="d")
    assert info.value.field == "d"
    assert "วันที่" in info.value.message


def test_be_year() -> None:
    assert be_year(date(2024, 5, 12)) == 2567
    assert be_year(date(1957, 1, 1)) == 2500


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2023, 9, 30), 2566),
        (date(2023, 10, 1), 2567),
        (date(2024, 1, 1), 2567),
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (date(2024, 12, 31), 2568),
    ],
)
def test_fiscal_year_boundaries(day: date, fy: int) -> None:
    assert fiscal_year(day) == fy


def test_fiscal_year_range() -> None:
    # FY2567 = 1 Oct 2566 – 30 Sep 2567 (DOMAIN.md).
    assert fiscal_year_range(2567) == (date(2023, 10, 1), date(2024, 9, 30))
    assert fiscal_year_range(2568) == (date(2024, 10, 1), date(2025, 9, 30))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_fiscal_year_range_contains_date(d: date) -> None:
    fy = fiscal_year(d)
    first, last = fiscal_year_range(fy)
    assert first <= d <= last
    assert fiscal_year(first) == fiscal_year(last) == fy
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["long", "medium", "numeric"]),
    st.booleans(),
)
def test_format_parse_round_trip(d: date, style: str, thai: bool) -> None:
    assert parse_be_date(format_be_date(d, style=style, thai_digits=thai)) == d


# Two-digit years are read as BE 25xx, i.e. CE 1957-2056: only those survive the short style.
@given(st.dates(min_value=date(1957, 1, 1), max_value=date(2056, 12, 31)), st.booleans())
def test_short_style_round_trip(d: date, thai: bool) -> None:
    assert parse_be_date(format_be_date(d, style="short", thai_digits=thai)) == d


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_format_agrees_with_tables(d: date) -> None:
    assert format_be_date(d) == f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"
    assert format_be_date(d, style="medium") == f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {d.year + 543}"
    assert format_be_date(d, style="numeric") == f"{d.day:02d}/{d.month:02d}/{d.year + 543}"
    assert (
        format_be_date(d, style="short")
        == f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {(d.year + 543) % 100:02d}"
    )


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_be_year_text_and_iso_round_trip(d: date) -> None:
    be = d.year + 543
    assert parse_be_date(f"{d.day}/{d.month}/{be}") == d
    assert parse_be_date(f"{be}-{d.month:02d}-{d.day:02d}") == d
    assert parse_be_date(d.isoformat()) == d
    if (d.month, d.day) != (2, 29):  # the BE year as a CE year may not be a leap year
        assert parse_be_date(date(be, d.month, d.day)) == d  # a BE year typed into an Excel date cell
