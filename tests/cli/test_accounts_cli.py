"""The command line with staff accounts: --user and KRUKHOR_PASSWORD, init --admin, users …, and exit 4."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from desktop.cli import main
from desktop.core.context import AppContext
from desktop.core.demo.accounts import DEMO_ACCOUNTS

ADMIN_PASSWORD = "office-admin-2569"


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office_db(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """init with a first admin, then a demo province added as that admin (no demo accounts)."""
    db = tmp_path / "acc.sqlite"
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    code, out, err = _run(
        capsys, db, "init", "--province", "40", "--admin", "boss", "--full-name", "นายใหญ่ ดูแลระบบ"
    )
    assert (code, err) == (0, ""), err
    assert "สร้างบัญชีผู้ดูแลระบบ นายใหญ่ ดูแลระบบ (boss) แล้ว" in out
    monkeypatch.delenv("KRUKHOR_PASSWORD")
    return db


def test_init_without_admin_leaves_no_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "plain.sqlite"
    assert _run(capsys, db, "init", "--province", "40")[0] == 0
    assert _run(capsys, db, "people")[0] == 0  # no accounts: nothing asked, as before


def test_without_a_user_changes_and_personal_data_exit_4_in_thai(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, err = _run(capsys, office_db, "people")
    assert (code, out) == (4, "")
    assert (
        err
        == "ข้อผิดพลาด: ต้องเข้าสู่ระบบด้วยบัญชีที่มีบทบาทเจ้าหน้าที่ หรือ การเงิน หรือ ผู้อนุมัติ หรือ ผู้ดูแลระบบก่อนจึงจะส่งออกข้อมูลที่มีข้อมูลส่วนบุคคลได้\n"
    )
    code, _, err = _run(capsys, office_db, "users", "list")
    assert code == 4 and "จัดการบัญชีผู้ใช้" in err
    code, _, err = _run(capsys, office_db, "init", "--province", "41")
    assert code == 4 and "แก้ไขการตั้งค่าสำนักงาน" in err
    monkeypatch.setenv("KRUKHOR_PASSWORD", "not-the-password")
    code, _, err = _run(capsys, office_db, "--user", "boss", "people")
    assert (code, err) == (4, "ข้อผิดพลาด: ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง\n")
    monkeypatch.delenv("KRUKHOR_PASSWORD")
    code, _, err = _run(capsys, office_db, "--user", "boss", "people")  # no password and no terminal
    assert code == 4 and "KRUKHOR_PASSWORD" in err
    assert _run(capsys, office_db, "rounds")[0] == 0  # no personal data in the rounds list


def test_users_add_list_disable_reset(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("KRUKHOR_NEW_PASSWORD", "first-pass-1")
    code, out, err = _run(
        capsys,
        office_db,
        "--user",
        "boss",
        "users",
        "add",
        "somchai",
        "--role",
        "officer",
        "--role",
        "finance",
        "--full-name",
        "นายสมชาย ใจดี",
        "--position",
        "นักวิชาการแรงงาน",
        "--national-id",
        "3-1017-00001-23-3",
    )
    assert (code, err) == (0, ""), err
    assert out == "สร้างบัญชี นายสมชาย ใจดี (somchai) บทบาทเจ้าหน้าที่, การเงิน แล้ว\n"
    code, out, _ = _run(capsys, office_db, "--user", "boss", "users", "list")
    assert code == 0
    assert out.splitlines() == [
        "boss\tนายใหญ่ ดูแลระบบ\t\tผู้ดูแลระบบ\tใช้งาน",
        "somchai\tนายสมชาย ใจดี\tนักวิชาการแรงงาน\tเจ้าหน้าที่, การเงิน\tใช้งาน",
    ]
    monkeypatch.setenv("KRUKHOR_PASSWORD", "first-pass-1")
    assert _run(capsys, office_db, "--user", "somchai", "people")[0] == 0
    code, _, err = _run(capsys, office_db, "--user", "somchai", "users", "list")
    assert code == 4 and err == "ข้อผิดพลาด: นายสมชาย ใจดี (somchai) ไม่มีสิทธิ์จัดการบัญชีผู้ใช้ (ต้องมีบทบาทผู้ดูแลระบบ)\n"
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("KRUKHOR_NEW_PASSWORD", "temporary-2")
    code, out, _ = _run(capsys, office_db, "--user", "boss", "users", "reset-password", "somchai")
    assert code == 0 and "ต้องเปลี่ยนรหัสผ่าน" in out
    monkeypatch.setenv("KRUKHOR_PASSWORD", "temporary-2")
    code, _, err = _run(capsys, office_db, "--user", "somchai", "people")
    assert code == 0 and "ต้องเปลี่ยนรหัสผ่าน" in err  # warned; the program asks for a new one
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    code, out, _ = _run(capsys, office_db, "--user", "boss", "users", "disable", "somchai")
    assert (code, out) == (0, "ระงับบัญชี นายสมชาย ใจดี (somchai) แล้ว\n")
    monkeypatch.setenv("KRUKHOR_PASSWORD", "temporary-2")
    code, _, err = _run(capsys, office_db, "--user", "somchai", "people")
    assert code == 4 and "ถูกระงับการใช้งานแล้ว" in err
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    code, out, _ = _run(capsys, office_db, "--user", "boss", "users", "rename", "somchai", "Somchai.J")
    assert (code, out) == (0, "เปลี่ยนชื่อผู้ใช้ของ นายสมชาย ใจดี จาก somchai เป็น somchai.j แล้ว\n")
    code, _, err = _run(capsys, office_db, "--user", "boss", "users", "rename", "somchai.j", "boss")
    assert code != 0 and "ชื่อผู้ใช้ boss มีอยู่แล้ว (นายใหญ่ ดูแลระบบ)" in err


def test_demo_accounts_print_by_role_and_the_audit_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "demo.sqlite"
    assert _run(capsys, db, "init", "--province", "40")[0] == 0
    code, out, _ = _run(capsys, db, "demo", "--people", "120")
    assert code == 0 and "บัญชีผู้ใช้ตัวอย่าง: admin, officer, finance, approver" in out
    sheet = str(tmp_path / "s.pdf")
    code, _, err = _run(capsys, db, "print", "signin", "--round", "1/2569", "--out", sheet)
    assert code == 4 and "พิมพ์แบบลงทะเบียน" in err and not Path(sheet).exists()
    monkeypatch.setenv("KRUKHOR_PASSWORD", DEMO_ACCOUNTS["finance"][1])
    code, _, err = _run(
        capsys, db, "--user", "finance", "print", "signin", "--round", "1/2569", "--out", sheet
    )
    assert code == 4 and "ไม่มีสิทธิ์พิมพ์แบบลงทะเบียนและเกียรติบัตร" in err
    code, _, err = _run(
        capsys,
        db,
        "--user",
        "finance",
        "print",
        "vouchers",
        "--round",
        "1/2569",
        "--out",
        str(tmp_path / "v.pdf"),
    )
    assert code == 0, err
    monkeypatch.setenv("KRUKHOR_PASSWORD", DEMO_ACCOUNTS["officer"][1])
    assert (
        _run(capsys, db, "--user", "officer", "print", "signin", "--round", "1/2569", "--out", sheet)[0] == 0
    )
    ctx = AppContext.open(db, backup=False)
    try:
        with ctx.reading() as session:
            prints = session.execute(
                select(AuditEntry.user_name, AuditEntry.full_name, AuditEntry.device_name, AuditEntry.summary)
                .where(AuditEntry.action == "print")
                .order_by(AuditEntry.at)
            ).all()
    finally:
        ctx.close()
    assert [(p.user_name, p.full_name) for p in prints] == [
        ("finance", DEMO_ACCOUNTS["finance"][0].full_name),
        ("officer", DEMO_ACCOUNTS["officer"][0].full_name),
    ]
    assert all(p.device_name for p in prints)
    assert prints[0].summary.startswith("พิมพ์ใบสำคัญรับเงินรุ่นที่ 1/2569")


def test_import_batches_name_who_imported_and_exports_are_audited(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.fixtures.rosters import build_split_xlsx

    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("KRUKHOR_NEW_PASSWORD", "officer-pass-1")
    args = ("users", "add", "arunee", "--role", "officer", "--full-name", "นางสาวอรุณี ทำงาน")
    assert _run(capsys, office_db, "--user", "boss", *args)[0] == 0
    roster = build_split_xlsx(tmp_path / "roster.xlsx")
    code, _, err = _run(capsys, office_db, "import-roster", str(roster))
    assert code == 4 and "นำเข้าหรือยกเลิกการนำเข้ารายชื่อ" in err
    monkeypatch.setenv("KRUKHOR_PASSWORD", "officer-pass-1")
    code, _, err = _run(capsys, office_db, "--user", "arunee", "import-roster", str(roster))
    assert code == 0, err
    code, out, _ = _run(capsys, office_db, "--user", "arunee", "import-batches")
    assert code == 0 and "\tนางสาวอรุณี ทำงาน (arunee)\troster.xlsx\t" in out
    code, out, _ = _run(capsys, office_db, "--user", "arunee", "people")
    assert code == 0 and len(out.splitlines()) > 1
    assert _run(capsys, office_db, "--user", "arunee", "registrations")[0] == 0
    ctx = AppContext.open(office_db, backup=False)
    try:
        with ctx.reading() as session:
            exports = session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "personal_data_export").order_by(AuditEntry.at)
            ).all()
    finally:
        ctx.close()
    # One entry per export (desktop/core/exports/personal_data.py), naming the account.
    assert [(e.user_name, e.full_name, e.action, e.changes["what"]) for e in exports] == [
        ("arunee", "นางสาวอรุณี ทำงาน", "export_national_ids", "people_csv"),
        ("arunee", "นางสาวอรุณี ทำงาน", "export_national_ids", "registrations_csv"),
    ]
    assert exports[0].changes["people"] == len(out.splitlines()) - 1


def test_restoring_a_backup_needs_the_admin_once_the_office_has_accounts(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core.backups import list_backups

    ctx = AppContext.open(office_db)  # a start makes a backup
    ctx.close()
    backups = list_backups(office_db)
    assert backups
    before = office_db.read_bytes()
    code, out, err = _run(capsys, office_db, "backup", "restore", Path(backups[0].path).name, "--yes")
    assert (code, out) == (4, "") and "แก้ไขการตั้งค่าสำนักงาน" in err
    assert office_db.read_bytes() == before  # nothing replaced
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    code, out, err = _run(
        capsys, office_db, "--user", "boss", "backup", "restore", Path(backups[0].path).name, "--yes"
    )
    assert code == 0, err
    assert "กู้คืนข้อมูลจากสำรองเมื่อ" in out


def test_the_demo_is_refused_before_anything_is_written_once_accounts_exist(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KRUKHOR_PASSWORD", ADMIN_PASSWORD)
    code, out, err = _run(capsys, office_db, "--user", "boss", "demo", "--people", "20")
    assert (code, out) == (1, "") and "ยังไม่มีบัญชีผู้ใช้" in err
    code, out, _ = _run(capsys, office_db, "--user", "boss", "people")
    assert code == 0 and len(out.splitlines()) == 1  # the header only: no demo person was written
