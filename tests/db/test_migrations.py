"""Start-up database preparation: migrations match the models, pragmas, backups, refusing a newer schema."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, inspect

from db.migrate import (
    BACKUPS_KEPT,
    DatabaseTooNewError,
    alembic_config,
    current_revision,
    head_revision,
    prepare_database,
)
from db.models import Base
from desktop.core import office
from desktop.core.context import AppContext
from tests.fixtures.encrypted import open_file

THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture
def engine(db_path: Path):
    eng = prepare_database(db_path)
    yield eng
    eng.dispose()


def _diffs(engine: Engine, metadata: MetaData) -> list:
    with engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": metadata})
        return compare_metadata(mc, metadata)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backups(db_path: Path) -> list[Path]:
    folder = db_path.parent / "backups"
    return sorted(folder.glob("*.sqlite")) if folder.exists() else []


def _stamp(db_path: Path, revision: str) -> None:
    con = sqlite3.connect(db_path)
    try:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.commit()
    finally:
        con.close()


def test_migrating_an_empty_file_creates_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert tables - set(Base.metadata.tables) == {"alembic_version"}
    assert current_revision(engine) == head_revision()


def test_models_and_migrations_agree(engine: Engine) -> None:
    # A model changed without a migration shows up here as a difference.
    assert _diffs(engine, Base.metadata) == []


def test_comparison_would_catch_a_model_change_without_migration(engine: Engine) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["person"].append_column(Column("nickname", String(50)))
    diffs = _diffs(engine, changed)
    assert [(d[0], d[2], d[3].name) for d in diffs] == [("add_column", "person", "nickname")]


def test_sqlite_pragmas_are_on(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_a_database_newer_than_the_program_is_refused_and_left_alone(db_path: Path) -> None:
    prepare_database(db_path).dispose()
    _stamp(db_path, "9999_future")
    before = _sha256(db_path)

    with pytest.raises(DatabaseTooNewError) as excinfo:
        prepare_database(db_path)

    message = str(excinfo.value)
    assert THAI.search(message), message
    assert "9999_future" in message
    assert _sha256(db_path) == before
    # The refused start closed its connections: no WAL left behind holding the file open.
    assert not Path(f"{db_path}-wal").exists()
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999_future",)]
    finally:
        con.close()


def test_app_context_refuses_a_newer_database_too(db_path: Path) -> None:
    prepare_database(db_path).dispose()
    _stamp(db_path, "9999_future")
    with pytest.raises(DatabaseTooNewError):
        AppContext.open(db_path)


def test_second_start_backs_up_a_copy_with_the_same_rows(db_path: Path) -> None:
    ctx = AppContext.open(db_path)
    office.setup_office(ctx, province_code="40")
    ctx.close()
    assert _backups(db_path) == []  # the first start had nothing to back up

    ctx = AppContext.open(db_path)
    with ctx.engine.connect() as conn:
        live = conn.exec_driver_sql("SELECT code, name_th FROM province ORDER BY code").fetchall()
        live_office = conn.exec_driver_sql("SELECT code, name_th FROM office").fetchall()
    ctx.close()

    backups = _backups(db_path)
    assert len(backups) == 1
    con = open_file(backups[0])
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT code, name_th FROM province ORDER BY code").fetchall() == live
        assert con.execute("SELECT code, name_th FROM office").fetchall() == live_office
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    finally:
        con.close()
    assert len(live) == 77
    assert not list((db_path.parent / "backups").glob("*.part"))


def test_only_the_newest_backups_are_kept(db_path: Path) -> None:
    prepare_database(db_path).dispose()
    made = []
    for _ in range(BACKUPS_KEPT + 3):
        prepare_database(db_path).dispose()
        made.append(_backups(db_path)[-1])
    kept = _backups(db_path)
    assert len(kept) == BACKUPS_KEPT
    assert kept == sorted(set(made))[-BACKUPS_KEPT:]


def test_no_backup_without_migration_when_backup_is_false(db_path: Path) -> None:
    prepare_database(db_path).dispose()
    for _ in range(3):
        prepare_database(db_path, backup=False).dispose()
    assert _backups(db_path) == []
    prepare_database(db_path, backup=True).dispose()
    assert len(_backups(db_path)) == 1


def test_downgrade_to_base_then_upgrade_to_head(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None

    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert current_revision(engine) == head_revision()
    assert _diffs(engine, Base.metadata) == []


def test_the_quick_head_is_alembics_head_and_a_start_at_head_skips_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    from db.migrate import quick_head_revision

    assert quick_head_revision() == head_revision()
    db = tmp_path / "at-head.sqlite"
    prepare_database(db, backup=False).dispose()
    # A fresh interpreter: opening a file already at head must not load Alembic (a fifth of a second per start).
    code = (
        "import sys; from db.migrate import prepare_database; "
        f"prepare_database({str(db)!r}, backup=False).dispose(); print('alembic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr
