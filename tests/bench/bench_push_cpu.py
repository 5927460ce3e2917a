"""Server CPU seconds per 200-change push, the real app in-process (load-independent, unlike latencies).

Run: .venv/bin/python tests/bench/bench_push_cpu.py [--sqlite] [--pushes 10] [--batch 200] [--profile]
On PostgreSQL (KRUKHOR_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test) in a schema of
its own. Counts the CPU time of this process only (request parsing, validation, merge, ORM, answer), not the
database's; the pushes are those of tests/bench/bench_sync.py (new people), then updates of those people.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from bench_sync import HEADERS, _person_change, _pg_schema  # noqa: E402

from server import admin  # noqa: E402
from server.app import create_app  # noqa: E402
from server.config import Settings  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def _updates(sent: list[dict], answers: list[dict], k: int) -> list[dict]:
    """A change of every row just pushed: a new phone number, from the version the server answered."""
    out = []
    for change, answer in zip(sent, answers, strict=True):
        out.append(
            {
                "mutation_id": str(uuid.uuid4()),
                "table": "person",
                "row_id": change["row_id"],
                "base_version": answer["version"],
                "base": {"phone": change["fields"]["phone"]},
                "fields": {"phone": f"08{k:01d}{len(out):07d}"[:10]},
            }
        )
    return out


def run(url: str, *, pushes: int, batch: int) -> None:
    app = create_app(Settings(database_url=url))
    http = TestClient(app, base_url="http://testserver")
    try:
        sessions = app.state.sessions
        tokens = []
        for code in ("40", "41"):
            admin.create_office(sessions, province=code)
            r = http.post(
                "/api/v1/enrol",
                json={"code": admin.enrol_code(sessions, province=code), "device_name": f"cpu-{code}"},
                headers=HEADERS,
            )
            tokens.append(r.json()["token"])
        auth = {**HEADERS, "Authorization": f"Bearer {tokens[0]}"}
        n = 0

        def batch_of() -> list[dict]:
            nonlocal n
            out = [_person_change("40", n + i) for i in range(batch)]
            n += batch
            return out

        for _ in range(2):  # warm up: caches, prepared statements, the first natural keys
            assert (
                http.post("/api/v1/sync/push", json={"changes": batch_of()}, headers=auth).status_code == 200
            )
        cpu_new, wall_new, cpu_upd, wall_upd = [], [], [], []
        for k in range(pushes):
            body = batch_of()
            c0, w0 = time.process_time(), time.perf_counter()
            r = http.post("/api/v1/sync/push", json={"changes": body}, headers=auth)
            cpu_new.append(time.process_time() - c0)
            wall_new.append(time.perf_counter() - w0)
            results = r.json()["results"]
            assert r.status_code == 200 and all(x["status"] == "applied" for x in results), r.text[:300]
            upd = _updates(body, results, k)
            c0, w0 = time.process_time(), time.perf_counter()
            r = http.post("/api/v1/sync/push", json={"changes": upd}, headers=auth)
            cpu_upd.append(time.process_time() - c0)
            wall_upd.append(time.perf_counter() - w0)
            assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"]), (
                r.text[:300]
            )
        med = sorted(cpu_new)[len(cpu_new) // 2]
        print(
            f"[{url.split(':')[0]}] server CPU per push of {batch} new rows: median {med:.3f} s "
            f"(min {min(cpu_new):.3f}, wall median {sorted(wall_new)[len(wall_new) // 2]:.3f} s); "
            f"per push of {batch} updates: median {sorted(cpu_upd)[len(cpu_upd) // 2]:.3f} s "
            f"(wall {sorted(wall_upd)[len(wall_upd) // 2]:.3f} s); load average {os.getloadavg()[0]:.2f}"
        )
    finally:
        http.close()
        app.state.engine.dispose()


def profile_direct(url: str, *, batch: int) -> None:
    """cProfile of the push path itself (parse, store.push, answer) in this thread."""
    from db.sync.messages import PushRequest, PushResponse
    from server import store
    from server.store import Principal

    app = create_app(Settings(database_url=url))
    try:
        sessions = app.state.sessions
        admin.create_office(sessions, province="40")
        dev = uuid.uuid4()
        from server.models import Device

        with sessions.begin() as s:
            s.add(Device(id=dev, office_code="40", name="prof", token_hash=uuid.uuid4().hex))
        who = Principal("device", "device", "40", dev, "prof")
        import json

        def body(start: int) -> bytes:
            return json.dumps({"changes": [_person_change("40", start + i) for i in range(batch)]}).encode()

        for w in range(2):
            store.push(sessions, who, PushRequest.model_validate_json(body(w * batch)))
        prof = cProfile.Profile(time.process_time)  # CPU, not the wait for the database
        for k in range(5):
            raw = body((k + 2) * batch)
            prof.enable()
            req = PushRequest.model_validate(json.loads(raw))
            res = store.push(sessions, who, req)
            PushResponse(results=res, server_time=time.time()).model_dump_json()
            prof.disable()
        st = pstats.Stats(prof)
        st.sort_stats("tottime").print_stats(35)
        st.sort_stats("cumulative").print_stats(45)
    finally:
        app.state.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", action="store_true", help="an SQLite file instead of PostgreSQL")
    ap.add_argument("--pushes", type=int, default=10)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--profile", action="store_true", help="cProfile of the push path (5 pushes)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.sqlite:
            url, drop = f"sqlite:///{Path(tmp) / 'cpu.sqlite'}", (lambda: None)
        else:
            pg = _pg_schema()
            if pg is None:
                return
            url, drop = pg
        try:
            if args.profile:
                profile_direct(url, batch=args.batch)
            else:
                run(url, pushes=args.pushes, batch=args.batch)
        finally:
            drop()


if __name__ == "__main__":
    main()
