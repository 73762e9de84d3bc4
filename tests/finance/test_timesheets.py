"""Timesheets as their users meet them: a staff member fills and signs a month through its grid, the
supervisor approves or returns it, a signed month is corrected by a new version; every refusal an auditor
would make; the rates of the hour and day templates; personnel costs rounded once per line; and a property
test that no accepted time ever exceeds the year's ceiling."""

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, target
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from refugiu.accounts.roles import Role
from refugiu.core.models import AuditEntry
from refugiu.finance import timesheets as rules
from refugiu.finance.models import Employment, GrantPartner, PersonnelCost, TimeEntry, TimesheetMonth
from refugiu.finance.money import money_sum
from refugiu.finance.services import timesheets as services
from refugiu.finance.services.errors import FinanceError, PeriodClosed
from refugiu.finance.services.timesheets import EntryInput
from refugiu.finance.vocabularies import SheetStatus, TimeKind
from tests.cases.factories import staff
from tests.finance.factories import EU_2021, employed, grant_with_partners, template
from tests.url_patterns import sign_in_as

pytestmark = pytest.mark.django_db

MARCH = dt.date(2019, 3, 1)


@pytest.fixture
def world():
    supervisor = staff(Role.PROJECT_COORDINATOR, first_name="Sam", last_name="Supervisor")
    person = staff(Role.TIMESHEET_STAFF, first_name="Tia", last_name="Timesheet")
    manager = staff(Role.FINANCIAL_MANAGER, first_name="Mara", last_name="Manager")
    grant = grant_with_partners()
    employed(person, supervisor=supervisor)
    wp1, wp2 = grant.work_packages.order_by("number")
    return {
        "person": person,
        "supervisor": supervisor,
        "manager": manager,
        "grant": grant,
        "wp1": wp1,
        "wp2": wp2,
    }


def month_url(month=MARCH):
    return f"/staff/finance/timesheets/{month.year}/{month.month}/"


def grid(month=MARCH, rows=None, *, action="save", lines=1):
    """The POST of a month's grid: every field empty but those of `rows` ({day: {field: value}})."""
    data = {"lines": str(lines), "action": action}
    for day in range(1, calendar.monthrange(month.year, month.month)[1] + 1):
        for line in range(lines):
            data[f"d{day}_project{line}"] = ""
            data[f"d{day}_hours{line}"] = ""
        data[f"d{day}_other"] = ""
        data[f"d{day}_absence"] = ""
    for day, fields in (rows or {}).items():
        for name, value in fields.items():
            data[f"d{day}_{name}"] = str(value)
    return data


def choice(grant, wp=None):
    return f"{grant.pk}-{wp.pk if wp else ''}"


def sheet_of(person, month=MARCH):
    return services.current_sheet(person.pk, month)


