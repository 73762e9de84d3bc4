"""Issue 3's "done when", in a real browser: a coordinator, a psychologist, a lawyer and a social worker take
a beneficiary from intake to closure, each signing in through the real pages with a password and an
authenticator code, each seeing what their role allows and not more; then the data protection officer finds
every one of those accesses in the audit log.

One test, in steps, because each step builds on the last (the case the coordinator opens is the one the
others work on). Every person is a Faker invention; the foreign organisation is a factory record.
"""

import datetime as dt
import json
import re

import pytest
from django_countries import countries
from faker import Faker
from playwright.sync_api import Page, expect

from refugiu.accounts.roles import Role
from refugiu.cases import gdpr
from refugiu.cases import vocabularies as v
from refugiu.cases.gdpr.audit_words import ACTION_LABELS, action_label
from refugiu.cases.models import Case
from refugiu.core.models import AuditEntry
from refugiu.directory.search import search_reindex_organizations
from tests.accounts.mfa import DEFAULT_PASSWORD, _forget_used_code, enrol_totp, totp_code
from tests.cases.factories import DepartmentFactory, case_new, caseworker, coordinator, staff
from tests.factories import OrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A word no Faker company or catch phrase contains, so that the directory search finds exactly our service.
SEARCH_WORD = "Zorilor"


@pytest.fixture
def world():
    """The department's coordinator, a psychologist, a lawyer and a social worker on no case yet, a caseworker
    with a case of their own (another team), a data protection officer, and the directory: a service of an
    organisation abroad (the cross-border referral) and a domestic one that the search does not match."""
    faker = Faker()
    department = DepartmentFactory(name="Assistance for victims of trafficking")

    def person(make, *args):
        user = make(*args, display_name=faker.name())
        return user, enrol_totp(user)

    people = {
        "coordinator": person(coordinator, department),
        "psychologist": person(caseworker, department),
        "lawyer": person(caseworker, department),
        "social": person(caseworker, department),
        "dpo": person(staff, Role.DATA_PROTECTION_OFFICER),
    }
    outsider = caseworker(department, display_name=faker.name())
    other_case = case_new(
        department=department,
        by=people["coordinator"][0],
        team=[(outsider, v.TeamFunction.SOCIAL_WORKER)],
    )
    abroad = OrganizationFactory(name=f"Verein {SEARCH_WORD} für Opferhilfe", country="DE")
    service = ServiceFactory(organization=abroad, name=f"Safe return counselling {SEARCH_WORD}")
    domestic = ServiceFactory(name="Shelter for women", organization__name="Casa Speranței")
    search_reindex_organizations([abroad.pk, domestic.organization_id])
    # The page checks that the person's names are absent: they must not also be a colleague's or a company's.
    # Every staff member's names and e-mail count, since pages name staff in several forms.
    staff_members = [user for user, _secret in people.values()] + [outsider]
    shown_anyway = [
        text
        for user in staff_members
        for text in (user.display_name, user.first_name, user.last_name, user.email)
    ] + [department.ngo.name]

    def unlike_others(make) -> str:
        # One candidate at a time, checked against every text (a new candidate per text would let the last
        # one through unchecked).
        while True:
            value = make()
            if not any(value in text or text in value for text in shown_anyway if text):
                return value

    identity = {
        "given_names": unlike_others(faker.first_name),
        "family_names": unlike_others(faker.last_name),
        "date_of_birth": faker.date_of_birth(minimum_age=20, maximum_age=40).isoformat(),
        "phone": faker.msisdn(),
        "document_number": faker.bothify("??#######").upper(),
    }
    return {
        "department": department,
        "people": people,
        "other_case": other_case,
        "abroad": abroad,
        "service": service,
        "identity": identity,
    }


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request) -> bool:
    """The journey runs twice: as most people's browsers are, and with JavaScript off, which every staff page
    must work without."""
    return request.param


