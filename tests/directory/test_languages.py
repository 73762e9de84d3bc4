"""An entry in several languages: kept by editors in the admin without JSON, served by the HSDS API in the
language asked for (`?lang=`, Accept-Language) with a fallback to the record's own, shown on the public
page in the visitor's language, found by search in any of them and in any script, and carried through
import and export."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from refugiu.accounts.roles import Role
from refugiu.directory import models as d
from refugiu.directory.api.languages import record_in_languages
from refugiu.directory.hsds.export import hsds_export_path
from refugiu.directory.hsds.importer import hsds_import_organizations, hsds_import_path
from refugiu.directory.search import directory_search, search_reindex_organizations
from refugiu.directory.translations import language_name
from refugiu.directory.transliteration import ukrainian_latin
from tests.conftest import needs_shared_hsds
from tests.directory.test_api import (
    LISTS,
    _detail_urls,
    assert_no_secret,
    assert_valid,
    body,
    directory_build,
    records,
)
from tests.directory.test_roundtrip import directory_clear
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
    attach_term,
)

pytestmark = pytest.mark.django_db

API = "/api/hsds"
UK_NAME = "Юридичні консультації для постраждалих від торгівлі людьми"
UK_ELIGIBILITY = "Постраждалі від торгівлі людьми."
UK_HOW = "Зателефонуйте до офісу або напишіть нам."


@pytest.fixture
def entry() -> d.Organization:
    """A Romanian organisation: described in Ukrainian and English, named in English only; a service fully
    in Ukrainian and named in Russian; another service in Romanian only."""
    organization = OrganizationFactory(
        name="Asociația Sprijin",
        description="Ajutăm victimele traficului de persoane.",
        language="ro",
        translations={
            "en": {"name": "Support Association", "description": "We help victims of trafficking."},
            "uk": {"description": "Ми допомагаємо постраждалим від торгівлі людьми."},
        },
    )
    service = ServiceFactory(
        organization=organization,
        name="Consiliere juridică pentru victimele traficului",
        description="Avocații consiliază victimele.",
        eligibility_description="Victimele traficului de persoane.",
        application_process="Sunați la birou sau scrieți-ne.",
        language="ro",
        translations={
            "uk": {
                "name": UK_NAME,
                "description": "Юристи консультують постраждалих.",
                "eligibility_description": UK_ELIGIBILITY,
                "application_process": UK_HOW,
            },
            "ru": {"name": "Юридические консультации для пострадавших"},
        },
    )
    attach_term(service, "service_type", "legal_counselling")
    office = LocationFactory(organization=organization, name="Birou", language="ro")
    ServiceAtLocationFactory(service=service, location=office)
    ServiceFactory(organization=organization, name="Adăpost", description="Camere sigure.", language="ro")
    search_reindex_organizations()
    return organization


def service_of(entry: d.Organization, name_start: str) -> d.Service:
    return entry.services.get(name__startswith=name_start)


# --- the API --------------------------------------------------------------------------------------------


def test_lang_gives_the_translation_and_keeps_every_text(client, entry):
    service = service_of(entry, "Consiliere")
    plain = client.get(f"{API}/services/{service.id}").json()
    response = client.get(f"{API}/services/{service.id}", {"lang": "uk"})
    assert response.status_code == 200
    assert response["Content-Language"] == "uk"
    given = response.json()
    assert given["name"] == UK_NAME
    assert given["eligibility_description"] == UK_ELIGIBILITY
    assert given["application_process"] == UK_HOW
    assert given["language"] == "uk"
    # The record's own text is there too, under its own language; the Ukrainian is no longer repeated.
    assert given["translations"]["ro"] == {
        field: plain[field]
        for field in ("name", "description", "application_process", "eligibility_description")
    }
    assert set(given["translations"]) == {"ro", "ru"}
    # Everything else is the same.
    changed = {"name", "description", "eligibility_description", "application_process", "language"}
    assert {k: v for k, v in given.items() if k not in {*changed, "translations", "organization"}} == {
        k: v for k, v in plain.items() if k not in {*changed, "translations", "organization"}
    }
    # The organisation nested in it is in Ukrainian where it has Ukrainian: its description, not its name.
    organization = given["organization"]
    assert organization["description"] == "Ми допомагаємо постраждалим від торгівлі людьми."
    assert organization["name"] == "Asociația Sprijin" and organization["language"] == "uk"


def test_accept_language_chooses_in_its_order_and_the_response_varies_by_it(client, entry):
    service = service_of(entry, "Consiliere")
    url = f"{API}/services/{service.id}"
    by_header = client.get(url, HTTP_ACCEPT_LANGUAGE="uk-UA,uk;q=0.9,en;q=0.5")
    assert by_header.json() == client.get(url, {"lang": "uk"}).json()
    assert by_header["Content-Language"] == "uk"
    assert "Accept-Language" in by_header["Vary"]
    # Farsi first, which the record lacks: Russian, the next the visitor reads.
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa, ru;q=0.8, uk;q=0.5").json()
    assert russian["name"] == "Юридические консультации для пострадавших"
    assert russian["language"] == "ru"
    assert russian["description"] == "Avocații consiliază victimele."  # no Russian: its own text
    # `lang` wins over the header.
    assert client.get(url, {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="uk").json()["language"] == "ru"


def test_a_language_the_record_lacks_or_its_own_gives_it_as_kept(client, entry):
    service = service_of(entry, "Adăpost")
    url = f"{API}/services/{service.id}"
    plain = client.get(url)
    for asked in ({"lang": "fa"}, {"lang": "ro"}):
        response = client.get(url, asked)
        assert response.content == plain.content
        assert response["Content-Language"] == "ro"  # what it is in: its own language
    header = client.get(url, HTTP_ACCEPT_LANGUAGE="ro")
    assert header.content == plain.content and header["Content-Language"] == "ro"


def test_without_lang_or_a_header_naming_a_language_nothing_changes(client, entry):
    service = service_of(entry, "Consiliere")
    url = f"{API}/services/{service.id}"
    plain = client.get(url)
    assert plain.json()["name"] == service.name and plain.json()["translations"] == service.translations
    for header in ("*", "x-klingon", ""):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=header).content == plain.content
    assert client.get(url, {"lang": ""}).content == plain.content


def test_a_bad_lang_answers_400_naming_it_and_a_region_is_read_as_its_language(client, entry):
    response = client.get(f"{API}/services", {"lang": "klingon"})
    assert response.status_code == 400
    assert "lang" in response.content.decode()
    assert client.get(f"{API}/services", {"lang": "uk-UA"}).json() == (
        client.get(f"{API}/services", {"lang": "uk"}).json()
    )


@pytest.mark.parametrize("endpoint", ["/services", "/organizations", "/service_at_locations"])
@pytest.mark.parametrize("full", [False, True])
def test_lists_and_ndjson_are_given_in_the_language_too(client, entry, endpoint, full):
    query = {"lang": "uk", **({"full": "true"} if full else {})}
    page = client.get(API + endpoint, query)
    contents = page.json()["contents"]
    text = json.dumps(contents, ensure_ascii=False)
    assert UK_NAME in text or "Ми допомагаємо" in text
    streamed = client.get(API + endpoint, {**query, "format": "ndjson"})
    lines = body(streamed)
    assert [json.loads(line) for line in lines.splitlines()] == contents
    # The page names the languages its records are in, those asked for first; the stream the one asked.
    languages = [record.get("language") or record["service"]["language"] for record in contents]
    assert page["Content-Language"].split(", ")[0] == "uk"
    assert set(page["Content-Language"].split(", ")) == set(languages)
    assert streamed["Content-Language"] == "uk"
    by_header = client.get(
        API + endpoint, {**query, "format": "ndjson", "lang": ""}, HTTP_ACCEPT_LANGUAGE="uk"
    )
    assert body(by_header) == lines and "Accept-Language" in by_header["Vary"]


def test_a_page_in_a_language_is_as_long_as_one_without(client, entry):
    plain = client.get(f"{API}/services", {"full": "true"}).json()
    given = client.get(f"{API}/services", {"full": "true", "lang": "uk"}).json()
    assert [s["id"] for s in given["contents"]] == [s["id"] for s in plain["contents"]]
    assert {k: v for k, v in given.items() if k != "contents"} == {
        k: v for k, v in plain.items() if k != "contents"
    }


def test_taxonomy_terms_are_given_in_the_language(client, entry):
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="legal_counselling")
    term.translations = {**term.translations, "uk": {"name": "Юридичне консультування"}}
    term.save()
    response = client.get(f"{API}/taxonomy_terms/{term.id}", {"lang": "uk"})
    assert response.json()["name"] == "Юридичне консультування"
    assert response["Content-Language"] == "uk"
    service = client.get(f"{API}/services/{service_of(entry, 'Consiliere').id}", {"lang": "uk"}).json()
    assert service["attributes"][0]["taxonomy_term"]["name"] == "Юридичне консультування"


def texts_by_language(record: d.Translatable) -> dict[tuple[str, str], str]:
    """Every text a record holds, by (language, field)."""
    texts = {(record.language, field): getattr(record, field) for field in record.translated_fields}
    for language, translated in record.translations.items():
        texts |= {(language, field): text for field, text in translated.items()}
    return {key: text for key, text in texts.items() if text}


def test_a_response_in_a_language_still_holds_every_text(client, entry):
    """Imported, the organisation given in Ukrainian is a record in Ukrainian that holds every text it
    held, each under its language; what it had no Ukrainian for is its Romanian text, now its fallback."""
    records_of = lambda organization: [organization, *organization.services.order_by("id")]  # noqa: E731
    before = [texts_by_language(record) for record in records_of(entry)]
    given = client.get(f"{API}/organizations/{entry.id}", {"lang": "uk"}).json()
    hsds_import_organizations([given])
    entry.refresh_from_db()
    assert entry.language == "uk" and entry.description == "Ми допомагаємо постраждалим від торгівлі людьми."
    after = [texts_by_language(record) for record in records_of(entry)]
    for held, holds in zip(before, after, strict=True):
        assert held.items() <= holds.items()
        for (language, field), text in holds.items() - held.items():
            assert language == "uk" and text == held[("ro", field)]


def test_record_in_languages_follows_the_preference_and_leaves_records_without_text_alone():
    record = {
        "id": "x",
        "name": "Nume",
        "description": "",
        "language": "ro",
        "translations": {"uk": {"name": "Назва", "title": "not ours"}, "en": {"description": ""}},
        "phones": [{"id": "p", "description": "Centrală"}],
    }
    assert record_in_languages(record, ("en", "uk")) == "uk"  # English has no text: Ukrainian
    assert record == {
        "id": "x",
        "name": "Назва",
        "description": "",
        "language": "uk",
        "translations": {"en": {"description": ""}, "ro": {"name": "Nume"}},
        "phones": [{"id": "p", "description": "Centrală"}],
    }
    unknown = {"name": "Name", "translations": {"uk": {"name": "Назва"}}}
    assert record_in_languages(unknown, ("uk",)) == "uk" and unknown == {"name": "Назва", "language": "uk"}


@needs_shared_hsds
@pytest.mark.parametrize(("path", "schema"), LISTS)
def test_every_list_in_a_language_is_valid_hsds_and_keeps_shelters_confidential(client, path, schema):
    """The shelter has an English translation of its secret description: it never shows."""
    directory_build()
    separator = "&" if "?" in path else "?"
    for url in (f"{API}{path}{separator}lang=en", f"{API}{path}{separator}lang=en&format=ndjson"):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_secret(body(response))
        for record in records(response):
            assert_valid(schema, record)


@needs_shared_hsds
def test_every_detail_in_a_language_is_valid_hsds_and_keeps_shelters_confidential(client):
    directory = directory_build()
    organization = client.get(f"{API}/organizations/{directory.organization.id}", {"lang": "en"}).json()
    assert organization["name"] == "Support Association" and organization["language"] == "en"
    for url, schema in _detail_urls(directory):
        response = client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="uk")
        assert response.status_code == 200, url
        assert_valid(schema, response.json())
        assert_no_secret(body(response))


# --- the public page ------------------------------------------------------------------------------------


@pytest.fixture
def ukrainian_site(settings):
    """Ukrainian among the site's languages (the UI's own catalogue may not be there yet)."""
    if "uk" not in [code for code, _ in settings.LANGUAGES]:
        settings.LANGUAGES = [*settings.LANGUAGES, ("uk", "Ukrainian")]


def shown_in(note: str) -> str:
    """A note of the page in Ukrainian for a Romanian record: Romanian is named as Django names it in
    Ukrainian; the sentence is the catalogue's (English until it has a Ukrainian one)."""
    with translation.override("uk"):
        return escape(gettext(note) % {"language": language_name("ro")})


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_reads_the_entry_in_ukrainian(client, entry, ukrainian_site):
    page = page_text(
        client.get(reverse("directory:organization", args=[entry.id]), HTTP_ACCEPT_LANGUAGE="uk")
    )
    assert "Ми допомагаємо постраждалим від торгівлі людьми." in page
    assert f"<h3>{UK_NAME}</h3>" in page
    assert UK_ELIGIBILITY in page and UK_HOW in page
    # Its name has no Ukrainian form: shown as it is, marked as Romanian, with no note for a name alone.
    assert '<h1 lang="ro">Asociația Sprijin</h1>' in page
    # The shelter has nothing in Ukrainian: shown in Romanian, marked so, and said so.
    assert '<h3 lang="ro">Adăpost</h3>' in page and '<p lang="ro">Camere sigure.</p>' in page
    assert page.count('class="language-note"') == 1
    assert shown_in("Not translated into your language yet: shown in %(language)s.") in page


