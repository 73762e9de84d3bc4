"""The catalogues: Romanian complete; Ukrainian, Russian and Arabic complete for every message of the public
pages (PUBLIC_SOURCES); all four current, well-formed, and actually used by the pages.

Staff pages stay in English in Ukrainian, Russian and Arabic (Django falls back to the source): their
entries are in those catalogues, untranslated, so that the catalogues stay current like the Romanian one.
tests/test_public_languages.py renders the public pages and e-mails in each language and checks that no
English message of theirs is left.
"""

import gettext
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import refugiu

PACKAGE_DIR = Path(refugiu.__file__).resolve().parent
RO_CATALOGUE = PACKAGE_DIR / "locale" / "ro" / "LC_MESSAGES" / "django.po"
ROMANIAN_PLURAL_FORMS = "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n!=1 && n%100>=1 && n%100<=19)) ? 1 : 2);"
# The languages whose catalogues cover the public pages only, with their plural rules (gettext's usual ones:
# one, few, many for Ukrainian and Russian; zero, one, two, few, many, other for Arabic).
SLAVIC_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
)
PUBLIC_LANGUAGES = {"uk": SLAVIC_PLURAL_FORMS, "ru": SLAVIC_PLURAL_FORMS, "ar": ARABIC_PLURAL_FORMS}
LANGUAGES = ("ro", *PUBLIC_LANGUAGES)
REGENERATE = (
    "cd src/refugiu && ../../.venv/bin/refugiu makemessages -l ro -l uk -l ru -l ar "
    "--no-location --no-obsolete"
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")

# What the public sees, relative to the package: the templates of the pages that the permission matrices
# (tests/test_site_permission_matrix.py, tests/programmes/test_permission_matrix.py) list as public, the
# error pages, the sign-in page, the registration e-mails, and the modules whose messages those pages show
# (forms' labels and errors, the directory's and the organisation's model names and choices, the
# programmes' vocabularies, the registration's refusals). tests/test_public_languages.py fails when a
# public page renders a template of the package missing here.
PUBLIC_SOURCES = (
    "templates/base.html",
    "templates/400.html",
    "templates/403.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    "templates/allauth/layouts/base.html",
    "templates/account/login.html",
    "templates/account/email/unknown_account_subject.txt",
    "templates/account/email/unknown_account_message.txt",
    "templates/directory/_location_public.html",
    "templates/directory/_organization_body.html",
    "templates/directory/_hours.html",
    "templates/directory/_status.html",
    "templates/directory/organization.html",
    "templates/directory/referral_sheet.html",
    "templates/directory/search.html",
    "templates/directory/suggest.html",
    "templates/organisation/about.html",
    "templates/programmes/_event_facts.html",
    "templates/programmes/campaign_list.html",
    "templates/programmes/certificate_pdf.html",
    "templates/programmes/event_detail.html",
    "templates/programmes/event_list.html",
    "templates/programmes/partner_list.html",
    "templates/programmes/project_detail.html",
    "templates/programmes/project_list.html",
    "templates/programmes/publication_list.html",
    "templates/programmes/registration/_event_summary.html",
    "templates/programmes/registration/_status.html",
    "templates/programmes/registration/cancel.html",
    "templates/programmes/registration/certificate.html",
    "templates/programmes/registration/certificate_lookup.html",
    "templates/programmes/registration/certificate_not_found.html",
    "templates/programmes/registration/evaluation.html",
    "templates/programmes/registration/evaluation_done.html",
    "templates/programmes/registration/invalid_link.html",
    "templates/programmes/registration/refused.html",
    "templates/programmes/registration/register.html",
    "templates/programmes/email/_when_where.txt",
    "templates/programmes/email/certificate.txt",
    "templates/programmes/email/certificate_subject.txt",
    "templates/programmes/email/evaluation.txt",
    "templates/programmes/email/evaluation_subject.txt",
    "templates/programmes/email/promoted.txt",
    "templates/programmes/email/promoted_subject.txt",
    "templates/programmes/email/registered.txt",
    "templates/programmes/email/registered_subject.txt",
    "templates/programmes/email/reminder.txt",
    "templates/programmes/email/reminder_subject.txt",
    "api.py",
    "core/errors.py",
    "accounts/middleware.py",
    "directory/details.py",
    "directory/forms.py",
    "directory/models/records.py",
    "directory/models/representatives.py",
    "directory/models/search_index.py",
    "directory/models/sub_records.py",
    "directory/models/suggestions.py",
    "directory/models/taxonomy.py",
    "directory/models/translatable.py",
    "directory/schedules/words.py",
    "directory/views/organization.py",
    "directory/views/referral_sheet.py",
    "directory/views/results.py",
    "directory/views/search_page.py",
    "directory/views/suggestions.py",
    "organisation/models.py",
    "organisation/views.py",
    "programmes/access.py",
    "programmes/forms.py",
    "programmes/vocabularies.py",
    "programmes/views/about.py",
    "programmes/views/public.py",
    "programmes/views/registration.py",
    "programmes/services/registrations.py",
)


def _catalogue(language: str) -> Path:
    return PACKAGE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _keys(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in _entries(path)}


def _describe(keys: set[tuple[str | None, str]]) -> str:
    lines = [f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in keys]
    return "\n".join(sorted(lines))


def _nplurals(language: str) -> int:
    forms = ROMANIAN_PLURAL_FORMS if language == "ro" else PUBLIC_LANGUAGES[language]
    return int(forms.split(";")[0].split("=")[1])


def _translations(entry: polib.POEntry, nplurals: int) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in range(nplurals)]
    return [entry.msgstr]


