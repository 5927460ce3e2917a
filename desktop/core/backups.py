"""The backups beside a database: listing them with their Thai time, and restoring one atomically."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.cipher import DRIVER_ERRORS, connect, opens_with
from db.encrypt import fsync_dir
from db.engine import make_engine
from db.migrate import RESTORE_LABEL, DatabaseTooNewError, backup_sqlite, check_not_newer
from db.rules.thai_dates import format_be_date
from db.rules.thai_time import to_bangkok
from desktop.core.errors import CoreError

RESTORING_SUFFIX = ".restoring"


class RestoreError(CoreError):
    """The backup could not be restored; the current database was left as it was."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # aware, Bangkok time
    label: str
    size: int

    @property
    def reason(self) -> str:
        """Why the copy was made, in Thai."""
        if self.label == "start":
            return "เปิดโปรแกรม"
        if self.label == RESTORE_LABEL:
            return "ข้อมูลก่อนกู้คืน"
        if self.label == "encrypted":
            return "หลังเข้ารหัสฐานข้อมูล"
        if self.label.startswith("before-"):
            return "ก่อนปรับรุ่นฐานข้อมูล"
        return self.label

    @property
    def when_text(self) -> str:
        """e.g. "4 ธ.ค. 2569 17:09:52 น." (Buddhist Era, Bangkok time)."""
        t = self.taken_at
        return f"{format_be_date(t.date(), style='medium')} {t:%H:%M:%S} น."


def backups_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The finished backups of ``db_path``, newest first (half-written ``.part`` files are not backups)."""
    folder = backups_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{db_path.stem}-[0-9]*"):
        parsed = _parse_name(path, db_path.stem)
        if parsed is not None:
            found.append(BackupInfo(path, parsed[0], parsed[1], path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def _parse_name(path: Path, stem: str) -> tuple[datetime, str] | None:
    """``STEM-YYYYMMDD-HHMMSS-ffffff-label.ext``, stamped in the PC's local time (db.migrate.backup_sqlite)."""
    if path.suffix in (".part", RESTORING_SUFFIX) or path.name.endswith(("-wal", "-shm", "-journal")):
        return None
    rest = path.stem[len(stem) + 1 :].split("-", 3)
    if len(rest) != 4:
        return None
    try:
        local = datetime.strptime("-".join(rest[:3]), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None
    return to_bangkok(local.astimezone()), rest[3]


def restore_backup(db_path: Path, backup: Path, *, key: bytes | None) -> Path:
    """Put ``backup`` in place of ``db_path``; returns the copy of the current data kept aside first.

    Nothing may hold the database open. The backup is copied beside the database and checked (it opens with
    the key, integrity_check, not from a newer version) before anything changes; the current file is then
    copied to the backups folder, and the checked copy renamed over it in one step. Killed at any point, the
    file at ``db_path`` is either the old database or the restored one, whole.
    """
    if not backup.is_file():
        raise RestoreError(f"ไม่พบไฟล์สำรอง {backup}")
    partial = db_path.with_name(db_path.name + RESTORING_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        try:
            _copy_synced(backup, partial)
        except OSError as exc:  # a full disk, say
            raise RestoreError(
                f"คัดลอกไฟล์สำรอง {backup.name} ไม่ได้ ({exc.strerror or exc}) จึงไม่ได้กู้คืน ฐานข้อมูลปัจจุบันยังอยู่ครบ"
            ) from exc
        _check_restorable(partial, key, backup)
        aside = _keep_current_aside(db_path, key)
        try:
            # The WAL is empty after the checkpoint above, and must never be replayed on the restored file.
            for leftover in (
                db_path.with_name(db_path.name + "-wal"),
                db_path.with_name(db_path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            os.replace(partial, db_path)
        except OSError as exc:  # Windows: another program still has the file open
            raise RestoreError(
                f"แทนที่ฐานข้อมูล {db_path} ไม่ได้ ({exc.strerror or exc}) อาจมีโปรแกรมอื่นเปิดไฟล์อยู่ "
                f"ฐานข้อมูลปัจจุบันยังอยู่ครบ และสำรองไว้ที่ {aside}"
            ) from exc
        fsync_dir(db_path.parent)
    finally:
        partial.unlink(missing_ok=True)
    return aside


def _copy_synced(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def _check_restorable(copy: Path, key: bytes | None, shown: Path) -> None:
    if key is not None and not opens_with(copy, key):
        raise RestoreError(
            f"ไฟล์สำรอง {shown.name} เปิดด้วยกุญแจของฐานข้อมูลนี้ไม่ได้ (เป็นสำรองของฐานข้อมูลอื่น หรือไฟล์เสียหาย) "
            "จึงไม่ได้กู้คืน ฐานข้อมูลปัจจุบันยังอยู่ครบ"
        )
    conn = connect(copy, key)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except DRIVER_ERRORS as exc:
        check = str(exc)
    finally:
        conn.close()
    if check != "ok":
        raise RestoreError(f"ไฟล์สำรอง {shown.name} ตรวจสอบไม่ผ่าน ({check}) จึงไม่ได้กู้คืน ฐานข้อมูลปัจจุบันยังอยู่ครบ")
    engine = make_engine(copy, key=key)
    try:
        check_not_newer(engine)
    except DatabaseTooNewError as exc:
        raise RestoreError(f"ไฟล์สำรอง {shown.name}: {exc} จึงไม่ได้กู้คืน") from exc
    finally:
        engine.dispose()


def _keep_current_aside(db_path: Path, key: bytes | None) -> Path:
    """A consistent copy of the current data in the backups folder (never pruned), its WAL folded in first."""
    conn = connect(db_path, key, isolation_level=None)
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    if busy:
        raise RestoreError(
            "ฐานข้อมูลกำลังถูกใช้งานอยู่ (เช่น krukhor-cli หรือโปรแกรมอีกหน้าต่าง) จึงยังกู้คืนไม่ได้ "
            "กรุณาปิดโปรแกรมอื่นที่ใช้ฐานข้อมูลนี้แล้วลองใหม่ ฐานข้อมูลปัจจุบันยังอยู่ครบ"
        )
    try:
        aside = backup_sqlite(db_path, label=RESTORE_LABEL, key=key)
    except OSError as exc:
        raise RestoreError(
            f"เก็บสำรองฐานข้อมูลปัจจุบันไม่ได้ ({exc.strerror or exc}) จึงไม่ได้กู้คืน ฐานข้อมูลปัจจุบันยังอยู่ครบ"
        ) from exc
    if aside is None:
        raise RestoreError(f"เก็บสำรองฐานข้อมูลปัจจุบัน {db_path} ไม่ได้ จึงไม่ได้กู้คืน")
    return aside
