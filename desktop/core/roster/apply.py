"""Committing an import plan in one transaction as an audited batch; listing and undoing batches."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.base import new_id, new_id_hexes, utcnow
from db.bulkwrite import inserting_in_bulk
from db.models import (
    AuditEntry,
    District,
    Enrolment,
    PaymentLine,
    Person,
    Province,
    RoundDistrict,
    Subdistrict,
    Village,
)
from desktop.core.accounts.permissions import require
from desktop.core.audit import PEOPLE_ENTITY, PEOPLE_FIELDS, PEOPLE_PER_ENTRY, UNDO_ACTION, UNDONE_FIELDS
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, NotFoundError, RuleViolation
from desktop.core.gcpause import gc_paused
from desktop.core.roster.plan import ImportPlan

CHUNK = 2000
BATCH_ENTITY = "import_batch"
VILLAGES_ACTION = "create_villages"  # one audit entry for the villages an import made in one subdistrict
ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


class ImportCancelled(CoreError):
    """The officer cancelled: nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    batch_id: uuid.UUID
    created: int
    updated: int
    places_created: int


@dataclass(frozen=True)
class BatchRow:
    id: uuid.UUID
    at: datetime
    user_name: str
    file_name: str
    sheet_name: str
    new: int
    updated: int
    unchanged: int
    rejected: int
    skipped: int
    undone: bool


@dataclass(frozen=True)
class UndoResult:
    removed: int  # people the batch created, now gone
    restored: int  # people whose fields were put back
    places_removed: int
    kept: tuple[str, ...]  # "name: field" changed again after the import, left as they are now


def apply_plan(
    ctx: AppContext,
    plan: ImportPlan,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelFn | None = None,
) -> ImportResult:
    """Write the plan in ONE transaction; a cancel or any error leaves the database as it was."""
    require(ctx, "roster.import")
    office_code = ctx.require_office_code()
    if office_code != plan.office_code:
        raise RuleViolation("แผนการนำเข้านี้ทำไว้สำหรับสำนักงานอื่น กรุณาตรวจสอบไฟล์ใหม่")
    total = len(plan.creates) + len(plan.updates) + 1
    done = 0

    def step(n: int) -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise ImportCancelled("ยกเลิกการนำเข้าแล้ว ฐานข้อมูลไม่มีการเปลี่ยนแปลง")
        done += n
        if progress is not None:
            progress(min(done, total), total)

    batch_id = new_id()
    now = utcnow()
    audit_common = {
        "office_code": office_code,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "deleted": False,
        "at": now,
        "user_name": ctx.user_name,
        "device_id": ctx.device_id,
        "full_name": ctx.account.full_name if ctx.account else "",
        "device_name": ctx.device_name,
        "batch_id": batch_id,
    }
    try:
        with (
            gc_paused(),
            ctx.bulk_transaction() as session,
            inserting_in_bulk(session.connection(), _INSERTED_TABLES),
        ):
            step(0)
            writer = _Writer(session, office_code=office_code, now=now, audit_common=audit_common)
            village_ids, places = _create_places(session, plan, writer)
            for start in range(0, len(plan.creates), CHUNK):
                chunk = plan.creates[start : start + CHUNK]
                _insert_people(chunk, village_ids, writer)
                step(len(chunk))
            _check_versions(session, plan)
            for start in range(0, len(plan.updates), CHUNK):
                chunk = plan.updates[start : start + CHUNK]
                _update_people(session, chunk, village_ids, now, audit_common)
                step(len(chunk))
            counts = plan.counts
            session.execute(
                insert(AuditEntry),
                [
                    {
                        **audit_common,
                        "id": batch_id,
                        "action": "import",
                        "entity": BATCH_ENTITY,
                        "entity_id": batch_id,
                        "changes": {
                            "file": plan.file_name,
                            "sheet": plan.sheet_name,
                            "counts": counts,
                            "places": places,
                        },
                        "summary": f"นำเข้ารายชื่อจาก {plan.file_name}: เพิ่ม {counts['new']} แก้ไข {counts['updated']}"[
                            :300
                        ],
                    }
                ],
            )
            step(1)
    except IntegrityError as exc:
        raise RuleViolation(
            "ข้อมูลในฐานข้อมูลเปลี่ยนไปหลังการตรวจสอบไฟล์ (เช่น มีผู้เพิ่มบุคคลเดียวกัน) "
            "ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาตรวจสอบไฟล์ใหม่อีกครั้ง"
        ) from exc
    return ImportResult(batch_id, len(plan.creates), len(plan.updates), places)


