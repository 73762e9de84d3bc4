"""The Romanian catalogue: complete, current, well-formed, and actually used by the pages."""

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
REGENERATE = "cd src/refugiu && ../../.venv/bin/refugiu makemessages -l ro --no-location --no-obsolete"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _entries(path: Path) -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def _keys(path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in _entries(path)}


def _describe(keys: set[tuple[str | None, str]]) -> str:
    lines = [f"  {msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in keys]
    return "\n".join(sorted(lines))


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(index, "") for index in range(3)]
    return [entry.msgstr]


def test_romanian_header():
    catalogue = polib.pofile(str(RO_CATALOGUE))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata["Language"] == "ro"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"] == ROMANIAN_PLURAL_FORMS


def test_every_romanian_entry_is_translated():
    untranslated = [
        entry.msgid
        for entry in _entries(RO_CATALOGUE)
        if "fuzzy" in entry.flags or not all(text.strip() for text in _translations(entry))
    ]
    assert not untranslated, (
        f"{len(untranslated)} entries of {RO_CATALOGUE} are untranslated or fuzzy:\n"
        + "\n".join(f"  {msgid!r}" for msgid in untranslated)
    )


def test_romanian_translations_keep_placeholders_and_use_comma_below_diacritics():
    problems = []
    for entry in _entries(RO_CATALOGUE):
        for index, text in enumerate(_translations(entry)):
            source = entry.msgid_plural if entry.msgid_plural and index else entry.msgid
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            if re.search("[şţŞŢ]", text):
                problems.append(f"cedilla instead of comma below (use ș ț): {text!r}")
    assert not problems, "\n".join(problems)


def test_romanian_catalogue_is_current(tmp_path, monkeypatch, settings):
    if shutil.which("xgettext") is None or shutil.which("msguniq") is None:
        pytest.skip("GNU gettext (xgettext, msguniq) is not on PATH, so makemessages cannot run")
    tree = tmp_path / "refugiu"
    shutil.copytree(
        PACKAGE_DIR, tree, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo", "*.pyc")
    )
    (tree / "locale").mkdir()
    # makemessages writes every catalogue under the first of settings.LOCALE_PATHS whose parent holds the
    # source file; pointing it at the copy keeps the committed catalogue untouched.
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=["ro"], no_location=True, no_obsolete=True, verbosity=0)

    generated = _keys(tree / "locale" / "ro" / "LC_MESSAGES" / "django.po")
    committed = _keys(RO_CATALOGUE)
    missing, extra = generated - committed, committed - generated
    message = []
    if missing:
        message.append(f"Strings in the code but not in the Romanian catalogue:\n{_describe(missing)}")
    if extra:
        message.append(f"Strings in the Romanian catalogue but no longer in the code:\n{_describe(extra)}")
    message.append(f"Run `{REGENERATE}`, then translate the new entries in {RO_CATALOGUE}.")
    assert not missing and not extra, "\n\n".join(message)


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
