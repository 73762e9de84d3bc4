"""Events and their days, photographs, and the professions and countries the sources name.

`Event.places_taken` counts confirmed participants; it only changes through `programmes.services`, by
conditional UPDATEs that keep it at or under `capacity` however many people register at once.
"""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from refugiu.core.uploads import LimitedImageField
from refugiu.programmes.models.partners import Network
from refugiu.programmes.models.projects import Project
from refugiu.programmes.vocabularies import EventRole, EventType, Profession


class Event(models.Model):
    """A seminar, conference, meeting or training, ours or one our staff went to.

    `headcount` is the number of participants when that is all that is known (null when not even that);
    individual participants, registration (against `capacity`) and attendance per `EventDay` come later
    and feed the same statistics.
    """

    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    external_project = models.CharField(
        _("project of another organisation"),
        max_length=300,
        blank=True,
        help_text=_("For events held within someone else's project."),
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("For a meeting of a network."),
    )
    organiser = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
    )
    organiser_name = models.CharField(_("organiser (not in the directory)"), max_length=300, blank=True)
    our_role = models.CharField(_("our role"), max_length=20, choices=EventRole.choices, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField[str | Country, Country](_("country"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    audience = models.TextField(
        _("who took part"),
        blank=True,
        help_text=_("As the source describes them, e.g. the bodies represented."),
    )
    headcount = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True, help_text=_("Leave empty when not known.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_open = models.BooleanField(
        _("registration open"),
        default=False,
        help_text=_("Whether the public registration form accepts people."),
    )
    registration_closes_on = models.DateField(
        _("registration closes on"), null=True, blank=True, help_text=_("The last day to register.")
    )
    waiting_list = models.BooleanField(
        _("waiting list"), default=True, help_text=_("When full, put further people on a waiting list.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    represented_organisations = models.ManyToManyField(
        "directory.Organization",
        verbose_name=_("organisations represented"),
        blank=True,
        related_name="events_attended",
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(headcount__gte=1),
                name="programmes_event_headcount_unknown_is_null",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="programmes_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(organiser__isnull=True) | Q(organiser_name=""),
                name="programmes_event_one_organiser",
            ),
            # The database's own guarantee, behind the services' conditional UPDATEs.
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(places_taken__lte=F("capacity")),
                name="programmes_event_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.get_type_display())

    @property
    def organiser_display(self) -> str:
        return str(self.organiser) if self.organiser_id else self.organiser_name

    @property
    def first_day(self) -> datetime.date | None:
        return min((day.date for day in self.days.all()), default=None)

    @property
    def last_day(self) -> datetime.date | None:
        return max((day.date for day in self.days.all()), default=None)

    @property
    def is_upcoming(self) -> bool:
        """Its last day is today or later: nobody can say yet how many took part."""
        last = self.last_day
        return last is not None and last >= timezone.localdate()


class EventDay(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)

    class Meta:
        ordering = ["event", "date"]
        verbose_name = _("event day")
        verbose_name_plural = _("event days")
        constraints = [
            models.UniqueConstraint(fields=["event", "date"], name="programmes_eventday_once_per_date"),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="programmes_eventday_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {formats.date_format(self.date, 'DATE_FORMAT')}"


class EventPhoto(models.Model):
    """A photograph of an event, shown on its public page and in the annual report when published.

    Only photographs the organisation may publish belong here: no participant may be recognisable without
    their agreement, and never a beneficiary.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos")
    image = LimitedImageField(_("image"), upload_to="events/")
    caption = models.CharField(
        _("caption"),
        max_length=300,
        blank=True,
        help_text=_("What the photograph shows, for those who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("event photograph")
        verbose_name_plural = _("event photographs")

    def __str__(self) -> str:
        return self.caption or self.image.name or ""  # the image is required: a saved photograph has a name


class EventProfession(models.Model):
    """A profession the event was for or that took part, as the source names it."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="professions"
    )
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("event profession")
        verbose_name_plural = _("event professions")
        constraints = [
            models.UniqueConstraint(fields=["event", "profession"], name="programmes_eventprofession_once")
        ]

    def __str__(self) -> str:
        return str(self.get_profession_display())


class EventCountry(models.Model):
    """A country participants came from, as the source names it."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="countries"
    )
    country = CountryField[str | Country, Country](_("country"))

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("participants' country")
        verbose_name_plural = _("participants' countries")
        constraints = [
            models.UniqueConstraint(fields=["event", "country"], name="programmes_eventcountry_once")
        ]

    def __str__(self) -> str:
        return str(self.country.name)
