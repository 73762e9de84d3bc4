"""Organisations keep their own entry: a directory editor invites a representative, who signs in with their
e-mail address (no second factor required), proposes changes to the entry and its services, and every change
waits for an editor, who sees a diff and approves (the entry changes and its "last verified" moves) or
rejects it with a reason. All through the real pages, as the people would."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.accounts.security import user_needs_second_factor
from refugiu.core.models import AuditEntry
from refugiu.directory.changes import word_diff
from refugiu.directory.models import (
    Organization,
    OrganizationRepresentative,
    Phone,
    ProposedChange,
    SearchEntry,
    Service,
    Suggestion,
)
from refugiu.directory.services import organization_saved
from refugiu.directory.services.representatives import representative_invite
from tests.accounts.mfa import DEFAULT_PASSWORD, enrol_totp, totp_code
from tests.factories import (
    AddressFactory,
    LocationFactory,
    OrganizationFactory,
    PhoneFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a passphrase of our own 2031"
EMAIL = "keeper@example.org"


@pytest.fixture
def editor():
    return UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True)


@pytest.fixture
def organization():
    organization = OrganizationFactory(
        name="Asociația Sprijin Iași",
        description="Legal advice for victims of crime.",
        email="office@example.org",
        language="ro",
    )
    ServiceFactory(organization=organization, name="Consiliere juridică", eligibility_description="Adults")
    return organization


def sign_in(client, username, password=DEFAULT_PASSWORD):
    client.logout()
    response = client.post(reverse("account_login"), {"login": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def invite(client, editor, organization, email=EMAIL, **extra):
    sign_in(client, editor.username)
    url = reverse("directory:staff_organization_representatives", args=[organization.id])
    return client.post(url, {"email": email, "display_name": "Ana Keeper", **extra})


def representative_of(organization, email=EMAIL):
    user, _made = User.objects.get_or_create(username=email, defaults={"email": email})
    user.set_password(DEFAULT_PASSWORD)
    user.save()
    user.role_assignments.get_or_create(role=Role.ORGANIZATION_REPRESENTATIVE)
    OrganizationRepresentative.objects.get_or_create(organization=organization, user=user)
    return user


def organization_form(organization, **changes):
    """What the organisation's form sends when its fields are left as they are, with `changes`."""
    data = {
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
        "address.address_1": "",
        "address.city": "",
        "address.state_province": "",
        "address.postal_code": "",
        "address.country": "",
        "phones-TOTAL_FORMS": "2",
        "phones-INITIAL_FORMS": "0",
        "phones-0-number": "",
        "phones-0-extension": "",
        "phones-1-number": "",
        "phones-1-extension": "",
    }
    data.update(changes)
    return data


