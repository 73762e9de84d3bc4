"""Individual participants: their registration (`Participant`), their check-in per `EventDay`
(`Attendance`), the certificate code they receive when they attended, and the anonymous `Evaluation`.

Personal data (name, e-mail, institution) is blanked when the retention period ends; what the statistics
need stays.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import Country, CountryField

from refugiu.programmes.models.events import Event, EventDay
from refugiu.programmes.vocabularies import (
    EvaluationScore,
    ParticipantGender,
    ParticipantSource,
    ParticipantStatus,
    Profession,
)


def new_check_in_token() -> str:
    """A random check-in token, 128 bits URL-safe (22 characters): all that a participant's QR code holds."""
    return secrets.token_urlsafe(16)


class Participant(models.Model):
    """A person registered for an event, by the public form or by staff.

    Personal data (name, e-mail, institution) is blanked when the retention period ends
    (`anonymised_at`); profession, country, gender and attendance stay for the statistics.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    country = CountryField[str | Country, Country](_("country"), blank=True)
    gender = models.CharField(
        _("gender"), max_length=20, choices=ParticipantGender.choices, blank=True, help_text=_("Optional.")
    )
    status = models.CharField(_("status"), max_length=20, choices=ParticipantStatus.choices)
    source = models.CharField(
        _("registered through"),
        max_length=20,
        choices=ParticipantSource.choices,
        default=ParticipantSource.FORM,
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    consent_text = models.TextField(
        _("consent text"), blank=True, help_text=_("The text the person agreed to.")
    )
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    certificate_code = models.CharField(
        _("certificate code"), max_length=20, null=True, blank=True, unique=True
    )
    certificate_issued_at = models.DateTimeField(_("certificate issued at"), null=True, blank=True)
    evaluation_invited_at = models.DateTimeField(_("evaluation invitation sent at"), null=True, blank=True)
    # Only whether the person has answered, never which answer is theirs.
    evaluation_answered = models.BooleanField(_("evaluation answered"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # What the QR code of the confirmation e-mail holds: random, unguessable, naming nobody; a scan at the
    # door finds the registration by it. Cleared with the personal data at the end of the retention period.
    check_in_token = models.CharField(
        _("check-in code"), max_length=32, unique=True, null=True, blank=True, default=new_check_in_token
    )

    class Meta:
        ordering = ["event", "registered_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status=ParticipantStatus.CANCELLED) & ~Q(email=""),
                name="programmes_participant_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True) | (Q(name="") & Q(email="") & Q(institution="")),
                name="programmes_participant_anonymised_is_blank",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"], name="programmes_part_queue")]

    def __str__(self) -> str:
        return self.name or str(_("anonymised participant"))


class Attendance(models.Model):
    """A participant was there on one day of the event."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendances"
    )
    day = models.ForeignKey(
        EventDay, verbose_name=_("day"), on_delete=models.PROTECT, related_name="attendances"
    )
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["day", "participant"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="programmes_attendance_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.day}"


class Evaluation(models.Model):
    """One anonymous answer to an event's questionnaire. It holds no link to the person who gave it,
    and only the day it was given (a time could be matched with the server's logs)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluations"
    )
    submitted_on = models.DateField(_("submitted on"))
    overall = models.PositiveSmallIntegerField(_("overall"), choices=EvaluationScore.choices)
    content = models.PositiveSmallIntegerField(_("relevance of the content"), choices=EvaluationScore.choices)
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness for my work"), choices=EvaluationScore.choices
    )
    organisation = models.PositiveSmallIntegerField(
        pgettext_lazy("how the event was organised", "organisation"), choices=EvaluationScore.choices
    )
    liked = models.TextField(_("what worked well"), blank=True)
    improve = models.TextField(_("what could be better"), blank=True)

    SCORE_FIELDS = ("overall", "content", "usefulness", "organisation")

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5)
                & Q(content__gte=1, content__lte=5)
                & Q(usefulness__gte=1, usefulness__lte=5)
                & Q(organisation__gte=1, organisation__lte=5),
                name="programmes_evaluation_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.pk}"
