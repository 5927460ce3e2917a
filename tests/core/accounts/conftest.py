"""Accounts for the core tests: one per role, passwords known (ADMIN is the first account of the office)."""

from __future__ import annotations

import pytest

from desktop.core.accounts import signin, store
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext

PASSWORD = "rahat-lab-2569"
STAFF = {
    "admin": AccountInput("admin", "นายอดิศร ผู้ดูแล", ("admin",), "นักวิชาการคอมพิวเตอร์", "1101700000010"),
    "officer": AccountInput("officer", "นางสาวอรุณี ทำงาน", ("officer",), "นักวิชาการแรงงาน", "3100600000013"),
    "finance": AccountInput("finance", "นางการะเกด เงินดี", ("finance",), "เจ้าพนักงานการเงิน", "1409900000018"),
    "approver": AccountInput("approver", "นายอำนาจ อนุมัติ", ("approver",), "แรงงานจังหวัด", "1401100000016"),
}


@pytest.fixture
def staffed(ctx: AppContext) -> AppContext:
    """ctx with one account per role, nobody signed in."""
    store.create_account(ctx, STAFF["admin"], password=PASSWORD)
    signin.sign_in(ctx, "admin", password=PASSWORD)
    for name in ("officer", "finance", "approver"):
        store.create_account(ctx, STAFF[name], password=PASSWORD)
    signin.sign_out(ctx)
    return ctx
