"""A person's records as the data protection officer finds them: by code, followed to the record they were
merged into, with their cases' metadata (never notes on screen)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from refugiu.cases import access
from refugiu.cases.models import Beneficiary, BeneficiaryIdentity, Case

if TYPE_CHECKING:
    from refugiu.accounts.models import User


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


def subject_find(*, user: User, code: str) -> Beneficiary | None:
    access.require_dpo(user)
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


def subject_overview(*, user: User, beneficiary: Beneficiary) -> Subject:
    """The person (followed to the record they were merged into) and their cases' metadata. The page that
    shows it audits the read (`read_audit.beneficiary_read`)."""
    access.require_dpo(user)
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
    has_identity = BeneficiaryIdentity.objects.filter(beneficiary__in=records).exists()
    return Subject(beneficiary=root, records=records, cases=cases, has_identity=has_identity)
