"""Erasure and retention *anonymise* rather than delete (as pretix's shredders do): the identity and every
piece of free text go, the categorical fields (gender, age band, nationality, category, statuses, dates,
service kinds and durations) stay, so the anonymous statistics still add up. The audit log never held
content, so it is left as it is, plus a tombstone naming the code and the counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import files_delete
from refugiu.cases.errors import CaseError
from refugiu.cases.gdpr.subjects import person_records, person_root
from refugiu.cases.models import (
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Document,
    IdentityToken,
    NeedsAssessment,
    Note,
    Proceeding,
    Referral,
    ServiceEntry,
    StatusChange,
    Task,
)
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User


class ErasureGround(models.TextChoices):
    """Why a person's data is erased (GDPR art. 17(1)), recorded in the tombstone instead of free text,
    which could itself name the person."""

    NOT_NEEDED = "not_needed", gettext_lazy("No longer needed for its purpose (17(1)(a))")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consent withdrawn, no other basis (17(1)(b))")
    OBJECTION = "objection", gettext_lazy("The person objected, no overriding grounds (17(1)(c))")
    UNLAWFUL = "unlawful", gettext_lazy("Processed unlawfully (17(1)(d))")
    LEGAL_OBLIGATION = "legal_obligation", gettext_lazy("Erasure required by law (17(1)(e))")
    RETENTION = "retention", gettext_lazy("Retention period over")


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

    def add(self, other: Anonymised) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
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


def _tombstone(
    *,
    user: User,
    request: HttpRequest | None,
    root: Beneficiary,
    records: list[Beneficiary],
    ground: str,
    counts: Anonymised,
) -> None:
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
    *,
    user: User,
    request: HttpRequest | None = None,
    beneficiary: Beneficiary,
    ground: str,
    confirm_code: str,
) -> Anonymised:
    """Anonymise a person: their identity and search tokens go, so does the free text of all their cases;
    what statistics need stays. `confirm_code` must repeat the person's code (no erasure by a slip)."""
    access.require_dpo(user)
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


def retention_due(*, user: User) -> QuerySet[Case]:
    """Closed cases past the retention period that were not anonymised yet, oldest first."""
    access.require_dpo(user)
    return (
        Case.objects.filter(
            status=v.CaseStatus.CLOSED, closed_on__lt=retention_cutoff(), anonymised_at__isnull=True
        )
        .select_related("department", "beneficiary")
        .order_by("closed_on", "pk")
    )


def retention_review(*, user: User, limit: int = 200) -> tuple[list[Case], int]:
    """The first `limit` cases due, and how many are due in all. The page that lists them audits the list
    (`read_audit.cases_listed`)."""
    due = retention_due(user=user)
    shown = list(due[:limit])
    return shown, (len(shown) if len(shown) < limit else due.count())


def retention_anonymise(*, user: User, request: HttpRequest | None = None, case_ids: list[int]) -> Anonymised:
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
            if case.closed_on is None:  # retention_due keeps cases closed before the cutoff only
                raise ValueError("a case due for anonymisation has a closing date")
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
