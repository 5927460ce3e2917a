"""The memo that keeps the per-person aggregates of the figures while the tables they read are unchanged."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from desktop.core.exports.model import DistrictFigures


class FiguresMemo:
    """The figures that aggregate over every person, kept while the tables they read are unchanged.

    Keyed by the change counters of those tables (db.change_stamps), read before the figures in the same
    session: a write committed in between only makes the memo look older than it is, never newer.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]] | None = None
        self._parts: dict[str, tuple[tuple, Any]] = {}
        self.hits = 0  # refreshes that reused the memo (for tests and the benchmark)
        self.restored = 0  # refreshes that reused figures persisted in the database file

    def get(self, key: tuple | None) -> tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]] | None:
        with self._lock:
            if key is None or key != self._key:
                return None
            self.hits += 1
            return self._value

    def put(
        self,
        key: tuple | None,
        value: tuple[tuple[DistrictFigures, ...], dict[uuid.UUID, tuple]],
        *,
        restored: bool = False,
    ) -> None:
        with self._lock:
            self._key, self._value = key, value
            self.restored += restored

    def part(self, key: tuple | None, compute: Callable[[], Any]) -> Any:
        """One read's result (targets, places, trained people, registrations), kept while its tables are."""
        name = key[0] if key is not None else None
        with self._lock:
            kept = self._parts.get(name)
            if key is not None and kept is not None and kept[0] == key:
                return kept[1]
        value = compute()
        if key is not None:
            with self._lock:
                self._parts[name] = (key, value)
        return value

    @property
    def has_parts(self) -> bool:
        with self._lock:
            return bool(self._parts)

    def previous(self, name: str) -> Any:
        """The last value of a part, whatever its key: a starting point for recomputing it."""
        with self._lock:
            kept = self._parts.get(name)
            return None if kept is None else kept[1]
