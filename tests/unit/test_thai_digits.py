"""Tests of the Thai/Arabic digit conversion."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from db.rules.thai_digits import to_arabic_digits, to_thai_digits


def test_each_digit_maps_both_ways() -> None:
    thai = "๐๑๒๓๔๕๖๗๘๙"
    for value, thai_digit in enumerate(thai):
        assert to_arabic_digits(thai_digit) == str(value)
        assert to_thai_digits(str(value)) == thai_digit


def test_other_characters_are_kept() -> None:
    assert to_arabic_digits("เป็นเงิน ๑,๒๕๐.๕๐ บาท") == "เป็นเงิน 1,250.50 บาท"
    assert to_thai_digits("วันที่ 14 มี.ค. 2568") == "วันที่ ๑๔ มี.ค. ๒๕๖๘"
    assert to_arabic_digits("") == ""
    assert to_thai_digits("") == ""
    # Other scripts' digits are not Thai digits and stay as they are.
    assert to_arabic_digits("١٢ １２") == "١٢ １２"


@given(st.text())
def test_round_trip_on_text_without_thai_digits(text: str) -> None:
    plain = "".join(ch for ch in text if not "๐" <= ch <= "๙")
    assert to_arabic_digits(to_thai_digits(plain)) == plain
    assert not any("0" <= ch <= "9" for ch in to_thai_digits(text))
    assert not any("๐" <= ch <= "๙" for ch in to_arabic_digits(text))
