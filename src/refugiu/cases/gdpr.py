"""The data protection officer's tools: a person's file, its export and erasure, retention, the audit log.

Everything here needs the "audit.view" permission (the DPO role); exporting the audit log also needs
"audit.export". The DPO works by beneficiary, not through the case scope: they see case *metadata*
(reference, department, category, status, dates), never notes on screen. The data-subject export is the
exception by design: it is the person's own right of access (GDPR art. 15), so it holds every note
whatever its seal, and is handed to the person, not read in the application.

Erasure and retention *anonymise* rather than delete (as pretix's shredders do): the identity and every
piece of free text go, the categorical fields (gender, age band, nationality, category, statuses, dates,
service kinds and durations) stay, so the anonymous statistics still add up. The audit log never held
content, so it is left as it is, plus a tombstone naming the code and the counts.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from refugiu.accounts.models import user_has_permission
from refugiu.accounts.roles import Permission
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import files_delete
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    BreakGlass,
    Case,
    Consent,
    Document,
    IdentityToken,
    NeedsAssessment,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
    TeamMember,
)
from refugiu.cases.services import IDENTITY_FIELDS, PROCEEDING_EDITABLE, CaseError
from refugiu.core.audit import audit_record, security_events
from refugiu.core.models import AuditEntry

EXPORT_FORMAT = "refugiu.subject-export/1"


class ErasureGround(models.TextChoices):
    """Why a person's data is erased (GDPR art. 17(1)), recorded in the tombstone instead of free text,
    which could itself name the person."""

    NOT_NEEDED = "not_needed", gettext_lazy("No longer needed for its purpose (17(1)(a))")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consent withdrawn, no other basis (17(1)(b))")
    OBJECTION = "objection", gettext_lazy("The person objected, no overriding grounds (17(1)(c))")
    UNLAWFUL = "unlawful", gettext_lazy("Processed unlawfully (17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", gettext_lazy("Erasure required by law (17(1)(e))")
    RETENTION = "retention", gettext_lazy("Retention period over")


def is_dpo(user) -> bool:
    return user_has_permission(user, Permission.AUDIT_VIEW)


def _require(user, permission: Permission = Permission.AUDIT_VIEW) -> None:
    if not user_has_permission(user, permission):
        raise CaseError("forbidden", _("Only the data protection officer can do this."))


# A person's records ---------------------------------------------------------------------------------


def person_root(beneficiary: Beneficiary) -> Beneficiary:
    """The record a beneficiary was (perhaps repeatedly) merged into: where the person's cases now are."""
    seen = {beneficiary.pk}
    while beneficiary.merged_into_id is not None and beneficiary.merged_into_id not in seen:
        seen.add(beneficiary.merged_into_id)
        beneficiary = Beneficiary.objects.get(pk=beneficiary.merged_into_id)
    return beneficiary


def person_records(root: Beneficiary) -> list[Beneficiary]:
    """`root` and every record merged into it, at any depth: together, one person."""
    records, frontier = [root], [root.pk]
    while frontier:
        merged = list(Beneficiary.objects.filter(merged_into_id__in=frontier).exclude(pk__in=[root.pk]))
        records += merged
        frontier = [b.pk for b in merged]
    return records


def subject_find(*, user, code: str) -> Beneficiary | None:
    _require(user)
    return Beneficiary.objects.filter(code=code.strip().upper()).first()


@dataclass(frozen=True)
class Subject:
    beneficiary: Beneficiary
    records: list[Beneficiary]
    cases: list[Case]
    has_identity: bool

    @property
    def merged_codes(self) -> list[str]:
        return [b.code for b in self.records[1:]]


def subject_overview(*, user, request=None, beneficiary: Beneficiary) -> Subject:
    """The person (followed to the record they were merged into) and their cases' metadata; audited."""
    _require(user)
    root = person_root(beneficiary)
    records = person_records(root)
    cases = list(
        Case.objects.filter(beneficiary__in=records)
        .select_related("department")
        .only(
            "reference",
            "department__name",
            "category",
            "status",
            "opened_on",
            "closed_on",
            "anonymised_at",
            "beneficiary_id",
        )
        .order_by("-opened_on", "-pk")
    )
    audit_record(
        actor=user,
        action="cases.beneficiary.viewed",
        target=root,
        request=request,
        detail={"cases": [c.pk for c in cases]},
    )
    has_identity = BeneficiaryIdentity.objects.filter(beneficiary__in=records).exists()
    return Subject(beneficiary=root, records=records, cases=cases, has_identity=has_identity)