def _translated(entry: polib.POEntry, nplurals: int) -> bool:
    return "fuzzy" not in entry.flags and all(text.strip() for text in _translations(entry, nplurals))


def _forms_for_one_number(plural_forms: str) -> set[int]:
    """The plural forms used for a single number only (Arabic's zero, one and two): like GNU msgfmt, their
    translation may leave the number out ("نتيجة واحدة", one result)."""
    rule = gettext.c2py(plural_forms.split("plural=", 1)[1].rstrip(";"))
    numbers: dict[int, set[int]] = {}
    for n in range(1000):
        numbers.setdefault(rule(n), set()).add(n)
    return {index for index, found in numbers.items() if len(found) == 1}


def _extract(files: list[Path], tmp_path: Path, settings, monkeypatch) -> set[tuple[str | None, str]]:
    """The messages of `files` (relative to the package), as makemessages finds them."""
    tree = tmp_path / "refugiu"
    for name in files:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGE_DIR / name, tree / name)
    (tree / "locale").mkdir()
    # makemessages writes every catalogue under the first of settings.LOCALE_PATHS whose parent holds the
    # source file; pointing it at the copy keeps the committed catalogues untouched.
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=["uk"], no_location=True, no_obsolete=True, verbosity=0)
    return _keys(tree / "locale" / "uk" / "LC_MESSAGES" / "django.po")


needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msguniq") is None,
    reason="GNU gettext (xgettext, msguniq) is not on PATH, so makemessages cannot run",
)


def test_romanian_header():
    catalogue = polib.pofile(str(RO_CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "ro"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"] == ROMANIAN_PLURAL_FORMS


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_public_language_headers(language):
    catalogue = polib.pofile(str(_catalogue(language)))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == language
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"] == PUBLIC_LANGUAGES[language]


def test_every_romanian_entry_is_translated():
    untranslated = [entry.msgid for entry in _entries(RO_CATALOGUE) if not _translated(entry, 3)]
    assert not untranslated, (
        f"{len(untranslated)} entries of {RO_CATALOGUE} are untranslated or fuzzy:\n"
        + "\n".join(f"  {msgid!r}" for msgid in untranslated)
    )


def test_public_sources_exist():
    assert [name for name in PUBLIC_SOURCES if not (PACKAGE_DIR / name).is_file()] == []


@needs_gettext
def test_every_public_message_is_translated_in_ukrainian_russian_and_arabic(tmp_path, monkeypatch, settings):
    public = _extract([Path(name) for name in PUBLIC_SOURCES], tmp_path, settings, monkeypatch)
    assert len(public) > 400  # the extraction found the pages' messages, not nothing
    problems = []
    for language in PUBLIC_LANGUAGES:
        entries = {(entry.msgctxt, entry.msgid): entry for entry in _entries(_catalogue(language))}
        missing = {
            key for key in public if key not in entries or not _translated(entries[key], _nplurals(language))
        }
        if missing:
            problems.append(
                f"{language}: {len(missing)} public messages untranslated or fuzzy:\n{_describe(missing)}"
            )
    assert not problems, (
        "\n\n".join(problems) + "\n\nTranslate them in src/refugiu/locale/<language>/LC_MESSAGES/django.po."
    )


@pytest.mark.parametrize("language", PUBLIC_LANGUAGES)
def test_public_language_translations_are_not_fuzzy(language):
    """A fuzzy entry is a guess by msgmerge: never shown, and never to be left for a reader to trust."""
    assert [entry.msgid for entry in _entries(_catalogue(language)) if "fuzzy" in entry.flags] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders(language):
    plural_forms = ROMANIAN_PLURAL_FORMS if language == "ro" else PUBLIC_LANGUAGES[language]
    for_one_number = _forms_for_one_number(plural_forms)
    problems = []
    for entry in _entries(_catalogue(language)):
        for index, text in enumerate(_translations(entry, _nplurals(language))):
            if not text:
                continue  # a staff page's message, in English in this language
            source = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            found, expected = sorted(PLACEHOLDER.findall(text)), sorted(PLACEHOLDER.findall(source))
            if entry.msgid_plural and index in for_one_number and set(found) <= set(expected):
                continue
            if found != expected:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_romanian_translations_use_comma_below_diacritics():
    problems = [
        f"cedilla instead of comma below (use ș ț): {text!r}"
        for entry in _entries(RO_CATALOGUE)
        for text in _translations(entry, 3)
        if re.search("[şţŞŢ]", text)
    ]
    assert not problems, "\n".join(problems)


@needs_gettext
def test_catalogues_are_current(tmp_path, monkeypatch, settings):
    tree = tmp_path / "refugiu"
    shutil.copytree(
        PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo", "*.pyc")
    )
    (tree / "locale").mkdir()
    # makemessages writes every catalogue under the first of settings.LOCALE_PATHS whose parent holds the
    # source file; pointing it at the copy keeps the committed catalogues untouched.
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=list(LANGUAGES), no_location=True, no_obsolete=True, verbosity=0)

    message = []
    for language in LANGUAGES:
        generated = _keys(tree / "locale" / language / "LC_MESSAGES" / "django.po")
        committed = _keys(_catalogue(language))
        missing, extra = generated - committed, committed - generated
        if missing:
            message.append(f"Strings in the code but not in the {language} catalogue:\n{_describe(missing)}")
        if extra:
            message.append(
                f"Strings in the {language} catalogue but no longer in the code:\n{_describe(extra)}"
            )
    assert not message, "\n\n".join(
        [
            *message,
            f"Run `{REGENERATE}`, then translate the new entries (all of them in Romanian, the public "
            "pages' in Ukrainian, Russian and Arabic).",
        ]
    )


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 rezultat"),
        (0, "0 rezultate"),
        (2, "2 rezultate"),
        (19, "19 rezultate"),
        (20, "20 de rezultate"),
        (101, "101 rezultate"),
        (120, "120 de rezultate"),
    ],
)
def test_romanian_plurals(n, expected):
    with translation.override("ro"):
        assert translation.ngettext("%(n)s result", "%(n)s results", n) % {"n": n} == expected


