"""The referral directory, modelled on Open Referral HSDS 3.0.

Field names follow HSDS so that the API, import and export map one to one. What HSDS can carry but we do
not edit (funding, programs, cost options, required documents, accessibility, identifiers, metadata) is
kept as received in `hsds_extra`, so an import followed by an export loses nothing.

Text is kept whole: HSDS sets no length on any field, so neither do our columns (`max_length=None`: an
unlimited varchar on both engines, a one-line input in forms and the admin). Only values that cannot be
longer keep a length: code lists (status, types, frequencies), country codes, e-mail addresses (254
characters, RFC 5321) and our own slugs. A real court's switchboard with its extensions was 70 characters.

Multilingual text: a record's text is in its own language (`language`, usually the local one);
`translations` holds the other languages as {"uk": {"name": …, "description": …}}, for the fields its
kind has in `translations.TRANSLATED_FIELDS` (names, descriptions, a service's eligibility and how to
apply, a location's directions). Display falls back to the record's own text, field by field.
"""

import sys
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from refugiu.directory.translations import TRANSLATED_FIELDS, is_language_code, language_name


class WebAddressValidator(URLValidator):
    """Django's check of a web address, without its cap of 2,048 characters: HSDS sets none."""

    max_length = sys.maxsize


class WebAddressFormField(forms.URLField):
    default_validators = [WebAddressValidator()]


class WebAddressField(models.URLField):
    """A web address of any length (HSDS sets none), in the database, the model's validation and its
    forms. URLField cannot say so itself: it sets 200 when given no length, and leaves `max_length=None`
    out of its migrations, which then read 200 again; and its validator stops at 2,048 characters."""

    default_validators = [WebAddressValidator()]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", None)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hsds_extra = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


def display_language(language: str | None = None) -> str:
    """The language records are shown in: `language`, else the active one, without its region."""
    return (language or translation.get_language() or "en").split("-")[0]


def translated_text(text: str, record_language: str, translations: dict, field: str, language: str) -> str:
    """A record's `field` in `language`: its translation there, else its own `text` (in
    `record_language`). The same for a model instance (Translatable.translated) and for the plain rows
    that busy pages read."""
    if language != record_language:
        value = ((translations or {}).get(language) or {}).get(field)
        if value:
            return value
    return text or ""


def translations_problems(translations: object, fields: tuple[str, ...]) -> list[str]:
    """What is wrong with a record's `translations`, in words an editor understands (empty: nothing)."""
    if not isinstance(translations, dict):
        return [gettext('Translations must be an object of language code → {"name": …, "description": …}.')]
    problems = []
    for code, texts in translations.items():
        if not is_language_code(code):
            problems.append(
                gettext("“%(code)s” is not a language code: use a two-letter ISO 639-1 code, such as uk.")
                % {"code": code}
            )
        elif not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            problems.append(
                gettext("The %(language)s translation must be an object of field → text (%(fields)s).")
                % {"language": language_name(code), "fields": ", ".join(fields)}
            )
    return problems


