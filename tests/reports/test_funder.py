"""The funder report: indicators of a demo project, suppression in XLSX and PDF, the period, the pages."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from refugiu.accounts.models import RoleAssignment
from refugiu.accounts.roles import Role
from refugiu.demo.programmes import programmes_demo_load
from refugiu.programmes import services
from refugiu.programmes.models import Event, Project
from refugiu.reports.funder import funder_report, render_pdf, render_xlsx
from refugiu.reports.models import ReportRun
from refugiu.reports.registry import render_run
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory, ParticipantFactory, staff_actor

D = datetime.date
INDEX = "reports:funder"
DOWNLOAD = "reports:funder_download"
PRO_VICTIMS = "Pro Victims Justice through an enhanced rights protection and stakeholders cooperation"
JUSTICE_FOR_WOMEN = (
    "Towards a more effective rights protection and access to judicial procedures for victims of crime"
)


@pytest.fixture
def demo(db):
    from refugiu.demo.directory import directory_demo_load

    directory_demo_load()
    assert programmes_demo_load() is True


def attended(event, count, **fields):
    """`count` fake participants of `event`, checked in on its first day."""
    day = event.days.order_by("date").first()
    people = ParticipantFactory.create_batch(count, event=event, **fields)
    for person in people:
        services.attendance_check_in(actor=staff_actor(), participant=person, day=day)
    return people


@pytest.fixture
def small_event(demo):
    """A training of Pro Victims Justice in 2019 with 3 women judges and 7 men prosecutors, from Romania."""
    project = Project.objects.get(title=PRO_VICTIMS)
    event = EventFactory(project=project, title="Training on compensation", days__start=D(2019, 7, 1))
    attended(event, 3, profession="judge", gender="woman", country="RO")
    attended(event, 7, profession="prosecutor", gender="man", country="RO")
    return event


def sheet_values(workbook, name):
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def text_of(rows) -> str:
    return "\n".join(" | ".join("" if value is None else str(value) for value in row) for row in rows)


# --- The report -------------------------------------------------------------------------------------------


def test_report_lists_the_projects_events_and_partners(demo):
    project = Project.objects.get(title=PRO_VICTIMS)
    report = funder_report(project)
    assert [line.type for line in report.events] == ["seminar", "final conference"]
    assert [line.dates for line in report.events] == ["5–6 April 2019", "7 June 2019"]
    assert [line.participants for line in report.events] == [54, 51]
    assert report.participants_total == 105
    assert sorted(partner.country for partner in report.partners) == sorted(
        ["Bulgaria", "Germany", "Romania", "Sweden"]
    )
    assert all(partner.name for partner in report.partners)
    assert report.funder_programme == "Justice Programme"
    assert report.funder
    assert len(report.deliverables) == 3
    assert report.events_unknown == []


def test_events_whose_number_is_not_known_are_listed_as_such_not_as_zero(demo):
    project = Project.objects.get(title__startswith="Training lawyers, prosecutors, judges")
    report = funder_report(project)
    assert len(report.events) == 1
    assert report.events[0].participants is None
    assert [line.title for line in report.events_unknown] == [report.events[0].title]
    assert report.participants_total == 0
    assert "not known for 1" in report.unknown_note


def test_partners_named_only_by_country(demo):
    report = funder_report(Project.objects.get(acronym="RACCOMBAT"))
    assert sorted(partner.country for partner in report.partners) == sorted(
        ["Austria", "Belgium", "Bulgaria", "Greece", "Latvia"]
    )


def test_the_period_filters_events_and_dated_publications(demo):
    project = Project.objects.get(title=JUSTICE_FOR_WOMEN)
    whole = funder_report(project)
    assert len(whole.events) == 4
    autumn = funder_report(project, D(2019, 10, 1), D(2019, 12, 31))
    assert [line.type for line in autumn.events] == ["workshop", "case conference"]
    assert autumn.participants_total == 41 + 24
    assert autumn.period_display == "1 October – 31 December 2019"
    assert "whole project" in whole.period_display
    # Undated publications belong to every period of the project.
    assert len(autumn.publications) == len(whole.publications) == 2

    chain = Project.objects.get(title__startswith="Anti-trafficking stakeholders")
    assert [p.type for p in funder_report(chain).publications] == ["study"]  # March 2019
    assert funder_report(chain, D(2019, 4, 1), None).publications == []
    assert len(funder_report(chain, D(2019, 3, 1), D(2019, 3, 31)).publications) == 1


def test_report_runs_a_fixed_number_of_queries(demo):
    project = Project.objects.get(title=JUSTICE_FOR_WOMEN)
    with CaptureQueriesContext(connection) as few:
        funder_report(project)
    for offset in range(6):
        event = EventFactory(project=project, days__start=D(2019, 11, 1 + offset))
        attended(event, 2, profession="lawyer", gender="woman", country="BG")
    with CaptureQueriesContext(connection) as many:
        report = funder_report(project)
    assert len(report.events) == 10
    assert len(many) == len(few)


# --- XLSX -------------------------------------------------------------------------------------------------


def test_xlsx_has_the_sheets_and_suppresses_small_counts(small_event):
    report = funder_report(Project.objects.get(title=PRO_VICTIMS))
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    assert workbook.sheetnames == ["Summary", "Events", "Participants", "Publications", "Deliverables"]

    summary = text_of(sheet_values(workbook, "Summary"))
    assert PRO_VICTIMS in summary
    assert "Justice Programme" in summary
    for country in ("Bulgaria", "Germany", "Romania", "Sweden"):
        assert country in summary

    participants = sheet_values(workbook, "Participants")
    header = next(index for index, row in enumerate(participants) if row[:2] == ["Profession", "Country"])
    counts = []
    for row in participants[header + 1 :]:
        counts += [value for value in row[1:] if isinstance(value, int)]
    assert counts, "the sheet should hold participants' counts"
    assert not [value for value in counts if 1 <= value <= 4]
    judges = [row for row in participants if row[:3] == ["judge", "Romania", "woman"]]
    assert judges == [["judge", "Romania", "woman", "<5"]]
    prosecutors = [row for row in participants if row[:3] == ["prosecutor", "Romania", "man"]]
    assert prosecutors == [["prosecutor", "Romania", "man", 7]]
    assert ["All participants", None, None, 54 + 51 + 10] in participants

    events = text_of(sheet_values(workbook, "Events"))
    assert "Training on compensation" in events
    assert "5–6 April 2019" in events


def test_xlsx_small_event_totals_are_suppressed(demo):
    project = Project.objects.get(acronym="RACCOMBAT")
    event = EventFactory(project=project, title="Tiny meeting", days__start=D(2019, 5, 2))
    attended(event, 2, profession="lawyer", gender="woman", country="BG")
    report = funder_report(project, D(2019, 5, 1), D(2019, 5, 31))
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    events = sheet_values(workbook, "Events")
    tiny = [row for row in events if row[0] == "Tiny meeting"]
    assert tiny and tiny[0][4] == "<5"
    participants = sheet_values(workbook, "Participants")
    assert ["All participants", None, None, "<5"] in participants
    for row in participants:
        assert not [value for value in row if isinstance(value, int) and 1 <= value <= 4]


def test_xlsx_text_starting_like_a_formula_stays_text(demo):
    project = Project.objects.get(acronym="RACCOMBAT")
    EventFactory(project=project, title="=HYPERLINK(1)", days__start=D(2019, 5, 2))
    workbook = load_workbook(io.BytesIO(render_xlsx(funder_report(project))))
    cells = [cell for row in workbook["Events"].iter_rows() for cell in row if cell.value == "=HYPERLINK(1)"]
    assert cells and all(cell.data_type == "s" for cell in cells)


# --- PDF --------------------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 - a fixed local tool, our own PDF as input
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_pdf_carries_the_title_and_suppressed_counts(small_event):
    report = funder_report(Project.objects.get(title=PRO_VICTIMS))
    content = render_pdf(report)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Pro Victims Justice" in text
    assert "Training on compensation" in text
    assert "<5" in text
    assert "Justice Programme" in text


# --- Background runs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_", ["xlsx", "pdf"])
def test_render_run_reads_its_parameters(demo, format_):
    project = Project.objects.get(acronym="RACCOMBAT")
    user = UserFactory(roles=[Role.PROGRAMME_STAFF])
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.FUNDER,
        format=format_,
        parameters={"project": project.pk, "date_from": "2019-01-01", "date_to": "2019-12-31"},
        requested_by=user,
    )
    steps = []
    content, filename = render_run(run, lambda percent, message: steps.append(percent))
    assert filename == f"funder-report-raccombat-2019-01-01-2019-12-31.{format_}"
    assert steps[-1] == 100
    if format_ == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Summary"


def test_render_run_refuses_a_missing_project(db):
    user = UserFactory(roles=[Role.PROGRAMME_STAFF])
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.FUNDER, format="xlsx", parameters={"project": 999999}, requested_by=user
    )
    with pytest.raises(ValueError):
        render_run(run, lambda percent, message: None)


# --- Pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def programme_staff(db):
    return UserFactory(roles=[Role.PROGRAMME_STAFF])


def test_staff_page_previews_the_suppressed_report(client, programme_staff, small_event):
    client.force_login(programme_staff)
    assert client.get(reverse(INDEX)).status_code == 200
    project = Project.objects.get(title=PRO_VICTIMS)
    response = client.get(reverse(INDEX), {"project": project.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Training on compensation" in page
    assert "&lt;5" in page
    assert f"{reverse(DOWNLOAD)}?project={project.pk}&amp;format=pdf" in page


def test_period_form_rejects_an_end_before_the_start(client, programme_staff, demo):
    client.force_login(programme_staff)
    project = Project.objects.get(acronym="RACCOMBAT")
    response = client.get(
        reverse(INDEX), {"project": project.pk, "date_from": "2019-12-31", "date_to": "2019-01-01"}
    )
    assert response.status_code == 400


def test_downloads_have_impersonal_names(client, programme_staff, demo):
    client.force_login(programme_staff)
    project = Project.objects.get(acronym="RACCOMBAT")
    params = {"project": project.pk, "date_from": "2019-01-01", "date_to": "2019-12-31"}
    response = client.get(reverse(DOWNLOAD), {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="funder-report-raccombat-2019-01-01-2019-12-31.xlsx"'
    )
    load_workbook(io.BytesIO(response.content))
    response = client.get(
        reverse(DOWNLOAD), {"project": Project.objects.get(title=PRO_VICTIMS).pk, "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="funder-report-project-' in response["Content-Disposition"]
    assert client.get(reverse(DOWNLOAD), {**params, "format": "docx"}).status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in (INDEX, DOWNLOAD):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.COORDINATOR, Role.RESEARCHER, Role.DIRECTORY_EDITOR])
def test_others_get_404(client, db, role):
    department = DepartmentFactory() if role in (Role.CASEWORKER, Role.COORDINATOR) else None
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, department=department)
    force_login_with_mfa(client, user)
    for name in (INDEX, DOWNLOAD):
        assert client.get(reverse(name)).status_code == 404
        assert client.post(reverse(name)).status_code == 404


def test_event_count_is_not_suppressed(demo):
    project = Project.objects.get(acronym="RACCOMBAT")
    report = funder_report(project)
    assert [(line.label, line.count) for line in report.events_by_type] == [("seminar", 1)]
    assert Event.objects.filter(project=project).count() == 1