def actions(target):
    return list(
        AuditEntry.objects.filter(object_type="finance.timesheetmonth", object_id=str(target.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def fill(person, entries, month=MARCH):
    return services.timesheet_fill(actor=person, month=month, entries=entries)


def project(day, hours, grant, wp=None):
    return EntryInput(date=day, kind=TimeKind.PROJECT, hours=Decimal(hours), grant=grant, work_package=wp)


# --- the journey ---


def test_fill_sign_approve_through_the_pages(client, world):
    person, grant, wp1, wp2 = world["person"], world["grant"], world["wp1"], world["wp2"]
    sign_in_as(client, person)
    assert client.get("/staff/finance/timesheets/").status_code == 302
    page = client.get(month_url())
    html = page.content.decode()
    assert page.status_code == 200
    # Every field is labelled with its day: a screen reader (and a browser test) finds it by its name.
    assert '<label for="id_d4_hours0">' in html
    assert 'Project hours</span><span class="visually-hidden">, Monday March 4, 2019</span>' in html
    assert 'id="id_d4_project0"' in html and choice(grant, wp1) in html

    rows = {
        4: {"project0": choice(grant, wp1), "hours0": "6", "other": "2"},
        5: {"project0": choice(grant, wp2), "hours0": "7.5"},
        6: {"absence": "8"},
    }
    response = client.post(month_url(), grid(rows=rows))
    assert response.status_code == 302
    sheet = sheet_of(person)
    assert sheet.status == SheetStatus.DRAFT
    assert sorted((e.date.day, e.kind, e.hours) for e in sheet.entries.all()) == [
        (4, TimeKind.OTHER_WORK, Decimal("2")),
        (4, TimeKind.PROJECT, Decimal("6")),
        (5, TimeKind.PROJECT, Decimal("7.5")),
        (6, TimeKind.ABSENCE, Decimal("8")),
    ]
    page = client.get(month_url()).content.decode()
    assert 'value="7.5"' in page and "13.5" in page  # typed values back, and the month's project total

    response = client.post(month_url(), grid(rows=rows, action="sign"))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED and sheet.signed_at
    page = client.get(month_url()).content.decode()
    assert 'name="d4_hours0"' not in page  # locked: no grid any more

    sign_in_as(client, world["supervisor"])
    queue = client.get("/staff/finance/timesheets/queue/").content.decode()
    assert "Tia Timesheet" in queue and f"/timesheets/sheets/{sheet.pk}/" in queue
    detail = client.get(f"/staff/finance/timesheets/sheets/{sheet.pk}/").content.decode()
    assert "Approve the month" in detail and "WP1 Management" in detail
    response = client.post(f"/staff/finance/timesheets/sheets/{sheet.pk}/approve/")
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.APPROVED and sheet.approved_by == world["supervisor"]
    assert f"/sheets/{sheet.pk}/" not in client.get("/staff/finance/timesheets/queue/").content.decode()

    assert actions(sheet) == [
        "finance.timesheet.filled",
        "finance.timesheet.filled",
        "finance.timesheet.signed",
        "finance.timesheet.approved",
    ]
    for entry in AuditEntry.objects.filter(action__startswith="finance.timesheet."):
        text = str(entry.detail)
        assert "24080" not in text and "14.00" not in text and "annual" not in text
        assert entry.detail["month"] == "2019-03"

    sign_in_as(client, world["manager"])
    overview = client.get("/staff/finance/timesheets/overview/", {"month": "2019-03"}).content.decode()
    assert "Tia Timesheet" in overview and "approved" in overview and "13.5" in overview


def test_return_with_a_reason_then_sign_again(client, world):
    person, grant = world["person"], world["grant"]
    sheet = fill(person, [project(dt.date(2019, 3, 4), "6", grant, world["wp1"])])
    services.timesheet_sign(actor=person, sheet=sheet)
    sign_in_as(client, world["supervisor"])
    url = f"/staff/finance/timesheets/sheets/{sheet.pk}/return/"
    page = client.post(url, {"reason": "  "})
    assert page.status_code == 200 and "Say why" in page.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED
    assert client.post(url, {"reason": "4 March was a training day: WP2"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RETURNED and sheet.return_reason == "4 March was a training day: WP2"

    sign_in_as(client, person)
    page = client.get(month_url()).content.decode()
    assert "4 March was a training day: WP2" in page and 'name="d4_hours0"' in page
    rows = {4: {"project0": choice(grant, world["wp2"]), "hours0": "6"}}
    assert client.post(month_url(), grid(rows=rows, action="sign")).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED and sheet.return_reason == ""
    assert actions(sheet)[-3:] == [
        "finance.timesheet.returned",
        "finance.timesheet.filled",
        "finance.timesheet.signed",
    ]


def test_errors_keep_what_was_typed_and_save_nothing(client, world):
    person, grant, wp1 = world["person"], world["grant"], world["wp1"]
    sign_in_as(client, person)
    rows = {4: {"project0": choice(grant, wp1), "hours0": "seven"}, 5: {"hours0": "3"}, 6: {"other": "2.5"}}
    page = client.post(month_url(), grid(rows=rows))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing has been saved yet" in html
    assert 'value="seven"' in html and 'value="2.5"' in html
    assert "Choose the grant and work package of these hours." in html
    assert sheet_of(person) is None

    rows = {
        4: {"project0": choice(grant, wp1), "hours0": "7"},
        5: {"project0": choice(grant, wp1), "hours0": "10"},
    }
    page = client.post(month_url(), grid(rows=rows, action="sign"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "do not fit in the working day of 8 h" in html and "March 5, 2019" in html
    assert 'value="10"' in html and 'value="7"' in html
    assert sheet_of(person) is None


def test_a_second_project_line_a_day(client, world):
    person, grant = world["person"], world["grant"]
    sign_in_as(client, person)
    page = client.get(month_url(), {"lines": "2"}).content.decode()
    assert 'name="d4_project1"' in page and "Project 2 hours" in page
    rows = {
        4: {"project0": choice(grant, world["wp1"]), "hours0": "4", "project1": choice(grant, world["wp2"])}
    }
    rows[4]["hours1"] = "4"
    assert client.post(month_url(), grid(rows=rows, lines=2)).status_code == 302
    assert sheet_of(person).entries.filter(kind=TimeKind.PROJECT).count() == 2
    assert 'name="d4_project1"' in client.get(month_url()).content.decode()  # saved lines stay shown


# --- what an auditor refuses ---


def problems_of(call):
    with pytest.raises(FinanceError) as raised:
        call()
    return " ".join(raised.value.messages)


def test_more_project_time_than_worked_in_a_day(world):
    grant, person = world["grant"], world["person"]
    day = dt.date(2019, 3, 4)
    found = problems_of(
        lambda: fill(person, [project(day, "6", grant), EntryInput(day, TimeKind.OTHER_WORK, Decimal("3"))])
    )
    assert "March 4, 2019: 6 h on projects, 3 h of other work and 0 h of absence" in found
    # Half a day absent leaves half a day of work.
    found = problems_of(
        lambda: fill(person, [project(day, "5", grant), EntryInput(day, TimeKind.ABSENCE, Decimal("4"))])
    )
    assert "do not fit in the working day of 8 h" in found
    # A part-time (0.5) employment has a 4-hour day, unless its contract says otherwise.
    employment = Employment.objects.get(user=person)
    employment.fte = Decimal("0.5")
    employment.save()
    assert "working day of 4 h" in problems_of(lambda: fill(person, [project(day, "5", grant)]))
    employment.day_hours = Decimal("6")
    employment.save()
    assert fill(person, [project(day, "5", grant)]).entries.count() == 1


def test_no_project_time_on_a_day_marked_absent(world):
    day = dt.date(2019, 3, 4)
    found = problems_of(
        lambda: fill(
            world["person"],
            [project(day, "1", world["grant"]), EntryInput(day, TimeKind.ABSENCE, Decimal("8"))],
        )
    )
    assert "March 4, 2019 is marked absent for the whole day" in found


def test_time_outside_the_grant_or_the_employment_and_every_problem_listed(world):
    person, grant = world["person"], world["grant"]
    Employment.objects.filter(user=person).update(start=dt.date(2018, 12, 10))
    december = dt.date(2018, 12, 1)
    with pytest.raises(FinanceError) as raised:
        fill(
            person,
            [project(dt.date(2018, 12, 3), "4", grant), project(dt.date(2018, 12, 11), "4", grant)],
            december,
        )
    messages = raised.value.messages
    assert any("Dec. 3, 2018: no employment covers this day" in message for message in messages)
    assert any("Dec. 3, 2018 is outside the period of grant" in message for message in messages)
    assert any("Dec. 11, 2018 is outside the period of grant" in message for message in messages)
    assert len(messages) == 3
    assert not TimesheetMonth.objects.filter(user=person).exists()  # nothing saved, not even the month


def test_a_work_package_of_another_grant(world):
    other = grant_with_partners()
    foreign = other.work_packages.first()
    found = problems_of(
        lambda: fill(world["person"], [project(dt.date(2019, 3, 4), "4", world["grant"], foreign)])
    )
    assert f"is not a work package of grant {world['grant'].agreement_number}" in found


def test_a_grant_we_are_not_a_beneficiary_of(world):
    GrantPartner.objects.filter(grant=world["grant"], is_us=True).update(is_us=False)
    found = problems_of(lambda: fill(world["person"], [project(dt.date(2019, 3, 4), "4", world["grant"])]))
    assert "Our organisation is not a beneficiary" in found


def close(grant, number=1):
    grant.periods.filter(number=number).update(submitted_at=timezone.now())


def test_no_time_in_a_closed_period(world):
    close(world["grant"])
    found = problems_of(lambda: fill(world["person"], [project(dt.date(2019, 3, 4), "4", world["grant"])]))
    assert "lies in reporting period 1" in found and "which is closed" in found


def test_approving_checks_again_a_period_closed_since_signing(client, world):
    person, grant = world["person"], world["grant"]
    sheet = fill(person, [project(dt.date(2019, 3, 4), "4", grant)])
    services.timesheet_sign(actor=person, sheet=sheet)
    close(grant)
    sign_in_as(client, world["supervisor"])
    page = client.post(f"/staff/finance/timesheets/sheets/{sheet.pk}/approve/")
    assert page.status_code == 200 and "which is closed" in page.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED


def test_the_year_ceiling_counts_signed_and_approved_months(world):
    person, grant = world["person"], world["grant"]
    # Half time from 1 July 2019: 1,720 × 0.5 × 184/365 = 433.53 hours in 2019.
    Employment.objects.filter(user=person).update(fte=Decimal("0.5"), start=dt.date(2019, 7, 1))
    employment = Employment.objects.get(user=person)
    assert rules.year_ceiling([employment], 2019, grant.template).quantize(Decimal("0.01")) == Decimal(
        "433.53"
    )
    signed = Decimal("0")
    refused = None
    for number in range(7, 13):
        month = dt.date(2019, number, 1)
        entries = [project(day, "4", grant) for day in rules.month_days(month)]
        try:
            sheet = fill(person, entries, month)
            services.timesheet_sign(actor=person, sheet=sheet)
        except FinanceError as error:
            refused = (number, error.messages)
            break
        signed += 4 * len(entries)
    assert refused is not None and refused[0] == 10  # July–September: 368 h; October would make 492
    assert "more than the year's ceiling of 433.53 hours" in refused[1][0]
    assert signed == Decimal("368")


def test_a_signed_month_is_locked(client, world):
    person, grant = world["person"], world["grant"]
    sheet = fill(person, [project(dt.date(2019, 3, 4), "4", grant)])
    services.timesheet_sign(actor=person, sheet=sheet)
    with pytest.raises(FinanceError) as raised:
        fill(person, [project(dt.date(2019, 3, 4), "8", grant)])
    assert raised.value.code == "locked"
    sign_in_as(client, person)
    page = client.post(month_url(), grid(rows={4: {"project0": choice(grant), "hours0": "8"}}))
    assert page.status_code == 200 and "locked" in page.content.decode()
    assert [entry.hours for entry in sheet.entries.all()] == [Decimal("4")]


def test_nobody_approves_their_own_month_nor_one_they_do_not_supervise(client, world):
    manager, grant = world["manager"], world["grant"]
    employed(manager, supervisor=world["supervisor"])
    own = fill(manager, [project(dt.date(2019, 3, 4), "4", grant)])
    services.timesheet_sign(actor=manager, sheet=own)
    sign_in_as(client, manager)
    assert client.post(f"/staff/finance/timesheets/sheets/{own.pk}/approve/").status_code == 404
    assert f"/sheets/{own.pk}/" not in client.get("/staff/finance/timesheets/queue/").content.decode()

    sheet = fill(world["person"], [project(dt.date(2019, 3, 4), "4", grant)])
    services.timesheet_sign(actor=world["person"], sheet=sheet)
    stranger = staff(Role.PROJECT_COORDINATOR)
    sign_in_as(client, stranger)
    assert client.get(f"/staff/finance/timesheets/sheets/{sheet.pk}/").status_code == 404
    assert client.post(f"/staff/finance/timesheets/sheets/{sheet.pk}/approve/").status_code == 404
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED
    assert AuditEntry.objects.filter(action="finance.timesheetmonth.access_refused").exists()
    # The financial manager may approve anyone else's.
    sign_in_as(client, manager)
    assert client.post(f"/staff/finance/timesheets/sheets/{sheet.pk}/approve/").status_code == 302


# --- corrections ---


def approved_march(world, hours="6"):
    sheet = fill(world["person"], [project(dt.date(2019, 3, 4), hours, world["grant"], world["wp1"])])
    services.timesheet_sign(actor=world["person"], sheet=sheet)
    return services.timesheet_approve(actor=world["supervisor"], sheet=sheet)


def test_correcting_an_approved_month_is_a_new_version(client, world):
    person, grant = world["person"], world["grant"]
    old = approved_march(world)
    sign_in_as(client, person)
    assert "Correct this month" in client.get(month_url()).content.decode()
    url = f"/staff/finance/timesheets/sheets/{old.pk}/correct/"
    assert client.get(url).status_code == 200
    page = client.post(url, {"reason": ""})
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    response = client.post(url, {"reason": "6 hours were on WP2"})
    assert response.status_code == 302 and response["Location"] == month_url()
    old.refresh_from_db()
    new = sheet_of(person)
    assert old.status == SheetStatus.SUPERSEDED
    assert (new.version, new.supersedes, new.status, new.correction_reason) == (
        2,
        old,
        SheetStatus.DRAFT,
        "6 hours were on WP2",
    )
    assert [(e.date, e.hours, e.work_package) for e in new.entries.all()] == [
        (dt.date(2019, 3, 4), Decimal("6"), world["wp1"])
    ]
    assert [(e.date, e.hours) for e in old.entries.all()] == [(dt.date(2019, 3, 4), Decimal("6"))]
    page = client.get(month_url()).content.decode()
    assert 'name="d4_hours0"' in page and "Version 1" in page and "6 hours were on WP2" in page
    rows = {4: {"project0": choice(grant, world["wp2"]), "hours0": "6"}}
    assert client.post(month_url(), grid(rows=rows, action="sign")).status_code == 302
    new.refresh_from_db()
    assert new.status == SheetStatus.SIGNED
    corrected = AuditEntry.objects.get(action="finance.timesheet.corrected")
    assert corrected.object_id == str(new.pk)
    assert corrected.detail == {
        "month": "2019-03",
        "version": 2,
        "supersedes": old.pk,
        "was": "approved",
        "reason": "6 hours were on WP2",
        "entries": 1,
    }
    # A superseded version can no longer be corrected or approved.
    with pytest.raises(FinanceError):
        services.timesheet_correct(actor=person, sheet=old, reason="again")


def test_time_in_a_closed_period_cannot_be_corrected(client, world):
    old = approved_march(world)
    close(world["grant"])
    sign_in_as(client, world["person"])
    page = client.post(f"/staff/finance/timesheets/sheets/{old.pk}/correct/", {"reason": "a typo"})
    html = page.content.decode()
    assert page.status_code == 200 and "lies in reporting period 1, which is closed" in html
    assert "a typo</textarea>" in html
    old.refresh_from_db()
    assert old.status == SheetStatus.APPROVED
    assert TimesheetMonth.objects.filter(user=world["person"]).count() == 1
    with pytest.raises(PeriodClosed):
        services.timesheet_correct(actor=world["manager"], sheet=old, reason="a typo")


def test_only_the_owner_or_a_manager_corrects(client, world):
    old = approved_march(world)
    sign_in_as(client, world["supervisor"])
    assert client.get(f"/staff/finance/timesheets/sheets/{old.pk}/correct/").status_code == 404
    sign_in_as(client, world["manager"])
    response = client.post(f"/staff/finance/timesheets/sheets/{old.pk}/correct/", {"reason": "wrong WP"})
    new = sheet_of(world["person"])
    assert response.status_code == 302 and response["Location"].endswith(f"/sheets/{new.pk}/")


# --- rates and personnel costs ---


def test_rates_of_the_hour_and_day_templates(world):
    person = world["person"]
    hourly = Employment(
        user=person, annual_cost=Decimal("24080.00"), fte=Decimal("1"), start=dt.date(2018, 1, 1)
    )
    assert rules.unit_rate(hourly, template()) == Decimal("14")
    daily = Employment(
        user=person, annual_cost=Decimal("43000.00"), fte=Decimal("1"), start=dt.date(2018, 1, 1)
    )
    assert rules.unit_rate(daily, template(EU_2021)) == Decimal("200")
    # Half time: half the costs over half the productive time, the same rate.
    half = Employment(user=person, annual_cost=Decimal("12040.00"), fte=Decimal("0.5"))
    assert rules.unit_rate(half, template()) == Decimal("14")
    assert rules.units(Decimal("6"), template(EU_2021)) == Decimal("0.75")
    assert rules.year_ceiling([hourly], 2019, template()) == Decimal("1720")
    assert rules.year_ceiling([daily], 2020, template(EU_2021)) == Decimal("215")


def test_personnel_costs_are_approved_time_times_rate_rounded_once_a_line(world):
    person, grant, wp1, wp2 = world["person"], world["grant"], world["wp1"], world["wp2"]
    # 25,000 a year: 14.534883… an hour. Three single hours: 43.60 rounded once, not 3 × 14.53 = 43.59.
    Employment.objects.filter(user=person).update(annual_cost=Decimal("25000.00"))
    days = [dt.date(2019, 3, 4), dt.date(2019, 3, 5), dt.date(2019, 3, 6)]
    sheet = fill(
        person, [*(project(day, "1", grant, wp1) for day in days), project(days[0], "2", grant, wp2)]
    )
    services.timesheet_sign(actor=person, sheet=sheet)
    assert rules.personnel_cost_lines(grant, None) == []  # signed is not approved
    services.timesheet_approve(actor=world["supervisor"], sheet=sheet)
    lines = rules.personnel_cost_lines(grant, None)
    ours = GrantPartner.objects.get(grant=grant, is_us=True)
    assert [(line.work_package_id, line.hours, line.amount, line.partner_id) for line in lines] == [
        (wp1.pk, Decimal("3"), Decimal("43.60"), ours.pk),
        (wp2.pk, Decimal("2"), Decimal("29.07"), ours.pk),
    ]
    assert money_sum([line.amount for line in lines]) == Decimal("72.67")  # the grant's: its lines' sum
    assert rules.personnel_cost_lines(grant, None, start=dt.date(2019, 3, 5))[0].hours == Decimal("2")


def test_personnel_costs_in_three_queries_whatever_the_people(world, django_assert_num_queries):
    grant = world["grant"]
    for number in range(3):
        person = staff(Role.TIMESHEET_STAFF)
        employed(person, supervisor=world["supervisor"], annual_cost=f"{24080 + 1000 * number}.00")
        for month in (MARCH, dt.date(2019, 4, 1)):
            sheet = fill(
                person,
                [project(month.replace(day=day), "3", grant, world["wp1"]) for day in (2, 3, 4)],
                month,
            )
            services.timesheet_sign(actor=person, sheet=sheet)
            services.timesheet_approve(actor=world["manager"], sheet=sheet)
    # Our beneficiary, the timesheet category, the months' costs written at approval.
    with django_assert_num_queries(3):
        lines = rules.personnel_cost_lines(grant, None, detail=False)
    assert len(lines) == 6 and all(line.hours == Decimal("9") for line in lines)
    assert lines[0].amount == Decimal("126.00")  # 9 h × 14.00
    with django_assert_num_queries(3):
        detailed = rules.personnel_cost_lines(grant, None)
    assert [line.amount for line in detailed] == [line.amount for line in lines]
    assert all(line.sheet_id and line.approved_at for line in detailed)


def _costs(grant):
    return [(line.hours, line.amount) for line in rules.personnel_cost_lines(grant, None)]


def test_personnel_costs_follow_approval_correction_and_what_prices_them(world):
    """The months' costs are written at approval, gone with a correction, back at the new approval, and
    repriced when the employment (as the admin saves it), the grant's template or the template changes."""
    person, grant, manager = world["person"], world["grant"], world["manager"]
    sheet = fill(person, [project(dt.date(2019, 3, 4), "3", grant, world["wp1"])])
    services.timesheet_sign(actor=person, sheet=sheet)
    assert _costs(grant) == []
    services.timesheet_approve(actor=manager, sheet=sheet)
    assert _costs(grant) == [(Decimal("3"), Decimal("42.00"))]  # 3 h × 14.00
    correction = services.timesheet_correct(actor=person, sheet=sheet, reason="One hour too many")
    assert _costs(grant) == [] and not PersonnelCost.objects.filter(sheet=sheet).exists()
    fill(person, [project(dt.date(2019, 3, 4), "2", grant, world["wp1"])])
    services.timesheet_sign(actor=person, sheet=correction)
    services.timesheet_approve(actor=manager, sheet=correction)
    assert _costs(grant) == [(Decimal("2"), Decimal("28.00"))]
    employment = Employment.objects.get(user=person)
    employment.annual_cost = Decimal("25000.00")  # 14.534883… an hour
    employment.save()
    assert _costs(grant) == [(Decimal("2"), Decimal("29.07"))]
    employment.end = dt.date(2019, 2, 28)  # no employment covers March any more
    employment.save()
    [line] = rules.personnel_cost_lines(grant, None)
    assert (line.amount, line.has_rate) == (Decimal("0.00"), False)
    employment.delete()
    employed(person, supervisor=world["supervisor"], annual_cost="43000.00")
    assert _costs(grant) == [(Decimal("2"), Decimal("50.00"))]  # 43,000 ÷ 1,720 h
    grant.template = template(EU_2021)
    grant.save()
    # 43,000 ÷ 215 days = 200.00 a day of 8 hours; and the new template's timesheet category.
    [line] = rules.personnel_cost_lines(grant, None)
    assert (
        line.amount == Decimal("50.00")
        and line.category_id == template(EU_2021).categories.get(from_timesheets=True).pk
    )
    eu = template(EU_2021)
    eu.productive_time = Decimal("200")
    eu.save()
    assert _costs(grant) == [(Decimal("2"), Decimal("53.75"))]  # 43,000 ÷ 200 ÷ 8 × 2


def test_personnel_costs_of_a_month_cut_by_a_period_come_from_its_days(world):
    person, grant = world["person"], world["grant"]
    days = [dt.date(2019, 3, 4), dt.date(2019, 3, 20)]
    sheet = fill(person, [project(day, "2", grant, world["wp1"]) for day in days])
    services.timesheet_sign(actor=person, sheet=sheet)
    services.timesheet_approve(actor=world["manager"], sheet=sheet)
    whole = rules.personnel_cost_lines(grant, None, start=dt.date(2019, 3, 1), end=dt.date(2019, 3, 31))
    first = rules.personnel_cost_lines(grant, None, end=dt.date(2019, 3, 10))
    last = rules.personnel_cost_lines(grant, None, start=dt.date(2019, 3, 11), end=dt.date(2019, 4, 30))
    inside = rules.personnel_cost_lines(grant, None, start=dt.date(2019, 3, 3), end=dt.date(2019, 3, 5))
    assert [line.hours for line in whole] == [Decimal("4")]
    assert [(line.hours, line.amount) for line in first] == [(Decimal("2"), Decimal("28.00"))]
    assert [(line.hours, line.last_day) for line in last] == [(Decimal("2"), dt.date(2019, 3, 20))]
    assert [line.hours for line in inside] == [Decimal("2")]
    sums = rules.personnel_cost_sums(grant, start=dt.date(2019, 3, 11), end=None, since=None)
    assert sums is not None and sums[1].to_date == Decimal("28.00")


def test_personnel_costs_by_the_day(world):
    person = world["person"]
    grant = grant_with_partners(template_code=EU_2021)
    Employment.objects.filter(user=person).update(annual_cost=Decimal("43000.00"))
    sheet = fill(person, [project(dt.date(2019, 3, 4), "8", grant), project(dt.date(2019, 3, 5), "4", grant)])
    services.timesheet_sign(actor=person, sheet=sheet)
    services.timesheet_approve(actor=world["manager"], sheet=sheet)
    [line] = rules.personnel_cost_lines(grant, None)
    assert (line.hours, line.amount) == (Decimal("12"), Decimal("300.00"))  # 1.5 days × 200.00


# --- the property ---


# A month: its number, the share of the contracted day charged to the project each day (a day perhaps 2 h
# heavier), other work each day. Most months fit the part-time day, so that the ceiling of the year, not the
# day, is what refuses the later ones.
def months_from(first: int):
    return st.lists(
        st.tuples(
            st.integers(min_value=first, max_value=12),
            st.sampled_from([Decimal(value) for value in ("0.5", "0.75", "1", "1", "1")]),
            st.lists(st.integers(min_value=1, max_value=28), max_size=1),
            st.sampled_from([Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0.5")]),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda month: month[0],
    )


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fte=st.sampled_from([Decimal("0.5"), Decimal("0.6"), Decimal("0.8")]),
    start_month=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_no_accepted_time_exceeds_the_ceilings(world, fte, start_month, data):
    """Random months of a part-time employment that starts in the year: whatever is signed and approved never
    exceeds productive time × fte pro rata, and no accepted day holds more than its contracted day."""
    person, grant = world["person"], world["grant"]
    # Mostly months of the employment, a few before it.
    months = data.draw(months_from(max(1, start_month - 1)))
    with transaction.atomic():
        start = dt.date(2019, start_month, 1)
        Employment.objects.filter(user=person).update(fte=fte, start=start)
        employment = Employment.objects.get(user=person)
        accepted_months = 0
        for number, share, heavier, other in months:
            month = dt.date(2019, number, 1)
            on_project = (Decimal("8") * fte * share).quantize(Decimal("0.25"))
            entries = []
            for day in rules.month_days(month):
                entries.append(project(day, on_project + (2 if day.day in heavier else 0), grant))
                if other:
                    entries.append(EntryInput(day, TimeKind.OTHER_WORK, other))
            try:
                sheet = fill(person, entries, month)
                services.timesheet_sign(actor=person, sheet=sheet)
                services.timesheet_approve(actor=world["supervisor"], sheet=sheet)
                accepted_months += 1
            except FinanceError:
                continue
        accepted = TimeEntry.objects.filter(sheet__user=person, sheet__status=SheetStatus.APPROVED)
        charged = sum((entry.hours for entry in accepted if entry.kind == TimeKind.PROJECT), Decimal("0"))
        assert charged <= rules.year_ceiling([employment], 2019, grant.template)
        per_day: dict[dt.date, Decimal] = {}
        for entry in accepted:
            assert entry.date >= start
            per_day[entry.date] = per_day.get(entry.date, Decimal("0")) + entry.hours
        assert all(total <= Decimal("8") * fte for total in per_day.values())
        assert (
            TimesheetMonth.objects.filter(user=person, status=SheetStatus.APPROVED).count() == accepted_months
        )
        target(float(charged / rules.year_ceiling([employment], 2019, grant.template)))
        transaction.set_rollback(True)


def test_the_queue_and_the_month_overview_load_the_style_that_scrolls_their_tables(client, world):
    """Both pages put their table in a .table-scroll box; without a stylesheet that made it scroll, a long
    name widened the page past a 360-pixel phone (found by the browser journey). The box's style is the
    site's own now, loaded by every page (tests/browser/test_every_page_on_a_phone.py walks them all)."""
    person, grant = world["person"], world["grant"]
    services.timesheet_sign(actor=person, sheet=fill(person, [project(dt.date(2019, 3, 4), "4", grant)]))
    for user, url in (
        (world["supervisor"], "/staff/finance/timesheets/queue/"),
        (world["manager"], "/staff/finance/timesheets/overview/?month=2019-03"),
    ):
        sign_in_as(client, user)
        page = client.get(url).content.decode()
        assert 'class="table-scroll"' in page and "refugiu/site.css" in page, url
    with open(finders.find("refugiu/site.css"), encoding="utf-8") as css:
        assert ".table-scroll { overflow-x: auto;" in css.read()


def test_the_queue_reads_the_supervised_employments_once(client, world):
    """The approval queue asks once which of the signed months the coordinator supervises, not once a
    month: the same queries for one person waiting as for four; only the supervised ones are listed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supervisor, grant, wp1 = world["supervisor"], world["grant"], world["wp1"]

    def sign_month(person):
        sheet = fill(person, [project(dt.date(2019, 3, 4), "4", grant, wp1)])
        services.timesheet_sign(actor=person, sheet=sheet)

    sign_month(world["person"])
    sign_in_as(client, supervisor)
    with CaptureQueriesContext(connection) as one:
        first = client.get("/staff/finance/timesheets/queue/").content.decode()
    others = [staff(Role.TIMESHEET_STAFF) for _ in range(3)]
    for other in others:
        employed(other, supervisor=supervisor)
        sign_month(other)
    stranger = staff(Role.TIMESHEET_STAFF, last_name="Unsupervised")
    employed(stranger, supervisor=world["manager"])
    sign_month(stranger)
    with CaptureQueriesContext(connection) as four:
        queue = client.get("/staff/finance/timesheets/queue/").content.decode()
    assert len(four) == len(one), (len(one), len(four))
    assert "Timesheet" in first
    for other in others:
        assert other.last_name in queue
    assert "Unsupervised" not in queue
