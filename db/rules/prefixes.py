"""Name prefixes (คำนำหน้าชื่อ): the forms people type and the one stored, shared by forms and imports."""

from __future__ import annotations

__all__ = ["PREFIXES", "PREFIX_CANONICAL", "canonical_prefix"]

# Prefixes as they are typed, with the canonical form stored. Matched longest first, ignoring spaces,
# so "ว่าที่ ร.ต." and "ว่าที่ร.ต." are one prefix. Unlisted prefixes stay in the name as typed.
PREFIX_CANONICAL: dict[str, str] = {
    "นาย": "นาย",
    "นาง": "นาง",
    "นางสาว": "นางสาว",
    "น.ส.": "นางสาว",
    "นส.": "นางสาว",
    "ว่าที่ร้อยตรี": "ว่าที่ร้อยตรี",
    "ว่าที่ร.ต.": "ว่าที่ร้อยตรี",
    "ว่าที่ร้อยตรีหญิง": "ว่าที่ร้อยตรีหญิง",
    "ว่าที่ร.ต.หญิง": "ว่าที่ร้อยตรีหญิง",
    "ว่าที่ร้อยโท": "ว่าที่ร้อยโท",
    "ว่าที่ร.ท.": "ว่าที่ร้อยโท",
    "ว่าที่ร้อยเอก": "ว่าที่ร้อยเอก",
    "ว่าที่ร.อ.": "ว่าที่ร้อยเอก",
    "ร.ต.": "ร.ต.",
    "ร.ท.": "ร.ท.",
    "ร.อ.": "ร.อ.",
    "พ.ต.": "พ.ต.",
    "พ.ท.": "พ.ท.",
    "พ.อ.": "พ.อ.",
    "ส.ต.": "ส.ต.",
    "ส.ท.": "ส.ท.",
    "ส.อ.": "ส.อ.",
    "จ.ส.ต.": "จ.ส.ต.",
    "จ.ส.ท.": "จ.ส.ท.",
    "จ.ส.อ.": "จ.ส.อ.",
    "จ.ต.": "จ.ต.",
    "จ.ท.": "จ.ท.",
    "จ.อ.": "จ.อ.",
    "พ.จ.ต.": "พ.จ.ต.",
    "พ.จ.ท.": "พ.จ.ท.",
    "พ.จ.อ.": "พ.จ.อ.",
    "พลฯ": "พลฯ",
    "ส.ต.ต.": "ส.ต.ต.",
    "ส.ต.ท.": "ส.ต.ท.",
    "ส.ต.อ.": "ส.ต.อ.",
    "ด.ต.": "ด.ต.",
    "ร.ต.ต.": "ร.ต.ต.",
    "ร.ต.ท.": "ร.ต.ท.",
    "ร.ต.อ.": "ร.ต.อ.",
    "พ.ต.ต.": "พ.ต.ต.",
    "พ.ต.ท.": "พ.ต.ท.",
    "พ.ต.อ.": "พ.ต.อ.",
    "ดร.": "ดร.",
    "นพ.": "นพ.",
    "พญ.": "พญ.",
    "ผศ.": "ผศ.",
    "รศ.": "รศ.",
    "ศ.": "ศ.",
}
# The stored forms, for the person form's list: the everyday ones first, then the table's order.
PREFIXES: tuple[str, ...] = tuple(dict.fromkeys(PREFIX_CANONICAL.values()))


def canonical_prefix(text: str) -> str:
    """ "น.ส." → "นางสาว", "ว่าที่ ร.ต." → "ว่าที่ร้อยตรี"; a prefix not in the table is kept as typed (trimmed)."""
    text = " ".join(text.split())
    return PREFIX_CANONICAL.get(text, PREFIX_CANONICAL.get(text.replace(" ", ""), text))
