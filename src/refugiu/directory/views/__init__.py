"""The directory's pages, one module per topic; `directory.urls` maps them.

Public (anyone, no account): `search_page` (the search, its facets and the places it searches near),
with `results` (what each hit shows people to decide by), `organization` (an organisation's page, with its
services), `referral_sheet` (the page printed to hand to a person, with a QR code of the entry) and
`suggestions` (the public's corrections); `shared` holds what several of them show (a record's state at a
moment). Confidential addresses are kept out by the templates' single `location_public` include and by
the search index, which never holds them.

Staff: `staff` (the editors' pages: re-verification, suggestions, proposed changes, representatives) and
`representatives` (an organisation's representative keeping its own entry).
"""
