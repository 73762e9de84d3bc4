"""Registering, changing and merging beneficiaries, and the blind-index tokens that let search-before-
register work on their encrypted identity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import require
from refugiu.cases.models import Beneficiary, BeneficiaryIdentity, Case, IdentityToken
from refugiu.cases.services.common import UNCHANGED, Unchanged, changed_fields, given, versioned_update
from refugiu.core.audit import audit_record
from refugiu.core.crypto import blind_tokens

if TYPE_CHECKING:
    from refugiu.accounts.models import User


class IdentityFields(TypedDict, total=False):
    """Who the person is (`BeneficiaryIdentity`); a field left out is blank when registering, and unchanged
    when changing."""

    given_names: str
    family_names: str
    other_names: str
    date_of_birth: str
    phone: str
    email: str
    address: str
    document_type: str
    document_number: str


IDENTITY_FIELDS: tuple[str, ...] = tuple(IdentityFields.__annotations__)


def _identity_tokens(identity: BeneficiaryIdentity) -> set[tuple[str, str]]:
    tokens: set[tuple[str, str]] = set()
    for value in (identity.given_names, identity.family_names, identity.other_names):
        tokens |= {("name", t) for t in blind_tokens(value, kind="name")}
    tokens |= {("phone", t) for t in blind_tokens(identity.phone, kind="phone")}
    tokens |= {("document", t) for t in blind_tokens(identity.document_number, kind="document")}
    return tokens


def identity_tokens_refresh(identity: BeneficiaryIdentity) -> None:
    IdentityToken.objects.filter(beneficiary_id=identity.beneficiary_id).delete()
    IdentityToken.objects.bulk_create(
        IdentityToken(beneficiary_id=identity.beneficiary_id, kind=kind, digest=digest)
        for kind, digest in sorted(_identity_tokens(identity))
    )


def beneficiary_register(
    *,
    user: User,
    request: HttpRequest | None = None,
    identity: IdentityFields,
    gender: str = v.Gender.UNKNOWN,
    age_band: str = v.AgeBand.UNKNOWN,
    nationality: str = "",
    languages: Sequence[str] = (),
    migration_status: str = v.MigrationStatus.UNKNOWN,
) -> Beneficiary:
    require(access.works_on_cases(user), "forbidden", _("You may not register beneficiaries."))
    with transaction.atomic():
        beneficiary = Beneficiary.objects.create(
            created_by=user,
            gender=gender,
            age_band=age_band,
            nationality=nationality,
            languages=list(languages),
            migration_status=migration_status,
        )
        record = BeneficiaryIdentity.objects.create(
            beneficiary=beneficiary, **{key: identity.get(key, "") for key in IDENTITY_FIELDS}
        )
        identity_tokens_refresh(record)
        audit_record(actor=user, action="cases.beneficiary.created", target=beneficiary, request=request)
    return beneficiary


def beneficiary_update(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    expected_version: int,
    identity: IdentityFields | None = None,
    gender: str | Unchanged = UNCHANGED,
    age_band: str | Unchanged = UNCHANGED,
    nationality: str | Unchanged = UNCHANGED,
    languages: Sequence[str] | Unchanged = UNCHANGED,
    migration_status: str | Unchanged = UNCHANGED,
) -> Beneficiary:
    """Change the beneficiary of `case`, a case the user may change (`access.can_edit`): the person is
    reached through it. The audit record names the fields that changed, not their values."""
    require(access.can_edit(user, case), "forbidden", _("You cannot change this case."))
    beneficiary = case.beneficiary
    attributes = given(
        gender=gender,
        age_band=age_band,
        nationality=nationality,
        languages=languages if isinstance(languages, Unchanged) else list(languages),
        migration_status=migration_status,
    )
    with transaction.atomic():
        changed = changed_fields(beneficiary, attributes)
        versioned_update(beneficiary, expected_version=expected_version, fields=attributes)
        if identity is not None:
            record, _created = BeneficiaryIdentity.objects.get_or_create(beneficiary=beneficiary)
            values: dict[str, object] = dict(identity)
            for key in IDENTITY_FIELDS:
                if key in values and getattr(record, key) != values[key]:
                    changed.append(key)
                    setattr(record, key, values[key])
            record.save()
            identity_tokens_refresh(record)
        audit_record(
            actor=user,
            action="cases.beneficiary.changed",
            target=beneficiary,
            request=request,
            detail={"fields": changed},
        )
    return beneficiary


def beneficiary_merge(
    *, user: User, request: HttpRequest | None = None, keep: Beneficiary, merge: Beneficiary
) -> Beneficiary:
    """Fold `merge` into `keep`: its cases and consents move over, its record stays, marked as merged,
    so the history of both is kept. Coordinators only, and only for people in their departments' cases
    (`access.can_merge`)."""
    require(keep.pk != merge.pk, "same_beneficiary", _("Choose two different records to merge."))
    require(merge.merged_into_id is None, "already_merged", _("This record was already merged."))
    for record in (keep, merge):
        require(
            access.can_merge(user, record),
            "forbidden",
            _("Only the coordinator of every department involved can merge these records."),
        )
    with transaction.atomic():
        moved_cases = list(merge.cases.values_list("pk", flat=True))
        merge.cases.update(beneficiary=keep)
        merge.consents.update(beneficiary=keep)
        Beneficiary.objects.filter(pk=merge.pk).update(merged_into=keep, version=F("version") + 1)
        IdentityToken.objects.filter(beneficiary=merge).update(beneficiary=keep)
        for record, role in ((keep, "kept"), (merge, "merged")):
            audit_record(
                actor=user,
                action=f"cases.beneficiary.merge_{role}",
                target=record,
                request=request,
                detail={"kept": keep.code, "merged": merge.code, "cases_moved": moved_cases},
            )
    merge.merged_into = keep
    return keep
