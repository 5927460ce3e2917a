"""Restoring a backup: the listing in BE Bangkok time, an atomic swap on real encrypted files, refusals that keep
the current data, the CLI."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.cipher import connect, is_plain_sqlite
from db.engine import engine_key
from db.rules.national_id import make_national_id
from desktop.core import office
from desktop.core.backups import RestoreError, list_backups, restore_backup
from desktop.core.context import AppContext
from desktop.core.people import people, places
from desktop.core.people.people import PersonInput
from tests.conftest import TEST_PROVINCE

NID_KEPT = make_national_id("310170000123")
NID_LATER = make_national_id("310170000124")


def _add(ctx: AppContext, national_id: str, first_name: str) -> None:
    with ctx.transaction() as session:
        district = places.ensure_district(session, office_code="40", code="4001", name_th="เมืองขอนแก่น")
        sub = places.ensure_subdistrict(
            session, office_code="40", code="400101", name_th="ในเมือง", district=district
        )
        village = places.ensure_village(session, office_code="40", subdistrict=sub, moo=3, name_th="บ้านโนนทัน")
    people.create_person(
        ctx,
        PersonInput(
            national_id=national_id,
            prefix="นาย",
            first_name=first_name,
            last_name="ใจดี",
            village_id=village.id,
        ),
    )


def _ids(db_path: Path) -> set[str]:
    ctx = AppContext.open(db_path, backup=False)
    try:
        return {p.national_id for p in people.list_people(ctx)}
    finally:
        ctx.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def two_states(db_path: Path) -> tuple[Path, bytes]:
    """A database whose backup holds one person and whose current file holds two; returns (backup, key)."""
    ctx = AppContext.open(db_path, user_name="tester")
    office.setup_office(ctx, province_code=TEST_PROVINCE)
    _add(ctx, NID_KEPT, "สมชาย")
    ctx.close()
    ctx = AppContext.open(db_path)  # the start backup now holds the first person
    key = engine_key(ctx.engine)
    _add(ctx, NID_LATER, "สมหญิง")
    ctx.close()
    (backup,) = [b.path for b in list_backups(db_path) if b.label == "start"]
    assert key is not None
    return backup, key


def test_restore_round_trip_on_encrypted_files(db_path: Path, two_states: tuple[Path, bytes]) -> None:
    backup, key = two_states
    assert _ids(db_path) == {NID_KEPT, NID_LATER}
    aside = restore_backup(db_path, backup, key=key)
    assert _ids(db_path) == {NID_KEPT}  # the backup's data, migrated and opened by the app
    assert _ids(aside) == {NID_KEPT, NID_LATER}  # what was current is kept aside, whole
    for path in (db_path, aside):
        assert not is_plain_sqlite(path)
        with pytest.raises(sqlite3.DatabaseError):
            sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert not list(db_path.parent.glob("*.restoring"))
    shown = {b.path: b for b in list_backups(db_path)}
    assert shown[aside].reason == "ข้อมูลก่อนกู้คืน"
    restore_backup(db_path, aside, key=key)  # and back again: nothing was lost
    assert _ids(db_path) == {NID_KEPT, NID_LATER}


def test_the_data_a_restore_replaced_is_never_pruned(db_path: Path, two_states: tuple[Path, bytes]) -> None:
    backup, key = two_states
    aside = restore_backup(db_path, backup, key=key)
    for _ in range(12):
        AppContext.open(db_path).close()
    assert aside.exists()


def test_a_backup_of_another_database_is_refused_and_nothing_changes(
    db_path: Path, two_states: tuple[Path, bytes], tmp_path: Path
) -> None:
    _backup, key = two_states
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = other_dir / "t.sqlite"
    AppContext.open(other).close()  # its own key
    before, backups_before = _digest(db_path), sorted(p.name for p in (db_path.parent / "backups").iterdir())
    with pytest.raises(RestoreError, match="เปิดด้วยกุญแจของฐานข้อมูลนี้ไม่ได้"):
        restore_backup(db_path, other, key=key)
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(_backup.read_bytes()[:8192] + b"\0" * 8192)
    with pytest.raises(RestoreError, match="ปัจจุบันยังอยู่ครบ"):
        restore_backup(db_path, damaged, key=key)
    assert _digest(db_path) == before
    assert sorted(p.name for p in (db_path.parent / "backups").iterdir()) == backups_before
    assert _ids(db_path) == {NID_KEPT, NID_LATER}


def test_a_database_in_use_is_not_restored(db_path: Path, two_states: tuple[Path, bytes]) -> None:
    backup, key = two_states
    reader = connect(db_path, key, isolation_level=None)  # another program in the middle of a read
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM person").fetchone()
        ctx = AppContext.open(db_path, backup=False)
        _add(ctx, make_national_id("310170000125"), "สมศรี")  # in the WAL, which the reader keeps
        ctx.close()
        before = _digest(db_path)
        with pytest.raises(RestoreError, match="กำลังถูกใช้งานอยู่"):
            restore_backup(db_path, backup, key=key)
        assert _digest(db_path) == before
    finally:
        reader.close()
    assert make_national_id("310170000125") in _ids(db_path)


def test_backups_are_listed_newest_first_in_buddhist_era_bangkok_time(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # the PC's clock: the stamp is local time
    time.tzset()
    try:
        folder = db_path.parent / "backups"
        folder.mkdir()
        for name in (
            "t-20261204-030000-000000-start.sqlite",
            "t-20261203-180500-123456-before-0009_phone_recheck.sqlite",
            "t-20261204-030001-000000-start.sqlite.part",  # half-written: not a backup
            "other-20261204-030000-000000-start.sqlite",  # another database's
        ):
            (folder / name).write_bytes(b"x")
        listed = list_backups(db_path)
        assert [(b.when_text, b.reason) for b in listed] == [
            ("4 ธ.ค. 2569 10:00:00 น.", "เปิดโปรแกรม"),
            ("4 ธ.ค. 2569 01:05:00 น.", "ก่อนปรับรุ่นฐานข้อมูล"),
        ]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_cli_lists_and_restores(db_path: Path, two_states: tuple[Path, bytes]) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--db", str(db_path), "backup", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "เปิดโปรแกรม" in listed.stdout and " 25" in listed.stdout  # a BE year
    refused = cli("restore", "no-such-file.sqlite", "--yes")
    assert refused.returncode == 1 and "ไม่พบไฟล์สำรอง" in refused.stderr
    backup, _key = two_states
    done = cli("restore", backup.name, "--yes")
    assert done.returncode == 0, done.stderr
    assert "กู้คืนข้อมูลจากสำรองเมื่อ" in done.stdout
    assert _ids(db_path) == {NID_KEPT}


RESTORE = (
    "import sys; from pathlib import Path; from desktop.core.backups import restore_backup; "
    "restore_backup(Path(sys.argv[1]), Path(sys.argv[2]), key=bytes.fromhex(sys.argv[3]))"
)


def test_a_restore_killed_at_random_points_leaves_the_old_or_the_restored_data_whole(
    db_path: Path, two_states: tuple[Path, bytes]
) -> None:
    import os
    import random
    import shutil

    backup, key = two_states
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    pristine = db_path.parent.parent / "pristine"
    shutil.copytree(db_path.parent, pristine)
    args = [sys.executable, "-c", RESTORE, str(db_path), str(backup), key.hex()]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import desktop.core.backups"], cwd=root, env=env, check=True)
    import_time = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(args, cwd=root, env=env, check=True)
    full_time = time.perf_counter() - started
    rng = random.Random(21)
    outcomes = []
    for _ in range(8):
        shutil.rmtree(db_path.parent)
        shutil.copytree(pristine, db_path.parent)
        proc = subprocess.Popen(args, cwd=root, env=env)
        time.sleep(rng.uniform(import_time * 0.9, full_time * 1.1))
        proc.kill()
        proc.wait()
        conn = connect(db_path, key)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            conn.close()
        ids = _ids(db_path)
        assert ids in ({NID_KEPT, NID_LATER}, {NID_KEPT}), ids
        outcomes.append("old" if NID_LATER in ids else "restored")
        if NID_LATER not in ids:  # restored: what it replaced was kept aside, whole
            (aside,) = [b.path for b in list_backups(db_path) if b.label == "before-restore"]
            assert _ids(aside) == {NID_KEPT, NID_LATER}
    print("outcomes of the kills:", outcomes)


def test_a_backup_from_before_a_migration_is_migrated_when_the_app_reopens(db_path: Path) -> None:
    from db.engine import make_engine
    from db.migrate import current_revision, head_revision, upgrade

    ctx = AppContext.open(db_path)
    key = engine_key(ctx.engine)
    ctx.close()
    older = db_path.parent / "backups" / "t-20261201-090000-000000-before-0009_phone_recheck.sqlite"
    engine = make_engine(older, key=key)  # the file as the previous version left it, encrypted with this key
    try:
        upgrade(engine, "0008_attendance_card_source")
    finally:
        engine.dispose()
    assert key is not None
    restore_backup(db_path, older, key=key)
    engine = make_engine(db_path, key=key)
    try:
        assert current_revision(engine) == "0008_attendance_card_source"  # restored as it was
    finally:
        engine.dispose()
    ctx = AppContext.open(db_path, backup=False)
    try:
        assert current_revision(ctx.engine) == head_revision()
    finally:
        ctx.close()
