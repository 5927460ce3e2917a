"""Thai text for reportlab: the bundled Sarabun fonts, word segmentation, line filling, HarfBuzz shaping.

Three things reportlab does not do for Thai on its own (see DOMAIN.md, "Thai text on screen and paper"):

* **Shaping.** Plain ``drawString`` puts a tone mark inside an upper vowel (ที่, ปี่). :func:`shape` runs
  HarfBuzz (uharfbuzz) over the text and returns a reportlab ``ShapedStr``: the glyphs Sarabun's GSUB
  picks (``uni0E48.small``, ``uni0E35.narrow``, the ligature for นํ้ + า …) with GPOS offsets, which
  reportlab 5.1's text object draws glyph by glyph (``TJ`` with offsets, ``Ts`` for rises).
* **Text that extracts back.** reportlab's own ``shapeStr`` gives a substituted glyph with no Unicode
  code point a private-use code and writes that into the ToUnicode CMap, so ``ที่`` extracts as
  ``ที`` + U+E000; SARA AM comes back decomposed (``นํา``); and pdfplumber, which orders the characters
  of a line by x, puts a tone mark HarfBuzz moved left before its vowel (and inserts spaces after it).
  Giving the marks an empty ToUnicode text does not help either: pdfplumber makes each empty-text
  character a word of its own (``'' in ''`` is true in its punctuation test). So here only the glyphs
  that advance the pen are PDF text, each carrying the whole text of its grapheme through its
  ToUnicode entry (``ที่`` on the glyph ท, ``้ำ`` on the า of น้ำ); the zero-width marks above and
  below are drawn as vector outlines (HarfBuzz draws the glyph into a form XObject made once per
  canvas) at HarfBuzz's positions. Extraction (pdfplumber, pdftotext) then gives back exactly the text
  that was written. Glyphs whose text is not their own code point are drawn through an alias code
  point in Supplementary Private Use Area-A (U+F0000…) mapped to the same glyph; a hook on
  ``ttfonts.makeToUnicodeCMap`` writes the alias's text for the fonts registered here only.
* **Line breaks.** Thai has no spaces between words, and reportlab breaks only at whitespace.
  :func:`wrap` segments with pythainlp's ``newmm`` tokenizer and fills lines by measured (shaped)
  width, breaking only between tokens; a token wider than the line is broken between grapheme
  clusters (a base with its vowels and tone marks), never between a mark and its base.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz
from reportlab import rl_config
from reportlab.graphics.renderbase import STATE_DEFAULTS
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont

from db.resources import resource_path
from db.rules.thai_dates import THAI_MONTHS, THAI_MONTHS_ABBR

__all__ = [
    "FONT_BOLD",
    "FONT_BOLD_ITALIC",
    "FONT_ITALIC",
    "FONT_REGULAR",
    "Shaped",
    "draw_text",
    "graphemes",
    "register_fonts",
    "shape",
    "text_width",
    "tokenize",
    "wrap",
]

FONT_REGULAR = "Sarabun"
FONT_BOLD = "Sarabun-Bold"
FONT_ITALIC = "Sarabun-Italic"
FONT_BOLD_ITALIC = "Sarabun-BoldItalic"
_FONT_FILES = {
    FONT_REGULAR: "Sarabun-Regular.ttf",
    FONT_BOLD: "Sarabun-Bold.ttf",
    FONT_ITALIC: "Sarabun-Italic.ttf",
    FONT_BOLD_ITALIC: "Sarabun-BoldItalic.ttf",
}
_FEATURES = {"kern": True, "liga": True}
_ALIAS_FIRST = 0xF0000  # Supplementary Private Use Area-A: no font here maps anything there
_ALIAS_LAST = 0xFFFFD

_lock = threading.RLock()
_registered = False
_hb_fonts: dict[str, uharfbuzz.Font] = {}
# font name -> {(glyph id, text, width): alias code point}
_alias_codes: dict[str, dict[tuple[int, str, float], int]] = {}
# face (PostScript) name -> {alias code point: text}, read by the ToUnicode hook
_alias_text: dict[str, dict[int, str]] = {}
_next_alias: dict[str, int] = {}
_original_make_cmap = ttfonts.makeToUnicodeCMap


def register_fonts() -> None:
    """Register the four bundled Sarabun faces with reportlab (once per process) and the ToUnicode hook."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        # Compressed streams stay binary: ASCII85 on top made files 25 % bigger and cost a third of a
        # 1,000-person sign-in sheet's time.
        rl_config.useA85 = 0
        # Charts (reportlab.graphics) start every drawing in Helvetica, a font the PDF would not carry.
        STATE_DEFAULTS["fontName"] = FONT_REGULAR
        for name, filename in _FONT_FILES.items():
            font = TTFont(name, str(resource_path("fonts", filename)), shapable=True)
            pdfmetrics.registerFont(font)
            _alias_text[_face_name(font)] = {}
        pdfmetrics.registerFontFamily(
            FONT_REGULAR, normal=FONT_REGULAR, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        for bold, italic, name in (
            (0, 0, FONT_REGULAR),
            (1, 0, FONT_BOLD),
            (0, 1, FONT_ITALIC),
            (1, 1, FONT_BOLD_ITALIC),
        ):
            addMapping(FONT_REGULAR, bold, italic, name)
        ttfonts.makeToUnicodeCMap = _make_to_unicode_cmap
        _registered = True


def _face_name(font: TTFont) -> str:
    name = font.face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap, with the text of our alias code points (``fontname`` is SUBSET+Face)."""
    aliases = _alias_text.get(fontname.split("+", 1)[-1])
    if not aliases or not any(code in aliases for code in subset):
        return _original_make_cmap(fontname, subset)
    entries = []
    for index, code in enumerate(subset):
        text = aliases[code] if code in aliases else chr(code)
        entries.append(f"<{index:02X}> <{text.encode('utf-16-be').hex().upper()}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
        ]
        # A bfchar block holds at most 100 entries (PDF reference, 5.9.2).
        + [
            line
            for start in range(0, len(entries), 100)
            for line in (
                f"{len(entries[start : start + 100])} beginbfchar",
                *entries[start : start + 100],
                "endbfchar",
            )
        ]
        + ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    )


def _hb_font(font_name: str) -> uharfbuzz.Font:
    hb = _hb_fonts.get(font_name)
    if hb is None:
        font = pdfmetrics.getFont(font_name)
        hb = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(font.face._ttf_data)))
        _hb_fonts[font_name] = hb
    return hb


def _code_for(font: TTFont, gid: int, text: str, width: float) -> int:
    """The code point to draw glyph ``gid`` with: its own, or an alias whose ToUnicode text is ``text``."""
    face = font.face
    if len(text) == 1:
        own = ord(text)
        if face.charToGlyph.get(own) == gid and face.charWidths.get(own) == width:
            return own
    key = (gid, text, width)
    codes = _alias_codes.setdefault(font.fontName, {})
    code = codes.get(key)
    if code is not None:
        return code
    with _lock:
        code = codes.get(key)
        if code is not None:
            return code
        code = _next_alias.get(font.fontName, _ALIAS_FIRST)
        while code in face.charToGlyph:
            code += 1
        if code > _ALIAS_LAST:  # pragma: no cover - 65,534 distinct graphemes per font and process
            raise RuntimeError("too many shaped glyph variants for one font")
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = width
        _alias_text[_face_name(font)][code] = text
        _next_alias[font.fontName] = code + 1
        codes[key] = code
        return code


@dataclass(frozen=True, slots=True)
class Shaped:
    """A shaped line: ``text`` to draw with ``drawString`` and the marks to draw as outlines over it.

    ``text`` is a reportlab ``ShapedStr`` (or a plain ``str`` when shaping changed nothing) holding the
    glyphs that advance the pen, each mapped in ToUnicode to its grapheme's text; ``marks`` holds
    (glyph id, x, y) in 1/1000 of the font size from the line's origin; ``advance`` likewise.
    """

    text: str
    marks: tuple[tuple[int, float, float], ...]
    advance: float

    def width(self, size: float) -> float:
        return self.advance * size / 1000


@lru_cache(maxsize=65536)
def shape(text: str, font_name: str = FONT_REGULAR) -> Shaped:
    """Shape ``text`` with HarfBuzz in one of the registered fonts (see the module docstring)."""
    register_fonts()
    if not text:
        return Shaped("", (), 0.0)
    font = pdfmetrics.getFont(font_name)
    hb = _hb_font(font_name)
    buf = uharfbuzz.Buffer()
    buf.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buf.add_str(text)
    buf.guess_segment_properties()
    uharfbuzz.shape(hb, buf, _FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    scale = font.face._pdfScale
    # Group the glyphs: each glyph that advances the pen starts a group; zero-width marks join the
    # group before them. A group's text runs from its first cluster to the next group's first cluster.
    starts = [i for i, p in enumerate(positions) if p.x_advance != 0 or i == 0]
    group_text: dict[int, str] = {}
    for n, i in enumerate(starts):
        begin = 0 if n == 0 else infos[i].cluster
        end = infos[starts[n + 1]].cluster if n + 1 < len(starts) else len(text)
        group_text[i] = text[begin:end]
    chars: list[str] = []
    data: list[ShapeData] = []
    marks: list[tuple[int, float, float]] = []
    pen = 0.0
    plain = True
    for i, (info, pos) in enumerate(zip(infos, positions, strict=True)):
        x_advance, x_offset = scale(pos.x_advance), scale(pos.x_offset)
        y_advance, y_offset = scale(pos.y_advance), scale(pos.y_offset)
        glyph_text = group_text.get(i, "")
        if not glyph_text:  # a mark (or a glyph with no text of its own): drawn as an outline
            marks.append((info.codepoint, pen + x_offset, y_offset))
            pen += x_advance
            plain = False
            continue
        width = scale(hb.get_glyph_h_advance(info.codepoint))
        code = _code_for(font, info.codepoint, glyph_text, width)
        plain = plain and code < _ALIAS_FIRST and x_offset == 0 and y_offset == 0 and x_advance == width
        chars.append(chr(code))
        data.append(ShapeData(info.cluster, x_advance, y_advance, x_offset, y_offset, width))
        pen += x_advance
    joined = "".join(chars)
    return Shaped(joined if plain else ShapedStr(joined, shapeData=data), tuple(marks), pen)


def text_width(text: str, font_name: str = FONT_REGULAR, size: float = 16) -> float:
    """Width in points of ``text`` as drawn after shaping (kerning included)."""
    return shape(text, font_name).width(size)


class _OutlinePen:
    """A fontTools-style pen (what uharfbuzz draws into) that writes a reportlab path."""

    def __init__(self, path) -> None:
        self.path = path
        self.current = (0.0, 0.0)

    def moveTo(self, p) -> None:
        self.path.moveTo(*p)
        self.current = p

    def lineTo(self, p) -> None:
        self.path.lineTo(*p)
        self.current = p

    def curveTo(self, c1, c2, p) -> None:
        self.path.curveTo(*c1, *c2, *p)
        self.current = p

    def qCurveTo(self, c, p) -> None:
        (x0, y0), (cx, cy) = self.current, c
        self.path.curveTo(
            x0 + 2 * (cx - x0) / 3,
            y0 + 2 * (cy - y0) / 3,
            p[0] + 2 * (cx - p[0]) / 3,
            p[1] + 2 * (cy - p[1]) / 3,
            *p,
        )
        self.current = p

    def closePath(self) -> None:
        self.path.close()


def _mark_form(canvas, font_name: str, gid: int) -> str:
    """The name of a form XObject holding glyph ``gid``'s outline at 1000 units, made once per canvas."""
    name = f"thaimark_{font_name}_{gid}"
    made = canvas.__dict__.setdefault("_krukhor_thai_marks", set())
    if name not in made:
        canvas.beginForm(name, lowerx=-1000, lowery=-1000, upperx=2000, uppery=2000)
        path = canvas.beginPath()
        _hb_font(font_name).draw_glyph_with_pen(gid, _OutlinePen(path))
        canvas.drawPath(path, stroke=0, fill=1, fillMode=1)
        canvas.endForm()
        made.add(name)
    return name


def draw_text(
    canvas, x: float, y: float, text: str, font_name: str, size: float, *, align: str = "left"
) -> float:
    """Draw one line of shaped text at (x, y) aligned left, centre or right of x; return its width."""
    shaped = shape(text, font_name)
    width = shaped.width(size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.setFont(font_name, size)
    canvas.drawString(x, y, shaped.text)
    k = size / 1000
    for gid, dx, dy in shaped.marks:
        form = _mark_form(canvas, font_name, gid)
        canvas.saveState()
        canvas.transform(k, 0, 0, k, x + dx * k, y + dy * k)
        canvas.doForm(form)
        canvas.restoreState()
    return width


# ---------------------------------------------------------------------------------------------- words


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, engine="newmm", keep_whitespace=True))


