"""Thai phone rules against libphonenumber's Thai metadata.

Sources: Google libphonenumber, resources/PhoneNumberMetadata.xml, territory TH (fixedLine 0[2-7] area codes
2, 32–39, 42–45, 53–56, 73–77; mobile 6[1-9], 8, 9, 14–15 ranges; VoIP 60) as shipped in the `phonenumbers`
package; NBTC numbering plan (กสทช. แผนเลขหมายโทรคมนาคม) for the area prefixes; and the Excel forms seen in
DOPA rosters (a lost leading 0, +66, dashes, spaces, brackets, Thai digits).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.rules.errors import RuleError
from db.rules.phone import format_phone, normalize_phone
from db.rules.thai_digits import to_thai_digits

_MOBILE_HEADS = [
    "061",
    "062",
    "063",
    "064",
    "065",
    "080",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "087",
    "088",
    "089",
    "090",
    "091",
    "092",
    "093",
    "094",
    "095",
    "096",
    "097",
    "098",
    "099",
    "066",
    "068",
]
_LANDLINE_HEADS = [
    "02",
    "032",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "042",
    "043",
    "044",
    "045",
    "053",
    "054",
    "055",
    "056",
    "073",
    "074",
    "075",
    "076",
    "077",
]

VALID = (
    [(f"{h}2345678", f"{h}2345678") for h in _MOBILE_HEADS]
    + [
        (f"{h}{'1234567' if h == '02' else '234567'}", f"{h}{'1234567' if h == '02' else '234567'}")
        for h in _LANDLINE_HEADS
    ]
    + [
        (812345678, "0812345678"),  # Excel number column ate the 0
        (812345678.0, "0812345678"),
        ("812345678", "0812345678"),
        ("21234567", "021234567"),
        (43234567, "043234567"),
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("(081) 234-5678", "0812345678"),
        ("081.234.5678", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("+66812345678", "0812345678"),
        ("66812345678", "0812345678"),
        ("+66-2-123-4567", "021234567"),
        ("6621234567", "021234567"),
        ("(02) 123-4567", "021234567"),
        ("02-123-4567", "021234567"),
        ("043-234-567", "043234567"),
        (to_thai_digits("081-234-5678"), "0812345678"),
        (to_thai_digits("02 123 4567"), "021234567"),
        ("  0812345678  ", "0812345678"),
        ("0141234567", "0141234567"),  # the newer 014 mobile range
        ("0601234567", "0601234567"),  # VoIP
        ("", ""),
        (None, ""),
    ]
)

INVALID = [
    "1812345678",
    "5812345678",
    "2812345678",
    "7812345678",  # 10 digits without a 0 are not mobiles
    "001234567",
    "002345678",
    "003456789",
    "004567890",
    "005123456",
    "006123456",
    "007123456",
    "008123456",
    "009123456",
    "011234567",
    "012234567",
    "013234567",
    "015234567",
    "030123456",
    "031123456",
    "040123456",
    "041123456",
    "046123456",
    "047123456",
    "048123456",
    "049123456",
    "050123456",
    "051123456",
    "057123456",
    "058123456",
    "059123456",
    "070123456",
    "071123456",
    "072123456",
    "078123456",
    "079123456",
    "0691234567",  # 069 is not a mobile range
    "0672345678",  # nor is 067 (yet)
    "0212345678",  # a Bangkok landline has 9 digits
    "08123456",
    "081234567890",
    "1234",
    "0",
    "081-234-567a",
    "โทร 0812345678",
    "+1 202 555 0100",  # not a Thai number
    "+44 20 7946 0958",
]


@pytest.mark.parametrize(("typed", "stored"), VALID)
def test_valid_numbers_are_stored_in_the_national_form(typed: object, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", INVALID)
def test_invalid_numbers_get_a_thai_reason(typed: str) -> None:
    with pytest.raises(RuleError) as err:
        normalize_phone(typed, field="phone")
    assert "หมายเลขโทรศัพท์" in err.value.message and err.value.field == "phone"


def test_there_are_at_least_100_cases() -> None:
    assert len(VALID) + len(INVALID) >= 100


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("0812345678", "081-234-5678"), ("021234567", "02-123-4567"), ("043234567", "043-234-567"), ("", "")],
)
def test_display_is_grouped(stored: str, shown: str) -> None:
    assert format_phone(stored) == shown


@given(
    st.sampled_from(_MOBILE_HEADS),
    st.integers(min_value=0, max_value=9_999_999),
    st.sampled_from(["", "-", " "]),
)
def test_a_mobile_in_any_excel_form_reads_back(head: str, rest: int, sep: str) -> None:
    number = f"{head}{rest:07d}"
    assert normalize_phone(f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}") == number
    assert normalize_phone(int(number)) == number
    assert normalize_phone("+66" + number[1:]) == number
    assert normalize_phone(format_phone(number)) == number


@given(st.text(alphabet="0123456789", min_size=8, max_size=11))
def test_the_fast_path_agrees_with_phonenumbers_parse(digits: str) -> None:
    import phonenumbers

    from db.rules.phone import _parsed

    try:
        ours = normalize_phone(digits)
    except RuleError:
        ours = None
    expected = _parsed(digits) if digits.startswith("0") else None
    if digits.startswith("0"):
        assert ours == expected
    elif ours is not None:
        assert phonenumbers.is_valid_number(phonenumbers.parse("0" + digits, "TH")) or digits.startswith("66")
