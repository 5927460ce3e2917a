"""Builds the real bundle with PyInstaller (about 1-2 minutes) and runs what is in it: slow, run in CI."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest

import build_installer as bi
from desktop.selftest import STEPS
from desktop.ui.selftest_qt import QT_STEPS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: pip install -e '.[build]' (.ci/run does)")
    root = tmp_path_factory.mktemp("bundle")
    # The build runs both self-tests itself and fails on a FAIL; here they run again and are read.
    code = bi.main(["--dist", str(root / "dist"), "--work", str(root / "build")])
    assert code == 0
    folder = root / "dist" / bi.APP_NAME
    assert bi.check_bundle(folder) == []
    return folder


def _run(exe: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(cwd)}
    env.pop("PYTHONPATH", None)  # the bundle must not lean on the checkout
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=180,
        check=False,
    )


# The steps the source tree defines: the GUI's self-test adds Qt's own.
@pytest.mark.parametrize(
    ("name", "steps"), [(bi.CLI_NAME, len(STEPS)), (bi.GUI_NAME, len(STEPS) + len(QT_STEPS))]
)
def test_the_bundled_executables_pass_their_self_test(
    bundle: Path, tmp_path: Path, name: str, steps: int
) -> None:
    done = _run(bundle / f"{name}{bi.EXE_SUFFIX}", "--self-test", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "self-test (bundle, Python " in lines[0] and bi.project_version() in lines[0]
    assert lines[-1].startswith(f"self-test passed: {steps}/{steps} steps OK")
    assert not (
        tmp_path / "pythainlp-data"
    ).exists()  # read-only pythainlp: nothing written in the home folder


def test_the_bundled_cli_and_gui_work_on_a_real_database(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "data" / "krukhor.sqlite"
    cli = bundle / f"{bi.CLI_NAME}{bi.EXE_SUFFIX}"
    done = _run(cli, "--db", str(db), "init", "--province", "40", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ขอนแก่น" in done.stdout
    done = _run(cli, "--db", str(db), "demo", "--people", "200", cwd=tmp_path)  # with the demo accounts
    assert done.returncode == 0, done.stderr
    os.environ["KRUKHOR_PASSWORD"] = (
        "demo-admin-1"  # read by the CLI's and the GUI's --user (inherited; README)
    )
    done = _run(cli, "--db", str(db), "--user", "admin", "people", cwd=tmp_path)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 201
    # The GUI opens that database and shows its main window (then quits by itself).
    done = _run(
        bundle / f"{bi.GUI_NAME}{bi.EXE_SUFFIX}",
        "--db",
        str(db),
        "--user",
        "admin",
        "--quit-after",
        "0.2",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"main window shown in \d+\.\d+ s", done.stderr), done.stderr
    # Every start backed the database up beside it.
    assert list((db.parent / "backups").glob("krukhor-*.sqlite"))
