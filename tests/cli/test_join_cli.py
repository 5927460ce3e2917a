"""`krukhor-cli init --join URL --code CODE`: another PC of a working office, against the real server over HTTP."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from desktop.cli import main
from server import cli as server_cli
from tests.fixtures.sync_harness import start_live_server

CENTRE_PASSWORD = "centre-pass-2569"


def _run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_init_join_pulls_the_office_and_signs_in_with_the_centres_admin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    live = start_live_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    try:
        code = live.code("40")
        # The centre makes the office's first admin with the server's own command; no PC has made one.
        made = server_cli.main(
            [
                "--database-url",
                f"sqlite:///{tmp_path / 'server.sqlite'}",
                "admin",
                "create-user",
                "--username",
                "head40",
                "--role",
                "province_head",
                "--province",
                "40",
                "--full-name",
                "นายหัวหน้า สำนักงาน",
                "--password",
                CENTRE_PASSWORD,
                "--desktop-role",
                "admin",
            ]
        )
        assert made == 0 and "head40" in capsys.readouterr().out
        db = tmp_path / "new_pc.sqlite"
        rc, out, err = _run(capsys, db, "init")
        assert rc == 1 and "--province" in err and "--join" in err
        rc, out, err = _run(capsys, db, "init", "--join", live.base, "--code", "WRONG-CODE-1")
        assert rc == 2 and err.startswith("เข้าร่วมสำนักงานไม่สำเร็จ: รหัสลงทะเบียนไม่ถูกต้อง")
        rc, out, err = _run(
            capsys, db, "init", "--join", f"http://127.0.0.1:{_closed_port()}", "--code", code
        )
        assert rc == 2 and "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้" in err.splitlines()[0]
        assert err.splitlines()[1].startswith("รายละเอียด: ConnectError")
        rc, out, err = _run(capsys, db, "init", "--join", live.base, "--code", code, "--admin", "boss")
        assert rc == 1 and "--admin" in err

        rc, out, err = _run(capsys, db, "init", "--join", live.base, "--code", code, "--name", "pc2")
        assert rc == 0, err
        # lane 1 stays the founding PC's (set up as the new office), even while it has not enrolled
        assert "เข้าร่วมแล้ว: สำนักงานแรงงานจังหวัดขอนแก่น (รหัส 40) เครื่องที่ 2 ของสำนักงาน" in out
        assert "บัญชีผู้ใช้ของสำนักงาน" in out and "กุญแจกู้คืน" in out
        monkeypatch.setenv("KRUKHOR_PASSWORD", CENTRE_PASSWORD)
        rc, out, err = _run(capsys, db, "--user", "head40", "sync-status")
        assert rc == 0, err
        assert live.base in out
        monkeypatch.setenv("KRUKHOR_PASSWORD", "not-the-password")
        rc, out, err = _run(capsys, db, "--user", "head40", "sync-status")
        assert rc == 4  # the office's accounts are enforced at once: no local admin was made
    finally:
        live.stop()
