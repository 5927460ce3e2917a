"""Creating, listing, disabling accounts and setting passwords (admin work, audited; never a password in it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry, StaffAccount
from db.models.sync import SyncOutbox
from db.rules.national_id import national_id_problem, normalize_national_id
from db.sync import local as sync_local
from db.sync.naturalkeys import NAME_TAKEN
from desktop.core import audit
from desktop.core.accounts.passwords import hash_password, password_problem
from desktop.core.accounts.permissions import accounts_exist, require
from desktop.core.accounts.roles import ROLE_LABELS, ROLES, parse_roles, roles_label
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError

ENTITY = "staff_account"
_USER_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


@dataclass(frozen=True)
class AccountInput:
    user_name: str
    full_name: str
    roles: tuple[str, ...]
    position: str = ""
    national_id: str = ""


@dataclass(frozen=True)
class AccountRow:
    id: uuid.UUID
    user_name: str
    full_name: str
    position: str
    national_id: str
    roles: frozenset[str]
    active: bool
    must_change_password: bool
    name_refused: bool = False  # the server gave the user name to another account: rename this one

    @property
    def roles_label(self) -> str:
        return roles_label(self.roles)


def _row(a: StaffAccount, *, name_refused: bool = False) -> AccountRow:
    return AccountRow(
        a.id,
        a.user_name,
        a.full_name,
        a.position,
        a.national_id,
        parse_roles(a.roles),
        a.active,
        a.must_change_password,
        name_refused,
    )


def _refused_ids(session: Session, ids: list[uuid.UUID]) -> set[str]:
    """Of these accounts, those a change of which the server refused because another account holds the name."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(SyncOutbox.row_id).where(
                SyncOutbox.table_name == ENTITY,
                SyncOutbox.row_id.in_([i.hex for i in ids]),
                SyncOutbox.state == "failed",
                SyncOutbox.error.contains(NAME_TAKEN),
            )
        )
    )


def candidates(session: Session, user_name: str) -> list[StaffAccount]:
    """The live accounts of that user name (case ignored). One, unless two PCs gave the name offline: then the
    one holding it comes first (the server refused the other, or never saw it), the oldest among equals."""
    found = list(
        session.scalars(
            select(StaffAccount).where(
                func.lower(StaffAccount.user_name) == user_name.strip().lower(),
                StaffAccount.deleted.is_(False),
            )
        )
    )
    if len(found) < 2:
        return found
    refused = _refused_ids(session, [a.id for a in found])
    return sorted(
        found, key=lambda a: (a.id.hex in refused, a.server_seq is None, not a.active, a.created_at)
    )


def find(session: Session, user_name: str) -> StaffAccount | None:
    """The account that holds the user name (see candidates)."""
    found = candidates(session, user_name)
    return found[0] if found else None


def name_refused(session: Session, account: StaffAccount) -> bool:
    """The server gave this account's user name to another account of the office: it must be renamed."""
    return bool(_refused_ids(session, [account.id])) or find(session, account.user_name) is not account


def must_rename(ctx: AppContext, account_id: uuid.UUID) -> bool:
    """Whether the server gave this account's user name to another account (see name_refused)."""
    with ctx.reading() as session:
        account = session.get(StaffAccount, account_id)
        return account is not None and not account.deleted and name_refused(session, account)


def _user_name_problem(session: Session, user: str) -> str | None:
    if not user or len(user) > 50 or not set(user) <= _USER_CHARS:
        return "ชื่อผู้ใช้ต้องเป็นอักษรอังกฤษตัวเล็ก ตัวเลข . _ หรือ - ไม่เกิน 50 ตัว"
    if (other := find(session, user)) is not None:
        return f"ชื่อผู้ใช้ {user} มีอยู่แล้ว ({other.full_name})"
    return None


def _validate(session: Session, data: AccountInput) -> tuple[str, str]:
    errors: dict[str, str] = {}
    user = data.user_name.strip().lower()
    if problem := _user_name_problem(session, user):
        errors["user_name"] = problem
    if not data.full_name.strip():
        errors["full_name"] = "กรุณากรอกชื่อ-นามสกุล"
    unknown = [r for r in data.roles if r not in ROLE_LABELS]
    if unknown or not data.roles:
        errors["roles"] = f"บทบาทต้องเป็น {', '.join(ROLES)} อย่างน้อยหนึ่งบทบาท"
    nid = ""
    if data.national_id.strip():
        nid = normalize_national_id(data.national_id)
        if problem := national_id_problem(nid):
            errors["national_id"] = problem
    if errors:
        raise ValidationError(errors)
    return user, nid


