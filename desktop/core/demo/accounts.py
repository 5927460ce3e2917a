"""The demo office's staff: one account per role, with the passwords the README lists (demo data only)."""

from __future__ import annotations

from desktop.core.accounts import signin, store
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.demo.budget import APPROVER, PAYER

# user name → (account, password). The approver and the finance officer are the names the demo budget used.
DEMO_ACCOUNTS: dict[str, tuple[AccountInput, str]] = {
    "admin": (AccountInput("admin", "นายธนากร ดูแลระบบ", ("admin",), "นักวิชาการคอมพิวเตอร์"), "demo-admin-1"),
    "officer": (
        AccountInput("officer", "นางสาวอรุณี ทำงานดี", ("officer",), "นักวิชาการแรงงาน"),
        "demo-officer-1",
    ),
    "finance": (AccountInput("finance", PAYER, ("finance",), "เจ้าพนักงานการเงินและบัญชี"), "demo-finance-1"),
    "approver": (AccountInput("approver", APPROVER, ("approver",), "แรงงานจังหวัดขอนแก่น"), "demo-approver-1"),
}


def create_demo_accounts(ctx: AppContext) -> list[str]:
    """Add the demo accounts to a database that has none (the admin first, who then adds the others)."""
    names = []
    for user, (data, password) in DEMO_ACCOUNTS.items():
        store.create_account(ctx, data, password=password)
        names.append(user)
        if user == "admin":
            signin.sign_in(ctx, "admin", password=password)
    signin.sign_out(ctx)
    return names