class Translatable(models.Model):
    language = models.CharField(_("language of the record"), max_length=None, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    # The fields kept in several languages (translations.TRANSLATED_FIELDS, by HSDS entity).
    translated_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        return translated_text(
            getattr(self, field), self.language, self.translations, field, display_language(language)
        )

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")

    @cached_property
    def shown(self) -> "ShownTexts":
        """The record's text as a public page shows it, in the visitor's (the active) language."""
        return ShownTexts(self, display_language())

    def all_texts(self, field: str) -> list[str]:
        values = [getattr(self, field) or ""]
        values += [(t or {}).get(field) or "" for t in self.translations.values()]
        return [v for v in values if v]

    def clean(self) -> None:
        super().clean()
        # Not keyed by the field: an editing form shows the translations as fields of its own.
        if problems := translations_problems(self.translations, self.translated_fields):
            raise ValidationError(problems)


@dataclass(frozen=True)
class ShownText:
    """One field as shown: its text, the language it is in, and whether that is not the visitor's."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def lang_attribute(self) -> str:
        """` lang="ro"` for an element holding text not in the page's language, so that it is read aloud
        and hyphenated as what it is (and, by the stylesheet, written in its own direction); ` dir="auto"`
        when that language is not known; empty otherwise."""
        if self.fallback and self.language:
            return format_html(' lang="{}"', self.language)
        if self.fallback:
            return SafeString(' dir="auto"')
        return SafeString("")


# The fields that name a record: a name is often the same in every language, so a name shown as it is
# does not make the record "not translated".
NAMING_FIELDS = frozenset({"name", "alternate_name"})


class ShownTexts:
    """A record's translated fields in a language, each falling back to the record's own text (templates:
    `service.shown.eligibility_description`, `….lang_attribute`), and a note when its text is not (all)
    in that language (`service.shown.note`)."""

    def __init__(self, record: Translatable, language: str) -> None:
        self.record, self.language = record, language
        own = record.language
        wanted = (record.translations or {}).get(language) if language != own else None
        self._wanted = wanted if isinstance(wanted, dict) else {}
        self._translating = language != own

    def __getitem__(self, field: str) -> ShownText:
        if field not in self.record.translated_fields:
            raise KeyError(field)  # templates then look for an attribute (`note`)
        if self._translating and (value := self._wanted.get(field)):
            return ShownText(value, self.language, fallback=False)
        return ShownText(getattr(self.record, field) or "", self.record.language, fallback=self._translating)

    @cached_property
    def note(self) -> str:
        """ "…shown in Romanian" when the record's descriptive text (names aside) is, all or in part, in
        its own language rather than the visitor's; empty when there is nothing to say."""
        own = self.record.language
        if not self._translating or not own:
            return ""
        texts = [f for f in self.record.translated_fields if f not in NAMING_FIELDS]
        fell_back = [f for f in texts if getattr(self.record, f) and not self._wanted.get(f)]
        if not fell_back:
            return ""
        # The visitor's language is not named: they know it, and a name in the middle of a sentence
        # would need declining in many languages.
        original = {"language": language_name(own)}
        if any(self._wanted.get(f) for f in self.record.translated_fields):
            return (
                gettext(
                    "Not all of it is translated into your language yet: the rest is shown in %(language)s."
                )
                % original
            )
        return gettext("Not translated into your language yet: shown in %(language)s.") % original


class Taxonomy(HsdsModel):
    name = models.CharField(_("name"), max_length=None)
    description = models.TextField(_("description"))
    uri = WebAddressField(_("URI"), blank=True)
    version = models.CharField(_("version"), max_length=None, blank=True)
    # Our own vocabularies carry a stable slug; imported ones may not.
    slug = models.SlugField(max_length=50, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(HsdsModel, Translatable):
    translated_fields = TRANSLATED_FIELDS["taxonomy_term"]

    taxonomy_ref = models.ForeignKey(
        Taxonomy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        db_column="taxonomy_id",
    )
    taxonomy = models.CharField(_("taxonomy name"), max_length=None, blank=True)
    code = models.CharField(_("code"), max_length=None, blank=True)
    name = models.CharField(_("name"), max_length=None)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    term_uri = WebAddressField(_("term URI"), blank=True)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy_ref__name", "name"]
        indexes = [models.Index(fields=["taxonomy_ref", "code"])]

    def __str__(self):
        return self.display_name


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


class SearchEntry(models.Model):
    """One searchable public record (an organisation or a service), folded for accent-blind search.

    Rebuilt from the published, public data only (confidential addresses never enter it). The full-text
    index over `name_text` and `body_text` is database specific and kept by `directory.search`.
    """

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("organisation")
        SERVICE = "service", _("service")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.UUIDField()
    organization_id = models.UUIDField(db_index=True)
    sort_name = models.CharField(max_length=300)
    name_text = models.TextField()
    body_text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_record")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class SearchFacet(models.Model):
    """A filterable value of a search entry: country, city, or a taxonomy term (facet = taxonomy slug)."""

    # The unique constraint's index, which starts with the entry, serves every lookup by entry: an index
    # of the entry alone, or of entry and facet, would only slow the writes of a rebuild. No foreign key
    # in the database: facets are written and removed only with their entry, by the rebuild
    # (directory.search), and PostgreSQL's check of each at commit was a third of an import's commit
    # (0.6 s for 180,000 facets).
    entry = models.ForeignKey(
        SearchEntry, on_delete=models.CASCADE, related_name="facets", db_index=False, db_constraint=False
    )
    facet = models.CharField(max_length=50)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "entry"])]
        constraints = [models.UniqueConstraint(fields=["entry", "facet", "value"], name="unique_facet_value")]

    def __str__(self):
        return f"{self.facet}={self.value}"


