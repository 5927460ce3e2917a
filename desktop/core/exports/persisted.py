"""The figures persisted in the database file, for the first refresh after a restart."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import astuple

from sqlalchemy import select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.cipher import DRIVER_ERRORS
from db.engine import BUSY_TIMEOUT_MS
from db.models import LocalSetting
from desktop.core.context import AppContext
from desktop.core.exports.model import DistrictFigures

# Bump whenever what district_figures computes (or how it is stored, _encode) changes: figures persisted by an
# older program are then computed again instead of shown.
FIGURES_FORMAT = 1
PERSISTED_PREFIX = "figures.persisted."  # + office code + "." + fiscal year: a LocalSetting key
PERSIST_BUSY_TIMEOUT_MS = 100  # another program writing: skip persisting rather than hold the refresh

log = logging.getLogger(__name__)


# Figures persisted in the database file (a never-synced LocalSetting per office and fiscal year), so that the
# first refresh after a start does not aggregate over every person again when nothing it reads has changed.
# The entry is keyed by everything its figures depend on: the watched tables' change stamp (read before the
# figures, as for the memo), the office, year and registrations ratio, the schema revision (a migration may
# rebuild a table with its triggers dropped, uncounted) and FIGURES_FORMAT (this program's computation).
# It lives in the same file as the rows and counters it was computed from, so it travels with them: a restored
# backup or a database copied from another PC brings its own entry with its own stamp, and the counters only
# ever grow within a file's history (every write to a watched table moves one in the writing transaction;
# db.change_stamps moves them all when it had to repair a trigger), so an equal stamp means no watched row has
# been written since the figures were computed. The budget, expenses and payments are read fresh as ever.
def entry_key(s: Session, key: tuple) -> list | None:
    """The entry's full key (JSON-shaped), or None when the schema revision cannot be read."""
    try:
        revision = ",".join(sorted(s.scalars(text("SELECT version_num FROM alembic_version"))))
    except SQLAlchemyError:
        return None
    code, fy, ratio, stamp = key
    return [FIGURES_FORMAT, revision, code, fy, ratio, list(stamp)]


def setting_key(key: list) -> str:
    return f"{PERSISTED_PREFIX}{key[2]}.{key[3]}"


def _encode(key: list, kept: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]]) -> str:
    districts, counts = kept
    return json.dumps(
        {
            "key": key,
            "districts": [astuple(d) for d in districts],
            "rounds": [[rid.hex, int(enrolled), int(done or 0)] for rid, (enrolled, done) in counts.items()],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load_entry(
    s: Session, key: list
) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple[int, int]]] | None:
    """The persisted district figures and round counts if their key is exactly this one, else None."""
    raw = s.scalar(select(LocalSetting.value).where(LocalSetting.key == setting_key(key)))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        if data["key"] != key:
            return None
        districts = tuple(
            DistrictFigures(str(code), str(name), *map(int, rest)) for code, name, *rest in data["districts"]
        )
        counts = {uuid.UUID(rid): (int(enrolled), int(done)) for rid, enrolled, done in data["rounds"]}
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("persisted figures %s unreadable, computed again: %r", setting_key(key), exc)
        return None
    return districts, counts


def save_entry(
    ctx: AppContext, key: list, kept: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]]
) -> None:
    """Persist figures in their own small transaction; a failure (the file locked by a long import, read-only,
    full) is logged and the figures are computed again next time."""
    raw = _encode(key, kept)
    stmt = sqlite_insert(LocalSetting).values(key=setting_key(key), value=raw)
    stmt = stmt.on_conflict_do_update(index_elements=[LocalSetting.key], set_={"value": raw})
    try:
        with ctx.engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(f"PRAGMA busy_timeout = {PERSIST_BUSY_TIMEOUT_MS}")
            try:
                with conn.begin():
                    conn.execute(stmt)
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cursor.close()
    except (SQLAlchemyError, *DRIVER_ERRORS) as exc:
        log.warning("figures not persisted (computed again after a restart): %s", exc)
