"""Backups at start: the last 10 starts plus the newest backup of each of the last 7 days."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from db.migrate import BACKUP_DAYS, BACKUPS_KEPT, backups_to_prune
from desktop.core.context import AppContext
from tests.fixtures.encrypted import open_file


def _name(stem: str, when: datetime) -> str:
    return f"{stem}-{when:%Y%m%d-%H%M%S-%f}-start.sqlite"


def test_ten_quick_restarts_keep_a_week_of_daily_backups(db_path: Path) -> None:
    AppContext.open(db_path).close()
    AppContext.open(db_path).close()
    folder = db_path.parent / "backups"
    (real,) = folder.glob("*.sqlite")
    now = datetime.now()
    daily = []
    for days_ago in range(1, 10):  # two backups a day for the nine days before today
        for hour in (9, 15):
            made = folder / _name(db_path.stem, now.replace(hour=hour) - timedelta(days=days_ago))
            shutil.copy2(real, made)
            if hour == 15:
                daily.append((days_ago, made))
    for _ in range(BACKUPS_KEPT):
        AppContext.open(db_path).close()
    kept = set(folder.glob("*.sqlite"))
    for days_ago, made in daily:
        assert (made in kept) == (days_ago < BACKUP_DAYS), (days_ago, made.name)
    earlier = [p for p in kept if f"{now:%Y%m%d}" not in p.name]
    assert earlier and not [
        p for p in earlier if p.name.split("-")[2].startswith("09")
    ]  # newest of a day only
    todays = sorted(p for p in kept if f"{now:%Y%m%d}" in p.name)
    assert len(todays) == BACKUPS_KEPT
    con = open_file(todays[0])
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


def test_prune_rule_on_names() -> None:
    today = date(2026, 12, 3)
    names = [Path(_name("k", datetime(2026, 11, d, h))) for d in range(20, 31) for h in (8, 18)]
    names += [Path(_name("k", datetime(2026, 12, d, h))) for d in (1, 2, 3) for h in (8, 18)]
    names.sort()
    pruned = set(backups_to_prune(names, keep=3, today=today))
    kept = [p for p in names if p not in pruned]
    days = {p.name.split("-")[1] for p in kept}
    assert days == {"20261127", "20261128", "20261129", "20261130", "20261201", "20261202", "20261203"}
    assert names[-3:] == kept[-3:]
    assert len(kept) == 8  # the last 3 (two of today's, yesterday's newest) + the newest of 5 more days
