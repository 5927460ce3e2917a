"""The application context a use case runs in: database, office, user and device."""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db.bulkwrite import checkpoint_afterwards, wait_for_checkpoints
from db.engine import make_session_factory
from db.migrate import prepare_database
from db.models import LocalSetting
from desktop.core.accounts.session import SignedIn
from desktop.core.errors import SetupRequiredError
from desktop.core.keys.opening import key_for_database
from desktop.core.keys.secrets import seal_plain_secrets


@dataclass
class AppContext:
    engine: Engine
    sessions: sessionmaker[Session]
    user_name: str
    device_id: str
    db_path: Path | None = None
    # Who is signed in (desktop.core.accounts.signin); None on a database without accounts, or before sign-in.
    account: SignedIn | None = None
    device_name: str = field(default_factory=lambda: _host_name())

    @classmethod
    def open(
        cls,
        db: Path | str,
        *,
        user_name: str | None = None,
        backup: bool = True,
        recovery_key: str | None = None,
    ) -> AppContext:
        """Find the file's key (encrypting a plain file once), prepare (back up, migrate) it, return a context."""
        key = None if "://" in str(db) else key_for_database(Path(db), recovery_key=recovery_key)
        engine = prepare_database(db, backup=backup, key=key)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            seal_plain_secrets(session, engine)
            device_id = _setting(session, "device_id")
            if not device_id:
                device_id = str(uuid.uuid4())
                session.add(LocalSetting(key="device_id", value=device_id))
        path = None if "://" in str(db) else Path(db)
        return cls(engine, sessions, user_name or _os_user(), device_id, path)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls everything back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def bulk_transaction(self) -> Iterator[Session]:
        """transaction() for tens of thousands of rows: the WAL is copied into the database file after the commit,
        on a background thread, instead of inside it (db.bulkwrite.checkpoint_afterwards)."""
        with (
            self.engine.connect() as conn,
            checkpoint_afterwards(conn),
            self.sessions(bind=conn) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def office_code(self) -> str | None:
        with self.reading() as session:
            return _setting(session, "office_code") or None

    def require_office_code(self) -> str:
        code = self.office_code()
        if not code:
            raise SetupRequiredError(
                "ยังไม่ได้ตั้งค่าจังหวัดของสำนักงาน กรุณาตั้งค่าก่อน (krukhor-cli init --province CODE)"
            )
        return code

    def close(self) -> None:
        wait_for_checkpoints(timeout=30)
        self.engine.dispose()


def _setting(session: Session, key: str) -> str:
    return session.scalar(select(LocalSetting.value).where(LocalSetting.key == key)) or ""


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value


def get_setting(session: Session, key: str) -> str:
    return _setting(session, key)


def _host_name() -> str:
    try:
        return socket.gethostname()[:100]
    except OSError:
        return ""


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return "unknown"
