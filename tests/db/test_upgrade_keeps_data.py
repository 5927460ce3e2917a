"""Installing a newer version over an older one: the old database is kept, backed up and migrated to head.

The database is made the way an older program left it: migrated only to the earliest revision, rows
written with plain SQL in that revision's schema. Then the current code opens it. A probe revision on
top of a copy of the migrations exercises the migrate-and-back-up path even while head is the earliest
revision, and a failing revision shows that a broken upgrade leaves the data as it was.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import db.migrate as migrate
from db.engine import make_engine
from db.models import Base
from db.resources import resource_path
from db.rules.national_id import make_national_id
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.people import people
from tests.fixtures.encrypted import open_file

OLD_PEOPLE = [  # prefix, first, last, position: what an office typed into the old version
    ("นาย", "สมศักดิ์", "ใจดี", "กำนัน"),
    ("นาง", "ญี่ปุ่น", "ฟื้นฟูน้ำใจ", "ผู้ใหญ่บ้าน"),
    ("นางสาว", "พรทิพย์", "ศรีสุข", "อสม."),
]
DEVICE_ID = "0f4b6c1e-0000-4000-8000-000000000001"


def _earliest_revision() -> str:
    bases = ScriptDirectory.from_config(migrate.alembic_config()).get_bases()
    assert len(bases) == 1, bases
    return bases[0]


def _stamp_now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _make_old_database(path: Path, revision: str) -> list[str]:
    """A database at ``revision`` holding an office and people, written with SQL; returns the national IDs."""
    engine = make_engine(path)
    try:
        migrate.upgrade(engine, revision)
    finally:
        engine.dispose()
    con = sqlite3.connect(path)
    now = _stamp_now()
    ids = []
    try:
        with resource_path("reference", "provinces.csv").open(encoding="utf-8", newline="") as fh:
            provinces = list(csv.DictReader(fh))
        province_id = {}
        for p in provinces:
            province_id[p["code"]] = uuid.uuid4().hex
            con.execute(
                "INSERT INTO province (code, name_th, name_en, region, id, office_code, created_at, updated_at,"
                " version, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
                (
                    p["code"],
                    p["name_th"],
                    p["name_en"],
                    p["region"],
                    province_id[p["code"]],
                    p["code"],
                    now,
                    now,
                ),
            )
        con.execute(
            "INSERT INTO office (code, province_id, name_th, address, phone, head_name, head_position, id,"
            " office_code, created_at, updated_at, version, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 0)",
            (
                "40",
                province_id["40"],
                "สำนักงานแรงงานจังหวัดขอนแก่น",
                "ศูนย์ราชการจังหวัดขอนแก่น",
                "043-000000",
                "นางสาวพรทิพย์ ศรีสุข",
                "แรงงานจังหวัดขอนแก่น",
                uuid.uuid4().hex,
                "40",
                now,
                now,
            ),
        )
        con.executemany(
            "INSERT INTO local_setting (key, value) VALUES (?, ?)",
            [("office_code", "40"), ("device_id", DEVICE_ID)],
        )
        round_id = uuid.uuid4().hex
        con.execute(
            "INSERT INTO training_round (fiscal_year, number, title, start_date, end_date, venue, venue_type,"
            " training_type, capacity, status, organiser, completion_rule, note, id, office_code, created_at,"
            " updated_at, version, deleted) VALUES (2570, 1, ?, '2027-05-11', '2027-05-12', ?, 'government',"
            " 'outsider', 40, 'open', ?, 'all_halves', '', ?, '40', ?, ?, 1, 0)",
            ("ฝึกอบรมครู ข", "ห้องประชุมอำเภอภูเวียง", "สำนักงานแรงงานจังหวัดขอนแก่น", round_id, now, now),
        )
        for i, (prefix, first, last, position) in enumerate(OLD_PEOPLE):
            nid = make_national_id(f"34001{i:07d}")
            ids.append(nid)
            person_id = uuid.uuid4().hex
            con.execute(
                "INSERT INTO person (national_id, prefix, first_name, last_name, name_original, position,"
                " village_id, phone, note, id, office_code, created_at, updated_at, version, deleted)"
                " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, '40', ?, ?, 2, 0)",
                (
                    nid,
                    prefix,
                    first,
                    last,
                    f"{prefix}{first} {last}",
                    position,
                    "0812345678",
                    "",
                    person_id,
                    now,
                    now,
                ),
            )
            con.execute(  # a child row: a migration that rebuilds the person table must keep it
                "INSERT INTO enrolment (round_id, person_id, status, walk_in, override_reason, completed, id,"
                " office_code, created_at, updated_at, version, deleted)"
                " VALUES (?, ?, 'enrolled', 0, '', NULL, ?, '40', ?, ?, 1, 0)",
                (round_id, person_id, uuid.uuid4().hex, now, now),
            )
        con.commit()
    finally:
        con.close()
    return ids


def _rows(path: Path, sql: str) -> list[tuple]:
    con = open_file(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _backups(path: Path) -> list[Path]:
    folder = path.parent / "backups"
    # The encrypted copy of the plain file made when the new version first encrypts it is not counted here.
    found = sorted(folder.glob("*.sqlite")) if folder.is_dir() else []
    return [p for p in found if not p.stem.endswith("-encrypted")]


PEOPLE_SQL = (
    "SELECT national_id, prefix, first_name, last_name, position, phone FROM person ORDER BY national_id"
)
ENROLMENT_SQL = (
    "SELECT p.national_id, r.number, e.status FROM enrolment e JOIN person p ON p.id = e.person_id"
    " JOIN training_round r ON r.id = e.round_id ORDER BY p.national_id"
)


def test_a_database_from_the_earliest_revision_opens_with_its_data_backed_up_and_at_head(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "krukhor.sqlite"
    earliest = _earliest_revision()
    ids = _make_old_database(db_path, earliest)
    old_people = _rows(db_path, PEOPLE_SQL)
    old_enrolments = _rows(db_path, ENROLMENT_SQL)
    assert len(old_people) == len(old_enrolments) == len(OLD_PEOPLE)

    ctx = AppContext.open(db_path)  # what the new version does at its first start
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
        with ctx.engine.connect() as conn:  # the migrated file matches the current models exactly
            mc = MigrationContext.configure(
                conn, opts={"compare_type": True, "target_metadata": Base.metadata}
            )
            assert compare_metadata(mc, Base.metadata) == []
        # The current code reads what the old version wrote.
        listed = {p.national_id: p for p in people.list_people(ctx)}
        assert sorted(listed) == sorted(ids)
        for nid, (prefix, first, last, position) in zip(ids, OLD_PEOPLE, strict=True):
            assert listed[nid].full_name == f"{prefix}{first} {last}"
            assert listed[nid].position == position
        own = office.get_office(ctx)
        assert own is not None and own.head_name == "นางสาวพรทิพย์ ศรีสุข"
        assert len(office.list_provinces(ctx)) == 77
        assert ctx.device_id == DEVICE_ID  # the same PC keeps its identity for sync
    finally:
        ctx.close()
    assert _rows(db_path, PEOPLE_SQL) == old_people
    assert _rows(db_path, ENROLMENT_SQL) == old_enrolments
    assert _rows(db_path, "PRAGMA foreign_key_check") == []

    backups = _backups(db_path)
    assert len(backups) == 1
    # The backup is the file as the old version left it: its revision and its rows.
    assert _rows(backups[0], "SELECT version_num FROM alembic_version") == [(earliest,)]
    assert _rows(backups[0], PEOPLE_SQL) == old_people
    assert _rows(backups[0], "PRAGMA integrity_check") == [("ok",)]
    if earliest != migrate.head_revision():
        assert backups[0].stem.endswith(f"before-{migrate.head_revision()}")


# ------------------------------------------------------------------ a newer revision on top of today's head

PROBE = '''"""probe: a later version adds a column and fills it"""

import sqlalchemy as sa
from alembic import op

revision = "9990_probe"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # recreate="always": SQLite rebuilds the table (copy, drop, rename) as for most column changes; the
    # enrolments pointing at it must survive that.
    with op.batch_alter_table("person", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=False, server_default=""))
    op.execute("UPDATE person SET nickname = first_name")
    {fail}


def downgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("nickname")
'''


@pytest.fixture
def newer_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the migrations with one more revision on top of head; yields a writer for that revision."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    old_head = migrate.head_revision()
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)

    def write(*, fail: str = "") -> str:
        body = PROBE.format(down=old_head, fail=fail)
        (folder / "versions" / "9990_probe.py").write_text(body, encoding="utf-8")
        return old_head

    return write


def test_a_newer_version_backs_up_then_migrates_and_keeps_every_row(tmp_path: Path, newer_migrations) -> None:
    db_path = tmp_path / "krukhor.sqlite"
    old_head = newer_migrations()
    _make_old_database(db_path, old_head)
    old_people = _rows(db_path, PEOPLE_SQL)
    old_enrolments = _rows(db_path, ENROLMENT_SQL)

    engine = migrate.prepare_database(db_path, backup=False)  # even without the start-up backup
    try:
        assert migrate.current_revision(engine) == "9990_probe"
    finally:
        engine.dispose()
    assert _rows(db_path, PEOPLE_SQL) == old_people
    assert _rows(db_path, ENROLMENT_SQL) == old_enrolments
    assert _rows(db_path, "PRAGMA foreign_key_check") == []
    assert sorted(_rows(db_path, "SELECT first_name, nickname FROM person")) == sorted(
        (first, first) for _, first, _, _ in OLD_PEOPLE
    )
    backups = _backups(db_path)
    assert len(backups) == 1 and backups[0].stem.endswith("before-9990_probe")
    assert _rows(backups[0], "SELECT version_num FROM alembic_version") == [(old_head,)]
    assert _rows(backups[0], PEOPLE_SQL) == old_people


def test_a_failed_upgrade_leaves_the_database_as_it_was(tmp_path: Path, newer_migrations) -> None:
    db_path = tmp_path / "krukhor.sqlite"
    old_head = newer_migrations(fail='raise RuntimeError("disk full")')
    _make_old_database(db_path, old_head)
    old_people = _rows(db_path, PEOPLE_SQL)
    old_columns = _rows(db_path, "SELECT name FROM pragma_table_info('person') ORDER BY cid")

    with pytest.raises(RuntimeError, match="disk full"):
        migrate.prepare_database(db_path)

    # The migration ran in one transaction: nothing of it is left, the old version still opens the file.
    assert _rows(db_path, "SELECT version_num FROM alembic_version") == [(old_head,)]
    assert _rows(db_path, "SELECT name FROM pragma_table_info('person') ORDER BY cid") == old_columns
    assert _rows(db_path, PEOPLE_SQL) == old_people
    assert _rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    # And the copy taken before the attempt is there too.
    backups = _backups(db_path)
    assert len(backups) == 1
    assert _rows(backups[0], PEOPLE_SQL) == old_people


def test_a_migration_that_would_orphan_rows_is_rolled_back(tmp_path: Path, newer_migrations) -> None:
    db_path = tmp_path / "krukhor.sqlite"
    old_head = newer_migrations(fail='op.execute("DELETE FROM person")')  # a buggy data migration
    _make_old_database(db_path, old_head)
    old_people = _rows(db_path, PEOPLE_SQL)

    with pytest.raises(migrate.MigrationError, match="dangling") as excinfo:
        migrate.prepare_database(db_path)

    assert "ยกเลิก" in str(excinfo.value)  # the Thai part says it was cancelled and the data kept
    assert _rows(db_path, "SELECT version_num FROM alembic_version") == [(old_head,)]
    assert _rows(db_path, PEOPLE_SQL) == old_people
    assert _rows(db_path, "PRAGMA foreign_key_check") == []
