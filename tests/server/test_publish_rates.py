"""The centre publishes the rate table (validated, versioned); every PC pulls it and prices by it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from db.models import Rate
from db.resources import resource_path
from desktop.core.budget import rates
from desktop.core.sync import client as sync_client
from server import admin
from server.models import SyncRow
from tests.fixtures.sync_harness import Server
from tests.server.test_real_process import _server_cli

SEED = resource_path("reference", "rates.csv").read_text(encoding="utf-8")


def _in_force(ctx, item: str, on: date) -> int:
    with ctx.reading() as s:
        r = rates.rate_in_force(s, item=item, training_type="a", venue_type="government", on=on)
        assert r is not None
        return r.ceiling_satang


def test_published_rates_reach_every_pc_as_versions_of_one_row(server: Server, desktops) -> None:
    a = desktops("pc_a")
    seeded = len(rates.list_rates(a))
    assert _in_force(a, "lecturer_state", date(2026, 11, 1)) == 80_000
    lines = SEED.splitlines()
    changed = [
        ln.replace(",800.00,", ",900.00,") if ln.startswith("lecturer_state,a,") else ln for ln in lines
    ]
    newer = "snack,any,any,ต่อคนต่อมื้อ,60.00,2027-01-01,หนังสือ กค 0406.4/ว 99,0,อัตราใหม่"
    result = admin.publish_rates(server.sessions, text="\n".join([*changed, newer]) + "\n")
    assert (result.new, result.changed) == (seeded + 1, 0)  # the server had none yet
    assert admin.publish_rates(server.sessions, text="\n".join([*changed, newer])).unchanged == seeded + 1

    sync_client.sync(a, http=server.http)
    b = desktops("pc_b")
    sync_client.sync(b, http=server.http)
    for ctx in (a, b):
        with ctx.reading() as s:
            assert (
                s.scalar(select(func.count()).select_from(Rate).where(Rate.deleted.is_(False))) == seeded + 1
            )
        assert _in_force(ctx, "lecturer_state", date(2026, 11, 1)) == 90_000  # the seed row, now version 2
        assert (
            _in_force(ctx, "snack", date(2026, 12, 31)) < 6_000 <= _in_force(ctx, "snack", date(2027, 1, 2))
        )

    back = admin.publish_rates(server.sessions, text=SEED)
    assert back.changed == 1
    sync_client.sync(a, http=server.http)
    assert _in_force(a, "lecturer_state", date(2026, 11, 1)) == 80_000


def test_a_bad_rate_file_is_refused_whole_with_lines_and_columns(server: Server, tmp_path: Path) -> None:
    bad = tmp_path / "rates.csv"
    lines = SEED.splitlines()
    lines[2] = "meal_full,a,any,ต่อคนต่อวัน,6oo,2012-10-01,ระเบียบ,0,"
    lines[3] = lines[3].replace(",2012-10-01,", ",1/10/2555,")
    bad.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    done = _server_cli(server.url, "admin", "publish-rates", str(bad))
    assert done.returncode == 1
    assert "บรรทัด 3 คอลัมน์ ceiling_baht" in done.stderr
    assert "บรรทัด 4 คอลัมน์ effective_from" in done.stderr
    assert f"บรรทัด {len(lines) + 1}: ซ้ำกับบรรทัด 2" in done.stderr
    with server.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SyncRow).where(SyncRow.table_name == "rate")) == 0
    good = tmp_path / "good.csv"
    good.write_text(SEED, encoding="utf-8")
    done = _server_cli(server.url, "admin", "publish-rates", str(good))
    assert done.returncode == 0 and "ใหม่ 16" in done.stdout
