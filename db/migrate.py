"""Start-up database preparation: refuse a newer schema, back up the file, migrate to head."""

from __future__ import annotations

import functools
import re
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from db.change_stamps import ensure_change_triggers
from db.cipher import connect
from db.engine import BUSY_TIMEOUT_MS, engine_key, keyed_connections, make_engine
from db.sync.outbox import ensure_triggers

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a file is not at head (a fifth of a second of every start otherwise).

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUPS_KEPT = 10  # the last starts
BACKUP_DAYS = 7  # and the newest backup of each of the last days, so ten quick restarts keep the week
RESTORE_LABEL = "before-restore"  # the data a restore replaced: never pruned (restores are rare)


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer version of the program than this one."""


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(engine: Engine) -> None:
    refuse_unknown_revision(current_revision(engine))


def check_plain_file_not_newer(path: Path) -> None:
    """check_not_newer for a plain SQLite file before anything (encrypting it, say) changes it."""
    conn = connect(path, None)  # SQLCipher reading a plain file: the driver that will convert it
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() if has_table else None
    finally:
        conn.close()
    refuse_unknown_revision(row[0] if row else None)


def refuse_unknown_revision(current: str | None) -> None:
    if current is None:
        return
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise DatabaseTooNewError(
            f"ฐานข้อมูลนี้ถูกสร้างหรือปรับปรุงโดยโปรแกรมรุ่นที่ใหม่กว่า (รุ่นโครงสร้าง {current}) "
            "โปรแกรมรุ่นนี้จึงเปิดใช้ไม่ได้ เพื่อไม่ให้ข้อมูลเสียหาย กรุณาติดตั้งโปรแกรมรุ่นล่าสุด "
            "(This database was written by a newer version of the program; please install the latest version.)"
        )


class MigrationError(RuntimeError):
    """A migration would leave rows pointing at rows that no longer exist; nothing was changed."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision`` in one transaction: on any error the file is left exactly as it was."""
    from alembic import command

    cfg = alembic_config()
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    migrating = _sqlite_migration_engine(engine)
    try:
        with migrating.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(
                    f"การปรับโครงสร้างฐานข้อมูลไปเป็นรุ่น {revision} ทำให้ข้อมูลอ้างอิงไม่ครบ จึงยกเลิกและคงข้อมูลเดิมไว้ "
                    f"(a migration left {len(broken)} dangling references, e.g. {broken[0]}; rolled back)"
                )
    finally:
        migrating.dispose()


