"""phones: re-check stored numbers against libphonenumber's Thai metadata and report them; nothing is changed

Revision ID: 0009_phone_recheck
Revises: 0008_attendance_card_source
Create Date: 2026-12-03 17:20:00

"""

import logging
from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0009_phone_recheck"
down_revision: str | Sequence[str] | None = "0008_attendance_card_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("krukhor.migrations")


def _valid(stored: str) -> bool:
    try:
        return phonenumbers.is_valid_number_for_region(phonenumbers.parse(stored, "TH"), "TH")
    except phonenumbers.NumberParseException:
        return False


def upgrade() -> None:
    # Only a report: what a user typed is never erased; the officer corrects it in the person form.
    bind = op.get_bind()
    for table in ("person", "lecturer"):
        rows = bind.execute(sa.text(f"SELECT phone FROM {table} WHERE phone <> '' AND deleted = 0")).scalars()
        bad = sum(1 for phone in rows if not _valid(phone))
        if bad:
            log.warning("%s: %d stored phone numbers are not valid Thai numbers (kept as typed)", table, bad)


def downgrade() -> None:
    pass
