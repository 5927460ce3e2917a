"""The Thai national ID card's applet: the APDUs to read it and the parser of its answers (no PC/SC here).

The command sequence is the one public readers of the card use (none of it is an official specification):
- chakphanu/ThaiNationalIDCard (APDU.md; APDU_THAILAND_IDCARD_3B67.cs: cards whose ATR starts 3B 67 answer
  GET RESPONSE ``00 C0 00 01 Le``, the others ``00 C0 00 00 Le``),
- tirmizee/ReadThaiIDCard (src/com/cardcommand/AbstractThaiCommandAPDU.java: SELECT ``00 A4 04 00 08`` +
  AID ``A0 00 00 00 54 48 00 01``; READ BINARY ``80 B0 P1 P2 02 00 Le`` per field),
- PATIPHAN09/Beginner-Python (smartcard.py: pyscard, SW1 = 61 → GET RESPONSE, text in cp874 / TIS-620).
Fields (offset, length): CID 0004/13 ASCII digits; Thai name 0011/100 and English name 0075/100 as
``prefix#first#middle#last``; birth date 00D9/8 ``YYYYMMDD`` in BE (month or day 00 when unknown);
sex 00E1/1 (1 male, 2 female); issuer 00F6/100; issue 0167/8 and expiry 016F/8 BE dates (expiry
``99999999`` = lifelong); address 1579/100 ``house#หมู่ที่ n#ตรอก#ซอย#ถนน#ตำบล…#อำเภอ…#จังหวัด…``.
The photo (017B onwards, JPEG in 20 chunks) is never read here: the program stores only what it uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from db.rules.thai_dates import format_be_date

AID = (0xA0, 0x00, 0x00, 0x00, 0x54, 0x48, 0x00, 0x01)
SELECT = (0x00, 0xA4, 0x04, 0x00, len(AID), *AID)
ENCODING = "cp874"  # TIS-620 plus the Windows extras; the card's text is TIS-620
LIFELONG = "99999999"  # the expiry of a card issued to someone aged 70 or more


def read_binary(offset: int, length: int) -> tuple[int, ...]:
    return (0x80, 0xB0, offset >> 8, offset & 0xFF, 0x02, 0x00, length)


FIELDS: dict[str, tuple[int, int]] = {  # name: (offset, length)
    "cid": (0x0004, 13),
    "name_th": (0x0011, 100),
    "name_en": (0x0075, 100),
    "birth": (0x00D9, 8),
    "sex": (0x00E1, 1),
    "issuer": (0x00F6, 100),
    "issued": (0x0167, 8),
    "expires": (0x016F, 8),
    "address": (0x1579, 100),
}
APDUS = {name: read_binary(offset, length) for name, (offset, length) in FIELDS.items()}


def get_response(atr: bytes | list[int], length: int) -> tuple[int, ...]:
    """GET RESPONSE for this card: P2 = 01 on cards whose ATR starts 3B 67 (older cards), else 00."""
    newer_p2 = 0x01 if bytes(atr[:2]) == b"\x3b\x67" else 0x00
    return (0x00, 0xC0, 0x00, newer_p2, length)


class CardError(Exception):
    """A card that could not be read, with the Thai message for the officer and a code for programs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code  # no_reader, removed, not_thai_id, timeout, unreadable, reader_error
        self.message = message


REMOVED = "ดึงบัตรออกระหว่างอ่าน กรุณาเสียบบัตรใหม่แล้วรอจนขึ้นชื่อ"
NOT_THAI_ID = "บัตรนี้ไม่ใช่บัตรประจำตัวประชาชนไทย (ไม่พบแอปพลิเคชันบัตรประชาชนบนชิป)"


@dataclass(frozen=True)
class Address:
    house_no: str = ""
    moo: str = ""  # หมู่ที่, digits only
    street: str = ""  # ตรอก ซอย ถนน joined by spaces
    subdistrict: str = ""  # without ตำบล/แขวง
    district: str = ""  # without อำเภอ/เขต
    province: str = ""  # without จังหวัด
    text: str = ""  # the whole address as printed on the card


@dataclass(frozen=True)
class CardData:
    national_id: str
    prefix: str
    first_name: str
    middle_name: str
    last_name: str
    prefix_en: str
    first_name_en: str
    middle_name_en: str
    last_name_en: str
    birth_date: date | None  # None when the card gives only the year (birth_raw keeps it)
    birth_raw: str  # BE YYYYMMDD as read
    sex: str  # "male", "female" or "" (as read)
    issuer: str
    issue_date: date | None
    expiry_date: date | None  # None: lifelong card
    address: Address

    @property
    def full_name(self) -> str:
        return f"{self.prefix}{self.first_name} {self.last_name}".strip()

    def expired(self, today: date) -> bool:
        return self.expiry_date is not None and self.expiry_date < today

    def expiry_warning(self, today: date) -> str:
        """Thai warning for an expired card ("" if valid): the holder is still who the card says."""
        if not self.expired(today):
            return ""
        assert self.expiry_date is not None
        return f"บัตรหมดอายุแล้วเมื่อ {format_be_date(self.expiry_date, style='medium')} (ยังใช้ลงชื่อได้ ควรแจ้งให้ต่ออายุบัตร)"

    def as_json(self, *, show_id: bool = False) -> dict[str, object]:
        """English keys, values as read (dates ISO, CE), the ID masked unless asked for."""
        out = asdict(self)
        out["national_id"] = self.national_id if show_id else mask_id(self.national_id)
        for key in ("birth_date", "issue_date", "expiry_date"):
            value = getattr(self, key)
            out[key] = value.isoformat() if value else None
        return out


