"""The coordinators' dashboard: own departments only, this year against last year, counts only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.models import RoleAssignment
from refugiu.accounts.roles import Role
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Beneficiary, Case, Proceeding, Referral, ServiceEntry
from refugiu.reports.dashboard import Figure, dashboard_compute, dashboard_periods
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, NGOFactory, case_new, coordinator
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory

D = datetime.date
TODAY = D(2026, 6, 15)  # this year to date: 1 Jan – 15 Jun 2026; last year: 1 Jan – 15 Jun 2025
URL = "reports:dashboard"


def opened(department, by, on, **attributes):
    case = case_new(department=department, by=by, opened_on=on, **attributes)
    Beneficiary.objects.filter(pk=case.beneficiary_id).update(
        created_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    )
    return case


def closed(case, on):
    Case.objects.filter(pk=case.pk).update(status=v.CaseStatus.CLOSED, closed_on=on)


def service(case, kind, on, by):
    return ServiceEntry.objects.create(
        case=case, kind=kind, delivered_on=on, duration_minutes=30, staff=by, created_by=by
    )


@pytest.fixture
def world(db):
    """Two departments of one organisation, each with its coordinator and cases over two years."""
    organisation = NGOFactory()
    a = DepartmentFactory(ngo=organisation, name="Department Alpha")
    b = DepartmentFactory(ngo=organisation, name="Department Beta")
    coordinator_a, coordinator_b = coordinator(a), coordinator(b)

    # Department A: this year 3 opened (1 closed), last year by 15 June 1 opened, later 2 more.
    a_now = [opened(a, coordinator_a, D(2026, month, 10)) for month in (1, 3, 6)]
    closed(a_now[0], D(2026, 4, 1))
    a_then = opened(a, coordinator_a, D(2025, 2, 1))
    a_late = [opened(a, coordinator_a, D(2025, month, 5)) for month in (9, 11)]
    closed(a_then, D(2025, 5, 1))
    closed(a_late[0], D(2025, 12, 1))
    service(a_now[1], v.ServiceKind.LEGAL_COUNSELLING, D(2026, 3, 12), coordinator_a)
    service(a_now[1], v.ServiceKind.LEGAL_COUNSELLING, D(2026, 3, 19), coordinator_a)
    service(a_now[2], v.ServiceKind.SHELTER, D(2026, 6, 11), coordinator_a)
    service(a_then, v.ServiceKind.LEGAL_COUNSELLING, D(2025, 3, 1), coordinator_a)
    Referral.objects.create(
        case=a_now[1],
        kind=v.ReferralKind.INTERNAL,
        department=b,
        status=v.ReferralStatus.ACCEPTED,
        sent_on=D(2026, 3, 20),
        created_by=coordinator_a,
    )
    Referral.objects.create(
        case=a_now[2],
        kind=v.ReferralKind.INTERNAL,
        department=b,
        is_cross_border=True,
        country="BG",
        status=v.ReferralStatus.SENT,
        sent_on=D(2026, 6, 12),
        created_by=coordinator_a,
    )
    Referral.objects.create(
        case=a_then,
        kind=v.ReferralKind.INTERNAL,
        department=b,
        status=v.ReferralStatus.DECLINED,
        sent_on=D(2025, 3, 3),
        created_by=coordinator_a,
    )
    Proceeding.objects.create(
        case=a_now[1],
        kind=v.ProceedingKind.PROTECTION_ORDER,
        stage=v.ProceedingStage.ISSUED,
        started_on=D(2026, 2, 1),
        created_by=coordinator_a,
    )
    Proceeding.objects.create(
        case=a_then,
        kind=v.ProceedingKind.COMPENSATION_CLAIM,
        stage=v.ProceedingStage.FILED,
        started_on=D(2025, 10, 1),
        created_by=coordinator_a,
    )

    # Department B: many more cases, none of which A's coordinator may count.
    b_cases = [opened(b, coordinator_b, D(2026, 2, day)) for day in range(1, 8)]
    for case in b_cases:
        service(case, v.ServiceKind.SHELTER, D(2026, 2, 20), coordinator_b)
    return {"a": a, "b": b, "coordinator_a": coordinator_a, "coordinator_b": coordinator_b}


def test_periods_compare_like_with_like():
    assert dashboard_periods(TODAY)["current"].label == "1 January – 15 June 2026"
    periods = dashboard_periods(TODAY)
    assert (periods["current"].start, periods["current"].end) == (D(2026, 1, 1), TODAY)
    assert (periods["previous"].start, periods["previous"].end) == (D(2025, 1, 1), D(2025, 6, 15))
    assert (periods["previous_year"].start, periods["previous_year"].end) == (D(2025, 1, 1), D(2025, 12, 31))
    leap = dashboard_periods(D(2028, 2, 29))
    assert leap["previous"].end == D(2027, 2, 28)


def test_difference_is_signed():
    assert Figure("x", 5, 2, 9).difference_display == "+3"
    assert Figure("x", 2, 5, 9).difference_display == "\u22123"
    assert Figure("x", 2, 2, 9).difference_display == "0"


def test_case_figures_of_the_coordinators_department(world):
    board = dashboard_compute(world["coordinator_a"], today=TODAY)
    assert board.departments == ["Department Alpha"]
    figure = board.figure("cases", "Cases opened")
    assert (figure.current, figure.previous, figure.previous_year) == (3, 1, 3)
    assert figure.difference == 2
    figure = board.figure("cases", "Cases closed")
    assert (figure.current, figure.previous, figure.previous_year) == (1, 1, 2)
    figure = board.figure("cases", "New beneficiaries")
    assert (figure.current, figure.previous, figure.previous_year) == (3, 1, 3)
    assert board.open_now == 6 - 3  # six cases, three closed


def test_services_referrals_and_proceedings(world):
    board = dashboard_compute(world["coordinator_a"], today=TODAY)
    services = board.section("services")
    assert (services.figures[0].current, services.figures[0].previous) == (3, 1)
    legal = board.figure("services", "Legal counselling")
    assert (legal.current, legal.previous, legal.previous_year, legal.level) == (2, 1, 1, 1)
    assert board.figure("services", "Shelter").current == 1  # not B's seven

    referrals = board.figure("referrals", "Referrals sent")
    assert (referrals.current, referrals.previous, referrals.previous_year) == (2, 1, 1)
    assert board.figure("referrals", "Domestic").current == 1
    assert board.figure("referrals", "Cross-border").current == 1
    assert board.figure("referrals", "Outcome: Accepted").current == 1
    assert board.figure("referrals", "Outcome: Declined").previous == 1
    assert board.figure("referrals", "Outcome: no answer yet").current == 1

    orders = board.figure("proceedings", "Protection order")
    assert (orders.current, orders.previous, orders.previous_year) == (1, 0, 0)
    claims = board.figure("proceedings", "Compensation claim")
    assert (claims.current, claims.previous, claims.previous_year) == (0, 0, 1)


def test_a_coordinator_sees_only_their_own_departments(world):
    board = dashboard_compute(world["coordinator_b"], today=TODAY)
    assert board.departments == ["Department Beta"]
    figure = board.figure("cases", "Cases opened")
    assert (figure.current, figure.previous, figure.previous_year) == (7, 0, 0)
    assert board.figure("services", "Shelter").current == 7
    assert board.figure("referrals", "Referrals sent").current == 0  # A's referrals to B are A's


def test_programme_events_and_participants(db):
    EventFactory(days__start=D(2026, 3, 1), headcount=20)
    EventFactory(days__start=D(2026, 5, 1), headcount=None)
    EventFactory(days__start=D(2025, 4, 1), headcount=12)
    EventFactory(days__start=D(2025, 10, 1), headcount=30)
    EventFactory(days__start=D(2026, 7, 1), headcount=99)  # after today: not held yet
    board = dashboard_compute(UserFactory(), today=TODAY)
    assert [section.key for section in board.sections] == ["programme"]
    held = board.figure("programme", "Events held")
    assert (held.current, held.previous, held.previous_year) == (2, 1, 2)
    participants = board.figure("programme", "Participants (events whose number is known)")
    assert (participants.current, participants.previous, participants.previous_year) == (20, 12, 42)
    unknown = board.figure("programme", "Events whose number of participants is not known")
    assert (unknown.current, unknown.previous) == (1, 0)
    # The chart draws events, not participants (they would dwarf every other bar).
    assert [bar.label for bar in board.chart.bars] == ["Events held"]
    assert board.chart.bars[0].current_width > board.chart.bars[0].previous_width > 0


def test_dashboard_runs_a_fixed_number_of_queries(world):
    user = world["coordinator_a"]
    EventFactory(days__start=D(2026, 4, 7), headcount=10)
    with CaptureQueriesContext(connection) as few:
        dashboard_compute(type(user).objects.get(pk=user.pk), today=TODAY)
    for _ in range(4):
        case = opened(world["a"], user, D(2026, 5, 5))
        service(case, v.ServiceKind.INTERPRETATION, D(2026, 5, 6), user)
        EventFactory(days__start=D(2026, 5, 7), headcount=10)
    with CaptureQueriesContext(connection) as many:
        board = dashboard_compute(type(user).objects.get(pk=user.pk), today=TODAY)
    assert board.figure("cases", "Cases opened").current == 7
    assert len(many) == len(few)


# --- The page ---------------------------------------------------------------------------------------------


def test_coordinator_sees_counts_of_their_department_only(client, world):
    force_login_with_mfa(client, world["coordinator_a"])
    response = client.get(reverse(URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Department Alpha" in page
    assert "Department Beta" not in page
    for case in Case.objects.all():
        assert case.reference not in page
        assert case.beneficiary.code not in page
    assert "/cases/" not in page
    assert '<svg role="img"' in page  # the chart, server-made; the tables are its text equivalent
    assert " style=" not in page.split("<main", 1)[-1]  # nothing the content security policy would block


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    "role",
    [Role.CASEWORKER, Role.PROGRAMME_STAFF, Role.RESEARCHER, Role.DIRECTORY_EDITOR, Role.ADMINISTRATOR],
)
def test_others_get_404(client, db, role):
    department = DepartmentFactory() if role == Role.CASEWORKER else None
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, department=department)
    force_login_with_mfa(client, user)
    assert client.get(reverse(URL)).status_code == 404
    assert client.post(reverse(URL)).status_code == 404
