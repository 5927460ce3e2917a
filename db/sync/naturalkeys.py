"""Natural keys: the field that says two rows of an office are the same thing (one person, one row).

Two PCs of an office may create the same person (or village) while offline, each under its own id. The server
keeps the first row and merges the second into it (server/naturalkeys.py); the PC that made the second learns
it from the push answer (the answer's row id differs from the one it sent) and re-points its references.
A staff account's user name is unique per office too, but never merged (NOT_MERGED): two people may choose the
same name, so the second account is refused with its reason and the PC that made it renames it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table

from db.sync.registry import META_FIELDS, get, synced_tables
from db.sync.validate import shown

NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "person": ("national_id",),
    "lecturer": ("national_id",),
    "district": ("code",),
    "subdistrict": ("code",),
    "village": ("code",),
    # A person once per round: read after the person's own merge, so both PCs' enrolments become one.
    "enrolment": ("round_id", "person_id"),
    "staff_account": ("user_name",),  # case ignored (FOLDED)
}
# Unique but refused rather than merged: merging two people's accounts would let one sign in as the other.
NOT_MERGED = frozenset({"staff_account"})
FOLDED = frozenset({"staff_account"})
# Tables whose keys are read after the references of a push were re-pointed by the first stage's merges.
STAGES: tuple[frozenset[str], ...] = (
    frozenset({"person", "lecturer", "district", "subdistrict", "village", "staff_account"}),
    frozenset({"enrolment"}),
)


def key_of(table: str, data: dict[str, Any] | None) -> str | None:
    """The row's natural key, or None (no such key for the table, a part blank, or the row is deleted)."""
    fields = NATURAL_KEYS.get(table)
    if fields is None or not data or data.get("deleted"):
        return None
    parts = []
    for f in fields:
        value = data.get(f)
        if not isinstance(value, str) or not value.strip():
            return None
        if len(fields) > 1:
            try:
                value = uuid.UUID(value).hex  # two ids in 64 characters
            except ValueError:
                return None
        parts.append(value.strip().lower() if table in FOLDED else value)
    return "".join(parts)[:64]


NAME_TAKEN = "มีบัญชีอื่นของสำนักงานใช้อยู่แล้ว"  # how a PC tells this refusal from the others


def account_name_taken(user_name: str) -> str:
    """Why the server refuses a second account of an office with a user name already taken (its PC renames it)."""
    name = shown(user_name)
    return (
        f'ชื่อผู้ใช้ "{name}" {NAME_TAKEN} (สร้างจากเครื่องอื่น) บัญชีนี้จึงยังไม่ถูกส่งไปเครื่องอื่น '
        'กรุณาเปลี่ยนชื่อผู้ใช้ของบัญชีนี้ (หน้าซิงก์ข้อมูล ปุ่ม "เปลี่ยนชื่อผู้ใช้…") แล้วซิงก์อีกครั้ง '
        f'/ user name "{name}" is already taken in your office: rename this account'
    )


def key_label(table: str) -> str:
    return " + ".join(NATURAL_KEYS.get(table, ()))


def merge_fields(current: dict[str, Any], second: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The second row's fields as a change onto the first: (fields, base).

    A field the first row leaves blank takes the second's value (base = the blank, so it applies); a field both
    rows hold with different values is a conflict (base None never equals a held value); the rest is dropped.
    """
    fields: dict[str, Any] = {}
    base: dict[str, Any] = {}
    for f, v in second.items():
        if f in META_FIELDS or f == "deleted" or v in (None, "") or current.get(f) == v:
            continue
        mine = current.get(f)
        fields[f] = v
        base[f] = mine if mine in (None, "") else None
    if fields and second.get("updated_at"):
        fields["updated_at"] = second["updated_at"]
    return fields, base


def references_to(table: str) -> list[tuple[Table, str]]:
    """(table, column) of every synced table with a foreign key to `table`."""
    target = get(table)
    if target is None:
        return []
    out = []
    for st in synced_tables().values():
        for col in st.table.columns:
            if any(fk.column.table is target.table for fk in col.foreign_keys):
                out.append((st.table, col.name))
    return out
