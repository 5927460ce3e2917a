"""Files that carry national IDs leave the program only with an audit entry saying who, when, what and where to."""

from __future__ import annotations

import uuid

from desktop.core import audit
from desktop.core.context import AppContext

EXPORT_ACTION = "export_national_ids"
EXPORT_ENTITY = "personal_data_export"
WHAT_TH = {
    "people_csv": "รายชื่อผู้เข้ารับการอบรม (CSV)",
    "registrations_csv": "ผลการลงทะเบียนรายบุคคล (CSV)",
    "workbook": "สมุดงานจังหวัด (.xlsx)",
    "roster_report": "ผลการตรวจสอบการนำเข้ารายชื่อ (.xlsx)",
}


def record_export(
    ctx: AppContext, *, what: str, destination: str, people: int, subject: uuid.UUID | None = None
) -> None:
    """Audit one export that contains ``people`` national IDs (PDPA: who took personal data out, and when).

    ``subject`` is what was exported when it has an id (a round, an import batch); otherwise each export is its
    own entity. The actor and the PC are the audit log's own (audit.record).
    """
    with ctx.transaction() as session:
        audit.record(
            session,
            ctx,
            office_code=ctx.require_office_code(),
            action=EXPORT_ACTION,
            entity=EXPORT_ENTITY,
            entity_id=subject or uuid.uuid4(),
            changes={"what": what, "destination": destination, "people": people},
            summary=f"ส่งออก{WHAT_TH[what]} มีเลขประจำตัวประชาชน {people} คน → {destination}",
        )
