"""The public partners and campaigns pages, from the seed's 2019 demo data, and the files behind
publications and campaign messages."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from refugiu.demo.programmes import demo_programmes_data, programmes_demo_load
from tests.factories import OrganizationFactory

D = datetime.date


@pytest.fixture
def loaded(db):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.organisation import organisation_demo_load

    organisation_demo_load()
    directory_demo_load()
    assert programmes_demo_load() is True


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, url)
    return len(captured)


def body(response) -> bytes:
    """The whole streamed file. Reading it to the end closes the file (and the test client's request)."""
    return b"".join(response.streaming_content)


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- partners and networks -------------------------------------------------------------------------------


def test_partners_page_lists_the_24_partners_by_scope(client, loaded):
    from refugiu.programmes.models import Partnership

    html = page(client, reverse("programmes:partners"))
    partners = demo_programmes_data()["partners"]
    assert len(partners["international"]) == 13 and len(partners["national"]) == 11
    international, national = html.split("International partners", 1)[1].split("National partners", 1)
    for name in partners["international"]:
        assert escape(name) in international, name
    for name in partners["national"]:
        assert escape(name) in national.split('id="networks"', 1)[0], name
    # In the report's order within each scope.
    positions = [international.index(escape(name)) for name in partners["international"]]
    assert positions == sorted(positions)
    # Each partner links to its directory page when that page is published.
    for partnership in Partnership.objects.select_related("organization"):
        link = f'href="{reverse("directory:organization", args=[partnership.organization.pk])}"'
        assert (link in html) == partnership.organization.is_published


def test_partners_page_lists_both_networks_with_their_members(client, loaded):
    from refugiu.programmes.models import Network

    html = page(client, reverse("programmes:partners"))
    networks = html.split('id="networks"', 1)[1]
    assert Network.objects.count() == 2
    for network in Network.objects.select_related("organization"):
        assert escape(network.organization.name) in networks
        for membership in network.memberships.select_related("member"):
            assert escape(membership.member.name) in networks
    assert "Pro Refugiu Association" in networks


def test_partners_page_shows_protocols_and_membership_dates_as_precisely_as_known(client, loaded):
    from refugiu.programmes.models import CollaborationProtocol, NetworkMembership, Partnership

    partner = (
        Partnership.objects.select_related("organization")
        .get(organization__name="Bucharest Bar")
        .organization
    )
    CollaborationProtocol.objects.create(
        partner=partner,
        signed_on=D(2019, 6, 1),
        signed_on_precision="month",
        objectives="Free legal aid for victims of trafficking",
    )
    stranger = OrganizationFactory(name="Fictional Helpers Foundation", is_published=False)
    CollaborationProtocol.objects.create(partner=stranger, objectives="Joint trainings for mediators")
    NetworkMembership.objects.filter(pk=NetworkMembership.objects.order_by("pk").first().pk).update(
        since=D(2017, 1, 1), since_precision="year"
    )
    NetworkMembership.objects.filter(pk=NetworkMembership.objects.order_by("pk").last().pk).update(
        since=D(2016, 3, 1), since_precision="month", until=D(2019, 6, 5), until_precision="day"
    )

    html = page(client, reverse("programmes:partners"))
    bar = html.split("Bucharest Bar", 1)[1].split("</li>\n", 2)
    assert "signed June 2019: Free legal aid for victims of trafficking" in "".join(bar[:2])
    other = html.split("Other collaboration protocols", 1)[1]
    assert "Fictional Helpers Foundation" in other and "Joint trainings for mediators" in other
    assert "date of signature not recorded" in other
    # An unpublished directory entry is named, never linked.
    assert reverse("directory:organization", args=[stranger.pk]) not in html
    assert "(member since 2017)" in html
    assert "(March 2016 – 5 June 2019)" in html


def test_partners_page_uses_a_constant_number_of_queries(client, loaded):
    from refugiu.programmes.models import (
        CollaborationProtocol,
        Network,
        NetworkMembership,
        Partnership,
    )

    url = reverse("programmes:partners")
    page(client, url)
    before = queries(client, url)
    for i in range(3):
        organization = OrganizationFactory()
        Partnership.objects.create(organization=organization, scope="national", order=20 + i)
        CollaborationProtocol.objects.create(
            partner=organization, signed_on=D(2020, 1, 1 + i), signed_on_precision="day"
        )
        network = Network.objects.create(organization=OrganizationFactory())
        for _member in range(2):
            NetworkMembership.objects.create(network=network, member=OrganizationFactory())
    html = page(client, url)
    assert html.count("signed 1 January 2020") == 1
    assert queries(client, url) == before


# --- campaigns -------------------------------------------------------------------------------------------


def test_campaigns_page_shows_the_demo_campaign_and_its_messages(client, loaded):
    from refugiu.programmes.models import Campaign

    html = page(client, reverse("programmes:campaigns"))
    campaign = Campaign.objects.get()
    assert escape(campaign.title) in html
    assert escape(campaign.description) in html
    assert "Bulgaria, Germany, Greece, Italy, Romania" in html
    assert "<dt>Period</dt><dd>2019</dd>" in html
    assert "<dt>Channel</dt><dd>Facebook</dd>" in html
    assert f'href="{reverse("programmes:project", args=[campaign.project_id])}"' in html
    messages = list(campaign.messages.all())
    assert len(messages) == 4
    for message in messages:
        for line in message.text.splitlines():
            assert escape(line) in html, line
        assert f'href="{message.link}"' in html
    assert html.count("<dt>Channel</dt><dd>Facebook</dd>") == 1 + 4  # the campaign's, then each message's
    assert "<img" not in html  # the report's messages have no images


def test_campaigns_page_hides_unpublished_campaigns_and_projects(client, loaded):
    from refugiu.programmes.models import Campaign, Project

    campaign = Campaign.objects.get()
    Project.objects.filter(pk=campaign.project_id).update(is_published=False)
    html = page(client, reverse("programmes:campaigns"))
    assert escape(campaign.title) in html
    assert reverse("programmes:project", args=[campaign.project_id]) not in html
    Campaign.objects.update(is_published=False)
    html = page(client, reverse("programmes:campaigns"))
    assert escape(campaign.title) not in html
    assert "No awareness campaigns have been published yet." in html


def test_campaigns_page_uses_a_constant_number_of_queries(client, loaded):
    from refugiu.programmes.models import Campaign, CampaignMessage, Project

    url = reverse("programmes:campaigns")
    page(client, url)
    before = queries(client, url)
    for i in range(3):
        project = Project.objects.create(title=f"Counted project {i}")
        campaign = Campaign.objects.create(
            title=f"Counted campaign {i}", project=project, channel="Radio", target_countries=["BG", "RO"]
        )
        for j in range(2):
            CampaignMessage.objects.create(campaign=campaign, text=f"Counted message {i}.{j}", order=j)
    html = page(client, url)
    assert html.count("Counted message") == 6
    assert queries(client, url) == before


@pytest.mark.parametrize("name", ["programmes:partners", "programmes:campaigns"])
def test_pages_render_in_romanian(client, loaded, name):
    html = page(client, reverse(name), HTTP_ACCEPT_LANGUAGE="ro")
    assert 'lang="ro"' in html


def test_project_list_links_to_partners_and_campaigns(client, loaded):
    html = page(client, reverse("programmes:projects"))
    assert f'href="{reverse("programmes:partners")}"' in html
    assert f'href="{reverse("programmes:campaigns")}"' in html


# --- campaign images ---------------------------------------------------------------------------------------


def test_campaign_image_is_shown_inline_with_its_description(client, loaded, media):
    from refugiu.programmes.models import Campaign, CampaignMessage

    message = CampaignMessage.objects.order_by("pk").first()
    message.image.save("poster.png", ContentFile(png_bytes()), save=False)
    message.image_description = "A phone screen showing a friend request from a stranger"
    message.save()
    assert (media / message.image.name).is_file()

    html = page(client, reverse("programmes:campaigns"))
    url = reverse("programmes:campaign_image", args=[message.pk])
    assert f'<img src="{url}" alt="A phone screen showing a friend request from a stranger"' in html

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == png_bytes()

    Campaign.objects.update(is_published=False)
    assert client.get(url).status_code == 404


def test_campaign_image_404_without_an_image_or_a_file(client, loaded, media):
    from refugiu.programmes.models import CampaignMessage

    message = CampaignMessage.objects.order_by("pk").first()
    url = reverse("programmes:campaign_image", args=[message.pk])
    assert client.get(url).status_code == 404  # no image
    CampaignMessage.objects.filter(pk=message.pk).update(image="campaigns/gone.png")
    assert client.get(url).status_code == 404  # recorded, but not on the disk
    assert client.get(reverse("programmes:campaign_image", args=[999999])).status_code == 404


def test_an_image_that_could_run_scripts_is_never_shown_inline(client, loaded, media):
    from refugiu.programmes.models import CampaignMessage

    message = CampaignMessage.objects.order_by("pk").first()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    message.image.save("poster.svg", ContentFile(svg), save=True)
    response = client.get(reverse("programmes:campaign_image", args=[message.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert body(response) == svg


# --- publication files ------------------------------------------------------------------------------------


def test_publication_file_downloads_as_an_attachment(client, loaded, media):
    from refugiu.programmes.models import Publication

    publication = Publication.objects.order_by("pk").first()
    content = b"%PDF-1.4\n% a tiny test file\n"
    publication.file = SimpleUploadedFile("study-2019.pdf", content, content_type="application/pdf")
    publication.save()
    assert (media / "publications" / "study-2019.pdf").read_bytes() == content

    url = reverse("programmes:publication_file", args=[publication.pk])
    html = page(client, reverse("programmes:publications"))
    assert f'href="{url}"' in html
    assert html.count("Download the file") == 1

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="study-2019.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == content


def test_publication_file_404_when_unpublished_or_missing(client, loaded, media):
    from refugiu.programmes.models import Publication

    publication = Publication.objects.order_by("pk").first()
    url = reverse("programmes:publication_file", args=[publication.pk])
    assert client.get(url).status_code == 404  # no file
    publication.file = SimpleUploadedFile("figures.csv", b"profession,count\njudge,12\n")
    publication.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'
    assert body(response) == b"profession,count\njudge,12\n"

    Publication.objects.filter(pk=publication.pk).update(is_published=False)
    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in page(client, reverse("programmes:publications"))

    Publication.objects.filter(pk=publication.pk).update(is_published=True, file="publications/gone.pdf")
    assert client.get(url).status_code == 404
    assert client.get(reverse("programmes:publication_file", args=[999999])).status_code == 404
