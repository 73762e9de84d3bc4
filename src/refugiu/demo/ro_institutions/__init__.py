"""Real Romanian public institutions for the demo directory: a converter from Code for Romania's list to HSDS.

The source is `database/dumps/institutions.json` of code4romania/adapt-just-api (MPL-2.0): four lists
("flows") of a complaint app, overlapping, of courts, prosecutor offices, police, child protection, bars,
social inspection, county councils, the Ombudsman and national bodies, with e-mails and ISO 3166-2:RO
county codes. `ro_institutions_convert` turns it into HSDS 3 organisations in full form (the shape of
demo_directory.json), and lists every row that looks wrong instead of failing or guessing.

What it does, and why:
- De-duplicates the flows by (type, name). Bucharest's child protection directorates are the exception:
  seven rows share type "DGASPC" and name "Bucuresti" and differ only in their county cell ("București,
  sector 1" … 6, and one without a sector), so the sector is part of their key.
- Builds each full official name from the type and the town or county, as the institutions write it
  ("Judecătoria Slatina", "Parchetul de pe lângă Judecătoria Sectorului 1 București", "Consiliul
  Județean Cluj"). A county's name is the standard's (ISO 3166-2:RO, with its diacritics); a town's is the
  source's, with the cedilla letters ş ţ written as the comma-below letters ș ț, spaces trimmed, and
  an all-capital or all-lower-case name set in title case. No diacritic is added that the source lacks:
  "Pitesti" stays "Pitesti".
- Splits the e-mail cells on ";" (and on "," where a cell uses it, reported), trims them (invisible
  zero-width characters too, reported), lower-cases them and keeps only valid, plain ASCII addresses; the
  invalid ones are reported and left out. The first is the organisation's e-mail, the others its contacts.
- The county is an HSDS attribute (link_type "service_area") whose term is the county in a taxonomy of
  the 41 counties and Bucharest by ISO 3166-2 code, and is named in the description, so a search for
  "judecatoria cluj" finds the courts in Cluj county. The source has no postal address, postcode or
  phone, so there is no address, location or phone: the directory's importer refuses an address without a
  street and a city, and nothing is invented to fill one.
- Institution types are HSDS taxonomy terms: one of our taxonomy of Romanian institution types (English
  names, Romanian translations, as our vocabularies are kept), plus the matching terms of the directory's
  own "Institution type" vocabulary (court, prosecutor, police, …) so that its filter finds them.
- No services: like the other bodies of the demo directory, an institution is an organisation a
  caseworker can find and contact, not a listed service.
- The source and its licence are kept in each organisation's HSDS `metadata` (HSDS 3's provenance
  record: the name as the source has it, the name made of it, and where it came from).
- Every id is a UUID 5 of the source's type and name (and sector), so a run gives the same ids again.
- Rows that look wrong are reported (`report.Problem`, `report.PROBLEM_KINDS`) and kept as the source has
  them, never moved or renamed: an office filed under another county than its court or its name says, an
  unknown county code, a prosecutor office of a town without a court, an abbreviated or misspelt town,
  duplicate, shared or invalid e-mails, addresses that look like a person's own, the row without a name.

The modules, in the order a conversion uses them: `source` (where the source comes from, its rows read and
their text cleaned), `institutions` (the types the source knows, and an institution made of its rows),
`names` (the official names, and the towns that look misspelt), `counties` (ISO 3166-2:RO and the counties
an institution is filed under), `emails`, `hsds` (the organisations written), `report` (what looks wrong,
and what a conversion made) and `convert` (all of it, from the source's JSON to the demo's file).
"""

from refugiu.demo.ro_institutions.convert import (
    ro_institutions_convert,
    ro_institutions_convert_file,
    ro_institutions_json,
)
from refugiu.demo.ro_institutions.emails import emails_parse
from refugiu.demo.ro_institutions.hsds import OUR_VOCABULARIES
from refugiu.demo.ro_institutions.source import NAMESPACE, SOURCE_COMMIT, title_case

__all__ = [
    "NAMESPACE",
    "OUR_VOCABULARIES",
    "SOURCE_COMMIT",
    "emails_parse",
    "ro_institutions_convert",
    "ro_institutions_convert_file",
    "ro_institutions_json",
    "title_case",
]
