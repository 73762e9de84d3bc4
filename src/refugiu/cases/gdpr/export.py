"""The data-subject export (GDPR art. 15): everything Refugiu holds about one person, as JSON and as the
blocks of a PDF. It holds every note whatever its seal, by design: it is the person's own right of access,
handed to the person, not read in the application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.gdpr.subjects import person_records, person_root
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Consent,
    Document,
    NeedsAssessment,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
    TeamMember,
)
from refugiu.cases.services import IDENTITY_FIELDS, PROCEEDING_EDITABLE
from refugiu.core.audit import audit_record
from refugiu.core.fields import field_of

if TYPE_CHECKING:
    from refugiu.accounts.models import User

EXPORT_FORMAT = "refugiu.subject-export/1"

# The fields each record contributes, in the order a person reads them.
BENEFICIARY_FIELDS = (
    "code",
    "gender",
    "age_band",
    "nationality",
    "languages",
    "migration_status",
    "created_at",
    "anonymised_at",
)
CONSENT_FIELDS = (
    "purpose",
    "organization",
    "recipient_name",
    "shared_fields",
    "given_on",
    "form",
    "withdrawn_on",
    "case",
)
CASE_FIELDS = (
    "reference",
    "department",
    "category",
    "status",
    "risk_level",
    "flags",
    "trafficking_status",
    "exploitation_types",
    "control_methods",
    "recruitment_methods",
    "exploitation_country",
    "summary",
    "opened_on",
    "closure_outcome",
    "closure_reason",
    "closed_on",
    "anonymised_at",
)
TEAM_FIELDS = ("user", "function", "is_lead", "added_at")
STATUS_FIELDS = ("at", "from_status", "to_status", "by", "note")
ASSESSMENT_FIELDS = (
    "assessed_on",
    "author",
    "legal",
    "social",
    "psychological",
    "medical",
    "shelter",
    "interpretation",
    "safety",
    "notes",
)
SESSION_FIELDS = ("delivered_on", "kind", "duration_minutes", "staff", "mediator", "language", "note")
NOTE_FIELDS = ("written_at", "seal", "author", "text")
REFERRAL_FIELDS = (
    "sent_on",
    "kind",
    "service",
    "organization",
    "department",
    "country",
    "is_cross_border",
    "reason",
    "shared_fields",
    "consent_override_reason",
    "status",
    "responded_on",
    "completed_on",
    "decline_reason",
    "feedback",
)
PROCEEDING_FIELDS = ("kind", *PROCEEDING_EDITABLE)
TASK_FIELDS = ("title", "due_on", "assignee", "done_at")
DOCUMENT_FIELDS = ("title", "content_type", "size", "uploaded_at", "uploaded_by")

# JSON lists of controlled values, shown by their labels in the PDF.
LIST_VOCABULARIES = {
    "flags": v.CaseFlag,
    "exploitation_types": v.ExploitationType,
    "control_methods": v.ControlMethod,
    "recruitment_methods": v.RecruitmentMethod,
    "shared_fields": v.SharedField,
}


@dataclass
class Block:
    """A heading and its records (each a list of label/value pairs) in the PDF."""

    title: str
    level: int
    records: list[list[tuple[str, str]]] = field(default_factory=list)


def _values(instance: Model, names: Iterable[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One record as JSON values (stored codes, ISO dates) and as labelled, readable values."""
    data: dict[str, Any] = {}
    shown: list[tuple[str, str]] = []
    for name in names:
        model_field = field_of(type(instance), name)
        value = getattr(instance, name)
        label = str(model_field.verbose_name)
        if isinstance(model_field, models.ForeignKey):
            data[name] = None if value is None else getattr(value, "reference", None) or str(value)
            text = data[name] or ""
        elif isinstance(model_field, CountryField):
            data[name] = value.code or ""
            text = str(value.name) if value else ""
        elif model_field.choices and value not in (None, ""):
            data[name] = value
            text = str(dict(model_field.flatchoices).get(value, value))
        elif isinstance(value, dt.datetime):
            data[name] = value.isoformat()
            text = date_format(timezone.localtime(value), "DATETIME_FORMAT")
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
            text = date_format(value, "DATE_FORMAT")
        elif isinstance(value, Decimal):
            data[name] = str(value)
            text = str(value)
        elif isinstance(value, bool):
            data[name] = value
            text = _("yes") if value else _("no")
        elif isinstance(value, list):
            data[name] = value
            labels = dict(LIST_VOCABULARIES[name].choices) if name in LIST_VOCABULARIES else {}
            text = ", ".join(str(labels.get(item, item)) for item in value)
        else:
            data[name] = value
            text = "" if value is None else str(value)
        if text != "":
            shown.append((label, text))
    return data, shown


