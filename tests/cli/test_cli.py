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
from desktop.cli import main
from desktop.cli.people import PEOPLE_HEADER
from desktop.cli.rounds import ROUNDS_HEADER

THAI = re.compile(r"[\u0e00-\u0e7f]")
REPO = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "cli.sqlite"
    assert _run(capsys, db, "init", "--province", "40")[0] == 0
    code, out, err = _run(capsys, db, "demo", "--people", "50", "--no-accounts")
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
    code, _, err = _run(capsys, demo_db, "demo", "--people", "10", "--no-accounts")
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


def _round_rows(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, str]]:
    code, out, _ = _run(capsys, db, "rounds", "--format", "csv")
    assert code == 0
    return list(csv.DictReader(io.StringIO(out)))


def test_rounds_csv_has_completed_after_enrolled(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _round_rows(capsys, demo_db)
    header = list(rows[0])
    assert header.index("completed") == header.index("enrolled") + 1
    for r in rows:
        assert 0 <= int(r["completed"]) <= int(r["enrolled"])
        if r["status"] in ("planned", "open"):
            assert r["completed"] == "0"
    assert sum(int(r["completed"]) for r in rows if r["status"] in ("held", "closed")) > 0


@pytest.fixture
def bigger_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Enough people that the demo's open rounds have enrolments (50 leave them empty)."""
    db = tmp_path / "cli400.sqlite"
    assert _run(capsys, db, "demo", "--people", "400", "--no-accounts")[0] == 0
    return db


def _open_round_and_ids(capsys: pytest.CaptureFixture[str], db: Path) -> tuple[dict[str, str], list[str]]:
    from desktop.core.rounds import enrolment

    rnd = next(r for r in _round_rows(capsys, db) if r["status"] == "open" and int(r["enrolled"]))
    from desktop.core.context import AppContext

    ctx = AppContext.open(db, backup=False)
    try:
        import uuid

        ids = [
            e.person.national_id for e in enrolment.list_enrolments(ctx, round_id=uuid.UUID(rnd["round_id"]))
        ]
    finally:
        ctx.close()
    return rnd, ids


def test_checkin_marks_present_then_refuses_the_second_scan(
    bigger_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_db = bigger_db
    rnd, ids = _open_round_and_ids(capsys, demo_db)
    where = ["--round", f"{rnd['number']}/{rnd['fiscal_year']}", "--day", "1", "--half", "am"]
    today = ["--today", rnd["start_date"]]
    code, out, err = _run(capsys, demo_db, "checkin", *where, *today, ids[0])
    assert (code, err) == (0, "")
    assert out.startswith("มาเข้าอบรม:") and ids[0] in out
    code, out, err = _run(capsys, demo_db, "checkin", *where, *today, ids[0])
    assert code == 2 and out == ""
    assert "ลงชื่อเข้าอบรมวันที่ 1 ช่วงเช้าแล้ว" in err
    # The round by its uuid works too; a wrong check digit and a day that is not today are refused.
    by_id = ["--round", rnd["round_id"], "--day", "1", "--half", "pm"]
    bad = ids[1][:12] + str((int(ids[1][12]) + 1) % 10)
    code, _, err = _run(capsys, demo_db, "checkin", *by_id, *today, bad)
    assert code == 2 and "หลักตรวจสอบ" in err
    code, _, err = _run(capsys, demo_db, "checkin", *by_id, ids[1])
    assert code == 2 and "ไม่ได้อบรมวันนี้" in err


def test_checkin_of_an_unknown_round_is_bad_input(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        capsys, demo_db, "checkin", "--round", "99/2570", "--day", "1", "--half", "am", "1101700001237"
    )
    assert code == 1
    assert "ไม่พบรุ่นที่ 99" in err


def test_card_read_does_not_open_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reading a card touches no data: no database file is made, opened or migrated (with or without a reader)."""
    db = tmp_path / "never.sqlite"
    code = main(["--db", str(db), "card", "read", "--timeout", "0.2"])
    assert code in (0, 2)
    assert not db.exists() and not list(tmp_path.iterdir())
