"""Conflict rules by kind of data: what a pushed change does to the row the server holds (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db.base import utcnow
from db.sync.codec import CodecError, column_kinds, encode_value, normalise
from db.sync.messages import Change
from db.sync.registry import META_FIELDS, SyncedTable, SyncKind
from db.sync.validate import Invalid, check_row, check_value, json_problem, shown


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
    return _checked(st, values)


def _checked(st: SyncedTable, values: dict[str, Any]) -> dict[str, Any]:
    """The values in their one JSON spelling, each checked against its column; Refused names the first bad one."""
    kinds = column_kinds(st.table)
    for name in values:
        if name not in kinds:
            raise Refused(f'ตาราง {st.name} ไม่มีช่อง "{shown(name)}" / unknown field')
    try:
        out = normalise(st.table, values)
    except CodecError as exc:
        raise Refused(f"ข้อมูลไม่ถูกต้อง ({shown(str(exc))}) / invalid data") from exc
    try:
        for name, value in out.items():
            check_value(st.table, name, value)
    except Invalid as exc:
        raise Refused(str(exc)) from exc
    return out


def _complete(st: SyncedTable, new: dict[str, Any]) -> dict[str, Any]:
    """A new row with every column: a missing one takes its column's plain default, or the row is refused."""
    kinds = column_kinds(st.table)
    row = dict(new)
    for col in st.table.columns:
        if col.name in row or col.nullable:
            continue
        default = col.default
        if default is not None and getattr(default, "is_scalar", False):
            row[col.name] = encode_value(kinds[col.name], default.arg)
        elif col.name in ("created_at", "updated_at"):
            row[col.name] = encode_value("datetime", utcnow())
        elif col.name not in META_FIELDS:
            raise Refused(f"ตาราง {st.name} ช่อง {col.name}: ไม่ได้ส่งค่ามา (ต้องมีค่า) / missing field")
    return row


def check_change_text(change: Change) -> None:
    """Every text of the change is storable and no value is absurdly deep: Refused before anything is kept.

    Sizes and types are the columns' business (check_value); this guards what the server keeps whatever the
    verdict (the mutation log, conflict rows) and what it quotes back.
    """
    for what, value in (("table", change.table), ("user_name", change.user_name)):
        if problem := json_problem(value, max_bytes=None):
            raise Refused(f"ข้อมูลที่ส่งมา ({what}) ใช้ไม่ได้: {problem} / unusable {what}")
    for what, values in (("fields", change.fields), ("base", change.base)):
        for name, value in values.items():
            if problem := json_problem(name, max_bytes=None) or json_problem(value, max_bytes=None):
                raise Refused(
                    f'ตาราง {shown(change.table)} ช่อง {shown(name)} ({what}) ค่า "{shown(value)}": {problem} '
                    f"/ unusable {what}"
                )


def apply_change(
    st: SyncedTable,
    current: dict[str, Any] | None,
    current_version: int,
    change: Change,
    *,
    unlocked: bool = False,
) -> Outcome:
    """Merge one change into the server's row (None when the server has never seen the row).

    unlocked: the push carries the office approver's audited unlock of this locked row (server.unlocks).
    """
    if st.kind in (SyncKind.SERVER, SyncKind.LOCAL):
        raise Refused(
            f"ข้อมูล {st.name} เป็นข้อมูลอ้างอิงของส่วนกลาง สำนักงานจังหวัดแก้ไขไม่ได้ "
            f"/ {st.name} is reference data owned by the central office"
        )
    new = _values(st, change)
    if current is None:
        if change.op == "delete":
            raise Refused("ลบรายการที่เซิร์ฟเวอร์ไม่เคยได้รับไม่ได้ / cannot delete a row the server never had")
        sent = new.keys()  # each value already checked by _values
        new = _complete(st, new)
        try:
            check_row(st.table, new, checked=sent)
        except Invalid as exc:
            raise Refused(str(exc)) from exc
        return Outcome(new, True)

    differing = [f for f, v in new.items() if f not in META_FIELDS and current.get(f) != v]
    if st.kind == SyncKind.APPEND:
        if differing:
            raise Refused(
                f"{st.name} เป็นรายการบันทึกเหตุการณ์ แก้ไขหรือลบไม่ได้ ให้บันทึกรายการใหม่แทน "
                f"/ {st.name} rows are append-only events; record a new one instead"
            )
        return Outcome(current, False)
    if (
        st.kind == SyncKind.LOCKABLE
        and st.is_locked(current)
        and differing
        and not unlocked
        and not st.moves_forward(current, differing, new)
    ):
        raise Refused(
            "รายการนี้อนุมัติแล้ว (ล็อก) แก้ไขจากเครื่องสำนักงานไม่ได้ ต้องปลดล็อกพร้อมเหตุผลก่อน "
            "/ this row is approved and locked; it cannot be changed by a sync"
        )

    try:
        base = (
            normalise(st.table, {k: v for k, v in change.base.items() if k in st.fields})
            if change.base
            else {}
        )
    except CodecError as exc:
        raise Refused(f"ค่าเดิมที่ส่งมาไม่ถูกต้อง ({shown(str(exc))}) / invalid base values") from exc
    saw_latest = change.base_version is not None and change.base_version == current_version
    merged = dict(current)
    conflicts: list[FieldConflict] = []
    taken: list[str] = []  # values of the change, already checked by _values
    for f in differing:
        if saw_latest or (change.base_version is not None and f in base and base[f] == current.get(f)):
            merged[f] = new[f]
            taken.append(f)
        else:
            conflicts.append(FieldConflict(f, base.get(f), current.get(f), new[f]))
    changed = len(conflicts) < len(differing)
    if changed:
        try:
            check_row(st.table, merged, touched=set(differing), checked=taken)
        except Invalid as exc:
            raise Refused(str(exc)) from exc
    if changed and new.get("updated_at") and (new["updated_at"] > (current.get("updated_at") or "")):
        merged["updated_at"] = new["updated_at"]
    return Outcome(merged, changed, conflicts)
