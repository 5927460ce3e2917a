"""What a synced row must be to be stored on either end: types, lengths, nullability, enums, rules, sane text.

The server runs these on every pushed change and the desktop on every pulled row, so a row one end accepts is
a row the other can store. Every refusal names the table, the field and the value (shortened), in Thai.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from sqlalchemy import CheckConstraint, String, Table

from db.rules.errors import RuleError
from db.rules.national_id import national_id_problem
from db.rules.phone import normalize_phone
from db.rules.staff_roles import ARGON2ID_HASH, roles_problem
from db.sync.codec import column_kinds

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_TEXT_CHARS = 65_536  # a Text column (notes, addresses): far beyond any real note
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 256 * 1024
SHOWN_CHARS = 40

# Rules of db/rules applied to a field: (table, field) → (rule, blank allowed).
NATIONAL_ID_FIELDS = {
    ("person", "national_id"): False,
    ("lecturer", "national_id"): True,
    ("staff_account", "national_id"): True,
}
PHONE_FIELDS = {("person", "phone"), ("lecturer", "phone")}


class Invalid(ValueError):
    """A value that may not be stored; the message is Thai, naming table, field and value."""


def shown(value: Any) -> str:
    """A value as it may be quoted in a message: shortened, lone surrogates and control characters escaped."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)[:200]
    except (RecursionError, ValueError):
        text = f"({type(value).__name__} ซ้อนลึกเกินแสดง)"
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + f"… ({len(text):,} อักขระ)"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored as text (lone surrogate, NUL), or None."""
    if "\x00" in value:
        return "มีอักขระ NUL (\\x00)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "มีอักขระ Unicode ที่ไม่สมบูรณ์ (surrogate เดี่ยว)"
    return None


def json_problem(value: Any, *, max_bytes: int | None = MAX_JSON_BYTES) -> str | None:
    """Why a JSON value is not storable: too deep, too big, bad text or numbers beyond 64 bits inside."""
    kind = type(value)  # the plain values of a row first: this runs on every field of every pushed change
    if value is None or kind is bool:
        return None
    if kind is int:
        return None if INT64_MIN <= value <= INT64_MAX else "มีตัวเลขเกินช่วง 64 บิต"
    if kind is str and max_bytes is None:
        return text_problem(value)
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"ซ้อนกันลึกเกิน {MAX_JSON_DEPTH} ชั้น"
        if isinstance(item, dict):
            for k, v in item.items():
                if isinstance(k, str) and (p := text_problem(k)):
                    return p
                stack.append((v, depth + 1))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            if p := text_problem(item):
                return p
        elif isinstance(item, int) and not isinstance(item, bool) and not INT64_MIN <= item <= INT64_MAX:
            return "มีตัวเลขเกินช่วง 64 บิต"
        elif isinstance(item, float) and (item != item or item in (float("inf"), float("-inf"))):
            return "มีตัวเลขที่ไม่ใช่ค่าจำกัด (NaN/Infinity)"
    if max_bytes is not None and len(json.dumps(value, ensure_ascii=False)) > max_bytes:
        return f"ใหญ่เกิน {max_bytes // 1024} KB"
    return None


@lru_cache(maxsize=256)
def _lengths(table: Table) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for c in table.columns:
        t = getattr(c.type, "impl", None) or c.type
        if isinstance(t, String):
            out[c.name] = t.length
    return out


_IN_RE = re.compile(r"^\s*(\w+)\s+IN\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_BOUND_RE = re.compile(r"^\s*(\w+)\s*(>=|>)\s*(-?\d+)\s*$")
_ORDER_RE = re.compile(r"^\s*(\w+)\s*>=\s*([A-Za-z_]\w*)\s*$")


@lru_cache(maxsize=256)
def _checks(table: Table) -> tuple[tuple[str, tuple[str, ...], Any], ...]:
    """The table's CHECK constraints we can read: enums (col IN (...)), bounds (col > n), orders (a >= b)."""
    out = []
    for con in table.constraints:
        if not isinstance(con, CheckConstraint):
            continue
        sql = str(con.sqltext)
        if m := _IN_RE.match(sql):
            values = frozenset(v.strip().strip("'") for v in m.group(2).split(","))
            out.append(("in", (m.group(1),), values))
        elif m := _BOUND_RE.match(sql):
            out.append((m.group(2), (m.group(1),), int(m.group(3))))
        elif m := _ORDER_RE.match(sql):
            out.append(("order", (m.group(1), m.group(2)), None))
    return tuple(out)


