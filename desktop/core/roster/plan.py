"""The import preview: every source row classified as new, updated, unchanged, rejected or skipped."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from db.models import District, Person, Province, Subdistrict, Village
from db.rules.errors import RuleError
from db.rules.national_id import national_id_problem, normalize_national_id
from db.rules.thai_dates import parse_be_date
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, ValidationError
from desktop.core.gcpause import gc_paused
from desktop.core.roster.header import (
    FIELD_LABELS,
    Layout,
    choose_layout,
    mapping_problems,
    mapping_with,
    match_field,
)
from desktop.core.roster.normalise import (
    canonical_prefix,
    clean_text,
    full_position,
    parse_moo,
    parse_phone,
    place_key,
    place_name,
    split_name,
    split_prefix,
)
from desktop.core.roster.reader import Sheet, SourceRow, column_letter, read_sheet

_T = TypeVar("_T")
OUTCOMES = ("new", "updated", "unchanged", "rejected", "skipped")
OUTCOME_LABELS = {
    "new": "เพิ่มใหม่",
    "updated": "แก้ไข",
    "unchanged": "ไม่เปลี่ยนแปลง",
    "rejected": "ไม่รับ",
    "skipped": "ข้าม",
}
# Person fields an import sets, compared for "updated"; a blank cell never erases a stored value.
PERSON_FIELDS = ("prefix", "first_name", "last_name", "position", "phone")
CHANGE_LABELS = {
    "prefix": "คำนำหน้า",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "position": "ตำแหน่ง",
    "phone": "โทรศัพท์",
    "village": "หมู่บ้าน",
    "deleted": "สถานะ",
}
_FOOTER_RE = re.compile(r"^(?:รวม|ทั้งสิ้น|ทั้งหมด|หมายเหตุ|ลงชื่อ|ลงนาม|ผู้จัดทำ|ผู้รับรอง|ผู้ตรวจ|ตรวจสอบ|ข้อมูล ณ|ที่มา|\*)")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a tenth of a national list's preview
class RowOutcome:
    """One source row's outcome, for the preview table and the outcome report."""

    row: int  # the spreadsheet's own row number (1-based)
    outcome: str  # one of OUTCOMES
    national_id: str = ""
    name: str = ""
    place: str = ""
    reason: str = ""  # Thai; for rejected and skipped rows
    changes: tuple[FieldChange, ...] = ()

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]


@dataclass(slots=True)
class PlaceToCreate:
    kind: str  # district, subdistrict, village
    code: str
    name: str
    parent_code: str
    moo: int | None = None

    @property
    def label(self) -> str:
        word = {"district": "อ.", "subdistrict": "ต.", "village": "ม."}[self.kind]
        if self.kind == "village":
            return f"ม.{self.moo} {self.name}".strip() + f" (รหัส {self.code})"
        return f"{word}{self.name} (รหัส {self.code})"


@dataclass
class ImportPlan:
    """What an import would do; apply_plan() carries it out. Plain data, safe to hand to the UI."""

    file_name: str
    sheet_name: str
    office_code: str
    layout: Layout
    rows: list[RowOutcome]
    places: list[PlaceToCreate]
    creates: list[dict] = field(default_factory=list, repr=False)
    updates: list[dict] = field(default_factory=list, repr=False)
    source_rows: list[SourceRow] = field(default_factory=list, repr=False)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for r in self.rows:
            counts[r.outcome] += 1
        return counts

    @property
    def rejected(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.outcome == "rejected"]

    def summary_line(self) -> str:
        c = self.counts
        return (
            f"{self.file_name}: เพิ่มใหม่ {c['new']:,} แก้ไข {c['updated']:,} ไม่เปลี่ยนแปลง {c['unchanged']:,} "
            f"ไม่รับ {c['rejected']:,} ข้าม {c['skipped']:,} (หมู่บ้านใหม่ "
            f"{sum(p.kind == 'village' for p in self.places):,})"
        )


class _Reject(Exception):
    def __init__(self, fld: str, message: str) -> None:
        super().__init__(message)
        self.field = fld
        self.message = message


