"""The demo directory with the real Romanian institutions (demo/data/ro_institutions.json) loaded, searched
as a visitor would on the public search page: the institution comes first, and its page gives its e-mail."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_directory():
    from refugiu.demo.directory import directory_demo_load

    seed, institutions = directory_demo_load()
    assert institutions.organizations.created == 566
    return seed, institutions


def first_hit(client, query: str) -> dict:
    response = client.get(reverse("directory:search"), {"q": query})
    assert response.status_code == 200
    hits = response.context["hits"]
    assert hits, query
    assert hits[0]["name"] in response.content.decode()
    return hits[0]


@pytest.mark.parametrize(
    ("query", "name", "email"),
    [
        ("judecatoria sectorului 1", "Judecătoria Sectorului 1 București", "jud-sector1@just.ro"),
        ("politia cluj", "Inspectoratul de Poliție Județean Cluj", "cabinet@cj.politiaromana.ro"),
        ("Poliția Sectorului 3", "Poliția Sectorului 3", "sesizari.sector3@b.politiaromana.ro"),
        (
            "dgaspc iasi",
            "Direcția Generală de Asistență Socială și Protecția Copilului Iași",
            "office.dgaspcis@dasiasi.ro",
        ),
    ],
)
def test_a_visitor_finds_the_real_institution_and_its_email(client, demo_directory, query, name, email):
    hit = first_hit(client, query)
    assert hit["name"] == name
    page = client.get(hit["url"]).content.decode()
    assert f'href="mailto:{email}"' in page
    assert re.search(r"<h1[^>]*>\s*" + re.escape(name), page)  # (lang="ro" on an English page)


def test_the_institution_type_filter_finds_them_with_the_seeds_bodies(client, demo_directory):
    from refugiu.directory.search import directory_search

    police = directory_search(filters={"institution_type": "police"}, limit=1000)
    assert police.total == 1 + 48 + 1  # the seed's Romanian Police, the county and Bucharest police, IGPR
    courts = directory_search(filters={"institution_type": "court"}, limit=1000)
    assert courts.total == 176