# Data-subject export ---------------------------------------------------------------------------------

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


def _values(instance, names) -> tuple[dict, list[tuple[str, str]]]:
    """One record as JSON values (stored codes, ISO dates) and as labelled, readable values."""
    data, shown = {}, []
    for name in names:
        model_field = instance._meta.get_field(name)
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
    data: dict
    blocks: list[Block]
    code: str


def _ordered(related: str, model, relation: str, date_field: str, *more_relations: str) -> Prefetch:
    return Prefetch(
        related, queryset=model.objects.select_related(relation, *more_relations).order_by(date_field, "pk")
    )


def _case_queryset(records) -> QuerySet[Case]:
    return (
        Case.objects.filter(beneficiary__in=records)
        .select_related("department")
        .prefetch_related(
            _ordered("team", TeamMember, "user", "added_at"),
            _ordered("status_changes", StatusChange, "by", "at"),
            _ordered("assessments", NeedsAssessment, "author", "assessed_on"),
            _ordered("services", ServiceEntry, "staff", "delivered_on"),
            _ordered("notes", Note, "author", "written_at"),
            _ordered("referrals", Referral, "service", "sent_on", "department"),
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


def subject_file(*, user, request=None, beneficiary: Beneficiary, export_format: str) -> SubjectFile:
    """Everything Refugiu holds about one person, as JSON-ready data and as blocks for the PDF; audited."""
    _require(user)
    root = person_root(beneficiary)
    records = person_records(root)
    identities = {i.beneficiary_id: i for i in BeneficiaryIdentity.objects.filter(beneficiary__in=records)}
    blocks: list[Block] = []

    def person(record: Beneficiary, title) -> dict:
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


# Erasure and retention ------------------------------------------------------------------------------


@dataclass
class Anonymised:
    """How many records lost their free text (or, for documents and identities, were deleted)."""

    cases: int = 0
    status_changes: int = 0
    assessments: int = 0
    sessions: int = 0
    notes: int = 0
    referrals: int = 0
    proceedings: int = 0
    tasks: int = 0
    documents: int = 0
    identities: int = 0

    def add(self, other: "Anonymised") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict:
        return asdict(self)


def _cases_anonymise(case_ids: list[int], *, now: dt.datetime) -> Anonymised:
    """Blank every piece of free text of these cases and what is in them, delete their documents (the
    files once the transaction commits), and mark them anonymised. Categorical fields stay."""
    counts = Anonymised()
    for start in range(0, len(case_ids), 500):
        ids = case_ids[start : start + 500]
        counts.cases += Case.objects.filter(pk__in=ids).update(
            summary="", closure_reason="", anonymised_at=now, version=F("version") + 1
        )
        counts.status_changes += StatusChange.objects.filter(case_id__in=ids).update(note="")
        counts.assessments += NeedsAssessment.objects.filter(case_id__in=ids).update(notes="")
        counts.sessions += ServiceEntry.objects.filter(case_id__in=ids).update(note="", mediator="")
        counts.notes += Note.objects.filter(case_id__in=ids).update(text="")
        counts.referrals += Referral.objects.filter(case_id__in=ids).update(
            reason="", feedback="", decline_reason="", consent_override_reason="", version=F("version") + 1
        )
        counts.proceedings += Proceeding.objects.filter(case_id__in=ids).update(
            file_number="", evidence="", notes="", deadline_label="", version=F("version") + 1
        )
        counts.tasks += Task.objects.filter(case_id__in=ids).update(title="")
        documents = Document.objects.filter(case_id__in=ids)
        stored_names = list(documents.values_list("stored_name", flat=True))
        documents.delete()
        counts.documents += len(stored_names)
        # The files go only once the rows are gone for good: a rollback must not leave rows without files.
        transaction.on_commit(partial(files_delete, stored_names))
    return counts


def _identity_erase(records: list[Beneficiary], *, now: dt.datetime) -> int:
    ids = [b.pk for b in records]
    identities = BeneficiaryIdentity.objects.filter(beneficiary_id__in=ids).count()
    BeneficiaryIdentity.objects.filter(beneficiary_id__in=ids).delete()
    IdentityToken.objects.filter(beneficiary_id__in=ids).delete()
    Beneficiary.objects.filter(pk__in=ids).update(anonymised_at=now, version=F("version") + 1)
    return identities


def _tombstone(*, user, request, root: Beneficiary, records, ground: str, counts: Anonymised) -> None:
    audit_record(
        actor=user,
        action="cases.beneficiary.erased",
        target=root,
        request=request,
        detail={
            "code": root.code,
            "merged_codes": [b.code for b in records[1:]],
            "ground": ground,
            "counts": counts.as_dict(),
        },
    )


def subject_erase(
    *, user, request=None, beneficiary: Beneficiary, ground: str, confirm_code: str
) -> Anonymised:
    """Anonymise a person: their identity and search tokens go, so does the free text of all their cases;
    what statistics need stays. `confirm_code` must repeat the person's code (no erasure by a slip)."""
    _require(user)
    root = person_root(beneficiary)
    if ground not in ErasureGround.values:
        raise CaseError("ground_required", _("Choose the ground for erasure."))
    if confirm_code.strip().upper() != root.code:
        raise CaseError("confirm", _("Type the beneficiary's code exactly to confirm the erasure."))
    if root.anonymised_at is not None:
        raise CaseError("already_erased", _("This person's data was already erased."))
    records = person_records(root)
    now = timezone.now()
    with transaction.atomic():
        case_ids = list(Case.objects.filter(beneficiary__in=records).values_list("pk", flat=True))
        counts = _cases_anonymise(case_ids, now=now)
        counts.identities = _identity_erase(records, now=now)
        _tombstone(user=user, request=request, root=root, records=records, ground=ground, counts=counts)
    root.anonymised_at = now
    return counts


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    """Cases closed before this day have been kept for the configured number of years."""
    today = today or timezone.localdate()
    years = settings.REFUGIU["RETENTION_YEARS"]
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def retention_due(*, user) -> QuerySet[Case]:
    """Closed cases past the retention period that were not anonymised yet, oldest first."""
    _require(user)
    return (
        Case.objects.filter(
            status=v.CaseStatus.CLOSED, closed_on__lt=retention_cutoff(), anonymised_at__isnull=True
        )
        .select_related("department", "beneficiary")
        .order_by("closed_on", "pk")
    )


def retention_review(*, user, request=None, limit: int = 200) -> tuple[list[Case], int]:
    """The first `limit` cases due, and how many are due in all; the listing is audited."""
    due = retention_due(user=user)
    shown = list(due[:limit])
    audit_record(
        actor=user,
        action="cases.case.listed",
        request=request,
        detail={"view": "retention", "cases": [c.pk for c in shown]},
    )
    return shown, (len(shown) if len(shown) < limit else due.count())


def retention_anonymise(*, user, request=None, case_ids: list[int]) -> Anonymised:
    """Anonymise the chosen cases (each must be due); a person whose cases are then all anonymised loses
    their identity too, with a tombstone, as in an erasure."""
    due = list(retention_due(user=user).filter(pk__in=case_ids))
    if not due:
        raise CaseError("nothing_chosen", _("Choose at least one case that is due for anonymisation."))
    if len(due) != len(set(case_ids)):
        raise CaseError(
            "not_due", _("Some of the chosen cases are not due for anonymisation; nothing was done.")
        )
    now = timezone.now()
    with transaction.atomic():
        counts = _cases_anonymise([c.pk for c in due], now=now)
        for case in due:
            audit_record(
                actor=user,
                action="cases.case.anonymised",
                target=case,
                request=request,
                detail={"ground": ErasureGround.RETENTION, "closed_on": case.closed_on.isoformat()},
            )
        for beneficiary_id in sorted({c.beneficiary_id for c in due}):
            root = person_root(Beneficiary.objects.get(pk=beneficiary_id))
            records = person_records(root)
            if Case.objects.filter(beneficiary__in=records, anonymised_at__isnull=True).exists():
                continue
            person_counts = Anonymised(identities=_identity_erase(records, now=now))
            counts.identities += person_counts.identities
            _tombstone(
                user=user,
                request=request,
                root=root,
                records=records,
                ground=ErasureGround.RETENTION,
                counts=person_counts,
            )
    return counts


# The audit log ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the DPO filters the log by. Only ids, an action prefix, a kind and dates: these travel in URLs
    (for paging and the CSV link), so a beneficiary code or a username is resolved to an id first.
    `kind` is "" for every record or "security" for the security trail (core.audit.security_events)."""

    actor: int | None = None
    action: str = ""
    kind: str = ""
    case: int | None = None
    beneficiary: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def as_query(self) -> dict:
        return {
            key: (value.isoformat() if isinstance(value, dt.date) else value)
            for key, value in asdict(self).items()
            if value not in (None, "")
        }


LISTING_ACTIONS = ("cases.case.listed", "cases.work.listed")
AUDIT_KIND_SECURITY = "security"


def audit_search(*, user, filters: AuditFilters) -> QuerySet[AuditEntry]:
    _require(user)
    entries = AuditEntry.objects.all()
    if filters.actor is not None:
        entries = entries.filter(actor_id=filters.actor)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.kind == AUDIT_KIND_SECURITY:
        entries = entries.filter(security_events())
    if filters.case is not None:
        # A list page writes one record naming every case it showed (detail["cases"]); those count as
        # accesses of each of them. Matched on the record's text: JSON containment has no SQLite lookup.
        listed = Q(action__in=LISTING_ACTIONS) & Q(detail_text__regex=rf"[\[ ,]{int(filters.case)}[\],]")
        entries = entries.annotate(detail_text=Cast("detail", TextField())).filter(
            Q(case_id=filters.case) | listed
        )
    if filters.beneficiary is not None:
        entries = entries.filter(beneficiary_id=filters.beneficiary)
    if filters.since is not None:
        entries = entries.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        entries = entries.filter(at__lt=_day_start(filters.until + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_viewed(*, user, request=None, filters: AuditFilters, what: str = "audit", page: int = 1) -> None:
    """Reading the log is itself logged: who looked at whose traces is a question the DPO answers too."""
    _require(user)
    audit_record(
        actor=user,
        action="core.audit.viewed",
        request=request,
        detail={"view": what, "filters": filters.as_query(), "page": page},
    )


def audit_labels(entries) -> tuple[dict[int, str], dict[int, str]]:
    """Case references and beneficiary codes for the ids on a page of the log (two queries)."""
    case_ids = {e.case_id for e in entries if e.case_id}
    beneficiary_ids = {e.beneficiary_id for e in entries if e.beneficiary_id}
    cases = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reference"))
    beneficiaries = dict(Beneficiary.objects.filter(pk__in=beneficiary_ids).values_list("pk", "code"))
    return cases, beneficiaries


CSV_COLUMNS = (
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "beneficiary_id",
    "address",
    "detail",
)


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with one of these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(*, user, request=None, filters: AuditFilters) -> Iterator[str]:
    """The filtered log as CSV lines, streamed; the export is audited before the first line."""
    _require(user, Permission.AUDIT_EXPORT)
    entries = audit_search(user=user, filters=filters)
    audit_record(
        actor=user, action="core.audit.exported", request=request, detail={"filters": filters.as_query()}
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            row = [
                entry.at.isoformat(),
                entry.actor_name,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.case_id,
                entry.beneficiary_id,
                entry.address,
                json.dumps(entry.detail, sort_keys=True, ensure_ascii=False),
            ]
            yield writer.writerow([_cell(cell) for cell in row])

    return lines()


def break_glass_list(*, user) -> QuerySet[BreakGlass]:
    """Every break-glass access, newest first, with who, which case, when, until when and why."""
    _require(user)
    return BreakGlass.objects.select_related("user", "case").order_by("-opened_at", "-pk")


def user_by_username(username: str):
    return get_user_model().objects.filter(username__iexact=username.strip()).first()
