"""Finding the key that opens a database file: a new key for a new file, converting a plain one, recovery."""

from __future__ import annotations

from pathlib import Path

from db.cipher import is_empty, is_plain_sqlite, new_key, opens_with
from db.encrypt import encrypt_in_place
from db.migrate import backup_sqlite, check_plain_file_not_newer
from desktop.core.errors import CoreError
from desktop.core.keys.recovery import BadRecoveryKeyError, format_recovery_key, parse_recovery_key
from desktop.core.keys.store import candidates, key_store, remember


class RecoveryKeyRequiredError(CoreError):
    """The file is encrypted with a key this user's store does not have (a copy from another PC)."""


class ConversionFailedError(CoreError):
    """Encrypting an existing plain database failed; it was left as it was."""


def key_for_database(db_path: Path, *, recovery_key: str | None = None) -> bytes:
    """The key of ``db_path``: made for a new file, made and applied once to a plain one, found or recovered."""
    store = key_store()
    if is_empty(db_path) and not db_path.with_name(db_path.name + "-wal").exists():
        key = parse_recovery_key(recovery_key) if recovery_key else new_key()
        remember(store, key, db_path)
        return key
    if is_plain_sqlite(db_path):
        # A file written by a newer version is refused before it is touched: converting it first would leave it
        # encrypted for a version that does not expect that, and the refusal comes anyway.
        check_plain_file_not_newer(db_path)
        key = next(iter(candidates(store, db_path)), None) or new_key()
        remember(
            store, key, db_path
        )  # before the file is encrypted: a kill right after must not lose the key
        encrypt_existing(db_path, key)
        return key
    if recovery_key:
        key = parse_recovery_key(recovery_key)
        if not opens_with(db_path, key):
            raise BadRecoveryKeyError(
                f"กุญแจกู้คืนที่ให้มาเปิดฐานข้อมูล {db_path} ไม่ได้ กรุณาตรวจกุญแจกู้คืนของฐานข้อมูลนี้อีกครั้ง (จากหน้าที่พิมพ์ไว้ตอนตั้งค่า)"
            )
        remember(store, key, db_path)
        return key
    for key in candidates(store, db_path):
        if opens_with(db_path, key):
            remember(store, key, db_path)
            return key
    raise RecoveryKeyRequiredError(
        f"ฐานข้อมูล {db_path} เข้ารหัสไว้ และเครื่องนี้ (ผู้ใช้นี้) ยังไม่มีกุญแจของฐานข้อมูลนี้ "
        "เช่น เมื่อคัดลอกฐานข้อมูลมาจากเครื่องอื่น กรุณาใส่กุญแจกู้คืนที่พิมพ์ไว้ตอนตั้งค่า "
        "(krukhor-cli --recovery-key XXXX-XXXX-… หรือในหน้าต่างกู้คืนของโปรแกรม) "
        "ผู้ดูแลดูกุญแจกู้คืนได้บนเครื่องเดิมด้วย krukhor-cli key show-recovery"
    )


def encrypt_existing(db_path: Path, key: bytes) -> None:
    """Encrypt a plain database and its plain backups; on failure the old file stays and the message says so."""
    try:
        encrypt_in_place(db_path, key)
    except Exception as exc:  # EncryptionError, a full disk, a locked file: all leave the old file whole
        raise ConversionFailedError(
            f"เข้ารหัสฐานข้อมูล {db_path} ไม่สำเร็จ ฐานข้อมูลเดิมยังอยู่ครบและไม่ได้เปลี่ยนแปลง "
            f"(โปรแกรมจะลองใหม่เมื่อเปิดครั้งถัดไป): {exc}"
        ) from exc
    backups = db_path.parent / "backups"
    for old in sorted(backups.glob(f"{db_path.stem}-[0-9]*")) if backups.is_dir() else []:
        if old.suffix == ".part":
            old.unlink(missing_ok=True)
        elif is_plain_sqlite(old):
            encrypt_in_place(old, key)  # an old backup in plain text would keep every ID readable
    backup_sqlite(db_path, label="encrypted", key=key)


def recovery_key_text(db_path: Path) -> str:
    """The printable recovery key of ``db_path``, from this user's store."""
    store = key_store()
    for key in candidates(store, db_path):
        if opens_with(db_path, key):
            return format_recovery_key(key)
    raise RecoveryKeyRequiredError(f"เครื่องนี้ (ผู้ใช้นี้) ไม่มีกุญแจของฐานข้อมูล {db_path} จึงแสดงกุญแจกู้คืนไม่ได้")
