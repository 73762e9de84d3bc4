"""What an import tells: what it did, by kind of record (`ImportSummary`), what a check of a file found
(`ImportCheck`), and what --skip-invalid set aside (`Rejected`); the problems in the order of the file and
the warnings, as both give them.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from refugiu.directory.hsds.problems import Problem
from refugiu.directory.hsds.records import ImportRows

__all__ = [
    "COUNTED", "Counts", "ImportCheck", "ImportSummary", "Rejected", "collected_warnings", "in_file_order",
]  # fmt: skip


@dataclass
class Counts:
    """Records of one kind an import created, updated, and removed (because the file no longer has them)."""

    created: int = 0
    updated: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.removed} removed"


COUNTED = (
    "organizations", "services", "locations", "service_at_locations", "addresses", "phones", "contacts",
    "schedules", "languages", "service_areas", "taxonomies", "taxonomy_terms", "attributes",
)  # fmt: skip


@dataclass
class Rejected:
    """A unit `skip_invalid` set aside: a top-level record (with what is nested in it) or a row.

    `problems` are those found in it; a unit without any of its own went with another (`because`).
    `with_it` names the records nested in it, each with the record it belongs to.
    """

    label: str
    path: str
    problems: list[Problem]
    because: str = ""
    with_it: list[tuple[str, str]] = field(default_factory=list)  # (record, the record it went with)
    data: Any = None  # the record as in the file (None unless the import kept it)
    file: str = ""  # tabular: the CSV file of the row
    text: str = ""  # a line of NDJSON that is no JSON


@dataclass
class ImportSummary:
    """What an import did, by kind of record, and what it noticed but did not refuse (`warnings`).
    With `skip_invalid`: what it set aside (`rejected`) and why (`problems`)."""

    organizations: Counts = field(default_factory=Counts)
    services: Counts = field(default_factory=Counts)
    locations: Counts = field(default_factory=Counts)
    service_at_locations: Counts = field(default_factory=Counts)
    addresses: Counts = field(default_factory=Counts)
    phones: Counts = field(default_factory=Counts)
    contacts: Counts = field(default_factory=Counts)
    schedules: Counts = field(default_factory=Counts)
    languages: Counts = field(default_factory=Counts)
    service_areas: Counts = field(default_factory=Counts)
    taxonomies: Counts = field(default_factory=Counts)
    taxonomy_terms: Counts = field(default_factory=Counts)
    attributes: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    organization_ids: list[uuid.UUID] = field(default_factory=list)  # touched, and reindexed
    reindex_seconds: float = 0.0  # of the import's time, what rebuilding their search entries took
    problems: list[Problem] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def counts(self) -> dict[str, Counts]:
        return {plural: getattr(self, plural) for plural in COUNTED}

    def __str__(self) -> str:
        lines = [
            f"{plural.replace('_', ' ')}: {counts}"
            for plural, counts in self.counts().items()
            if counts.created or counts.updated or counts.removed
        ] or ["nothing to import"]
        return "\n".join(lines + [f"warning: {warning}" for warning in self.warnings])


@dataclass
class ImportCheck:
    """What `hsds_check_path` found: the records by kind (copies of one record counted once), the top-level
    records or rows read (`units`), every problem, in the order of the file, and the warnings."""

    records: dict[str, int]
    units: int
    problems: list[Problem]
    warnings: list[str]

    @property
    def bad_units(self) -> int:
        return len({problem.unit for problem in self.problems})


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems by the top-level record (or row) they are in, in the order found within it."""
    return sorted(problems, key=lambda problem: problem.unit)


def collected_warnings(collector: ImportRows) -> list[str]:
    warnings = list(collector.warnings)
    if collector.warnings_left_out:
        warnings.append(f"… and {collector.warnings_left_out} more warnings")
    return warnings
