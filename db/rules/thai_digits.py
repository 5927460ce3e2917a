"""Conversion between Thai digits (๐-๙) and Arabic digits (0-9); other characters are left alone."""

from __future__ import annotations

from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit

__all__ = ["to_arabic_digits", "to_thai_digits"]


def to_arabic_digits(text: str) -> str:
    """Replace every Thai digit ๐-๙ by 0-9; everything else is kept as it is."""
    if text.isascii():  # checked in C: most cells of a roster hold no Thai digit at all
        return text
    return thai_digit_to_arabic_digit(text)


def to_thai_digits(text: str) -> str:
    """Replace every Arabic digit 0-9 by ๐-๙; everything else is kept as it is."""
    return arabic_digit_to_thai_digit(text)
