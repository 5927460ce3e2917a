"""Where the data keys are kept: the OS credential store (keyring) when it works, else a user-only file.

Never in the data folder, never in a backup, never in a log. The store holds a short list of keys, each with
the database paths it was last used for; a file is opened with the key recorded for its path, or any other
known key that decrypts it (a moved folder, a backup).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir

from desktop.paths import APP_NAME

log = logging.getLogger(__name__)

KEY_DIR_ENV = "KRUKHOR_KEY_DIR"  # tests and admins: keep the keys in this folder instead of the OS store
SERVICE = "krukhor"
ENTRY = "data-keys"
MAX_KEYS = 4  # Windows Credential Manager holds at most 2,560 bytes (1,280 characters) per credential


@dataclass
class KeyEntry:
    key: bytes
    paths: list[str] = field(default_factory=list)


def _encode(entries: list[KeyEntry]) -> str:
    return json.dumps({"v": 1, "keys": [{"k": e.key.hex(), "p": e.paths[-2:]} for e in entries[:MAX_KEYS]]})


def _decode(raw: str | None) -> list[KeyEntry]:
    if not raw:
        return []
    data = json.loads(raw)
    return [KeyEntry(bytes.fromhex(item["k"]), list(item.get("p", []))) for item in data.get("keys", [])]


class FileStore:
    """keys.json, readable and writable by the user only (0600, folder 0700)."""

    max_keys = 1000  # no size limit of its own; a key is dropped only beyond this many

    def __init__(self, folder: Path) -> None:
        self.path = folder / "keys.json"

    def load(self) -> list[KeyEntry]:
        try:
            return _decode(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []

    def save(self, entries: list[KeyEntry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = self.path.with_name(self.path.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_encode(entries))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, self.path)

    def describe(self) -> str:
        return f"แฟ้มที่อ่านได้เฉพาะผู้ใช้นี้ {self.path}"


class KeyringStore:
    """The OS credential store through keyring (Windows Credential Manager, the Secret Service on Linux)."""

    max_keys = MAX_KEYS

    def __init__(self, backend: object) -> None:
        self.backend = backend

    def load(self) -> list[KeyEntry]:
        return _decode(self.backend.get_password(SERVICE, ENTRY))  # type: ignore[attr-defined]

    def save(self, entries: list[KeyEntry]) -> None:
        self.backend.set_password(SERVICE, ENTRY, _encode(entries))  # type: ignore[attr-defined]

    def describe(self) -> str:
        return f"ที่เก็บรหัสของระบบปฏิบัติการ ({type(self.backend).__module__})"


def key_store() -> FileStore | KeyringStore:
    """The store for this user: KRUKHOR_KEY_DIR if set, the OS store when usable, else the config folder file."""
    override = os.environ.get(KEY_DIR_ENV)
    if override:
        return FileStore(Path(override))
    backend = _usable_keyring()
    if backend is not None:
        return KeyringStore(backend)
    # On Windows the local config folder is the data folder (%LOCALAPPDATA%\krukhor); the key must not sit beside
    # the file it opens, so the fallback there is %APPDATA%\krukhor (the Credential Manager is the normal case).
    return FileStore(Path(user_config_dir(APP_NAME, appauthor=False, roaming=os.name == "nt")))


def _usable_keyring() -> object | None:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
            return None
        backend.get_password(SERVICE, ENTRY)  # a Secret Service without a session bus fails here
        return backend
    except Exception as exc:  # no backend, no D-Bus, a locked collection: the user-only file instead
        log.info("OS key store not usable (%s); keys kept in the config folder", type(exc).__name__)
        return None


def remember(store: FileStore | KeyringStore, key: bytes, db_path: Path) -> None:
    """Record that ``key`` opens ``db_path`` (newest first; the oldest keys beyond MAX_KEYS are dropped)."""
    entries = store.load()
    where = str(db_path.resolve())
    for entry in entries:
        if where in entry.paths and entry.key != key:
            entry.paths.remove(where)
    match = next((e for e in entries if e.key == key), None)
    if match is None:
        match = KeyEntry(key)
    else:
        entries.remove(match)
    if where in match.paths:
        match.paths.remove(where)
    match.paths.append(where)
    store.save(_within(store.max_keys, [match, *entries]))


def _within(limit: int, entries: list[KeyEntry]) -> list[KeyEntry]:
    """At most ``limit`` keys: first dropped are the oldest whose files are all gone (a self-test, a moved copy)."""
    entries = list(entries)
    for entry in reversed(entries[1:]):
        if len(entries) <= limit:
            break
        if not any(Path(p).exists() for p in entry.paths):
            entries.remove(entry)
    return entries[:limit]


def candidates(store: FileStore | KeyringStore, db_path: Path) -> list[bytes]:
    """The known keys, those recorded for this path first."""
    where = str(db_path.resolve())
    entries = store.load()
    return [e.key for e in entries if where in e.paths] + [e.key for e in entries if where not in e.paths]