def tokenize(text: str) -> list[str]:
    """Words and spaces of ``text`` (pythainlp newmm); their concatenation is ``text``."""
    if not text:
        return []
    tokens = list(_tokens(text))
    if "".join(tokens) != text:  # pragma: no cover - newmm keeps every character
        raise AssertionError("tokenizer lost characters")
    return tokens


# A grapheme cluster: leading vowels (เ แ โ ใ ไ) with what follows them, then a base character with
# its above/below vowels, tone marks, SARA AM and other marks (U+0E31, U+0E33-0E3A, U+0E47-0E4E),
# plus any general combining mark.
_GRAPHEME_RE = re.compile(
    r"[\u0e40-\u0e44]*(?:[^\u0e31\u0e33-\u0e3a\u0e47-\u0e4e\u0300-\u036f\u200b-\u200d]|$)"
    r"[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e\u0300-\u036f\u200b-\u200d]*",
    re.DOTALL,
)


def graphemes(text: str) -> list[str]:
    """Split text into grapheme clusters: a base and its marks stay together (น้ำ is one cluster)."""
    out = [m.group(0) for m in _GRAPHEME_RE.finditer(text) if m.group(0)]
    return out


def _split_long(token: str, width: float, first_room: float, font_name: str, size: float) -> list[str]:
    """Break a token wider than a line between grapheme clusters: the first piece fits ``first_room``."""
    pieces, current, room = [], "", first_room
    for cluster in graphemes(token):
        if current and text_width(current + cluster, font_name, size) > room:
            pieces.append(current)
            current, room = cluster, width
        else:
            current += cluster
    if current:
        pieces.append(current)
    return pieces


