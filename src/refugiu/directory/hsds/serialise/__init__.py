"""HSDS 3.0 forms of the directory's records: the one place that turns our models into HSDS dicts.

The API and the export both call this package, so what the public may see is decided here and nowhere
else. The querysets it builds (`querysets`: `*_full_list`, `*_summary_list`) start from the public
selectors and prefetch everything the forms read, so a batch of records costs the same number of queries
whatever its size.

By HSDS object: `services` (organisations, services and services at locations in full form, which nest
one another), `summaries` (their summary forms, from plain rows), `locations`, `nested` (phones,
contacts, schedules, languages, addresses, service areas), `vocabularies` (taxonomies and terms) and
`attributes`; `fields` says which of our columns each object gives and how they become JSON values.

Why it works the way it does:
- A confidential location has one public form, built by `locations.location_serialise` and used
  everywhere: its id, type, a neutral name (its public area) and its front door (phone, email). Its
  addresses, coordinates, directions, description, identifiers, other names, translations, phones,
  schedules, contacts, attributes and what HSDS extras it came with never leave. A phone, schedule,
  contact or language tied to a confidential location (directly, through a service at that location or
  through a contact there) is excluded by the querysets themselves, so one that is also linked to the
  service or the organisation cannot leak through them either. A service at a confidential location
  shows the location's front door only.
- Values are JSON values: ids, dates and times as ISO strings, decimals as numbers. A missing value is
  omitted, and so is an empty string where HSDS gives the field a format or an enum (email, url, freq…),
  which an empty string would fail; other empty strings stay, as HSDS allows them.
- What HSDS carries and we do not model (`hsds_extra`: funding, programs, cost options, metadata, …)
  is merged back under its own key as received, so an import followed by an export loses nothing. Our
  extension fields go out too (`language`, `translations`, an organisation's `country`), so a
  re-import keeps them. Summary forms keep only the one-to-one extras (no lists).
- A link to another record is given only when that record is public (a location's organisation, an
  organisation's parent), so no unpublished record's id is revealed.
- Attributes link to a record by id alone, so the ORM cannot prefetch them: each form takes an
  `AttributeSlots`, hands every record an empty list from it, and `attributes_deferred` fills all the
  lists with one query when the batch is done.
"""
