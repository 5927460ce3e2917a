"""Failed-attempt budgets for logins and enrolment codes: atomic, per user+address and per address.

Every try is reserved before the password or code is checked (argon2 never runs for a try over budget), under
a row lock taken by one UPSERT, so several worker processes cannot all pass a check-then-insert together.
Within a window a key has `free` tries; after that each further try waits twice as long as the last (capped
at the window), so a guesser slows to a crawl while the right password still works after a short wait, and
at once from another address. A success forgives: the user+address budget is cleared and the address gets its
try back. Rows whose window has passed are purged as new tries come in.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.base import utcnow
from server.models import AuthBudget

BUDGET = AuthBudget.__table__


@dataclass(frozen=True)
class Budget:
    key: str
    free: int  # tries within a window before delays begin


def delay_after(failures: int, *, free: int, base_seconds: float, window: timedelta) -> timedelta:
    """How long the next try waits after this many failures in the window: 0, then doubling, capped."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=base_seconds * 2 ** min(failures - free, 30)), window)


def take_try(
    session: Session,
    budgets: list[Budget],
    *,
    window: timedelta,
    base_seconds: float,
    now: datetime | None = None,
) -> float:
    """Reserve one try against every budget; 0 when allowed, else the seconds to wait (nothing reserved)."""
    now = now or utcnow()
    since = now - window
    session.execute(delete(BUDGET).where(BUDGET.c.window_start < since, BUDGET.c.next_at <= now))
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    keys = sorted({b.key[:150] for b in budgets})  # one lock order for every request: no deadlock
    for key in keys:
        stmt = upsert(BUDGET).values(key=key, failures=0, window_start=now, next_at=now)
        # The no-op update takes the row's lock (PostgreSQL) or the write lock (SQLite) until commit.
        session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"key": stmt.excluded.key}))
    rows = {r.key: r for r in session.execute(select(BUDGET).where(BUDGET.c.key.in_(keys)))}
    fresh = {k: rows[k].window_start < since for k in keys}
    wait = max(
        (0.0 if fresh[k] else (rows[k].next_at - now).total_seconds() for k in keys),
        default=0.0,
    )
    if wait > 0:
        return wait
    for b in budgets:
        key = b.key[:150]
        failures = 1 if fresh[key] else rows[key].failures + 1
        session.execute(
            update(BUDGET)
            .where(BUDGET.c.key == key)
            .values(
                failures=failures,
                window_start=now if fresh[key] else rows[key].window_start,
                next_at=now + delay_after(failures, free=b.free, base_seconds=base_seconds, window=window),
            )
        )
    return 0.0


def forgive(session: Session, *, clear: list[str], refund: list[str]) -> None:
    """A success: the user's budget starts afresh; the address gets back the try it reserved."""
    if clear:
        session.execute(delete(BUDGET).where(BUDGET.c.key.in_([k[:150] for k in clear])))
    for key in refund:
        session.execute(
            update(BUDGET)
            .where(BUDGET.c.key == key[:150], BUDGET.c.failures > 0)
            .values(failures=BUDGET.c.failures - 1)
        )


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The caller's address: X-Forwarded-For is believed only when it comes through a listed proxy.

    Walking the header from the right, proxies we trust are skipped; the first other address is the client.
    """
    peer = peer or "?"
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def _trusted(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in trusted  # a name such as the test client's
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
