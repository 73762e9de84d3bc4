"""A referral to an organisation of the directory itself, one with no listed service (a prosecutor's office,
a court), through the staff pages and the API as the real roles use them: found by the form's directory
search, bound by the same consent as a referral to one of its services, audited alike, and its packet
carrying the organisation's own contact data and saying that it has no listed service. Every person is fake
(tests.cases.factories); the institution's e-mail, phone and address are made up."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.cases import services
from refugiu.cases import vocabularies as v
from refugiu.cases.models import Referral
from refugiu.cases.services import CaseError
from refugiu.core.models import AuditEntry
from refugiu.directory.search import search_reindex_organizations
from tests.accounts.mfa import force_login_with_mfa
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator, staff
from tests.cases.test_api import Caller
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

PROSECUTOR = "Parchetul de pe lângă Judecătoria Slatina"
PROSECUTOR_EMAIL = "registratura.slatina@example.org"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """A case worked by a social worker (lead) and a lawyer, with its coordinator; a caseworker of the same
    department on another case; and a prosecutor's office in the directory with no service, an e-mail, a
    phone with an extension and an address."""
    trafficking = DepartmentFactory(name="Trafficking")
    boss = coordinator(trafficking)
    social, lawyer, outsider = caseworker(trafficking), caseworker(trafficking), caseworker(trafficking)
    case = case_new(
        department=trafficking,
        by=boss,
        team=[(social, v.TeamFunction.SOCIAL_WORKER), (lawyer, v.TeamFunction.LAWYER)],
    )
    case_new(department=trafficking, by=boss, team=[(outsider, v.TeamFunction.SOCIAL_WORKER)])
    prosecutor = OrganizationFactory(
        name=PROSECUTOR, email=PROSECUTOR_EMAIL, website="https://slatina.example.org", country="RO"
    )
    PhoneFactory(organization=prosecutor, number="0249 000 111", extension=12, description="Registratura")
    AddressFactory(
        location=LocationFactory(organization=prosecutor, name="Sediul"),
        address_1="Strada Fictivă 1",
        city="Slatina",
        state_province="Olt",
        postal_code="230000",
    )
    search_reindex_organizations([prosecutor.pk])
    return SimpleNamespace(**locals())


def signed_in(user) -> Client:
    return force_login_with_mfa(Client(), user)


def url(name, *args) -> str:
    return reverse(f"cases:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


def audited(action: str, **filters) -> int:
    return AuditEntry.objects.filter(action=action, **filters).count()


def sharing_consent(world, organization, fields=("code", "names")):
    return services.consent_record(
        user=world.boss,
        case=world.case,
        purpose=v.ConsentPurpose.SHARING,
        organization=organization,
        shared_fields=list(fields),
        form=v.ConsentForm.WRITTEN,
    )


# Through the pages --------------------------------------------------------------------------------------


def test_a_caseworker_refers_a_case_to_a_prosecutor_office_with_no_service(world):
    case, prosecutor = world.case, world.prosecutor
    identity = case.beneficiary.identity
    social = signed_in(world.social)

    # The form's directory search finds the office by its name, without the accents, as the organisation
    # itself with no listed service.
    page = text(social.post(url("referral_new", case.pk), {"action": "search", "q": "parchetul slatina"}))
    assert f"organization:{prosecutor.pk}" in page and PROSECUTOR in page
    assert "the organisation itself, which has no service listed in the directory" in page
    assert "no sharing consent recorded" in page
    form = {
        "action": "send",
        "q": "parchetul slatina",
        "destination": f"organization:{prosecutor.pk}",
        "reason": "Criminal complaint for trafficking; the victim asks to be heard with a lawyer.",
        "shared_fields": [v.SharedField.CODE, v.SharedField.NAMES],
    }

    # Without the person's consent to share with the office, a caseworker cannot send it.
    page = text(social.post(url("referral_new", case.pk), form))
    assert "There is no consent recorded to share this person’s data with this organisation" in page
    assert not Referral.objects.exists() and not audited("cases.referral.sent")

    # The consent is recorded for the office, through its page, as the referral form links to it.
    response = social.post(
        url("consent_new", case.pk),
        {
            "purpose": v.ConsentPurpose.SHARING,
            "organization": str(prosecutor.pk),
            "shared_fields": [v.SharedField.CODE, v.SharedField.NAMES],
            "given_on": dt.date.today().isoformat(),
            "consent_form": v.ConsentForm.WRITTEN,
        },
    )
    assert response.status_code == 302 and case.consents.get().organization == prosecutor
    page = text(social.post(url("referral_new", case.pk), {"action": "search", "q": "parchetul slatina"}))
    assert "consent covers: Beneficiary code, Names" in page

    # A field the consent does not cover is still refused.
    page = text(social.post(url("referral_new", case.pk), {**form, "shared_fields": ["contact"]}))
    assert "The consent does not cover" in page and not Referral.objects.exists()

    response = social.post(url("referral_new", case.pk), form)
    referral = Referral.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == url("referral_detail", case.pk, referral.pk)
    assert (referral.organization, referral.service, referral.department) == (prosecutor, None, None)
    assert referral.kind == v.ReferralKind.EXTERNAL and referral.status == v.ReferralStatus.SENT
    assert referral.country.code == "RO" and not referral.is_cross_border
    assert referral.consent == case.consents.get() and referral.shared_fields == ["code", "names"]

    # Written like a referral to a service, with the kind of destination and no personal data.
    sent = AuditEntry.objects.get(action="cases.referral.sent", object_id=str(referral.pk))
    assert sent.actor == world.social
    assert sent.detail == {
        "destination": "organization",
        "shared_fields": ["code", "names"],
        "consent_overridden": False,
    }

    # The referral's page says where it goes, with the office's contact data.
    page = text(social.get(url("referral_detail", case.pk, referral.pk)))
    assert PROSECUTOR in page and "the organisation itself" in page
    assert "it has no service listed in the directory" in page
    assert PROSECUTOR_EMAIL in page and "0249 000 111" in page and "Slatina" in page
    assert audited("cases.referral.viewed", actor=world.social, object_id=str(referral.pk)) == 1

    # The packet carries the office's e-mail, phone, website and address, says it has no listed service,
    # and holds only the data shared.
    packet = text(social.get(url("referral_packet", case.pk, referral.pk)))
    assert PROSECUTOR in packet and PROSECUTOR_EMAIL in packet and "https://slatina.example.org" in packet
    assert (
        "This referral goes to the organisation itself: it has no service listed in the directory." in packet
    )
    assert "0249 000 111, extension 12 — Registratura" in packet
    assert "Strada Fictivă 1" in packet and "230000 Slatina, Olt" in packet
    assert identity.given_names in packet and identity.family_names in packet
    assert case.beneficiary.code in packet
    for secret in (identity.phone, identity.email, identity.document_number, identity.date_of_birth):
        assert secret not in packet
    assert "Criminal complaint for trafficking" in packet
    assert audited("cases.referral.packet_viewed", actor=world.social, object_id=str(referral.pk)) == 1
    response = social.get(url("referral_packet_pdf", case.pk, referral.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert audited("cases.referral.packet_downloaded", actor=world.social, object_id=str(referral.pk)) == 1

    # The case's timeline names it; its answer is recorded with the usual statuses.
    assert f"to {PROSECUTOR} (the organisation itself)" in text(social.get(url("case_detail", case.pk)))
    response = social.post(
        url("referral_detail", case.pk, referral.pk),
        {"version": referral.version, "status": v.ReferralStatus.ACCEPTED, "feedback": "Hearing set."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == v.ReferralStatus.ACCEPTED and referral.responded_on == dt.date.today()
    assert audited("cases.referral.status_changed", object_id=str(referral.pk)) == 1
    back = social.post(
        url("referral_detail", case.pk, referral.pk),
        {"version": referral.version, "status": v.ReferralStatus.SENT},
    )
    assert back.status_code == 200  # the form again: accepted never goes back to sent
    referral.refresh_from_db()
    assert referral.status == v.ReferralStatus.ACCEPTED


def test_someone_not_on_the_case_finds_no_referral_to_an_organisation(world):
    case, prosecutor = world.case, world.prosecutor
    sharing_consent(world, prosecutor)
    referral = services.referral_send(
        user=world.social, case=case, organization=prosecutor, reason="complaint", shared_fields=["code"]
    )
    outsider = signed_in(world.outsider)
    for address in (
        url("referral_detail", case.pk, referral.pk),
        url("referral_packet", case.pk, referral.pk),
        url("referral_packet_pdf", case.pk, referral.pk),
    ):
        for method in ("get", "post"):
            response = getattr(outsider, method)(address)
            assert response.status_code == 404, (method, address)
            assert PROSECUTOR_EMAIL not in text(response)
    response = outsider.post(
        url("referral_new", case.pk),
        {
            "action": "send",
            "destination": f"organization:{prosecutor.pk}",
            "reason": "complaint",
            "shared_fields": ["code"],
        },
    )
    assert response.status_code == 404 and Referral.objects.count() == 1
    assert not audited("cases.referral.viewed", actor=world.outsider)
    assert not audited("cases.referral.packet_viewed", actor=world.outsider)
    assert AuditEntry.objects.filter(actor=world.outsider, action__endswith=".access_refused").exists()


def test_an_organisation_with_services_is_offered_itself_beside_its_services(world):
    case = world.case
    tribunal = OrganizationFactory(name="Tribunalul Fictiv Olt", email="tribunal@example.org")
    desk = ServiceFactory(organization=tribunal, name="Biroul de informare și relații publice")
    search_reindex_organizations([tribunal.pk])
    social = signed_in(world.social)
    page = text(social.post(url("referral_new", case.pk), {"action": "search", "q": "tribunalul fictiv"}))
    assert f"organization:{tribunal.pk}" in page and f"service:{desk.pk}" in page
    assert "the organisation itself, not one of its services" in page
    # Found through its service, the organisation is offered too.
    page = text(social.post(url("referral_new", case.pk), {"action": "search", "q": "biroul informare"}))
    assert f"organization:{tribunal.pk}" in page and f"service:{desk.pk}" in page
    # Nothing found says so.
    page = text(social.post(url("referral_new", case.pk), {"action": "search", "q": "zzzzqqq"}))
    assert "Nothing in the directory matches" in page

    # One consent to share with the organisation covers both; the packet says the referral skips its services.
    sharing_consent(world, tribunal, fields=["code"])
    response = social.post(
        url("referral_new", case.pk),
        {
            "action": "send",
            "destination": f"organization:{tribunal.pk}",
            "reason": "Compensation claim",
            "shared_fields": ["code"],
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.organization == tribunal and referral.service is None
    packet = text(social.get(url("referral_packet", case.pk, referral.pk)))
    assert "not to one of the services it lists in the directory" in packet
    assert "tribunal@example.org" in packet and desk.name not in packet


def test_an_unpublished_or_unknown_organisation_cannot_be_chosen(world):
    hidden = OrganizationFactory(name="Parchetul Ascuns", is_published=False)
    search_reindex_organizations([hidden.pk])
    boss = signed_in(world.boss)
    page = text(boss.post(url("referral_new", world.case.pk), {"action": "search", "q": "parchetul ascuns"}))
    assert f"organization:{hidden.pk}" not in page
    for destination in (f"organization:{hidden.pk}", "organization:not-a-uuid"):
        response = boss.post(
            url("referral_new", world.case.pk),
            {
                "action": "send",
                "destination": destination,
                "reason": "x",
                "shared_fields": ["code"],
                "override_reason": "urgent",
            },
        )
        assert response.status_code == 200, destination
    assert not Referral.objects.exists()


def test_a_coordinator_may_send_it_without_consent_with_a_reason(world):
    case, prosecutor = world.case, world.prosecutor
    other = OrganizationFactory(name="Inspectoratul de Poliție Județean Fictiv")
    sharing_consent(world, other)  # a consent for someone else does not count
    form = {
        "action": "send",
        "destination": f"organization:{prosecutor.pk}",
        "reason": "Immediate danger",
        "shared_fields": ["code"],
    }
    assert "override_reason" not in text(signed_in(world.social).get(url("referral_new", case.pk)))
    page = text(signed_in(world.social).post(url("referral_new", case.pk), form))
    assert "There is no consent recorded to share this person’s data with this organisation" in page
    boss = signed_in(world.boss)
    response = boss.post(url("referral_new", case.pk), {**form, "override_reason": "Risk of retaliation"})
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.organization == prosecutor and referral.consent is None
    assert referral.consent_overridden_by == world.boss
    sent = AuditEntry.objects.get(action="cases.referral.sent", object_id=str(referral.pk))
    assert sent.detail["destination"] == "organization" and sent.detail["consent_overridden"] is True


def test_a_confidential_place_of_the_organisation_shows_only_its_front_door(world):
    shelter = OrganizationFactory(name="Centrul Fictiv de Primire", email="centru@example.org")
    AddressFactory(
        location=LocationFactory(
            organization=shelter,
            is_confidential=True,
            front_door_area="Slatina",
            front_door_phone="0249 999 000",
        ),
        address_1="Strada Secretă 9",
    )
    sharing_consent(world, shelter, fields=["code"])
    referral = services.referral_send(
        user=world.social, case=world.case, organization=shelter, reason="safe place", shared_fields=["code"]
    )
    social = signed_in(world.social)
    for page in (
        text(social.get(url("referral_packet", world.case.pk, referral.pk))),
        text(social.get(url("referral_detail", world.case.pk, referral.pk))),
    ):
        assert "centru@example.org" in page and "0249 999 000" in page
        assert "Strada Secretă" not in page


# Through the API ----------------------------------------------------------------------------------------


def test_the_api_refers_to_an_organisation_itself(client, world):
    case, prosecutor = world.case, world.prosecutor
    lawyer = Caller(client, world.lawyer)
    body = {
        "organization_id": str(prosecutor.pk),
        "reason": "Criminal complaint",
        "shared_fields": ["code"],
    }
    refused = lawyer.post(f"/cases/{case.pk}/referrals", body)
    assert refused.status_code == 422 and refused.json()["code"] == "no_consent"
    assert not Referral.objects.exists()

    consent = lawyer.post(
        f"/cases/{case.pk}/consents",
        {
            "purpose": "sharing",
            "form": "written",
            "organization_id": str(prosecutor.pk),
            "shared_fields": ["code"],
        },
    )
    assert consent.status_code == 201, consent.json()
    beyond = lawyer.post(f"/cases/{case.pk}/referrals", {**body, "shared_fields": ["names"]})
    assert beyond.status_code == 422 and beyond.json()["code"] == "beyond_consent"
    sent = lawyer.post(f"/cases/{case.pk}/referrals", body)
    assert sent.status_code == 201, sent.json()
    referral = sent.json()
    assert referral["organization"] == {"id": str(prosecutor.pk), "name": PROSECUTOR}
    assert referral["service"] is None and referral["department"] is None
    assert referral["kind"] == "external" and referral["country"] == "RO"
    assert referral["consent_id"] == consent.json()["id"] and not referral["consent_overridden"]
    entry = AuditEntry.objects.get(action="cases.referral.sent", object_id=str(referral["id"]))
    assert entry.actor == world.lawyer and entry.detail["destination"] == "organization"

    answered = lawyer.patch(
        f"/cases/{case.pk}/referrals/{referral['id']}", {"version": referral["version"], "status": "accepted"}
    )
    assert answered.status_code == 200 and answered.json()["organization"]["id"] == str(prosecutor.pk)
    timeline = lawyer.get(f"/cases/{case.pk}/timeline").json()
    assert {"referral_kind": "external", "destination": PROSECUTOR}.items() <= next(
        e for e in timeline if e["kind"] == "referral"
    ).items()

    # A referral to a service still names no organisation of its own: `service` keeps its meaning.
    service = ServiceFactory(organization=prosecutor)
    to_service = lawyer.post(
        f"/cases/{case.pk}/referrals", {**body, "organization_id": None, "service_id": str(service.pk)}
    )
    assert to_service.status_code == 201, to_service.json()
    assert to_service.json()["organization"] is None
    assert to_service.json()["service"]["organization"]["id"] == str(prosecutor.pk)

    # One destination, published, known.
    both = lawyer.post(f"/cases/{case.pk}/referrals", {**body, "service_id": str(service.pk)})
    assert both.status_code == 422 and both.json()["code"] == "destination"
    hidden = OrganizationFactory(is_published=False)
    for organization_id in (str(hidden.pk), "00000000-0000-0000-0000-000000000000"):
        unknown = lawyer.post(f"/cases/{case.pk}/referrals", {**body, "organization_id": organization_id})
        assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_organization"
    assert Referral.objects.count() == 2

    # Someone not on the case: as if the case did not exist.
    outsider = Caller(client, world.outsider)
    assert outsider.post(f"/cases/{case.pk}/referrals", body).status_code == 404
    assert Referral.objects.count() == 2


def test_the_openapi_document_offers_the_organisation_as_an_optional_field(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    sent, answered = schemas["ReferralIn"], schemas["ReferralOut"]
    assert "organization_id" in sent["properties"] and "organization_id" not in sent.get("required", [])
    assert "organisation of the directory itself" in sent["properties"]["organization_id"]["description"]
    assert "organization" in answered["properties"] and "organization" not in answered["required"]
    assert {"service", "department", "country"} <= set(answered["required"])


# The model and its migration ----------------------------------------------------------------------------


def test_a_referral_has_exactly_one_destination(world):
    service = ServiceFactory()
    common = {"case": world.case, "created_by": world.boss}
    for kind, destinations in (
        (v.ReferralKind.EXTERNAL, {"service": service, "organization": world.prosecutor}),
        (v.ReferralKind.EXTERNAL, {"organization": world.prosecutor, "department": world.trafficking}),
        (v.ReferralKind.INTERNAL, {"organization": world.prosecutor}),
        (v.ReferralKind.EXTERNAL, {}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Referral.objects.create(kind=kind, **destinations, **common)
    Referral.objects.create(kind=v.ReferralKind.EXTERNAL, organization=world.prosecutor, **common)
    with pytest.raises(CaseError) as error:
        services.referral_send(
            user=world.boss,
            case=world.case,
            organization=world.prosecutor,
            service=service,
            reason="x",
            shared_fields=["code"],
            override_reason="urgent",
        )
    assert error.value.code == "destination"


BEFORE = [("cases", "0004_encrypt_sensitive_values")]


@pytest.mark.django_db(transaction=True)
def test_referrals_written_before_the_upgrade_stay_valid():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state([n for n in latest if n[0] != "cases"] + BEFORE).apps
        user = old.get_model("accounts", "User").objects.create(username="upgrade-fake-staff")
        ngo = old.get_model("organisation", "NGO").objects.create(name="Fake NGO")
        department = old.get_model("organisation", "Department").objects.create(ngo=ngo, name="Fake")
        beneficiary = old.get_model("cases", "Beneficiary").objects.create(created_by=user)
        case = old.get_model("cases", "Case").objects.create(
            beneficiary=beneficiary, department=department, category="trafficking", created_by=user
        )
        organization = old.get_model("directory", "Organization").objects.create(name="Fake shelter")
        service = old.get_model("directory", "Service").objects.create(
            organization=organization, name="Fake beds"
        )
        old_referral = old.get_model("cases", "Referral")
        external = old_referral.objects.create(
            case=case, kind="external", service=service, created_by=user, reason="fake"
        )
        internal = old_referral.objects.create(
            case=case, kind="internal", department=department, created_by=user, reason="fake"
        )
    finally:
        MigrationExecutor(connection).migrate(latest)
    external, internal = Referral.objects.get(pk=external.pk), Referral.objects.get(pk=internal.pk)
    assert (external.service_id, external.organization_id, external.destination_kind) == (
        service.pk,
        None,
        "service",
    )
    assert (internal.department_id, internal.organization_id, internal.destination_kind) == (
        department.pk,
        None,
        "department",
    )
    assert external.reason == internal.reason == "fake"


def test_the_persons_export_names_the_organisation_referred_to(world):
    sharing_consent(world, world.prosecutor)
    services.referral_send(
        user=world.social,
        case=world.case,
        organization=world.prosecutor,
        reason="complaint",
        shared_fields=[],
    )
    dpo = signed_in(staff(Role.DATA_PROTECTION_OFFICER))
    beneficiary = world.case.beneficiary
    response = dpo.post(reverse("dpo:subject_export_json", args=[beneficiary.pk]))
    (referral,) = json.loads(response.content)["cases"][0]["referrals"]
    assert referral["organization"] == PROSECUTOR and referral["service"] is None