@pytest.mark.django_db
def test_home_page_in_romanian_from_accept_language(client):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="ro").content.decode()
    assert '<html lang="ro">' in content
    assert "Ieșire rapidă" in content and "Quick exit" not in content
    assert "Găsește ajutor" in content


@pytest.mark.django_db
def test_home_page_in_romanian_after_choosing_the_language(client):
    response = client.post(reverse("set_language"), {"language": "ro", "next": "/"}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ieșire rapidă" in content and "Quick exit" not in content
    english = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert "Quick exit" in english.content.decode()


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("uk", 1, "1 результат"),
        ("uk", 3, "3 результати"),
        ("uk", 5, "5 результатів"),
        ("uk", 11, "11 результатів"),
        ("uk", 21, "21 результат"),
        ("uk", 22, "22 результати"),
        ("uk", 0, "0 результатів"),
        ("ru", 1, "1 результат"),
        ("ru", 4, "4 результата"),
        ("ru", 12, "12 результатов"),
        ("ru", 101, "101 результат"),
        ("ru", 0, "0 результатов"),
        ("ar", 0, "لا توجد نتائج"),
        ("ar", 1, "نتيجة واحدة"),
        ("ar", 2, "نتيجتان"),
        ("ar", 3, "3 نتائج"),
        ("ar", 10, "10 نتائج"),
        ("ar", 11, "11 نتيجة"),
        ("ar", 99, "99 نتيجة"),
        ("ar", 100, "100 نتيجة"),
        ("ar", 103, "103 نتائج"),
    ],
)
def test_plurals_of_the_public_languages(language, n, expected):
    with translation.override(language):
        assert translation.ngettext("%(n)s result", "%(n)s results", n) % {"n": n} == expected


# Each language by its own name, whatever the page's language, with its code for screen readers and fonts.
LANGUAGE_OPTIONS = [
    '<option value="en" lang="en">English</option>',
    '<option value="ro" lang="ro">Română</option>',
    '<option value="uk" lang="uk">Українська</option>',
    '<option value="ru" lang="ru">Русский</option>',
    '<option value="ar" lang="ar">العربية</option>',
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "html", "quick_exit"),
    [
        ("en", '<html lang="en">', "Quick exit"),
        ("ro", '<html lang="ro">', "Ieșire rapidă"),
        ("uk", '<html lang="uk">', "Швидкий вихід"),
        ("ru", '<html lang="ru">', "Быстрый выход"),
        ("ar", '<html lang="ar" dir="rtl">', "خروج سريع"),
    ],
)
def test_home_page_in_each_language_with_the_picker_naming_each_language_in_its_own(
    client, language, html, quick_exit
):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html in content
    assert f">{quick_exit}</a>" in content
    if language != "en":
        assert "Quick exit" not in content
    for option in LANGUAGE_OPTIONS:
        selected = option.replace(f'value="{language}"', f'value="{language}" selected')
        assert selected in content, selected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "html", "heading"),
    [
        ("uk", '<html lang="uk">', "Знайдіть організацію або послугу, що захищає постраждалих"),
        ("ru", '<html lang="ru">', "Найдите организацию или услугу, защищающую пострадавших"),
        ("ar", '<html lang="ar" dir="rtl">', "ابحث عن منظمة أو خدمة تحمي الضحايا"),
    ],
)
def test_choosing_a_language_without_javascript_keeps_it(client, language, html, heading):
    """The picker is a plain form: choosing sets the language cookie, and the next pages follow it."""
    response = client.post(reverse("set_language"), {"language": language, "next": "/"}, follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert html in content and f"<h1>{heading}</h1>" in content
    assert html in client.get(reverse("programmes:events")).content.decode()
