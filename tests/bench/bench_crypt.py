"""Encryption on vs off in the same run: roster import of 75,000 rows, people search at 75,000, start-up.

Run: .venv/bin/python tests/bench/bench_crypt.py [--size 75000] [--files DIR]
Target (issue 16): each figure with SQLCipher ≤ 1.15 × the plain SQLite figure.
Start-up is what AppContext.open does at every start of the app (find the key, back up, migrate check,
triggers); the rest of the GUI's start-up does not touch the file. Wall-clock with CPU time in brackets.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from db.engine import make_session_factory  # noqa: E402
from db.migrate import prepare_database  # noqa: E402
from desktop.core import office  # noqa: E402
from desktop.core.context import AppContext  # noqa: E402
from desktop.core.people import people  # noqa: E402
from desktop.core.roster.apply import apply_plan  # noqa: E402
from desktop.core.roster.plan import preview_import  # noqa: E402
from tests.fixtures.rosters import build_large_xlsx  # noqa: E402

SEARCHES = ("สม", "บุญ", "ศรี", "3401", "081", "นาย", "หมู่", "ทอง", "แก้ว", "ใจ")


def _open(path: Path, *, encrypted: bool, backup: bool) -> AppContext:
    if encrypted:
        return AppContext.open(path, user_name="bench", backup=backup)
    engine = prepare_database(path, backup=backup)  # the previous version's start: plain SQLite
    ctx = AppContext(engine, make_session_factory(engine), "bench", "bench-device", path)
    ctx.office_code()
    return ctx


def _clock(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run(size: int, folder: Path, roster: Path, *, encrypted: bool) -> dict[str, tuple[float, float]]:
    db = folder / f"{'enc' if encrypted else 'plain'}_{size}.sqlite"
    ctx = _open(db, encrypted=encrypted, backup=False)
    office.setup_office(ctx, province_code="40")
    out: dict[str, tuple[float, float]] = {}
    try:
        out["import"] = _clock(lambda: apply_plan(ctx, preview_import(ctx, path=roster)))
        people.search_people(ctx, "สม")  # warm
        out["search x10"] = _clock(lambda: [people.search_people(ctx, q) for q in SEARCHES])
    finally:
        ctx.close()
    starts = []
    holder: list[AppContext] = []
    for _ in range(3):
        starts.append(_clock(lambda: holder.append(_open(db, encrypted=encrypted, backup=True))))
        holder.pop().close()
    out["start-up (median of 3)"] = (
        statistics.median(s[0] for s in starts),
        statistics.median(s[1] for s in starts),
    )
    out["file MB"] = (db.stat().st_size / 1e6, 0.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=75000)
    parser.add_argument("--files", type=Path, default=None, help="keep the generated roster file here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KRUKHOR_KEY_DIR"] = str(Path(folder) / "keys")
        files = args.files or Path(folder)
        files.mkdir(parents=True, exist_ok=True)
        roster = files / f"roster_{args.size}.xlsx"
        if not roster.exists():
            build_large_xlsx(roster, people=args.size)
        plain = run(args.size, Path(folder), roster, encrypted=False)
        enc = run(args.size, Path(folder), roster, encrypted=True)
    print(f"load average: {os.getloadavg()}")
    for name in plain:
        (pw, pc), (ew, ec) = plain[name], enc[name]
        if name == "file MB":
            print(f"{name:24} plain {pw:8.1f}        encrypted {ew:8.1f}")
            continue
        print(
            f"{name:24} plain {pw:6.2f} s ({pc:5.2f} CPU)  encrypted {ew:6.2f} s ({ec:5.2f} CPU)  "
            f"ratio {ew / pw:4.2f} (CPU {ec / pc if pc else float('nan'):4.2f})"
        )


if __name__ == "__main__":
    main()
