"""The HSDS core records: organisations, their services, their locations, and a service at a location."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models.base import HsdsModel, WebAddressField
from refugiu.directory.models.translatable import Translatable
from refugiu.directory.translations import TRANSLATED_FIELDS


class Organization(HsdsModel, Translatable):
    translated_fields = TRANSLATED_FIELDS["organization"]

    name = models.CharField(_("name"), max_length=None)
    alternate_name = models.CharField(_("alternate name"), max_length=None, blank=True)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = WebAddressField(_("website"), blank=True)
    tax_status = models.CharField(max_length=None, blank=True)
    tax_id = models.CharField(max_length=None, blank=True)
    year_incorporated = models.PositiveIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=None, blank=True)
    logo = WebAddressField(blank=True)
    uri = WebAddressField(blank=True)
    parent_organization = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("Where it is based (ISO 3166-1 alpha-2)")
    )
    is_published = models.BooleanField(_("published"), default=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.display_name


class Service(HsdsModel, Translatable):
    translated_fields = TRANSLATED_FIELDS["service"]

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=None)
    alternate_name = models.CharField(_("alternate name"), max_length=None, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = WebAddressField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    wait_time = models.TextField(blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(_("alert"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self):
        return self.display_name


class Location(HsdsModel, Translatable):
    translated_fields = TRANSLATED_FIELDS["location"]

    class Type(models.TextChoices):
        PHYSICAL = "physical", _("physical")
        POSTAL = "postal", _("postal")
        VIRTUAL = "virtual", _("virtual")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="locations"
    )
    location_type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    url = WebAddressField(blank=True)
    name = models.CharField(_("name"), max_length=None, blank=True)
    alternate_name = models.CharField(max_length=None, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    external_identifier = models.CharField(max_length=None, blank=True)
    external_identifier_type = models.CharField(max_length=None, blank=True)
    # A shelter's address must never reach a public page, the API, an export or the search index.
    is_confidential = models.BooleanField(
        _("confidential address"),
        default=False,
        help_text=_(
            "Hide the address, coordinates and directions from everything public; show the front door."
        ),
    )
    front_door_area = models.CharField(
        _("public area"),
        max_length=None,
        blank=True,
        help_text=_("What may be said publicly of where it is, e.g. a city."),
    )
    front_door_phone = models.CharField(_("front-door phone"), max_length=None, blank=True)
    front_door_email = models.EmailField(_("front-door email"), blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.display_name or str(self.id)


class ServiceAtLocation(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")

    def __str__(self):
        return f"{self.service} @ {self.location}"
