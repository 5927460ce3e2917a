"""ครู ข candidates: create, edit, search, soft-delete and restore, with validation and audit entries."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Select, String, or_, select, type_coerce
from sqlalchemy.orm import Session

from db.models import District, Person, Province, Subdistrict, Village
from db.rules import prefixes as prefix_rules
from db.rules.collation import person_sort_key, place_sort_key
from db.rules.errors import RuleError
from db.rules.national_id import validate_national_id
from db.rules.phone import normalize_phone
from db.rules.thai_digits import to_arabic_digits
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, StaleEditError, ValidationError
from desktop.core.fastquery import fetch_all_rows
from desktop.core.people.addresses import PersonAddress, address_line, clean_address
from desktop.core.softdelete import set_deleted

POSITIONS = (
    "กำนัน",
    "ผู้ใหญ่บ้าน",
    "ผู้ช่วยผู้ใหญ่บ้าน",
    "แพทย์ประจำตำบล",
    "สารวัตรกำนัน",
    "ประธานชุมชน",
    "กรรมการชุมชน",
    "อาสาสมัครแรงงาน",
)
PREFIXES = prefix_rules.PREFIXES  # the same list the roster import stores (น.ส. → นางสาว in both)
_NOT_FOUND = "ไม่พบข้อมูลบุคคลนี้"


@dataclass
class PersonInput:
    national_id: str = ""
    prefix: str = ""
    first_name: str = ""
    last_name: str = ""
    position: str = ""
    village_id: uuid.UUID | None = None
    phone: str = ""
    note: str = ""
    address: PersonAddress | None = None  # None: leave the stored birth date and address as they are


@dataclass(slots=True, unsafe_hash=True)
class PersonRow:
    # Not frozen: a frozen dataclass's __init__ costs 2 µs a row in object.__setattr__ calls, a sixth of the
    # people page's reload at 75,000 people. Rows are read models: nothing assigns to them after they are made.
    # IDs are kept as text and turned into UUIDs on access: building 150,000 UUID objects would cost
    # a third of the time it takes to list a large province.
    id_text: str
    national_id: str
    prefix: str
    first_name: str
    last_name: str
    position: str
    phone: str
    village_id_text: str | None
    village_code: str
    moo: int | None
    village_name: str
    subdistrict: str
    district: str
    province: str
    note: str
    version: int
    deleted: bool = field(default=False)
    birth_date: date | None = None
    house_no: str = ""
    address_street: str = ""
    address_moo: str = ""
    address_subdistrict: str = ""
    address_district: str = ""
    address_province: str = ""

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self.id_text)

    @property
    def village_id(self) -> uuid.UUID | None:
        return uuid.UUID(self.village_id_text) if self.village_id_text else None

    @property
    def full_name(self) -> str:
        return f"{self.prefix}{self.first_name} {self.last_name}".strip()

    @property
    def place(self) -> str:
        if not self.village_code:
            return ""
        name = f" {self.village_name}" if self.village_name else ""
        return f"ม.{self.moo}{name} ต.{self.subdistrict} อ.{self.district}"

    @property
    def address(self) -> PersonAddress:
        return PersonAddress(
            self.birth_date,
            self.house_no,
            self.address_street,
            self.address_moo,
            self.address_subdistrict,
            self.address_district,
            self.address_province,
        )

    @property
    def address_text(self) -> str:
        """The full address printed on a voucher (the village gives the place when the address has none)."""
        place = (self.subdistrict, self.district, self.province) if self.village_code else None
        return address_line(self.address, village_moo=self.moo, village_place=place)


def person_place_key(row: PersonRow) -> tuple:
    """A person's place in Thai order: district, subdistrict, village number, village name."""
    return place_sort_key(
        district=row.district, subdistrict=row.subdistrict, moo=row.moo, village=row.village_name
    )