def create_account(
    ctx: AppContext, data: AccountInput, *, password: str, must_change_password: bool = False
) -> AccountRow:
    """Add an account. The first one of a database must be an admin, and needs no one signed in."""
    office_code = ctx.require_office_code()
    with ctx.transaction() as session:
        first = not accounts_exist(session)
        if first and "admin" not in data.roles:
            raise RuleViolation("บัญชีแรกของสำนักงานต้องมีบทบาทผู้ดูแลระบบ (admin)")
        if not first:
            require(ctx, "accounts.manage", session=session)
        user, nid = _validate(session, data)
        if problem := password_problem(password, user_name=user):
            raise ValidationError({"password": problem})
        account = StaffAccount(
            office_code=office_code,
            user_name=user,
            full_name=" ".join(data.full_name.split()),
            position=data.position.strip(),
            national_id=nid,
            roles=",".join(r for r in ROLES if r in data.roles),
            active=True,
            must_change_password=must_change_password,
            password_hash=hash_password(password),
        )
        session.add(account)
        session.flush()
        _audit(
            session,
            ctx,
            account,
            "create",
            {
                "user_name": [None, account.user_name],
                "full_name": [None, account.full_name],
                "position": [None, account.position],
                "roles": [None, account.roles],
            },
            f"สร้างบัญชีผู้ใช้ {account.full_name} ({account.user_name}) บทบาท{roles_label(parse_roles(account.roles))}",
        )
        return _row(account)


def list_accounts(ctx: AppContext) -> list[AccountRow]:
    require(ctx, "accounts.manage")
    with ctx.reading() as session:
        return [
            _row(a, name_refused=name_refused(session, a))
            for a in session.scalars(
                select(StaffAccount).where(StaffAccount.deleted.is_(False)).order_by(StaffAccount.user_name)
            )
        ]


def _load(session: Session, which: str | uuid.UUID) -> StaffAccount:
    """An account by id (the screens: two PCs may have made the same name) or by user name (the command line)."""
    if isinstance(which, uuid.UUID):
        account = session.get(StaffAccount, which)
        account = None if account is None or account.deleted else account
    else:
        account = find(session, which)
    if account is None:
        raise NotFoundError(f"ไม่พบบัญชีผู้ใช้ {which}")
    return account


def rename_account(ctx: AppContext, account_id: uuid.UUID, *, new_user_name: str) -> AccountRow:
    """Give an account another user name: an admin may; so may its owner when the server refused the name.

    A refused change of it waiting on the sync page is sent again with the new name at the next sync."""
    with ctx.transaction() as session:
        account = _load(session, account_id)
        own = ctx.account is not None and ctx.account.account_id == account.id
        if not (own and name_refused(session, account)):
            require(ctx, "accounts.manage", session=session)
        old = account.user_name
        new = new_user_name.strip().lower()
        if new == old:
            raise ValidationError({"user_name": "ชื่อผู้ใช้ใหม่ต้องไม่เหมือนชื่อเดิม"})
        if problem := _user_name_problem(session, new):
            raise ValidationError({"user_name": problem})
        account.user_name = new
        session.flush()
        _audit(
            session,
            ctx,
            account,
            "rename",
            {"user_name": [old, new]},
            f"เปลี่ยนชื่อผู้ใช้ของ {account.full_name} จาก {old} เป็น {new}",
        )
        failed = list(
            session.scalars(
                select(SyncOutbox.id).where(
                    SyncOutbox.table_name == ENTITY,
                    SyncOutbox.row_id == account.id.hex,
                    SyncOutbox.state == "failed",
                )
            )
        )
        if failed:
            sync_local.retry_failed(session.connection(), failed)
        row = _row(account)
    if own and ctx.account is not None:
        ctx.account = replace(ctx.account, user_name=new)
        ctx.user_name = new
    return row


def rename_by_name(ctx: AppContext, user_name: str, *, new_user_name: str) -> AccountRow:
    """rename_account for the command line: of two accounts of one name, the one the server refused."""
    with ctx.reading() as session:
        found = candidates(session, user_name)
        if not found:
            raise NotFoundError(f"ไม่พบบัญชีผู้ใช้ {user_name}")
        target = next((a for a in found if name_refused(session, a)), found[0])
        account_id = target.id
    return rename_account(ctx, account_id, new_user_name=new_user_name)


