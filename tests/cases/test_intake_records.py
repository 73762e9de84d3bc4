"""Intake and the case records as a caseworker uses them, through Django's test client: what was searched
fills in the registration form (posted, never in a URL or the session), dates are read only one way,
languages are ISO 639 codes picked from a list named in the interface language, countries come from ISO 3166
in the interface language, and a referral refused for want of consent says what is missing, once. Every
person is fake (tests.cases.factories)."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import ISODateField
from refugiu.cases.languages import language_choices, language_code, languages_to_codes
from refugiu.cases.models import Beneficiary, Referral
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator
from tests.cases.test_views import signed_in, text, url

pytestmark = pytest.mark.django_db

NAMES = {"given": "Zenobia", "family": "Quarzescu-Fake"}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    trafficking, asylum = DepartmentFactory(name="Trafficking"), DepartmentFactory(name="Asylum")
    boss = coordinator(trafficking)
    social = caseworker(trafficking)
    case = case_new(department=trafficking, by=boss, team=[(social, v.TeamFunction.SOCIAL_WORKER)])
    return SimpleNamespace(**locals())


def value_of(page: str, name: str) -> str | None:
    """The value an input named `name` is given on `page`, or None without one."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else None
    return None


# Search, then register -------------------------------------------------------------------------------


def test_what_was_searched_fills_in_the_registration_form_and_travels_in_no_url(world):
    client = signed_in(world.social)
    response = client.post(
        url("beneficiary_intake"),
        {
            "step": "search",
            "search-given_names": NAMES["given"],
            "search-family_names": NAMES["family"],
            "search-date_of_birth": "1995-03-12",
            "search-phone": "0700 000 111",
        },
    )
    page = text(response)
    assert response.status_code == 200 and "No existing record matches." in page
    assert value_of(page, "new-given_names") == NAMES["given"]
    assert value_of(page, "new-family_names") == NAMES["family"]
    assert value_of(page, "new-date_of_birth") == "1995-03-12"
    assert value_of(page, "new-phone") == "0700 000 111"
    # Nothing typed is in the session (a flag only), and no link or form action on the page carries it.
    assert NAMES["family"] not in str(dict(client.session)) and "1995-03-12" not in str(dict(client.session))
    for address in re.findall(r'(?:href|action)="([^"]*)"', page):
        assert NAMES["given"] not in address and NAMES["family"] not in address and "1995" not in address
    assert 'method="post"' in page and '<form method="get"' not in page


def test_a_date_of_birth_confirms_a_match_found_by_name(world):
    identity = world.case.beneficiary.identity
    identity.date_of_birth = "1990-05-06"
    identity.save()
    page = text(
        signed_in(world.social).post(
            url("beneficiary_intake"),
            {
                "step": "search",
                "search-given_names": identity.given_names,
                "search-family_names": identity.family_names,
                "search-date_of_birth": "1990-05-06",
            },
        )
    )
    assert world.case.beneficiary.code in page and "date of birth" in page


def register(client: Client, **fields) -> object:
    client.post(url("beneficiary_intake"), {"step": "search", "search-given_names": NAMES["given"]})
    data = {
        "step": "register",
        "new-gender": v.Gender.FEMININE,
        "new-age_band": v.AgeBand.ADULT_25_34,
        "new-migration_status": v.MigrationStatus.OTHER,
        "new-given_names": NAMES["given"],
        **{f"new-{k}": value for k, value in fields.items()},
    }
    return client.post(url("beneficiary_intake"), data)


def test_a_date_read_two_ways_is_refused_with_the_form_to_write_it_in(world):
    client = signed_in(world.social)
    count = Beneficiary.objects.count()
    response = register(client, date_of_birth="12/03/1995")
    assert response.status_code == 200 and Beneficiary.objects.count() == count
    assert "Write the date as year-month-day (YYYY-MM-DD)" in text(response)
    assert register(client, date_of_birth="95-03-12").status_code == 200  # a two-digit year neither
    assert register(client, date_of_birth="1995-03-12", year_of_birth="1995").status_code == 200
    assert Beneficiary.objects.count() == count
    response = register(client, year_of_birth="1995", nationality="MD")
    assert response.status_code == 302
    beneficiary = Beneficiary.objects.latest("pk")
    assert beneficiary.identity.date_of_birth == "1995" and beneficiary.nationality.code == "MD"


DATED = {
    "service_new": "delivered_on",
    "task_new": "due_on",
    "assessment_new": "assessed_on",
    "consent_new": "given_on",
    "proceeding_new": "started_on",
}


@pytest.mark.parametrize("name", list(DATED))
def test_every_dated_case_form_refuses_an_ambiguous_date(world, name):
    client = signed_in(world.boss)
    page = text(client.get(url(name, world.case.pk)))
    assert f'type="date" name="{DATED[name]}"' in page
    response = client.post(url(name, world.case.pk), {DATED[name]: "12/03/2026"})
    assert response.status_code == 200 and "Write the date as year-month-day (YYYY-MM-DD)" in text(response)


