"""Tests of money as integer satang: reading amounts, display, and the amount in Thai words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.errors import RuleError
from db.rules.money import baht_text, format_baht, satang_to_decimal, to_satang

BIG = 10**13


# Amount in words from DOMAIN.md ("Known pitfalls") and the brief, in satang.
@pytest.mark.parametrize(
    ("satang", "words"),
    [
        (125050, "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์"),
        (100_000_000, "หนึ่งล้านบาทถ้วน"),
        (2100, "ยี่สิบเอ็ดบาทถ้วน"),
        (10100, "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (1_100_000_000, "สิบเอ็ดล้านบาทถ้วน"),
        (2_022_080_000, "ยี่สิบล้านสองแสนสองหมื่นแปดร้อยบาทถ้วน"),
        (100_000_000_000_000, "หนึ่งล้านล้านบาทถ้วน"),
        (0, "ศูนย์บาทถ้วน"),
        (50, "ห้าสิบสตางค์"),
        (1, "หนึ่งสตางค์"),
        (101, "หนึ่งบาทหนึ่งสตางค์"),
        (100, "หนึ่งบาทถ้วน"),
        (1000, "สิบบาทถ้วน"),
        (1100, "สิบเอ็ดบาทถ้วน"),
        (2000, "ยี่สิบบาทถ้วน"),
        (2121, "ยี่สิบเอ็ดบาทยี่สิบเอ็ดสตางค์"),
        (100100, "หนึ่งพันเอ็ดบาทถ้วน"),
        (100_000_100, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (101_000_000, "หนึ่งล้านหนึ่งหมื่นบาทถ้วน"),
        (10_100_000_000, "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        (2_100_000_000, "ยี่สิบเอ็ดล้านบาทถ้วน"),
        (50_174_122_100, "ห้าร้อยเอ็ดล้านเจ็ดแสนสี่หมื่นหนึ่งพันสองร้อยยี่สิบเอ็ดบาทถ้วน"),  # Royal Institute
        # pythainlp says "หนึ่งล้านหนึ่งล้าน" here; the Royal Institute rule says เอ็ด (see money._thai_number).
        (100_000_100_000_000, "หนึ่งล้านเอ็ดล้านบาทถ้วน"),
        (-125050, "ลบหนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์"),
        (-50, "ลบห้าสิบสตางค์"),
    ],
)
def test_baht_text_table(satang: int, words: str) -> None:
    assert baht_text(satang) == words


_DIGIT = ["", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
_PLACE = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]


def reference_words(n: int, *, has_higher: bool = False) -> str:
    """Thai reading of n > 0 written digit by digit from the Royal Institute rules, independent of pythainlp.

    Tens: 1 → สิบ, 2 → ยี่สิบ. A final 1 of a number with two or more digits is เอ็ด. Groups of 6 digits
    are joined by ล้าน.
    """
    if n >= 10**6:
        high, low = divmod(n, 10**6)
        return reference_words(high, has_higher=has_higher) + "ล้าน" + reference_words(low, has_higher=True)
    out = ""
    for place in range(5, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            continue
        if place == 1:
            out += {1: "สิบ", 2: "ยี่สิบ"}.get(digit, _DIGIT[digit] + "สิบ")
        elif place == 0:
            out += "เอ็ด" if digit == 1 and (has_higher or n > 9) else _DIGIT[digit]
        else:
            out += _DIGIT[digit] + _PLACE[place]
    return out


def reference_baht_text(satang: int) -> str:
    if satang < 0:
        return "ลบ" + reference_baht_text(-satang)
    baht, rest = divmod(satang, 100)
    if satang == 0:
        return "ศูนย์บาทถ้วน"
    text = reference_words(baht) + "บาท" if baht else ""
    return text + (reference_words(rest) + "สตางค์" if rest else "ถ้วน")


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_baht_text_matches_reference(satang: int) -> None:
    assert baht_text(satang) == reference_baht_text(satang)


@given(st.integers(min_value=100, max_value=10**16))
def test_baht_text_properties(satang: int) -> None:
    words = baht_text(satang)
    assert "หนึ่งสิบ" not in words
    assert "สองสิบ" not in words
    assert "ศูนย์" not in words
    assert words.endswith("ถ้วน") == (satang % 100 == 0)
    assert words.endswith("สตางค์") == (satang % 100 != 0)
    assert baht_text(-satang) == "ลบ" + words


@pytest.mark.parametrize(
    ("satang", "text"),
    [
        (125050, "1,250.50"),
        (-125050, "-1,250.50"),
        (0, "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (100, "1.00"),
        (2_022_080_000, "20,220,800.00"),
    ],
)
def test_format_baht(satang: int, text: str) -> None:
    assert format_baht(satang) == text


def test_format_baht_thai_digits() -> None:
    assert format_baht(125050, thai_digits=True) == "๑,๒๕๐.๕๐"


@pytest.mark.parametrize(
    ("value", "satang"),
    [
        (1250, 125000),
        (0, 0),
        (-3, -300),
        (Decimal("1250.50"), 125050),
        (Decimal("1250.5"), 125050),
        (Decimal("1250.500"), 125050),
        (Decimal("1E+3"), 100000),
        ("1,250.50", 125050),
        ("1250", 125000),
        ("1250.5", 125050),
        ("๑,๒๕๐.๕๐", 125050),
        (" 1 250.50 ", 125050),
        ("฿1,250.50", 125050),
        ("1,250.50 บาท", 125050),
        ("1,250.-", 125000),
        ("-1,250.50", -125050),
        ("(1,250.50)", -125050),
        ("0.05", 5),
        (".50", 50),
        ("1,000,000", 100_000_000),
        (1250.5, 125050),
        (1250.0, 125000),
        (-0.25, -25),
        (1250.4999999999998, 125050),  # Excel's 1250.5 after arithmetic
        (0.1 + 0.2, 30),
        (sum([0.1] * 10), 100),
        (1.1 + 2.2, 330),
        (20220800.0, 2_022_080_000),
    ],
)
def test_to_satang(value: object, satang: int) -> None:
    result = to_satang(value)
    assert result == satang
    assert type(result) is int


@pytest.mark.parametrize("value", ["1.005", Decimal("1.005"), 1.005, "0.001", 1250.501, "1,250.555"])
def test_to_satang_refuses_a_third_decimal(value: object) -> None:
    with pytest.raises(RuleError) as info:
        to_satang(value, field="lunch")
    assert info.value.field == "lunch"
    assert str(info.value).startswith("จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง: ")
    assert str(value) in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "1,5",
        "1250,50",
        "12,34,567",
        "1.2.3",
        "--5",
        ".",
        "5-",
        "หนึ่งร้อย",
        True,
        float("nan"),
        float("inf"),
        [1],
    ],
)
def test_to_satang_refuses_garbage(value: object) -> None:
    with pytest.raises(RuleError) as info:
        to_satang(value)
    assert info.value.field == "amount"
    assert f'"{value}"' in str(info.value)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_to_satang_empty(value: object) -> None:
    with pytest.raises(RuleError) as info:
        to_satang(value)
    assert str(info.value) == "ไม่ได้กรอกจำนวนเงิน"


def test_satang_to_decimal() -> None:
    assert satang_to_decimal(125050) == Decimal("1250.50")
    assert str(satang_to_decimal(125050)) == "1250.50"
    assert str(satang_to_decimal(0)) == "0.00"
    assert str(satang_to_decimal(-5)) == "-0.05"


@given(st.integers(min_value=-BIG, max_value=BIG), st.booleans())
def test_format_round_trip(satang: int, thai: bool) -> None:
    assert to_satang(format_baht(satang, thai_digits=thai)) == satang


@given(st.integers(min_value=-BIG, max_value=BIG))
def test_decimal_round_trip(satang: int) -> None:
    amount = satang_to_decimal(satang)
    assert amount.as_tuple().exponent == -2
    assert amount * 100 == satang
    assert to_satang(amount) == satang
    assert to_satang(str(amount)) == satang


# Every amount Excel can show exactly (15 significant digits) comes back from its float unchanged.
@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_float_from_excel_round_trip(satang: int) -> None:
    as_float = float(satang_to_decimal(satang))
    assert to_satang(as_float) == satang
