"""The four steps a new office takes, and whether each is done (the dashboard's checklist)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from db.models import Person, TrainingRound
from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client


@dataclass(frozen=True)
class Step:
    key: str  # office, roster, round, device
    label: str
    hint: str
    done: bool


def first_run_steps(ctx: AppContext) -> list[Step]:
    code = ctx.require_office_code()
    own = office.get_office(ctx)
    office_done = bool(own and own.name_th.strip() and own.address.strip() and own.head_name.strip())
    with ctx.reading() as session:
        people = session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.office_code == code, Person.deleted.is_(False))
        )
        rounds = session.scalar(
            select(func.count())
            .select_from(TrainingRound)
            .where(TrainingRound.office_code == code, TrainingRound.deleted.is_(False))
        )
    enrolled = sync_client.status(ctx).enrolled
    return [
        Step("office", "ตั้งค่าสำนักงาน", "ชื่อ ที่อยู่ และหัวหน้าสำนักงาน ที่พิมพ์บนเอกสาร", office_done),
        Step(
            "roster",
            "นำเข้ารายชื่อจากกรมการปกครอง",
            "ไฟล์ Excel หรือ CSV รายชื่อกำนัน ผู้ใหญ่บ้าน และผู้นำชุมชน",
            bool(people),
        ),
        Step("round", "วางแผนรุ่นแรก", "วันที่ สถานที่ และอำเภอที่รุ่นรับผิดชอบ", bool(rounds)),
        Step("device", "ลงทะเบียนเครื่องกับเซิร์ฟเวอร์", "ใช้รหัสลงทะเบียนจากผู้ดูแลระบบ เพื่อส่งข้อมูลให้ส่วนกลาง", enrolled),
    ]