def test_a_date_input_is_given_its_value_as_year_month_day_in_every_language():
    for language in ("en", "ro", "uk"):
        with translation.override(language):
            assert 'value="2026-03-12"' in ISODateField().widget.render("due_on", dt.date(2026, 3, 12))


# Languages and countries -----------------------------------------------------------------------------


def test_languages_are_picked_from_a_list_named_in_the_interface_language(world):
    client = signed_in(world.social)
    page = text(client.post(url("beneficiary_intake"), {"step": "search", "search-given_names": "X"}))
    assert 'list="id_new-languages_options"' in page and '<datalist id="id_new-languages_options">' in page
    assert '<option value="Romanian (ro)">' in page and '<option value="Tigrinya (ti)">' in page
    client.cookies["django_language"] = "ro"
    page = text(client.post(url("beneficiary_intake"), {"step": "search", "search-given_names": "X"}))
    assert '<option value="română (ro)">' in page and ">Germania</option>" in page
    response = register(client, languages=["română (ro)", "ru", "Tigrinya"], nationality="MD")
    assert response.status_code == 302
    assert Beneficiary.objects.latest("pk").languages == ["ro", "ru", "ti"]


def test_a_language_not_in_the_list_is_refused(world):
    response = register(signed_in(world.social), languages=["Klingonese"])
    assert response.status_code == 200 and "“Klingonese” is not a language we know" in text(response)


def test_a_kept_unknown_language_survives_an_edit(world):
    beneficiary = world.case.beneficiary
    Beneficiary.objects.filter(pk=beneficiary.pk).update(languages=["ro", "sign language (local)"])
    client = signed_in(world.boss)
    page = text(client.get(url("beneficiary_edit", world.case.pk)))
    assert 'value="Romanian (ro)"' in page and 'value="sign language (local)"' in page
    beneficiary.refresh_from_db()
    data = {
        "gender": beneficiary.gender,
        "age_band": beneficiary.age_band,
        "migration_status": beneficiary.migration_status,
        "given_names": "Fake",
        "languages": ["Romanian (ro)", "sign language (local)", "uk"],
        "version": beneficiary.version,
    }
    assert client.post(url("beneficiary_edit", world.case.pk), data).status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.languages == ["ro", "sign language (local)", "uk"]


def test_language_names_are_read_in_several_languages():
    assert language_code("Romanian") == language_code("română") == language_code("RO") == "ro"
    assert language_code("русский") == "ru" and language_code("Klingonese") is None
    assert len(language_choices("en")) > 500


def test_old_free_text_maps_to_codes_keeping_what_it_cannot_read():
    assert languages_to_codes(["romanian", " Russian", "ro", "Klingonese", ""]) == (
        ["ro", "ru", "Klingonese"],
        ["Klingonese"],
    )


# Referrals -------------------------------------------------------------------------------------------


def _referral_to_department(client: Client, world, **extra):
    return client.post(
        url("referral_new", world.case.pk),
        {
            "action": "send",
            "destination": f"department:{world.asylum.pk}",
            "reason": "Fake reason",
            "shared_fields": [v.SharedField.CODE],
            **extra,
        },
    )


def test_an_internal_referral_without_consent_says_assistance_consent_is_missing_once(world):
    page = text(_referral_to_department(signed_in(world.social), world))
    assert "organisation" not in page.split("form-errors", 1)[1].split("</div>", 1)[0]
    assert page.count("There is no consent to assistance recorded") == 1
    assert not Referral.objects.exists()


BEFORE = [("cases", "0005_referral_to_an_organization")]


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_turns_free_text_languages_into_codes_and_keeps_what_it_cannot_read(capsys):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state([n for n in latest if n[0] != "cases"] + BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(username="upgrade-fake-staff")
        beneficiary = old.get_model("cases", "Beneficiary")
        written = {
            "B-FAKE-1": ["romanian", "russian"],
            "B-FAKE-2": ["Română", "ro", "klingonese"],
            "B-FAKE-3": [],
            "B-FAKE-4": ["uk"],
        }
        for code, languages in written.items():
            beneficiary.objects.create(code=code, created_by=user, languages=languages)
    finally:
        MigrationExecutor(connection).migrate(latest)
    upgraded = dict(Beneficiary.objects.filter(code__startswith="B-FAKE-").values_list("code", "languages"))
    assert upgraded == {
        "B-FAKE-1": ["ro", "ru"],
        "B-FAKE-2": ["ro", "klingonese"],
        "B-FAKE-3": [],
        "B-FAKE-4": ["uk"],
    }
    report = capsys.readouterr().out
    assert "1 record(s) keep a language" in report and "B-FAKE-2" in report
    assert "klingonese" not in report  # the records are named by their code, not their values
