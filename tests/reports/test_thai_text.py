"""Thai text for reportlab: shaping, extraction back to the same text, word-boundary line filling."""

from __future__ import annotations

import time
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from desktop.reports import thai_text as tt

STACKED = ["ที่", "ปี่", "นี้", "ชื่อ", "ผู้ใหญ่บ้าน", "ญี่ปุ่น", "ฟื้นฟู", "น้ำ", "กำนัน", "ปั้น", "ก๊วยเตี๋ยว"]


def test_shaping_moves_tone_marks_and_text_extracts_back(tmp_path: Path, pdf_text, render_first_page) -> None:
    pdf = tmp_path / "shaped.pdf"
    canvas = Canvas(str(pdf))
    y = 800
    for word in STACKED:
        tt.draw_text(canvas, 50, y, word, tt.FONT_REGULAR, 16)
        tt.draw_text(canvas, 300, y, word, tt.FONT_BOLD, 16)
        y -= 30
    canvas.save()
    lines = pdf_text(pdf)[0].split("\n")
    assert lines == [f"{w} {w}" for w in STACKED]
    render_first_page(pdf, tmp_path, "shaped")


def test_shaped_tone_mark_sits_higher_over_an_upper_vowel() -> None:
    # ปี่: HarfBuzz picks the small tone mark and moves it left of the tall ป; plain text has no marks apart.
    shaped = tt.shape("ปี่", tt.FONT_REGULAR)
    assert len(shaped.marks) == 2
    assert shaped.marks[1][1] < shaped.marks[0][1]  # the tone mark shifted left of the vowel
    assert tt.shape("ABC 123", tt.FONT_REGULAR).text == "ABC 123"  # nothing to shape: a plain string


def test_graphemes_keep_marks_with_their_base() -> None:
    assert tt.graphemes("น้ำใจ") == ["น้ำ", "ใจ"]
    assert "".join(tt.graphemes("ผู้ใหญ่บ้าน")) == "ผู้ใหญ่บ้าน"
    for g in tt.graphemes("ผู้ใหญ่บ้านญี่ปุ่นฟื้นฟู"):
        assert (
            g[0]
            not in "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
        )


def _boundaries(tokens: list[str]) -> set[int]:
    out, pos = {0}, 0
    for tok in tokens:
        pos += len(tok)
        out.add(pos)
    return out


def test_wrap_breaks_only_between_words_and_fits() -> None:
    text = (
        "โครงการยกระดับคุณภาพชีวิตแรงงานนอกระบบโดยเครือข่ายชุมชนผ่านการขึ้นทะเบียนแรงงานนอกระบบ "
        "(แรงงานอิสระ) ผู้ใหญ่บ้านที่ได้รับการแต่งตั้งให้เป็นครู ข ฟื้นฟูเศรษฐกิจชุมชนญี่ปุ่นปี่พาทย์"
    )
    allowed = _boundaries(tt.tokenize(text))
    for width in (80, 120, 200, 333):
        for prefer in (False, True):
            lines = tt.wrap(text, width, tt.FONT_REGULAR, 16, prefer_spaces=prefer)
            assert len(lines) > 1
            pos = 0
            for line in lines:
                while text[pos].isspace():
                    pos += 1
                assert text.startswith(line, pos)
                assert pos in allowed and pos + len(line) in allowed, (line, width)
                assert tt.text_width(line, tt.FONT_REGULAR, 16) <= width + 0.01
                pos += len(line)
            assert text[pos:].strip() == ""


def test_a_word_wider_than_the_line_breaks_between_grapheme_clusters() -> None:
    word = "ผู้ใหญ่บ้านญี่ปุ่นฟื้นฟู"
    lines = tt.wrap(word, 30, tt.FONT_REGULAR, 16)
    assert "".join(lines) == word and len(lines) > 2
    for line in lines:
        assert tt.graphemes(line) == tt.graphemes(line)  # well formed
        assert (
            line[0]
            not in "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
        )
        assert tt.text_width(line, tt.FONT_REGULAR, 16) <= 30 or len(tt.graphemes(line)) == 1


def test_prefer_spaces_keeps_a_name_whole() -> None:
    assert tt.wrap("นางสาวพรทิพย์ ศรีสุข", 110, tt.FONT_REGULAR, 16, prefer_spaces=True) == [
        "นางสาวพรทิพย์",
        "ศรีสุข",
    ]


def test_segmentation_is_fast_after_the_first_call() -> None:
    tt.tokenize("ทดสอบการตัดคำภาษาไทย")
    started = time.perf_counter()
    for i in range(200):
        tt.tokenize(f"ผู้ใหญ่บ้านหมู่ที่ {i} ตำบลในเมือง อำเภอเมืองขอนแก่น")
    assert time.perf_counter() - started < 1.0