@pytest.fixture
def sign_in(browser, live_server, javascript):
    """`sign_in(user, secret)`: a browser of their own for the person (no shared cookies), signed in through
    the sign-in page and the authenticator-code page as they would; returns its page."""
    contexts = []

    def sign_in(user, secret) -> Page:
        context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Staff sign-in").click()
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
        # Two tries: a code computed just before a 30-second boundary can be stale when the server checks it.
        for _attempt in range(2):
            code = totp_code(secret)
            _forget_used_code(user, code)  # allauth refuses a code used once within its window
            page.get_by_label("Code").fill(code)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign In", exact=True).click()
            if page.url.endswith("/staff/"):
                break
        expect(page.get_by_role("heading", level=1)).to_have_text("Staff area")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def labelled(scope, label: str):
    """The form field whose label is exactly `label` (Django adds a colon after a field's label)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def more_actions(page: Page) -> None:
    """Unfold the case page's less common actions (a <details>: it opens without JavaScript too)."""
    page.get_by_text("More actions", exact=True).click()


def open_case(page: Page, reference: str) -> None:
    """From wherever the person is: "My cases", then the case's row."""
    page.get_by_role("link", name="My cases").first.click()
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")


def status_of(page: Page, url: str) -> int:
    response = page.goto(url)
    return response.status


def audit_rows(page: Page) -> list[list[str]]:
    """Every row of the audit log's result, following "Next" through the pages."""
    rows = []
    while True:
        rows += page.locator("table tbody tr").evaluate_all(
            "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))"
        )
        following = page.get_by_role("link", name="Next")
        if not following.count():
            return rows
        following.click()
        page.wait_for_load_state()


