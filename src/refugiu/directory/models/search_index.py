"""The search index: rows derived from the published, public records by its rebuild (directory.search),
never edited, never exported: what is searched, its facets, where it is, and when it is open."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    # Its opening rows at a glance (directory.open_now.entry_hours), so the search decides most entries
    # without seeking their rows: the clock (-1: none, the rows decide), the stretch of dates, and for each
    # weekday the hours open all through (bits 0-23) and closed all through (bits 24-47).
    hours_zone = models.SmallIntegerField(default=-1)
    hours_from = models.IntegerField(default=0)
    hours_until = models.IntegerField(default=0)
    hours_mo = models.BigIntegerField(default=0)
    hours_tu = models.BigIntegerField(default=0)
    hours_we = models.BigIntegerField(default=0)
    hours_th = models.BigIntegerField(default=0)
    hours_fr = models.BigIntegerField(default=0)
    hours_sa = models.BigIntegerField(default=0)
    hours_su = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_record")
        ]
        # The few entries whose stretch of dates has begun lately or ends soon (and those with no glance,
        # whose stretch is empty): what the tally of open entries (OpenTally) is corrected by at a moment.
        indexes = [
            models.Index(fields=["hours_from"], name="search_entry_hours_from"),
            models.Index(fields=["hours_until"], name="search_entry_hours_until"),
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


class OpenTally(models.Model):
    """How many search entries are open all through an hour of the week by their hours at a glance, per
    facet value: the facets' counts of everything open now, read instead of testing every entry
    (directory.open_tally says how, and what corrects it). Kept by the search index's rebuild."""

    zone = models.SmallIntegerField()  # the entries' clock (open_now.ZONE_SITE or ZONE_UTC)
    weekday = models.SmallIntegerField()  # of that clock, Monday 0
    hour = models.SmallIntegerField()
    facet = models.CharField(max_length=50)
    value = models.CharField(max_length=200)
    entries = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "weekday", "hour", "facet", "value"], name="one_open_tally_per_hour_and_value"
            )
        ]

    def __str__(self):
        return f"{self.zone}/{self.weekday}/{self.hour} {self.facet}={self.value}: {self.entries}"


class OpenUndecided(models.Model):
    """An hour of the week that a search entry's hours at a glance leave to its rows (an opening begins or
    ends within it, or a monthly rule falls on that weekday): the entries the tally of open entries leaves
    out at that hour, to be tested one by one. Written and removed with the entry."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    zone = models.SmallIntegerField()
    weekday = models.SmallIntegerField()
    hour = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["zone", "weekday", "hour", "entry"], name="open_undecided_hour")]

    def __str__(self):
        return f"{self.entry_id} {self.zone}/{self.weekday}/{self.hour}"
