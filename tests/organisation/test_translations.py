"""The organisation's own text in the visitor's language where the organisation has it (the demo: English
and Romanian): departments, values, objectives, the committee's seats, the address with "București"; the
about page and the annual report alike. Text without a translation stays as recorded."""

import pytest
from django.urls import reverse
from django.utils import translation

from refugiu.demo.organisation import organisation_demo_load
from refugiu.organisation.models import Department

pytestmark = pytest.mark.django_db

ROMANIAN = [
    "Departamentul de asistență pentru victimele traficului de persoane",
    "Departamentul financiar",
    "Consiliere psihologică",
    "Respectarea drepturilor omului.",
    "Președinte",
    "Calea Crângași nr. 56, sector 6, București, România",
]
ENGLISH = [
    "Assistance Department for victims of human trafficking",
    "Financial Department",
    "Psychological counselling",
    "Respect for human rights.",
    "President",
    "56 Calea Crângași Street, sector 6, Bucharest, Romania",
]


def test_the_about_page_speaks_the_visitors_language(client):
    organisation_demo_load()
    romanian = client.get(reverse("organisation:about"), headers={"accept-language": "ro"}).content.decode()
    english = client.get(reverse("organisation:about"), headers={"accept-language": "en"}).content.decode()
    for text in ROMANIAN:
        assert text in romanian and text not in english, text
    for text in ENGLISH:
        assert text in english and text not in romanian, text


def test_the_annual_report_speaks_the_language_it_is_made_in():
    from refugiu.reports.annual import annual_report, render_html

    organisation_demo_load()
    with translation.override("ro"):
        report = annual_report(2019)
        page = render_html(report)
    assert report.organisation.address == "Calea Crângași nr. 56, sector 6, București, România"
    assert report.organisation.keywords[0] == "JUSTIȚIE"
    assert report.organisation.founded == "la începutul anului 2011"
    for text in ROMANIAN:
        assert text in page, text
    with translation.override("en"):
        assert annual_report(2019).organisation.departments[-1].name == "Financial Department"


def test_without_a_translation_the_text_is_shown_as_recorded():
    organisation_demo_load()
    department = Department.objects.get(name="Financial Department")
    department.translations = {"ro": {"name": "Departamentul financiar"}}  # no activities in Romanian
    department.save()
    with translation.override("ro"):
        assert department.shown_name == "Departamentul financiar"
        assert department.shown_activities == ["Ensure the financial management of the organisation"]
    with translation.override("uk"):
        assert department.shown_name == "Financial Department"
