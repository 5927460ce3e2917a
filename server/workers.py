"""Several server processes on one port, each listening on a socket of its own (SO_REUSEPORT, Linux).

With uvicorn's own --workers the processes share one listening socket, and whichever wakes first takes a burst
of new connections: with 76 offices pushing at once one process often held twice the offices of the other, and
a kept-alive connection stays where it landed, so those offices waited twice as long (p95 5.4 s against 4.0 s
with sockets of their own, tests/bench/bench_national_scale.py). With a socket per process the kernel spreads
new connections over the processes by their addresses. Where SO_REUSEPORT is missing (Windows) uvicorn's own
workers run instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from typing import Any

log = logging.getLogger("krukhor.server.workers")

APP = "server.asgi:app"
BACKLOG = 2048
RESTART_PAUSE_SECONDS = 1.0  # a worker that dies at once (a bad setting) is not restarted in a tight loop


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT") and os.name == "posix"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def port_free(host: str, port: int) -> bool:
    """Whether another program holds the port (bound without listening: a probe no connection can reach)."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = _listen(host, port)
    uvicorn.Server(uvicorn.Config(APP, **options)).run(sockets=[sock])


class Supervisor:
    """Starts ``workers`` processes, starts again any that dies, and stops them all on SIGINT/SIGTERM."""

    def __init__(self, *, host: str, port: int, workers: int, options: dict[str, Any] | None = None) -> None:
        self.host, self.port, self.workers = host, port, workers
        self.options = {"proxy_headers": False, **(options or {})}
        self._spawn = multiprocessing.get_context("spawn")
        self._procs: list[Any] = []
        self._stop = threading.Event()

    def _start(self) -> Any:
        proc = self._spawn.Process(
            target=_worker, args=(self.host, self.port, self.options), name="krukhor-server-worker"
        )
        proc.start()
        return proc

    def stop(self, *_args: object) -> None:
        self._stop.set()

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        self._procs = [self._start() for _ in range(self.workers)]
        log.info("%d server processes on %s:%d, a listening socket each", self.workers, self.host, self.port)
        while not self._stop.wait(0.5):
            for i, proc in enumerate(self._procs):
                if not proc.is_alive():
                    log.warning(
                        "server process %s ended (exit code %s): starting another", proc.pid, proc.exitcode
                    )
                    time.sleep(RESTART_PAUSE_SECONDS)
                    if not self._stop.is_set():
                        self._procs[i] = self._start()
        for proc in self._procs:
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGTERM)  # uvicorn finishes the requests in progress, then exits
        deadline = time.monotonic() + 30
        for proc in self._procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        return 0