def service_form(service=None, **changes):
    data = {
        name: (getattr(service, name) if service else "")
        for name in (
            "name",
            "description",
            "email",
            "url",
            "eligibility_description",
            "application_process",
            "fees_description",
        )
    }
    # Its phones and hours, none (tests/directory/test_representative_translations_hours.py has them).
    data.update({"phones-TOTAL_FORMS": "0", "phones-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_whole_journey(client, editor, organization, mailoutbox, django_capture_on_commit_callbacks):
    service = organization.services.get()
    # The editor finds the organisation and invites its representative.
    sign_in(client, editor.username)
    found = client.get(reverse("directory:staff_representatives"), {"q": "sprijin"})
    assert (
        reverse("directory:staff_organization_representatives", args=[organization.id])
        in found.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, editor, organization, email="Keeper@Example.org")
    assert response.status_code == 302
    representative = User.objects.get(username=EMAIL)
    assert representative.email == EMAIL and not representative.is_staff
    assert representative.roles == {Role.ORGANIZATION_REPRESENTATIVE}
    assert not representative.has_usable_password()
    assert not user_needs_second_factor(representative)
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    body = mailoutbox[0].body
    assert organization.name in mailoutbox[0].subject and EMAIL in body
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.user.created", "accounts.role.granted", "directory.representative.added"} <= actions
    added = AuditEntry.objects.get(action="directory.representative.added")
    assert EMAIL not in str(added.detail) and added.actor_id == editor.pk

    # The representative chooses a password through allauth's reset page, then signs in with the address,
    # with no second factor asked for.
    client.logout()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = sign_in(client, EMAIL, NEW_PASSWORD)
    assert response["Location"] == reverse("staff:home")
    home = client.get(reverse("staff:home"))
    assert home.status_code == 200 and reverse("directory:own_list") in home.content.decode()
    assert organization.name in client.get(reverse("directory:own_list")).content.decode()
    page = client.get(reverse("directory:own_organization", args=[organization.id]))
    assert page.status_code == 200 and "Legal advice for victims of crime." in page.content.decode()

    # They propose a change to the entry (a longer description, a phone, an address) and to a service, and
    # a new service: the live entry does not change.
    long_description = (
        "Legal advice for victims of crime and of trafficking, in Romanian and Ukrainian, "
        "every weekday. <script>alert(1)</script>"
    )
    response = client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(
            organization,
            description=long_description,
            **{
                "phones-0-number": "+40 232 000 000",
                "phones-0-extension": "12",
                "address.address_1": "Strada Lăpușneanu 1",
                "address.city": "Iași",
                "address.country": "RO",
            },
        ),
    )
    assert response.status_code == 302
    response = client.post(
        reverse("directory:own_service_edit", args=[organization.id, service.id]),
        service_form(service, eligibility_description="Adults and children with a guardian"),
    )
    assert response.status_code == 302
    response = client.post(
        reverse("directory:own_service_new", args=[organization.id]),
        service_form(name="Adăpost de urgență", fees_description="Free"),
    )
    assert response.status_code == 302
    assert ProposedChange.objects.filter(status=ProposedChange.Status.PENDING).count() == 3
    organization.refresh_from_db()
    service.refresh_from_db()
    assert organization.description == "Legal advice for victims of crime."
    assert organization.last_verified_on is None
    assert not Phone.objects.filter(organization=organization).exists()
    assert service.eligibility_description == "Adults"
    assert organization.services.count() == 1
    own = client.get(reverse("directory:own_organization", args=[organization.id])).content.decode()
    assert "Waiting for review" in own and "Adăpost de urgență" in own
    proposed = AuditEntry.objects.filter(action="directory.change.proposed")
    assert proposed.count() == 3 and all(entry.actor_id == representative.pk for entry in proposed)
    assert "Ukrainian" not in str(list(proposed.values_list("detail", flat=True)))  # names, not values

    # The editor sees the changes field by field, escaped.
    sign_in(client, editor.username)
    review = client.get(reverse("directory:staff_changes"))
    html = review.content.decode()
    assert review.status_code == 200 and review["Cache-Control"] == "no-store"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert '<del><span class="visually-hidden">removed: </span>crime.</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>crime and of trafficking,' in html
    assert "+40 232 000 000, extension 12" in html and "Strada Lăpușneanu 1" in html
    assert "Adults and children with a guardian" in html

    # They approve all three: the live entry changes and its "last verified" moves to today, by them.
    with django_capture_on_commit_callbacks(execute=True):
        for change in ProposedChange.objects.all():
            response = client.post(
                reverse("directory:staff_change_review", args=[change.id]),
                {f"change-{change.id}-decision": "approve"},
            )
            assert response.status_code == 302
    assert not ProposedChange.objects.exclude(status=ProposedChange.Status.APPROVED).exists()
    organization.refresh_from_db()
    service.refresh_from_db()
    assert organization.description == long_description
    assert organization.last_verified_on == timezone.localdate() and organization.last_verified_by == editor
    assert [(p.number, p.extension) for p in Phone.objects.filter(organization=organization)] == [
        ("+40 232 000 000", 12)
    ]
    address = organization.locations.get().addresses.get()
    assert (address.address_1, address.city, address.country) == ("Strada Lăpușneanu 1", "Iași", "RO")
    assert service.eligibility_description == "Adults and children with a guardian"
    assert service.last_verified_on == timezone.localdate()
    shelter = organization.services.get(name="Adăpost de urgență")
    assert shelter.fees_description == "Free" and shelter.is_published
    assert ProposedChange.objects.get(kind=ProposedChange.Kind.NEW_SERVICE).service == shelter
    # The search index has the new service, and the public page the new description.
    assert SearchEntry.objects.filter(kind=SearchEntry.Kind.SERVICE, object_id=shelter.id).exists()
    public = client.get(reverse("directory:organization", args=[organization.id])).content.decode()
    assert "of trafficking" in public and "Adăpost de urgență" in public
    approved = AuditEntry.objects.filter(action="directory.change.approved")
    assert approved.count() == 3 and {entry.actor_id for entry in approved} == {editor.pk}

    # The representative sees them approved.
    sign_in(client, EMAIL, NEW_PASSWORD)
    own = client.get(reverse("directory:own_organization", args=[organization.id])).content.decode()
    assert "Waiting for review" not in own and "approved" in own


def test_a_rejected_change_tells_the_representative_why(client, editor, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(organization, email="wrong@example.org"),
    )
    change = ProposedChange.objects.get()
    assert change.proposed == {"email": "wrong@example.org"} and change.base == {
        "email": "office@example.org"
    }

    sign_in(client, editor.username)
    review = reverse("directory:staff_change_review", args=[change.id])
    # A rejection needs its reason.
    response = client.post(review, {f"change-{change.id}-decision": "reject"}, follow=True)
    assert "Say why" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.PENDING
    client.post(
        review,
        {f"change-{change.id}-decision": "reject", f"change-{change.id}-reason": "Not your <b>address</b>."},
    )
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.REJECTED and change.reviewed_by == editor
    organization.refresh_from_db()
    assert organization.email == "office@example.org" and organization.last_verified_on is None
    rejected = AuditEntry.objects.get(action="directory.change.rejected")
    assert "Not your" not in str(rejected.detail) and rejected.detail["fields"] == ["email"]
    # Decided once: a second decision is refused.
    client.post(review, {f"change-{change.id}-decision": "approve"})
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.REJECTED

    sign_in(client, representative.username)
    own = client.get(reverse("directory:own_organization", args=[organization.id])).content.decode()
    assert "rejected" in own and "Not your &lt;b&gt;address&lt;/b&gt;." in own


def test_a_stale_change_does_not_overwrite_newer_values_silently(client, editor, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(organization, name="Asociația Sprijin", website="https://sprijin.example.org"),
    )
    change = ProposedChange.objects.get()
    # Meanwhile an editor renames the organisation (in the admin, say).
    Organization.objects.filter(pk=organization.pk).update(name="Asociația Sprijin Iași și Vaslui")
    organization_saved(organization_ids=[organization.pk])

    sign_in(client, editor.username)
    html = client.get(reverse("directory:staff_changes")).content.decode()
    assert (
        "Changed by someone else since the proposal. Now:" in html
        and "Asociația Sprijin Iași și Vaslui" in html
    )
    review = reverse("directory:staff_change_review", args=[change.id])
    response = client.post(review, {f"change-{change.id}-decision": "approve"}, follow=True)
    assert "Someone changed this entry since the proposal" in response.content.decode()
    organization.refresh_from_db()
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.PENDING
    assert organization.name == "Asociația Sprijin Iași și Vaslui" and organization.website == ""

    # Saying so, the editor applies it anyway; the audit record names the field overwritten.
    client.post(
        review, {f"change-{change.id}-decision": "approve", f"change-{change.id}-overwrite_stale": "on"}
    )
    organization.refresh_from_db()
    assert organization.name == "Asociația Sprijin" and organization.website == "https://sprijin.example.org"
    approved = AuditEntry.objects.get(action="directory.change.approved")
    assert approved.detail["stale_overwritten"] == ["name"]


def test_a_field_changed_elsewhere_to_the_same_value_is_not_stale(client, editor, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(organization, alternate_name="ASI"),
    )
    Organization.objects.filter(pk=organization.pk).update(alternate_name="ASI", email="new@example.org")
    change = ProposedChange.objects.get()
    sign_in(client, editor.username)
    client.post(
        reverse("directory:staff_change_review", args=[change.id]),
        {f"change-{change.id}-decision": "approve"},
    )
    change.refresh_from_db()
    organization.refresh_from_db()
    assert change.status == ProposedChange.Status.APPROVED
    assert organization.email == "new@example.org"  # a field the change did not touch keeps its newer value


def test_phones_kept_keep_their_details_beside_several_places(client, editor, organization):
    kept = PhoneFactory(
        organization=organization, number="0232 111 111", type="voice", description="Front desk"
    )
    PhoneFactory(organization=organization, number="0232 222 222")
    for name in ("Office", "Branch"):
        AddressFactory(location=LocationFactory(organization=organization, name=name))
    representative = representative_of(organization)
    sign_in(client, representative.username)
    form = client.get(reverse("directory:own_organization_edit", args=[organization.id])).content.decode()
    assert 'name="address.address_1"' not in form and "0232 111 111" in form
    data = organization_form(
        organization,
        **{
            "phones-TOTAL_FORMS": "3",
            "phones-0-number": "0232 111 111",
            "phones-1-number": "0232 333 333",
            "phones-2-number": "",
            "phones-2-extension": "",
        },
    )
    for name in list(data):
        if name.startswith("address."):
            del data[name]
    # Each place's address as it is (tests/directory/test_representative_translations_hours.py changes them).
    for location in organization.locations.all():
        address = location.addresses.get()
        for name in ("address_1", "city", "state_province", "postal_code", "country"):
            data[f"place-{location.pk}-address.{name}"] = getattr(address, name)
    client.post(reverse("directory:own_organization_edit", args=[organization.id]), data)
    change = ProposedChange.objects.get()
    assert set(change.proposed) == {"phones"}
    sign_in(client, editor.username)
    client.post(
        reverse("directory:staff_change_review", args=[change.id]),
        {f"change-{change.id}-decision": "approve"},
    )
    phones = {phone.number: phone for phone in Phone.objects.filter(organization=organization)}
    assert set(phones) == {"0232 111 111", "0232 333 333"}
    assert phones["0232 111 111"].pk == kept.pk and phones["0232 111 111"].description == "Front desk"


def test_nothing_changed_sends_nothing_and_a_withdrawn_change_is_gone(client, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    url = reverse("directory:own_organization_edit", args=[organization.id])
    response = client.post(url, organization_form(organization), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert not ProposedChange.objects.exists()
    client.post(url, organization_form(organization, description="Shorter."))
    change = ProposedChange.objects.get()
    response = client.post(reverse("directory:own_change_withdraw", args=[organization.id, change.id]))
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="directory.change.withdrawn").exists()


def test_bad_input_is_explained_and_sends_nothing(client, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    url = reverse("directory:own_organization_edit", args=[organization.id])
    response = client.post(
        url,
        organization_form(
            organization,
            name="",
            email="not an address",
            **{"address.city": "Iași", "phones-0-extension": "5"},
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html and "Enter a valid email address." in html
    assert (
        "An address needs its street and its town." in html and "An extension needs its phone number." in html
    )
    response = client.post(reverse("directory:own_service_new", args=[organization.id]), service_form())
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not ProposedChange.objects.exists()


def test_another_organisations_pages_answer_404_and_the_refusal_is_audited(client, organization):
    mine = OrganizationFactory()
    my_service = ServiceFactory(organization=mine)
    representative = representative_of(mine)
    other_service = organization.services.get()
    theirs = ProposedChange.objects.create(
        organization=organization, kind="organization", proposed={"name": "x"}
    )
    sign_in(client, representative.username)
    for url in (
        reverse("directory:own_organization", args=[organization.id]),
        reverse("directory:own_organization_edit", args=[organization.id]),
        reverse("directory:own_service_new", args=[organization.id]),
        reverse("directory:own_service_edit", args=[organization.id, other_service.id]),
        reverse("directory:own_change_withdraw", args=[organization.id, theirs.id]),
    ):
        # (A form that is only sent answers a GET with 405, for any organisation, existing or not.)
        assert client.get(url).status_code == (405 if "withdraw" in url else 404), url
        assert client.post(url, service_form(name="Taken over")).status_code == 404, url
    refused = AuditEntry.objects.filter(action="directory.organization.access_refused")
    assert refused.count() == 9 and {entry.object_id for entry in refused} == {str(organization.pk)}
    # Another organisation's service or change under their own organisation's address: 404 too.
    assert (
        client.get(reverse("directory:own_service_edit", args=[mine.id, other_service.id])).status_code == 404
    )
    withdraw = reverse("directory:own_change_withdraw", args=[mine.id, theirs.id])
    assert client.post(withdraw).status_code == 404
    assert client.get(reverse("directory:own_service_edit", args=[mine.id, my_service.id])).status_code == 200
    theirs.refresh_from_db()
    assert theirs.status == ProposedChange.Status.PENDING
    assert ProposedChange.objects.count() == 1
    assert organization.name not in client.get(reverse("directory:own_list")).content.decode()


def test_the_representative_reaches_nothing_else(client, organization):
    representative = representative_of(organization)
    sign_in(client, representative.username)
    for name in ("staff_stale", "staff_suggestions", "staff_changes", "staff_representatives"):
        assert client.get(reverse(f"directory:{name}")).status_code == 404, name
    assert client.get(reverse("cases:case_list")).status_code == 404
    admin = client.get("/admin/", follow=True)
    assert "Site administration" not in admin.content.decode()


def test_a_second_factor_is_optional_and_asked_for_once_enrolled(client, organization):
    representative = representative_of(organization)
    secret = enrol_totp(representative)
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("directory:own_list")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("directory:own_list")).status_code == 200


def test_a_forgotten_password_is_reset_with_the_address(client, organization, mailoutbox):
    representative_of(organization)
    assert client.post(reverse("account_reset_password"), {"email": EMAIL}).status_code == 302
    assert mailoutbox[-1].to == [EMAIL] and "/accounts/password/reset/key/" in mailoutbox[-1].body


def test_an_invitation_does_not_touch_a_staff_account(client, editor, organization, mailoutbox):
    caseworker = UserFactory(roles=[Role.CASEWORKER], email="caseworker@example.org")
    response = invite(client, editor, organization, email="caseworker@example.org")
    assert response.status_code == 200 and "ask an administrator" in response.content.decode()
    assert caseworker.roles == {Role.CASEWORKER}
    caseworker.refresh_from_db()
    assert caseworker.has_usable_password()
    assert not OrganizationRepresentative.objects.exists() and not mailoutbox
    refused = AuditEntry.objects.get(action="accounts.user.change_refused")
    assert refused.object_id == str(caseworker.pk) and refused.actor_id == editor.pk
    # Nor the editor's own account.
    response = invite(client, editor, organization, email=editor.email)
    assert response.status_code == 200 and not OrganizationRepresentative.objects.exists()


def test_inviting_again_sends_the_e_mail_again_and_one_account_may_keep_two_entries(
    client, editor, organization, mailoutbox, django_capture_on_commit_callbacks
):
    other = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, editor, organization)
        invite(client, editor, organization)
        invite(client, editor, other)
    assert User.objects.filter(email=EMAIL).count() == 1
    assert OrganizationRepresentative.objects.count() == 2 and len(mailoutbox) == 3
    # Once they have a password, the e-mail only says where to sign in.
    user = User.objects.get(email=EMAIL)
    user.set_password(NEW_PASSWORD)
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, editor, other)
    assert (
        "/accounts/password/reset/key/" not in mailoutbox[-1].body
        and "/accounts/login/" in mailoutbox[-1].body
    )


def test_taking_someone_off_an_entry(client, editor, organization):
    representative = representative_of(organization)
    link = OrganizationRepresentative.objects.get()
    sign_in(client, editor.username)
    page = client.get(reverse("directory:staff_organization_representatives", args=[organization.id]))
    assert EMAIL in page.content.decode()
    response = client.post(reverse("directory:staff_representative_remove", args=[link.id]))
    assert response.status_code == 302
    assert not OrganizationRepresentative.objects.exists()
    assert AuditEntry.objects.filter(action="directory.representative.removed").exists()
    sign_in(client, representative.username)
    assert client.get(reverse("directory:own_organization", args=[organization.id])).status_code == 404


def test_only_an_editor_invites_and_a_service_refuses_anyone_else(rf, organization):
    from refugiu.directory.access import DirectoryAccessDenied

    request = rf.post("/")
    for user in (representative_of(organization), UserFactory(roles=[Role.CASEWORKER])):
        request.user = user
        with pytest.raises(DirectoryAccessDenied):
            representative_invite(
                actor=user, request=request, organization=organization, email="x@example.org"
            )
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_change_to_a_service_removed_since_can_only_be_rejected(client, editor, organization):
    representative = representative_of(organization)
    service = organization.services.get()
    sign_in(client, representative.username)
    client.post(
        reverse("directory:own_service_edit", args=[organization.id, service.id]),
        service_form(service, fees_description="Free"),
    )
    change = ProposedChange.objects.get()
    service.delete()
    sign_in(client, editor.username)
    html = client.get(reverse("directory:staff_changes")).content.decode()
    assert "it can only be rejected" in html
    review = reverse("directory:staff_change_review", args=[change.id])
    client.post(review, {f"change-{change.id}-decision": "approve"})
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.PENDING and not Service.objects.exists()
    client.post(review, {f"change-{change.id}-decision": "reject", f"change-{change.id}-reason": "Closed."})
    change.refresh_from_db()
    assert change.status == ProposedChange.Status.REJECTED


def test_public_suggestions_keep_working(client, editor, organization):
    response = client.post(
        reverse("directory:suggest", args=[organization.id]), {"text": "The phone number has changed."}
    )
    assert response.status_code == 302
    sign_in(client, editor.username)
    assert (
        "The phone number has changed." in client.get(reverse("directory:staff_suggestions")).content.decode()
    )
    suggestion = Suggestion.objects.get()
    client.post(reverse("directory:staff_suggestion_review", args=[suggestion.id]), {"decision": "accept"})
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED


def test_word_diff_keeps_every_word_once():
    old = "Open on weekdays.\nAsk at the front desk."
    new = "Open every day.\nAsk at the front desk or call."
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert "weekdays." in [s.text for s in segments if s.op == "delete"]
    assert "\nAsk at the front " in [s.text for s in segments if s.op == "equal"]


def test_approval_is_one_transaction(client, editor, organization, monkeypatch):
    """When applying fails half way, nothing of the change is kept: not the values, not last verified."""
    from refugiu.directory.services import changes as change_services

    representative = representative_of(organization)
    sign_in(client, representative.username)
    client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(organization, description="New text.", **{"phones-0-number": "0232 444 444"}),
    )
    change = ProposedChange.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(change_services, "_apply_address", broken)
    monkeypatch.setattr(change_services, "organization_saved", broken)
    with pytest.raises(RuntimeError):
        change_services.change_approve(actor=editor, change=change)
    organization.refresh_from_db()
    change.refresh_from_db()
    assert organization.description != "New text." and organization.last_verified_on is None
    assert not Phone.objects.filter(organization=organization).exists()
    assert change.status == ProposedChange.Status.PENDING


def test_the_pages_and_the_invitation_are_in_romanian(
    client, editor, organization, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "ro"
    with_ro = {"HTTP_ACCEPT_LANGUAGE": "ro"}
    sign_in(client, editor.username)
    url = reverse("directory:staff_organization_representatives", args=[organization.id])
    page = client.get(url, **with_ro).content.decode()
    assert "Invitați pe cineva" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": EMAIL}, **with_ro)
    assert "Gestionați înregistrarea organizației" in mailoutbox[-1].subject
    assert "alegeți-vă parola" in mailoutbox[-1].body
    representative = User.objects.get(username=EMAIL)
    representative.set_password(DEFAULT_PASSWORD)
    representative.save()
    sign_in(client, EMAIL)
    page = client.get(
        reverse("directory:own_organization", args=[organization.id]), **with_ro
    ).content.decode()
    assert "Înregistrarea așa cum este publicată" in page and "Adăugați un serviciu" in page


def test_line_breaks_spaces_and_the_order_of_phones_are_no_change(client, organization):
    """A browser sends a text's line breaks as CR LF and phones in the form's order: neither is a change."""
    Organization.objects.filter(pk=organization.pk).update(description="Line one\nLine two\n")
    organization.refresh_from_db()
    PhoneFactory(organization=organization, number="0232 555 555", extension=2)
    PhoneFactory(organization=organization, number="0232 555 555", extension=1)
    representative = representative_of(organization)
    sign_in(client, representative.username)
    response = client.post(
        reverse("directory:own_organization_edit", args=[organization.id]),
        organization_form(
            organization,
            description="Line one\r\nLine two",
            **{
                "phones-0-number": "0232 555 555",
                "phones-0-extension": "2",
                "phones-1-number": "0232 555 555 ",
                "phones-1-extension": "1",
            },
        ),
        follow=True,
    )
    assert "Nothing was changed" in response.content.decode()
    assert not ProposedChange.objects.exists()
