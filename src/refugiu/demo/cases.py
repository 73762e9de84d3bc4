"""Demo beneficiaries and cases for the seed organisation's two assistance departments.

The stories, names and texts are in `demo.cases_stories`; every person is invented and every identity
says so. Phone numbers are in the range Ofcom reserves for drama (+44 7700 900xxx), e-mail addresses use
example.org, document and file numbers start with "DEMO".

Everything is written through `cases.services`, by the demo accounts (`refugiu demo` creates them first),
so it is encrypted and audited exactly as in real use. The services date records "now"; each story then
moves its records' own dates back into the past two years (`_backdate`), so timelines, deadlines and
overdue tasks look as they would in a working department. Audit records keep the time of loading.

External referrals go to services of the organisations a person agreed to share with, when the directory
lists any. The demo directory (demo/data/demo_directory.json) lists services of the seed
organisation only, so with it the demo holds internal referrals between the departments, and consents to
share with named bodies at home and abroad.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from refugiu.accounts.models import User
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, Consent, StatusChange, TeamMember
from refugiu.demo.cases_stories import (
    ADDRESSES,
    AGE_YEARS,
    ASYLUM,
    COORDINATOR_OF,
    DECIDED_STAGES,
    DEMO_MARKER,
    DURATIONS,
    FUNCTION_OF,
    LANGUAGE_NAMES,
    LAWYER,
    MEDIATOR,
    NAMES,
    PSYCHOLOGIST,
    SEALED_NOTES,
    SEED,
    SESSION_KINDS,
    SESSION_NOTES,
    SHARED_FOR_SHARING,
    STORIES,
    TASKS,
    TEAM_NOTES,
    TRAFFICKING,
    Story,
)
from refugiu.organisation.models import Department


def assistance_departments() -> dict[str, Department | None]:
    """The seed's two assistance departments, by what they assist (None where there is no such department)."""
    found: dict[str, Department | None] = {TRAFFICKING: None, ASYLUM: None}
    for department in Department.objects.filter(kind=Department.Kind.ASSISTANCE).order_by("order", "pk"):
        name = department.name.lower()
        key = TRAFFICKING if "trafficking" in name else ASYLUM if "asylum" in name else None
        if key and found[key] is None:
            found[key] = department
    return found


# Loading ----------------------------------------------------------------------------------------------


def cases_demo_load() -> list[Case]:
    """Create the demo beneficiaries and their cases; run once, on an empty database, after the seed
    organisation, its directory and the demo accounts exist."""
    departments = assistance_departments()
    if not all(departments.values()):
        return []
    usernames = {*FUNCTION_OF, *COORDINATOR_OF.values()}
    staff = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = usernames - set(staff)
    if missing:
        raise LookupError(f"demo accounts missing: {', '.join(sorted(missing))}")
    rng = random.Random(SEED)  # noqa: S311 - reproducible fake data, not security
    today = timezone.localdate()
    with transaction.atomic():
        cases = {story.key: _Teller(story, rng, staff, departments, today).tell() for story in STORIES}
        _break_glass_demo(staff, cases)
    return list(cases.values())