@dataclass(slots=True)
class _Stored:
    id_hex: str  # as stored; a UUID is made only for the few people an import updates
    office_code: str
    prefix: str
    first_name: str
    last_name: str
    position: str
    phone: str
    village_code: str
    deleted: bool
    version: int


class MappingError(ValidationError):
    """The column mapping cannot be used; ``errors`` maps each field to its Thai message, and ``layout``
    is the layout as it stands, so the officer can fix it."""

    def __init__(self, errors: dict[str, str], *, layout: Layout, file_name: str) -> None:
        super().__init__(errors)
        self.layout = layout
        self.message = f"ไฟล์ {file_name}: การจับคู่คอลัมน์ยังใช้ไม่ได้ — " + "; ".join(
            f"{FIELD_LABELS.get(f, f)}: {m}" for f, m in errors.items()
        )
        self.args = (self.message,)


def preview_import(
    ctx: AppContext,
    *,
    path: Path | str,
    sheet: str | None = None,
    mapping: dict[str, int] | None = None,
    header_row: int | None = None,
) -> ImportPlan:
    """Read the file and classify every row; changes nothing.

    ``header_row`` (the spreadsheet's row number) and ``mapping`` (field → 0-based column index, see
    header.FIELD_LABELS) override the header row and the columns the import finds by itself.
    """
    return preview_sheet(ctx, sheet=read_sheet(path, sheet=sheet), mapping=mapping, header_row=header_row)


def preview_sheet(
    ctx: AppContext, *, sheet: Sheet, mapping: dict[str, int] | None = None, header_row: int | None = None
) -> ImportPlan:
    """preview_import for a sheet already read (the import page re-plans without reading the file again)."""
    return plan_import(
        ctx, sheet=sheet, layout=choose_layout(ctx, sheet, header_row=header_row, mapping=mapping)
    )


def preview_with_overrides(
    ctx: AppContext,
    *,
    path: Path | str,
    sheet: str | None = None,
    header_row: int | None = None,
    overrides: list[str] | None = None,
) -> ImportPlan:
    """preview_import with the mapping found (or remembered) changed by "field=COL" items (the CLI's --map)."""
    data = read_sheet(path, sheet=sheet)
    mapping = None
    if overrides:
        mapping = mapping_with(choose_layout(ctx, data, header_row=header_row).mapping, overrides)
    return preview_sheet(ctx, sheet=data, mapping=mapping, header_row=header_row)


def sheet_of(plan: ImportPlan) -> Sheet:
    """The sheet a plan was made from, to plan it again with another mapping."""
    return Sheet(plan.sheet_name, plan.source_rows, plan.file_name)


def plan_import(ctx: AppContext, *, sheet: Sheet, layout: Layout) -> ImportPlan:
    """Classify every row below the header against the database; changes nothing."""
    problems = mapping_problems(layout.mapping, layout.headers)
    if problems:
        raise MappingError(problems, layout=layout, file_name=sheet.file_name)
    office_code = ctx.require_office_code()
    with ctx.reading() as session, gc_paused():
        planner = _Planner(session, office_code=office_code, sheet=sheet, layout=layout)
        rows = [planner.classify(r) for r in sheet.rows[layout.data_start_index :]]
    return ImportPlan(
        file_name=sheet.file_name,
        sheet_name=sheet.name,
        office_code=office_code,
        layout=layout,
        rows=rows,
        places=planner.new_places,
        creates=planner.creates,
        updates=planner.updates,
        source_rows=sheet.rows,
    )


