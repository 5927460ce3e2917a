"""The database at rest: encrypted file, WAL and backups; a plain file converted once and safely; recovery."""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.cipher import connect, is_plain_sqlite, table_fingerprints
from db.engine import make_session_factory
from db.migrate import DatabaseTooNewError, prepare_database
from desktop.cli import main
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.keys.opening import RecoveryKeyRequiredError, key_for_database, recovery_key_text
from desktop.core.keys.recovery import BadRecoveryKeyError, format_recovery_key, parse_recovery_key
from desktop.core.people import people
from tests.fixtures.encrypted import stored_key

ROOT = Path(__file__).resolve().parents[2]


def _secrets(ctx: AppContext, n: int = 50) -> list[bytes]:
    rows = [p for p in people.list_people(ctx) if p.phone][:n]
    assert len(rows) == n
    return [r.national_id.encode() for r in rows] + [
        "".join(c for c in r.phone if c.isdigit()).encode() for r in rows
    ]


def _files(db_path: Path) -> list[Path]:
    folder = db_path.parent
    return [p for p in [*folder.iterdir(), *(folder / "backups").glob("*")] if p.is_file()]


def _assert_no_secret_bytes(files: list[Path], secrets: list[bytes]) -> None:
    for path in files:
        raw = path.read_bytes()
        leaked = [s for s in secrets if s in raw]
        assert not leaked, f"{path.name} holds {len(leaked)} IDs/phones in plain bytes, e.g. {leaked[0]!r}"


def _plain_cannot_read(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        con.close()


def test_file_wal_and_backups_hold_no_id_or_phone_and_plain_sqlite_cannot_read_them(db_path: Path) -> None:
    ctx = AppContext.open(db_path, user_name="tester")
    office.setup_office(ctx, province_code="40")
    demo.generate_demo(ctx, people=300)
    secrets = _secrets(ctx)
    wal = db_path.with_name(db_path.name + "-wal")
    with ctx.transaction() as session:  # something in the WAL, not yet checkpointed into the file
        people.list_people(ctx)
        session.execute(people.Person.__table__.update().values(note="x"))
    assert wal.exists() and wal.stat().st_size > 0
    _assert_no_secret_bytes(_files(db_path), secrets)
    ctx.close()
    for _ in range(2):  # two more starts: two backups
        AppContext.open(db_path).close()
    backups = sorted((db_path.parent / "backups").glob("*.sqlite"))
    assert len(backups) == 2
    _assert_no_secret_bytes(_files(db_path), secrets)
    for path in [db_path, *backups]:
        assert not is_plain_sqlite(path)
        _plain_cannot_read(path)
        con = connect(path, stored_key(path))  # the app's key reads them
        try:
            assert con.execute("SELECT count(*) FROM person").fetchone() == (300,)
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            con.close()
    reopened = AppContext.open(db_path)
    try:
        assert len(people.list_people(reopened)) == 300
    finally:
        reopened.close()


def _plain_demo_database(path: Path) -> dict[str, tuple[int, str]]:
    """A database as the previous version left it: plain SQLite, migrated, with the demo province."""
    engine = prepare_database(path)
    ctx = AppContext(engine, make_session_factory(engine), "old", "device-1", path)
    office.setup_office(ctx, province_code="40")
    demo.generate_demo(ctx, people=300)
    ctx.close()
    # An old plain backup beside it, as the previous version made at every start.
    prepare_database(path).dispose()
    assert is_plain_sqlite(path)
    con = sqlite3.connect(path)
    try:
        return table_fingerprints(con)
    finally:
        con.close()


def test_a_plain_database_is_converted_at_first_start_keeping_every_row(db_path: Path) -> None:
    before = _plain_demo_database(db_path)
    assert before["person"][0] == 300
    key = key_for_database(db_path)  # the conversion AppContext.open does first
    assert not is_plain_sqlite(db_path)
    _plain_cannot_read(db_path)
    con = connect(db_path, key)
    try:
        assert table_fingerprints(con) == before  # every table: the same count and checksum
    finally:
        con.close()
    ctx = AppContext.open(db_path)
    try:
        assert len(people.list_people(ctx)) == 300
    finally:
        ctx.close()
    # No backup is left in plain text: the old ones were encrypted too.
    for backup in (db_path.parent / "backups").glob("*"):
        assert not is_plain_sqlite(backup), backup.name


CONVERT = """
import sys
from pathlib import Path
from desktop.core.keys.opening import key_for_database
key_for_database(Path(sys.argv[1]))
"""


def test_a_conversion_killed_at_random_points_leaves_the_old_or_the_new_file_complete(db_path: Path) -> None:
    before = _plain_demo_database(db_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(16)
    pristine = db_path.parent / "pristine"
    shutil.copytree(db_path.parent, pristine)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import desktop.core.keys.opening"], cwd=ROOT, env=env, check=True)
    import_time = time.perf_counter() - started
    trial = db_path.parent.parent / "trial"
    shutil.copytree(pristine, trial)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CONVERT, str(trial / db_path.name)], cwd=ROOT, env=env, check=True)
    full_time = time.perf_counter() - started
    outcomes = []
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", CONVERT, str(db_path)], cwd=ROOT, env=env)
        time.sleep(rng.uniform(import_time * 0.9, full_time * 1.1))  # from the imports to past the end
        proc.kill()
        proc.wait()
        if is_plain_sqlite(db_path):
            outcomes.append("old")
            con = sqlite3.connect(db_path)
        else:
            outcomes.append("new")
            con = connect(db_path, stored_key(db_path))
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert table_fingerprints(con) == before
        finally:
            con.close()
        # Back to the plain file for the next attempt.
        for path in db_path.parent.iterdir():
            if path.name != "pristine":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        for path in pristine.iterdir():
            dest = db_path.parent / path.name
            shutil.copytree(path, dest) if path.is_dir() else shutil.copy2(path, dest)
    print("outcomes of the kills:", outcomes)
    ctx = AppContext.open(db_path)  # the next start finishes the job
    try:
        assert len(people.list_people(ctx)) == 300
    finally:
        ctx.close()


