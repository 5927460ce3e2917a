"""Administration on the server's own database: offices, users, enrolment codes, devices, allocations, rates."""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.base import new_id, utcnow
from db.resources import resource_path
from db.rules.money import to_satang
from db.rules.rate_table import RateTableError, read_rate_table
from db.rules.staff_roles import ROLES as STAFF_ROLES
from db.rules.staff_roles import USER_NAME
from db.sync.codec import encode_row
from db.sync.naturalkeys import NAME_TAKEN, key_of
from db.sync.registry import get
from server import store
from server.models import CENTRAL_OFFICE, ROLES, Device, EnrolCode, NaturalKey, OfficeAccount, SyncRow, User
from server.security import code_hash, hash_password, new_enrol_code


class AdminError(Exception):
    """A refused admin command (Thai, then English)."""


@dataclass(frozen=True)
class DeviceInfo:
    id: uuid.UUID
    office_code: str
    name: str
    created: str
    last_seen: str
    revoked: bool
    lane: int | None = None  # its document-number lane (เครื่องที่) in the office


def province_names() -> dict[str, str]:
    with resource_path("reference", "provinces.csv").open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r["name_th"] for r in csv.DictReader(fh)}


def create_office(
    sessions: sessionmaker[Session], *, province: str, target: int | None = None
) -> OfficeAccount:
    names = province_names()
    if province not in names:
        raise AdminError(f"ไม่พบรหัสจังหวัด {province} / unknown province code")
    with sessions.begin() as s:
        office = s.get(OfficeAccount, province)
        if office is None:
            office = OfficeAccount(
                code=province, name_th=f"สำนักงานแรงงานจังหวัด{names[province]}", target=target
            )
            s.add(office)
        elif target is not None:
            office.target = target
        return office


def _require_office(s: Session, code: str) -> None:
    if s.get(OfficeAccount, code) is None:
        raise AdminError(f"ยังไม่ได้สร้างสำนักงานจังหวัด {code} (admin create-office) / no office {code} yet")


def create_user(
    sessions: sessionmaker[Session],
    *,
    username: str,
    password: str,
    role: str,
    province: str | None,
    full_name: str = "",
    desktop_roles: tuple[str, ...] = (),
) -> User:
    """A user of the server; with desktop_roles also the office's staff account of that name (e.g. its first
    admin), published for the province's desktops to pull, with the same argon2id hash (changed at first sign-in)."""
    if role not in ROLES:
        raise AdminError(f"บทบาทต้องเป็นหนึ่งใน {', '.join(ROLES)} / role must be one of them")
    if role.startswith("province_") and not province:
        raise AdminError("ผู้ใช้ระดับจังหวัดต้องระบุ --province / a province role needs --province")
    if len(password) < 10:
        raise AdminError("รหัสผ่านต้องยาวอย่างน้อย 10 ตัวอักษร / password must be at least 10 characters")
    if desktop_roles:
        _check_desktop_account(username, desktop_roles, province)
    with sessions.begin() as s:
        if province:
            _require_office(s, province)
        if s.scalar(select(User).where(User.username == username)) is not None:
            raise AdminError(f"มีผู้ใช้ชื่อ {username} แล้ว / user exists")
        user = User(
            username=username,
            password_hash=hash_password(password),
            role=role,
            office_code=province if role.startswith("province_") else None,
            full_name=full_name,
        )
        s.add(user)
        if desktop_roles and province:
            _publish_staff_account(
                s,
                username=username,
                full_name=full_name or username,
                roles=desktop_roles,
                province=province,
                password_hash=user.password_hash,
            )
        return user


def _check_desktop_account(username: str, roles: tuple[str, ...], province: str | None) -> None:
    if not province:
        raise AdminError("บัญชีผู้ใช้ของโปรแกรมสำนักงานต้องระบุ --province / desktop roles need --province")
    if not USER_NAME.match(username):
        raise AdminError(
            "ชื่อผู้ใช้ของโปรแกรมสำนักงานต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข . _ - ไม่เกิน 50 ตัว / bad desktop user name"
        )
    if unknown := [r for r in roles if r not in STAFF_ROLES]:
        raise AdminError(f"บทบาท {', '.join(unknown)} ไม่มีในโปรแกรมสำนักงาน (มี {', '.join(STAFF_ROLES)})")


