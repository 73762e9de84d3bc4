"""The controlled lists of the programmes module: what a project, an event or a publication can be.

Values are stable slugs (they are stored and exported); labels are translatable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Profession(models.TextChoices):
    """Trainees' professions, as EU funders ask for them (product.md §3)."""

    JUDGE = "judge", _("judge")
    PROSECUTOR = "prosecutor", _("prosecutor")
    LAWYER = "lawyer", _("lawyer")
    POLICE_OFFICER = "police_officer", _("police officer")
    SOCIAL_WORKER = "social_worker", _("social worker")
    PSYCHOLOGIST = "psychologist", _("psychologist")
    HEALTH_PROFESSIONAL = "health_professional", _("doctor or health professional")
    IMMIGRATION_OFFICER = "immigration_officer", _("immigration officer")
    LABOUR_INSPECTOR = "labour_inspector", _("labour inspector")
    CULTURAL_MEDIATOR = "cultural_mediator", _("cultural mediator")
    INTERPRETER = "interpreter", _("interpreter")
    NGO_STAFF = "ngo_staff", _("NGO staff")
    BUSINESS_SECTOR = "business_sector", _("business sector")
    ACADEMIC = "academic", _("academic")
    OTHER = "other", _("other")


class DatePrecision(models.TextChoices):
    """How much of a stored date is known: "June 2019" is kept as 2019-06-01 with month precision."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class ThematicArea(models.TextChoices):
    ACCESS_TO_JUSTICE = "access_to_justice", _("access to justice for victims of crime")
    HUMAN_TRAFFICKING = "human_trafficking", _("human trafficking")
    MIGRATION_INTEGRATION = "migration_integration", _("migration and integration")
    VIOLENCE_AGAINST_WOMEN = "violence_against_women", _("violence against women")


class ProjectRole(models.TextChoices):
    """Our own role in a project."""

    COORDINATOR = "coordinator", _("coordinator")
    PARTNER = "partner", _("partner")


class PartnerRole(models.TextChoices):
    """Another organisation's role in one of our projects."""

    COORDINATOR = "coordinator", _("coordinator")
    PARTNER = "partner", _("partner")
    ASSOCIATE = "associate", _("associate partner")


class DeliverableKind(models.TextChoices):
    STUDY = "study", _("study")
    GUIDE = "guide", _("guide")
    ONLINE_PLATFORM = "online_platform", _("online platform")
    TOOLKIT = "toolkit", _("toolkit")
    CAMPAIGN = "campaign", _("campaign")
    TRAINING_MATERIALS = "training_materials", _("training materials")


class EventType(models.TextChoices):
    SEMINAR = "seminar", _("seminar")
    CONFERENCE = "conference", _("conference")
    FINAL_CONFERENCE = "final_conference", _("final conference")
    WORKSHOP = "workshop", _("workshop")
    TRAINING = "training", _("training")
    EXPERTS_MEETING = "experts_meeting", _("experts meeting")
    TRANSNATIONAL_EXPERTS_MEETING = "transnational_experts_meeting", _("transnational experts meeting")
    NATIONAL_WORKING_GROUP = "national_working_group", _("national working group")
    CASE_CONFERENCE = "case_conference", _("case conference")
    LOCAL_CONFERENCE = "local_conference", _("local conference")
    EXCHANGE_SEMINAR = "exchange_seminar", _("exchange seminar")
    NETWORK_MEETING = "network_meeting", _("network meeting")


class EventRole(models.TextChoices):
    """Our own role in an event."""

    ORGANISER = "organiser", _("organiser")
    CO_ORGANISER = "co_organiser", _("co-organiser")
    SPEAKER = "speaker", _("speaker")
    ATTENDEE = "attendee", _("attendee")


class PublicationType(models.TextChoices):
    STUDY = "study", _("study")
    GUIDE = "guide", _("guide")
    HANDBOOK = "handbook", _("handbook")
    TOOLKIT = "toolkit", _("toolkit")
    RESEARCH_PAPER = "research_paper", _("research paper")
    REPORT = "report", _("report")


class PartnerScope(models.TextChoices):
    INTERNATIONAL = "international", _("international")
    NATIONAL = "national", _("national")


class ParticipantStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")


class ParticipantSource(models.TextChoices):
    FORM = "form", _("public registration form")
    STAFF = "staff", _("added by staff")


class ParticipantGender(models.TextChoices):
    """Asked only as funders need it; answering is optional and "prefer not to say" is an answer."""

    WOMAN = "woman", _("woman")
    MAN = "man", _("man")
    OTHER = "other", pgettext_lazy("gender", "another gender")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("prefer not to say")


class EvaluationScore(models.IntegerChoices):
    VERY_POOR = 1, _("1 — very poor")
    POOR = 2, _("2 — poor")
    FAIR = 3, _("3 — fair")
    GOOD = 4, _("4 — good")
    EXCELLENT = 5, _("5 — excellent")
