"""Two enrolments of one office at the same moment get different lanes (the second looks again), both databases."""

from __future__ import annotations

import threading
import uuid

from server.lanes import grant_lane
from server.models import Device
from tests.fixtures.sync_harness import Server


def _device(name: str) -> Device:
    return Device(office_code="40", name=name, token_hash=uuid.uuid4().hex, pc_id=name)


def test_two_enrolments_at_once_never_share_a_lane(server: Server) -> None:
    sessions = server.sessions
    got: dict[str, int] = {}
    first = sessions()
    first.begin()
    a = _device("pc_a")
    first.add(a)
    first.flush()
    got["a"] = grant_lane(first, a, claim=1)  # lane 1 (a founding PC), not yet committed

    def second() -> None:
        with sessions.begin() as s:
            b = _device("pc_b")
            s.add(b)
            s.flush()
            got["b"] = grant_lane(s, b, claim=1)  # claims the lane A is taking right now

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(timeout=1.0)  # B waits for A (PostgreSQL: the unique index; SQLite: the write lock)
    assert worker.is_alive()
    first.commit()
    first.close()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert got == {"a": 1, "b": 2}
    with sessions() as s:
        assert sorted((d.name, d.lane) for d in s.query(Device)) == [("pc_a", 1), ("pc_b", 2)]
