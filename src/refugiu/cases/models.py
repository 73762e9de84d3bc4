"""Beneficiaries and their cases: the most sensitive data Refugiu holds.

Reading rules live in `cases.access` (one scope, `Case.objects.visible_to(user)`), writing rules in
`cases.services`; models keep fields and constraints only. Identity and free text are encrypted
(`EncryptedTextField`); a beneficiary is shown by a pseudonymous code everywhere by default.
Records with a `version` are edited with an optimistic version check (`cases.services.versioned_update`).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from refugiu.cases import vocabularies as v
from refugiu.core.fields import EncryptedCountryField, EncryptedJSONField, EncryptedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from refugiu.accounts.models import User
    from refugiu.directory.models import Organization

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and copied by hand


def beneficiary_code_new() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"B-{body[:4]}-{body[4:]}"


def case_reference_new() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"C-{body[:4]}-{body[4:]}"


class Beneficiary(models.Model):
    """A person we assist, known by `code`; who they are is kept apart in `BeneficiaryIdentity`."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=beneficiary_code_new)
    gender = models.CharField(_("gender"), max_length=24, choices=v.Gender.choices, default=v.Gender.UNKNOWN)
    age_band = models.CharField(
        _("age band"), max_length=8, choices=v.AgeBand.choices, default=v.AgeBand.UNKNOWN
    )
    nationality = CountryField[str | Country, Country](_("nationality"), blank=True)
    # Sex, age band and nationality stay queryable: the published statistics count people by them. The
    # rest of what describes the person is encrypted (SECURITY.md, "What is encrypted").
    languages = EncryptedJSONField(_("languages"))
    migration_status = EncryptedTextField(
        _("migration or protection status"),
        max_length=32,
        choices=v.MigrationStatus.choices,
        default=v.MigrationStatus.UNKNOWN,
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")

    def __str__(self) -> str:
        return self.code


class BeneficiaryIdentity(models.Model):
    """Who the person is. Every field is ciphertext in the database."""

    beneficiary = models.OneToOneField(Beneficiary, on_delete=models.CASCADE, related_name="identity")
    given_names = EncryptedTextField(_("given names"))
    family_names = EncryptedTextField(_("family names"))
    other_names = EncryptedTextField(_("other names and spellings"))
    date_of_birth = EncryptedTextField(_("date of birth"))
    phone = EncryptedTextField(_("phone"))
    email = EncryptedTextField(_("email"))
    address = EncryptedTextField(_("address"))
    document_type = EncryptedTextField(_("identity document"))
    document_number = EncryptedTextField(_("document number"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return str(self.beneficiary_id)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_names}".strip()


class IdentityToken(models.Model):
    """Blind-index tokens (core.crypto.blind_tokens) so search-before-register works on ciphertext."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="identity_tokens")
    kind = models.CharField(max_length=12)
    digest = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["digest", "kind"], name="identity_token_lookup")]

    def __str__(self) -> str:
        return self.kind


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        from refugiu.cases.access import case_scope

        return self.filter(case_scope(user))


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=case_reference_new)
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="cases")
    department = models.ForeignKey("organisation.Department", on_delete=models.PROTECT, related_name="cases")
    category = models.CharField(_("category"), max_length=32, choices=v.CaseCategory.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=v.CaseStatus.choices, default=v.CaseStatus.OPEN
    )
    # Category and status stay queryable (lists, statistics). Risk, flags (which name health: disability,
    # pregnancy) and the trafficking details (what was done to the person) are encrypted like free text,
    # since nothing counts or filters by them (SECURITY.md, "What is encrypted").
    risk_level = EncryptedTextField(
        _("risk level"), max_length=10, choices=v.RiskLevel.choices, default=v.RiskLevel.LOW
    )
    flags = EncryptedJSONField(_("flags"))
    trafficking_status = EncryptedTextField(
        _("trafficking status"), max_length=40, choices=v.TraffickingStatus.choices
    )
    exploitation_types = EncryptedJSONField(_("forms of exploitation"))
    control_methods = EncryptedJSONField(_("means of control"))
    recruitment_methods = EncryptedJSONField(_("recruitment"))
    exploitation_country = EncryptedCountryField(_("country of exploitation"), blank=True)
    summary = EncryptedTextField(_("summary"))
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closure_reason = EncryptedTextField(_("closure reason"))
    closure_outcome = EncryptedTextField(_("outcome"), max_length=20, choices=v.ClosureOutcome.choices)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # A coordinator's list: their department's cases, most recently active first (without it
            # SQLite sorted all of a department's cases for each page: 145 ms instead of 8 at 100,000).
            models.Index(fields=["department", "-updated_at"], name="case_department_recent"),
            models.Index(fields=["-updated_at"], name="case_recent"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status == v.CaseStatus.CLOSED


class TeamMember(models.Model):
    """A member of staff assigned to a case, with the function they hold on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams")
    function = models.CharField(_("function"), max_length=20, choices=v.TeamFunction.choices)
    is_lead = models.BooleanField(_("lead caseworker"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_case")]
        indexes = [models.Index(fields=["user", "case"], name="team_user_case")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_function_display()})"


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=v.CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=v.CaseStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("note"))

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="status_change_case")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class BreakGlass(models.Model):
    """A coordinator's time-limited access outside their department or to sealed notes, with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"], name="break_glass_user")]

    def __str__(self) -> str:
        return f"{self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class Consent(models.Model):
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=v.ConsentPurpose.choices)
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    recipient_name = EncryptedTextField(_("recipient (if not in the directory)"), max_length=200)
    shared_fields = models.JSONField(_("data that may be shared"), default=list, blank=True)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    form = models.CharField(_("form of consent"), max_length=12, choices=v.ConsentForm.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="sharing")
                | models.Q(organization__isnull=False)
                | ~models.Q(recipient_name=""),
                name="sharing_consent_names_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class NeedsAssessment(models.Model):
    """Individual assessment of protection and support needs (Victims' Rights Directive art. 22)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legal = EncryptedTextField(
        _("legal"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    social = EncryptedTextField(
        _("social"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    psychological = EncryptedTextField(
        _("psychological"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    medical = EncryptedTextField(
        _("medical"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    shelter = EncryptedTextField(
        _("shelter"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    interpretation = EncryptedTextField(
        _("interpretation"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    safety = EncryptedTextField(
        _("safety"), max_length=8, choices=v.NeedLevel.choices, default=v.NeedLevel.NONE
    )
    notes = EncryptedTextField(_("notes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        indexes = [models.Index(fields=["case", "assessed_on"], name="assessment_case")]

    def __str__(self) -> str:
        return f"{self.assessed_on}"


class ServiceEntry(models.Model):
    """One session delivered to the beneficiary."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("service"), max_length=32, choices=v.ServiceKind.choices)
    delivered_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    mediator = EncryptedTextField(_("mediator or interpreter present"), max_length=150)
    language = EncryptedTextField(_("language used"), max_length=16)
    note = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["case", "-delivered_on", "-id"], name="service_case_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="service_duration_in_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delivered_on}"


class Note(models.Model):
    """A note on the case; a sealed one is readable only by the matching profession on the team."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    seal = models.CharField(
        _("who may read it"), max_length=16, choices=v.NoteSeal.choices, default=v.NoteSeal.NONE
    )
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [models.Index(fields=["case", "-written_at"], name="note_case")]

    def __str__(self) -> str:
        return f"{self.get_seal_display()} {self.written_at:%Y-%m-%d}"


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=10, choices=v.ReferralKind.choices)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    # An organisation of the directory itself, for one with no listed service (a prosecutor's office, a
    # court) or when the referral is to the organisation rather than one of its services.
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    country = CountryField[str | Country, Country](_("destination country"), blank=True)
    is_cross_border = models.BooleanField(_("cross-border"), default=False)
    reason = EncryptedTextField(_("reason"))
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    consent_override_reason = EncryptedTextField(_("reason for sending without consent"))
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_fields = models.JSONField(_("data shared"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=v.ReferralStatus.choices, default=v.ReferralStatus.SENT
    )
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"))
    feedback = EncryptedTextField(_("feedback"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            # Exactly one destination: a department (internal), or a service or an organisation of the
            # directory (external). Every referral written before organisations could be chosen has its
            # one service or department and no organisation, so it meets this too.
            models.CheckConstraint(
                condition=models.Q(
                    kind="internal",
                    department__isnull=False,
                    service__isnull=True,
                    organization__isnull=True,
                )
                | models.Q(
                    kind="external",
                    department__isnull=True,
                    service__isnull=False,
                    organization__isnull=True,
                )
                | models.Q(
                    kind="external",
                    department__isnull=True,
                    service__isnull=True,
                    organization__isnull=False,
                ),
                name="referral_has_one_destination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on}"

    @property
    def destination_kind(self) -> str:
        """ "service", "organization" or "department": where the referral goes (no personal data)."""
        if self.service_id is not None:
            return "service"
        if self.organization_id is not None:
            return "organization"
        return "department"

    @property
    def destination_organization(self) -> Organization | None:
        """The directory organisation the referral goes to, itself or through one of its services."""
        if self.service is not None:
            return self.service.organization
        return self.organization


class Proceeding(models.Model):
    """A legal or administrative procedure the beneficiary is part of, with its next deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("kind"), max_length=24, choices=v.ProceedingKind.choices)
    stage = models.CharField(_("stage"), max_length=24, choices=v.ProceedingStage.choices)
    authority = EncryptedTextField(_("court or authority"), max_length=200)
    file_number = EncryptedTextField(_("file number"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    deadline = models.DateField(_("next deadline"), null=True, blank=True)
    deadline_label = EncryptedTextField(_("what is due"), max_length=200)
    is_dublin = models.BooleanField(_("Dublin procedure"), default=False)
    is_appeal = models.BooleanField(_("appeal"), default=False)
    pecuniary_claimed = models.DecimalField(
        _("pecuniary damage claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    non_pecuniary_claimed = models.DecimalField(
        _("non-pecuniary damage claimed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    pecuniary_awarded = models.DecimalField(
        _("pecuniary damage awarded"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    non_pecuniary_awarded = models.DecimalField(
        _("non-pecuniary damage awarded"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    evidence = EncryptedTextField(_("evidence (e.g. psychological report)"))
    notes = EncryptedTextField(_("notes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("legal proceeding")
        verbose_name_plural = _("legal proceedings")
        indexes = [models.Index(fields=["deadline"], name="proceeding_deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_stage_display()}"


class Document(models.Model):
    """An uploaded file, encrypted on disk under a generated name outside the web root."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = EncryptedTextField(_("title"))
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.stored_name


class Task(models.Model):
    """A follow-up with a due date; proceedings' deadlines join these in "my work"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("what to do"))
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_due")]

    def __str__(self) -> str:
        return f"{self.due_on}"


class ApiToken(models.Model):
    """A personal token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name
