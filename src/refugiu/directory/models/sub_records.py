"""The HSDS records that hang from the core ones: addresses, contacts, phones, schedules, languages,
service areas, and attributes (a taxonomy term attached to any record)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models.base import HsdsModel, WebAddressField
from refugiu.directory.models.records import Location, Organization, Service, ServiceAtLocation
from refugiu.directory.models.taxonomy import TaxonomyTerm


class Address(HsdsModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=None, blank=True)
    address_1 = models.CharField(_("address"), max_length=None)
    address_2 = models.CharField(_("address (continued)"), max_length=None, blank=True)
    city = models.CharField(_("city"), max_length=None)
    region = models.CharField(_("region"), max_length=None, blank=True)
    state_province = models.CharField(_("county or region"), max_length=None)
    postal_code = models.CharField(_("postal code"), max_length=None)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    address_type = models.CharField(
        max_length=10, choices=Location.Type.choices, default=Location.Type.PHYSICAL
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        return f"{self.address_1}, {self.city}"


class LinkedToParent(HsdsModel):
    """HSDS sub-records (phones, contacts, schedules, languages) hang from one of several parents."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="%(class)ss"
    )

    class Meta:
        abstract = True


class Contact(LinkedToParent):
    name = models.CharField(_("name"), max_length=None, blank=True)
    title = models.CharField(_("title"), max_length=None, blank=True)
    department = models.CharField(_("department"), max_length=None, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name or self.title or str(self.id)


class Phone(LinkedToParent):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=None)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(_("type"), max_length=None, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self):
        return self.number


class Schedule(LinkedToParent):
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)
    interval = models.PositiveIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=None, blank=True)
    byweekno = models.CharField(max_length=None, blank=True)
    bymonthday = models.CharField(max_length=None, blank=True)
    byyearday = models.CharField(max_length=None, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = WebAddressField(blank=True)
    attending_type = models.CharField(max_length=None, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self):
        return self.description or f"{self.byday} {self.opens_at}–{self.closes_at}"


class Language(HsdsModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(_("name"), max_length=None, blank=True)
    code = models.CharField(_("code"), max_length=None, blank=True, help_text=_("ISO 639-1 or ISO 639-3"))
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.name or self.code


class ServiceArea(HsdsModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="service_areas"
    )
    name = models.CharField(_("name"), max_length=None, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=None, blank=True)
    uri = models.CharField(max_length=None, blank=True)

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self):
        return self.name or str(self.id)


class Attribute(HsdsModel):
    """A taxonomy term attached to any record, the HSDS way: by entity name and id."""

    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=None, blank=True)
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    value = models.TextField(blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [models.Index(fields=["link_entity", "link_id"])]

    def __str__(self):
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term}"
