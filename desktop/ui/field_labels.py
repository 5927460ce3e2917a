"""Thai names of stored columns, for the screens that show a change field by field (history, sync conflicts)."""

from __future__ import annotations

FIELD_LABELS = {
    "prefix": "คำนำหน้า",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "name_original": "ชื่อตามที่เขียนมา",  # from the roster file, or typed in the form
    "national_id": "เลขประจำตัวประชาชน",
    "position": "ตำแหน่ง",
    "phone": "โทรศัพท์",
    "note": "หมายเหตุ",
    "village_id": "หมู่บ้าน",
    "code": "รหัส",
    "name_th": "ชื่อ",
    "moo": "หมู่ที่",
    "status": "สถานะ",
    "completed": "ผ่านการอบรม",
    "title": "ชื่อรุ่น",
    "venue": "สถานที่",
    "capacity": "จำนวนที่รับ",
    "start_date": "วันเริ่ม",
    "end_date": "วันสิ้นสุด",
    "amount_satang": "จำนวนเงิน",
    "deleted": "ถูกลบ",
    "address": "ที่อยู่",
    "head_name": "ชื่อหัวหน้าสำนักงาน",
    "birth_date": "วันเกิด",
    "house_no": "บ้านเลขที่",
    "address_street": "ตรอก/ซอย/ถนน",
    "address_moo": "หมู่ที่ (ที่อยู่)",
    "address_subdistrict": "ตำบล (ที่อยู่)",
    "address_district": "อำเภอ (ที่อยู่)",
    "address_province": "จังหวัด (ที่อยู่)",
}


def field_label(name: str) -> str:
    """The Thai name of a column; a column without one is shown as stored."""
    return FIELD_LABELS.get(name, name)
