"""Failed-attempt budgets: atomic across worker processes, delays instead of lock-outs, proxies by config."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from db.base import utcnow
from server import admin
from server import app as server_app
from server.app import create_app
from server.config import Settings
from server.limits import Budget, client_address, take_try
from server.models import AuthBudget
from tests.fixtures.sync_harness import BASE, fresh_pg_schema, pg_unreachable
from tests.server.test_real_process import ROOT, _free_port, _server_cli

GOOD = {"username": "somsri", "password": "correct horse 1"}
BAD = {"username": "somsri", "password": "wrong"}


@pytest.fixture
def limited(server_db_url: str):
    settings = Settings(
        database_url=server_db_url, failure_delay_seconds=0.5, trusted_proxies=("testclient",)
    )
    app = create_app(settings)
    admin.create_office(app.state.sessions, province="40")
    admin.create_user(
        app.state.sessions,
        username="somsri",
        password=GOOD["password"],
        role="province_officer",
        province="40",
    )
    with TestClient(app, base_url=BASE) as http:
        yield app, http
    app.state.engine.dispose()


def _login(http: TestClient, body: dict, ip: str) -> httpx.Response:
    return http.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": ip})


def test_the_right_password_waits_a_little_and_works_at_once_from_another_address(limited) -> None:
    _app, http = limited
    for _ in range(5):
        assert _login(http, BAD, "10.0.0.1").status_code == 401
    refused = _login(http, GOOD, "10.0.0.1")
    assert refused.status_code == 429 and "กรุณารอ 1 วินาที" in refused.json()["message"]
    assert _login(http, GOOD, "10.0.0.2").status_code == 200  # another office: not locked out
    time.sleep(0.6)
    assert _login(http, BAD, "10.0.0.1").status_code == 401  # the 6th try, after the delay
    assert _login(http, GOOD, "10.0.0.1").status_code == 429  # the delay doubled (1 s)
    time.sleep(1.1)
    assert _login(http, GOOD, "10.0.0.1").status_code == 200
    assert _login(http, BAD, "10.0.0.1").status_code == 401  # a success starts the budget afresh


def test_forwarded_for_is_ignored_from_a_proxy_not_listed(server_db_url: str) -> None:
    app = create_app(Settings(database_url=server_db_url))  # no trusted proxies
    try:
        with TestClient(app, base_url=BASE) as http:
            for i in range(5):
                assert _login(http, BAD, f"10.0.1.{i}").status_code == 401
            assert _login(http, BAD, "10.0.2.1").status_code == 429  # same real address: the header is a lie
    finally:
        app.state.engine.dispose()
    assert client_address("10.9.9.9", "1.2.3.4", ("10.0.0.0/8",)) == "1.2.3.4"
    assert client_address("10.9.9.9", "1.2.3.4, 10.1.1.1", ("10.0.0.0/8",)) == "1.2.3.4"
    assert client_address("192.168.1.5", "1.2.3.4", ("10.0.0.0/8",)) == "192.168.1.5"


def test_unknown_names_are_throttled_before_argon2_runs(limited, monkeypatch) -> None:
    _app, http = limited
    calls = []
    real = server_app.verify_password
    monkeypatch.setattr(server_app, "verify_password", lambda h, p: calls.append(1) or real(h, p))
    answers = [
        _login(http, {"username": f"u{i}", "password": "x"}, "10.0.3.1").status_code for i in range(40)
    ]
    assert answers[:30] == [401] * 30 and set(answers[30:]) == {429}
    assert len(calls) == 30  # every try over the address budget was refused before hashing


def test_budgets_are_purged_after_their_window(limited) -> None:
    app, http = limited
    for i in range(3):
        _login(http, {"username": f"gone{i}", "password": "x"}, "10.0.4.1")
    with app.state.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuthBudget)) == 4  # 3 names + the address
    later = utcnow() + timedelta(minutes=16)
    with app.state.sessions.begin() as s:
        take_try(s, [Budget("ip:10.0.5.1", 30)], window=timedelta(minutes=15), base_seconds=1, now=later)
    with app.state.sessions() as s:
        assert s.scalars(select(AuthBudget.key)).all() == ["ip:10.0.5.1"]


@pytest.fixture
def pg_two_workers():
    reason = pg_unreachable()
    if reason:
        pytest.skip(f"PostgreSQL not reachable ({reason})")
    gen = fresh_pg_schema()
    url = next(gen)
    assert _server_cli(url, "admin", "create-office", "--province", "40").returncode == 0
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "KRUKHOR_SERVER_NEW_PASSWORD": GOOD["password"],
        "KRUKHOR_SERVER_TRUSTED_PROXIES": "127.0.0.1",
    }
    made = subprocess.run(
        [sys.executable, "-m", "server.cli", "--database-url", url, "admin", "create-user", "--username", "somsri",
         "--role", "province_officer", "--province", "40"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "--database-url", url, "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        next(gen, None)


def test_forty_parallel_wrong_logins_on_two_workers_try_at_most_the_budget(pg_two_workers: str) -> None:
    base = pg_two_workers

    def wrong(_i: int) -> int:
        r = httpx.post(
            f"{base}/api/v1/auth/login", json=BAD, headers={"X-Forwarded-For": "10.0.0.1"}, timeout=60
        )
        return r.status_code

    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(wrong, range(40)))
    assert codes.count(401) <= 5 and codes.count(401) + codes.count(429) == 40
    assert codes.count(401) == 5  # the budget was used, not more
    right = httpx.post(
        f"{base}/api/v1/auth/login", json=GOOD, headers={"X-Forwarded-For": "10.0.0.2"}, timeout=60
    )
    assert right.status_code == 200
