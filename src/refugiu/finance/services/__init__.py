"""Every write of grant finance: keyword-only `<entity>_<verb>(*, actor, ...)` functions that check (through
`finance.access`), act and audit (`core.audit.audit_record`, action "finance.<thing>.<verb>") in one
transaction; a module per topic. A refusal the user can fix is a `FinanceError` with a message in their
language."""