def _publish_staff_account(
    s: Session, *, username: str, full_name: str, roles: tuple[str, ...], province: str, password_hash: str
) -> None:
    st = get("staff_account")
    assert st is not None
    key = key_of("staff_account", {"user_name": username})
    assert key is not None
    if s.get(NaturalKey, (province, "staff_account", key)) is not None:
        raise AdminError(
            f"ชื่อผู้ใช้ {username} {NAME_TAKEN} (จังหวัด {province}) กรุณาเลือกชื่ออื่น "
            "/ the office already has an account of that user name"
        )
    now = utcnow()
    row = {
        "id": new_id(),
        "office_code": province,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "deleted": False,
        "server_seq": None,
        "user_name": username,
        "full_name": full_name,
        "position": "",
        "national_id": "",
        "roles": ",".join(r for r in STAFF_ROLES if r in roles),
        "active": True,
        "must_change_password": True,  # set at the centre: its owner chooses their own at the first sign-in
        "password_hash": password_hash,
    }
    store.publish(
        s, table="staff_account", office_code=province, data=encode_row(st.table, row), by="central"
    )
    s.add(NaturalKey(office_code=province, table_name="staff_account", key=key, row_id=row["id"]))


def enrol_code(sessions: sessionmaker[Session], *, province: str, hours: int = 72) -> str:
    """A one-time code a desktop of this province enrols with; only its hash is stored."""
    code = new_enrol_code()
    with sessions.begin() as s:
        _require_office(s, province)
        s.add(
            EnrolCode(
                code_hash=code_hash(code), office_code=province, expires_at=utcnow() + timedelta(hours=hours)
            )
        )
    return code


def list_devices(sessions: sessionmaker[Session], *, province: str | None = None) -> list[DeviceInfo]:
    with sessions() as s:
        q = select(Device).order_by(Device.office_code, Device.created_at)
        if province:
            q = q.where(Device.office_code == province)
        return [
            DeviceInfo(
                d.id,
                d.office_code,
                d.name,
                d.created_at.isoformat(timespec="seconds"),
                d.last_seen_at.isoformat(timespec="seconds") if d.last_seen_at else "",
                d.revoked_at is not None,
                d.lane,
            )
            for d in s.scalars(q)
        ]


def revoke_device(sessions: sessionmaker[Session], *, device_id: uuid.UUID) -> None:
    with sessions.begin() as s:
        device = s.get(Device, device_id)
        if device is None:
            raise AdminError(f"ไม่พบเครื่อง {device_id} / no such device")
        if device.revoked_at is None:
            device.revoked_at = utcnow()


def allocate(
    sessions: sessionmaker[Session],
    *,
    province: str,
    fiscal_year: int,
    amount: str,
    ref_no: str = "",
    note: str = "",
) -> uuid.UUID:
    """Publish a budget allocation to a province (server-owned data: it reaches the office's desktops)."""
    st = get("budget_allocation")
    assert st is not None
    now = utcnow()
    row_id = new_id()
    row = {
        "id": row_id,
        "office_code": province,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "deleted": False,
        "server_seq": None,
        "fiscal_year": fiscal_year,
        "amount_satang": to_satang(amount),
        "ref_no": ref_no,
        "ref_date": date.today(),
        "note": note,
    }
    with sessions.begin() as s:
        _require_office(s, province)
        store.publish(
            s, table="budget_allocation", office_code=province, data=encode_row(st.table, row), by="central"
        )
    return row_id


@dataclass(frozen=True)
class PublishedRates:
    new: int
    changed: int
    unchanged: int


def publish_rates(sessions: sessionmaker[Session], *, text: str) -> PublishedRates:
    """Publish the centre's rate table (CSV, db.rules.rate_table) to every office: all of it or nothing.

    A rate already published with the same values is left alone; a changed one becomes its next version; rates
    the file no longer lists stay (older circulars still price the rounds held under them).
    """
    try:
        lines = read_rate_table(text)
    except RateTableError as exc:
        raise AdminError(f"ไฟล์อัตราไม่ถูกต้อง ไม่ได้เผยแพร่รายการใด:\n{exc}") from None
    st = get("rate")
    assert st is not None
    new = changed = unchanged = 0
    now = utcnow()
    with sessions.begin() as s:
        for line in lines:
            existing = s.get(SyncRow, ("rate", line.id))
            values = {
                "item": line.item,
                "training_type": line.training_type,
                "venue_type": line.venue_type,
                "unit": line.unit,
                "ceiling_satang": line.ceiling_satang,
                "effective_from": line.effective_from,
                "circular_ref": line.circular_ref,
                "uncertain": line.uncertain,
                "note": line.note,
            }
            encoded = encode_row(st.table, values)
            if existing is not None and not existing.deleted:
                if all(existing.data.get(k) == v for k, v in encoded.items()):
                    unchanged += 1
                    continue
                changed += 1
                created = existing.data.get("created_at")
            else:
                new += 1
                created = None
            row = {"id": line.id, "created_at": now, "updated_at": now, "version": 1, "deleted": False}
            row.update(values)
            row["server_seq"] = None
            row["office_code"] = CENTRAL_OFFICE
            data = encode_row(st.table, row)
            if created:
                data["created_at"] = created
            store.publish(s, table="rate", office_code=CENTRAL_OFFICE, data=data, by="central")
    return PublishedRates(new, changed, unchanged)