class _Planner:
    """Holds the database snapshot and the file's state (IDs seen, places to create) while rows go by."""

    def __init__(self, session: Session, *, office_code: str, sheet: Sheet, layout: Layout) -> None:
        self.office_code = office_code
        self.file_name = sheet.file_name
        self.layout = layout
        self.mapping = layout.mapping
        self.seen: dict[str, int] = {}
        self.creates: list[dict] = []
        self.updates: list[dict] = []
        self.new_places: list[PlaceToCreate] = []
        self._planned: dict[str, str] = {}  # code → name of places this file will create
        province = session.scalar(select(Province).where(Province.code == office_code))
        self.province_name = province.name_th if province else office_code
        self.province_names = {
            place_key(n): c for c, n in session.execute(select(Province.code, Province.name_th))
        }
        # districts: by key of name in this province; by code; names in other provinces
        self.district_by_key: dict[str, str] = {}
        self.district_name: dict[str, str] = {}
        self.other_district: dict[str, str] = {}
        for code, name, prov_code, prov_name in session.execute(
            select(District.code, District.name_th, Province.code, Province.name_th)
            .join(Province, District.province_id == Province.id)
            .where(District.deleted.is_(False))
        ):
            if prov_code == office_code:
                self.district_by_key.setdefault(place_key(name), code)
                self.district_name[code] = name
            else:
                self.other_district.setdefault(place_key(name), prov_name)
        self.sub_by_key: dict[tuple[str, str], str] = {}
        self.sub_name: dict[str, str] = {}
        for code, name, d_code in session.execute(
            select(Subdistrict.code, Subdistrict.name_th, District.code)
            .join(District, Subdistrict.district_id == District.id)
            .where(Subdistrict.office_code == office_code, Subdistrict.deleted.is_(False))
        ):
            self.sub_by_key.setdefault((d_code, place_key(name)), code)
            self.sub_name[code] = name
        # the two big snapshots run on the connection: the ORM's row loading cost more than the queries
        conn = session.connection()
        self.village_label: dict[str, str] = {}
        for code, moo, name, s_name, d_name in conn.execute(
            select(Village.code, Village.moo, Village.name_th, Subdistrict.name_th, District.name_th)
            .join(Subdistrict, Village.subdistrict_id == Subdistrict.id)
            .join(District, Subdistrict.district_id == District.id)
            .where(Village.deleted.is_(False))
        ):
            self.village_label[code] = _place_label(moo, name, s_name, d_name)
        self.people: dict[str, _Stored] = {}
        for r in conn.execute(
            select(
                Person.national_id,
                type_coerce(Person.id, String),  # 75,000 UUID objects would cost more than the query
                Person.office_code,
                Person.prefix,
                Person.first_name,
                Person.last_name,
                Person.position,
                Person.phone,
                Village.code,
                Person.deleted,
                Person.version,
            ).outerjoin(Village, Person.village_id == Village.id)
        ):
            self.people[r[0]] = _Stored(*r[1:8], r[8] or "", r[9], r[10])
        self.max_district = max((int(c[2:]) for c in self.district_name), default=0)
        self.max_sub: dict[str, int] = {}
        for code in self.sub_name:
            self.max_sub[code[:4]] = max(self.max_sub.get(code[:4], 0), int(code[4:]))
        self._memo: dict[tuple, Any] = {}
        self._text_row: SourceRow | None = None
        self._texts: dict[str, str] = {}
        self.has_place_columns = any(
            f in self.mapping for f in ("moo", "subdistrict", "district", "village_code")
        )
        self.date_fields = [f for f in ("birth_date", "appointed_on") if f in self.mapping]

    # -- helpers ---------------------------------------------------------------------------------
    def memo(self, fn: Callable[[object], _T], value: object) -> _T:
        """fn(value), remembered: a list repeats its positions, places and หมู่ที่ on thousands of rows.

        Keyed by type as well, so that 1, 1.0 and True stay apart; errors are not remembered.
        """
        key = (fn, type(value), value)
        try:
            return self._memo[key]
        except KeyError:
            result = self._memo[key] = fn(value)
            return result
        except TypeError:  # an unhashable cell value
            return fn(value)

    def cell(self, row: SourceRow, fld: str) -> object:
        idx = self.mapping.get(fld)
        if idx is None or idx >= len(row.cells):
            return None
        value = row.cells[idx]
        return None if value == "" else value

    def text(self, row: SourceRow, fld: str) -> str:
        # a row's cells are asked for several times (skip check, names, places): clean each once
        if row is not self._text_row:
            self._text_row, self._texts = row, {}
        text = self._texts.get(fld)
        if text is None:
            text = self._texts[fld] = clean_text(self.cell(row, fld))
        return text

    def where(self, row: SourceRow, fld: str) -> str:
        idx = self.mapping.get(fld)
        col = ""
        if idx is not None:
            head = self.layout.headers[idx] if idx < len(self.layout.headers) else ""
            col = f" คอลัมน์ {column_letter(idx)}" + (f" ({head})" if head else "")
        return f"{self.file_name} แถว {row.number}{col} [{FIELD_LABELS.get(fld, fld)}]"

    # -- one row ---------------------------------------------------------------------------------
    def classify(self, row: SourceRow) -> RowOutcome:
        skip = self.skip_reason(row)
        if skip:
            return RowOutcome(row.number, "skipped", reason=f"{self.file_name} แถว {row.number}: {skip}")
        problems: list[tuple[str, str]] = []
        nid = ""
        try:
            nid = normalize_national_id(self.cell(row, "national_id"))
            problem = national_id_problem(nid)
        except RuleError as exc:
            problem = exc.message
        if problem:
            problems.append(("national_id", problem))
        elif nid in self.seen:
            problems.append(("national_id", f"เลขประจำตัวประชาชน {nid} ซ้ำกับแถว {self.seen[nid]} ของไฟล์นี้"))
        else:
            self.seen[nid] = row.number
        values, name_problems = self.person_values(row)
        problems.extend(name_problems)
        name = f"{values['prefix']}{values['first_name']} {values['last_name']}".strip()
        location: _Location | None = None
        if not problems:
            try:
                location = self.locate(row)
            except _Reject as exc:
                problems.append((exc.field, exc.message))
        if problems:
            return self.reject(row, problems, nid=nid, name=name)
        assert location is not None
        stored = self.people.get(nid)
        if stored is None:
            village_code = self.allocate(location)
            self.creates.append(
                {**values, "national_id": nid, "village_code": village_code, "row": row.number}
            )
            return RowOutcome(row.number, "new", nid, name, self.label_of(village_code))
        if stored.office_code != self.office_code:
            return self.reject(
                row,
                [
                    (
                        "national_id",
                        f"เลขประจำตัวประชาชน {nid} เป็นของ {stored.prefix}{stored.first_name} {stored.last_name} "
                        f"ซึ่งอยู่ในความดูแลของจังหวัดอื่น (รหัส {stored.office_code})",
                    )
                ],
                nid=nid,
                name=name,
            )
        target = location.existing_code
        if stored.village_code and self.has_place_columns and target != stored.village_code:
            there = self.label_of(stored.village_code)
            here = location.label
            return self.reject(
                row,
                [
                    (
                        "national_id",
                        f"เลขประจำตัวประชาชน {nid} เป็นของ {stored.prefix}{stored.first_name} {stored.last_name} "
                        f"ที่อยู่ {there} แต่ไฟล์นี้ระบุ {here}",
                    )
                ],
                nid=nid,
                name=name,
            )
        return self.compare(row, stored, values, location, nid=nid, name=name)

    def skip_reason(self, row: SourceRow) -> str:
        nid_text = self.text(row, "national_id")
        if nid_text and nid_text[0].isdigit():
            return ""  # the usual row: an ID (a header or footer never starts with a digit)
        first_text = next((t for t in map(clean_text, row.cells) if t), "")
        if not first_text:
            return "แถวว่าง"
        texts = {f: self.text(row, f) for f in self.mapping if f not in ("seq",)}
        if not any(texts.values()) and not _FOOTER_RE.match(first_text):
            return (
                "แถวว่าง (มีเพียงลำดับที่)"
                if first_text == self.text(row, "seq")
                else (f'ไม่ใช่รายชื่อบุคคล: "{first_text[:60]}"')
            )
        nid_text = texts.get("national_id", "")
        name_text = texts.get("full_name") or texts.get("first_name") or ""
        if (
            nid_text
            and not nid_text[0].isdigit()  # an ID, not a repeated header: no need to compare header names
            and match_field(nid_text) == "national_id"
            and match_field(name_text) in ("full_name", "first_name")
        ):
            return "หัวตารางซ้ำ (ไม่ใช่รายชื่อบุคคล)"
        if nid_text:
            return ""
        if _FOOTER_RE.match(name_text) or _FOOTER_RE.match(first_text):
            return f'แถวสรุปยอดหรือหมายเหตุ "{first_text[:60]}" (ไม่ใช่รายชื่อบุคคล)'
        if not name_text:
            return f'ไม่ใช่รายชื่อบุคคล (ไม่มีชื่อและเลขประจำตัวประชาชน): "{first_text[:60]}"'
        return ""

    def reject(self, row: SourceRow, problems: list[tuple[str, str]], *, nid: str, name: str) -> RowOutcome:
        reason = "; ".join(f"{self.where(row, f)}: {msg}" for f, msg in problems)
        return RowOutcome(row.number, "rejected", nid, name, reason=reason)

    def person_values(self, row: SourceRow) -> tuple[dict[str, str], list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        prefix_col = canonical_prefix(self.text(row, "prefix")) if "prefix" in self.mapping else ""
        if "full_name" in self.mapping:
            name_field = "full_name"
            original = self.text(row, "full_name")
            glued, first, last = split_name(original)
        else:
            name_field = "first_name"
            first_raw, last = self.text(row, "first_name"), self.text(row, "last_name")
            glued, first = split_prefix(first_raw)
            original = f"{first_raw} {last}".strip()
            if " " in first and not last:  # both parts typed in the first-name column
                first, last = first.split(" ", 1)
        if prefix_col and glued:
            # with a filled prefix column, the name column holds the name as it is: a first name such as
            # นางนวล must not lose its start to a "glued prefix"
            words = (original if name_field == "full_name" else first_raw).split(" ", 1)
            first = words[0]
            if len(words) > 1 and (name_field == "full_name" or not last):
                last = words[1]
            glued = ""
        prefix = prefix_col or glued
        if prefix_col and self.text(row, "prefix") and not original.startswith(self.text(row, "prefix")):
            original = f"{self.text(row, 'prefix')}{original}"
        if not first:
            problems.append((name_field, "ไม่มีชื่อ"))
        elif not last:
            problems.append(("last_name" if "last_name" in self.mapping else name_field, "ไม่มีนามสกุล"))
        try:
            phone = parse_phone(self.cell(row, "phone")) if "phone" in self.mapping else ""
        except RuleError as exc:
            problems.append(("phone", exc.message))
            phone = ""
        for fld in self.date_fields:
            raw = self.cell(row, fld)
            if raw is not None and clean_text(raw):
                try:
                    parse_be_date(raw, field=fld)
                except RuleError as exc:
                    problems.append((fld, exc.message))
        values = {
            "prefix": prefix,
            "first_name": first,
            "last_name": last,
            "name_original": original[:300],
            "position": self.memo(full_position, self.cell(row, "position")),
            "phone": phone,
        }
        return values, problems

    # -- places ----------------------------------------------------------------------------------
    def locate(self, row: SourceRow) -> _Location:
        if not self.has_place_columns:
            return _Location(None, "", None, "", None, "", "", "")
        prov = self.memo(_PLACE_NAME["province"], self.cell(row, "province"))
        if prov and place_key(prov) not in (place_key(self.province_name), "กรุงเทพฯ", "กทม"):
            raise _Reject("province", f"จังหวัด{prov} ไม่ใช่จังหวัดของสำนักงานนี้ ({self.province_name})")
        d_name = self.memo(_PLACE_NAME["district"], self.cell(row, "district"))
        s_name = self.memo(_PLACE_NAME["subdistrict"], self.cell(row, "subdistrict"))
        v_name = self.text(row, "village_name")
        try:
            moo = self.memo(parse_moo, self.cell(row, "moo"))
        except RuleError as exc:
            raise _Reject("moo", exc.message) from None
        raw_code = self.text(row, "village_code")
        if raw_code:
            return self.locate_by_code(raw_code, moo=moo, d_name=d_name, s_name=s_name, v_name=v_name)
        if not d_name:
            raise _Reject("district", "ไม่มีชื่ออำเภอ")
        if not s_name:
            raise _Reject("subdistrict", "ไม่มีชื่อตำบล")
        if moo is None:
            raise _Reject("moo", "ไม่มีหมู่ที่")
        d_code = self.district_by_key.get(place_key(d_name))
        if d_code is None and place_key(d_name) in self.other_district:
            raise _Reject(
                "district",
                f"อำเภอ{d_name} อยู่ในจังหวัด{self.other_district[place_key(d_name)]} "
                f"ไม่ใช่จังหวัดของสำนักงานนี้ ({self.province_name})",
            )
        s_code = self.sub_by_key.get((d_code, place_key(s_name))) if d_code else None
        v_code = f"{s_code}{moo:02d}" if s_code else None
        return _Location(d_code, d_name, s_code, s_name, moo, v_name, v_code or "", "")

    def locate_by_code(
        self, raw: str, *, moo: int | None, d_name: str, s_name: str, v_name: str
    ) -> _Location:
        try:
            code = normalize_national_id(raw)  # same digit clean-up: Thai digits, dashes, floats
        except RuleError:
            code = ""
        if len(code) != 8 or not code.isdigit():
            raise _Reject("village_code", f'รหัสหมู่บ้าน "{raw}" ต้องเป็นตัวเลข 8 หลัก')
        if code[:2] != self.office_code:
            raise _Reject("village_code", f"รหัสหมู่บ้าน {code} ไม่ได้อยู่ในจังหวัดของสำนักงานนี้ ({self.province_name})")
        if moo is not None and moo != int(code[6:]):
            raise _Reject("moo", f"หมู่ที่ {moo} ไม่ตรงกับรหัสหมู่บ้าน {code} (หมู่ที่ {int(code[6:])})")
        if int(code[6:]) == 0:
            raise _Reject("village_code", f"รหัสหมู่บ้าน {code}: หมู่ที่ต้องไม่เป็น 00")
        d_code, s_code = code[:4], code[:6]
        known_d = self.district_name.get(d_code) or self.planned_name(d_code)
        if known_d and d_name and place_key(known_d) != place_key(d_name):
            raise _Reject("district", f"รหัสหมู่บ้าน {code} อยู่ในอำเภอ{known_d} แต่ไฟล์ระบุอำเภอ{d_name}")
        known_s = self.sub_name.get(s_code) or self.planned_name(s_code)
        if known_s and s_name and place_key(known_s) != place_key(s_name):
            raise _Reject("subdistrict", f"รหัสหมู่บ้าน {code} อยู่ในตำบล{known_s} แต่ไฟล์ระบุตำบล{s_name}")
        if code not in self.village_label:
            if not (known_d or d_name):
                raise _Reject("district", f"รหัสหมู่บ้าน {code} ยังไม่มีในฐานข้อมูลและไฟล์ไม่ได้ระบุชื่ออำเภอ")
            if not (known_s or s_name):
                raise _Reject("subdistrict", f"รหัสหมู่บ้าน {code} ยังไม่มีในฐานข้อมูลและไฟล์ไม่ได้ระบุชื่อตำบล")
        return _Location(
            d_code, known_d or d_name, s_code, known_s or s_name, int(code[6:]), v_name, code, code
        )

    def planned_name(self, code: str) -> str:
        return self._planned.get(code, "")

    def allocate(self, loc: _Location) -> str:
        """The village code for a location, adding the places new to the database to the plan."""
        if not self.has_place_columns:
            return ""
        d_code = loc.district_code
        if loc.forced_code:
            d_code = loc.forced_code[:4]
        if d_code is None:
            d_code = self.district_by_key.get(place_key(loc.district_name))
        if d_code is None or (d_code not in self.district_name and d_code not in self._planned):
            if d_code is None:
                self.max_district += 1
                if self.max_district > 99:
                    raise CoreError("รหัสอำเภอของจังหวัดนี้เต็มแล้ว (เกิน 99 อำเภอ)")
                d_code = f"{self.office_code}{self.max_district:02d}"
            else:
                self.max_district = max(self.max_district, int(d_code[2:]))
            self.district_by_key.setdefault(place_key(loc.district_name), d_code)
            self._planned[d_code] = loc.district_name
            self.new_places.append(PlaceToCreate("district", d_code, loc.district_name, self.office_code))
        s_code = loc.forced_code[:6] if loc.forced_code else loc.subdistrict_code
        if s_code is None:
            s_code = self.sub_by_key.get((d_code, place_key(loc.subdistrict_name)))
        if s_code is None or (s_code not in self.sub_name and s_code not in self._planned):
            if s_code is None:
                nxt = self.max_sub.get(d_code, 0) + 1
                if nxt > 99:
                    raise CoreError(f"รหัสตำบลของอำเภอ {d_code} เต็มแล้ว (เกิน 99 ตำบล)")
                s_code = f"{d_code}{nxt:02d}"
            self.max_sub[d_code] = max(self.max_sub.get(d_code, 0), int(s_code[4:]))
            self.sub_by_key.setdefault((d_code, place_key(loc.subdistrict_name)), s_code)
            self._planned[s_code] = loc.subdistrict_name
            self.new_places.append(PlaceToCreate("subdistrict", s_code, loc.subdistrict_name, d_code))
        assert loc.moo is not None
        v_code = f"{s_code}{loc.moo:02d}"
        if v_code not in self.village_label:
            d_name = self.district_name.get(d_code) or self._planned.get(d_code, "")
            s_name = self.sub_name.get(s_code) or self._planned.get(s_code, "")
            self.village_label[v_code] = _place_label(loc.moo, loc.village_name, s_name, d_name)
            self.new_places.append(PlaceToCreate("village", v_code, loc.village_name, s_code, loc.moo))
        return v_code

    def label_of(self, village_code: str) -> str:
        return self.village_label.get(village_code, village_code)

    # -- existing people -------------------------------------------------------------------------
    def compare(
        self, row: SourceRow, stored: _Stored, values: dict[str, str], loc: _Location, *, nid: str, name: str
    ) -> RowOutcome:
        changes: list[FieldChange] = []
        new_values: dict[str, object] = {}
        old_values: dict[str, object] = {}
        for fld in PERSON_FIELDS:
            new = values[fld]
            old = getattr(stored, fld)
            if new and new != old:
                changes.append(FieldChange(fld, CHANGE_LABELS[fld], old, new))
                new_values[fld] = new
                old_values[fld] = old
        village_code = stored.village_code
        if not stored.village_code and self.has_place_columns:
            village_code = self.allocate(loc)
            changes.append(FieldChange("village", CHANGE_LABELS["village"], "", self.label_of(village_code)))
        if stored.deleted:
            changes.append(FieldChange("deleted", CHANGE_LABELS["deleted"], "ลบแล้ว", "ใช้งาน"))
            new_values["deleted"] = False
            old_values["deleted"] = True
        place = self.label_of(village_code) if village_code else ""
        if not changes:
            return RowOutcome(row.number, "unchanged", nid, name, place)
        if any(c.field in ("prefix", "first_name", "last_name") for c in changes):
            new_values["name_original"] = values["name_original"]
            old_values["name_original"] = None  # filled from the database when applied
        self.updates.append(
            {
                "id": uuid.UUID(stored.id_hex),
                "version": stored.version,
                "national_id": nid,
                "values": new_values,
                "old": old_values,
                "village_code": village_code if village_code != stored.village_code else None,
                "row": row.number,
            }
        )
        return RowOutcome(row.number, "updated", nid, name, place, changes=tuple(changes))


_PLACE_NAME = {
    kind: functools.partial(place_name, kind=kind) for kind in ("province", "district", "subdistrict")
}


@dataclass(frozen=True, slots=True)
class _Location:
    district_code: str | None  # existing (or forced by a village code); None when new
    district_name: str
    subdistrict_code: str | None
    subdistrict_name: str
    moo: int | None
    village_name: str
    existing_code: str  # the village code when every level already exists, else ""
    forced_code: str  # the file's รหัสหมู่บ้าน

    @property
    def label(self) -> str:
        return _place_label(self.moo, self.village_name, self.subdistrict_name, self.district_name)


def _place_label(moo: int | None, name: str, subdistrict: str, district: str) -> str:
    parts = [f"ม.{moo}"] if moo else []
    if name:
        parts.append(name)
    if subdistrict:
        parts.append(f"ต.{subdistrict}")
    if district:
        parts.append(f"อ.{district}")
    return " ".join(parts)