@dataclass
class SubjectFile:
    data: dict[str, Any]
    blocks: list[Block]
    code: str


def _ordered(
    related: str, model: type[Model], relation: str, date_field: str, *more_relations: str
) -> Prefetch[str, QuerySet[Any], str]:
    return Prefetch(
        related,
        queryset=model._default_manager.select_related(relation, *more_relations).order_by(date_field, "pk"),
    )


def _case_queryset(records: list[Beneficiary]) -> QuerySet[Case]:
    return (
        Case.objects.filter(beneficiary__in=records)
        .select_related("department")
        .prefetch_related(
            _ordered("team", TeamMember, "user", "added_at"),
            _ordered("status_changes", StatusChange, "by", "at"),
            _ordered("assessments", NeedsAssessment, "author", "assessed_on"),
            _ordered("services", ServiceEntry, "staff", "delivered_on"),
            _ordered("notes", Note, "author", "written_at"),
            _ordered("referrals", Referral, "service", "sent_on", "organization", "department"),
            _ordered("proceedings", Proceeding, "created_by", "created_at"),
            _ordered("tasks", Task, "assignee", "due_on"),
            _ordered("documents", Document, "uploaded_by", "uploaded_at"),
        )
        .order_by("opened_on", "pk")
    )


CASE_PARTS = (
    # (JSON key, related name, fields, heading)
    ("team", "team", TEAM_FIELDS, gettext_lazy("Team")),
    ("status_history", "status_changes", STATUS_FIELDS, gettext_lazy("Status history")),
    ("assessments", "assessments", ASSESSMENT_FIELDS, gettext_lazy("Needs assessments")),
    ("sessions", "services", SESSION_FIELDS, gettext_lazy("Sessions")),
    ("notes", "notes", NOTE_FIELDS, gettext_lazy("Notes")),
    ("referrals", "referrals", REFERRAL_FIELDS, gettext_lazy("Referrals")),
    ("proceedings", "proceedings", PROCEEDING_FIELDS, gettext_lazy("Legal proceedings")),
    ("tasks", "tasks", TASK_FIELDS, gettext_lazy("Follow-ups")),
    ("documents", "documents", DOCUMENT_FIELDS, gettext_lazy("Documents (list)")),
)


def subject_file(
    *, user: User, request: HttpRequest | None = None, beneficiary: Beneficiary, export_format: str
) -> SubjectFile:
    """Everything Refugiu holds about one person, as JSON-ready data and as blocks for the PDF; audited."""
    access.require_dpo(user)
    root = person_root(beneficiary)
    records = person_records(root)
    identities = {i.beneficiary_id: i for i in BeneficiaryIdentity.objects.filter(beneficiary__in=records)}
    blocks: list[Block] = []

    def person(record: Beneficiary, title: str) -> dict[str, Any]:
        data, shown = _values(record, BENEFICIARY_FIELDS)
        identity = identities.get(record.pk)
        identity_data, identity_shown = _values(identity, IDENTITY_FIELDS) if identity else (None, [])
        blocks.append(Block(str(title), 2, [shown + identity_shown]))
        return {"beneficiary": data, "identity": identity_data}

    result = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        **person(root, _("The person")),
        "merged_records": [person(r, _("Merged record %(code)s") % {"code": r.code}) for r in records[1:]],
    }
    consents = Consent.objects.filter(beneficiary__in=records).select_related("organization", "case")
    consent_block = Block(_("Consents"), 2)
    result["consents"] = []
    for consent in consents.order_by("given_on", "pk"):
        data, shown = _values(consent, CONSENT_FIELDS)
        result["consents"].append(data)
        consent_block.records.append(shown)
    blocks.append(consent_block)

    result["cases"] = []
    for case in _case_queryset(records):
        case_data, shown = _values(case, CASE_FIELDS)
        blocks.append(Block(_("Case %(reference)s") % {"reference": case.reference}, 2, [shown]))
        for key, related, names, heading in CASE_PARTS:
            part = Block(str(heading), 3)
            case_data[key] = []
            for record in getattr(case, related).all():
                data, record_shown = _values(record, names)
                case_data[key].append(data)
                part.records.append(record_shown)
            blocks.append(part)
        result["cases"].append(case_data)

    audit_record(
        actor=user,
        action="cases.beneficiary.exported",
        target=root,
        request=request,
        detail={"format": export_format, "cases": [c["reference"] for c in result["cases"]]},
    )
    return SubjectFile(data=result, blocks=blocks, code=root.code)
