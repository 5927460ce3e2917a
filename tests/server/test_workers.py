"""krukhor-server --workers N on Linux: a listening socket per process, connections spread over them, a process
that dies replaced, all of them gone on SIGTERM (server.workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server import workers
from tests.fixtures.server_process import ServerProcess
from tests.fixtures.sync_harness import fresh_pg_schema

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not workers.reuse_port_available(), reason="SO_REUSEPORT is Linux's")


def _children(pid: int) -> list[int]:
    """The worker processes of the server (multiprocessing's spawned children; its resource tracker left out)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and "spawn_main" in cmdline and "resource_tracker" not in cmdline:
            out.append(int(entry.name))
    return sorted(out)


def _sockets(port: int, state: str) -> set[int]:
    """Inodes of the TCP sockets on this local port in this state (0A listening, 01 established)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == state:
                found.add(int(cols[9]))
    return found


def _owned(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


@pytest.fixture
def two_workers(_pg_reason: str | None) -> Iterator[tuple[subprocess.Popen, int]]:
    if _pg_reason:
        pytest.skip(f"PostgreSQL not reachable ({_pg_reason}); set KRUKHOR_TEST_PG_URL to run on it")
    for url in fresh_pg_schema():
        srv = ServerProcess(url, workers=2, ready=lambda port: len(_sockets(port, "0A")) == 2)
        try:
            yield srv.proc, srv.port
        finally:
            srv.stop()


def _wait_healthy(port: int, also=lambda: True, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200 and also():
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not answer with both processes listening")


def test_each_process_listens_and_connections_are_spread(two_workers) -> None:
    proc, port = two_workers
    kids = _children(proc.pid)
    assert len(kids) == 2
    listening = _sockets(port, "0A")
    assert len(listening) == 2  # one per process, none held by the parent (it would never accept)
    assert not (_owned(proc.pid) & listening)
    assert all(_owned(k) & listening for k in kids)
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) for _ in range(60)]
    try:
        for c in clients:  # 60 PCs, each its own kept-alive connection
            assert c.get("/health").status_code == 200
        established = _sockets(port, "01")
        per_process = [len(_owned(k) & established) for k in kids]
        assert sum(per_process) == 60
        # The kernel spreads them by address: each process gets about half (below 12 of 60 is < 1 in 10^6).
        assert min(per_process) >= 12, per_process
    finally:
        for c in clients:
            c.close()


def test_a_process_that_dies_is_replaced_and_sigterm_stops_all(two_workers) -> None:
    proc, port = two_workers
    first = _children(proc.pid)
    os.kill(first[0], signal.SIGKILL)
    _wait_healthy(
        port,
        lambda: (
            len(_children(proc.pid)) == 2
            and len(_sockets(port, "0A")) == 2
            and first[0] not in _children(proc.pid)
        ),
    )
    kids = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=40) == 0
    for k in kids:
        assert not Path(f"/proc/{k}").exists() or "zombie" in Path(f"/proc/{k}/status").read_text().lower()
    assert not _sockets(port, "0A")


def test_a_port_already_taken_is_said_in_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        cli = [sys.executable, "-m", "server.cli", "--database-url", "sqlite:///unused.sqlite"]
        out = subprocess.run(
            [*cli, "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert out.returncode == 1
    assert f"พอร์ต {port}" in out.stderr and "Traceback" not in out.stderr
