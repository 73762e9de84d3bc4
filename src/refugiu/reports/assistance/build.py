"""The assistance statistics' builder: a year's tables, as published (the only figures about cases that
researchers see), already suppressed when they leave `assistance_statistics`.

What is counted (year Y, calendar dates)
    Cases opened      cases whose `opened_on` is in Y, by category × department.
    Cases closed      cases whose `closed_on` is in Y, by category × department.
    Beneficiaries     people with at least one case active in Y (opened on or before 31 December of Y and not
                      closed before 1 January of Y), each counted once, by sex (gender), age band and
                      nationality. A record merged into another has no cases left, so no one counts twice.
    Sessions          services delivered in Y (`ServiceEntry.delivered_on`), by type.
    Referrals         referrals sent in Y, by destination country × status (their outcome so far). An internal
                      referral (to another department) is "within the organisation"; an external one whose
                      organisation has no country is "not recorded".
    Compensation claims and protection orders
                      proceedings of those kinds that started in Y (or, without a start date, were recorded
                      in Y) or were decided in Y, by their stage (outcome so far).

Anonymisation
    Every table is suppressed (refugiu.reports.suppression: primary and complementary, threshold
    REFUGIU["STATISTICS_THRESHOLD"]) before it leaves `assistance_statistics`; the exact counts are never
    kept in the result. No names, codes, case references or free text are read: only category, department,
    dates, gender, age band, nationality, service type, referral country and status, proceeding kind and
    stage. Encrypted fields are never selected, so nothing is decrypted.

Cost
    A fixed number of SQL queries (one aggregation per table, the three beneficiary tables sharing one),
    whatever the number of cases.
"""

import datetime
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries import countries

from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, Proceeding, Referral, ServiceEntry
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Progress
from refugiu.reports.suppression import PublishedLine, PublishedTable, Table, suppress_line, suppress_table
from refugiu.reports.suppression import threshold_default as statistics_threshold

# Every hidden count is shown with this one mark: telling a small count from a complement would leak.
MARK = "×"
NOT_RECORDED = "not_recorded"
INTERNAL = "internal"


@dataclass(frozen=True)
class StatisticsTable:
    """One published table. `columns` is empty for a one-dimensional table (a count per row and a total)."""

    key: str
    title: str
    unit: str
    row_heading: str
    rows: tuple[str, ...]
    column_heading: str
    columns: tuple[str, ...]
    published: PublishedTable | PublishedLine

    @property
    def is_crosstab(self) -> bool:
        return isinstance(self.published, PublishedTable)

    @property
    def is_empty(self) -> bool:
        return self.published.total == 0

    def body(self) -> list[tuple[str, list[int | None], int | None]]:
        """(row label, counts, row total) per row; None where hidden. A one-dimensional table's rows have
        one count and no row total."""
        if isinstance(self.published, PublishedTable):
            return [
                (label, list(cells), total)
                for label, cells, total in zip(
                    self.rows, self.published.cells, self.published.row_totals, strict=True
                )
            ]
        return [(label, [count], None) for label, count in zip(self.rows, self.published.cells, strict=True)]

    def footer(self) -> tuple[list[int | None], int | None]:
        """Column totals and grand total (a one-dimensional table: no column totals)."""
        if isinstance(self.published, PublishedTable):
            return list(self.published.column_totals), self.published.total
        return [], self.published.total

    @property
    def has_hidden(self) -> bool:
        return bool(self.published.hidden)

    def sheet_rows(self) -> list[list[str | int]]:
        """The table as rows of a sheet: heading row, body, totals; hidden counts as MARK."""

        def cell(count: int | None) -> str | int:
            return MARK if count is None else count

        rows: list[list[str | int]] = []
        if self.is_crosstab:
            rows.append([f"{self.row_heading} \\ {self.column_heading}", *self.columns, _("Total")])
            for label, counts, total in self.body():
                rows.append([label, *(cell(c) for c in counts), cell(total)])
            column_totals, total = self.footer()
            rows.append([_("Total"), *(cell(c) for c in column_totals), cell(total)])
        else:
            rows.append([self.row_heading, self.unit[:1].upper() + self.unit[1:]])
            for label, counts, _total in self.body():
                rows.append([label, cell(counts[0])])
            rows.append([_("Total"), cell(self.footer()[1])])
        return rows


