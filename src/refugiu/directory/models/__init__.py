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

The models are in modules by topic, and every one is exported here (`from refugiu.directory.models import
Service`), which is the only place the rest of the code imports them from:

- `base`: what every HSDS record has (`HsdsModel`), and web addresses of any length (`WebAddressField`);
- `translatable`: text in several languages (`Translatable`) and how a page shows it (`ShownTexts`);
- `taxonomy`: taxonomies and their terms;
- `records`: the HSDS core records, organisations, services, locations and services at locations;
- `sub_records`: what hangs from them, addresses, contacts, phones, schedules, languages, service areas,
  attributes;
- `search_index`: the rows the search reads, derived from the public records (entries, facets, places,
  openings);
- `suggestions`: corrections proposed by the public;
- `representatives`: organisations keeping their own entry, their representatives and proposed changes.
"""

# In the order the models were defined in when they were one module, so that Django registers them in the same
# order (content types, for one, are made in it): not sorted.
# isort: off
from refugiu.directory.models.base import HsdsModel, WebAddressField, WebAddressFormField, WebAddressValidator
from refugiu.directory.models.translatable import (
    NAMING_FIELDS,
    ShownText,
    ShownTexts,
    Translatable,
    display_language,
    translated_text,
    translations_problems,
)
from refugiu.directory.models.taxonomy import Taxonomy, TaxonomyTerm
from refugiu.directory.models.records import Location, Organization, Service, ServiceAtLocation
from refugiu.directory.models.sub_records import (
    Address,
    Attribute,
    Contact,
    Language,
    LinkedToParent,
    Phone,
    Schedule,
    ServiceArea,
)
from refugiu.directory.models.search_index import (
    Opening,
    OpenTally,
    OpenUndecided,
    SearchEntry,
    SearchFacet,
    SearchPlace,
)
from refugiu.directory.models.suggestions import Suggestion
from refugiu.directory.models.representatives import OrganizationRepresentative, ProposedChange

# isort: on

__all__ = [
    "NAMING_FIELDS",
    "Address",
    "Attribute",
    "Contact",
    "HsdsModel",
    "Language",
    "LinkedToParent",
    "Location",
    "Opening",
    "OpenTally",
    "OpenUndecided",
    "Organization",
    "OrganizationRepresentative",
    "Phone",
    "ProposedChange",
    "Schedule",
    "SearchEntry",
    "SearchFacet",
    "SearchPlace",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ShownText",
    "ShownTexts",
    "Suggestion",
    "Taxonomy",
    "TaxonomyTerm",
    "Translatable",
    "WebAddressField",
    "WebAddressFormField",
    "WebAddressValidator",
    "display_language",
    "translated_text",
    "translations_problems",
]
