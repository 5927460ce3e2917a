"""The province workbook's fixed layout (docs/workbook-format.md) and the plain data it carries.

Shared by the writer (desktop/reports/workbook.py) and the reader (db/exchange/workbook_reader.py),
so the two cannot drift apart. Money is integer satang; dates are real dates (Excel dates shown in BE; format
version 1 wrote them as BE text). The ``*_V1`` names are the version 1 layout, still read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

FORMAT_ID = "krukhor-province-workbook"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

SHEET_SUMMARY = "สรุป"
SHEET_ROUNDS = "รุ่นการอบรม"
SHEET_PEOPLE = "รายชื่อครู ข"
SHEET_EXPENSES = "ค่าใช้จ่าย"
SHEET_META = "_krukhor"  # hidden
SHEETS = (SHEET_SUMMARY, SHEET_ROUNDS, SHEET_PEOPLE, SHEET_EXPENSES, SHEET_META)

TOTAL_LABEL = "รวม"
BUDGET_LABEL = "งบประมาณ"
STATUS_BLOCK_LABEL = "รุ่นการอบรมตามสถานะ"
SUMMARY_HEADER_ROW = 3  # rows 1–2 are the title; data from row 4

# Every data sheet (format 2) starts with these columns, so the 76 provinces' sheets stack into one table.
PROVINCE_HEADERS = ("รหัสจังหวัด", "จังหวัด", "ปีงบประมาณ")
LEAD = len(PROVINCE_HEADERS)

SUMMARY_HEADERS_V1 = (
    "รหัสอำเภอ",
    "อำเภอ",
    "เป้าหมายครู ข (หมู่บ้าน)",
    "อบรมผ่านปีงบนี้",
    "อบรมผ่านสะสม",
    "ร้อยละของเป้าหมาย",
    "หมู่บ้านที่มีครู ข",
    "ยอดลงทะเบียนแรงงาน",
    "เป้าหมายลงทะเบียน",
    "ร้อยละของเป้าหมายลงทะเบียน",
)
BUDGET_LINES = (  # labels in column A of the budget block, in this order; the last two are formulas
    "งบประมาณที่ได้รับจัดสรร",
    "ค่าใช้จ่ายตามแผน",
    "ค่าใช้จ่ายจริง",
    "เบิกจ่ายแล้ว",
    "คงเหลือ",
    "ร้อยละการเบิกจ่าย",
)
ROUND_HEADERS_V1 = (
    "ปีงบประมาณ",
    "รุ่นที่",
    "ชื่อรุ่น",
    "วันเริ่ม",
    "วันสิ้นสุด",
    "สถานที่",
    "สถานะ",
    "จำนวนรับ",
    "ลงทะเบียน",
    "อบรมผ่าน",
    "ค่าใช้จ่ายตามแผน (บาท)",
    "ค่าใช้จ่ายจริง (บาท)",
    "เบิกจ่ายแล้ว (บาท)",
    "รหัสรุ่น",
)
PEOPLE_HEADERS_V1 = (
    "เลขประจำตัวประชาชน",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "ตำแหน่ง",
    "รหัสหมู่บ้าน",
    "หมู่บ้าน",
    "ตำบล",
    "อำเภอ",
    "รุ่นที่",
    "ผลการอบรม",
    "ยอดลงทะเบียนแรงงาน",
)
EXPENSE_HEADERS_V1 = ("รุ่นที่", "หมวดค่าใช้จ่าย", "ตามแผน (บาท)", "จริง (บาท)", "เบิกจ่ายแล้ว (บาท)")
SUMMARY_HEADERS = PROVINCE_HEADERS + SUMMARY_HEADERS_V1
ROUND_HEADERS = PROVINCE_HEADERS + ROUND_HEADERS_V1[1:]  # the round's fiscal year is the file's
PEOPLE_HEADERS = PROVINCE_HEADERS + PEOPLE_HEADERS_V1
EXPENSE_HEADERS = PROVINCE_HEADERS + EXPENSE_HEADERS_V1
BUDGET_VALUE_COLUMN = LEAD  # the budget block: label in A (merged over A–C), amount in D (merged D–E)
DATE_FORMAT = "[$-107041E]d mmm yyyy"  # an Excel date shown in the Thai (Buddhist) calendar: 9 ธ.ค. 2568
META_KEYS = ("format", "format_version", "province_code", "province_name", "fiscal_year", "generated_at")

STATUS_LABELS = {"planned": "วางแผน", "open": "เปิดรับสมัคร", "held": "จัดอบรมแล้ว", "closed": "ปิดรุ่น"}
COMPLETION_LABELS = {True: "ผ่าน", False: "ไม่ผ่าน", None: "รอผล"}


@dataclass(frozen=True)
class WorkbookMeta:
    format_version: int
    province_code: str
    province_name: str
    fiscal_year: int  # BE
    generated_at: datetime  # UTC


@dataclass(frozen=True)
class DistrictRow:
    code: str
    name: str
    target: int
    trained_year: int
    trained_to_date: int
    villages_covered: int
    registrations: int
    registration_target: int


@dataclass(frozen=True)
class BudgetRow:
    allocated_satang: int
    planned_satang: int
    actual_satang: int
    spent_satang: int

    @property
    def remaining_satang(self) -> int:
        return self.allocated_satang - self.spent_satang


@dataclass(frozen=True)
class RoundRow:
    fiscal_year: int
    number: int
    title: str
    start_date: date
    end_date: date
    venue: str
    status: str  # planned/open/held/closed (shown in Thai)
    capacity: int
    enrolled: int
    completed: int
    planned_satang: int
    actual_satang: int
    paid_satang: int
    round_id: str


@dataclass(frozen=True)
class PersonRow:
    national_id: str
    prefix: str
    first_name: str
    last_name: str
    position: str
    village_code: str
    village_name: str
    subdistrict: str
    district: str
    round_label: str  # "3/2570"
    completed: bool | None
    registrations: int


@dataclass(frozen=True)
class ExpenseRow:
    round_label: str
    category: str
    planned_satang: int
    actual_satang: int
    paid_satang: int


@dataclass(frozen=True)
class WorkbookData:
    meta: WorkbookMeta
    districts: tuple[DistrictRow, ...]
    budget: BudgetRow
    rounds: tuple[RoundRow, ...]
    people: tuple[PersonRow, ...]
    expenses: tuple[ExpenseRow, ...]


def be_text(d: date) -> str:
    """12/05/2567: the date as BE text, as Thai offices type it (DOMAIN.md)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"


def parse_be_text(text: str) -> date:
    day, month, year = (int(p) for p in text.strip().split("/"))
    return date(year - 543, month, day)
