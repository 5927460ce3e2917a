"""The build script's pieces: version, what goes in the bundle, the bundle check, and the NSIS script."""

from __future__ import annotations

import ast
import re
import shutil
import tomllib
from pathlib import Path

import pytest

import build_installer as bi
from desktop.paths import APP_NAME

NSI = bi.NSIS_SCRIPT.read_text(encoding="utf-8")


def test_version_comes_from_pyproject() -> None:
    with (bi.ROOT / "pyproject.toml").open("rb") as fh:
        assert bi.project_version() == tomllib.load(fh)["project"]["version"]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", "0.1.0.0"),
        ("1.2", "1.2.0.0"),
        ("2.0.1rc1", "2.0.1.0"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("3", "3.0.0.0"),
    ],
)
def test_windows_file_version_has_four_numbers(version: str, expected: str) -> None:
    assert bi.windows_file_version(version) == expected


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("pythainlp/corpus/words_th.txt", True),  # the newmm dictionary
        ("pythainlp/corpus/default_db.json", True),
        ("pythainlp/corpus/deepcut.onnx", False),
        ("pythainlp/corpus/wordnet_th.db", False),
        ("pythainlp\\corpus\\thai2rom_encoder.onnx", False),  # Windows separators
        ("resources/fonts/Sarabun-Regular.ttf", True),
        ("db/migrations/env.py", True),
        ("PySide6/Qt/translations/qtbase_en.qm", True),
        ("PySide6/translations/qt_th.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qtwebengine_zh_CN.qm", False),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", False),
    ],
)
def test_keep_data(dest: str, kept: bool) -> None:
    assert bi.keep_data(dest) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/plugins/printsupport/windowsprintersupport.dll", True),
        ("PySide6/plugins/imageformats/qjpeg.dll", True),
        ("PySide6/plugins/multimedia/ffmpegmediaplugin.dll", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt6WebEngineCore.dll", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/avcodec-61.dll", False),
        ("PySide6/Qt6Pdf.dll", True),
        ("PySide6/Qt6Charts.dll", True),
        ("PySide6/Qt6PrintSupport.dll", True),
        ("python311.dll", True),
        ("uharfbuzz/_harfbuzz.cp311-win_amd64.pyd", True),
    ],
)
def test_keep_binary(dest: str, kept: bool) -> None:
    assert bi.keep_binary(dest) is kept


def test_unused_qt_modules_are_excluded_and_the_ones_we_need_are_not() -> None:
    excluded = set(bi.excluded_modules())
    assert {
        "PySide6.QtWebEngineCore",
        "PySide6.Qt3DCore",
        "PySide6.QtMultimedia",
        "PySide6.QtQuick",
    } <= excluded
    for needed in (
        "PySide6.QtCore",
        "PySide6.QtGui",
        "PySide6.QtWidgets",
        "PySide6.QtPdf",
        "PySide6.QtCharts",
    ):
        assert needed not in excluded
    assert "PySide6.QtPrintSupport" not in excluded
    for module in ("pypdf", "openpyxl", "python_calamine", "uharfbuzz", "reportlab", "pythainlp", "alembic"):
        assert module not in excluded


