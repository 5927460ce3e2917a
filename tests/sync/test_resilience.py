"""Lost answers, cut connections and restarts: every change applied exactly once, nothing missed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Person, SyncOutbox
from db.sync.messages import MAX_CHANGES_PER_PUSH
from desktop.core.demo import province as demo
from desktop.core.people import people
from desktop.core.sync import client as sync_client
from server.models import Mutation, SyncRow
from tests.fixtures.sync_harness import Flaky, Server, client_for


def _server_count(srv: Server, model, **where) -> int:
    with srv.sessions() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.scalar(q)


def test_a_push_whose_answer_is_lost_is_applied_once_when_replayed(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=40)
    with a.reading() as s:
        waiting = s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.state == "pending"))
    assert waiting > MAX_CHANGES_PER_PUSH  # more than one batch, so the replay also carries later batches
    flaky = Flaky(server.http._transport)
    flaky.lose_answer = lambda r: r.url.path.endswith("/push") and len(flaky.requests) == 1
    with client_for(server, flaky) as http, pytest.raises(sync_client.SyncError) as info:
        sync_client.sync(a, http=http, push_batch=MAX_CHANGES_PER_PUSH)
    assert info.value.code == "offline"
    applied = _server_count(server, Mutation)
    assert applied == MAX_CHANGES_PER_PUSH  # the server did apply the first batch
    with a.reading() as s:
        sending = s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.state == "sending"))
    assert sending == applied  # ... but this PC does not know: the same changes wait, same mutation ids

    with client_for(server, flaky) as http:
        report = sync_client.sync(a, http=http, push_batch=MAX_CHANGES_PER_PUSH)
    assert report.failed == 0
    assert (
        _server_count(server, Mutation) == waiting
    )  # every change stored once, the replayed batch not twice
    assert _server_count(server, SyncRow) == waiting
    with server.sessions() as s:
        assert s.scalar(select(func.max(SyncRow.version)).where(SyncRow.table_name == "person")) == 1
    assert sync_client.status(a).pending == 0


def test_a_pull_cut_off_half_way_resumes_without_gaps_or_repeats(server: Server, desktops) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=150)
    sync_client.sync(a, http=server.http)
    total = _server_count(server, SyncRow, office_code="40")

    b = desktops("pc_b")
    flaky = Flaky(server.http._transport)
    pulls = []
    flaky.refuse = lambda r: r.url.path.endswith("/pull") and (pulls.append(1) or len(pulls) > 3)
    with client_for(server, flaky) as http, pytest.raises(sync_client.SyncError):
        sync_client.sync(b, http=http, pull_page=100)
    with b.reading() as s:
        partial = s.scalar(select(func.count()).select_from(Person))
    assert 0 < partial < 150
    first_part = flaky.pulled_rows
    assert first_part == 300  # three pages arrived and were kept

    flaky.refuse = lambda r: False
    with client_for(server, flaky) as http:
        sync_client.sync(b, http=http, pull_page=100)
    # Every row of the province came exactly once, except what B wrote itself (its setup's audit entry): a PC
    # is not sent back the rows whose newest version it pushed (issue 17 item 7).
    assert _server_count(server, SyncRow, office_code="40") > total
    assert flaky.pulled_rows == len(set(flaky.pulled_keys)) == total
    assert [p.national_id for p in people.list_people(b)] == [p.national_id for p in people.list_people(a)]


def test_the_server_restarted_between_push_and_pull(server: Server, desktops) -> None:
    a, b = desktops("pc_a"), desktops("pc_b")
    demo.generate_demo(a, people=30)
    sync_client.sync(a, http=server.http)
    server.restart()
    report = sync_client.sync(b, http=server.http)
    assert report.pulled > 30 and not report.problems
    assert len(people.list_people(b)) == 30
    assert sync_client.sync(a, http=server.http).failed == 0


def test_nothing_lost_while_offline(server: Server, desktops, tmp_path) -> None:
    a = desktops("pc_a")
    demo.generate_demo(a, people=10)
    flaky = Flaky(server.http._transport)
    flaky.refuse = lambda r: True
    with client_for(server, flaky) as http, pytest.raises(sync_client.SyncError):
        sync_client.sync(a, http=http)
    status = sync_client.status(a)
    assert status.pending > 10 and status.last_ok is None and "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้" in status.last_error
    sync_client.sync(a, http=server.http)
    after = sync_client.status(a)
    assert after.pending == 0 and after.last_ok is not None and after.last_error == ""
