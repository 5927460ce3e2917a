"""Thai dictionary order for names and places (pythainlp's collation), shared by tables, documents and the CLI."""

from __future__ import annotations

from typing import Any

from pythainlp.util.collate import _thkey

from db.rules.prefixes import name_sort_key

__all__ = ["name_sort_key", "person_sort_key", "place_sort_key", "thai_key"]


def thai_key(text: str | None) -> str:
    """A key that sorts Thai text in dictionary order: lead vowels (เ แ โ ใ ไ) after their consonant, tones last."""
    return _thkey(text or "")


def person_sort_key(row: Any) -> tuple:
    """Any row with first_name and last_name (a person, a lecturer, a payee), by name without the prefix."""
    return name_sort_key(first_name=row.first_name or "", last_name=row.last_name or "")


def place_sort_key(
    *, district: str = "", subdistrict: str = "", moo: int | None = None, village: str = ""
) -> tuple:
    """Places by district, subdistrict, village number, then village name, each in Thai order."""
    return (thai_key(district), thai_key(subdistrict), moo if moo is not None else 0, thai_key(village))
