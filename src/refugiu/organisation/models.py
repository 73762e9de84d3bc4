"""The organisation that runs this Refugiu installation: who it is, how it is structured, how to reach it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrPromise

from refugiu.core.translated import display_language, translated_text
from refugiu.core.uploads import LimitedImageField


class Translated(models.Model):
    """Text the organisation keeps in the site's language (English) and, where it has it, in others:
    `translations` as {"ro": {"name": "…"}}, the shape of the directory's records (core.translated). Shown in
    the active language, falling back field by field to the record's own text."""

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('The text in other languages, e.g. {"ro": {"name": "Departamentul financiar"}}.'),
    )

    class Meta:
        abstract = True

    def shown(self, field: str) -> str:
        """`field` in the active language."""
        return translated_text(
            getattr(self, field), settings.LANGUAGE_CODE, self.translations, field, display_language()
        )

    def shown_list(self, field: str) -> list[str]:
        """A list `field` (keywords, activities) in the active language: its translation when it has one."""
        language = display_language()
        value = ((self.translations or {}).get(language) or {}).get(field)
        if language != settings.LANGUAGE_CODE and isinstance(value, list) and value:
            return [str(item) for item in value]
        return list(getattr(self, field) or [])


class NGO(Translated):
    """Our own organisation, the one that runs this installation (a directory entry is an `Organization`)."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    founded = models.CharField(
        _("founded"), max_length=100, blank=True, help_text=_('As precise as known, e.g. "early 2011".')
    )
    keywords = models.JSONField(_("thematic keywords"), default=list, blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    # On the annual report's cover and the about page; public, served by organisation.views.image. PNG or
    # JPEG only, judged from the content (organisation.forms).
    logo = LimitedImageField(_("logo"), upload_to="organisation/", blank=True)
    cover_photo = LimitedImageField(_("cover photograph"), upload_to="organisation/", blank=True)
    cover_photo_text = models.CharField(
        _("what the cover photograph shows"),
        max_length=200,
        blank=True,
        help_text=_("For those who cannot see it: read out by screen readers, in the PDF too."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def shown_description(self) -> str:
        return self.shown("description")

    @property
    def shown_street_address(self) -> str:
        return self.shown("street_address")

    @property
    def shown_keywords(self) -> list[str]:
        return self.shown_list("keywords")


class OrderedItem(Translated):
    ngo = models.ForeignKey(NGO, on_delete=models.CASCADE)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text

    @property
    def shown_text(self) -> str:
        return self.shown("text")


class FundamentalValue(OrderedItem):
    class Meta(OrderedItem.Meta):
        verbose_name = _("fundamental value")
        verbose_name_plural = _("fundamental values")
        default_related_name = "values"


class Objective(OrderedItem):
    class Meta(OrderedItem.Meta):
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        default_related_name = "objectives"


class CommitteePosition(Translated):
    """A seat on the steering committee; the holder's name is optional (the seed report gives none)."""

    ngo = models.ForeignKey(NGO, on_delete=models.CASCADE, related_name="committee")
    title = models.CharField(_("position"), max_length=100)
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("steering committee position")
        verbose_name_plural = _("steering committee")

    def __str__(self):
        return self.title

    @property
    def shown_title(self) -> str:
        return self.shown("title")


class Department(Translated):
    class Kind(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance")
        TRAINING = "training", _("Training")
        RESEARCH = "research", _("Research")
        FINANCIAL = "financial", _("Financial")
        OTHER = "other", _("Other")

    ngo = models.ForeignKey(NGO, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    activities = models.JSONField(_("activities"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    @property
    def shown_name(self) -> str:
        return self.shown("name")

    @property
    def shown_activities(self) -> list[str]:
        return self.shown_list("activities")


class StaffRole(models.TextChoices):
    LAWYER = "lawyer", _("lawyer")
    PSYCHOLOGIST = "psychologist", _("psychologist")
    SOCIAL_WORKER = "social_worker", _("social worker")
    MEDICAL_MEDIATOR = "medical_mediator", _("medical mediator")
    CULTURAL_MEDIATOR = "cultural_mediator", _("cultural mediator")
    INTERPRETER = "interpreter", _("interpreter")
    TRAINER = "trainer", _("trainer")
    RESEARCHER = "researcher", _("researcher")
    FINANCIAL_MANAGER = "financial_manager", _("financial manager")
    COORDINATOR = "coordinator", _("coordinator")
    OTHER = "other", _("other")


# "12 lawyers": the number and the role together, so that each language can decline the role properly.
STAFF_COUNT_LABELS: dict[str, StrPromise] = {
    StaffRole.LAWYER: ngettext_lazy("%(count)d lawyer", "%(count)d lawyers", "count"),
    StaffRole.PSYCHOLOGIST: ngettext_lazy("%(count)d psychologist", "%(count)d psychologists", "count"),
    StaffRole.SOCIAL_WORKER: ngettext_lazy("%(count)d social worker", "%(count)d social workers", "count"),
    StaffRole.MEDICAL_MEDIATOR: ngettext_lazy(
        "%(count)d medical mediator", "%(count)d medical mediators", "count"
    ),
    StaffRole.CULTURAL_MEDIATOR: ngettext_lazy(
        "%(count)d cultural mediator", "%(count)d cultural mediators", "count"
    ),
    StaffRole.INTERPRETER: ngettext_lazy("%(count)d interpreter", "%(count)d interpreters", "count"),
    StaffRole.TRAINER: ngettext_lazy("%(count)d trainer", "%(count)d trainers", "count"),
    StaffRole.RESEARCHER: ngettext_lazy("%(count)d researcher", "%(count)d researchers", "count"),
    StaffRole.FINANCIAL_MANAGER: ngettext_lazy(
        "%(count)d financial manager", "%(count)d financial managers", "count"
    ),
    StaffRole.COORDINATOR: ngettext_lazy("%(count)d coordinator", "%(count)d coordinators", "count"),
    StaffRole.OTHER: ngettext_lazy("%(count)d other", "%(count)d others", "count"),
}


class DepartmentStaffing(models.Model):
    """How many staff members and collaborators a department has in one role."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="staffing")
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    count = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("staffing")
        verbose_name_plural = _("staffing")
        constraints = [models.UniqueConstraint(fields=["department", "role"], name="one_count_per_role")]

    def __str__(self):
        return STAFF_COUNT_LABELS[self.role] % {"count": self.count}


class StaffMember(models.Model):
    """A named person in a department, for the organisational chart: an employee or a collaborator.

    `DepartmentStaffing` keeps the counts a report states; members are the people behind them where the
    organisation chooses to name them. A member may, but need not, have a user account.
    """

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("staff member")
        COLLABORATOR = "collaborator", _("collaborator")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EMPLOYEE)
    position = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("e.g. head of department")
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_memberships",
    )
    is_public = models.BooleanField(_("shown on the public chart"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["department", "order", "name"]
        verbose_name = _("staff member or collaborator")
        verbose_name_plural = _("staff members and collaborators")

    def __str__(self):
        return self.name