def wrap(
    text: str,
    width: float,
    font_name: str = FONT_REGULAR,
    size: float = 16,
    *,
    prefer_spaces: bool = False,
) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points, only between words.

    Words come from :func:`tokenize`. Spaces at a break are dropped; explicit newlines are kept as
    breaks. With ``prefer_spaces`` (names, addresses), a space-separated chunk that does not fit on
    the current line moves whole to the next line if it fits there, rather than being split into its
    words. A single word wider than the line is broken between grapheme clusters.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, font_name, size, prefer_spaces))
    return lines


# A line never ends with one of these words: each stays with the word after it ("ณ ห้องประชุม", "วันที่ 9").
BIND_NEXT = frozenset({"ณ", "วันที่", "พ.ศ.", "ค.ศ.", "รุ่นที่", "ฉบับที่", "เลขที่", "ลงวันที่"})
_MONTHS = frozenset(THAI_MONTHS) | frozenset(THAI_MONTHS_ABBR)
_DAY = re.compile(r"^[–-]?[0-9๐-๙]{1,2}$")  # 9, or the end of a range "–10"
_RANGE_END = re.compile(r"^[–-][0-9๐-๙]{1,2}$")
_YEAR = re.compile(r"^[0-9๐-๙]{4}$")


def _binds(left: str, right: str, *, year: bool = True) -> bool:
    """Whether a line may not break between the words ``left`` and ``right``."""
    return (
        left in BIND_NEXT
        or (_DAY.match(left) is not None and (right in _MONTHS or _RANGE_END.match(right) is not None))
        or (year and left in _MONTHS and _YEAR.match(right) is not None)
    )


