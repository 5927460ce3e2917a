"""Helpers for the PDF tests: text extraction and a rendered page image for people to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageStat


def pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def column_text(path: Path, x0: float, x1: float) -> str:
    """The text of a vertical strip of every page (one table column), white space removed."""
    with pdfplumber.open(path) as pdf:
        text = "".join(page.crop((x0, 0, x1, page.height)).extract_text() or "" for page in pdf.pages)
    return "".join(text.split())


def render_first_page(pdf: Path, out_dir: Path, name: str) -> Path:
    """Render page 1 at 100 dpi with pdftoppm and check the image is not blank; returns the PNG."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    stem = out_dir / name
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(stem)],
        check=True,
    )
    png = stem.with_suffix(".png")
    assert png.exists()
    with Image.open(png) as img:
        stat = ImageStat.Stat(img.convert("L"))
        assert stat.var[0] > 100, "the rendered page looks blank"
    return png


@pytest.fixture(name="pdf_text")
def pdf_text_fixture():
    return pdf_text


@pytest.fixture(name="render_first_page")
def render_first_page_fixture():
    return render_first_page


@pytest.fixture(name="column_text")
def column_text_fixture():
    return column_text
