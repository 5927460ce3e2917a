"""Conflict rules by kind of data: what a pushed change does to the row the server holds (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db.sync.codec import CodecError, decode_row, normalise
from db.sync.messages import Change
from db.sync.registry import META_FIELDS, SyncedTable, SyncKind


class Refused(Exception):
    """The change cannot be applied; the message is shown to the officer (Thai, then English)."""


@dataclass
class FieldConflict:
    field: str
    base_value: Any
    server_value: Any
    client_value: Any


@dataclass
class Outcome:
    data: dict[str, Any]  # the row after the change (normalised JSON values)
    changed: bool
    conflicts: list[FieldConflict] = field(default_factory=list)


def _values(st: SyncedTable, change: Change) -> dict[str, Any]:
    values = dict(change.fields)
    if change.op == "delete":
        values["deleted"] = True
    try:
        return normalise(st.table, values)
    except CodecError as exc:
        raise Refused(f"ข้อมูลไม่ถูกต้อง ({exc}) / invalid data") from exc


def apply_change(
    st: SyncedTable, current: dict[str, Any] | None, current_version: int, change: Change
) -> Outcome:
    """Merge one change into the server's row (None when the server has never seen the row)."""
    if st.kind in (SyncKind.SERVER, SyncKind.LOCAL):
        raise Refused(
            f"ข้อมูล {st.name} เป็นข้อมูลอ้างอิงของส่วนกลาง สำนักงานจังหวัดแก้ไขไม่ได้ "
            f"/ {st.name} is reference data owned by the central office"
        )
    new = _values(st, change)
    if current is None:
        if change.op == "delete":
            raise Refused("ลบรายการที่เซิร์ฟเวอร์ไม่เคยได้รับไม่ได้ / cannot delete a row the server never had")
        try:
            decode_row(st.table, new)  # a new row must be complete
        except CodecError as exc:
            raise Refused(f"ข้อมูลไม่ครบ ({exc}) / incomplete row") from exc
        return Outcome(new, True)

    differing = [f for f, v in new.items() if f not in META_FIELDS and current.get(f) != v]
    if st.kind == SyncKind.APPEND:
        if differing:
            raise Refused(
                f"{st.name} เป็นรายการบันทึกเหตุการณ์ แก้ไขหรือลบไม่ได้ ให้บันทึกรายการใหม่แทน "
                f"/ {st.name} rows are append-only events; record a new one instead"
            )
        return Outcome(current, False)
    if st.kind == SyncKind.LOCKABLE and st.is_locked(current) and differing:
        raise Refused(
            "รายการนี้อนุมัติแล้ว (ล็อก) แก้ไขจากเครื่องสำนักงานไม่ได้ ต้องปลดล็อกพร้อมเหตุผลก่อน "
            "/ this row is approved and locked; it cannot be changed by a sync"
        )

    base = (
        normalise(st.table, {k: v for k, v in change.base.items() if k in st.fields}) if change.base else {}
    )
    saw_latest = change.base_version is not None and change.base_version == current_version
    merged = dict(current)
    conflicts: list[FieldConflict] = []
    for f in differing:
        if saw_latest or (change.base_version is not None and f in base and base[f] == current.get(f)):
            merged[f] = new[f]
        else:
            conflicts.append(FieldConflict(f, base.get(f), current.get(f), new[f]))
    changed = len(conflicts) < len(differing)
    if changed and new.get("updated_at") and (new["updated_at"] > (current.get("updated_at") or "")):
        merged["updated_at"] = new["updated_at"]
    return Outcome(merged, changed, conflicts)