def test_intake_to_closure_with_every_access_audited(live_server, sign_in, world):
    people, identity = world["people"], world["identity"]
    boss, psychologist, lawyer, social, dpo = (
        people[k][0] for k in ("coordinator", "psychologist", "lawyer", "social", "dpo")
    )
    service, abroad = world["service"], world["abroad"]
    base = live_server.url
    note_text = "Nightmares twice a week; trusts the interpreter. Next session in a fortnight."
    deadline = dt.date.today() + dt.timedelta(days=12)

    # -- The coordinator: search first, register, open the case with its team. ------------------------------
    page = sign_in(*people["coordinator"])
    coordinator_page = page
    page.get_by_role("link", name="New beneficiary (search first)").click()
    search = page.get_by_role("region", name="1. Search first")
    search.get_by_label("Given names").fill(identity["given_names"])
    search.get_by_label("Family names").fill(identity["family_names"])
    search.get_by_label("Date of birth").fill(identity["date_of_birth"])
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No existing record matches.")).to_be_visible()

    register = page.get_by_role("region", name="2. Register a new beneficiary")
    register.get_by_label("Gender").select_option(label="Feminine")
    register.get_by_label("Age band").select_option(label="25–34")
    register.get_by_label("Nationality").select_option(label=countries.name("MD"))
    register.get_by_label("Languages").fill("Romanian (ro)")
    register.get_by_label("Language 2").fill("ru")
    # What was searched is already in the registration form.
    expect(register.get_by_label("Given names")).to_have_value(identity["given_names"])
    expect(register.get_by_label("Family names")).to_have_value(identity["family_names"])
    expect(register.get_by_label("Date of birth")).to_have_value(identity["date_of_birth"])
    register.get_by_label("Phone").fill(identity["phone"])
    register.get_by_label("Document number").fill(identity["document_number"])
    register.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open a case for ")

    page.get_by_label("Department").select_option(label=world["department"].name)
    page.get_by_label("Category").select_option(label="Victim of trafficking")
    page.get_by_label("Risk level").select_option(label="High")
    page.get_by_label("Forced labour").check()
    page.get_by_label("Summary").fill("Recruited through a job advert abroad; wants to return home safely.")
    team = [(psychologist, "Psychologist"), (lawyer, "Lawyer"), (social, "Social worker")]
    for n, (member, function) in enumerate(team, start=1):
        labelled(page, f"Team member {n}").select_option(label=member.display_name)
        labelled(page, f"Function of team member {n}").select_option(label=function)
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Case "))

    case = Case.objects.exclude(pk=world["other_case"].pk).get()
    reference, code = case.reference, case.beneficiary.code
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    expect(page.get_by_role("status")).to_contain_text(f"Case {reference} is open.")
    sidebar = page.get_by_role("complementary", name="About this case")
    for member, function in team:
        expect(sidebar).to_contain_text(f"{member.display_name} — {function}")
    # The case page names the person by their code; names and documents wait behind "Show identity".
    expect(page.locator("main")).to_contain_text(code)
    for private in (identity["family_names"], identity["phone"], identity["document_number"]):
        expect(page.locator("main")).not_to_contain_text(private)
    page.get_by_role("button", name="Show identity").click()
    expect(page.locator("main")).to_contain_text(identity["document_number"])
    page.get_by_role("link", name=f"Case {reference}").click()

    # -- The psychologist: a session through the quick entry, then a sealed psychological note. -----------
    page = sign_in(*people["psychologist"])
    open_case(page, reference)
    quick = page.get_by_role("region", name="Record a session")
    quick.get_by_label("Service").select_option(label="Psychological counselling")
    quick.get_by_label("Duration (minutes)").fill("50")
    quick.get_by_label("Language used").fill("ro")
    quick.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("status")).to_contain_text("The session was recorded.")
    expect(page.locator(".timeline")).to_contain_text(f"Psychological counselling, 50 min, {psychologist}")

    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Psychological (psychologists on the team only)").check()
    labelled(page, "Note").fill(note_text)
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("status")).to_contain_text("The note was saved.")
    expect(page.locator(".timeline")).to_contain_text(note_text)  # its author's profession reads it
    # Closure decisions are the coordinator's: the page does not exist for a caseworker.
    assert status_of(page, f"{base}/staff/cases/closures/") == 404

    # -- The lawyer: the sealed note stays sealed; consent to share abroad; a protection order. -------------
    page = sign_in(*people["lawyer"])
    lawyer_page = page
    open_case(page, reference)
    expect(page.locator(".timeline")).to_contain_text(f"Sealed psychological note by {psychologist}")
    expect(page.locator("main")).not_to_contain_text(note_text)
    assert note_text not in page.content()
    page.get_by_role("link", name="Write a note").click()
    expect(page.get_by_label("Legal (lawyers on the team only)")).to_be_visible()
    expect(page.get_by_label("Psychological (psychologists on the team only)")).to_have_count(0)
    page.get_by_role("link", name="Cancel").click()

    more_actions(page)
    page.get_by_role("link", name="Record a consent").click()
    page.get_by_label("Search the directory for the organisation").fill(SEARCH_WORD)
    page.get_by_role("button", name="Search the directory").click()
    page.get_by_label(f"{abroad.display_name} (DE)").check()
    page.get_by_label("Purpose").select_option(label="Sharing with a named organisation")
    for field in ("Beneficiary code", "Nationality and languages", "Case category and forms of exploitation"):
        page.get_by_label(field, exact=True).check()
    page.get_by_label("Form of consent").select_option(label="Written, signed")
    page.get_by_role("button", name="Save the consent").click()
    expect(page.get_by_role("status")).to_contain_text("The consent was recorded.")
    sidebar = page.get_by_role("complementary", name="About this case")
    expect(sidebar).to_contain_text(f"Sharing with a named organisation: {abroad.display_name}")

    more_actions(page)
    page.get_by_role("link", name="Record a legal proceeding").click()
    page.get_by_label("Kind").select_option(label="Protection order")
    page.get_by_label("Stage").select_option(value=v.ProceedingStage.REQUESTED)
    page.get_by_label("Court or authority").fill("Court of first instance, sector 3")
    page.get_by_label("Next deadline").fill(deadline.isoformat())
    page.get_by_label("What is due").fill("Hearing on the protection order")
    page.get_by_role("button", name="Save the proceeding").click()
    expect(page.get_by_role("status")).to_contain_text("The proceeding was recorded.")
    expect(sidebar).to_contain_text("Protection order: Requested")
    page.get_by_role("link", name="My work").click()
    work = page.get_by_role("row").filter(has_text="Hearing on the protection order")
    expect(work).to_contain_text("Deadline: Protection order")
    expect(work.get_by_role("link", name=reference)).to_be_visible()

    # -- The social worker: another team's case does not exist for them; a cross-border referral. ---------
    page = sign_in(*people["social"])
    assert status_of(page, f"{base}/staff/cases/{world['other_case'].pk}/") == 404
    assert status_of(page, f"{base}/staff/cases/{world['other_case'].pk}/referrals/new/") == 404
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name="My cases").click()
    expect(page.get_by_text("1 case", exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(world["other_case"].reference)
    open_case(page, reference)

    page.get_by_role("link", name="Refer", exact=True).click()
    labelled(page, "Search the directory").fill(SEARCH_WORD)
    page.get_by_role("button", name="Search the directory").click()
    destination = page.get_by_label(re.compile(re.escape(service.display_name)))
    expect(page.locator("form.case-form")).to_contain_text(
        f"{abroad.display_name} (Germany); consent covers:"
    )
    destination.check()
    page.get_by_label("Reason for the referral").fill("Safe return and reintegration support at home.")
    expect(
        page.get_by_role("checkbox", name=re.compile(r"^Beneficiary code \(covered by the consent"))
    ).to_be_checked()
    page.get_by_role(
        "checkbox", name=re.compile(r"^Nationality and languages \(covered by the consent")
    ).check()
    # More than the consent covers is refused, and what was typed stays.
    page.get_by_role("checkbox", name=re.compile(r"^Contact details \(not covered")).check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("The consent does not cover: Contact details")
    expect(page.get_by_label("Reason for the referral")).to_have_value(
        "Safe return and reintegration support at home."
    )
    page.get_by_role("checkbox", name=re.compile(r"^Contact details \(not covered")).uncheck()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("status")).to_contain_text("The referral was sent.")
    expect(page.locator(".case-facts")).to_contain_text("cross-border")
    expect(page.locator(".case-facts")).to_contain_text(f"{service.display_name} — {abroad.display_name}")

    page.get_by_role("link", name="Referral packet (print)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral")
    packet = page.locator("main")
    expect(packet).to_contain_text(code)
    expect(packet).to_contain_text(countries.name("MD"))
    expect(packet).not_to_contain_text("Forms of exploitation")  # consented to, but not ticked: not shared
    html = page.content()
    for private in identity.values():  # names, date of birth, phone, document: not consented, not there
        assert private not in html

    # -- The lawyer asks to close; the coordinator approves in "Closure requests". --------------------------
    page = lawyer_page
    open_case(page, reference)
    more_actions(page)
    page.get_by_role("link", name="Ask to close").click()
    page.get_by_label("Outcome").select_option(label="Support plan goals met")
    page.get_by_label("Reason for closing").fill("Returned home safely; the protection order was issued.")
    page.get_by_role("button", name="Ask to close").click()
    expect(page.get_by_role("status")).to_contain_text("Closure requested.")
    expect(page.locator(".case-facts")).to_contain_text("closure requested")
    expect(page.get_by_role("link", name="Decide on the closure")).to_have_count(0)  # not theirs to decide

    page = coordinator_page
    page.get_by_role("link", name="Closure requests").click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Support plan goals met")
    row.get_by_role("link", name="Decide").click()
    page.get_by_label("Approve: close the case").check()
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_role("status")).to_contain_text("The case is closed.")
    expect(page.locator(".case-facts")).to_contain_text("Closed")
    # A coordinator sees every case of the department, but not a sealed note without breaking the glass.
    expect(page.locator("main")).not_to_contain_text(note_text)
    expect(page.get_by_role("link", name="Break the glass to read sealed notes")).to_be_visible()

    page = lawyer_page  # the closed case is read-only for its team
    page.reload()
    expect(page.locator(".case-facts")).to_contain_text("Closed")
    expect(page.get_by_role("link", name="Write a note")).to_have_count(0)

    # -- The data protection officer: no case pages, but every access of the journey in the audit log. -----
    page = sign_in(*people["dpo"])
    assert status_of(page, f"{base}/staff/cases/{case.pk}/") == 404
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name=re.compile("^Data protection")).click()
    page.get_by_role("link", name="Audit log").click()
    page.locator("details.audit-filters > summary").click()  # folded away until some are set
    page.get_by_label("Case (reference or number)").fill(reference)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"\?case={case.pk}$"))
    rows = audit_rows(page)
    shown = {(who, action) for _when, who, action, *_rest in rows}
    # List pages that showed the case are found too; they name no single case of their own.
    listings = {action_label(code) for code in gdpr.LISTING_ACTIONS}
    assert {row[4] for row in rows if row[2] not in listings} == {reference}
    assert {row[6] for row in rows} == {"127.0.0.1"}  # from which address, on every record
    stored = gdpr.audit_search(user=dpo, filters=gdpr.AuditFilters(case=case.pk))
    assert len(rows) == stored.count()
    assert shown == {(who, action_label(code)) for who, code in stored.values_list("actor_name", "action")}
    expected = {
        boss: [
            "cases.case.opened",
            "cases.team.added",
            "cases.case.viewed",
            "cases.beneficiary.identity_viewed",
            "cases.case.closed",
        ],
        psychologist: ["cases.case.viewed", "cases.service.recorded", "cases.note.written"],
        lawyer: [
            "cases.case.viewed",
            "cases.consent.recorded",
            "cases.proceeding.recorded",
            "cases.case.closure_requested",
        ],
        social: [
            "cases.case.listed",
            "cases.case.viewed",
            "cases.referral.sent",
            "cases.referral.viewed",
            "cases.referral.packet_viewed",
        ],
    }
    missing = [
        (user.username, action)
        for user, actions in expected.items()
        for action in actions
        if (user.username, action_label(action)) not in shown
    ]
    assert not missing, missing
    # The DPO never opened the case: their only trace on it is the refusal of the one page they tried.
    assert {action for who, action in shown if who == dpo.username} == {
        action_label("cases.case.access_refused")
    }

    # The intake happened before there was a case: it is found by who did it.
    page.get_by_role("link", name="Clear").click()
    page.locator("details.audit-filters > summary").click()
    page.get_by_label("Who (username)").fill(boss.username)
    page.get_by_label("What was done").select_option(label="Anything done to beneficiaries' records")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"actor={boss.pk}(&|$)"))
    intake = {action for _when, _who, action, *_rest in audit_rows(page)}
    assert {
        "cases.beneficiary.searched",
        "cases.beneficiary.created",
        "cases.beneficiary.viewed",
    } <= {code for code, label in ACTION_LABELS.items() if str(label) in intake}
    # Nothing the people typed or saw reached the log: no name, number or note text in any record.
    details = json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)), ensure_ascii=False)
    for private in [*identity.values(), note_text]:
        assert private not in details

    # Lists ("My cases", "My work") are accesses too: one record per page shown, naming the cases on it.
    page.get_by_role("link", name="Clear").click()
    page.locator("details.audit-filters > summary").click()
    page.get_by_label("Who (username)").fill(social.username)
    page.get_by_label("What was done").select_option(label="Listed cases")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"actor={social.pk}(&|$)"))
    listed = [detail for *_rest, detail in audit_rows(page)]
    assert any(re.fullmatch(rf"Cases shown\s+{re.escape(case.reference)}", detail) for detail in listed), (
        listed
    )
