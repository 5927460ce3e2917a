"""The command line, in process (exit codes, messages, CSV) and once through its installed entry point."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.migrate import prepare_database
from desktop.cli import PEOPLE_HEADER, ROUNDS_HEADER, main

THAI = re.compile(r"[\u0e00-\u0e7f]")
REPO = Path(__file__).resolve().parents[1]


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "cli.sqlite"
    assert _run(capsys, db, "init", "--province", "40")[0] == 0
    code, out, err = _run(capsys, db, "demo", "--people", "50")
    assert (code, err) == (0, "")
    assert "50 คน" in out
    return db


def test_init_with_a_bad_province_fails_in_thai(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, tmp_path / "cli.sqlite", "init", "--province", "99")
    assert code == 1
    assert out == ""
    assert err.startswith("ข้อผิดพลาด:")
    assert "99" in err and THAI.search(err)


def test_init_with_a_good_province(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, tmp_path / "cli.sqlite", "init", "--province", "40")
    assert (code, err) == (0, "")
    assert "สำนักงานแรงงานจังหวัดขอนแก่น" in out


def test_listing_before_init_asks_for_setup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, tmp_path / "cli.sqlite", "people")
    assert code == 1
    assert "init --province" in err


def test_people_csv(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, demo_db, "people", "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "national_id",
        "prefix",
        "first_name",
        "last_name",
        "position",
        "village_code",
        "village_name",
        "subdistrict",
        "district",
        "province",
        "phone",
    ]
    assert rows[0] == PEOPLE_HEADER
    data = rows[1:]
    assert len(data) == 50
    assert all(len(r) == len(PEOPLE_HEADER) for r in data)
    assert len({r[0] for r in data}) == 50
    assert all(re.fullmatch(r"\d{13}", r[0]) and re.fullmatch(r"40\d{6}", r[5]) for r in data)
    assert {r[9] for r in data} == {"ขอนแก่น"}


def test_people_search(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, demo_db, "people")
    some_id = list(csv.reader(io.StringIO(out)))[7][0]
    code, out, _ = _run(capsys, demo_db, "people", "--search", some_id)
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    assert [r[0] for r in rows[1:]] == [some_id]


def test_rounds_csv(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, demo_db, "rounds", "--format", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ROUNDS_HEADER
    assert len(rows) == 15
    assert {r["status"] for r in rows} == {"planned", "open", "held", "closed"}
    keys = [(int(r["fiscal_year"]), int(r["number"])) for r in rows]
    assert keys == sorted(keys)
    assert all(int(r["enrolled"]) <= int(r["capacity"]) for r in rows)
    assert rows[0]["start_date"] == "2025-11-18"


def test_demo_twice_is_refused(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, demo_db, "demo", "--people", "10")
    assert code == 1
    assert "มีรายชื่อบุคคลอยู่แล้ว" in err


def test_a_newer_database_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "new.sqlite"
    prepare_database(db).dispose()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    code, out, err = _run(capsys, db, "people")
    assert code == 3
    assert out == ""
    assert "ใหม่กว่า" in err


def test_installed_entry_point_writes_utf8(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / ("krukhor-cli.exe" if os.name == "nt" else "krukhor-cli")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "desktop.cli"]
    # A console that is not UTF-8 (a Windows code page, say): the CLI must still write UTF-8.
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "KRUKHOR_DATA_DIR": str(tmp_path / "data")}
    db = tmp_path / "sub.sqlite"
    done = subprocess.run(
        [*command, "--db", str(db), "init", "--province", "40"],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "สำนักงานแรงงานจังหวัดขอนแก่น" in done.stdout.decode("utf-8")

    done = subprocess.run(
        [*command, "--db", str(db), "init", "--province", "99"],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.decode("utf-8").startswith("ข้อผิดพลาด:")
