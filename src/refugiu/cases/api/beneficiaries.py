"""Beneficiaries through the API: search before registering, registering, and the audited identity."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status

from refugiu.accounts.models import User
from refugiu.cases import access, read_audit, selectors, services
from refugiu.cases.api import schemas as s
from refugiu.cases.api.common import CaseId, caller, case_for_reading, operation_id, responses, router
from refugiu.cases.api.output import beneficiary_out, department_out
from refugiu.cases.services import IDENTITY_FIELDS, IdentityFields


def _own_without_cases(user: User, matches: list[selectors.PossibleMatch]) -> set[int]:
    """Of the matches, the people the caller registered who have no case yet (they may open the first:
    `access.beneficiaries_open_to`)."""
    mine = [
        m.beneficiary.pk for m in matches if not m.visible_cases and m.beneficiary.created_by_id == user.pk
    ]
    if not mine:
        return set()
    return set(access.beneficiaries_open_to(user).filter(pk__in=mine).values_list("pk", flat=True))


def _matches_out(user: User, matches: list[selectors.PossibleMatch]) -> list[dict[str, Any]]:
    """Each match by its code; its id and cases only where the caller already works with the person."""
    own = _own_without_cases(user, matches)
    return [
        {
            "code": match.beneficiary.code,
            "matched_on": list(match.matched_on),
            "beneficiary_id": match.beneficiary.pk
            if match.visible_cases or match.beneficiary.pk in own
            else None,
            "cases": [
                {
                    "id": c.pk,
                    "reference": c.reference,
                    "department": department_out(c.department),
                    "status": c.status,
                }
                for c in match.visible_cases
            ],
        }
        for match in matches
    ]


def _identity(given: s.IdentityIn) -> IdentityFields:
    """The identity as the services take it: every field, blank where none was given."""
    return IdentityFields(
        given_names=given.given_names,
        family_names=given.family_names,
        other_names=given.other_names,
        date_of_birth=given.date_of_birth,
        phone=given.phone,
        email=given.email,
        address=given.address,
        document_type=given.document_type,
        document_number=given.document_number,
    )


@router.post(
    "/beneficiaries/search",
    response=responses(200, list[s.BeneficiaryMatch], 400, 413),
    summary="Search before registering",
    operation_id=operation_id("beneficiary_search"),
)
def beneficiary_search(request: HttpRequest, payload: s.BeneficiarySearchIn) -> list[dict[str, Any]]:
    """Existing records sharing two name words, the phone, the document number or the code. A POST, so
    no name reaches a URL. Audited without what was searched for."""
    user = caller(request)
    matches = selectors.beneficiary_search(user=user, **payload.dict())
    read_audit.beneficiaries_searched(user=user, request=request, matches=matches)
    return _matches_out(user, matches)


@router.post(
    "/beneficiaries",
    response=responses(201, s.BeneficiaryOut, 400, 413) | {409: s.PossibleDuplicates},
    summary="Register a beneficiary",
    operation_id=operation_id("beneficiary_register"),
)
def beneficiary_register(request: HttpRequest, payload: s.BeneficiaryIn) -> Status[dict[str, Any]]:
    """Search-before-register: the identity is searched first; possible duplicates answer 409 (code
    "possible_duplicate") with their codes, unless `register_despite_matches` is true."""
    user = caller(request)
    identity = _identity(payload.identity)
    matches = selectors.beneficiary_search(
        user=user,
        names=" ".join((identity["given_names"], identity["family_names"], identity["other_names"])),
        phone=identity["phone"],
        document=identity["document_number"],
    )
    read_audit.beneficiaries_searched(user=user, request=request, matches=matches)
    if matches and not payload.register_despite_matches:
        return Status(
            409,
            {
                "detail": _(
                    "This person may already be registered. Check the records found before registering."
                ),
                "code": "possible_duplicate",
                "matches": _matches_out(user, matches),
            },
        )
    beneficiary = services.beneficiary_register(
        user=user,
        request=request,
        identity=identity,
        **payload.dict(exclude={"identity", "register_despite_matches"}),
    )
    return Status(201, beneficiary_out(beneficiary))


@router.get(
    "/cases/{case_id}/beneficiary/identity",
    response=responses(200, s.IdentityOut, 404),
    summary="Who the beneficiary of a case is",
    operation_id=operation_id("beneficiary_identity"),
)
def beneficiary_identity(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    """Names, date of birth, contact and documents. Audited as "cases.beneficiary.identity_viewed"."""
    case = case_for_reading(request, case_id)
    read_audit.case_read(user=caller(request), request=request, case=case, action=read_audit.IDENTITY_VIEWED)
    beneficiary = case.beneficiary
    identity = getattr(beneficiary, "identity", None)
    return {
        "beneficiary_id": beneficiary.pk,
        "code": beneficiary.code,
        **{field: getattr(identity, field, "") if identity else "" for field in IDENTITY_FIELDS},
    }
