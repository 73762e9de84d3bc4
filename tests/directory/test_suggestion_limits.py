"""Abuse limits on the directory's correction suggestions (core.ratelimit), through real HTTP requests:
per address an hour and per contact e-mail address a day, refused with status 429, the text kept and
nothing saved. (The honeypot and the per-address limit's first test are in test_views.py.)"""

import pytest
from django.test import Client
from django.urls import reverse

from refugiu.directory.models import Suggestion
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

REFUSED = "Too many suggestions have been sent from your connection or with this e-mail address."


@pytest.fixture
def suggest_url():
    return reverse("directory:suggest", args=[OrganizationFactory().id])


def test_one_address_sends_only_so_many_suggestions_an_hour(suggest_url, settings):
    settings.REFUGIU = {**settings.REFUGIU, "SUGGESTIONS_PER_HOUR": 2}
    client = Client()
    for number in range(2):
        response = client.post(suggest_url, {"text": f"Phone changed {number}"}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302
    response = client.post(suggest_url, {"text": "Opening hours are wrong"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert REFUSED in html and "Opening hours are wrong" in html
    assert Suggestion.objects.count() == 2

    response = Client().post(suggest_url, {"text": "Opening hours are wrong"}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    assert Suggestion.objects.count() == 3


def test_one_contact_e_mail_address_sends_only_so_many_a_day_from_anywhere(suggest_url, settings):
    settings.REFUGIU = {**settings.REFUGIU, "SUGGESTIONS_PER_EMAIL_PER_DAY": 2}
    email = "volunteer@example.org"
    for number, typed in enumerate([email, "Volunteer@Example.org"]):
        data = {"text": "The address moved", "contact_email": typed}
        assert Client().post(suggest_url, data, REMOTE_ADDR=f"192.0.2.{number + 1}").status_code == 302
    data = {"text": "The address moved again", "contact_email": email}
    response = Client().post(suggest_url, data, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429 and REFUSED in response.content.decode()
    assert f'value="{email}"' in response.content.decode()
    assert Suggestion.objects.count() == 2

    # From that same address: another contact address, or none, goes through.
    for contact in ("someone.else@example.org", ""):
        data = {"text": "The phone is wrong", "contact_email": contact}
        assert Client().post(suggest_url, data, REMOTE_ADDR="192.0.2.50").status_code == 302
    assert Suggestion.objects.count() == 4
