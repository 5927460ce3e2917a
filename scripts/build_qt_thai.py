"""Compile desktop/ui/qt_thai.py's table into resources/translations/qtbase_th.qm (run after editing it)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.ui.qt_thai import ts_text  # noqa: E402

LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")


def build(out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "qtbase_th.ts"
        ts.write_text(ts_text(), encoding="utf-8")
        subprocess.run([str(LRELEASE), "-silent", str(ts), "-qm", str(out)], check=True)
    return out


if __name__ == "__main__":
    print(build(ROOT / "resources" / "translations" / "qtbase_th.qm"))
