"""Benchmark of the bundle (issue 8): build time, bundle size, cold and warm start of the bundled GUI.

    python tests/bench/bench_bundle.py            # measure dist/krukhor as it is
    python tests/bench/bench_bundle.py --build    # build it first (python build_installer.py --no-installer)

The start is measured from spawning the bundled executable to its "main window shown" line on stderr
(offscreen), on a demo database of 2,000 people made with the bundled CLI. The first run is a true cold
start only with --drop-caches (root; it empties the whole machine's file cache, so other programs slow
down for a moment).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import build_installer as bi  # noqa: E402

TARGET_S = 3.0


def _drop_caches() -> bool:
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def _start_time(gui: Path, db: Path) -> tuple[float, float]:
    """(seconds from spawn to the main window, the app's own figure from main() to the window)."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["KRUKHOR_PASSWORD"] = "demo-officer-1"
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(gui), "--db", str(db), "--user", "officer", "--quit-after", "0"],  # a demo account (README)
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    assert proc.stderr is not None
    wall = own = float("nan")
    for line in proc.stderr:
        if line.startswith("main window shown in"):
            wall = time.perf_counter() - started
            own = float(line.split()[4])
            break
    proc.wait(timeout=60)
    return wall, own


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true", help="build the bundle first and time it")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--drop-caches",
        action="store_true",
        help="drop the OS file cache first (root; slows every program briefly)",
    )
    args = parser.parse_args()
    bundle = ROOT / "dist" / bi.APP_NAME
    if args.build:
        started = time.perf_counter()
        bi.build_bundle(dist=ROOT / "dist", work=ROOT / "build")
        print(f"build (PyInstaller, incremental cache as it is): {time.perf_counter() - started:.0f} s")
    if not bundle.is_dir():
        print("no bundle: run python build_installer.py --no-installer (or this script with --build)")
        return 1
    files = [p for p in bundle.rglob("*") if p.is_file()]
    print(f"bundle: {bi.folder_size(bundle) / 2**20:.0f} MB in {len(files):,} files ({bundle})")
    with tempfile.TemporaryDirectory(prefix="krukhor-bench-") as folder:
        db = Path(folder) / "krukhor.sqlite"
        cli = bundle / f"{bi.CLI_NAME}{bi.EXE_SUFFIX}"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        subprocess.run(
            [str(cli), "--db", str(db), "demo", "--people", "2000"], check=True, capture_output=True, env=env
        )
        gui = bundle / f"{bi.GUI_NAME}{bi.EXE_SUFFIX}"
        dropped = args.drop_caches and _drop_caches()
        wall, own = _start_time(gui, db)
        label = "cold (OS file cache dropped)" if dropped else "first run (file cache not dropped)"
        print(
            f"start to main window, {label}: {wall:.2f} s (app's own figure {own:.2f} s; target ≤ {TARGET_S:.0f} s)"
        )
        warm = [_start_time(gui, db) for _ in range(args.runs)]
        walls = [w for w, _ in warm]
        print(
            f"start to main window, warm: median {statistics.median(walls):.2f} s, max {max(walls):.2f} s "
            f"over {args.runs} runs (app's own median {statistics.median(o for _, o in warm):.2f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
