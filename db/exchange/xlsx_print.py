"""How a workbook sheet prints on A4 landscape: a fixed scale that keeps text at 9 pt or more (province and national)."""

from __future__ import annotations

import math
from collections.abc import Sequence

FONT_NAME = "Sarabun"  # the face of every screen and paper of the program
BODY_PT = 14
HEAD_PT = TITLE_PT = 16
MIN_PRINT_PT = 9  # no text printed smaller than this
BODY_ROW_PT = 24  # a body row: Sarabun's line at 14 pt with its upper and lower marks
HEAD_LINE_PT = 26  # one line of the 16 pt header
MARGIN_IN = 0.5  # left and right margins
A4_LANDSCAPE_WIDTH_PT = 842


def column_points(width: float) -> float:
    """A column's printed width in points: Excel's pixels for the default font (Calibri 11: 7 px a digit)."""
    return (int(width * 7 + 0.5) + 5) * 0.75 if width > 0 else 0.0


def print_scale(widths: Sequence[float], *, margin_in: float = MARGIN_IN) -> float:
    """The scale at which the columns fill one A4 landscape page's width (1 when they fit as they are)."""
    printable_pt = A4_LANDSCAPE_WIDTH_PT - 2 * margin_in * 72
    total_pt = sum(column_points(w) for w in widths)
    return min(1.0, printable_pt / total_pt) if total_pt else 1.0


def print_percent(widths: Sequence[float]) -> int:
    """The sheet's print scale in percent: one page wide when that keeps text ≥ 9 pt, else the readable minimum.

    A fixed scale, never "fit to width": how wide a column prints depends on the reader's default font
    (LibreOffice without Calibri makes every column wider and would shrink the text below 9 pt).
    """
    readable = math.ceil(100 * MIN_PRINT_PT / BODY_PT)
    return max(readable, min(100, math.floor(100 * print_scale(widths))))


def header_text(text: str) -> str:
    """Text for a page header or footer (& is its escape character)."""
    return text.replace("&", "&&")