def _fail(table: str, field: str, value: Any, why: str) -> Invalid:
    return Invalid(f'ตาราง {table} ช่อง {field} ค่า "{shown(value)}": {why} / invalid {table}.{field}')


@lru_cache(maxsize=256)
def _fields(table: Table) -> dict[str, tuple[str, bool, int, bool | None, bool]]:
    """Per column what check_value needs: (kind, nullable, longest text, national ID blank allowed, phone)."""
    kinds, lengths = column_kinds(table), _lengths(table)
    return {
        c.name: (
            kinds[c.name],
            bool(c.nullable),
            lengths.get(c.name) or MAX_TEXT_CHARS,
            NATIONAL_ID_FIELDS.get((table.name, c.name)),
            (table.name, c.name) in PHONE_FIELDS,
        )
        for c in table.columns
    }


def check_value(table: Table, field: str, value: Any) -> None:
    """One field's value (JSON form) against its column and the rules of db/rules; raises Invalid."""
    name = table.name
    if name == "staff_account" and field == "password_hash":
        # Only an argon2id hash is ever stored or sent; the refusal never repeats the value (it may be a password).
        if not (isinstance(value, str) and ARGON2ID_HASH.match(value)):
            raise Invalid(
                f"ตาราง {name} ช่อง {field}: ต้องเป็นค่าแฮช argon2id เท่านั้น (ไม่แสดงค่าที่ส่งมา) "
                f"/ invalid {name}.{field}"
            )
        return
    if (
        name == "staff_account"
        and field == "roles"
        and isinstance(value, str)
        and (p := roles_problem(value))
    ):
        raise _fail(name, field, value, p)
    spec = _fields(table).get(field)
    if spec is None:
        raise _fail(name, field, value, "ไม่มีช่องนี้ในตาราง")
    kind, nullable, limit, nid_blank_ok, phone = spec
    if value is None:
        if not nullable:
            raise _fail(name, field, value, "ต้องมีค่า (ว่างไม่ได้)")
        return
    if isinstance(value, str):
        if p := text_problem(value):
            raise _fail(name, field, value, p)
        if kind == "str" and len(value) > limit:
            raise _fail(name, field, value, f"ยาวเกิน {limit:,} อักขระ (พบ {len(value):,})")
    elif kind == "int" and isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        raise _fail(name, field, value, "ตัวเลขเกินช่วงที่เก็บได้ (64 บิต)")
    if kind in ("json", "any") and (p := json_problem(value)):
        raise _fail(name, field, value, p)
    if (
        nid_blank_ok is not None
        and not (nid_blank_ok and value == "")
        and (p := national_id_problem(str(value)))
    ):
        raise _fail(name, field, value, p)
    if phone and value != "":
        try:
            ok = normalize_phone(value) == value
        except RuleError as exc:
            raise _fail(name, field, value, exc.message) from exc
        if not ok:
            raise _fail(name, field, value, "หมายเลขโทรศัพท์ต้องเป็นตัวเลขล้วน 9 หรือ 10 หลัก")


def check_row(
    table: Table, row: dict[str, Any], *, touched: set[str] | None = None, checked: Collection[str] = ()
) -> None:
    """A whole row (JSON form): every touched field, then the CHECK constraints that read a touched field.

    checked: fields whose value in ``row`` already passed check_value (not checked twice).
    """
    fields = set(row) if touched is None else touched
    for field in sorted(fields.difference(checked)):
        if field in row:
            check_value(table, field, row[field])
    for op, cols, arg in _checks(table):
        if not fields.intersection(cols):
            continue
        value = row.get(cols[0])
        if value is None:
            continue
        if op == "in" and value not in arg:
            allowed = ", ".join(sorted(arg))
            raise _fail(table.name, cols[0], value, f"ต้องเป็นค่าใดค่าหนึ่งใน {allowed}")
        bounded = op in (">", ">=") and isinstance(value, int | float) and not isinstance(value, bool)
        if bounded and ((op == ">" and not value > arg) or (op == ">=" and not value >= arg)):
            raise _fail(table.name, cols[0], value, f"ต้อง {op} {arg}")
        if op == "order":
            other = row.get(cols[1])
            if other is not None and isinstance(value, str) and isinstance(other, str) and value < other:
                raise _fail(table.name, cols[0], value, f"ต้องไม่น้อยกว่า {cols[1]} ({shown(other)})")