def validate(data: PersonInput) -> dict[str, object]:
    """Clean the input, or raise ValidationError naming every wrong field in Thai."""
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    try:
        clean["national_id"] = validate_national_id(data.national_id)
    except RuleError as exc:
        errors["national_id"] = exc.message
    first = " ".join(data.first_name.split())
    last = " ".join(data.last_name.split())
    if not first:
        errors["first_name"] = "กรุณากรอกชื่อ"
    if not last:
        errors["last_name"] = "กรุณากรอกนามสกุล"
    typed_prefix = " ".join(data.prefix.split())
    clean.update(
        first_name=first,
        last_name=last,
        prefix=prefix_rules.canonical_prefix(typed_prefix),
        position=data.position.strip(),
    )
    if clean["prefix"] != typed_prefix:  # the table rewrote it (จ.ส.อ. → จ่าสิบเอก): keep the name as typed
        clean["name_original"] = f"{typed_prefix}{first} {last}"[:300]
    try:
        clean["phone"] = normalize_phone(data.phone)
    except RuleError as exc:
        errors["phone"] = exc.message
    clean["village_id"] = data.village_id
    clean["note"] = data.note.strip()
    if data.address is not None:
        columns, address_errors = clean_address(data.address)
        clean.update(columns)
        errors.update(address_errors)
    if errors:
        raise ValidationError(errors)
    return clean


PERSON_ROW_WIDTH = 24  # columns of person_row_query; a query that adds columns reads its own after these


def person_row_query(*, raw_ids: bool = False) -> Select:
    """The columns of a PersonRow. raw_ids skips SQLAlchemy's slow per-row UUID processing (see to_person_row)."""
    person_id = type_coerce(Person.id, String) if raw_ids else Person.id
    village_id = type_coerce(Person.village_id, String) if raw_ids else Person.village_id
    return (
        select(
            person_id,
            Person.national_id,
            Person.prefix,
            Person.first_name,
            Person.last_name,
            Person.position,
            Person.phone,
            village_id,
            Village.code,
            Village.moo,
            Village.name_th,
            Subdistrict.name_th,
            District.name_th,
            Province.name_th,
            Person.note,
            Person.version,
            Person.deleted,
            Person.birth_date,
            Person.house_no,
            Person.address_street,
            Person.address_moo,
            Person.address_subdistrict,
            Person.address_district,
            Person.address_province,
        )
        .outerjoin(Village, Person.village_id == Village.id)
        .outerjoin(Subdistrict, Village.subdistrict_id == Subdistrict.id)
        .outerjoin(District, Subdistrict.district_id == District.id)
        .outerjoin(Province, District.province_id == Province.id)
    )


def _id_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def to_person_row(r: tuple) -> PersonRow:
    return PersonRow(
        _id_text(r[0]),
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        _id_text(r[7]),
        r[8] or "",
        r[9],
        r[10] or "",
        r[11] or "",
        r[12] or "",
        r[13] or "",
        r[14],
        r[15],
        bool(r[16]),
        _as_date(r[17]),
        *r[18:24],
    )


def _as_date(value: object) -> date | None:
    # The raw-cursor path (list_people) gets SQLite's ISO text, the ORM path a date.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def list_people(ctx: AppContext, *, include_deleted: bool = False) -> list[PersonRow]:
    code = ctx.require_office_code()
    query = person_row_query(raw_ids=True).where(Person.office_code == code)
    if not include_deleted:
        query = query.where(Person.deleted.is_(False))
    # The driver's cursor directly: SQLAlchemy's row objects cost a third of the time at 75,000 rows. The
    # row is built inline (to_person_row's work, for raw text ids) to save a call per row.
    new, as_date = PersonRow, _as_date
    rows = [
        new(
            pid,
            nid,
            prefix,
            first,
            last,
            position,
            phone,
            vid,
            vcode or "",
            moo,
            vname or "",
            sub or "",
            dist or "",
            prov or "",
            note,
            version,
            bool(deleted),
            None if born is None else as_date(born),
            *address,
        )
        for (
            pid,
            nid,
            prefix,
            first,
            last,
            position,
            phone,
            vid,
            vcode,
            moo,
            vname,
            sub,
            dist,
            prov,
            note,
            version,
            deleted,
            born,
            *address,
        ) in fetch_all_rows(ctx.engine, query)
    ]
    # Sorting here is a third of SQLite's ORDER BY time on an unindexed join; Thai order, prefix ignored.
    rows.sort(key=lambda r: (*person_sort_key(r), r.national_id))
    return rows