class _Writer:
    """Inserts many rows through the driver's executemany with values already in their stored form.

    SQLAlchemy's per-row parameter processing (UUIDs, timestamps, JSON) cost more than SQLite's own work
    for a national list, so the constant columns are converted once, with the column types' own bind
    processors, and ids are made in bulk as the 32-digit hex SQLite stores (db.base.new_id_hexes).
    """

    def __init__(self, session: Session, *, office_code: str, now: datetime, audit_common: dict) -> None:
        self.conn = session.connection()
        self.dialect = self.conn.dialect
        self.cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        stamp = self.bind(AuditEntry, "at", now)
        self.sync_values = (office_code, stamp, stamp, 1, self.bind(AuditEntry, "deleted", False))
        self.batch_hex = audit_common["batch_id"].hex
        self.audit_values = (
            stamp,
            audit_common["user_name"],
            audit_common["device_id"],
            audit_common["full_name"],
            audit_common["device_name"],
            self.bind(AuditEntry, "batch_id", audit_common["batch_id"]),
        )

    def bind(self, model: type, column: str, value: object) -> object:
        col_type = model.__table__.c[column].type  # type: ignore[attr-defined]
        proc = col_type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return proc(value) if proc is not None else value

    def insert(self, model: type, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Rows of (id, *columns); the sync columns are added here."""
        if not rows:
            return
        names = ("id", *columns, *_SYNC_COLUMNS)
        table = model.__table__.name  # type: ignore[attr-defined]
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        tail = self.sync_values
        try:
            self.cursor.executemany(sql, [(*row, *tail) for row in rows])
        except self.dialect.loaded_dbapi.IntegrityError as exc:  # the driver's own: SQLAlchemy did not see it
            raise IntegrityError(sql, None, exc) from exc

    def audits(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """Rows of (id, action, entity, entity_id, changes as JSON text, summary)."""
        self.insert(AuditEntry, _AUDIT_COLUMNS, [(*row, *self.audit_values) for row in rows])


# inserted through inserting_in_bulk: their outbox entries and change counts are written once, at the end
_INSERTED_TABLES = ("district", "subdistrict", "village", "person", "audit_entry")
_SYNC_COLUMNS = ("office_code", "created_at", "updated_at", "version", "deleted")
_AUDIT_COLUMNS = (
    "action",
    "entity",
    "entity_id",
    "changes",
    "summary",
    "at",
    "user_name",
    "device_id",
    "full_name",
    "device_name",
    "batch_id",
)
_PERSON_COLUMNS = (
    "national_id",
    "prefix",
    "first_name",
    "last_name",
    "name_original",
    "position",
    "phone",
    "village_id",
    "note",
)


def _create_places(session: Session, plan: ImportPlan, writer: _Writer) -> tuple[dict[str, str], int]:
    """Create the plan's new places; return code → id (32-digit hex) of every place of the office.

    A district or subdistrict gets an audit entry of its own; the villages made in one subdistrict share one
    (VILLAGES_ACTION, at most 99 villages): a national list creates 75,000 villages, and one entry each
    cost as much as writing the villages themselves.
    """
    province_id = session.scalar(select(Province.id).where(Province.code == plan.office_code))
    ids: dict[str, str] = {}
    for model in (District, Subdistrict, Village):
        for code, pid in session.execute(
            select(model.code, model.id).where(model.code.like(f"{plan.office_code}%"))
        ):
            ids[code] = pid.hex
    new_ids = new_id_hexes(len(plan.places))
    audits = []
    rows: dict[str, list[tuple]] = {"district": [], "subdistrict": [], "village": []}
    villages_in: dict[str, list[dict]] = {}
    for n, place in enumerate(plan.places):
        if place.code in ids:
            raise RuleViolation(f"มีรหัสพื้นที่ {place.code} ในฐานข้อมูลแล้วหลังการตรวจสอบไฟล์ กรุณาตรวจสอบไฟล์ใหม่อีกครั้ง")
        pid = new_ids[n]
        ids[place.code] = pid
        if place.kind == "village":
            rows["village"].append((pid, place.code, place.name, place.moo, ids[place.parent_code]))
            villages_in.setdefault(place.parent_code, []).append(
                {"id": _dashed(pid), "code": place.code, "name_th": place.name, "moo": place.moo}
            )
            continue
        if place.kind == "district":
            rows["district"].append((pid, place.code, place.name, province_id.hex))
        else:
            rows["subdistrict"].append((pid, place.code, place.name, ids[place.parent_code]))
        changes = {"code": [None, place.code], "name_th": [None, place.name]}
        audits.append((pid, "create", place.kind, changes, f"สร้างจากการนำเข้า: {place.label}"))
    for sub_code, villages in villages_in.items():
        moos = ", ".join(str(v["moo"]) for v in villages)
        summary = f"สร้างหมู่บ้านจากการนำเข้า {len(villages)} แห่งในตำบลรหัส {sub_code}: หมู่ที่ {moos}"
        audits.append((ids[sub_code], VILLAGES_ACTION, "subdistrict", {"villages": villages}, summary))
    writer.insert(District, ("code", "name_th", "province_id"), rows["district"])
    writer.insert(Subdistrict, ("code", "name_th", "district_id"), rows["subdistrict"])
    writer.insert(Village, ("code", "name_th", "moo", "subdistrict_id"), rows["village"])
    audit_ids = new_id_hexes(len(audits))
    writer.audits(
        [
            (aid, action, entity, entity_id, _json(changes), summary[:300])
            for aid, (entity_id, action, entity, changes, summary) in zip(audit_ids, audits, strict=True)
        ]
    )
    return ids, len(plan.places)


def _insert_people(chunk: list[dict], village_ids: dict[str, str], writer: _Writer) -> None:
    """Insert the people; audit them PEOPLE_PER_ENTRY to an entry (audit.PEOPLE_ENTITY), with every value."""
    ids = new_id_hexes(len(chunk))
    people, audited = [], []
    for pid, c in zip(ids, chunk, strict=True):
        village_id = village_ids[c["village_code"]] if c["village_code"] else None
        values = (
            c["national_id"],
            c["prefix"],
            c["first_name"],
            c["last_name"],
            c["name_original"],
            c["position"],
            c["phone"],
        )
        people.append((pid, *values, village_id, ""))
        # ids in their canonical text form, as every other audit entry has them
        audited.append([_dashed(pid), c["row"], *values, _dashed(village_id) if village_id else None, ""])
    writer.insert(Person, _PERSON_COLUMNS, people)
    groups = _per_entry(audited)
    writer.audits(
        [
            (
                aid,
                "create",
                PEOPLE_ENTITY,
                writer.batch_hex,
                _json({"fields": list(PEOPLE_FIELDS), "people": group}),
                f"นำเข้าบุคคล {len(group)} คน (แถว {group[0][1]}–{group[-1][1]})",
            )
            for aid, group in zip(new_id_hexes(len(groups)), groups, strict=True)
        ]
    )


def _per_entry(people: list[list]) -> list[list[list]]:
    """People cut into the groups one audit entry holds (audit.PEOPLE_PER_ENTRY)."""
    return [people[i : i + PEOPLE_PER_ENTRY] for i in range(0, len(people), PEOPLE_PER_ENTRY)]


# Thai kept as UTF-8 rather than \u escapes: a third of the audit log's size for an import, read back
# the same by json.loads.
_json = json.JSONEncoder(ensure_ascii=False).encode


def _dashed(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def _check_versions(session: Session, plan: ImportPlan) -> None:
    if not plan.updates:
        return
    wanted = {u["id"]: u["version"] for u in plan.updates}
    ids = list(wanted)
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        for pid, version in session.execute(select(Person.id, Person.version).where(Person.id.in_(part))):
            if wanted[pid] != version:
                raise RuleViolation(
                    "มีผู้แก้ไขข้อมูลบุคคลในรายการนี้หลังการตรวจสอบไฟล์ ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาตรวจสอบไฟล์ใหม่อีกครั้ง"
                )


def _update_people(
    session: Session, chunk: list[dict], village_ids: dict[str, str], now: datetime, audit_common: dict
) -> None:
    ids = [u["id"] for u in chunk]
    originals = {
        r.id: r
        for r in session.execute(
            select(Person.id, Person.name_original, Person.village_id).where(Person.id.in_(ids))
        )
    }
    rows, audits = [], []
    for u in chunk:
        values = dict(u["values"])
        old = dict(u["old"])
        if "name_original" in values:
            old["name_original"] = originals[u["id"]].name_original
        if u["village_code"]:
            values["village_id"] = uuid.UUID(village_ids[u["village_code"]])
            old["village_id"] = originals[u["id"]].village_id
        rows.append({"id": u["id"], **values, "version": u["version"] + 1, "updated_at": now})
        audits.append(
            {
                **audit_common,
                "id": new_id(),
                "action": "update",
                "entity": "person",
                "entity_id": u["id"],
                "changes": {k: [_plain(old.get(k)), _plain(v)] for k, v in values.items()},
                "summary": f"แก้ไขจากการนำเข้า {u['national_id']} (แถว {u['row']})"[:300],
            }
        )
    session.execute(update(Person), rows)
    session.execute(insert(AuditEntry), audits)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, uuid.UUID) else value


# -- batches ---------------------------------------------------------------------------------------


def list_batches(ctx: AppContext) -> list[BatchRow]:
    """Imports of this office, newest first, with their counts and whether they were undone."""
    office_code = ctx.require_office_code()
    with ctx.reading() as session:
        undone = set(
            session.scalars(
                select(AuditEntry.batch_id).where(
                    AuditEntry.entity == BATCH_ENTITY, AuditEntry.action == "undo"
                )
            )
        )
        rows = []
        for e in session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.entity == BATCH_ENTITY,
                AuditEntry.action == "import",
                AuditEntry.office_code == office_code,
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        ):
            counts = dict(e.changes.get("counts", {}))
            rows.append(
                BatchRow(
                    e.batch_id or e.id,
                    e.at,
                    f"{e.full_name} ({e.user_name})" if e.full_name else e.user_name,  # who imported
                    str(e.changes.get("file", "")),
                    str(e.changes.get("sheet", "")),
                    *(int(counts.get(k, 0)) for k in ("new", "updated", "unchanged", "rejected", "skipped")),
                    undone=(e.batch_id in undone),
                )
            )
        return rows


def undo_batch(ctx: AppContext, batch_id: uuid.UUID) -> UndoResult:
    """Undo an import as a whole, in one transaction: remove the people it created (refused when any
    is enrolled or paid), restore the fields it changed, remove the places it created that are unused."""
    require(ctx, "roster.import")
    office_code = ctx.require_office_code()
    now = utcnow()
    with ctx.transaction() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.batch_id == batch_id).order_by(AuditEntry.at, AuditEntry.id)
        ).all()
        head = next((e for e in entries if e.entity == BATCH_ENTITY and e.action == "import"), None)
        if head is None or head.office_code != office_code:
            raise NotFoundError("ไม่พบการนำเข้านี้")
        if any(e.entity == BATCH_ENTITY and e.action == "undo" for e in entries):
            raise RuleViolation(f"การนำเข้าไฟล์ {head.changes.get('file', '')} นี้ถูกยกเลิกไปแล้ว")
        created = [e.entity_id for e in entries if e.entity == "person" and e.action == "create"]
        created += [
            uuid.UUID(p[0])
            for e in entries
            if e.entity == PEOPLE_ENTITY and e.action == "create"
            for p in e.changes.get("people", [])
        ]
        updated = [e for e in entries if e.entity == "person" and e.action == "update"]
        _refuse_if_used(session, created)
        audits: list[dict] = []
        base = {
            "office_code": office_code,
            "at": now,
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "deleted": False,
            "user_name": ctx.user_name,
            "device_id": ctx.device_id,
            "full_name": ctx.account.full_name if ctx.account else "",
            "device_name": ctx.device_name,
            "batch_id": batch_id,
        }
        removed = 0
        gone: list[list[str]] = []
        for start in range(0, len(created), 900):
            part = created[start : start + 900]
            people = session.execute(
                select(
                    Person.id, Person.national_id, Person.first_name, Person.last_name, Person.server_seq
                ).where(Person.id.in_(part))
            ).all()
            synced = [p.id for p in people if p.server_seq is not None]
            local = [p.id for p in people if p.server_seq is None]
            if local:
                session.execute(delete(Person).where(Person.id.in_(local)))
            if synced:  # the server already has them: a tombstone tells it, a hard delete would not
                session.execute(
                    update(Person).where(Person.id.in_(synced)).values(deleted=True, updated_at=now)
                )
            removed += len(people)
            gone.extend([str(p.id), p.national_id, p.first_name, p.last_name] for p in people)
        audits.extend(
            {
                **base,
                "id": new_id(),
                "action": UNDO_ACTION,
                "entity": PEOPLE_ENTITY,
                "entity_id": batch_id,
                "changes": {"fields": list(UNDONE_FIELDS), "people": group},
                "summary": f"ยกเลิกการนำเข้า: ลบบุคคล {len(group)} คน",
            }
            for group in _per_entry(gone)
        )
        restored, kept = _restore(session, updated, now, base, audits)
        places_removed = _remove_unused_places(session, entries)
        if audits:
            session.execute(insert(AuditEntry), audits)
        session.execute(
            insert(AuditEntry),
            [
                {
                    **base,
                    "id": new_id(),
                    "action": "undo",
                    "entity": BATCH_ENTITY,
                    "entity_id": batch_id,
                    "changes": {"removed": removed, "restored": restored, "places_removed": places_removed},
                    "summary": f"ยกเลิกการนำเข้าไฟล์ {head.changes.get('file', '')}"[:300],
                }
            ],
        )
    return UndoResult(removed, restored, places_removed, tuple(kept))


def _refuse_if_used(session: Session, person_ids: list[uuid.UUID]) -> None:
    used: set[uuid.UUID] = set()
    for start in range(0, len(person_ids), 900):
        part = person_ids[start : start + 900]
        used.update(session.scalars(select(Enrolment.person_id).where(Enrolment.person_id.in_(part))))
        used.update(
            pid
            for pid in session.scalars(select(PaymentLine.person_id).where(PaymentLine.person_id.in_(part)))
            if pid
        )
    if not used:
        return
    names = [
        f"{r.prefix}{r.first_name} {r.last_name}"
        for r in session.execute(
            select(Person.prefix, Person.first_name, Person.last_name)
            .where(Person.id.in_(list(used)[:10]))
            .order_by(Person.first_name)
        )
    ]
    more = f" และอีก {len(used) - len(names)} คน" if len(used) > len(names) else ""
    raise RuleViolation(
        "ยกเลิกการนำเข้านี้ไม่ได้ เพราะบุคคลที่นำเข้ามีการลงทะเบียนอบรมหรือการจ่ายเงินแล้ว: " + ", ".join(names) + more
    )


def _restore(
    session: Session, entries: list[AuditEntry], now: datetime, base: dict, audits: list[dict]
) -> tuple[int, list[str]]:
    """Put back the old value of each field still holding what the import wrote."""
    restored, kept = 0, []
    for e in entries:
        person = session.get(Person, e.entity_id)
        if person is None:
            continue
        back: dict[str, list] = {}
        for fld, (old, new) in e.changes.items():
            current = getattr(person, fld)
            current_plain = str(current) if isinstance(current, uuid.UUID) else current
            if current_plain != new:
                kept.append(f"{person.first_name} {person.last_name}: {fld}")
                continue
            value = uuid.UUID(old) if fld == "village_id" and old else old
            back[fld] = [new, old]
            setattr(person, fld, value)
        if back:
            restored += 1
            audits.append(
                {
                    **base,
                    "id": new_id(),
                    "action": "undo_import",
                    "entity": "person",
                    "entity_id": person.id,
                    "changes": back,
                    "summary": f"ยกเลิกการนำเข้า: คืนค่าเดิมของ {person.first_name} {person.last_name}"[:300],
                }
            )
    session.flush()
    return restored, kept


def _remove_unused_places(session: Session, entries: list[AuditEntry]) -> int:
    """Delete the places the batch created that nothing uses now (set-wise: a national list made 75,000)."""
    created: dict[str, list[uuid.UUID]] = {"village": [], "subdistrict": [], "district": []}
    for e in entries:
        if e.action == "create" and e.entity in created:
            created[e.entity].append(e.entity_id)
        elif e.action == VILLAGES_ACTION:
            created["village"].extend(uuid.UUID(v["id"]) for v in e.changes.get("villages", []))
    removed = 0
    for model, kind, children in (
        (Village, "village", [Person.village_id]),
        (Subdistrict, "subdistrict", [Village.subdistrict_id]),
        (District, "district", [Subdistrict.district_id, RoundDistrict.district_id]),
    ):
        ids = created[kind]
        for start in range(0, len(ids), 900):
            unused = [~select(col).where(col == model.id).exists() for col in children]
            result = session.execute(delete(model).where(model.id.in_(ids[start : start + 900]), *unused))
            removed += result.rowcount
    return removed