@dataclass(frozen=True)
class AssistanceStatistics:
    year: int
    threshold: int
    tables: tuple[StatisticsTable, ...]

    def table(self, key: str) -> StatisticsTable:
        return next(table for table in self.tables if table.key == key)

    @property
    def title(self) -> str:
        return _("Assistance statistics %(year)s") % {"year": self.year}

    def filename(self, format: str) -> str:
        return f"assistance-statistics-{self.year}.{format}"


def show(count: int | None) -> str:
    return MARK if count is None else str(count)


def legend(threshold: int | None = None) -> str:
    threshold = statistics_threshold() if threshold is None else threshold
    return _(
        "%(mark)s: hidden. Counts from 1 to %(last)s are hidden, and so are as many other counts (or totals) "
        "as needed so that no hidden count can be worked out from the totals and the counts shown. "
        "Both kinds of hidden count carry the same mark on purpose."
    ) % {"mark": MARK, "last": threshold - 1}


def statistics_years() -> list[int]:
    """Years with a case opened, newest first, and the current year. One query."""
    years = {date.year for date in Case.objects.dates("opened_on", "year")}
    years.add(datetime.date.today().year)
    return sorted(years, reverse=True)


# --- Computing -------------------------------------------------------------------------------------------


def _country_label(code: str) -> str:
    if code == INTERNAL:
        return _("Within the organisation")
    if not code or code == NOT_RECORDED:
        return _("Not recorded")
    return str(countries.name(code)) or code


# (key, label) pairs naming the rows or columns of a table, in their order.
Labels = Sequence[tuple[Any, str | Promise]]


def _crosstab(
    key: str,
    title: str,
    unit: str,
    row_heading: str,
    rows: Labels,
    column_heading: str,
    columns: Labels,
    counts: Mapping[tuple[Any, Any], int],
    threshold: int,
) -> StatisticsTable:
    """`rows` and `columns`: [(key, label)]; `counts`: {(row key, column key): n}."""
    table = Table.of([[counts.get((r, c), 0) for c, _label in columns] for r, _label in rows])
    published = suppress_table(table, threshold)
    return StatisticsTable(
        key=key,
        title=title,
        unit=unit,
        row_heading=row_heading,
        rows=tuple(str(label) for _key, label in rows),
        column_heading=column_heading,
        columns=tuple(str(label) for _key, label in columns),
        published=published,
    )


def _line(
    key: str,
    title: str,
    unit: str,
    row_heading: str,
    rows: Labels,
    counts: Mapping[Any, int],
    threshold: int,
) -> StatisticsTable:
    published = suppress_line([counts.get(r, 0) for r, _label in rows], threshold)
    return StatisticsTable(
        key=key,
        title=title,
        unit=unit,
        row_heading=row_heading,
        rows=tuple(str(label) for _key, label in rows),
        column_heading="",
        columns=(),
        published=published,
    )


def _cases_by_category_department(
    cases: QuerySet[Case],
) -> tuple[dict[tuple[str, int], int], list[tuple[int, str]]]:
    counts: dict[tuple[str, int], int] = {}
    departments: dict[int, str] = {}
    for row in cases.values("category", "department_id", "department__name").annotate(n=Count("pk")):
        counts[(row["category"], row["department_id"])] = row["n"]
        departments[row["department_id"]] = row["department__name"]
    columns = sorted(departments.items(), key=lambda item: (item[1].casefold(), item[0]))
    return counts, columns