def _sqlite_migration_engine(engine: Engine) -> Engine:
    """A connection for migrating SQLite safely (SQLAlchemy's and Alembic's documented recipes).

    * Foreign keys off: batch mode rebuilds a table (copy, drop, rename); with them on, dropping a table
      that other rows point at fails (or would cascade). ``PRAGMA foreign_key_check`` runs at the end.
    * BEGIN emitted by us: the sqlite3 module does not open a transaction before DDL, so a failing
      migration would leave half its schema changes committed. ``BEGIN IMMEDIATE`` also takes the write
      lock up front, so no other program writes in between.
    """
    key = engine_key(engine)
    migrating = create_engine(
        engine.url,
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        **({"module": sqlcipher} if key is not None else {}),
    )
    if key is not None:
        keyed_connections(migrating, key)

    @event.listens_for(migrating, "connect")
    def _connect(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction, hence here
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(migrating, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return migrating


def backup_sqlite(
    db_path: Path, *, keep: int = BACKUPS_KEPT, label: str = "start", key: bytes | None = None
) -> Path | None:
    """Copy the database with SQLite's online backup (consistent under WAL) and prune old copies.

    An encrypted database is copied encrypted with the same key (SQLCipher's backup re-encrypts each page).
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    folder = db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{label}{db_path.suffix or '.sqlite'}"
    partial = target.with_name(target.name + ".part")
    if key is None or not _copy_encrypted_file(db_path, partial, key):
        # The driver of the engines on this file: two SQLite libraries in one process must not share a file
        # (closing one's descriptor drops the other's POSIX locks).
        opener = sqlite3.connect if key is None else functools.partial(connect, key=key)
        src = opener(db_path)
        try:
            dst = opener(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    partial.replace(target)  # a half-written backup never looks like a real one
    backups = sorted(folder.glob(f"{db_path.stem}-[0-9]*{target.suffix}"))
    for old in backups_to_prune(backups, keep=keep, today=date.today()):
        old.unlink(missing_ok=True)
    return target


def _copy_encrypted_file(db_path: Path, partial: Path, key: bytes) -> bool:
    """Copy an encrypted file byte for byte (same key, no page re-encrypted): 3× faster than the backup API.

    Consistent because the WAL is checkpointed to empty first and the write lock is held during the copy, so
    nothing can change the main file meanwhile. False (nothing copied) when another connection kept the WAL.
    """
    conn = connect(db_path, key, isolation_level=None)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            return False
        conn.execute("BEGIN IMMEDIATE")
        try:
            wal = db_path.with_name(db_path.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                return False
            shutil.copyfile(db_path, partial)
        finally:
            conn.execute("ROLLBACK")
    finally:
        conn.close()
    return True


def backups_to_prune(backups: list[Path], *, keep: int, today: date, days: int = BACKUP_DAYS) -> list[Path]:
    """The backups beyond the last ``keep`` that are not the newest of one of the last ``days`` days, nor the
    data a restore replaced.

    ``backups`` are sorted oldest first; their names carry the stamp ``STEM-YYYYMMDD-HHMMSS-ffffff-label``.
    """
    if keep <= 0:
        return []
    kept = set(backups[-keep:])
    newest_of_day: dict[date, Path] = {}
    for path in backups:
        day = _backup_day(path)
        if day is not None and today - timedelta(days=days - 1) <= day <= today:
            newest_of_day[day] = path  # sorted oldest first: the last one wins
    kept.update(newest_of_day.values())
    kept.update(p for p in backups if p.stem.endswith(f"-{RESTORE_LABEL}"))
    return [p for p in backups if p not in kept]


def _backup_day(path: Path) -> date | None:
    for part in path.stem.split("-"):
        if len(part) == 8 and part.isdigit():
            try:
                return datetime.strptime(part, "%Y%m%d").date()
            except ValueError:
                return None
    return None


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.*?)\s*$", re.MULTILINE)
_PLAIN = re.compile(r"\"[^\"]+\"|'[^']+'")


def quick_head_revision() -> str | None:
    """The head read from the scripts' own `revision` / `down_revision` lines, without importing Alembic.

    None when that is not plain (several heads, a computed value): then Alembic's head_revision() decides.
    tests/db/test_migrations.py checks it equals Alembic's answer.
    """
    revisions: set[str] = set()
    downs: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        revision, down = found.get("revision", ""), found.get("down_revision", "")
        if not _PLAIN.fullmatch(revision) or not (down == "None" or _PLAIN.fullmatch(down)):
            return None  # a tuple of parents, a computed value: not plain
        revisions.add(revision.strip("\"'"))
        if down != "None":
            downs.add(down.strip("\"'"))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The file's revision (Alembic's one-row table) by plain SQL; None when absent or not a single row."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            has_table = conn.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
            ).first()
            if not has_table:
                return None
        else:
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return rows[0][0] if len(rows) == 1 else None


def prepare_database(db: Path | str, *, backup: bool = True, key: bytes | None = None) -> Engine:
    """Open a database: refuse a newer one, back the file up, migrate it to head.

    With backup=False a copy is still made, but only when a migration is about to change the file.
    With a key the file is SQLCipher's and so are its backups.
    """
    engine = make_engine(db, key=key)
    try:
        current = _stored_revision(engine)
        if current is None or current != quick_head_revision():  # not plainly at head: Alembic decides
            check_not_newer(engine)
            current = current_revision(engine)
        needs_upgrade = current != quick_head_revision() and current != head_revision()
        if "://" not in str(db) and current is not None and (backup or needs_upgrade):
            backup_sqlite(
                Path(db), label="start" if not needs_upgrade else f"before-{head_revision()}", key=key
            )
        if needs_upgrade:
            upgrade(engine)
        ensure_triggers(engine)  # the sync outbox triggers of every synced table, whatever migrated it
        ensure_change_triggers(engine)  # the figures' change counters, likewise
    except BaseException:
        # A refused or failed start must not leave pooled connections holding the file (locked on Windows).
        engine.dispose()
        raise
    return engine
