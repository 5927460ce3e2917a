"""Roster import figures: reader alone, preview, commit and re-import for a province and a national list.

Run: .venv/bin/python tests/bench/bench_import.py [--sizes 3800 75000] [--files DIR]
Targets (issue 3): 75,000 rows read, validated and stored in ≤ 10 s, peak memory ≤ 1 GB; re-import ≤ 10 s.
Also printed (no target): undo of the first import as a whole.
Each figure is wall-clock time with this process's CPU time in brackets: on a machine busy with other
work the wall-clock time grows while the CPU time stays close to what an idle machine would show.
--files DIR keeps the generated roster files there, so a second run skips making them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop.core import office  # noqa: E402
from desktop.core.context import AppContext  # noqa: E402
from desktop.core.roster.apply import apply_plan, list_batches, undo_batch  # noqa: E402
from desktop.core.roster.plan import preview_import  # noqa: E402
from desktop.core.roster.reader import read_sheet  # noqa: E402
from tests.fixtures.rosters import build_large_xlsx  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Clock:
    """Wall-clock and CPU seconds since start."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _fmt(lap: tuple[float, float]) -> str:
    return f"{lap[0]:.2f} s (cpu {lap[1]:.2f} s)"


def run(size: int, folder: Path, files: Path) -> None:
    path = files / f"roster_{size}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        build_large_xlsx(path, people=size)
        print(
            f"[{size:,} rows] made the test file in {time.perf_counter() - t:.1f} s "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
    ctx = AppContext.open(folder / f"bench_{size}.sqlite", user_name="bench", backup=False)
    office.setup_office(ctx, province_code="40")
    try:
        clock = _Clock()
        read_sheet(path)
        reader = clock.lap()
        clock = _Clock()
        plan = preview_import(ctx, path=path)
        preview = clock.lap()
        clock = _Clock()
        apply_plan(ctx, plan)
        commit = clock.lap()
        total = (preview[0] + commit[0], preview[1] + commit[1])
        print(
            f"[{size:,} rows] reader alone {_fmt(reader)} | preview (read+validate) {_fmt(preview)} | "
            f"commit {_fmt(commit)} | first import total {_fmt(total)} | counts {plan.counts}"
        )
        clock = _Clock()
        again = preview_import(ctx, path=path)
        apply_plan(ctx, again)
        print(f"[{size:,} rows] re-import (all unchanged: {again.counts['unchanged']:,}) {_fmt(clock.lap())}")
        clock = _Clock()
        undone = undo_batch(ctx, list_batches(ctx)[-1].id)
        print(
            f"[{size:,} rows] undo of the first import ({undone.removed:,} people removed) {_fmt(clock.lap())}"
        )
    finally:
        ctx.close()
    print(f"[{size:,} rows] peak memory of this process so far {_peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[3800, 75000])
    parser.add_argument("--files", type=Path, default=None, help="keep the generated roster files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = args.files or Path(folder)
        files.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            run(size, Path(folder), files)


if __name__ == "__main__":
    main()
