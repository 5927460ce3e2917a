"""A ruled table for the money documents: wrapped Thai cells, right-aligned figures, a shaded heading row."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, text_width, wrap

PAD = 4.0


@dataclass(frozen=True)
class Col:
    title: str
    width: float
    align: str = "left"  # left, right, center


@dataclass(frozen=True)
class Row:
    cells: tuple[tuple[str, ...], ...]  # wrapped lines per column
    height: float
    bold: bool = False


def make_row(
    texts: list[str], cols: list[Col], *, size: float, lead: float, min_height: float = 0, bold: bool = False
) -> Row:
    font = FONT_BOLD if bold else FONT_REGULAR
    cells = tuple(_cell(t, c.width - 2 * PAD, font, size) for t, c in zip(texts, cols, strict=True))
    height = max(min_height, max((len(c) for c in cells), default=1) * lead + 2 * PAD)
    return Row(cells, height, bold)


def _cell(text: str, width: float, font: str, size: float) -> tuple[str, ...]:
    if not text:
        return ()
    if "\n" not in text and text_width(text, font, size) <= width:
        return (text,)  # fits: no word segmentation needed (most cells of a pay list)
    return tuple(wrap(text, width, font, size, prefer_spaces=True))


def head_row(cols: list[Col], *, size: float, lead: float) -> Row:
    return make_row([c.title for c in cols], cols, size=size, lead=lead, bold=True)


def draw_row(
    canvas: Canvas,
    x0: float,
    top: float,
    row: Row,
    cols: list[Col],
    *,
    size: float,
    lead: float,
    shade: bool = False,
    center_all: bool = False,
) -> float:
    """Draw one row with its top at ``top``; return the y of its bottom."""
    font = FONT_BOLD if row.bold else FONT_REGULAR
    total = sum(c.width for c in cols)
    canvas.setLineWidth(0.5)
    if shade:
        canvas.setFillGray(0.9)
        canvas.rect(x0, top - row.height, total, row.height, stroke=0, fill=1)
        canvas.setFillGray(0)
    x = x0
    for lines, col in zip(row.cells, cols, strict=True):
        canvas.rect(x, top - row.height, col.width, row.height)
        block = len(lines) * lead
        y = (
            top - (row.height - block) / 2 - lead + size * 0.3
            if center_all
            else top - PAD - lead + size * 0.3
        )
        for line in lines:
            align = "center" if center_all else col.align
            if align == "right":
                draw_text(canvas, x + col.width - PAD, y, line, font, size, align="right")
            elif align == "center":
                draw_text(canvas, x + col.width / 2, y, line, font, size, align="center")
            else:
                draw_text(canvas, x + PAD, y, line, font, size)
            y -= lead
        x += col.width
    return top - row.height


def dotted_fill(
    canvas: Canvas, x: float, y: float, parts: list[str | float], *, size: float, align: str = "center"
) -> None:
    """Draw text pieces with dotted blanks between them (a float is a blank that wide), centred on x.

    The dots are a dashed rule, not hundreds of "." glyphs: a page of signature lines stays cheap to draw.
    """
    widths = [p if isinstance(p, float) else text_width(p, FONT_REGULAR, size) for p in parts]
    total = sum(widths)
    start = x - total / 2 if align == "center" else x
    canvas.saveState()
    canvas.setLineWidth(0.8)
    canvas.setDash(0.8, 2.2)
    for part, width in zip(parts, widths, strict=True):
        if isinstance(part, float):
            canvas.line(start + 1, y - 1, start + width - 1, y - 1)
        else:
            draw_text(canvas, start, y, part, FONT_REGULAR, size)
        start += width
    canvas.restoreState()
