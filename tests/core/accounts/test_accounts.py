"""Staff accounts: the first admin, roles and require(), sign-in, the throttle, and the audit naming the account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditEntry, StaffAccount
from desktop.core import audit
from desktop.core.accounts import passwords, signin, store
from desktop.core.accounts.permissions import require
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.errors import NotAllowedError, RuleViolation, ValidationError
from desktop.core.people import people
from tests.core.accounts.conftest import PASSWORD, STAFF
from tests.core.test_people import _input, _village


def test_a_database_without_accounts_works_as_before(ctx: AppContext) -> None:
    assert require(ctx, "accounts.manage") is None
    row = people.create_person(ctx, _input(village_id=_village(ctx)))
    assert people.get_person(ctx, row.id).first_name == "สมชาย"


def test_the_first_account_must_be_an_admin(ctx: AppContext) -> None:
    with pytest.raises(RuleViolation, match="บัญชีแรกของสำนักงานต้องมีบทบาทผู้ดูแลระบบ"):
        store.create_account(ctx, STAFF["officer"], password=PASSWORD)
    admin = store.create_account(ctx, STAFF["admin"], password=PASSWORD)
    assert admin.roles == frozenset({"admin"})
    with ctx.reading() as session:
        stored = session.scalar(select(StaffAccount.password_hash))
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in stored


def test_once_accounts_exist_changes_need_someone_signed_in(staffed: AppContext) -> None:
    village = _village(staffed)  # places are written without an audit entry of their own
    with pytest.raises(NotAllowedError) as err:
        people.create_person(staffed, _input(village_id=village))
    assert str(err.value) == "ต้องเข้าสู่ระบบด้วยบัญชีที่มีบทบาทเจ้าหน้าที่ก่อนจึงจะแก้ไขข้อมูลบุคคล วิทยากร และหมู่บ้านได้"
    assert people.list_people(staffed) == []  # nothing half-written


@pytest.mark.parametrize(
    ("user", "permission", "allowed"),
    [
        ("officer", "people.edit", True),
        ("officer", "print.attendance", True),
        ("officer", "spending.record", False),
        ("officer", "spending.approve", False),
        ("finance", "spending.record", True),
        ("finance", "print.payment", True),
        ("finance", "people.edit", False),
        ("finance", "spending.approve", False),
        ("approver", "spending.approve", True),
        ("approver", "spending.record", False),
        ("approver", "rates.edit", False),
        ("admin", "accounts.manage", True),
        ("admin", "rates.edit", True),
        ("admin", "settings.edit", True),
        ("admin", "people.edit", False),
    ],
)
def test_each_role_is_allowed_and_refused(
    staffed: AppContext, user: str, permission: str, allowed: bool
) -> None:
    signin.sign_in(staffed, user, password=PASSWORD)
    if allowed:
        assert require(staffed, permission).user_name == user
    else:
        with pytest.raises(NotAllowedError, match=f"^{STAFF[user].full_name} \\({user}\\) ไม่มีสิทธิ์"):
            require(staffed, permission)


def test_an_officer_records_people_and_the_audit_names_the_account_and_pc(staffed: AppContext) -> None:
    signin.sign_in(staffed, "officer", password=PASSWORD)
    row = people.create_person(staffed, _input(village_id=_village(staffed)))
    [entry] = audit.history(staffed, entity_id=row.id)
    assert (entry.user_name, entry.full_name) == ("officer", "นางสาวอรุณี ทำงาน")
    assert entry.who == "นางสาวอรุณี ทำงาน (officer)"
    assert entry.device_name == staffed.device_name and entry.device_name


def test_a_finance_user_cannot_edit_people_nor_an_officer_rates(staffed: AppContext) -> None:
    signin.sign_in(staffed, "finance", password=PASSWORD)
    with pytest.raises(NotAllowedError, match="ไม่มีสิทธิ์แก้ไขข้อมูลบุคคล"):
        people.create_person(staffed, _input(village_id=_village(staffed)))


def test_wrong_passwords_are_refused_then_slowed_never_locked_for_good(staffed: AppContext) -> None:
    t0 = 1_000_000.0
    for i in range(passwords.FREE_ATTEMPTS):
        with pytest.raises(signin.SignInRefused, match=r"^ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง$"):
            signin.authenticate(staffed, "officer", password="wrong-password", now=t0 + i)
    last = t0 + passwords.FREE_ATTEMPTS - 1
    with pytest.raises(signin.SignInRefused, match="กรุณารอ 2 วินาที") as err:
        signin.authenticate(staffed, "officer", password=PASSWORD, now=last + 0.5)  # even the right one waits
    assert err.value.wait_s == pytest.approx(1.5)
    with pytest.raises(signin.SignInRefused, match="ไม่ถูกต้อง"):
        signin.authenticate(staffed, "officer", password="wrong-again", now=last + 2.1)
    assert signin.wait_left(staffed, "officer", now=last + 2.1) == pytest.approx(4.0)
    assert signin.wait_left(staffed, "officer", now=last + 2.1 + 10_000) == 0  # the wait is capped
    who = signin.authenticate(staffed, "officer", password=PASSWORD, now=last + 2.1 + 4.0)
    assert who.user_name == "officer"
    assert signin.wait_left(staffed, "officer", now=last + 10) == 0  # a success clears the count
    assert passwords.throttle_wait(50, last_failure=0.0, now=0.0) == passwords.MAX_DELAY_S


def test_unknown_user_and_disabled_account_are_refused(staffed: AppContext) -> None:
    with pytest.raises(signin.SignInRefused, match=r"^ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง$"):
        signin.authenticate(staffed, "nobody", password=PASSWORD)
    signin.sign_in(staffed, "admin", password=PASSWORD)
    store.set_active(staffed, "finance", active=False)
    with pytest.raises(signin.SignInRefused, match="บัญชี นางการะเกด เงินดี \\(finance\\) ถูกระงับการใช้งานแล้ว"):
        signin.authenticate(staffed, "finance", password=PASSWORD)
    with pytest.raises(RuleViolation, match="ระงับบัญชีของตนเองไม่ได้"):
        store.set_active(staffed, "admin", active=False)


def test_a_signed_in_account_disabled_meanwhile_stops_at_its_next_operation(staffed: AppContext) -> None:
    signin.sign_in(staffed, "officer", password=PASSWORD)
    with staffed.transaction() as session:  # as a pulled change from another PC would
        session.scalars(select(StaffAccount).where(StaffAccount.user_name == "officer")).one().active = False
    with pytest.raises(NotAllowedError, match="ถูกระงับการใช้งานแล้ว"):
        people.create_person(staffed, _input(village_id=_village(staffed)))


def test_admin_reset_means_change_at_next_sign_in(staffed: AppContext) -> None:
    signin.sign_in(staffed, "officer", password=PASSWORD)
    with pytest.raises(NotAllowedError, match="ไม่มีสิทธิ์จัดการบัญชีผู้ใช้"):
        store.reset_password(staffed, "finance", new_password="temporary-1")
    signin.sign_in(staffed, "admin", password=PASSWORD)
    store.reset_password(staffed, "officer", new_password="temporary-1")
    who = signin.sign_in(staffed, "officer", password="temporary-1")
    assert who.must_change_password
    with pytest.raises(ValidationError, match="รหัสผ่านเดิมไม่ถูกต้อง"):
        store.change_own_password(staffed, old_password="nope", new_password="my-own-pass-1")
    with pytest.raises(ValidationError, match="อย่างน้อย 8"):
        store.change_own_password(staffed, old_password="temporary-1", new_password="short")
    store.change_own_password(staffed, old_password="temporary-1", new_password="my-own-pass-1")
    assert not staffed.account.must_change_password
    assert not signin.authenticate(staffed, "officer", password="my-own-pass-1").must_change_password


def test_no_password_nor_hash_in_the_audit_log(staffed: AppContext) -> None:
    signin.sign_in(staffed, "admin", password=PASSWORD)
    store.reset_password(staffed, "officer", new_password="temporary-1")
    with staffed.reading() as session:
        hashes = list(session.scalars(select(StaffAccount.password_hash)))
        text = " ".join(f"{e.changes} {e.summary}" for e in session.scalars(select(AuditEntry)))
    for secret in (PASSWORD, "temporary-1", *hashes, "$argon2"):
        assert secret not in text


def test_account_input_is_checked_in_thai(staffed: AppContext) -> None:
    signin.sign_in(staffed, "admin", password=PASSWORD)
    with pytest.raises(ValidationError) as err:
        store.create_account(
            staffed, AccountInput("Officer", "", ("boss",), national_id="1234"), password="short"
        )
    assert set(err.value.errors) == {"user_name", "full_name", "roles", "national_id"}
    assert "มีอยู่แล้ว" in err.value.errors["user_name"]
    assert [a.user_name for a in store.list_accounts(staffed)] == ["admin", "approver", "finance", "officer"]
