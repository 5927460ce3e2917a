"""Every window, page and dialog on an office PC's screen: 1366×768 (728 above the taskbar), 1280×720 and Windows'
125 % scaling. The real main window and dialogs on a demo database, each screen size in its own Qt process
(tests/ui/screen_probe.py): frames inside the free area, table cells and headers whole, no English words."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "tests" / "fixtures" / "screens"


def _probe(tmp_path: Path, screen: str, scale: str) -> dict:
    out = tmp_path / "report.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={SCREENS / f'screen_{screen}.json'}",
        "QT_SCALE_FACTOR": scale,
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "ui" / "screen_probe.py"), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _outside(report: dict) -> list[str]:
    ax, ay, aw, ah = report["area"]
    return [
        f"{name} {[x, y, w, h]}"
        for name, (x, y, w, h) in report["windows"].items()
        if x < ax or y < ay or x + w > ax + aw or y + h > ay + ah
    ]


def _cut_share(report: dict) -> tuple[float, list[str]]:
    tables = report["tables"].values()
    cells = sum(t["cells"] + t["headers"] for t in tables)
    cut = sum(t["cut"] + t["cut_headers"] for t in tables)
    examples = [f"{name}: {e}" for name, t in report["tables"].items() for e in t["examples"]]
    return (cut / cells if cells else 0.0), examples


@pytest.mark.parametrize(
    ("screen", "scale", "most_cut"),
    [("1366x728", "1", 0.03), ("1280x720", "1", 0.03), ("1366x768", "1.25", 0.03)],
    ids=["1366x768", "1280x720", "1366x768-125pct"],
)
def test_every_window_fits_and_tables_read_whole(tmp_path, screen, scale, most_cut) -> None:
    report = _probe(tmp_path, screen, scale)
    assert len(report["windows"]) >= 15  # the main window, 12 dialogs and the round's four tabs
    assert _outside(report) == []
    assert report["status_bar_visible"]
    share, examples = _cut_share(report)
    assert share <= most_cut, f"{share:.1%} of visible cells and headers cut off: {examples[:20]}"
    if scale == "1":
        assert sum(t["cells"] for t in report["tables"].values()) > 300  # the walk really saw filled tables
    preview = report["import_preview"]
    assert preview["mapping_open"] and preview["rows_shown"] >= 8, preview  # it showed 1½ rows at 1366×768
    user = getpass.getuser()
    english = [e for e in report["english"] if f": {user} in" not in e]  # the user's login name is data
    assert english == []
