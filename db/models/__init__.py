"""All ORM models, imported here so that the metadata is complete for Alembic and the server."""

from db.base import Base
from db.models.audit import AuditEntry
from db.models.budget import BudgetAllocation, ExpenseLine, PaymentLine, Rate, RoundSpending
from db.models.geo import District, Province, Subdistrict, Village
from db.models.numbering import DocumentNumber
from db.models.office import LocalSetting, Office
from db.models.people import Lecturer, Person
from db.models.registrations import Registration
from db.models.rounds import AttendanceMark, Enrolment, RoundDay, RoundDistrict, RoundLecturer, TrainingRound
from db.models.stamps import ChangeCounter
from db.models.sync import SyncConflict, SyncControl, SyncOutbox, SyncShadow

__all__ = [
    "AttendanceMark",
    "AuditEntry",
    "Base",
    "BudgetAllocation",
    "ChangeCounter",
    "District",
    "DocumentNumber",
    "Enrolment",
    "ExpenseLine",
    "Lecturer",
    "LocalSetting",
    "Office",
    "PaymentLine",
    "Person",
    "Province",
    "Rate",
    "Registration",
    "RoundDay",
    "RoundDistrict",
    "RoundLecturer",
    "RoundSpending",
    "Subdistrict",
    "SyncConflict",
    "SyncControl",
    "SyncOutbox",
    "SyncShadow",
    "TrainingRound",
    "Village",
]
