"""The budget categories of a round: their codes (stored, synced, in the hidden format sheet) and Thai names."""

from __future__ import annotations

# Budget lines of a round (DOMAIN.md, "Training expenses"), in the order they are shown and printed.
CATEGORY_LABELS: dict[str, str] = {
    "lunch": "ค่าอาหารกลางวัน",
    "snack": "ค่าอาหารว่างและเครื่องดื่ม",
    "lecturer": "ค่าตอบแทนวิทยากร",
    "venue": "ค่าเช่าสถานที่",
    "materials": "ค่าวัสดุ",
    "transport": "ค่าพาหนะผู้เข้ารับการฝึกอบรม",
    "signage": "ค่าป้ายโครงการ",
}

_CODES = {label: code for code, label in CATEGORY_LABELS.items()}


def category_label(category: str) -> str:
    """The Thai name a person reads; an unknown code is shown as it is."""
    return CATEGORY_LABELS.get(category, category)


def category_code(text: str) -> str:
    """The code of a category written by its Thai name (or already as its code)."""
    return _CODES.get(text.strip(), text.strip())
