"""Referrals to a service of the directory or to an organisation of the directory itself, one with no
listed service (external), or to another department (internal), bound by the person's consent: without the
matching consent only the department's coordinator sends one, with a written reason; only the data fields
the consent covers may be shared. A consent to share with an organisation covers a referral to it and to
each of its services alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.errors import require
from refugiu.cases.models import Case, Consent, Referral
from refugiu.cases.services.common import versioned_update
from refugiu.core.audit import audit_record

if TYPE_CHECKING:
    from refugiu.accounts.models import User
    from refugiu.directory.models import Organization, Service
    from refugiu.organisation.models import Department


def consent_for_referral(
    *,
    case: Case,
    service: Service | None = None,
    organization: Organization | None = None,
    department: Department | None = None,
) -> Consent | None:
    """The active consent that allows this referral: sharing with the organisation (the service's, or the
    one referred to itself) for an external referral; assistance for an internal one (the data stays in
    the organisation)."""
    consents = Consent.objects.filter(beneficiary_id=case.beneficiary_id, withdrawn_on__isnull=True)
    if department is not None:
        return consents.filter(purpose=v.ConsentPurpose.ASSISTANCE).order_by("-given_on", "-pk").first()
    if service is not None:
        recipient_id = service.organization_id
    elif organization is not None:
        recipient_id = organization.pk
    else:
        return None
    return (
        consents.filter(purpose=v.ConsentPurpose.SHARING, organization_id=recipient_id)
        .order_by("-given_on", "-pk")
        .first()
    )


def _no_consent_message(*, internal: bool, coordinator: bool) -> str:
    """What is missing, said once: the consent the destination needs (to assistance for another
    department, to sharing with the organisation for one outside) and what the user can do about it."""
    if internal:
        missing = _(
            "There is no consent to assistance recorded, which a referral to another department needs."
        )
    else:
        missing = _("There is no consent recorded to share this person’s data with this organisation.")
    if coordinator:
        remedy = _("Record the consent first, or give the reason for sending without it.")
    else:
        remedy = _("Record the consent first: only the department’s coordinator can send without it.")
    return f"{missing} {remedy}"


def referral_send(
    *,
    user: User,
    request: HttpRequest | None = None,
    case: Case,
    reason: str,
    shared_fields: Sequence[str],
    service: Service | None = None,
    organization: Organization | None = None,
    department: Department | None = None,
    override_reason: str = "",
) -> Referral:
    """Refer the beneficiary to one destination: a service of the directory, an organisation of the
    directory itself (`organization`, for one with no listed service), or another department. Refused
    without the matching consent unless a coordinator overrides it with a written reason. Only the fields
    the consent covers may be shared."""
    access.require_writable(user, case)
    destinations = [d for d in (service, organization, department) if d is not None]
    require(
        len(destinations) == 1,
        "destination",
        _("Choose one destination: a service, an organisation or a department."),
    )
    require(bool(reason.strip()), "reason_required", _("Give the reason for the referral."))
    unknown = set(shared_fields) - set(v.SharedField.values)
    require(not unknown, "bad_field", _("Unknown data fields: %s") % ", ".join(sorted(unknown)))
    consent = consent_for_referral(
        case=case, service=service, organization=organization, department=department
    )
    overridden = False
    if consent is None:
        coordinator = access.can_coordinate(user, case)
        require(
            bool(override_reason.strip()) and coordinator,
            "no_consent",
            _no_consent_message(internal=department is not None, coordinator=coordinator),
        )
        overridden = True
    elif consent.purpose == v.ConsentPurpose.SHARING:
        beyond = set(shared_fields) - set(consent.shared_fields)
        require(
            not beyond,
            "beyond_consent",
            _("The consent does not cover: %s")
            % ", ".join(str(dict(v.SharedField.choices)[f]) for f in sorted(beyond)),
        )
    recipient = service.organization if service is not None else organization
    country = recipient.country if recipient is not None else ""
    home = settings.REFUGIU["HOME_COUNTRY"]
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            kind=v.ReferralKind.INTERNAL if department is not None else v.ReferralKind.EXTERNAL,
            service=service,
            organization=organization,
            department=department,
            country=country,
            is_cross_border=bool(country) and country != home,
            reason=reason,
            consent=consent,
            consent_override_reason=override_reason if overridden else "",
            consent_overridden_by=user if overridden else None,
            shared_fields=sorted(shared_fields),
            created_by=user,
        )
        audit_record(
            actor=user,
            action="cases.referral.sent",
            target=referral,
            request=request,
            detail={
                "destination": referral.destination_kind,
                "shared_fields": referral.shared_fields,
                "consent_overridden": overridden,
            },
        )
    return referral


def referral_update(
    *,
    user: User,
    request: HttpRequest | None = None,
    referral: Referral,
    expected_version: int,
    status: str,
    decline_reason: str = "",
    feedback: str = "",
) -> Referral:
    access.require_writable(user, referral.case)
    require(
        status in v.REFERRAL_NEXT.get(referral.status, set()),
        "bad_transition",
        _("A referral cannot move from %(from)s to %(to)s.")
        % {"from": referral.get_status_display(), "to": dict(v.ReferralStatus.choices).get(status, status)},
    )
    require(
        status != v.ReferralStatus.DECLINED or bool(decline_reason.strip()),
        "reason_required",
        _("Give the reason the referral was declined."),
    )
    today = timezone.localdate()
    fields: dict[str, object] = {"status": status}
    if status in (v.ReferralStatus.ACCEPTED, v.ReferralStatus.DECLINED):
        fields["responded_on"] = today
    if status == v.ReferralStatus.COMPLETED:
        fields["completed_on"] = today
    if decline_reason:
        fields["decline_reason"] = decline_reason
    if feedback:
        fields["feedback"] = feedback
    with transaction.atomic():
        versioned_update(referral, expected_version=expected_version, fields=fields)
        audit_record(
            actor=user,
            action="cases.referral.status_changed",
            target=referral,
            request=request,
            detail={"to": status},
        )
    return referral
