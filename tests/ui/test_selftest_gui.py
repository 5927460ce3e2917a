"""The GUI's self-test adds a Qt step: the offscreen platform, the Sarabun font and the main window."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop import app
from desktop.selftest import STEPS


def test_gui_self_test_passes_with_the_qt_step(
    qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_file = tmp_path / "gui-report.txt"
    code = app.main(["--self-test", "--self-test-report", str(report_file)])
    out = capsys.readouterr().out
    assert code == 0, out
    qt_line = next(line for line in out.splitlines() if " qt: " in line)
    assert qt_line.startswith("[  OK] qt: platform offscreen, font Sarabun loaded")
    assert "1 round and 1 person" in qt_line
    total = len(STEPS) + 1
    assert (
        report_file.read_text(encoding="utf-8")
        .splitlines()[-1]
        .startswith(f"self-test passed: {total}/{total} steps OK")
    )


def test_gui_self_test_fails_when_the_font_does_not_load(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import desktop.ui.fonts as fonts

    monkeypatch.setattr(fonts, "FAMILY", "Sarabun Missing")  # a family no font file provides
    code = app.main(["--self-test"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[FAIL] qt: the Sarabun Missing font did not load" in out
