"""Each report page offers to make its report in the background: the form on the page, as a person submits
it, gets the real report made by the real worker and downloaded by that person."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from refugiu.accounts.roles import Role
from refugiu.reports.models import ReportRun
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory
from tests.programmes.factories import EventFactory
from tests.reports.test_tasks import _run_worker


def _offer(page: str) -> dict:
    """The hidden fields and the first format of the page's "make it in the background" form."""
    form = re.search(r'<form method="post" action="[^"]+" class="background-offer">(.*?)</form>', page, re.S)
    assert form, "the page offers no background report"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))
    fields.pop("csrfmiddlewaretoken", None)
    fields["format"] = re.search(r'<option value="(\w+)"', form.group(1)).group(1)
    return {key: unescape(value) for key, value in fields.items()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "page", "query"),
    [
        (Role.PROGRAMME_STAFF, "reports:annual", {"year": 2031}),
        (Role.COORDINATOR, "reports:statistics", {}),
    ],
)
def test_a_report_asked_for_from_its_page_is_made_and_downloaded(client, role, page, query):
    EventFactory(days__start=datetime.date(2031, 3, 2), headcount=12)
    user = UserFactory(roles=[role])
    if role == Role.COORDINATOR:
        force_login_with_mfa(client, user)
    else:
        client.force_login(user)
    html = client.get(reverse(page), query).content.decode()
    response = client.post(reverse("reports:run_request"), _offer(html))
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    _run_worker()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.message
    download = client.get(reverse("reports:run_download", args=[run.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)
