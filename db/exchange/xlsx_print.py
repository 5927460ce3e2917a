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
CALIBRI_DIGIT_PX = 7  # a column-width unit in Excel (and LibreOffice with Carlito): Calibri 11's digit
# LibreOffice without Calibri or Carlito measures widths with its fallback (DejaVu Sans 11: 9.33 px a digit),
# so every column prints wider there than Excel's page set-up assumes.
FALLBACK_DIGIT_PX = 9.4


def column_points(width: float, *, digit_px: float = CALIBRI_DIGIT_PX) -> float:
    """A column's printed width in points: the reader's pixels for its default font (Calibri 11: 7 px a digit)."""
    return (int(width * digit_px + 0.5) + 5) * 0.75 if width > 0 else 0.0


def print_scale(
    widths: Sequence[float], *, margin_in: float = MARGIN_IN, digit_px: float = CALIBRI_DIGIT_PX
) -> float:
    """The scale at which the columns fill one A4 landscape page's width (1 when they fit as they are)."""
    printable_pt = A4_LANDSCAPE_WIDTH_PT - 2 * margin_in * 72
    total_pt = sum(column_points(w, digit_px=digit_px) for w in widths)
    return min(1.0, printable_pt / total_pt) if total_pt else 1.0


def print_percent(widths: Sequence[float]) -> int:
    """The sheet's print scale in percent: one page wide when that keeps text ≥ 9 pt, else the readable minimum.

    How wide a column prints depends on the reader's default font (LibreOffice without Calibri makes every
    column wider): "fit to width" is used only where ``fits_readably`` (the widest reader still ≥ 9 pt).
    """
    readable = math.ceil(100 * MIN_PRINT_PT / BODY_PT)
    return max(readable, min(100, math.floor(100 * print_scale(widths))))


def header_text(text: str) -> str:
    """Text for a page header or footer (& is its escape character)."""
    return text.replace("&", "&&")


def fits_readably(widths: Sequence[float]) -> bool:
    """Fitted one page wide, the text stays ≥ 9 pt even in a reader measuring with the wider fallback font."""
    return print_scale(widths, digit_px=FALLBACK_DIGIT_PX) >= MIN_PRINT_PT / BODY_PT