def _days(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _backdate(record, **fields) -> None:
    """Set a record's own dates, which the services fill in with "now"."""
    type(record).objects.filter(pk=record.pk).update(**fields)


class _Teller:
    """Plays one story through the services, as its team would have, and dates it in the past."""

    def __init__(self, story: Story, rng: random.Random, staff: dict, departments: dict, today: dt.date):
        self.story, self.rng, self.staff, self.today = story, rng, staff, today
        self.department = departments[story.department]
        self.other_department = departments[story.refer_to_department] if story.refer_to_department else None
        self.coordinator = staff[COORDINATOR_OF[story.department]]
        self.team = [staff[name] for name in story.team]
        self.lead = self.team[0]
        self.opened = today - dt.timedelta(days=story.opened_days_ago)
        # When the work stops: closed cases some weeks ago, a closure awaiting approval a few days ago.
        self.end = today
        if story.status == v.CaseStatus.CLOSED:
            self.end = today - dt.timedelta(days=rng.randint(20, 60))
        elif story.closure_pending:
            self.end = today - dt.timedelta(days=3)
        self.status_dates: list[dt.date] = []

    def day(self, fraction: float) -> dt.date:
        """A day at `fraction` of the way from the opening of the case to its end."""
        span = (self.end - self.opened).days
        return self.opened + dt.timedelta(days=round(span * min(max(fraction, 0.0), 1.0)))

    def tell(self) -> Case:
        self.beneficiary = self.register()
        self.case = self.open()
        self.consents()
        self.assess()
        self.advance()
        self.sessions()
        self.notes()
        self.proceedings()
        self.referrals()
        self.tasks()
        self.close()
        self.date_status_changes()
        last = max(StatusChange.objects.filter(case=self.case).values_list("at", flat=True))
        last_session = (
            self.case.services.order_by("-delivered_on").values_list("delivered_on", flat=True).first()
        )
        if last_session is not None:
            last = max(last, _days(last_session, 17))
        _backdate(self.case, updated_at=min(last, timezone.now()))
        return self.case

    def register(self) -> Beneficiary:
        s, rng = self.story, self.rng
        female, male, family = NAMES[s.origin]
        given = rng.choice(female if s.gender == v.Gender.FEMININE else male)
        self.given = given
        low, high = AGE_YEARS.get(s.age_band, (30, 40))
        born = self.today - dt.timedelta(days=rng.randint(low * 365 + 30, high * 365 + 300))
        number = rng.randint(100, 999)
        identity: services.IdentityFields = {
            "given_names": given,
            "family_names": rng.choice(family),
            "other_names": DEMO_MARKER,
            "date_of_birth": born.isoformat(),
            "phone": f"+44 7700 900{number}",
            "email": f"demo.person{number}@example.org",
            "address": rng.choice(ADDRESSES),
            "document_type": "passport" if s.nationality not in ("RO", "") else "identity card",
            "document_number": f"DEMO{rng.randint(100000, 999999)}" if s.nationality else "",
        }
        beneficiary = services.beneficiary_register(
            user=self.coordinator,
            identity=identity,
            gender=s.gender,
            age_band=s.age_band,
            nationality=s.nationality,
            languages=s.languages,
            migration_status=s.migration_status,
        )
        _backdate(beneficiary, created_at=_days(self.opened, 9))
        return beneficiary

    def open(self) -> Case:
        s = self.story
        members = [
            (user, FUNCTION_OF[name], i == 0)
            for i, (name, user) in enumerate(zip(s.team, self.team, strict=True))
        ]
        if MEDIATOR in s.team and s.department == TRAFFICKING:
            # The asylum department's mediator interprets for the trafficking department's beneficiaries.
            at = s.team.index(MEDIATOR)
            members[at] = (members[at][0], v.TeamFunction.INTERPRETER, at == 0)
        case = services.case_open(
            user=self.coordinator,
            beneficiary=self.beneficiary,
            department=self.department,
            category=s.category,
            team=members,
            risk_level=s.risk,
            flags=s.flags,
            trafficking_status=s.trafficking_status,
            exploitation_types=s.exploitation,
            control_methods=s.control,
            recruitment_methods=s.recruitment,
            exploitation_country=s.exploitation_country,
            summary=s.summary,
            opened_on=self.opened,
        )
        self.status_dates.append(self.opened)
        _backdate(case, created_at=_days(self.opened, 9))
        TeamMember.objects.filter(case=case).update(added_at=_days(self.opened, 9))
        return case

    def consents(self) -> None:
        s = self.story
        form = v.ConsentForm.GUARDIAN if s.guardian_consent else v.ConsentForm.WRITTEN
        purposes = [v.ConsentPurpose.ASSISTANCE, v.ConsentPurpose.CONTACT]
        if self.rng.random() < 0.7:
            purposes.append(v.ConsentPurpose.STATISTICS)
        for purpose in purposes:
            self._consent(purpose=purpose, form=form, given_on=self.opened)
        from refugiu.directory.models import Organization

        for name in s.share_with:
            organization = Organization.objects.filter(name=name).first()
            if organization is not None:
                self._consent(
                    purpose=v.ConsentPurpose.SHARING,
                    form=form,
                    given_on=self.day(0.2),
                    organization=organization,
                    shared_fields=SHARED_FOR_SHARING,
                )

    def _consent(self, **fields) -> Consent:
        consent = services.consent_record(user=self.lead, case=self.case, **fields)
        _backdate(consent, recorded_at=_days(fields["given_on"], 11))
        return consent

    def assess(self) -> None:
        s = self.story
        if s.status == v.CaseStatus.OPEN:
            return
        need = self._need
        assessment = services.assessment_record(
            user=self.lead,
            case=self.case,
            assessed_on=self.day(0.05),
            legal=need(v.NeedLevel.HIGH if s.proceedings else v.NeedLevel.MEDIUM),
            social=need(v.NeedLevel.HIGH),
            psychological=need(v.NeedLevel.HIGH if PSYCHOLOGIST in s.team else v.NeedLevel.LOW),
            medical=need(v.NeedLevel.MEDIUM if v.CaseFlag.PREGNANCY in s.flags else v.NeedLevel.LOW),
            shelter=need(v.NeedLevel.HIGH if s.category == v.CaseCategory.TRAFFICKING else v.NeedLevel.LOW),
            interpretation=v.NeedLevel.HIGH if s.interpreter else v.NeedLevel.NONE,
            safety=v.NeedLevel.HIGH if v.CaseFlag.SAFETY_RISK in s.flags else need(v.NeedLevel.LOW),
            notes="Assessed with the beneficiary at the office; needs reviewed at each support plan review.",
        )
        _backdate(assessment, created_at=_days(self.day(0.05), 15))

    def _need(self, level: str) -> str:
        """The planned level, sometimes one step lower: people's needs differ."""
        levels: list[str] = [v.NeedLevel.NONE, v.NeedLevel.LOW, v.NeedLevel.MEDIUM, v.NeedLevel.HIGH]
        at = levels.index(level)
        return levels[max(0, at - 1)] if self.rng.random() < 0.3 else level

    def advance(self) -> None:
        """Move the case along open → assessment → support plan → services, as far as the story goes."""
        path: list[str] = [v.CaseStatus.ASSESSMENT, v.CaseStatus.SUPPORT_PLAN, v.CaseStatus.SERVICES]
        target = v.CaseStatus.SERVICES if self.story.status == v.CaseStatus.CLOSED else self.story.status
        if target == v.CaseStatus.OPEN:
            return
        for step, status in enumerate(path[: path.index(target) + 1]):
            services.case_status_change(
                user=self.lead, case=self.case, expected_version=self.case.version, to_status=status
            )
            self.status_dates.append(self.day(0.05 + 0.1 * step))

    def sessions(self) -> None:
        s, rng = self.story, self.rng
        kinds = []
        for name in s.team:
            kinds += [(name, kind) for kind in SESSION_KINDS[name]]
        for n in range(s.sessions):
            name, kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
            if kind == v.ServiceKind.SHELTER and s.category != v.CaseCategory.TRAFFICKING:
                kind = v.ServiceKind.SOCIAL_COUNSELLING
            staff = self.staff[name]
            mediator, language = "", s.languages[0]
            if s.interpreter:
                language = s.interpreter
                if name == MEDIATOR:
                    mediator = ""  # the mediator is the staff member
                elif MEDIATOR in s.team:
                    mediator = str(self.staff[MEDIATOR])
                else:
                    mediator = f"Interpreter for {LANGUAGE_NAMES.get(language, language)} (fictitious)"
            delivered = self.day((n + 1) / (s.sessions + 1))
            entry = services.service_record(
                user=staff,
                case=self.case,
                kind=kind,
                delivered_on=delivered,
                duration_minutes=rng.choice(DURATIONS.get(kind, [30, 45, 60, 90])),
                mediator=mediator,
                language=language,
                note=rng.choice(SESSION_NOTES[kind]),
            )
            _backdate(entry, created_at=_days(delivered, 17))

    def notes(self) -> None:
        s, rng = self.story, self.rng
        written = [(self.lead, v.NoteSeal.NONE, rng.choice(TEAM_NOTES), 0.1)]
        if len(s.team) > 1 or s.sessions > 3:
            written.append((self.team[-1], v.NoteSeal.NONE, rng.choice(TEAM_NOTES), 0.5))
        if PSYCHOLOGIST in s.team:
            for i, text in enumerate(SEALED_NOTES[v.NoteSeal.PSYCHOLOGICAL]):
                written.append((self.staff[PSYCHOLOGIST], v.NoteSeal.PSYCHOLOGICAL, text, 0.3 + 0.4 * i))
        if LAWYER in s.team and s.proceedings:
            text = rng.choice(SEALED_NOTES[v.NoteSeal.LEGAL])
            written.append((self.staff[LAWYER], v.NoteSeal.LEGAL, text, 0.4))
        for author, seal, text, fraction in written:
            note = services.note_write(
                user=author, case=self.case, text=text.format(given=self.given), seal=seal
            )
            _backdate(note, written_at=_days(self.day(fraction), 18))

    def proceedings(self) -> None:
        author = self.staff[LAWYER] if LAWYER in self.story.team else self.lead
        for item in self.story.proceedings:
            fields = dict(item)
            offset, label = fields.pop("deadline"), fields.pop("label", "")
            started = self.day(0.15)
            deadline = None
            if offset is not None and self.story.status != v.CaseStatus.CLOSED:
                deadline = self.today + dt.timedelta(days=offset)
            decided = self.day(0.8) if fields["stage"] in DECIDED_STAGES else None
            proceeding = services.proceeding_record(
                user=author,
                case=self.case,
                started_on=started,
                decided_on=decided,
                deadline=deadline,
                deadline_label=label if deadline else "",
                file_number=f"DEMO-{self.rng.randint(1000, 9999)}/{started.year}",
                **fields,
            )
            _backdate(proceeding, created_at=_days(started, 12), updated_at=_days(self.day(0.8), 12))

    def referrals(self) -> None:
        """Internal referral to the other department; external ones to services of the organisations the
        person agreed to share with, where the directory lists a service of theirs."""
        s = self.story
        if self.other_department is not None:
            sent = self.today - dt.timedelta(days=4) if s.referral_waiting else self.day(0.35)
            referral = services.referral_send(
                user=self.lead,
                case=self.case,
                department=self.other_department,
                reason="Indicators of trafficking came up during counselling: identification interview "
                "and specialised assistance.",
                shared_fields=[v.SharedField.CODE, v.SharedField.NAMES, v.SharedField.CATEGORY],
            )
            if s.referral_waiting:
                _backdate(referral, sent_on=sent, created_at=_days(sent))
            else:
                services.referral_update(
                    user=self.lead,
                    referral=referral,
                    expected_version=referral.version,
                    status=v.ReferralStatus.ACCEPTED,
                )
                _backdate(
                    referral, sent_on=sent, responded_on=sent + dt.timedelta(days=3), created_at=_days(sent)
                )
        from refugiu.directory.models import Service

        for consent in Consent.objects.filter(case=self.case, purpose=v.ConsentPurpose.SHARING):
            if consent.organization_id is None:  # a recipient outside the directory has no service there
                continue
            service = (
                Service.objects.filter(organization_id=consent.organization_id, status=Service.Status.ACTIVE)
                .select_related("organization")
                .order_by("name")
                .first()
            )
            if service is None:
                continue
            sent = self.day(0.4)
            referral = services.referral_send(
                user=self.lead,
                case=self.case,
                service=service,
                reason="Support near where the person now lives.",
                shared_fields=list(SHARED_FOR_SHARING),
            )
            if s.status == v.CaseStatus.CLOSED:
                services.referral_update(
                    user=self.lead, referral=referral, expected_version=referral.version,
                    status=v.ReferralStatus.ACCEPTED,
                )  # fmt: skip
                services.referral_update(
                    user=self.lead, referral=referral, expected_version=referral.version,
                    status=v.ReferralStatus.COMPLETED, feedback="Support started; the person is doing well.",
                )  # fmt: skip
            _backdate(referral, sent_on=sent, created_at=_days(sent))

    def tasks(self) -> None:
        if self.story.status == v.CaseStatus.CLOSED:
            return
        rng = self.rng
        # The first task is due within the week (today at the soonest), or past its day in the few stories
        # that leave one overdue; the second later; the third was done in time weeks ago.
        soon = rng.randint(2, 15)
        for due, done in (
            (-soon if self.story.overdue_task else (soon - 2) // 2, False),
            (rng.randint(8, 30), False),
            (-rng.randint(20, 40), True),
        ):
            if due < 0 and self.story.opened_days_ago < -due:
                continue
            assignee = rng.choice(self.team)
            task = services.task_create(
                user=self.lead,
                case=self.case,
                title=rng.choice(TASKS),
                due_on=self.today + dt.timedelta(days=due),
                assignee=assignee,
            )
            created = max(self.opened, self.today + dt.timedelta(days=min(due, 0) - 7))
            _backdate(task, created_at=_days(created))
            if done:
                services.task_complete(user=assignee, task=task)
                _backdate(task, done_at=_days(self.today + dt.timedelta(days=due)))

    def close(self) -> None:
        s = self.story
        if not s.closing:
            return
        requested = self.end if s.status == v.CaseStatus.CLOSED else self.today - dt.timedelta(days=2)
        services.case_close_request(
            user=self.lead,
            case=self.case,
            expected_version=self.case.version,
            reason="Support plan completed; the person agrees that the case can be closed.",
            outcome=s.closing,
        )
        _backdate(self.case, closure_requested_at=_days(requested, 14))
        if s.closure_pending:
            return
        services.case_close_decide(
            user=self.coordinator, case=self.case, expected_version=self.case.version, approve=True
        )
        approved = requested + dt.timedelta(days=2)
        self.status_dates.append(approved)
        _backdate(self.case, closed_on=approved)

    def date_status_changes(self) -> None:
        changes = StatusChange.objects.filter(case=self.case).order_by("pk").values_list("pk", flat=True)
        for pk, day in zip(changes, self.status_dates, strict=True):
            StatusChange.objects.filter(pk=pk).update(at=_days(day, 13))


def _break_glass_demo(staff: dict, cases: dict[str, Case]) -> None:
    """One past break-glass access, for the data protection officer to find in the audit log."""
    coordinator = staff[COORDINATOR_OF[TRAFFICKING]]
    grant = services.break_glass_open(
        user=coordinator,
        case=cases["t-child"],
        reason="Safeguarding review asked for by the child protection directorate; the psychologist is away.",
    )
    opened = timezone.now() - dt.timedelta(days=34)
    _backdate(grant, opened_at=opened, expires_at=opened + dt.timedelta(hours=1))