def former_names(session: Session, account_id: uuid.UUID) -> set[str]:
    """The user names an account has had (the audit of its renames) and has now."""
    account = session.get(StaffAccount, account_id)
    names = {account.user_name} if account is not None else set()
    for changes in session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.entity == ENTITY, AuditEntry.entity_id == account_id, AuditEntry.action == "rename"
        )
    ):
        old = (changes or {}).get("user_name") or [None]
        if isinstance(old[0], str):
            names.add(old[0])
    return names


def set_active(ctx: AppContext, user_name: str | uuid.UUID, *, active: bool) -> AccountRow:
    with ctx.transaction() as session:
        who = require(ctx, "accounts.manage", session=session)
        account = _load(session, user_name)
        if not active and who is not None and who.account_id == account.id:
            raise RuleViolation(f"{who.label} ระงับบัญชีของตนเองไม่ได้ ให้ผู้ดูแลระบบคนอื่นทำ")
        if (
            not active
            and "admin" in parse_roles(account.roles)
            and _active_admins(session) <= 1
            and account.active
        ):
            raise RuleViolation(f"{account.full_name} เป็นผู้ดูแลระบบคนสุดท้าย จึงระงับบัญชีไม่ได้")
        if account.active != active:
            account.active = active
            verb = "เปิดใช้" if active else "ระงับ"
            _audit(
                session,
                ctx,
                account,
                "update",
                {"active": [not active, active]},
                f"{verb}บัญชีผู้ใช้ {account.full_name} ({account.user_name})",
            )
        return _row(account)


def _active_admins(session: Session) -> int:
    return sum(
        "admin" in parse_roles(r)
        for r in session.scalars(
            select(StaffAccount.roles).where(StaffAccount.deleted.is_(False), StaffAccount.active.is_(True))
        )
    )


def reset_password(ctx: AppContext, user_name: str | uuid.UUID, *, new_password: str) -> AccountRow:
    """An admin sets a temporary password; its owner must change it at the next sign-in."""
    with ctx.transaction() as session:
        require(ctx, "accounts.manage", session=session)
        account = _load(session, user_name)
        if problem := password_problem(new_password, user_name=account.user_name):
            raise ValidationError({"password": problem})
        account.password_hash = hash_password(new_password)
        account.must_change_password = True
        _audit(
            session,
            ctx,
            account,
            "reset_password",
            {"must_change_password": [None, True]},
            f"ตั้งรหัสผ่านใหม่ให้ {account.full_name} ({account.user_name})",
        )
        return _row(account)


def change_own_password(ctx: AppContext, *, old_password: str, new_password: str) -> None:
    """The signed-in person changes their own password (the old one is asked again)."""
    from desktop.core.accounts.passwords import verify_password

    who = ctx.account
    if who is None:
        raise RuleViolation("ต้องเข้าสู่ระบบก่อนจึงจะเปลี่ยนรหัสผ่านได้")
    with ctx.transaction() as session:
        account = session.get(StaffAccount, who.account_id)
        if account is None or account.deleted or not account.active:
            raise RuleViolation(f"บัญชี {who.label} ถูกระงับการใช้งานแล้ว")
        if not verify_password(account.password_hash, old_password):
            raise ValidationError({"old_password": "รหัสผ่านเดิมไม่ถูกต้อง"})
        if old_password == new_password:
            raise ValidationError({"password": "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม"})
        if problem := password_problem(new_password, user_name=account.user_name):
            raise ValidationError({"password": problem})
        account.password_hash = hash_password(new_password)
        account.must_change_password = False
        _audit(session, ctx, account, "change_password", {}, f"{account.full_name} เปลี่ยนรหัสผ่านของตนเอง")
    ctx.account = replace(who, must_change_password=False)


def _audit(
    session: Session, ctx: AppContext, account: StaffAccount, action: str, changes: dict, summary: str
) -> None:
    # Never the password nor its hash: the audit log syncs as text.
    audit.record(
        session,
        ctx,
        office_code=account.office_code,
        action=action,
        entity=ENTITY,
        entity_id=account.id,
        changes=changes,
        summary=summary,
        permission=None,  # checked above (the first account and a change of one's own password need none)
    )
