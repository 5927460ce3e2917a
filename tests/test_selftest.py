"""The installation self-test: passes here, and fails with exit 1 naming the step when something is broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import db.resources
from desktop import selftest
from desktop.cli import main as cli_main
from desktop.selftest import STEPS, SelfTestError, run_self_test


@pytest.fixture
def resources_without_bold_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of resources/ with Sarabun-Bold.ttf missing, as in a bundle built without it."""
    copy = tmp_path / "resources"
    shutil.copytree(db.resources.resources_dir(), copy)
    (copy / "fonts" / "Sarabun-Bold.ttf").unlink()
    monkeypatch.setattr(db.resources, "resources_dir", lambda: copy)
    return copy


def test_every_step_passes_from_source(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["--self-test"])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("krukhor ") and "self-test (source" in lines[0]
    for name, _check in STEPS:
        assert any(line.startswith(f"[  OK] {name}: ") for line in lines), out
    assert "[FAIL]" not in out
    assert lines[-1].startswith(f"self-test passed: {len(STEPS)}/{len(STEPS)} steps OK")


def test_a_missing_font_fails_with_exit_1_and_names_the_file(
    resources_without_bold_font: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_file = tmp_path / "report.txt"
    code = cli_main(["--self-test", "--self-test-report", str(report_file)])
    out = capsys.readouterr().out
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("[FAIL]")]
    assert len(failed) == 1 and failed[0].startswith("[FAIL] resources: missing in "), out
    assert "Sarabun-Bold.ttf" in failed[0]
    assert out.splitlines()[-1] == "self-test FAILED: resources (1 of 6 steps failed)"
    # The report file (what a windowed Windows executable leaves behind) says the same.
    assert report_file.read_text(encoding="utf-8").splitlines()[1:] == out.splitlines()[1:]


def test_a_failing_step_does_not_stop_the_others_and_dependants_say_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_database(work: selftest.SelfTestWork) -> str:
        raise OSError("disk full")

    steps = [(name, broken_database if name == "database" else check) for name, check in STEPS]
    report = run_self_test(steps=steps)
    by_name = {s.name: s for s in report.steps}
    assert [s.name for s in report.steps] == [name for name, _ in STEPS]
    assert not by_name["database"].ok and by_name["database"].detail.startswith("OSError: disk full (at ")
    assert not by_name["pdf"].ok and by_name["pdf"].detail == "needs the database step, which failed"
    assert by_name["resources"].ok and by_name["xlsx"].ok
    assert report.exit_code == 1
    assert report.summary() == "self-test FAILED: database, pdf (2 of 6 steps failed)"


def test_a_pdf_whose_text_does_not_extract_back_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if shaping wrote glyphs without their text: extraction gives nothing Thai back.
    import pypdf

    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda self, *a, **k: "?? ??")
    report = run_self_test(steps=[s for s in STEPS if s[0] in ("database", "pdf")])
    pdf = report.steps[-1]
    assert not pdf.ok and pdf.detail.startswith("text not found in the PDF")
    assert report.exit_code == 1


def test_the_temporary_folder_is_removed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    made: list[Path] = []

    def check(work: selftest.SelfTestWork) -> str:
        made.append(work.folder)
        assert work.folder.is_dir()
        raise SelfTestError("stop here")

    report = run_self_test(steps=[("database", selftest.STEPS[2][1]), ("probe", check)])
    assert report.steps[0].ok and not report.steps[1].ok
    assert made and not made[0].exists()


def test_the_cli_still_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        cli_main([])
    assert excinfo.value.code == 2
    assert "a command is required" in capsys.readouterr().err


def test_the_database_step_fails_when_the_file_is_plain_sqlite(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import desktop.core.context as context
    from db.migrate import prepare_database

    # A build whose SQLCipher silently does nothing: the database comes out as plain SQLite.
    monkeypatch.setattr(context, "key_for_database", lambda path, recovery_key=None: None)
    monkeypatch.setattr(context, "prepare_database", lambda db, backup=True, key=None: prepare_database(db))
    code = cli_main(["--self-test"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "[FAIL] database:" in out and "not encrypted" in out
