"""A synthetic case load for benchmarks: plainly fake, deterministic for a seed, large, and quick to make.

Nothing here may pass for real. Every identity's "other names" is MARKER, every generated account's
username starts with "synthetic-" (plus the one `bench-caseworker`), and an organisation made here is
named "[synthetic] …". Names are drawn from the demo's lists of common names.

What `cases_generate(cases=N, sessions_per_case=M)` makes, spread over the assistance departments (two
synthetic ones are created when the database has none):
- N beneficiaries, each with an encrypted identity (names and the marker only) and one case;
- teams: CASEWORKERS generated caseworkers, each leading about 1/CASEWORKERS of the cases and seconding
  some more (about 0.6 % of the cases each at 200), and `bench-caseworker`, on BENCH_CASES open cases
  (psychologist on each), the first of which has a long history: `long_history` sessions and a tenth as
  many notes;
- per case: M sessions, a team note (and a sealed psychological one on a third of the cases), the
  opening and the current status, an assistance consent; a needs assessment on half the cases, an open
  task and a legal proceeding with a deadline (some overdue) on a tenth.

Speed: rows go in with bulk_create, a batch of cases at a time, so encrypted fields are still encrypted
one value at a time by EncryptedTextField. The sessions, by far the most rows, go straight to their table
(COPY on PostgreSQL, one prepared INSERT run for every row on SQLite) with notes encrypted once into a
small pool of ciphertexts and reused, which is fine for fake data. 100,000 cases with 1,000,000 sessions
take about 100 s on SQLite and 130 s on PostgreSQL on the development machine (BENCHMARKS.md). Dates are
spread over the past two years; records' own creation times are the time of generation.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from refugiu.accounts.models import RoleAssignment, User
from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from refugiu.cases.models import (
    CODE_ALPHABET,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    Consent,
    NeedsAssessment,
    Note,
    Proceeding,
    ServiceEntry,
    StatusChange,
    Task,
    TeamMember,
)
from refugiu.core.audit import audit_record
from refugiu.core.batching import in_batches
from refugiu.core.crypto import encrypt_text
from refugiu.core.fields import field_column
from refugiu.demo.cases_stories import NAMES
from refugiu.organisation.models import NGO, Department

MARKER = "[synthetic]"
BENCH_USERNAME = "bench-caseworker"
CASEWORKERS = 200
BENCH_CASES = 50
BATCH_CASES = 1000
NOTE_POOL_SIZE = 64
HISTORY_DAYS = 730

SESSION_TEXTS = [
    "[synthetic] Session held as planned.",
    "[synthetic] Follow-up on documents.",
    "[synthetic] Discussed the next steps.",
    "[synthetic] Accompanied to the appointment.",
    "[synthetic] Reviewed the support plan.",
    "[synthetic] Short call to confirm the date.",
    "[synthetic] Interpreter present throughout.",
    "[synthetic] Prepared for the hearing.",
]
LANGUAGES = ["ro", "ro", "ro", "en", "uk", "ar", "fa", "ru", "fr", "ti"]
STATUSES = (
    [v.CaseStatus.OPEN] * 10
    + [v.CaseStatus.ASSESSMENT] * 15
    + [v.CaseStatus.SUPPORT_PLAN] * 20
    + [v.CaseStatus.SERVICES] * 40
    + [v.CaseStatus.CLOSED] * 15
)
CATEGORIES = {
    "trafficking": [v.CaseCategory.TRAFFICKING] * 3
    + [v.CaseCategory.VIOLENCE_AGAINST_WOMEN, v.CaseCategory.CRIME],
    "asylum": [v.CaseCategory.ASYLUM_SEEKER] * 3 + [v.CaseCategory.REFUGEE, v.CaseCategory.OTHER],
}
FUNCTIONS = [v.TeamFunction.SOCIAL_WORKER, v.TeamFunction.LAWYER, v.TeamFunction.PSYCHOLOGIST]
KINDS = list(v.ServiceKind.values)
NATIONALITIES = {"ro": "RO", "md": "MD", "uk": "UA", "ar": "SY", "af": "AF", "er": "ER", "fr": "CD",
                 "vi": "VN", "pk": "PK", "tr": "TR"}  # fmt: skip


@dataclass
class GenerateSummary:
    cases: int = 0
    sessions: int = 0
    notes: int = 0
    team_members: int = 0
    seconds: float = 0.0
    long_history_case_id: int | None = None

    def __str__(self):
        rate = self.cases / self.seconds if self.seconds else 0
        return (
            f"{self.cases:,} cases, {self.sessions:,} sessions, {self.notes:,} notes, "
            f"{self.team_members:,} team memberships in {self.seconds:.1f} s "
            f"({rate:,.0f} cases/s, {self.sessions / self.seconds if self.seconds else 0:,.0f} sessions/s)"
        )


def _scrambled_code(prefix: str, number: int) -> str:
    """A code that looks random but is unique per number: an odd multiplier permutes 0 … 32⁸−1."""
    value = (number * 0x9E3779B97F4A7C15) % 32**8
    body = "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def cases_generate(
    *,
    cases: int,
    sessions_per_case: int = 10,
    long_history: int = 10_000,
    seed: int = 0,
    caseworkers: int = CASEWORKERS,
    bench_cases: int = BENCH_CASES,
) -> GenerateSummary:
    """Add `cases` synthetic cases (see the module docstring), all or nothing, and refresh the planner's
    statistics. Running it again adds more cases; the generated accounts are reused."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security
    summary = GenerateSummary()
    with transaction.atomic():
        departments = _departments()
        staff = _Staff.ensure(departments, caseworkers=caseworkers)
        maker = _Maker(rng, departments, staff)
        bench_every = max(1, cases // max(1, bench_cases))
        for batch in in_batches(range(cases), BATCH_CASES):
            plans = []
            for i in batch:
                bench = i % bench_every == 0 and i // bench_every < bench_cases
                long = i == 0 and bench_cases > 0
                plans.append(
                    maker.plan(bench=bench, sessions=long_history if long else sessions_per_case, long=long)
                )
            maker.write(plans, summary)
            if batch[0] == 0 and bench_cases:
                summary.long_history_case_id = plans[0].case.pk
        case_statistics_refresh()
        summary.seconds = time.perf_counter() - started
        audit_record(
            actor=None,
            action="cases.synthetic.generated",
            detail={"cases": summary.cases, "sessions": summary.sessions, "seed": seed},
        )
    return summary


def case_statistics_refresh() -> None:
    """Let the query planner see the case tables as they now are (written in pieces, each too small to
    trigger the engine's own refresh)."""
    models: tuple[type[Model], ...] = (Beneficiary, BeneficiaryIdentity, Case, TeamMember, StatusChange)
    models += (ServiceEntry, Note, Consent, NeedsAssessment, Task, Proceeding, RoleAssignment)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _departments() -> list[tuple[str, Department]]:
    """(theme, department) for every assistance department; two synthetic ones if there are none."""
    departments = list(Department.objects.filter(kind=Department.Kind.ASSISTANCE).order_by("order", "pk"))
    if not departments:
        organisation = NGO.objects.create(name=f"{MARKER} Organisation", country="RO")
        departments = [
            Department.objects.create(
                ngo=organisation, name=f"{MARKER} {name}", kind=Department.Kind.ASSISTANCE, order=i
            )
            for i, name in enumerate(
                ("Assistance for victims of trafficking", "Assistance for asylum seekers and refugees")
            )
        ]
    return [("asylum" if "asylum" in d.name.lower() else "trafficking", d) for d in departments]


@dataclass
class _Staff:
    coordinators: dict[int, User]  # department id → its synthetic coordinator
    caseworkers: dict[int, list[User]]  # department id → its synthetic caseworkers
    bench: User

    @classmethod
    def ensure(cls, departments, *, caseworkers: int) -> "_Staff":
        """The synthetic coordinators and caseworkers and bench-caseworker, created once and reused."""
        wanted = {}  # username → (role, department ids)
        caseworkers = max(caseworkers, len(departments))  # every department needs some
        for n, (_theme, department) in enumerate(departments, start=1):
            wanted[f"synthetic-coordinator-{n}"] = (Role.COORDINATOR, [department.pk])
        for n in range(1, caseworkers + 1):
            department = departments[(n - 1) % len(departments)][1]
            wanted[f"synthetic-caseworker-{n:04d}"] = (Role.CASEWORKER, [department.pk])
        wanted[BENCH_USERNAME] = (Role.CASEWORKER, [d.pk for _theme, d in departments])
        existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        User.objects.bulk_create(
            User(username=name, display_name=f"{MARKER} {name}", password=make_password(None))
            for name in wanted
            if name not in existing
        )
        users = User.objects.in_bulk(list(wanted), field_name="username")
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=users[name], role=role, department_id=department_id)
                for name, (role, department_ids) in wanted.items()
                for department_id in department_ids
            ],
            ignore_conflicts=True,
        )
        staff = cls(coordinators={}, caseworkers={}, bench=users[BENCH_USERNAME])
        for name, (role, department_ids) in wanted.items():
            if role == Role.COORDINATOR:
                staff.coordinators[department_ids[0]] = users[name]
            elif name != BENCH_USERNAME:
                staff.caseworkers.setdefault(department_ids[0], []).append(users[name])
        return staff


