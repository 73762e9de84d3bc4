"""Every public and staff page of the demo on a 360 px phone: none scrolls sideways, and axe-core finds no
violation of any impact on any of them.

The URLs are read from the URL configuration, as the permission matrices read them: a page added later is
walked without anyone listing it here, and a URL that cannot be walked (a file, a form that only takes a
POST, an address that only redirects) must be in UNWALKABLE with its reason, or the test fails. Each page
is opened as the demo account that sees it (WHO), signed in with the second factor where the role needs
one, in one browser with one context per account. The demo's data is made once (demo_data_load and the
example grants, as `refugiu demo` makes them); one test walks everything so that it is made only once.
"""

import datetime as dt
import pathlib
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from refugiu.accounts.models import User
from refugiu.demo.finance import finance_demo_load
from refugiu.demo.management.commands.demo import demo_data_load
from tests.browser.phone import PHONE
from tests.factories import ServiceFactory
from tests.finance.factories import template
from tests.test_site_permission_matrix import MATRICES
from tests.url_patterns import named_urls, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

AXE = pathlib.Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# The URL configuration's namespaces with pages of ours, and allauth's sign-in pages (no namespace).
NAMESPACES = (*MATRICES, None)

# URLs that give no page to look at, each with its reason.
UNWALKABLE = {
    # Files.
    "cases:referral_packet_pdf": "a PDF file",
    "documents:download": "a file (the demo's cases hold no document)",
    "dpo:audit_export": "a CSV file",
    "dpo:subject_export_json": "a JSON file",
    "dpo:subject_export_pdf": "a PDF file",
    "finance:expense_document": "a file",
    "finance:statement_download": "a spreadsheet or PDF file",
    "finance:statement_run_download": "a file made in the background",
    "organisation:cover_photo": "an image (the demo has no cover photograph)",
    "organisation:logo": "an image",
    "organisation:security_txt": "a text file (RFC 9116)",
    "programmes:campaign_image": "an image",
    "programmes:certificate_pdf": "a PDF file",
    "programmes:event_photo": "an image",
    "programmes:event_calendar": "a calendar file (.ics)",
    "programmes:publication_file": "a file",
    "programmes_staff:certificate_pdf": "a PDF file",
    "programmes_staff:sign_in_sheet_pdf": "a PDF file",
    "programmes_statistics:export": "a spreadsheet",
    "reports:annual_download": "a PDF or spreadsheet file",
    "reports:funder_download": "a spreadsheet file",
    "reports:run_download": "a file made in the background",
    "reports:statistics_download": "a CSV or spreadsheet file",
    "None:mfa_download_recovery_codes": "a text file",
    "finance:ledger": "a CSV file",
    # Forms that only take a POST (a GET answers 405); their page is the one they are sent from.
    "cases:task_done": "POST only",
    "cases:consent_withdraw": "POST only",
    "directory:staff_verify": "POST only",
    "directory:staff_suggestion_review": "POST only",
    "directory:staff_change_review": "POST only",
    "directory:staff_representative_remove": "POST only",
    "directory:own_change_withdraw": "POST only",
    "finance:expense_decide": "POST only",
    "finance:expenses_convert": "POST only",
    "finance:statement_request": "POST only",
    "finance:statement_submit": "POST only",
    "finance:timesheet_approve": "POST only",
    "finance:timesheet_return": "POST only",
    "finance:timesheet_correct": "POST only",
    "finance:auditor_withdraw": "POST only",
    "programmes_staff:participant_cancel": "POST only",
    "programmes_staff:participant_confirm": "POST only",
    "programmes_staff:check_in_set": "POST only",
    "programmes_staff:check_in_scan": "POST only (the check-in screen sends the code it read or was typed)",
    "reports:run_request": "POST only",
    "tokens:revoke": "POST only",
    "tokens:create": "POST only (the form is on the list of tokens)",
    "cases:beneficiary_identity": "POST only (the button that shows a person's identity, audited)",
    "reports:annual_foreword": "POST only (the form is on the annual report's page)",
    "None:account_logout": "POST only (the header's button signs out)",
    "None:set_language": "POST only",
    # Pages that need what a demo does not hold: a link sent by e-mail, a sign-in half done, a passkey.
    "programmes:registration_cancel": "a signed link from a participant's e-mail",
    "programmes:evaluation": "a signed link from a participant's e-mail",
    "None:account_confirm_email": "a link from an e-mail (e-mail addresses are not verified here)",
    "None:account_reset_password_from_key": "a link from a password-reset e-mail",
    "None:account_confirm_login_code": "sign-in by code is turned off (redirects)",
    "None:account_confirm_reauthentication_code": "sign-in by code is turned off (redirects)",
    "None:account_request_reauthentication_code": "sign-in by code is turned off (redirects)",
    "None:mfa_authenticate": "only halfway through a sign-in (redirects otherwise)",
    "None:account_signup": "nobody can sign up (redirects)",
    "None:account_set_password": "staff have passwords (redirects to changing it)",
    "None:mfa_add_webauthn": "passkeys are turned off",
    "None:mfa_edit_webauthn": "passkeys are turned off",
    "None:mfa_list_webauthn": "passkeys are turned off",
    "None:mfa_remove_webauthn": "passkeys are turned off",
    "None:mfa_reauthenticate_webauthn": "passkeys are turned off",
    "None:mfa_generate_recovery_codes": "asks for the password again first (redirects)",
    "None:mfa_view_recovery_codes": "asks for the password again first (redirects)",
    "finance:expense_document_new": "redirects to the expense, whose page holds the upload form",
    "finance:rates_import": "redirects to the exchange rates, whose page holds the import form",
    "finance:statement_run": "a statement file made in the background: the demo has asked for none",
    "reports:run_detail": "a report made in the background: the demo has asked for none",
    "None:mfa_deactivate_totp": "asks for the password again first (redirects)",
    "None:mfa_activate_totp": "the demo account has its authenticator app already (redirects)",
}