class SearchPlace(models.Model):
    """Where a search entry is, for "near" searches and the API's proximity: derived from the published,
    public data by the search index's rebuild (directory.places.index), never edited, never exported.

    One row per public location of the entry (an organisation's, and its services'): its own coordinates
    (`approximate` false); or, for a location without coordinates whose town the gazetteer knows, that
    town's centre (`approximate` true: the source holds no coordinates, so none is written into the
    location); a confidential location only ever by the town of its public front door (approximate). An
    entry placed nowhere but known to be in (or to serve) a Romanian county has one row with the county
    and no coordinates. `town_key` and `postcode` are kept only on rows with the location's own
    coordinates, and never for a confidential location: they teach the gazetteer the directory's towns
    and postcodes.
    """

    entry = models.ForeignKey(
        SearchEntry, on_delete=models.CASCADE, related_name="places", db_constraint=False
    )
    location_id = models.UUIDField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    approximate = models.BooleanField(default=False)
    town = models.CharField(max_length=200, blank=True)  # as shown: "Iași"
    town_key = models.CharField(max_length=200, blank=True)  # folded (places.gazetteer.place_key)
    postcode = models.CharField(max_length=30, blank=True)  # without spaces, in capitals
    country = models.CharField(max_length=2, blank=True)
    county = models.CharField(max_length=3, blank=True)  # ISO 3166-2:RO without "RO-"

    class Meta:
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="search_place_position"),
            # Partial: only the rows that teach. A query names the same condition (town_key > '') for SQLite
            # to see that the index holds what it asks for.
            models.Index(fields=["town_key"], name="search_place_town", condition=models.Q(town_key__gt="")),
            models.Index(
                fields=["postcode"], name="search_place_postcode", condition=models.Q(postcode__gt="")
            ),
            models.Index(
                fields=["county"], name="search_place_county_only", condition=models.Q(latitude__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.latitude},{self.longitude}"


class Opening(models.Model):
    """When a public record (an organisation, a service, a service at a location) is open, as rows that
    SQL tests a moment against (directory.open_now says how). Derived from the schedules by the search
    index's rebuild, and written and removed with the organisation's search entries: never edited."""

    organization_id = models.UUIDField(db_index=True)
    # The search entry of an organisation or a service; none for a service at a location.
    entry = models.ForeignKey(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    record_id = models.UUIDField()
    zone = models.SmallIntegerField()
    shift = models.SmallIntegerField()
    starts = models.SmallIntegerField()
    ends = models.SmallIntegerField()
    weekdays = models.SmallIntegerField()
    monthdays = models.BigIntegerField()
    nths = models.SmallIntegerField()
    first_day = models.IntegerField()
    last_day = models.IntegerField()
    every_weeks = models.SmallIntegerField()
    week_start = models.SmallIntegerField()
    week_phase = models.IntegerField()
    every_months = models.SmallIntegerField()
    month_phase = models.IntegerField()

    class Meta:
        # The search tests a moment on each matching entry's rows: found by the entry, and read from the
        # index alone (every column the test reads is in it), which holds the entries' rows only.
        indexes = [
            models.Index(
                fields=[
                    "entry", "zone", "shift", "starts", "ends", "weekdays", "monthdays", "nths", "first_day",
                    "last_day", "every_weeks", "week_start", "week_phase", "every_months", "month_phase",
                ],
                name="opening_of_entry",
                condition=models.Q(entry__isnull=False),
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.record_id} {self.zone}/{self.shift} {self.starts}-{self.ends}"


class Suggestion(models.Model):
    """A correction proposed by a member of the public; nothing changes until an editor accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="suggestions")
    text = models.TextField(_("what should change"))
    contact_email = models.EmailField(_("your email (optional)"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")

    def __str__(self):
        return f"{self.organization}: {self.status}"


class OrganizationRepresentative(models.Model):
    """A person who speaks for a listed organisation and keeps its entry: they propose changes to it and
    to its services (ProposedChange), which wait for a directory editor. Their account holds the role
    accounts.roles.Role.ORGANIZATION_REPRESENTATIVE; this says which organisations it is for."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_representations",
        verbose_name=_("person"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("representative of an organisation")
        verbose_name_plural = _("representatives of organisations")
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_representation_per_person")
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class ProposedChange(models.Model):
    """A change to an organisation's entry or to one of its services, proposed by its representative and
    applied only when a directory editor approves it (directory.services.changes).

    `proposed` holds the new values of the fields that change, `base` their values when the change was
    proposed: a field whose live value is no longer its `base` was changed since by someone else, and an
    approval does not overwrite it unless the editor says so (directory.changes.stale_fields)."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("the organisation's entry")
        SERVICE = "service", _("a service")
        NEW_SERVICE = "new_service", _("a new service")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("a proposed change", "withdrawn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="proposed_changes")
    # The service changed; for a new service, the one made when it was approved. Kept when the service is
    # removed (the change can then no longer be approved).
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_changes"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    proposed = models.JSONField(_("proposed values"), default=dict)
    base = models.JSONField(_("values it was based on"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self):
        return f"{self.organization}: {self.kind} {self.status}"
