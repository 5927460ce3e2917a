"""The dashboard shows the workbook's numbers and renders its charts offscreen; summary PDFs; the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from db.exchange.workbook_reader import read_workbook
from db.rules.money import format_baht
from desktop.cli import main
from desktop.core.context import AppContext
from desktop.reports.summary_pdf import write_province_summary, write_round_summary
from desktop.reports.workbook import export_workbook
from tests.exports.conftest import add_results
from tests.reports.conftest import pdf_text, render_first_page

FY = 2569


def test_dashboard_numbers_match_the_workbook_and_charts_render(results_ctx, qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.ui.fonts import apply_app_font
    from desktop.ui.pages.home_page import HomePage
    from desktop.ui.tasks import TaskRunner

    apply_app_font(QApplication.instance())
    runner = TaskRunner()
    page = HomePage(results_ctx, runner)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    page.year_box.setCurrentIndex(page.year_box.findData(FY))
    qtbot.waitUntil(lambda: page.figures.fiscal_year == FY and runner.idle, timeout=10_000)
    export_workbook(results_ctx, fiscal_year=FY, out_path=tmp_path / "w.xlsx")
    book = read_workbook(tmp_path / "w.xlsx")
    trained = sum(d.trained_to_date for d in book.districts)
    target = sum(d.target for d in book.districts)
    assert page.cards["trained"].value.text() == f"{trained:,} / {target:,}"
    assert page.cards["budget"].value.text() == format_baht(book.budget.spent_satang)
    assert page.cards["registrations"].value.text() == f"{sum(d.registrations for d in book.districts):,}"
    assert page.cards["rounds"].value.text() == str(len(book.rounds))
    assert [r[0] for r in page.district_chart.rows] == [d.name for d in book.districts]
    assert page.burn_chart.chart().series()[1].count() > 0
    shot = tmp_path / "dashboard.png"
    assert page.grab().save(str(shot)) and shot.stat().st_size > 20_000
    image = page.district_chart.grab().toImage()
    colours = {
        image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert "#1f4e79" in colours  # the trained bars were drawn
    runner.wait()


def test_province_summary_pdf_has_the_figures(results_ctx: AppContext, tmp_path: Path) -> None:
    out = tmp_path / "province.pdf"
    f = write_province_summary(results_ctx, fiscal_year=FY, out_path=out)
    pages = pdf_text(out)
    assert f"ปีงบประมาณ {FY}" in pages[0]
    assert format_baht(f.budget.spent_satang) in pages[0]
    assert f"{f.total('trained_to_date'):,}" in pages[0]
    assert all(d.name in "".join(pages) for d in f.districts)
    render_first_page(out, tmp_path, "province")


def test_round_summary_pdf(results_ctx: AppContext, tmp_path: Path) -> None:
    from desktop.core.exports.figures import province_figures

    rnd = next(r for r in province_figures(results_ctx, fiscal_year=FY).rounds if r.paid_satang)
    out = tmp_path / "round.pdf"
    write_round_summary(results_ctx, round_id=rnd.id, out_path=out)
    text = pdf_text(out)[0]
    assert f"สรุปรุ่นที่ {rnd.number}/{FY}" in text
    assert format_baht(rnd.paid_satang) in text and "ค่าอาหารกลางวัน" in text
    render_first_page(out, tmp_path, "round")


def test_cli_export_import_and_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    assert main(["--db", str(db), "demo", "--people", "200", "--no-accounts"]) == 0
    ctx = AppContext.open(db, backup=False)
    add_results(ctx)
    out = tmp_path / "w.xlsx"
    capsys.readouterr()
    assert main(["--db", str(db), "export", "workbook", "--fy", str(FY), "--out", str(out)]) == 0
    assert "ส่งออกสมุดงานปีงบประมาณ 2569 แล้ว" in capsys.readouterr().out
    assert main(["--db", str(db), "read-workbook", str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meta"]["fiscal_year"] == FY and data["people"]
    nid = data["people"][0]["national_id"]
    reg = tmp_path / "reg.csv"
    reg.write_text(f"เลขประจำตัวประชาชนครู ข,จำนวน\n{nid},300\n0000000000000,1\n", encoding="utf-8")
    assert main(["--db", str(db), "import-registrations", str(reg)]) == 0
    printed = capsys.readouterr().out
    assert "ไม่รับ 1 แถว" in printed and "แถว 3 คอลัมน์ A" in printed
    assert main(["--db", str(db), "registrations"]) == 0
    assert f"{nid}," in capsys.readouterr().out
    assert (
        main(["--db", str(db), "export", "summary", "--fy", str(FY), "--out", str(tmp_path / "s.pdf")]) == 0
    )
    assert (tmp_path / "s.pdf").stat().st_size > 1000
    bad = tmp_path / "bad.xlsx"
    bad.write_text("x")
    assert main(["--db", str(db), "read-workbook", str(bad)]) == 1
    assert "เปิดไฟล์ไม่ได้" in capsys.readouterr().err
    ctx.close()


def test_import_registrations_from_the_home_page(results_ctx, qtbot, tmp_path: Path) -> None:
    from desktop.ui.pages.home_page import HomePage
    from desktop.ui.tasks import TaskRunner

    runner = TaskRunner()
    page = HomePage(results_ctx, runner)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    page.year_box.setCurrentIndex(page.year_box.findData(FY))
    qtbot.waitUntil(lambda: page.figures.fiscal_year == FY and runner.idle, timeout=10_000)
    before = page.figures.total("registrations")
    from desktop.core.people.people import list_people

    nid = next(p.national_id for p in list_people(results_ctx) if p.national_id[0] == "3")
    reg = tmp_path / "reg.csv"
    reg.write_text(f"เลขประจำตัวประชาชนครู ข,เลขที่ลงทะเบียน\n{nid},A1\n{nid},A2\n123,A3\n", encoding="utf-8")
    page.import_registrations(str(reg))
    qtbot.waitUntil(lambda: page.last_import is not None and runner.idle, timeout=10_000)
    qtbot.waitUntil(lambda: page.figures.total("registrations") == before + 2, timeout=10_000)
    assert "แถว 4 คอลัมน์ A" in page.import_message.text()
    page.import_message.close()
    runner.wait()


def test_export_workbook_and_summary_from_the_home_page(results_ctx, qtbot, tmp_path: Path) -> None:
    from desktop.ui.pages.home_page import HomePage
    from desktop.ui.tasks import TaskRunner

    runner = TaskRunner()
    page = HomePage(results_ctx, runner)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    page.year_box.setCurrentIndex(page.year_box.findData(FY))
    qtbot.waitUntil(lambda: page.figures.fiscal_year == FY and runner.idle, timeout=10_000)
    book = tmp_path / "w.xlsx"
    page.export_file("workbook", str(book))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=30_000)
    assert page.last_export == (str(book), None)
    assert read_workbook(book).meta.fiscal_year == FY
    page.last_export = None
    pdf = tmp_path / "s.pdf"
    page.export_file("summary", str(pdf))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=30_000)
    assert f"ปีงบประมาณ {FY}" in pdf_text(pdf)[0]
    page.import_message.close()
    runner.wait()


def test_summary_pdf_text_is_all_sarabun_and_percentages_round_half_up(results_ctx, tmp_path: Path) -> None:
    """Chart ticks included: no character in a font the PDF does not embed; the district percentages are the
    one helper's (half up), the numbers Excel shows for the workbook's formulas."""
    import pdfplumber
    from pypdf import PdfReader

    from db.rules.percent import percent_text
    from desktop.core.exports.figures import province_figures

    out = tmp_path / "sum.pdf"
    write_province_summary(results_ctx, fiscal_year=FY, out_path=out)
    with pdfplumber.open(out) as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
    assert fonts and fonts <= {"Sarabun-Regular", "Sarabun-Bold"}, fonts
    for page in PdfReader(out).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            # A base-14 font (Helvetica) is a Type1 font without a FontFile: never embedded.
            assert font["/Subtype"] == "/TrueType" and "/FontFile2" in font["/FontDescriptor"].get_object()
    text = "\n".join(pdf_text(out))
    fig = province_figures(results_ctx, fiscal_year=FY)
    for d in fig.districts:
        assert percent_text(d.trained_to_date, d.target) in text