# Who opens each URL: a demo account's username, or None for an anonymous visitor. Matched by the URL's
# full name first, then by its namespace.
WHO_BY_NAME = {
    "organisation:images": "admin",
    "directory:staff_stale": "editor",
    "directory:staff_suggestions": "editor",
    "directory:staff_changes": "editor",
    "directory:staff_representatives": "editor",
    "directory:staff_organization_representatives": "editor",
    "directory:own_list": "betania@example.org",
    "directory:own_organization": "betania@example.org",
    "directory:own_organization_edit": "betania@example.org",
    "directory:own_service_new": "betania@example.org",
    "directory:own_service_edit": "betania@example.org",
    "directory:own_organization_translate": "betania@example.org",
    "directory:own_service_translate": "betania@example.org",
    "reports:funder": "trainer",
    "reports:run_list": "trainer",
    "reports:run_detail": "trainer",
    "reports:statistics": "researcher",
    "finance:timesheet_mine": "timesheet",
    "finance:timesheet_month": "timesheet",
    "finance:timesheet_detail": "timesheet",
    "None:account_change_password": "coordinator",
    "None:account_email": "coordinator",
    "None:account_reauthenticate": "coordinator",
    "None:mfa_index": "coordinator",
    "None:mfa_reauthenticate": "coordinator",
}
WHO_BY_NAMESPACE = {
    # The asylum department's coordinator: the demo's one referral is in one of its cases.
    "cases": "coordinator2",
    "documents": "coordinator2",
    "tokens": "coordinator2",
    "dpo": "dpo",
    "programmes": None,
    "programmes_staff": "trainer",
    "programmes_statistics": "trainer",
    "reports": "coordinator",
    "finance": "finance",
    "directory": None,
    "organisation": None,
    "staff": "coordinator",
    "None": None,
}


def _who(name: str) -> str | None:
    return WHO_BY_NAME.get(name, WHO_BY_NAMESPACE[name.split(":")[0]])


def _url_arguments() -> dict:
    """A value for every parameter of the URLs walked, from the demo's data: records the walking account
    may see."""
    from refugiu.cases.models import Case, Proceeding, Referral
    from refugiu.directory.models import OrganizationRepresentative
    from refugiu.finance.models import Expense, Grant, TimesheetMonth
    from refugiu.programmes import services as programmes
    from refugiu.programmes.models import Event
    from refugiu.programmes.vocabularies import ParticipantStatus

    coordinator = User.objects.get(username=WHO_BY_NAMESPACE["cases"])
    # A case of the coordinator's department with a referral (the demo's cases hold one between them).
    case = (
        Case.objects.filter(department__in=coordinator.role_assignments.values("department"))
        .exclude(referrals=None)
        .order_by("pk")
        .first()
    )
    represented = OrganizationRepresentative.objects.get(user__username="betania@example.org").organization
    confirmed = ParticipantStatus.CONFIRMED
    event = Event.objects.exclude(days=None).filter(participants__status=confirmed).order_by("pk").first()
    participant = event.participants.filter(status=confirmed).order_by("pk").first()
    day = event.days.order_by("pk").first()
    # The demo took no attendance: one person checked in and given a certificate, for the certificate's page.
    trainer = User.objects.get(username=WHO_BY_NAMESPACE["programmes_staff"])
    programmes.attendance_check_in(actor=trainer, participant=participant, day=day)
    programmes.certificates_issue(actor=trainer, event=event)
    participant.refresh_from_db()
    grant = Grant.objects.order_by("pk").first()
    expense = Expense.objects.filter(grant=grant).order_by("pk").first()
    today = dt.date.today()
    return {
        "case_id": case.pk,
        "beneficiary_id": case.beneficiary_id,
        "referral_id": Referral.objects.filter(case=case).values_list("pk", flat=True).first(),
        "proceeding_id": Proceeding.objects.filter(case=case).values_list("pk", flat=True).first(),
        "organization_id": represented.pk,
        # The demo lists none of its services: one made up, for the pages of a service.
        "service_id": (
            represented.services.order_by("pk").first() or ServiceFactory(organization=represented)
        ).pk,
        "event_id": event.pk,
        "day_id": day.pk,
        "project_id": Event.objects.exclude(project=None).values_list("project", flat=True).first(),
        "code": participant.certificate_code,
        "grant_id": grant.pk,
        "expense_id": expense.pk,
        "number": 1,
        "sheet_id": TimesheetMonth.objects.filter(user__username="timesheet")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "year": today.year,
        "month": today.month,
    }


