"""The dashboard's figures persisted in the database file: reused after a restart only while still valid."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from db.models import District, Enrolment, Lecturer, LocalSetting
from desktop.core.context import AppContext, set_setting
from desktop.core.exports import figures
from desktop.core.exports import persisted as persisted_figures
from desktop.core.exports.figures import FiguresCache, province_figures
from desktop.core.exports.model import ProvinceFigures
from tests.exports.test_figures_memo import WRITES
from tests.fixtures.encrypted import open_file

FY = 2569


@contextmanager
def _restarted(db_path: Path) -> Iterator[tuple[AppContext, FiguresCache]]:
    """A new context and dashboard cache on the same file, as after the program is started again."""
    ctx = AppContext.open(db_path, user_name="tester", backup=False)
    cache = FiguresCache(ctx)
    try:
        yield ctx, cache
    finally:
        cache.close()
        ctx.close()


def _first_load(db_path: Path) -> tuple[ProvinceFigures, int, ProvinceFigures]:
    """The first dashboard figures after a restart, whether they were the persisted ones, and a recomputation."""
    with _restarted(db_path) as (ctx, cache):
        shown = cache.get(fiscal_year=FY)
        return shown, cache.memo.restored, province_figures(ctx, fiscal_year=FY)


def _entries(ctx: AppContext) -> dict[str, str]:
    with ctx.reading() as s:
        return dict(
            s.execute(
                select(LocalSetting.key, LocalSetting.value).where(
                    LocalSetting.key.startswith(persisted_figures.PERSISTED_PREFIX)
                )
            ).all()
        )


@pytest.fixture
def persisted(results_ctx: AppContext) -> ProvinceFigures:
    """The figures shown once (and so persisted) by a dashboard that has since been closed."""
    cache = FiguresCache(results_ctx)
    try:
        shown = cache.get(fiscal_year=FY)
    finally:
        cache.close()
    assert list(_entries(results_ctx)) == [f"{persisted_figures.PERSISTED_PREFIX}40.{FY}"]
    return shown


def test_a_restart_reuses_the_persisted_figures(db_path: Path, persisted: ProvinceFigures) -> None:
    shown, restored, recomputed = _first_load(db_path)
    assert restored == 1
    assert shown == recomputed == persisted
    # Once restored, they are the memo's: the next refresh reuses them without reading the file again.
    with _restarted(db_path) as (ctx, cache):
        cache.get(fiscal_year=FY)
        with ctx.transaction() as s:
            set_setting(s, "bench.touch", "1")
        assert cache.get(fiscal_year=FY) == persisted
        assert (cache.memo.restored, cache.memo.hits) == (1, 1)


def _district_renamed(s: Session) -> None:
    s.scalars(select(District).order_by(District.code)).first().name_th = "อำเภอใหม่"


def _lecturer_added(s: Session) -> None:
    s.add(Lecturer(office_code="40", first_name="วิทยากร", last_name="ใหม่"))


WATCHED_WRITES: dict[str, Callable[[Session], None]] = {
    **WRITES,
    "district renamed": _district_renamed,
    "lecturer added": _lecturer_added,
}


@pytest.mark.parametrize("write", list(WATCHED_WRITES))
def test_a_write_to_a_watched_table_is_not_hidden_by_the_persisted_figures(
    results_ctx: AppContext, db_path: Path, persisted: ProvinceFigures, write: str
) -> None:
    with results_ctx.transaction() as s:
        WATCHED_WRITES[write](s)
    results_ctx.close()
    shown, restored, recomputed = _first_load(db_path)
    assert restored == 0
    assert shown == recomputed
    if write != "lecturer added":  # the figures do not count lecturers; the counter still moves
        assert shown.districts != persisted.districts
    shown_again, restored_again, _ = _first_load(db_path)  # computed again and persisted in place of the old
    assert (restored_again, shown_again) == (1, shown)


def test_a_write_while_a_trigger_was_missing_is_not_hidden(
    results_ctx: AppContext, db_path: Path, persisted: ProvinceFigures
) -> None:
    # As a batch migration does: the table written with its change trigger dropped, so its counter did not move.
    with results_ctx.transaction() as s:
        s.execute(text("DROP TRIGGER change_count_upd_enrolment"))
        s.execute(update(Enrolment).where(Enrolment.completed.is_(True)).values(completed=False))
    results_ctx.close()
    shown, restored, recomputed = _first_load(
        db_path
    )  # the start re-creates the trigger and moves the counters
    assert restored == 0
    assert shown == recomputed and shown.districts != persisted.districts


def test_another_schema_revision_is_not_reused(results_ctx: AppContext, persisted: ProvinceFigures) -> None:
    with results_ctx.transaction() as s:
        revision = s.scalar(text("SELECT version_num FROM alembic_version"))
        s.execute(text("UPDATE alembic_version SET version_num = '0006_sync'"))
    try:
        cache = FiguresCache(results_ctx)  # a new cache has an empty memo, as after a restart
        try:
            assert cache.get(fiscal_year=FY) == province_figures(results_ctx, fiscal_year=FY)
            assert cache.memo.restored == 0
        finally:
            cache.close()
    finally:
        with results_ctx.transaction() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_another_figures_format_is_not_reused(
    db_path: Path, persisted: ProvinceFigures, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persisted_figures, "FIGURES_FORMAT", persisted_figures.FIGURES_FORMAT + 1)
    shown, restored, recomputed = _first_load(db_path)
    assert restored == 0 and shown == recomputed == persisted


def test_another_registrations_ratio_is_not_reused(
    results_ctx: AppContext, db_path: Path, persisted: ProvinceFigures
) -> None:
    with results_ctx.transaction() as s:
        set_setting(s, figures.RATIO_SETTING, "60")
    results_ctx.close()
    shown, restored, recomputed = _first_load(db_path)
    assert restored == 0 and shown == recomputed
    assert shown.ratio == 60 and all(d.registration_target == d.target * 60 for d in shown.districts)


def _wrong_shape(raw: str) -> str:
    data = json.loads(raw)
    data["districts"][0] = data["districts"][0][:-1]  # the key still matches
    return json.dumps(data)


def _not_a_number(raw: str) -> str:
    data = json.loads(raw)
    data["districts"][0][3] = "many"
    return json.dumps(data)


CORRUPTIONS: dict[str, Callable[[str], str]] = {
    "empty": lambda raw: "",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not an object": lambda raw: "[1, 2, 3]",
    "no districts": lambda raw: json.dumps({"key": json.loads(raw)["key"]}),
    "wrong shape": _wrong_shape,
    "not a number": _not_a_number,
    "bad round id": lambda raw: raw.replace('"rounds":[["', '"rounds":[["zz'),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_an_unreadable_persisted_entry_is_ignored(
    results_ctx: AppContext, db_path: Path, persisted: ProvinceFigures, corruption: str
) -> None:
    ((name, raw),) = _entries(results_ctx).items()
    with results_ctx.transaction() as s:
        set_setting(s, name, CORRUPTIONS[corruption](raw))
    results_ctx.close()
    shown, restored, recomputed = _first_load(db_path)
    assert restored == 0 and shown == recomputed == persisted
    assert _first_load(db_path)[1] == 1  # replaced by a readable entry


def test_a_file_locked_by_another_writer_only_skips_persisting(
    results_ctx: AppContext, db_path: Path
) -> None:
    other = open_file(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program in the middle of a long write
        cache = FiguresCache(results_ctx)
        try:
            shown = cache.get(fiscal_year=FY)
        finally:
            cache.close()
    finally:
        other.rollback()
        other.close()
    assert shown == province_figures(results_ctx, fiscal_year=FY)
    assert _entries(results_ctx) == {}
    # The busy timeout of the pooled connections is theirs again after the skipped write.
    with results_ctx.engine.connect() as conn:
        timeouts = {conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()}
    assert timeouts == {10_000}


def test_after_a_restart_the_parts_are_warmed_so_the_first_change_recounts_little(
    db_path: Path, persisted: ProvinceFigures
) -> None:
    with _restarted(db_path) as (ctx, cache):
        cache.get(fiscal_year=FY)
        assert cache.memo.restored == 1 and not cache.memo.has_parts
        assert cache.warm(fiscal_year=FY) is True
        assert cache.memo.has_parts and cache.warm(fiscal_year=FY) is False  # once is enough
        places = cache.memo.previous("places")
        with ctx.transaction() as s:  # one result recorded
            eid = s.scalar(select(Enrolment.id).order_by(Enrolment.id).limit(1))
            s.execute(update(Enrolment).where(Enrolment.id == eid).values(completed=False))
        shown = cache.get(fiscal_year=FY)
        assert cache.memo.previous("places") is places  # people's places were not read again
        assert shown == province_figures(ctx, fiscal_year=FY)
