"""The recovery key: the 256-bit data key written for people, in groups of four (XXXX-XXXX-…)."""

from __future__ import annotations

from desktop.core.errors import CoreError

# Crockford's base32: no I, L, O or U, so a printed key is not misread; I/L read as 1 and O as 0.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ = {c: i for i, c in enumerate(ALPHABET)} | {"I": 1, "L": 1, "O": 0}
KEY_BYTES = 32
CHARS = 52  # ceil(256 / 5)


class BadRecoveryKeyError(CoreError):
    """The recovery key typed is not one (wrong length or letters), or does not open this database."""


def format_recovery_key(key: bytes) -> str:
    number = int.from_bytes(key, "big")
    chars = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CHARS)))
    return "-".join(chars[i : i + 4] for i in range(0, CHARS, 4))


def parse_recovery_key(text: str) -> bytes:
    cleaned = "".join(c for c in text.upper() if c not in "- \t\r\n")
    bad = sorted({c for c in cleaned if c not in _READ})
    if bad or len(cleaned) != CHARS:
        raise BadRecoveryKeyError(
            "กุญแจกู้คืนไม่ถูกต้อง: ต้องเป็นตัวอักษรและตัวเลข 52 ตัว เป็นกลุ่มละ 4 ตัว "
            f"เช่น XXXX-XXXX-… (ที่พิมพ์มามี {len(cleaned)} ตัว"
            + (f", มีตัวที่ใช้ไม่ได้: {' '.join(bad)}" if bad else "")
            + ")"
        )
    number = 0
    for c in cleaned:
        number = number * 32 + _READ[c]
    if number >> (8 * KEY_BYTES):
        raise BadRecoveryKeyError("กุญแจกู้คืนไม่ถูกต้อง: ตัวแรกของกุญแจพิมพ์ผิด")
    return number.to_bytes(KEY_BYTES, "big")
