"""The language of the text the HSDS API gives: `?lang=` or, without it, the Accept-Language header.

A record keeps its text in its own language (`language`) and in others (`translations`, our extension
field). Asked for languages, each record, and each record nested in it (its organisation, locations,
services, taxonomy terms), is given in the first of them it has a translation into: its translated
fields (names, descriptions, a service's eligibility and how to apply, a location's directions) in that
language, field by field, a field without a translation keeping its own text; `language` then names
that language, and `translations` holds the others, the record's own text among them under its own
language. So a response still holds every text of the record, each under its language: read back, it
is the same record told from another language (the one its missing text falls back to is then the one
asked for). Fields of a translation that we do not translate (an import keeps them) are left out of it.
A record with none of the languages asked for, or whose own language comes first among them, is given
as kept. Nothing asked (no `lang`, no Accept-Language naming a language): every record is given as
kept, byte for byte as without this module.

The response says which languages its text is in: Content-Language lists the languages of the records
given (a record on its own: its language; a page: the languages of its records, those asked for first;
a service at a location is in its service's). An NDJSON stream starts before its records are read, so
it names the language asked for first, the one it is meant for (RFC 9110 allows that reading), and each
line says its own in `language`. Responses carry `Vary: Accept-Language` (Django's LocaleMiddleware adds
it to every response, and this module where the header chose), so a cache keeps one copy per header.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from refugiu.directory.api.responses import Records
from refugiu.directory.hsds.serialise.fields import HsdsRecord
from refugiu.directory.translations import ALL_TRANSLATED_FIELDS, language_of_tag

Answer = TypeVar("Answer")


def languages_asked(request: HttpRequest, lang: str | None) -> tuple[tuple[str, ...], bool]:
    """The languages asked for, most wanted first, and whether the Accept-Language header said so."""
    if lang:
        return (lang,), False
    header = request.headers.get("Accept-Language", "")
    found: list[str] = []
    for tag, _weight in parse_accept_lang_header(header) if header else ():
        code = language_of_tag(tag)  # "*" and unknown tags name none
        if code and code not in found:
            found.append(code)
    return tuple(found), bool(found)


def _texts_in(record: HsdsRecord, texts: Any) -> dict[str, str]:
    """Of a translation, the texts of fields the record gives."""
    if not isinstance(texts, dict):
        return {}
    return {
        name: text
        for name, text in texts.items()
        if name in ALL_TRANSLATED_FIELDS and name in record and isinstance(text, str) and text
    }


def record_in_languages(record: HsdsRecord, languages: Sequence[str]) -> str:
    """Put the record, and every record nested in it, in the first of `languages` it has (see the
    module's docstring); returns the language the record is now given in ("" when unknown). A service at
    a location has no text of its own to speak of: it is given in its service's language."""
    given = _one_in_languages(record, languages)
    if not given and isinstance(service := record.get("service"), dict):
        given = _one_in_languages(service, languages)
    pending: list[Any] = [value for key, value in record.items() if key != "translations"]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            _one_in_languages(value, languages)
            pending.extend(item for key, item in value.items() if key != "translations")
    return given


def _one_in_languages(record: HsdsRecord, languages: Sequence[str]) -> str:
    own = record.get("language") or ""
    own = own if isinstance(own, str) else ""
    translations = record.get("translations")
    if not isinstance(translations, dict):
        return own
    for language in languages:
        if language == own:
            return own
        if texts := _texts_in(record, translations.get(language)):
            break
    else:
        return own
    own_texts = {
        name: text
        for name, text in record.items()
        if name in ALL_TRANSLATED_FIELDS and isinstance(text, str) and text
    }
    record.update(texts)
    others = {code: kept for code, kept in translations.items() if code != language}
    if own and own_texts:
        others[own] = {**own_texts, **(others[own] if isinstance(others.get(own), dict) else {})}
    record["language"] = language
    if others:
        record["translations"] = others
    else:
        del record["translations"]
    return language


@dataclass
class Localised:
    """One request's wish for a language, applied to what its endpoint gives and told in its headers."""

    languages: tuple[str, ...]
    by_header: bool
    response: HttpResponse  # ninja's response of the request, whose headers go onto the answer
    given: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, request: HttpRequest, lang: str | None, response: HttpResponse) -> "Localised":
        languages, by_header = languages_asked(request, lang)
        return cls(languages, by_header, response)

    def records(self, records: Records) -> Records:
        if not self.languages:
            return records

        def localised(ids: Sequence[Any]) -> list[HsdsRecord]:
            found = records(ids)
            for record in found:
                self.given.append(record_in_languages(record, self.languages))
            return found

        return localised

    def record(self, record: HsdsRecord) -> HsdsRecord:
        if self.languages:
            self.given.append(record_in_languages(record, self.languages))
        return record

    def answer(self, result: Answer) -> Answer:
        """The endpoint's answer, with the headers that say its language."""
        if not self.languages:
            return result
        target = result if isinstance(result, HttpResponseBase) else self.response
        given = [code for code in dict.fromkeys(self.given) if code]
        languages = [code for code in self.languages if code in given]
        languages += [code for code in given if code not in languages]
        target["Content-Language"] = ", ".join(languages or self.languages[:1])
        if self.by_header:
            patch_vary_headers(target, ("Accept-Language",))
        return result