def test_a_partly_translated_entry_says_so(client, entry, ukrainian_site):
    service = service_of(entry, "Consiliere")
    service.translations = {"uk": {"name": UK_NAME, "description": "Юристи консультують постраждалих."}}
    service.save()
    page = page_text(
        client.get(reverse("directory:organization", args=[entry.id]), HTTP_ACCEPT_LANGUAGE="uk")
    )
    assert '<dd lang="ro">Victimele traficului de persoane.</dd>' in page
    assert (
        shown_in("Not all of it is translated into your language yet: the rest is shown in %(language)s.")
        in page
    )


def test_in_the_records_own_language_there_is_nothing_to_say(client, entry):
    page = page_text(
        client.get(reverse("directory:organization", args=[entry.id]), HTTP_ACCEPT_LANGUAGE="ro")
    )
    assert "<h1>Asociația Sprijin</h1>" in page
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert "language-note" not in article and ' lang="' not in article


def test_the_referral_sheet_is_in_the_visitors_language_too(client, entry):
    page = page_text(
        client.get(reverse("directory:referral_sheet", args=[entry.id]), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "<h1>Support Association</h1>" in page and "We help victims of trafficking." in page


# --- search ---------------------------------------------------------------------------------------------


def test_search_finds_a_translation_in_its_script_and_in_latin_letters(client, entry):
    service = ("service", str(service_of(entry, "Consiliere").id))
    for query in ("юридичні консультації", "торгівлі", "yurydychni konsultatsii", "torhivli", "iuridichni"):
        assert service in directory_search(query=query).hits, query
    assert directory_search(query="юридические").hits[0] == service  # the Russian name
    found = client.get(f"{API}/services", {"search": "yurydychni", "lang": "uk"}).json()["contents"]
    assert [s["name"] for s in found] == [UK_NAME]
    page = page_text(client.get(reverse("directory:search"), {"q": "торгівлі"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Consiliere juridică pentru victimele traficului" in page


def test_ukrainian_romanisation_is_the_national_one():
    # The examples of the Cabinet of Ministers' resolution 55 of 2010.
    examples = {
        "Алушта": "alushta", "Згурський": "zghurskyi", "Їжакевич": "yizhakevych", "Київ": "kyiv",
        "Йосипівка": "yosypivka", "Стрий": "stryi", "Юрій": "yurii", "Крюківка": "kriukivka",
        "Яготин": "yahotyn", "Костянтин": "kostiantyn", "Знам'янка": "znamianka", "Гадяч": "hadiach",
        "Єнакієве": "yenakiieve", "Щербухи": "shcherbukhy", "Ґорґани": "gorgany", "Пиріжки": "pyrizhky",
    }  # fmt: skip
    assert {word: ukrainian_latin(word) for word in examples} == examples


# --- editing in the admin -------------------------------------------------------------------------------


class FormValues(HTMLParser):
    """What a browser would send of the forms of a page, as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.values[name] = attributes.get("value") or "on"
            elif kind not in ("submit", "button", "image", "file"):
                self.values[name] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select] = attributes.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(response) -> dict[str, str]:
    parser = FormValues()
    parser.feed(page_text(response))
    return parser.values


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True))
    return client


def test_an_editor_adds_edits_and_removes_a_translation_without_json(
    editor, entry, django_capture_on_commit_callbacks
):
    service = service_of(entry, "Adăpost")
    url = f"/admin/directory/service/{service.id}/change/"
    page = editor.get(url)
    values = form_values(page)
    assert "translations" not in values  # no JSON to edit
    # A group per language of the site but the record's own (Romanian), one to add another.
    assert {
        "translation_en_name",
        "translation_en_eligibility_description",
        "translation_uk_name",
        "translation_ru_name",
        "translation_ar_name",
        "translation_new_language",
    } <= set(values)
    assert "translation_ro_name" not in values
    assert 'lang="en"' in page_text(page)

    values |= {
        "translation_uk_name": "Притулок",
        "translation_uk_eligibility_description": "Жінки, які постраждали від насильства.",
        "translation_en_description": "Safe rooms.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, values).status_code == 302
    service.refresh_from_db()
    assert service.translations == {
        "en": {"description": "Safe rooms."},
        "uk": {"name": "Притулок", "eligibility_description": "Жінки, які постраждали від насильства."},
    }
    assert ("service", str(service.id)) in directory_search(query="притулок").hits
    assert ("service", str(service.id)) in directory_search(query="prytulok").hits

    values = form_values(editor.get(url))  # Ukrainian's group now holds it
    assert values["translation_uk_name"] == "Притулок" and values["translation_new_language"] == ""
    values |= {"translation_uk_name": "Притулок для жінок", "translation_en_description": ""}
    assert editor.post(url, values).status_code == 302
    service.refresh_from_db()
    assert service.translations == {
        "uk": {
            "name": "Притулок для жінок",
            "eligibility_description": "Жінки, які постраждали від насильства.",
        }
    }

    values = form_values(editor.get(url))
    values |= {"translation_uk_name": "", "translation_uk_eligibility_description": ""}
    assert editor.post(url, values).status_code == 302
    service.refresh_from_db()
    assert service.translations == {}


def test_the_admin_keeps_what_it_does_not_show_and_refuses_what_makes_no_sense(editor, entry):
    organization = entry
    organization.translations = {**organization.translations, "uk": {"description": "Опис", "motto": "kept"}}
    organization.save()
    url = f"/admin/directory/organization/{organization.id}/change/"
    values = form_values(editor.get(url))
    assert values["language"] == "ro"
    assert values["translation_uk_description"] == "Опис"
    for mistake, error in (
        ({"translation_new_name": "Nom"}, "Choose the language of the new translation."),
        ({"translation_new_language": "uk", "translation_new_name": "Назва"}, "already has a place for"),
        ({"translation_new_language": "fr"}, "Write at least one text in the new language"),
        ({"language": "en"}, "also of one of its translations"),
        ({"language": ""}, "Say which language the record"),
        ({"translation_new_language": "xx", "translation_new_name": "X"}, "Select a valid choice"),
    ):
        response = editor.post(url, {**values, **mistake})
        assert response.status_code == 200, mistake
        assert error in page_text(response), mistake
    assert d.Organization.objects.get(id=organization.id).translations == organization.translations
    values |= {"translation_new_language": "fr", "translation_new_description": "Nous aidons."}
    assert editor.post(url, values).status_code == 302
    organization.refresh_from_db()
    assert organization.translations["uk"] == {"description": "Опис", "motto": "kept"}
    assert organization.translations["fr"] == {"description": "Nous aidons."}


def test_taxonomy_terms_and_locations_are_translated_the_same_way(editor):
    term = d.TaxonomyTerm.objects.get(taxonomy_ref__slug="service_type", code="legal_counselling")
    url = f"/admin/directory/taxonomyterm/{term.id}/change/"
    values = form_values(editor.get(url))
    values |= {"translation_uk_name": "Юридичне консультування"}
    values |= {"translation_new_language": "fa", "translation_new_name": "مشاوره حقوقی"}
    assert editor.post(url, values).status_code == 302
    term.refresh_from_db()
    assert term.translations["uk"] == {"name": "Юридичне консультування"}
    assert term.translations["fa"] == {"name": "مشاوره حقوقی"}
    location_fields = form_values(editor.get("/admin/directory/location/add/"))
    assert "translation_en_transportation" in location_fields


# --- import and export ----------------------------------------------------------------------------------


def hsds_organization(**fields) -> dict:
    return {
        "id": "3d3a8f2e-7f55-4d7e-9f3f-6f0c2a1b9e10",
        "name": "Asociația Sprijin",
        "description": "Ajutăm.",
        **fields,
    }


def test_import_keeps_iso_639_1_translations_and_reports_the_others():
    summary = hsds_import_organizations(
        [
            hsds_organization(
                language="ro",
                translations={
                    "UK": {"name": "Підтримка"},
                    "pt-BR": {"name": "Apoio"},
                    "eng": {"name": "Support"},
                    "fr": {"name": "Soutien"},
                },
            )
        ]
    )
    organization = d.Organization.objects.get()
    assert organization.translations == {"uk": {"name": "Підтримка"}, "fr": {"name": "Soutien"}}
    warnings = "\n".join(summary.warnings)
    assert re.search(r"translations\.pt-BR: 'pt-BR' is not an ISO 639-1 language code.*two-letter", warnings)
    assert "translations.eng:" in warnings and "UK" not in warnings


def test_import_reports_translations_of_a_record_that_does_not_say_its_language():
    summary = hsds_import_organizations([hsds_organization(translations={"uk": {"name": "Підтримка"}})])
    assert any("does not say which language its own text is in" in w for w in summary.warnings)
    assert d.Organization.objects.get().translations == {"uk": {"name": "Підтримка"}}


def test_translations_survive_export_and_import(tmp_path, entry):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    hsds_export_path(path=first)
    exported = json.loads(first.read_text(encoding="utf-8"))
    [service] = [s for o in exported for s in o["services"] if s["name"].startswith("Consiliere")]
    assert service["translations"]["uk"]["application_process"] == UK_HOW
    directory_clear()
    hsds_import_path(first)
    hsds_export_path(path=second)
    assert json.loads(second.read_text(encoding="utf-8")) == exported
    assert (
        d.Service.objects.get(id=service["id"]).translated("eligibility_description", "uk") == UK_ELIGIBILITY
    )


def test_the_demo_entry_is_read_in_ukrainian(client, ukrainian_site):
    from refugiu.demo.directory import directory_demo_load

    directory_demo_load()
    pro_refugiu = d.Organization.objects.get(name="Pro Refugiu Association")
    page = page_text(
        client.get(reverse("directory:organization", args=[pro_refugiu.id]), HTTP_ACCEPT_LANGUAGE="uk")
    )
    assert "Неурядова організація з Бухареста" in page
    assert "Юридичні консультації та допомога постраждалим від торгівлі людьми" in page
    assert "Шукачі притулку та біженці." in page
    assert "language-note" not in page
    hits = directory_search(query="psykholohichni konsultatsii").hits
    assert {i for _, i in hits} >= {str(s.id) for s in pro_refugiu.services.filter(name__startswith="Psych")}
