"""The programmes module's views, one module per topic; `programmes.urls` maps them.

Public (anyone, no account): `public` (projects, events, publications), `about` (partners, networks,
campaigns), `files` (the files behind them), `registration` (registering, the signed cancel and evaluation
links, certificates). Programme staff only: `staff_events`, `staff_participants` (registrations, check-in,
sign-in sheets), `staff_follow_up` (certificates, evaluation), `statistics` (the statistics page and the
funders' export); `staff_common` finds what their URLs name. `shown` holds what the lists show beside a
record (its dates written out, its country's name), typed, instead of attributes set on the record.

Views parse forms, call `programmes.selectors` to read and `programmes.services` to write, and render; who
may see and do what is `programmes.access`.
"""