def mask_id(nid: str) -> str:
    """1-2345-xxxxx-xx-3: enough to tell two people apart on a screen, not enough to misuse."""
    if len(nid) != 13:
        return "x" * len(nid)
    return f"{nid[0]}-{nid[1:5]}-xxxxx-xx-{nid[12]}"


def decode_text(raw: bytes) -> str:
    """Card text: TIS-620, padded with spaces (or NULs on some cards)."""
    return raw.decode(ENCODING, errors="replace").replace("\x00", " ").strip()


def split_hash(text: str, parts: int) -> list[str]:
    values = [v.strip() for v in text.split("#")]
    return (values + [""] * parts)[:parts]


def be_date(raw: str) -> date | None:
    """A BE YYYYMMDD date as the card stores it; None for an unknown month/day or 99999999 (lifelong)."""
    raw = raw.strip()
    if not re.fullmatch(r"\d{8}", raw) or raw == LIFELONG:
        return None
    year, month, day = int(raw[:4]) - 543, int(raw[4:6]), int(raw[6:8])
    try:
        return date(year, month, day)
    except ValueError:
        return None


_PLACE_PREFIXES = (
    ("subdistrict", ("ตำบล", "แขวง")),
    ("district", ("อำเภอ", "เขต")),
    ("province", ("จังหวัด",)),
)


def parse_address(text: str) -> Address:
    """Split ``house#หมู่ที่ 5#ตรอก#ซอย#ถนน#ตำบล…#อำเภอ…#จังหวัด…`` by the words that open each part."""
    parts = [p.strip() for p in text.split("#")]
    found: dict[str, str] = {}
    street: list[str] = []
    house = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        moo = re.fullmatch(r"หมู่(?:ที่)?\s*(\d+)", part)
        if moo:
            found["moo"] = str(int(moo.group(1)))
            continue
        for key, prefixes in _PLACE_PREFIXES:
            prefix = next((p for p in prefixes if part.startswith(p)), None)
            if prefix is not None and key not in found:
                found[key] = part[len(prefix) :].strip()
                break
        else:
            if part == "กรุงเทพมหานคร":
                found["province"] = part
            else:
                street.append(part)
    return Address(
        house_no=house,
        moo=found.get("moo", ""),
        street=" ".join(street),
        subdistrict=found.get("subdistrict", ""),
        district=found.get("district", ""),
        province=found.get("province", ""),
        text=" ".join(p for p in parts if p),
    )


def parse_fields(atr: bytes | list[int], raw: dict[str, bytes]) -> CardData:
    """The card's fields from the bytes each READ BINARY returned."""
    del atr  # the answers are the same on both generations; kept for symmetry with read_card
    nid = decode_text(raw["cid"])
    if not re.fullmatch(r"\d{13}", nid):
        raise CardError("unreadable", f"อ่านเลขประจำตัวจากบัตรไม่ได้ (ได้ '{nid}') กรุณาเสียบบัตรใหม่")
    prefix, first, middle, last = split_hash(decode_text(raw["name_th"]), 4)
    prefix_en, first_en, middle_en, last_en = split_hash(decode_text(raw["name_en"]), 4)
    birth_raw = decode_text(raw["birth"])
    sex = {"1": "male", "2": "female"}.get(decode_text(raw["sex"]), "")
    return CardData(
        national_id=nid,
        prefix=prefix,
        first_name=first,
        middle_name=middle,
        last_name=last,
        prefix_en=prefix_en,
        first_name_en=first_en,
        middle_name_en=middle_en,
        last_name_en=last_en,
        birth_date=be_date(birth_raw),
        birth_raw=birth_raw,
        sex=sex,
        issuer=decode_text(raw["issuer"]),
        issue_date=be_date(decode_text(raw["issued"])),
        expiry_date=be_date(decode_text(raw["expires"])),
        address=parse_address(decode_text(raw["address"])),
    )


Transmit = Callable[[list[int]], tuple[list[int], int, int]]  # APDU -> (data, SW1, SW2), pyscard's shape


def read_card(transmit: Transmit, atr: bytes | list[int]) -> CardData:
    """Select the applet, read every field (following 61 xx with this card's GET RESPONSE), parse them."""
    data, sw1, sw2 = transmit(list(SELECT))
    if not (sw1 == 0x90 and sw2 == 0x00) and sw1 != 0x61:
        raise CardError("not_thai_id", NOT_THAI_ID)
    raw: dict[str, bytes] = {}
    for name, apdu in APDUS.items():
        data, sw1, sw2 = transmit(list(apdu))
        if sw1 == 0x61:
            data, sw1, sw2 = transmit(list(get_response(atr, sw2)))
        if (sw1, sw2) != (0x90, 0x00):
            raise CardError("unreadable", f"อ่านข้อมูลบนบัตรไม่สำเร็จ (สถานะ {sw1:02X} {sw2:02X}) กรุณาเสียบบัตรใหม่")
        raw[name] = bytes(data)
    return parse_fields(atr, raw)
