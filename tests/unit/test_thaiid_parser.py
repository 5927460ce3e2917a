"""The Thai ID card parser on recorded APDU answers: no reader, no PC/SC, runs everywhere."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop.core.cardreader import thaiid
from desktop.core.cardreader.thaiid import CardError

RECORDED = json.loads((Path(__file__).parents[1] / "fixtures/cardreader/thai_id_3b67.json").read_text())


def scripted(exchanges: list[list[str]]):
    """A transmit that expects exactly these commands in this order and gives the recorded answers."""
    steps = iter(exchanges)
    seen: list[str] = []

    def transmit(apdu: list[int]) -> tuple[list[int], int, int]:
        command, answer = next(steps)
        seen.append(bytes(apdu).hex())
        assert bytes(apdu).hex() == command
        raw = bytes.fromhex(answer)
        return list(raw[:-2]), raw[-2], raw[-1]

    return transmit, seen


def test_older_card_3b67_uses_get_response_p2_01() -> None:
    transmit, seen = scripted(RECORDED["exchanges"])
    card = thaiid.read_card(transmit, bytes.fromhex(RECORDED["atr"]))
    assert seen[0] == "00a4040008a000000054480001"
    assert card.national_id == "1101700203451"
    assert (card.prefix, card.first_name, card.middle_name, card.last_name) == ("นาย", "สมชาย", "", "ใจดี")
    assert card.full_name == "นายสมชาย ใจดี"
    assert (card.prefix_en, card.first_name_en, card.last_name_en) == ("Mr.", "Somchai", "Jaidee")
    assert card.birth_date == date(1967, 6, 15) and card.birth_raw == "25100615"
    assert card.sex == "male"
    assert card.issue_date == date(2022, 1, 1) and card.expiry_date == date(2031, 6, 14)
    assert card.issuer == "อำเภอเมืองขอนแก่น/ขอนแก่น"
    a = card.address
    assert (a.house_no, a.moo, a.street, a.subdistrict, a.district, a.province) == (
        "99/1",
        "5",
        "ถนนมิตรภาพ",
        "ในเมือง",
        "เมืองขอนแก่น",
        "ขอนแก่น",
    )


def test_newer_card_uses_get_response_p2_00() -> None:
    newer = [[c[:6] + "00" + c[8:] if c.startswith("00c0") else c, a] for c, a in RECORDED["exchanges"]]
    transmit, seen = scripted(newer)
    card = thaiid.read_card(transmit, bytes.fromhex("3b7896000080fe5448000165"))
    assert all(s.startswith("00c00000") for s in seen if s.startswith("00c0"))
    assert card.national_id == "1101700203451"


def test_a_card_without_the_applet_is_not_a_thai_id() -> None:
    def transmit(apdu: list[int]) -> tuple[list[int], int, int]:
        return [], 0x6A, 0x82

    with pytest.raises(CardError) as err:
        thaiid.read_card(transmit, b"\x3b\x8f")
    assert err.value.code == "not_thai_id" and "ไม่ใช่บัตรประจำตัวประชาชน" in err.value.message


def test_a_failing_field_read_is_refused_whole() -> None:
    answers = iter([([], 0x61, 0x0A), ([], 0x6A, 0x86)])
    with pytest.raises(CardError) as err:
        thaiid.read_card(lambda _apdu: next(answers), b"\x3b\x78")
    assert err.value.code == "unreadable" and "6A 86" in err.value.message


def test_tis620_bytes_decode_to_thai() -> None:
    assert thaiid.decode_text("นางสาว#สุดา".encode("tis-620") + b"  \x00") == "นางสาว#สุดา"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("25670229", date(2024, 2, 29)), ("25100000", None), ("99999999", None), ("2567", None), ("", None)],
)
def test_be_dates(raw: str, expected: date | None) -> None:
    assert thaiid.be_date(raw) == expected


def test_bangkok_address_with_soi_and_khet() -> None:
    a = thaiid.parse_address("12/34##ตรอกวัด#ซอยสุขุมวิท 11#ถนนสุขุมวิท#แขวงคลองเตยเหนือ#เขตวัฒนา#กรุงเทพมหานคร")
    assert (a.house_no, a.moo, a.subdistrict, a.district, a.province) == (
        "12/34",
        "",
        "คลองเตยเหนือ",
        "วัฒนา",
        "กรุงเทพมหานคร",
    )
    assert a.street == "ตรอกวัด ซอยสุขุมวิท 11 ถนนสุขุมวิท"


def test_expired_and_lifelong_cards() -> None:
    transmit, _ = scripted(RECORDED["exchanges"])
    card = thaiid.read_card(transmit, bytes.fromhex(RECORDED["atr"]))
    assert not card.expired(date(2031, 6, 14)) and card.expiry_warning(date(2031, 6, 14)) == ""
    assert card.expired(date(2031, 6, 15))
    assert "บัตรหมดอายุแล้วเมื่อ" in card.expiry_warning(date(2031, 6, 15))
    assert thaiid.be_date(thaiid.LIFELONG) is None  # lifelong: expiry_date None, never expired


def test_json_masks_the_id_unless_asked() -> None:
    transmit, _ = scripted(RECORDED["exchanges"])
    card = thaiid.read_card(transmit, bytes.fromhex(RECORDED["atr"]))
    assert card.as_json()["national_id"] == "1-1017-xxxxx-xx-1"
    data = card.as_json(show_id=True)
    assert data["national_id"] == "1101700203451" and data["birth_date"] == "1967-06-15"
    assert data["address"]["moo"] == "5"  # type: ignore[index]
    assert "photo" not in data
