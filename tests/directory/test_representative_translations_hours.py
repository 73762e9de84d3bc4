"""Organisations keep their entry in other languages, their services' phones and opening hours: a
representative proposes them through the real pages, an editor sees the diff and approves, and the public
page, the API and "open now" follow. Another organisation's pages stay 404; a field changed by someone else
since the proposal is stale, field by field, as for the rest of the entry."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from refugiu.core.models import AuditEntry
from refugiu.directory import schedules
from refugiu.directory.changes import place_labels
from refugiu.directory.models import Organization, Phone, ProposedChange, Schedule, Service
from refugiu.directory.schedules import WeeklyHours, rule_from, weekly_from_rows, weekly_rows
from refugiu.directory.services import organization_saved
from tests.directory.test_representatives import organization_form, representative_of, service_form, sign_in
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BUCHAREST = ZoneInfo("Europe/Bucharest")
MONDAY_10 = dt.datetime(2027, 1, 4, 10, 0, tzinfo=BUCHAREST)
MONDAY_13_30 = dt.datetime(2027, 1, 4, 13, 30, tzinfo=BUCHAREST)
SATURDAY_11 = dt.datetime(2027, 1, 9, 11, 0, tzinfo=BUCHAREST)
CHRISTMAS_10 = dt.datetime(2026, 12, 25, 10, 0, tzinfo=BUCHAREST)  # a Friday
UK_NAME = "Юридична консультація"
UK_DESCRIPTION = "Безкоштовні консультації юриста для постраждалих."
UK_ORGANIZATION = "Допомога постраждалим від злочинів у Яссах."
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@pytest.fixture
def editor():
    from refugiu.accounts.roles import Role

    return UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True)


@pytest.fixture
def organization():
    organization = OrganizationFactory(
        name="Asociația Sprijin Iași", description="Ajutor pentru victimele infracțiunilor.", language="ro"
    )
    ServiceFactory(
        organization=organization,
        name="Consiliere juridică",
        description="Consultații gratuite.",
        language="ro",
    )
    organization_saved(organization_ids=[organization.pk])
    return organization


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(schedules, "now", lambda: moment)

    return set_to


def hours_data(ranges=None, closed=""):
    """The hours part of the service form: `ranges` {"MO": [("09:00", "13:00"), …]}."""
    data = {"hours-closed_dates": closed}
    for code in WEEKDAYS:
        for number in (1, 2):
            data[f"hours-{code}_opens_{number}"] = ""
            data[f"hours-{code}_closes_{number}"] = ""
        for number, (opens, closes) in enumerate((ranges or {}).get(code, []), start=1):
            data[f"hours-{code}_opens_{number}"] = opens
            data[f"hours-{code}_closes_{number}"] = closes
    return data


def phones_data(*phones):
    data = {"phones-TOTAL_FORMS": str(len(phones) + 1), "phones-INITIAL_FORMS": "0"}
    for index, (number, extension) in enumerate([*phones, ("", "")]):
        data[f"phones-{index}-number"] = number
        data[f"phones-{index}-extension"] = extension
    return data


OFFICE = {code: [("09:00", "13:00"), ("14:00", "17:00")] for code in WEEKDAYS[:5]} | {
    "SA": [("10:00", "12:00")]
}


def approve(client, change, **extra):
    return client.post(
        reverse("directory:staff_change_review", args=[change.id]),
        {f"change-{change.id}-decision": "approve", **extra},
        follow=True,
    )


def test_a_translation_a_phone_and_hours_reach_the_page_the_api_and_open_now(
    client, editor, organization, clock, django_capture_on_commit_callbacks
):
    service = organization.services.get()
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    own = client.get(reverse("directory:own_organization", args=[organization.id])).content.decode()
    translate = reverse("directory:own_service_translate", args=[organization.id, service.id])
    assert translate in own
    # The language is chosen by a plain GET form; the record's own language is not offered.
    page = client.get(translate, {"language": "uk"}).content.decode()
    assert '<option value="uk" selected>Українська (uk)</option>' in page and "Română (ro)" not in page
    assert "Consultații gratuite." in page  # the original beside the field
    client.post(
        translate, {"language": "uk", "name": UK_NAME, "description": UK_DESCRIPTION, "alternate_name": ""}
    )
    client.post(
        reverse("directory:own_organization_translate", args=[organization.id]),
        {"language": "uk", "description": UK_ORGANIZATION},
    )
    edit = reverse("directory:own_service_edit", args=[organization.id, service.id])
    form = client.get(edit).content.decode()
    assert 'name="hours-MO_opens_1"' in form and 'type="time"' in form and 'name="phones-0-number"' in form
    response = client.post(
        edit,
        {
            **service_form(service),
            **phones_data(("+40 232 000 111", "5")),
            **hours_data(OFFICE, closed="2026-12-25\n31.12.2026 – 01.01.2027"),
        },
    )
    assert response.status_code == 302
    changes = list(ProposedChange.objects.order_by("pk"))
    assert [change.kind for change in changes] == ["service", "organization", "service"]
    assert changes[0].proposed == {
        "translation.uk.name": UK_NAME,
        "translation.uk.description": UK_DESCRIPTION,
    }
    assert changes[0].base == {"translation.uk.name": "", "translation.uk.description": ""}
    assert changes[1].proposed == {"translation.uk.description": UK_ORGANIZATION}
    # The hours are HSDS schedules in the shape the directory reads, each range with its weekdays.
    assert changes[2].proposed == {
        "phones": [{"number": "+40 232 000 111", "extension": 5}],
        "hours": [
            {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "13:00"},
            {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "14:00", "closes_at": "17:00"},
            {"freq": "WEEKLY", "byday": "SA", "opens_at": "10:00", "closes_at": "12:00"},
            {"valid_from": "2026-12-25", "valid_to": "2026-12-25"},
            {"valid_from": "2026-12-31", "valid_to": "2027-01-01"},
        ],
    }
    assert changes[2].base == {"phones": [], "hours": []}
    assert not Schedule.objects.exists() and not Phone.objects.exists()
    service.refresh_from_db()
    assert service.translations == {}
    proposed = AuditEntry.objects.filter(action="directory.change.proposed")
    assert proposed.count() == 3 and UK_NAME not in str(list(proposed.values_list("detail", flat=True)))
    assert proposed.get(object_id=str(changes[2].pk)).detail["fields"] == ["hours", "phones"]

    # The editor sees each field: the translations by language, the phone, the hours in words.
    sign_in(client, editor.username)
    html = client.get(reverse("directory:staff_changes")).content.decode()
    assert "Name — Українська (uk)" in html and UK_NAME in html and UK_ORGANIZATION in html
    assert "+40 232 000 111, extension 5" in html and "Opening hours" in html
    assert "Monday to Friday, 9 a.m.–1 p.m." in html and "Saturday, 10 a.m.–noon" in html
    assert "Closed on Dec. 25, 2026" in html and "Closed from Dec. 31, 2026 to Jan. 1, 2027" in html
    with django_capture_on_commit_callbacks(execute=True):
        for change in changes:
            assert "The change was applied" in approve(client, change).content.decode()
    service.refresh_from_db()
    organization.refresh_from_db()
    assert service.translations == {"uk": {"name": UK_NAME, "description": UK_DESCRIPTION}}
    assert organization.translations == {"uk": {"description": UK_ORGANIZATION}}
    assert service.last_verified_by == editor and organization.last_verified_by == editor
    assert [(p.number, p.extension, p.service_id) for p in Phone.objects.all()] == [
        ("+40 232 000 111", 5, service.id)
    ]
    assert Schedule.objects.filter(service=service, location=None, service_at_location=None).count() == 5
    audited = AuditEntry.objects.filter(action="directory.change.approved")
    assert audited.count() == 3 and UK_NAME not in str(list(audited.values_list("detail", flat=True)))

    # The public page, in Ukrainian and in English.
    public = reverse("directory:organization", args=[organization.id])
    ukrainian = client.get(public, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert UK_NAME in ukrainian and UK_DESCRIPTION in ukrainian and UK_ORGANIZATION in ukrainian
    english = client.get(public, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "+40 232 000 111" in english and 'href="tel:+40232000111,5"' in english
    assert "Monday to Friday, 9 a.m.–1 p.m." in english

    # The API.
    api = f"/api/hsds/services/{service.id}"
    record = client.get(api, {"lang": "uk"}).json()
    assert record["name"] == UK_NAME and record["description"] == UK_DESCRIPTION
    assert [(p["number"], p["extension"]) for p in record["phones"]] == [("+40 232 000 111", 5)]
    given = {
        (s.get("byday", ""), s.get("opens_at", "")[:5], s.get("valid_from")) for s in record["schedules"]
    }
    assert given == {
        ("MO,TU,WE,TH,FR", "09:00", None),
        ("MO,TU,WE,TH,FR", "14:00", None),
        ("SA", "10:00", None),
        ("", "", "2026-12-25"),
        ("", "", "2026-12-31"),
    }

    # "Open now", on the web search and the API, from the search index's rows rebuilt on approval.
    search = reverse("directory:search")
    for moment, is_open in (
        (MONDAY_10, True),
        (MONDAY_13_30, False),
        (SATURDAY_11, True),
        (CHRISTMAS_10, False),
    ):
        clock(moment)
        found = client.get(search, {"q": "consiliere", "open_now": "on"}).content.decode()
        assert ("Consiliere juridică</a>" in found) is is_open, moment
        ids = {r["id"] for r in client.get("/api/hsds/services", {"open_now": "true"}).json()["contents"]}
        assert (str(service.id) in ids) is is_open, moment


def test_the_organisations_own_hours_are_those_of_its_one_public_place(
    client, editor, organization, clock, django_capture_on_commit_callbacks
):
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    edit = reverse("directory:own_organization_edit", args=[organization.id])
    assert 'name="hours-MO_opens_1"' in client.get(edit).content.decode()
    client.post(edit, {**organization_form(organization), **hours_data({"MO": [("08:00", "16:00")]})})
    change = ProposedChange.objects.get()
    assert change.proposed == {
        "hours": [{"freq": "WEEKLY", "byday": "MO", "opens_at": "08:00", "closes_at": "16:00"}]
    }
    sign_in(client, editor.username)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, change)
    # It had no place: one is made for its hours.
    location = organization.locations.get()
    assert [(s.byday, s.opens_at) for s in location.schedules.all()] == [("MO", dt.time(8))]
    page = client.get(reverse("directory:organization", args=[organization.id])).content.decode()
    assert "Monday, 8 a.m.–4 p.m." in page
    for moment, is_open in ((MONDAY_10, True), (SATURDAY_11, False)):
        clock(moment)
        found = client.get(reverse("directory:search"), {"q": "sprijin", "open_now": "on"}).content.decode()
        assert ("Asociația Sprijin Iași</a>" in found) is is_open, moment
    # With a second public place, each place's hours (and address) have fields of their own instead.
    branch = LocationFactory(organization=organization, name="Branch")
    sign_in(client, "keeper@example.org")
    form = client.get(edit).content.decode()
    assert 'name="hours-MO_opens_1"' not in form and f'name="place-{branch.pk}-hours-MO_opens_1"' in form


def _place_data(location, ranges=None, **address):
    """What the organisation's form sends for one of its several places: its address as it is (or with
    `address`), and its hours `ranges` ({"MO": [("09:00", "13:00")]}; none: closed)."""
    current = location.addresses.first()
    data = {
        f"place-{location.pk}-address.{name}": address.get(name, getattr(current, name) if current else "")
        for name in ("address_1", "city", "state_province", "postal_code", "country")
    }
    prefix = f"place-{location.pk}-"
    data.update({prefix + name: value for name, value in hours_data(ranges).items()})
    return data


def test_each_of_several_places_keeps_its_own_address_and_hours(
    client, editor, organization, clock, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """An organisation with two public places: the representative changes the second's town and gives it
    Monday mornings; the editor reads which place each field is of, approves, and the first place is as it
    was. A place gone before the review cannot be changed: the approval says so and changes nothing."""
    office = LocationFactory(organization=organization, name="Office")
    AddressFactory(location=office, address_1="Strada Lăpușneanu 10", city="Iași", country="RO")
    ScheduleFactory(location=office, freq="WEEKLY", byday="TU", opens_at=dt.time(9), closes_at=dt.time(12))
    branch = LocationFactory(organization=organization, name="Branch")
    AddressFactory(location=branch, address_1="Strada Ștefan cel Mare 3", city="Iasi", country="RO")
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    edit = reverse("directory:own_organization_edit", args=[organization.id])
    form = client.get(edit).content.decode()
    assert "<legend>Office</legend>" in form and "<legend>Branch</legend>" in form
    assert f'name="place-{office.pk}-address.city"' in form and 'name="address.city"' not in form
    data = {
        **organization_form(organization),
        **_place_data(office, {"TU": [("09:00", "12:00")]}),
        **_place_data(branch, {"MO": [("09:00", "13:00")]}, city="Pașcani"),
    }
    for name in [name for name in data if name.startswith("address.")]:
        del data[name]
    client.post(edit, data)
    change = ProposedChange.objects.get()
    assert change.proposed == {
        f"place.{branch.pk}.address.city": "Pașcani",
        f"place.{branch.pk}.hours": [
            {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "13:00"}
        ],
    }
    sign_in(client, editor.username)
    review = client.get(reverse("directory:staff_changes")).content.decode()
    assert "Branch — " in review and "Pașcani" in review and "Office — " not in review
    # The places a change is about are named from one read, however many of their fields it holds.
    fields = [*change.proposed, *(f"place.{office.pk}.{name}" for name in ("address.city", "hours"))]
    with django_assert_num_queries(2):  # the locations, their addresses
        assert place_labels(fields) == {str(office.pk): "Office", str(branch.pk): "Branch"}
    assert place_labels(["place.not-a-place.hours"]) == {"not-a-place": "A place removed since"}
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, change)
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.APPROVED
    assert branch.addresses.get().city == "Pașcani" and office.addresses.get().city == "Iași"
    assert [(s.byday, s.opens_at) for s in branch.schedules.all()] == [("MO", dt.time(9))]
    assert [(s.byday, s.opens_at) for s in office.schedules.all()] == [("TU", dt.time(9))]
    clock(MONDAY_10)
    found = client.get(reverse("directory:search"), {"q": "sprijin", "open_now": "on"}).content.decode()
    assert "Asociația Sprijin Iași</a>" in found
    # The next change is about the office, which closes before it is reviewed.
    sign_in(client, "keeper@example.org")
    data = {
        **organization_form(organization),
        **_place_data(office, {"TU": [("09:00", "12:00")]}, city="Iași (centru)"),
        **_place_data(branch, {"MO": [("09:00", "13:00")]}),
    }
    for name in [name for name in data if name.startswith("address.")]:
        del data[name]
    client.post(edit, data)
    second = ProposedChange.objects.get(status=ProposedChange.Status.PENDING)
    assert set(second.proposed) == {f"place.{office.pk}.address.city"}
    office.is_confidential = True
    office.save()
    sign_in(client, editor.username)
    assert "Someone changed this entry since" in approve(client, second).content.decode()
    page = approve(client, second, **{f"change-{second.id}-overwrite_stale": "on"}).content.decode()
    second.refresh_from_db()
    assert second.status == ProposedChange.Status.PENDING
    assert "is no longer one of the organisation&#x27;s public places" in page
    assert office.addresses.get().city == "Iași"


def test_the_live_hours_in_other_words_are_no_change_and_a_form_that_cannot_say_them_is_not_offered(
    client, organization
):
    service = organization.services.get()
    # Imported hours, written otherwise than the form writes them (byday without freq, a description).
    ScheduleFactory(
        service=service,
        freq="",
        wkst="",
        valid_from=None,
        byday="MO,WE",
        opens_at=dt.time(9),
        closes_at=dt.time(12),
        description="Mornings",
    )
    # (Valid since a day gone: what it says from now on is the same.)
    ScheduleFactory(service=service, byday="MO", opens_at=dt.time(13), closes_at=dt.time(15))
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    edit = reverse("directory:own_service_edit", args=[organization.id, service.id])
    form = client.get(edit).content.decode()
    assert 'name="hours-MO_opens_1" value="09:00"' in form and 'name="hours-MO_opens_2" value="13:00"' in form
    same = {"MO": [("09:00", "12:00"), ("13:00", "15:00")], "WE": [("09:00", "12:00")]}
    response = client.post(edit, {**service_form(service), **hours_data(same)}, follow=True)
    assert "Nothing was changed" in response.content.decode() and not ProposedChange.objects.exists()

    # Hours of another rhythm (the first Monday of the month): the form leaves them alone.
    ScheduleFactory(service=service, freq="MONTHLY", byday="1MO", opens_at=dt.time(9), closes_at=dt.time(10))
    form = client.get(edit).content.decode()
    assert 'name="hours-MO_opens_1"' not in form and "say more than this form can" in form
    response = client.post(edit, {**service_form(service, fees_description="Free")})
    change = ProposedChange.objects.get()
    assert change.proposed == {"fees_description": "Free"}
    # Nor hours that a place of the service has of its own (they would hide the service's).
    change.delete()
    Schedule.objects.filter(freq="MONTHLY").delete()
    place = ServiceAtLocationFactory(service=service, location=LocationFactory(organization=organization))
    ScheduleFactory(service_at_location=place, byday="TU", opens_at=dt.time(9), closes_at=dt.time(10))
    assert 'name="hours-MO_opens_1"' not in client.get(edit).content.decode()


def test_bad_hours_and_dates_are_explained_and_send_nothing(client, organization):
    service = organization.services.get()
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    edit = reverse("directory:own_service_edit", args=[organization.id, service.id])
    wrong = {
        "MO": [("17:00", "09:00")],
        "TU": [("09:00", "13:00"), ("12:00", "15:00")],
        "WE": [("09:00", "")],
    }
    response = client.post(edit, {**service_form(service), **hours_data(wrong, closed="Christmas")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "It closes after it opens" in html and "The second range begins after the first one ends." in html
    assert "Give both the opening and the closing time." in html
    assert "“Christmas” is not a date" in html
    response = client.post(edit, {**service_form(service), **hours_data(closed="2026-12-26 – 2026-12-24")})
    assert "A period ends after it begins" in response.content.decode()
    assert not ProposedChange.objects.exists()


def test_changes_made_since_are_stale_for_hours_phones_and_translations(
    client, editor, organization, django_capture_on_commit_callbacks
):
    service = organization.services.get()
    Service.objects.filter(pk=service.pk).update(translations={"uk": {"name": "Консультація"}})
    PhoneFactory(service=service, number="0232 111 111")
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    client.post(
        reverse("directory:own_service_translate", args=[organization.id, service.id]),
        {"language": "uk", "name": UK_NAME, "description": UK_DESCRIPTION},
    )
    client.post(
        reverse("directory:own_service_edit", args=[organization.id, service.id]),
        {
            **service_form(service),
            **phones_data(("0232 111 111", ""), ("0232 222 222", "")),
            **hours_data({"MO": [("09:00", "17:00")]}),
        },
    )
    translation, hours = ProposedChange.objects.order_by("pk")
    assert translation.base == {"translation.uk.name": "Консультація", "translation.uk.description": ""}
    assert set(hours.proposed) == {"phones", "hours"}
    # Meanwhile an editor gives the service other hours and another Ukrainian name (in the admin, say).
    ScheduleFactory(service=service, byday="TU", opens_at=dt.time(8), closes_at=dt.time(12))
    Service.objects.filter(pk=service.pk).update(translations={"uk": {"name": "Юридична допомога"}})
    organization_saved(organization_ids=[organization.pk])

    sign_in(client, editor.username)
    html = client.get(reverse("directory:staff_changes")).content.decode()
    assert html.count("Changed by someone else since the proposal. Now:") == 2
    assert "Юридична допомога" in html and "Tuesday, 8 a.m.–noon" in html
    for change in (translation, hours):
        assert "Someone changed this entry since the proposal" in approve(client, change).content.decode()
        change.refresh_from_db()
        assert change.status == ProposedChange.Status.PENDING
    service.refresh_from_db()
    assert service.translations == {"uk": {"name": "Юридична допомога"}}
    # Saying so, the editor applies them; the audit records name the fields overwritten, and the phone
    # kept, which nobody changed, was not stale.
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, translation, **{f"change-{translation.id}-overwrite_stale": "on"})
        approve(client, hours, **{f"change-{hours.id}-overwrite_stale": "on"})
    service.refresh_from_db()
    assert service.translations == {"uk": {"name": UK_NAME, "description": UK_DESCRIPTION}}
    rules = [rule_from(schedules.schedule_row(s)) for s in Schedule.objects.filter(service=service)]
    assert [(sorted(rule.weekdays), rule.opens, rule.closes) for rule in rules] == [([0], 540, 1020)]
    assert sorted(Phone.objects.filter(service=service).values_list("number", flat=True)) == [
        "0232 111 111",
        "0232 222 222",
    ]
    approved = AuditEntry.objects.filter(action="directory.change.approved")
    assert sorted(entry.detail["stale_overwritten"] for entry in approved) == [
        ["hours"],
        ["translation.uk.name"],
    ]


def test_another_organisations_translations_and_hours_answer_404_and_are_audited(client, organization):
    mine = OrganizationFactory()
    representative_of(mine)
    service = organization.services.get()
    sign_in(client, "keeper@example.org")
    for url, data in (
        (
            reverse("directory:own_organization_translate", args=[organization.id]),
            {"language": "uk", "description": "Taken over"},
        ),
        (
            reverse("directory:own_service_translate", args=[organization.id, service.id]),
            {"language": "uk", "name": "Taken over"},
        ),
        (
            reverse("directory:own_service_edit", args=[organization.id, service.id]),
            {**service_form(service), **hours_data({"MO": [("09:00", "10:00")]})},
        ),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    refused = AuditEntry.objects.filter(action="directory.organization.access_refused")
    assert refused.count() == 6 and {entry.object_id for entry in refused} == {str(organization.pk)}
    # Their own organisation's address with another's service: 404.
    url = reverse("directory:own_service_translate", args=[mine.id, service.id])
    assert client.get(url).status_code == 404
    assert not ProposedChange.objects.exists()
    assert Organization.objects.get(pk=organization.pk).translations == {}


def test_removing_a_translation_and_the_own_language_is_not_offered(
    client, editor, organization, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=organization.pk).update(
        translations={"uk": {"description": UK_ORGANIZATION}, "ru": {"description": "Помощь."}}
    )
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    url = reverse("directory:own_organization_translate", args=[organization.id])
    response = client.post(url, {"language": "ro", "description": "Altceva."})
    assert response.status_code == 200 and not ProposedChange.objects.exists()
    client.post(url, {"language": "uk", "name": "", "alternate_name": "", "description": ""})
    change = ProposedChange.objects.get()
    assert change.proposed == {"translation.uk.description": ""}
    sign_in(client, editor.username)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, change)
    organization.refresh_from_db()
    assert organization.translations == {"ru": {"description": "Помощь."}}


def test_weekly_hours_are_schedules_read_back_as_the_same_hours():
    hours = WeeklyHours(
        days=(((540, 780), (840, 1020)), (), ((0, 1439),), (), (), ((600, 720),), ()),
        closures=(
            (dt.date(2026, 12, 25), dt.date(2026, 12, 25)),
            (dt.date(2026, 12, 31), dt.date(2027, 1, 2)),
        ),
    )
    rows = weekly_rows(hours)
    assert weekly_from_rows(rows) == hours
    assert all(rule_from(row).computable for row in rows)
    assert weekly_from_rows([{"byday": "MO", "opens_at": "22:00", "closes_at": "02:00"}]) is None
    assert (
        weekly_from_rows([{"byday": "MO", "opens_at": "09:00", "closes_at": "10:00", "timezone": 2}]) is None
    )
    assert weekly_from_rows([{"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "10:00",
                              "valid_from": "2027-01-01"}]) is None  # fmt: skip
    three = [{"byday": "MO", "opens_at": f"{h:02}:00", "closes_at": f"{h:02}:30"} for h in (8, 10, 12)]
    assert weekly_from_rows(three) is None


def test_a_places_bad_address_and_hours_are_explained_and_send_nothing(client, organization):
    """A town without its street at one place, and hours that close before they open at the other: both
    are explained on the page, every value typed is still in the form, and no change is sent."""
    office = LocationFactory(organization=organization, name="Office")
    AddressFactory(location=office, address_1="Strada Lăpușneanu 10", city="Iași", country="RO")
    branch = LocationFactory(organization=organization, name="Branch")
    representative_of(organization)
    sign_in(client, "keeper@example.org")
    edit = reverse("directory:own_organization_edit", args=[organization.id])
    data = {
        **organization_form(organization, description="Consiliere juridică și socială."),
        **_place_data(office, {"TU": [("14:00", "09:00")]}),
        **_place_data(branch, city="Pașcani"),
    }
    for name in [name for name in data if name.startswith("address.")]:
        del data[name]
    page = client.post(edit, data).content.decode()
    assert "An address needs its street and its town." in page
    assert "It closes after it opens, on the same day" in page
    assert f'name="place-{office.pk}-hours-TU_opens_1" value="14:00"' in page
    assert 'value="Pașcani"' in page and "Consiliere juridică și socială." in page
    assert not ProposedChange.objects.exists()