def assistance_statistics(year: int, threshold: int | None = None) -> AssistanceStatistics:
    """The year's tables, every one already suppressed. Six SQL queries."""
    threshold = statistics_threshold() if threshold is None else threshold
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    categories = list(v.CaseCategory.choices)
    tables = []

    for key, title, cases in (
        ("cases_opened", _("Cases opened"), Case.objects.filter(opened_on__year=year)),
        ("cases_closed", _("Cases closed"), Case.objects.filter(closed_on__year=year)),
    ):
        counts, departments = _cases_by_category_department(cases)
        tables.append(
            _crosstab(
                key,
                title,
                _("cases"),
                _("Category"),
                categories,
                _("Department"),
                departments,
                counts,
                threshold,
            )
        )

    active = Case.objects.filter(beneficiary=OuterRef("pk"), opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    by_gender: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    by_nationality: Counter[str] = Counter()
    people = Beneficiary.objects.filter(Exists(active)).values("gender", "age_band", "nationality")
    for person in people.annotate(n=Count("pk")).order_by():
        by_gender[person["gender"]] += person["n"]
        by_age[person["age_band"]] += person["n"]
        # values() gives the stored code, a str (django-stubs types it as the attribute's Country).
        by_nationality[str(person["nationality"] or NOT_RECORDED)] += person["n"]
    unit = _("people")
    tables.append(
        _line(
            "beneficiaries_sex",
            _("Beneficiaries by sex"),
            unit,
            _("Sex"),
            v.Gender.choices,
            by_gender,
            threshold,
        )
    )
    tables.append(
        _line(
            "beneficiaries_age",
            _("Beneficiaries by age band"),
            unit,
            _("Age band"),
            v.AgeBand.choices,
            by_age,
            threshold,
        )
    )
    nationalities = sorted(
        ((code, _country_label(code)) for code in by_nationality),
        key=lambda item: (item[0] == NOT_RECORDED, item[1].casefold()),
    )
    tables.append(
        _line(
            "beneficiaries_nationality",
            _("Beneficiaries by nationality"),
            unit,
            _("Nationality"),
            nationalities,
            by_nationality,
            threshold,
        )
    )

    sessions = Counter(
        {
            row["kind"]: row["n"]
            for row in ServiceEntry.objects.filter(delivered_on__year=year)
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    tables.append(
        _line(
            "services",
            _("Services delivered"),
            _("sessions"),
            _("Service"),
            v.ServiceKind.choices,
            sessions,
            threshold,
        )
    )

    referrals: Counter[tuple[str, str]] = Counter()
    for referral in (
        Referral.objects.filter(sent_on__year=year)
        .values("kind", "country", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        internal = referral["kind"] == v.ReferralKind.INTERNAL
        country = INTERNAL if internal else str(referral["country"] or NOT_RECORDED)  # the stored code
        referrals[(country, referral["status"])] += referral["n"]
    destinations = sorted(
        {(country, _country_label(country)) for country, _status in referrals},
        key=lambda item: (item[0] in (INTERNAL, NOT_RECORDED), item[0] == NOT_RECORDED, item[1].casefold()),
    )
    tables.append(
        _crosstab(
            "referrals",
            _("Referrals by destination and outcome"),
            _("referrals"),
            _("Destination country"),
            destinations,
            _("Outcome"),
            list(v.ReferralStatus.choices),
            referrals,
            threshold,
        )
    )

    proceedings: Counter[tuple[str, str]] = Counter()
    in_year = (
        Q(started_on__year=year)
        | Q(started_on__isnull=True, created_at__year=year)
        | Q(decided_on__year=year)
    )
    kinds = (v.ProceedingKind.COMPENSATION_CLAIM, v.ProceedingKind.PROTECTION_ORDER)
    for proceeding in (
        Proceeding.objects.filter(in_year, kind__in=kinds)
        .values("kind", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        proceedings[(proceeding["kind"], proceeding["stage"])] += proceeding["n"]
    stage_labels = dict(v.ProceedingStage.choices)
    for kind, key, title in (
        (v.ProceedingKind.COMPENSATION_CLAIM, "compensation_claims", _("Compensation claims by outcome")),
        (v.ProceedingKind.PROTECTION_ORDER, "protection_orders", _("Protection orders by outcome")),
    ):
        stages = [(stage, stage_labels[stage]) for stage in v.PROCEEDING_STAGES[kind]]
        by_stage = {stage: n for (k, stage), n in proceedings.items() if k == kind}
        tables.append(_line(key, title, _("proceedings"), _("Stage or outcome"), stages, by_stage, threshold))

    return AssistanceStatistics(year=year, threshold=threshold, tables=tuple(tables))


def assistance_statistics_from_run(run: ReportRun, progress: Progress) -> AssistanceStatistics:
    """The statistics of a background run (kind "statistics", parameters {"year": int})."""
    year = int(run.parameters["year"])
    progress(10, _("Counting"))
    stats = assistance_statistics(year)
    progress(70, _("Writing the file"))
    return stats
