"""Thai dictionary order for names and places (pythainlp's collation), shared by tables, documents and the CLI."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pythainlp.util.collate import _thkey

from db.rules.prefixes import name_sort_key, split_prefix

__all__ = ["name_sort_key", "person_sort_key", "place_sort_key", "thai_key"]


@lru_cache(maxsize=1 << 18)
def thai_key(text: str | None) -> str:
    """A key that sorts Thai text in dictionary order: lead vowels (เ แ โ ใ ไ) after their consonant, tones last.

    Cached: a province's 75,000 names repeat (first names, family names, places), and the key is what a
    table sorts 75,000 rows by.
    """
    return _thkey(text or "")


@lru_cache(maxsize=1 << 18)
def _first_name_key(first_name: str) -> str:
    return thai_key(split_prefix(first_name)[1] if first_name else "")


def person_sort_key(row: Any) -> tuple:
    """Any row with first_name and last_name (a person, a lecturer, a payee), by name without the prefix.

    The same key as db.rules.prefixes.name_sort_key, cached by name.
    """
    return (_first_name_key(row.first_name or ""), thai_key(row.last_name or ""))


def place_sort_key(
    *, district: str = "", subdistrict: str = "", moo: int | None = None, village: str = ""
) -> tuple:
    """Places by district, subdistrict, village number, then village name, each in Thai order."""
    return (thai_key(district), thai_key(subdistrict), moo if moo is not None else 0, thai_key(village))
