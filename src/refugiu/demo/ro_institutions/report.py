"""The doubt report: what looks wrong in the source (`Problem`, of the kinds of `PROBLEM_KINDS`), as a
conversion finds it (`Doubts`), and what a conversion made with its report (`Conversion`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from refugiu.demo.ro_institutions.institutions import Institution
from refugiu.demo.ro_institutions.source import SOURCE


@dataclass(frozen=True)
class Problem:
    """Something that looks wrong in the source, and what the converter did about it."""

    kind: str
    institution: str  # the full name made, or the row for a row that has none
    detail: str
    rows: tuple[str, ...] = ()

    def __str__(self) -> str:
        rows = f" [{', '.join(self.rows)}]" if self.rows else ""
        return f"{self.institution}: {self.detail}{rows}"


# Each kind of problem, in the order the report lists them, with what the converter did.
PROBLEM_KINDS: dict[str, str] = {
    "no-name": "rows without a type or a name (skipped: there is nothing to name)",
    "unknown-type": "types the converter does not know (skipped)",
    "county-code": "county codes not in ISO 3166-2:RO (the county cell decides, when it names one)",
    "county-cell": "county cells that name another county than the code (the code decides)",
    "name-county": "institutions whose name names another county than they are filed under (kept so)",
    "court-county": "prosecutor offices filed under another county than their town's court (kept so)",
    "several-counties": "institutions filed under several counties in different rows (all are kept)",
    "bucharest-no-sector": "Bucharest rows naming no sector, of a kind of body the source lists per sector",
    "no-court": "prosecutor offices of a town without a first-instance court in the source (named as given)",
    "town-spelling": "town names that look abbreviated or misspelt (kept as the source spells them)",
    "prosecutor-email": "first-instance prosecutor offices whose e-mail does not begin pj_ as the others do",
    "email-invalid": "invalid e-mail addresses (left out)",
    "email-cleaned": "e-mail cells cleaned: invisible characters removed, or ',' used as a separator",
    "email-repeated": "e-mail addresses given twice for one institution (kept once)",
    "email-missing": "rows without an e-mail cell (the institution's other rows give its e-mails)",
    "email-shared": "e-mail addresses of several institutions (kept for each)",
    "personal-email": "addresses that look like a person's (first.last), given as the institution's (kept)",
    "no-email": "institutions left without a valid e-mail address",
}  # fmt: skip


class Doubts:
    """The problems a conversion finds, in the order it finds them, and the institutions (by key) already
    reported as filed under another county than their name or their court says."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.with_county_problem: set[str] = set()

    def problem(self, kind: str, institution: str, detail: str, rows: Iterable[str] = ()) -> None:
        self.problems.append(Problem(kind, institution, detail, tuple(rows)))


@dataclass
class Conversion:
    """What a conversion made, and what it found wrong in the source."""

    organizations: list[dict[str, Any]]
    institutions: list[Institution]
    problems: list[Problem]
    rows: int  # in every flow
    flows: int
    pairs: int  # distinct (type, name), as the source's README counts them

    def problems_of(self, kind: str) -> list[Problem]:
        return [problem for problem in self.problems if problem.kind == kind]

    def report(self) -> str:
        by_type: dict[str, int] = {}
        for institution in self.institutions:
            by_type[institution.type.source] = by_type.get(institution.type.source, 0) + 1
        lines = [
            f"Romanian public institutions from {SOURCE}.",
            f"{self.rows} rows in {self.flows} flows; {self.pairs} distinct (type, name) pairs; "
            f"{len(self.organizations)} organisations (Bucharest's DGASPC rows are told apart by sector).",
            "By type: " + "; ".join(f"{name} {count}" for name, count in by_type.items()) + ".",
            f"Found wrong or doubtful: {len(self.problems)}, kept as the source has them unless said so.",
        ]
        for kind, meaning in PROBLEM_KINDS.items():
            found = self.problems_of(kind)
            if found:
                lines += ["", f"{kind}: {meaning}: {len(found)}"]
                lines += [f"  - {problem}" for problem in found]
        return "\n".join(lines) + "\n"
