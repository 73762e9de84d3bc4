"""The organisational chart on the about page, and editing staff members in the admin."""

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from factory.django import DjangoModelFactory

from refugiu.accounts.roles import Role
from refugiu.organisation.models import Department, StaffMember, StaffRole
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class StaffMemberFactory(DjangoModelFactory):
    """A fake person in a department; not shown publicly unless asked."""

    class Meta:
        model = StaffMember

    name = factory.Faker("name")
    role = StaffRole.LAWYER
    position = ""


@pytest.fixture
def organisation():
    from refugiu.demo.organisation import organisation_demo_load

    return organisation_demo_load()


def about(client) -> str:
    response = client.get(reverse("organisation:about"))
    assert response.status_code == 200
    return response.content.decode()


def test_chart_names_public_members_by_department_with_role_and_position(client, organisation):
    first, second = Department.objects.filter(ngo=organisation).order_by("order")[:2]
    head = StaffMemberFactory(
        department=first, role=StaffRole.COORDINATOR, position="head of department", is_public=True
    )
    lawyer = StaffMemberFactory(department=first, role=StaffRole.LAWYER, is_public=True)
    mediator = StaffMemberFactory(
        department=second,
        role=StaffRole.CULTURAL_MEDIATOR,
        kind=StaffMember.Kind.COLLABORATOR,
        is_public=True,
    )
    hidden = [
        StaffMemberFactory(department=first, is_public=False),
        StaffMemberFactory(department=second, role=StaffRole.PSYCHOLOGIST),  # private by default
    ]

    html = about(client)

    first_section = html.split(f'<h3 dir="auto">{escape(first.name)}</h3>', 1)[1].split(
        '<section class="department">', 1
    )[0]
    second_section = html.split(f'<h3 dir="auto">{escape(second.name)}</h3>', 1)[1].split(
        '<section class="department">', 1
    )[0]
    assert f"{escape(head.name)} — coordinator, head of department" in first_section
    assert f"{escape(lawyer.name)} — lawyer<" in first_section
    assert f"{escape(mediator.name)} — cultural mediator (collaborator)" in second_section
    for member in hidden:
        assert escape(member.name) not in html
    # The staffing counts are still there.
    assert "12 lawyers" in html


def test_no_people_heading_without_public_members(client, organisation):
    department = Department.objects.filter(ngo=organisation).first()
    private = StaffMemberFactory(department=department)
    html = about(client)
    assert "People</h4>" not in html
    assert escape(private.name) not in html


def test_about_page_uses_a_constant_number_of_queries(client, organisation):
    departments = list(Department.objects.filter(ngo=organisation))
    StaffMemberFactory(department=departments[0], is_public=True)
    about(client)
    with CaptureQueriesContext(connection) as before:
        about(client)
    for department in departments:
        StaffMemberFactory.create_batch(3, department=department, is_public=True)
        StaffMemberFactory(department=department)
    with CaptureQueriesContext(connection) as after:
        html = about(client)
    assert html.count("People</h4>") == len(departments)
    assert len(after) == len(before)


def test_about_page_without_an_organisation(client):
    assert "has not been described yet" in about(client)


# --- admin ----------------------------------------------------------------------------------------------


def test_staff_members_are_edited_by_administrators_only(client, organisation):
    department = Department.objects.filter(ngo=organisation).first()
    member = StaffMemberFactory(department=department)
    url = reverse("admin:organisation_staffmember_changelist")

    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF], is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True))
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:organisation_department_changelist")).status_code == 403

    force_login_with_mfa(client, UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True))
    listing = client.get(url)
    assert listing.status_code == 200
    assert escape(member.name) in listing.content.decode()
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {
            "name": "Fictional Person",
            "department": department.pk,
            "role": StaffRole.PSYCHOLOGIST,
            "kind": StaffMember.Kind.EMPLOYEE,
            "position": "",
            "user": "",
            "is_public": "on",
            "order": "0",
        },
    )
    assert response.status_code == 302
    added = StaffMember.objects.get(name="Fictional Person")
    assert added.is_public and added.department == department
    assert "Fictional Person — psychologist" in about(client)


def test_anonymous_visitors_are_sent_to_the_admin_login(client, organisation):
    response = client.get(reverse("admin:organisation_staffmember_changelist"))
    assert response.status_code == 302
