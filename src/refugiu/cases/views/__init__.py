"""The staff pages of the cases module, by topic: `lists` (my cases, my work, closures), `intake` (search,
register, open a case, merge duplicates), `case` (the case page and what changes the case itself),
`records` (sessions, notes, consents, assessments, tasks, proceedings), `referrals` (and their packets),
`documents`, `dpo` (the data protection officer's tools) and `tokens` (personal API tokens).

`shared` holds what every case page shares. Each page follows one shape: fetch through `access` (404 for
missing and forbidden alike), call one service, then redirect (after a write) or render, auditing what
the page shows through `read_audit`. Their URLs are in `cases.urls`.
"""
