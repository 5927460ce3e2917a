"""The roles an account may hold and what each permits (one table, read by require() and by the screens)."""

from __future__ import annotations

from db.rules.staff_roles import ADMIN, APPROVER, FINANCE, OFFICER, ROLE_LABELS, ROLES

__all__ = ["ADMIN", "APPROVER", "FINANCE", "OFFICER", "PERMISSIONS", "ROLES", "ROLE_LABELS"]

# permission → (what it is, in a Thai sentence fragment, roles that hold it)
PERMISSIONS: dict[str, tuple[str, frozenset[str]]] = {
    "people.edit": ("แก้ไขข้อมูลบุคคล วิทยากร และหมู่บ้าน", frozenset({OFFICER})),
    "rounds.edit": ("แก้ไขรุ่นการอบรม การรับสมัคร และการเข้าอบรม", frozenset({OFFICER})),
    "roster.import": ("นำเข้าหรือยกเลิกการนำเข้ารายชื่อ", frozenset({OFFICER})),
    "registrations.import": ("นำเข้าข้อมูลการลงทะเบียน", frozenset({OFFICER})),
    "print.attendance": ("พิมพ์แบบลงทะเบียนและเกียรติบัตร", frozenset({OFFICER})),
    "print.payment": ("พิมพ์ใบสำคัญรับเงินและหลักฐานการจ่ายเงิน", frozenset({FINANCE})),
    "export.personal": ("ส่งออกข้อมูลที่มีข้อมูลส่วนบุคคล", frozenset({OFFICER, FINANCE, APPROVER, ADMIN})),
    "spending.record": ("บันทึกค่าใช้จ่ายและการจ่ายเงิน", frozenset({FINANCE})),
    "spending.approve": ("อนุมัติหรือปลดล็อกการใช้จ่าย และอนุมัติการเบิกเกินเพดาน", frozenset({APPROVER})),
    "rates.edit": ("แก้ไขอัตราค่าใช้จ่ายและงบประมาณที่ได้รับจัดสรร", frozenset({ADMIN})),
    "settings.edit": ("แก้ไขการตั้งค่าสำนักงาน", frozenset({ADMIN})),
    "accounts.manage": ("จัดการบัญชีผู้ใช้", frozenset({ADMIN})),
    "sync.enrol": ("ลงทะเบียนเครื่องกับเซิร์ฟเวอร์กลาง", frozenset({ADMIN})),
    "sync.run": ("ซิงก์ข้อมูลกับเซิร์ฟเวอร์กลาง", frozenset({OFFICER, FINANCE, APPROVER, ADMIN})),
    "key.show": ("ดูกุญแจกู้คืนฐานข้อมูล", frozenset({ADMIN})),
}


def roles_label(roles: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(ROLE_LABELS[r] for r in ROLES if r in roles)


def parse_roles(text: str) -> frozenset[str]:
    return frozenset(r for r in (p.strip() for p in text.split(",")) if r in ROLE_LABELS)


def allowed(roles: frozenset[str], permission: str) -> bool:
    return bool(roles & PERMISSIONS[permission][1])