@dataclass
class _Plan:
    """One case to write, with what goes with it (model instances, not yet saved)."""

    beneficiary: Beneficiary
    identity: BeneficiaryIdentity
    case: Case
    team: list[tuple[User, str, bool]]
    history: list[str]
    sessions: int
    long: bool


class _Maker:
    def __init__(self, rng: random.Random, departments, staff: _Staff):
        self.rng, self.departments, self.staff = rng, departments, staff
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.next_number = (Beneficiary.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
        self.next_case_number = (Case.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
        # Sessions' notes: a pool encrypted once and reused (see the module docstring).
        self.note_pool = [encrypt_text(rng.choice(SESSION_TEXTS)) for _ in range(NOTE_POOL_SIZE)]
        self.language_pool = [encrypt_text(code) for code in LANGUAGES]  # the session's language is encrypted
        self.team_note = "[synthetic] Team note."
        self.sealed_note = "[synthetic] Psychological note."
        self.session_table = _SessionWriter()

    def plan(self, *, bench: bool, sessions: int, long: bool) -> _Plan:
        rng = self.rng
        theme, department = rng.choice(self.departments)
        coordinator = self.staff.coordinators[department.pk]
        origin = rng.choice(sorted(NAMES))
        female, male, family = NAMES[origin]
        gender = rng.choice([v.Gender.FEMININE, v.Gender.FEMININE, v.Gender.MASCULINE])
        beneficiary = Beneficiary(
            code=_scrambled_code("B", self.next_number),
            gender=gender,
            age_band=rng.choice([v.AgeBand.ADULT_18_24, v.AgeBand.ADULT_25_34, v.AgeBand.ADULT_35_49]),
            nationality=NATIONALITIES[origin],
            languages=[LANGUAGES[rng.randrange(len(LANGUAGES))]],
            migration_status=v.MigrationStatus.ASYLUM_SEEKER
            if theme == "asylum"
            else v.MigrationStatus.NATIONAL,
            created_by=coordinator,
        )
        identity = BeneficiaryIdentity(
            given_names=rng.choice(female if gender == v.Gender.FEMININE else male),
            family_names=rng.choice(family),
            other_names=MARKER,
        )
        self.next_number += 1
        status = rng.choice(STATUSES)
        if bench and status == v.CaseStatus.CLOSED:
            status = v.CaseStatus.SERVICES  # the benchmark's caseworker works on open cases
        opened = self.today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
        case = Case(
            reference=_scrambled_code("C", self.next_case_number),
            department=department,
            category=rng.choice(CATEGORIES[theme]),
            status=status,
            risk_level=rng.choice(v.RiskLevel.values),
            opened_on=opened,
            created_by=coordinator,
        )
        self.next_case_number += 1
        if status == v.CaseStatus.CLOSED:
            case.closed_on = opened + dt.timedelta(days=rng.randint(0, (self.today - opened).days))
            case.closure_outcome = rng.choice(v.ClosureOutcome.values)
            case.closure_approved_by = coordinator
        pool = self.staff.caseworkers[department.pk]
        team: list[tuple[User, str, bool]] = [(rng.choice(pool), rng.choice(FUNCTIONS), True)]
        if rng.random() < 0.2:
            second = rng.choice(pool)
            if second != team[0][0]:
                team.append((second, rng.choice(FUNCTIONS), False))
        if bench:
            team.append((self.staff.bench, v.TeamFunction.PSYCHOLOGIST, False))
        # The opening and the current status: enough for a timeline, without the rows of every step.
        history: list[str] = (
            [v.CaseStatus.OPEN] if status == v.CaseStatus.OPEN else [v.CaseStatus.OPEN, status]
        )
        return _Plan(beneficiary, identity, case, team, history, sessions, long=long)

    def write(self, plans: list[_Plan], summary: GenerateSummary) -> None:
        rng, today = self.rng, self.today
        Beneficiary.objects.bulk_create([p.beneficiary for p in plans])
        for p in plans:
            p.identity.beneficiary = p.beneficiary
            p.case.beneficiary = p.beneficiary
        BeneficiaryIdentity.objects.bulk_create([p.identity for p in plans])
        Case.objects.bulk_create([p.case for p in plans])
        members, changes, consents, assessments, notes, tasks, proceedings = [], [], [], [], [], [], []
        for p in plans:
            case, coordinator = p.case, p.case.created_by
            lead = p.team[0][0]
            members += [
                TeamMember(case=case, user=user, function=function, is_lead=is_lead, added_by=coordinator)
                for user, function, is_lead in p.team
            ]
            previous = ""
            for status in p.history:
                changes.append(StatusChange(case=case, from_status=previous, to_status=status, by=lead))
                previous = status
            consents.append(
                Consent(
                    beneficiary=p.beneficiary,
                    case=case,
                    purpose=v.ConsentPurpose.ASSISTANCE,
                    form=v.ConsentForm.WRITTEN,
                    given_on=case.opened_on,
                    recorded_by=lead,
                )
            )
            if rng.random() < 0.5:
                assessments.append(
                    NeedsAssessment(
                        case=case,
                        author=lead,
                        assessed_on=case.opened_on,
                        legal=rng.choice(v.NeedLevel.values),
                        social=rng.choice(v.NeedLevel.values),
                        psychological=rng.choice(v.NeedLevel.values),
                    )
                )
            notes.append(Note(case=case, author=lead, text=self.team_note))
            if rng.random() < 1 / 3:
                notes.append(
                    Note(case=case, author=lead, seal=v.NoteSeal.PSYCHOLOGICAL, text=self.sealed_note)
                )
            if p.long:
                notes += [Note(case=case, author=lead, text=self.team_note) for _ in range(p.sessions // 10)]
            if rng.random() < 0.1 and not case.is_closed:
                tasks.append(
                    Task(
                        case=case,
                        title="[synthetic] Follow up",
                        due_on=today + dt.timedelta(days=rng.randint(-30, 30)),
                        assignee=lead,
                        created_by=lead,
                    )
                )
            if rng.random() < 0.1:
                kind = rng.choice(v.ProceedingKind.values)
                proceedings.append(
                    Proceeding(
                        case=case,
                        kind=kind,
                        stage=v.PROCEEDING_STAGES[v.ProceedingKind(kind)][0],
                        deadline=None if case.is_closed else today + dt.timedelta(days=rng.randint(-20, 90)),
                        deadline_label="[synthetic] Deadline",
                        created_by=lead,
                    )
                )
        TeamMember.objects.bulk_create(members)
        StatusChange.objects.bulk_create(changes)
        Consent.objects.bulk_create(consents)
        NeedsAssessment.objects.bulk_create(assessments)
        Note.objects.bulk_create(notes)
        Task.objects.bulk_create(tasks)
        Proceeding.objects.bulk_create(proceedings)
        summary.sessions += self.session_table.write(self._sessions(plans))
        summary.cases += len(plans)
        summary.notes += len(notes)
        summary.team_members += len(members)

    def _sessions(self, plans: list[_Plan]):
        """Rows for ServiceEntry, in _SessionWriter.COLUMNS order."""
        rng, now = self.rng, self.now
        pool, languages = self.note_pool, self.language_pool
        for p in plans:
            case = p.case
            end = case.closed_on or self.today
            span = (end - case.opened_on).days
            staff_ids = [user.pk for user, _function, _lead in p.team]
            for _ in range(p.sessions):
                staff_id = staff_ids[rng.randrange(len(staff_ids))]
                yield (
                    case.pk,
                    KINDS[rng.randrange(len(KINDS))],
                    case.opened_on + dt.timedelta(days=rng.randint(0, span)),
                    rng.choice((30, 45, 60, 90)),
                    staff_id,
                    "",
                    languages[rng.randrange(len(languages))],
                    pool[rng.randrange(len(pool))],
                    now,
                    staff_id,
                )


class _SessionWriter:
    """Writes ServiceEntry rows straight to the table: COPY on PostgreSQL, a prepared INSERT run for
    every row on SQLite (fast in-process). Notes and languages arrive already encrypted."""

    COLUMNS = (
        "case_id",
        "kind",
        "delivered_on",
        "duration_minutes",
        "staff_id",
        "mediator",
        "language",
        "note",
        "created_at",
        "created_by_id",
    )

    def __init__(self):
        meta = ServiceEntry._meta
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        self.columns = ", ".join(quote(field_column(ServiceEntry, name)) for name in self.COLUMNS)
        self.postgres = connection.vendor == "postgresql"
        self._dates: dict[dt.date, object] = {}
        self._datetimes: dict[dt.datetime, object] = {}

    def write(self, rows) -> int:
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                return count
            marks = ", ".join(["%s"] * len(self.COLUMNS))
            # Only the model's own table and column names are formatted in; every value is a parameter.
            insert = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"  # noqa: S608
            for batch in in_batches((self._adapt(row) for row in rows), 10_000):
                cursor.executemany(insert, batch)
                count += len(batch)
        return count

    def _adapt(self, row: tuple) -> tuple:
        # SQLite stores dates and datetimes as text; Django's own conversion, remembered per value.
        day, at = row[2], row[8]
        if day not in self._dates:
            self._dates[day] = connection.ops.adapt_datefield_value(day)
        if at not in self._datetimes:
            self._datetimes[at] = connection.ops.adapt_datetimefield_value(at)
        return (*row[:2], self._dates[day], *row[3:8], self._datetimes[at], row[9])