def _fake_bundle(folder: Path, *, windows: bool) -> Path:
    for rel in bi.required_bundle_files(windows=windows):
        path = folder / rel
        if rel.endswith("versions"):
            path.mkdir(parents=True, exist_ok=True)
            for revision in (bi.ROOT / "db" / "migrations" / "versions").glob("*.py"):
                shutil.copy(revision, path / revision.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
    return folder


@pytest.mark.parametrize("windows", [True, False])
def test_check_bundle_accepts_a_complete_bundle(tmp_path: Path, windows: bool) -> None:
    assert bi.check_bundle(_fake_bundle(tmp_path / "krukhor", windows=windows), windows=windows) == []


def test_check_bundle_names_what_is_missing_or_unwanted(tmp_path: Path) -> None:
    folder = _fake_bundle(tmp_path / "krukhor", windows=True)
    (folder / "_internal" / "resources" / "fonts" / "OFL.txt").unlink()
    revisions = sorted((folder / "_internal" / "db" / "migrations" / "versions").glob("*.py"))
    revisions[0].unlink()
    (folder / "_internal" / "PySide6").mkdir(exist_ok=True)
    (folder / "_internal" / "PySide6" / "Qt6WebEngineCore.dll").write_bytes(b"x")
    problems = bi.check_bundle(folder, windows=True)
    assert "missing _internal/resources/fonts/OFL.txt" in problems
    assert any(p.startswith("migrations in the bundle") and revisions[0].name in p for p in problems)
    assert any(p.startswith("should have been left out:") and "Qt6WebEngineCore.dll" in p for p in problems)
    assert len(problems) == 3


def test_the_spec_and_its_entry_scripts_exist_and_parse() -> None:
    tree = ast.parse(bi.SPEC.read_text(encoding="utf-8"))
    assert tree.body
    for name in ("krukhor_gui.py", "krukhor_cli.py", "rthook_krukhor.py"):
        ast.parse((bi.PACKAGING / name).read_text(encoding="utf-8"))
    assert "console=False" in bi.SPEC.read_text(encoding="utf-8")  # the GUI opens no console window


# ---------------------------------------------------------------------------------- the NSIS script


def _section(name_pattern: str) -> str:
    match = re.search(rf"^Section {name_pattern}.*?^SectionEnd", NSI, re.S | re.M)
    assert match, name_pattern
    return match.group(0)


def test_installer_is_per_user_without_admin_rights() -> None:
    assert re.search(r"^RequestExecutionLevel user$", NSI, re.M)
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APP\}"$', NSI, re.M)
    assert "HKLM" not in NSI and "$PROGRAMFILES" not in NSI and "SetShellVarContext all" not in NSI
    assert 'WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"' in NSI


def test_installer_makes_start_menu_and_desktop_shortcuts() -> None:
    assert 'CreateShortCut "$SMPROGRAMS\\' in _section(r'"\$\(SEC_STARTMENU\)"')
    assert 'CreateShortCut "$DESKTOP\\' in _section(r'"\$\(SEC_DESKTOP\)"')


def test_the_data_folder_is_the_apps_and_only_an_opt_in_uninstall_section_removes_it() -> None:
    assert '!define DATA_DIR "$LOCALAPPDATA\\${APP}"' in NSI and f'!define APP "{APP_NAME}"' in NSI
    removals = [line.strip() for line in NSI.splitlines() if "DATA_DIR" in line and "RMDir" in line]
    assert removals == ['RMDir /r "${DATA_DIR}"']
    data_section = _section(r'/o "un\.\$\(SEC_UN_DATA\)"')  # /o: unticked unless the user ticks it
    assert 'RMDir /r "${DATA_DIR}"' in data_section
    assert "/SD IDNO" in data_section  # a silent uninstall keeps the data
    program = _section(r'"!\$\(SEC_PROGRAM\)"')
    assert not [
        line for line in program.splitlines() if "DATA_DIR" in line and not line.strip().startswith(";")
    ]


@pytest.mark.skipif(bi.find_makensis() is None, reason="makensis (NSIS) is not installed")
def test_the_installer_script_compiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = bi.main(["--installer-only", "--work", str(tmp_path / "build"), "--dist", str(tmp_path / "dist")])
    assert code == 0
    out_file = tmp_path / "build" / "nsis-check" / f"krukhor-{bi.project_version()}-setup-check.exe"
    assert out_file.read_bytes()[:2] == b"MZ"  # a Windows executable
    assert "installer script compiled" in capsys.readouterr().out


@pytest.mark.skipif(bi.find_makensis() is None, reason="makensis (NSIS) is not installed")
def test_a_broken_bundle_folder_fails_the_compile(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(bi.BuildError, match="makensis failed"):
        bi.compile_installer(
            bundle=empty, out_file=tmp_path / "x.exe", version="0.1.0", makensis=bi.find_makensis() or ""
        )


def test_every_code_folder_is_a_package_so_the_bundle_collects_it() -> None:
    """The spec collects our modules with collect_submodules, which does not descend into a folder without
    __init__.py; pages and dialogs imported by name (made when first shown) were missing from the bundle."""
    root = Path(__file__).resolve().parents[2]
    # Alembic's folders, read from disk (the desktop's ship as data files; the server is not bundled).
    data_only = {root / top / "migrations" / sub for top in ("db", "server") for sub in ("", "versions")}
    missing = [
        str(folder.relative_to(root))
        for top in ("desktop", "db", "server")
        for folder in [root / top, *(p for p in (root / top).rglob("*") if p.is_dir())]
        if folder.name != "__pycache__"
        and folder not in data_only
        and any(folder.glob("*.py"))
        and not (folder / "__init__.py").exists()
    ]
    assert missing == []