def _every_url() -> dict[str, frozenset]:
    return named_urls(NAMESPACES)


def test_every_url_is_walked_or_says_why_not():
    names = set(_every_url())
    assert set(UNWALKABLE) <= names, set(UNWALKABLE) - names
    assert set(WHO_BY_NAME) <= names, set(WHO_BY_NAME) - names


def _context(browser, live_server, username: str | None):
    # bypass_csp: axe-core goes in as an inline script, which the site's Content-Security-Policy refuses.
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, bypass_csp=True)
    context.set_default_timeout(15_000)
    if username is not None:
        client = Client()
        sign_in_as(client, User.objects.get(username=username))  # with a second factor where needed
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


# What the page reports: its width, the widest elements that make it so, and axe-core's violations.
MEASURE = """async (limit) => {
  const width = document.documentElement.scrollWidth;
  // What reaches past the screen, outside any box that scrolls (or clips) by itself.
  const inScroller = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
  const wide = width <= limit ? [] : [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1 && !inScroller(e))
    .slice(-4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' +
      Math.round(e.getBoundingClientRect().right));
  const found = await axe.run(document, {resultTypes: ['violations']});
  const violations = found.violations.map(v => v.id + ' (' + v.impact + '): ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
  return {width, wide, violations};
}"""


def test_every_page_fits_a_phone_and_passes_axe(browser, live_server):
    started = time.monotonic()
    demo_data_load()
    template()  # the cost templates the migrations load, emptied by the transactional tests before this one
    assert finance_demo_load()
    arguments = _url_arguments()
    made = time.monotonic()
    contexts: dict = {}
    overflowing, violations, broken = [], [], []
    walked = 0
    for name, parameters in sorted(_every_url().items()):
        if name in UNWALKABLE:
            continue
        who = _who(name)
        if who not in contexts:
            contexts[who] = _context(browser, live_server, who).new_page()
        page = contexts[who]
        url_name = name.removeprefix("None:")
        path = reverse(url_name, kwargs={key: arguments[key] for key in parameters})
        try:
            response = page.goto(live_server.url + path)
        except PlaywrightError as error:  # an answer without a page (a 405 with no body)
            broken.append(f"{name} {path} as {who}: {error.message.splitlines()[0]}")
            contexts[who] = page.context.new_page()  # the failed page would interrupt the next
            page.close()
            continue
        status = response.status if response else None
        if status != 200 or not page.url.startswith(live_server.url + path.split("?")[0]):
            broken.append(f"{name} {path} as {who}: status {status}, ended at {page.url}")
            continue
        page.add_script_tag(path=str(AXE))
        report = page.evaluate(MEASURE, PHONE["width"])
        walked += 1
        if report["width"] > PHONE["width"]:
            overflowing.append(f"{name} {path} as {who}: {report['width']} px ({', '.join(report['wide'])})")
        violations += [f"{name} {path} as {who}: {violation}" for violation in report["violations"]]
    for page in contexts.values():
        page.context.close()
    print(f"walked {walked} pages in {time.monotonic() - made:.0f} s (demo data {made - started:.0f} s)")
    problems = (
        [f"broken: {b}" for b in broken]
        + [f"wider than {PHONE['width']} px: {o}" for o in overflowing]
        + [f"axe: {v}" for v in violations]
    )
    assert not problems, "\n" + "\n".join(problems)