def bound_tokens(tokens: list[str], *, year: bool = True) -> list[str]:
    """Tokens with the ones that must share a line merged (spaces between them included): a date stays whole
    ("9–10 ธันวาคม 2568"), "ณ" and "วันที่" stay with what follows. Without ``year``, a year may leave its month
    (the fallback when a whole date is wider than the line)."""
    out: list[str] = []
    last_word = ""  # the last word of out[-1], when out[-1] is a word
    pending: list[str] = []  # spaces seen since out[-1]
    for tok in tokens:
        if tok.isspace():
            pending.append(tok)
            continue
        if out and last_word and _binds(last_word, tok, year=year):
            out[-1] += "".join(pending) + tok
        else:
            out.extend(pending)
            out.append(tok)
        pending = []
        last_word = tok
    out.extend(pending)
    return out


def _chunks(tokens: list[str]) -> list[list[str]]:
    """Tokens grouped into space-separated chunks; each space is a chunk of its own."""
    chunks: list[list[str]] = []
    for tok in tokens:
        if tok.isspace() or not chunks or chunks[-1][0].isspace():
            chunks.append([tok])
        else:
            chunks[-1].append(tok)
    return chunks


def _wrap_paragraph(text: str, width: float, font_name: str, size: float, prefer_spaces: bool) -> list[str]:
    if not text.strip():
        return [""]
    measure = lambda s: text_width(s, font_name, size)  # noqa: E731
    lines: list[str] = []
    line = ""

    def flush() -> None:
        nonlocal line
        lines.append(line.rstrip())
        line = ""

    def add_token(tok: str) -> None:
        nonlocal line
        if tok.isspace():
            if line:
                line += tok
            return
        if measure(line + tok) <= width:
            line += tok
            return
        if line.strip():
            flush()
        if measure(tok) <= width:
            line = tok
            return
        if " " in tok.strip():  # words bound together that no line can hold: the least bad break first
            weaker = bound_tokens(tokenize(tok), year=False)
            for part in weaker if len(weaker) > 1 else tokenize(tok):
                add_token(part)
            return
        pieces = _split_long(tok, width, width, font_name, size)
        for piece in pieces[:-1]:
            lines.append(piece)
        line = pieces[-1]

    for chunk in _chunks(bound_tokens(tokenize(text.strip()))):
        joined = "".join(chunk)
        if chunk[0].isspace():
            add_token(joined)
            continue
        if measure(line + joined) <= width:
            line += joined
            continue
        if prefer_spaces and line.strip() and measure(joined) <= width:
            flush()
            line = joined
            continue
        for tok in chunk:
            add_token(tok)
    if line.strip() or not lines:
        flush()
    return lines
