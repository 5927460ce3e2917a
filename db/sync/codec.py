"""Rows to JSON and back, driven by the column types, so any synced table travels without special code."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, Table, Time, Uuid


class CodecError(ValueError):
    """A value that does not fit its column."""


def _kind(col_type: Any) -> str:
    t = getattr(col_type, "impl", None) or col_type
    if isinstance(col_type, Uuid) or isinstance(t, Uuid):
        return "uuid"
    if isinstance(t, DateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Time):
        return "time"
    if isinstance(t, Numeric) and not isinstance(t, Integer):
        return "decimal"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, JSON):
        return "json"
    if isinstance(t, String):
        return "str"
    return "any"


def encode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "uuid":
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    if kind == "datetime":
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind in ("date", "time"):
        return value if isinstance(value, str) else value.isoformat()
    if kind == "decimal":
        # One spelling per amount ("1", not "1.00"), so equal numbers compare equal in a merge.
        return format(Decimal(str(value)).normalize(), "f")
    return value


def decode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if kind == "uuid":
            return uuid.UUID(str(value))
        if kind == "datetime":
            parsed = datetime.fromisoformat(str(value))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if kind == "date":
            return date.fromisoformat(str(value))
        if kind == "time":
            return time.fromisoformat(str(value))
        if kind == "decimal":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise CodecError(f"not a number: {value!r}")
            if len(str(value)) > 100:
                raise CodecError(f"not a usable amount: {str(value)[:40]!r}…")
            number = Decimal(str(value))
            # "1e999999999" would be a billion digits once written out: refuse what no amount can be.
            if not number.is_finite() or not -30 <= number.adjusted() <= 30:
                raise CodecError(f"not a usable amount: {str(value)[:40]!r}")
            return number
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if value in (0, 1):
                return bool(value)
            raise CodecError(f"not a true/false value: {value!r}")
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise CodecError(f"not a whole number: {value!r}")
            return value
        if kind == "str":
            if not isinstance(value, str):
                raise CodecError(f"not text: {value!r}")
            return value
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise CodecError(f"{value!r}: {exc}") from exc
    return value


@lru_cache(maxsize=256)
def column_kinds(table: Table) -> dict[str, str]:
    return {c.name: _kind(c.type) for c in table.columns}


@lru_cache(maxsize=256)
def _required(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if not c.nullable and c.default is None)


def encode_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row (column → Python value) as JSON-ready values."""
    kinds = column_kinds(table)
    return {name: encode_value(kind, row.get(name)) for name, kind in kinds.items() if name in row}


def decode_row(table: Table, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """JSON values back to Python values for the table; unknown fields and bad values raise CodecError."""
    kinds = column_kinds(table)
    unknown = set(data) - set(kinds)
    if unknown:
        raise CodecError(f"unknown fields for {table.name}: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for name, value in data.items():
        try:
            out[name] = decode_value(kinds[name], value)
        except CodecError as exc:
            raise CodecError(f"{table.name}.{name}: {exc}") from exc
    if not partial:
        missing = [
            c.name for c in table.columns if c.name not in out and not c.nullable and c.default is None
        ]
        if missing:
            raise CodecError(f"missing fields for {table.name}: {', '.join(missing)}")
    return out


def normalise(table: Table, data: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through the column types, so equal values compare equal whatever their spelling."""
    return encode_row(table, decode_row(table, data, partial=True))
