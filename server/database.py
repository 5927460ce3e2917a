"""The server's engine (SQLite for a pilot, PostgreSQL in production) and its Alembic migration at start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from server.models import SyncCounter

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_server_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 60, "check_same_thread": False}, pool_size=20, max_overflow=20
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: object, _rec: object) -> None:
            dbapi_conn.isolation_level = None  # type: ignore[attr-defined] - we issue BEGIN ourselves
            cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: object) -> None:
            # Take the write lock at the start: a deferred transaction that later upgrades to a writer can
            # fail with "database is locked" at once instead of waiting for its turn.
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=30)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_table", "alembic_version_server")
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the server schema to head (run at every start; a no-op when already there)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.begin() as conn:
        if conn.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) is None:
            conn.execute(insert(SyncCounter).values(id=1, value=0))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": "alembic_version_server"}
        ).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