def test_recovery_key_round_trip_and_typing_slack() -> None:
    key = os.urandom(32)
    text = format_recovery_key(key)
    groups = text.split("-")
    assert len(groups) == 13 and all(len(g) == 4 for g in groups)
    assert parse_recovery_key(text) == key
    assert parse_recovery_key(text.lower().replace("-", " ").replace("0", "o")) == key
    with pytest.raises(BadRecoveryKeyError, match="กุญแจกู้คืน"):
        parse_recovery_key(text[:-5])


def test_a_copied_database_opens_elsewhere_only_with_the_recovery_key(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = AppContext.open(db_path, user_name="tester")
    office.setup_office(ctx, province_code="40")
    ctx.close()
    recovery = recovery_key_text(db_path)
    other_pc = tmp_path / "other-pc"
    (other_pc / "data").mkdir(parents=True)
    copy = other_pc / "data" / "krukhor.sqlite"
    shutil.copy2(db_path, copy)
    monkeypatch.setenv("HOME", str(other_pc / "home"))
    monkeypatch.setenv("KRUKHOR_KEY_DIR", str(other_pc / "keys"))

    with pytest.raises(RecoveryKeyRequiredError, match=r"กุญแจกู้คืน") as required:
        AppContext.open(copy)
    wrong = format_recovery_key(os.urandom(32))
    with pytest.raises(BadRecoveryKeyError, match=r"เปิดฐานข้อมูล .* ไม่ได้") as bad:
        AppContext.open(copy, recovery_key=wrong)
    for message in (required.value.message, bad.value.message):  # Thai, bar the file's path and the commands
        sentence = message.replace(str(copy), "").split("krukhor-cli")[0]
        assert not re.findall(r"[A-Za-z]{3,}", sentence), message
    AppContext.open(copy, recovery_key=recovery).close()
    ctx = AppContext.open(copy)  # the key is now kept for this user
    try:
        assert office.get_office(ctx) is not None
    finally:
        ctx.close()
    assert recovery_key_text(copy) == recovery


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_cli_show_recovery_and_recovery_key_option_on_a_second_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "pc1" / "krukhor.sqlite"
    init = _cli(db, "init", "--province", "40")
    assert init.returncode == 0, init.stderr
    shown = _cli(db, "key", "show-recovery")
    assert shown.returncode == 0, shown.stderr
    recovery = shown.stdout.splitlines()[0]
    assert recovery in init.stdout  # shown once at setup, and again for an admin
    assert len(recovery.split("-")) == 13

    copy = tmp_path / "pc2" / "krukhor.sqlite"
    copy.parent.mkdir()
    shutil.copy2(db, copy)
    monkeypatch.setenv("HOME", str(tmp_path / "home2"))
    monkeypatch.setenv("KRUKHOR_KEY_DIR", str(tmp_path / "keys2"))
    refused = _cli(copy, "people", "--format", "csv")
    assert refused.returncode == 4
    assert "กุญแจกู้คืน" in refused.stderr and "recovery key" not in refused.stderr
    assert "Traceback" not in refused.stderr and "file is not a database" not in refused.stderr
    wrong = _cli(copy, "--recovery-key", format_recovery_key(os.urandom(32)), "people")
    assert wrong.returncode == 4 and "ไม่ได้" in wrong.stderr and "Traceback" not in wrong.stderr
    ok = _cli(copy, "--recovery-key", recovery, "people", "--format", "csv")
    assert ok.returncode == 0, ok.stderr
    again = _cli(copy, "people", "--format", "csv")
    assert again.returncode == 0, again.stderr


def test_a_plain_database_from_a_newer_version_is_refused_before_it_is_converted(db_path: Path) -> None:
    prepare_database(db_path).dispose()  # the previous version's plain file, no backup yet
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    backups = sorted((db_path.parent / "backups").glob("*")) if (db_path.parent / "backups").exists() else []
    with pytest.raises(DatabaseTooNewError, match="รุ่นที่ใหม่กว่า"):
        AppContext.open(db_path)
    assert is_plain_sqlite(db_path) and db_path.read_bytes() == before  # not converted, not changed
    assert not list(db_path.parent.glob("*.encrypting"))
    after = sorted((db_path.parent / "backups").glob("*")) if (db_path.parent / "backups").exists() else []
    assert after == backups
    code = main(["--db", str(db_path), "people"])
    assert code == 3 and db_path.read_bytes() == before