def search_people(ctx: AppContext, text: str, *, limit: int = 200) -> list[PersonRow]:
    """People whose name, ID or phone contains the text (used by the CLI and pickers)."""
    code = ctx.require_office_code()
    term = text.strip()
    digits = re.sub(r"[\s-]", "", to_arabic_digits(term))
    like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    id_like = f"%{digits}%" if digits.isdigit() else like
    query = (
        person_row_query()
        .where(Person.office_code == code, Person.deleted.is_(False))
        .where(
            or_(
                Person.first_name.like(like, escape="\\"),
                Person.last_name.like(like, escape="\\"),
                Person.national_id.like(id_like, escape="\\"),
                Person.phone.like(id_like, escape="\\"),
            )
        )
        .order_by(Person.first_name, Person.last_name, Person.national_id)
        .limit(limit)
    )
    with ctx.reading() as session:
        return [to_person_row(r) for r in session.execute(query)]


def get_person(ctx: AppContext, person_id: uuid.UUID) -> PersonRow:
    with ctx.reading() as session:
        r = session.execute(person_row_query().where(Person.id == person_id)).first()
        if r is None:
            raise NotFoundError(_NOT_FOUND)
        return to_person_row(r)


def _check_village(session: Session, village_id: object) -> None:
    if village_id is not None and session.get(Village, village_id) is None:
        raise ValidationError({"village_id": "ไม่พบหมู่บ้านที่เลือก (อาจถูกลบไปแล้ว) กรุณาเลือกใหม่"})


def _duplicate_check(session: Session, national_id: str, *, exclude: uuid.UUID | None = None) -> None:
    other = session.scalar(select(Person).where(Person.national_id == national_id))
    if other is not None and other.id != exclude:
        state = " (อยู่ในรายการที่ลบแล้ว กู้คืนได้)" if other.deleted else ""
        raise ValidationError(
            {
                "national_id": f"เลขประจำตัวประชาชน {national_id} ซ้ำกับ {other.prefix}{other.first_name} {other.last_name}{state}"
            }
        )


def create_person(ctx: AppContext, data: PersonInput) -> PersonRow:
    code = ctx.require_office_code()
    clean = validate(data)
    with ctx.transaction() as session:
        person_id = insert_person(session, ctx, office_code=code, clean=clean)
    return get_person(ctx, person_id)


def insert_person(
    session: Session, ctx: AppContext, *, office_code: str, clean: dict[str, object]
) -> uuid.UUID:
    """Add a person validated by ``validate`` inside the caller's transaction (audited); returns the id."""
    _duplicate_check(session, str(clean["national_id"]))
    _check_village(session, clean["village_id"])
    person = Person(office_code=office_code, **clean)
    session.add(person)
    session.flush()
    audit.record(
        session,
        ctx,
        office_code=office_code,
        action="create",
        entity="person",
        entity_id=person.id,
        changes={k: [None, audit.jsonable(v)] for k, v in clean.items()},
        summary=f"เพิ่ม {person.first_name} {person.last_name}",
    )
    return person.id


def update_person(
    ctx: AppContext, person_id: uuid.UUID, data: PersonInput, *, expected_version: int | None = None
) -> PersonRow:
    clean = validate(data)
    with ctx.transaction() as session:
        person = _load(session, person_id)
        if expected_version is not None and person.version != expected_version:
            raise StaleEditError("ข้อมูลบุคคลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่เปิดไว้ กรุณาเปิดใหม่แล้วแก้ไขอีกครั้ง")
        _duplicate_check(session, str(clean["national_id"]), exclude=person.id)
        _check_village(session, clean["village_id"])
        audit.apply_update(
            session,
            ctx,
            person,
            clean,
            entity="person",
            summary=f"แก้ไข {person.first_name} {person.last_name}",
        )
    return get_person(ctx, person_id)


def delete_person(ctx: AppContext, person_id: uuid.UUID) -> None:
    """Soft delete: the row stays as a tombstone and can be restored."""
    set_deleted(ctx, model=Person, record_id=person_id, deleted=True, label=_label, not_found=_NOT_FOUND)


def restore_person(ctx: AppContext, person_id: uuid.UUID) -> None:
    set_deleted(ctx, model=Person, record_id=person_id, deleted=False, label=_label, not_found=_NOT_FOUND)


def _label(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


def _load(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(_NOT_FOUND)
    return person


def as_input(row: PersonRow) -> PersonInput:
    """The editable fields of a row, to prefill a form."""
    values = asdict(PersonInput())
    return PersonInput(**{k: getattr(row, k) for k in values})
