"""Roster import figures: reader alone, preview, commit and re-import for a province and a national list.

Run: .venv/bin/python tests/bench/bench_import.py [--sizes 3800 75000]
Targets (issue 3): 75,000 rows read, validated and stored in ≤ 10 s, peak memory ≤ 1 GB; re-import ≤ 10 s.
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
from desktop.core.roster.apply import apply_plan  # noqa: E402
from desktop.core.roster.plan import preview_import  # noqa: E402
from desktop.core.roster.reader import read_sheet  # noqa: E402
from tests.fixtures.rosters import build_large_xlsx  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, folder: Path) -> None:
    path = folder / f"roster_{size}.xlsx"
    t = time.perf_counter()
    build_large_xlsx(path, people=size)
    print(
        f"[{size:,} rows] made the test file in {time.perf_counter() - t:.1f} s ({path.stat().st_size / 1e6:.1f} MB)"
    )
    ctx = AppContext.open(folder / f"bench_{size}.sqlite", user_name="bench", backup=False)
    office.setup_office(ctx, province_code="40")
    try:
        t = time.perf_counter()
        read_sheet(path)
        reader = time.perf_counter() - t
        t = time.perf_counter()
        plan = preview_import(ctx, path=path)
        preview = time.perf_counter() - t
        t = time.perf_counter()
        apply_plan(ctx, plan)
        commit = time.perf_counter() - t
        print(
            f"[{size:,} rows] reader alone {reader:.2f} s | preview (read+validate) {preview:.2f} s | "
            f"commit {commit:.2f} s | first import total {preview + commit:.2f} s | counts {plan.counts}"
        )
        t = time.perf_counter()
        again = preview_import(ctx, path=path)
        apply_plan(ctx, again)
        print(
            f"[{size:,} rows] re-import (all unchanged: {again.counts['unchanged']:,}) {time.perf_counter() - t:.2f} s"
        )
    finally:
        ctx.close()
    print(f"[{size:,} rows] peak memory of this process so far {_peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[3800, 75000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            run(size, Path(folder))


if __name__ == "__main__":
    main()
