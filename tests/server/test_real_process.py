"""The real thing: krukhor-server as a process on 127.0.0.1, administered and synced through both CLIs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from desktop.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "--database-url", url, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def running(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "--database-url",
            url,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {proc.stdout.read() if proc.stdout else ''}")
    yield url, base, proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)


def test_admin_enrol_sync_and_a_server_gone(running, tmp_path: Path, capsys) -> None:
    url, base, proc = running
    done = _server_cli(url, "admin", "create-office", "--province", "40")
    assert done.returncode == 0, done.stderr
    done = _server_cli(url, "admin", "enrol-code", "--province", "40")
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    bad = _server_cli(url, "admin", "enrol-code", "--province", "99")
    assert bad.returncode == 1 and "99" in bad.stderr

    db = str(tmp_path / "office.sqlite")
    assert cli(["--db", db, "init", "--province", "40"]) == 0
    assert cli(["--db", db, "demo", "--people", "30", "--no-accounts"]) == 0
    assert cli(["--db", db, "enrol", "--server", base, "--code", code]) == 0
    capsys.readouterr()
    assert cli(["--db", db, "sync"]) == 0
    out = capsys.readouterr().out
    pushed = int(re.search(r"pushed (\d+)", out).group(1))
    assert pushed > 30 and "failed 0" in out
    assert cli(["--db", db, "sync-status"]) == 0
    assert "รอส่ง: 0" in capsys.readouterr().out

    devices = _server_cli(url, "admin", "devices", "--province", "40")
    assert devices.returncode == 0 and "ใช้งาน" in devices.stdout and "เครื่องที่ 1" in devices.stdout

    proc.terminate()
    proc.wait(timeout=10)
    assert cli(["--db", db, "sync"]) == 2
    err = capsys.readouterr().err
    assert "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้" in err and "ซิงก์ไม่สำเร็จ" in err


def test_sync_before_enrolling_says_so(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "office.sqlite")
    assert cli(["--db", db, "init", "--province", "40"]) == 0
    assert cli(["--db", db, "sync"]) == 2
    assert "ยังไม่ได้ลงทะเบียน" in capsys.readouterr().err
