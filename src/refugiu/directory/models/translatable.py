"""Records whose text is kept in several languages, and how a page shows it.

A record's text is in its own language (`language`, usually the local one); `translations` holds the other
languages as {"uk": {"name": …, "description": …}}, for the fields its kind has in
`translations.TRANSLATED_FIELDS` (names, descriptions, a service's eligibility and how to apply, a
location's directions). Display falls back to the record's own text, field by field.
"""

from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from refugiu.core.translated import display_language, translated_text
from refugiu.directory.translations import is_language_code, language_name


def translations_problems(translations: object, fields: tuple[str, ...]) -> list[str]:
    """What is wrong with a record's `translations`, in words an editor understands (empty: nothing)."""
    if not isinstance(translations, dict):
        return [gettext('Translations must be an object of language code → {"name": …, "description": …}.')]
    problems = []
    for code, texts in translations.items():
        if not is_language_code(code):
            problems.append(
                gettext("“%(code)s” is not a language code: use a two-letter ISO 639-1 code, such as uk.")
                % {"code": code}
            )
        elif not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            problems.append(
                gettext("The %(language)s translation must be an object of field → text (%(fields)s).")
                % {"language": language_name(code), "fields": ", ".join(fields)}
            )
    return problems


class Translatable(models.Model):
    language = models.CharField(_("language of the record"), max_length=None, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    # The fields kept in several languages (translations.TRANSLATED_FIELDS, by HSDS entity).
    translated_fields: ClassVar[tuple[str, ...]] = ("name", "description")

    class Meta:
        abstract = True

    def translated(self, field: str, language: str | None = None) -> str:
        return translated_text(
            getattr(self, field), self.language, self.translations, field, display_language(language)
        )

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")

    @cached_property
    def shown(self) -> "ShownTexts":
        """The record's text as a public page shows it, in the visitor's (the active) language."""
        return ShownTexts(self, display_language())

    def all_texts(self, field: str) -> list[str]:
        values = [getattr(self, field) or ""]
        values += [(t or {}).get(field) or "" for t in self.translations.values()]
        return [v for v in values if v]

    def clean(self) -> None:
        super().clean()
        # Not keyed by the field: an editing form shows the translations as fields of its own.
        if problems := translations_problems(self.translations, self.translated_fields):
            raise ValidationError(problems)


@dataclass(frozen=True)
class ShownText:
    """One field as shown: its text, the language it is in, and whether that is not the visitor's."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def lang_attribute(self) -> str:
        """` lang="ro"` for an element holding text not in the page's language, so that it is read aloud
        and hyphenated as what it is (and, by the stylesheet, written in its own direction); ` dir="auto"`
        when that language is not known; empty otherwise."""
        if self.fallback and self.language:
            return format_html(' lang="{}"', self.language)
        if self.fallback:
            return SafeString(' dir="auto"')
        return SafeString("")


# The fields that name a record: a name is often the same in every language, so a name shown as it is
# does not make the record "not translated".
NAMING_FIELDS = frozenset({"name", "alternate_name"})


class ShownTexts:
    """A record's translated fields in a language, each falling back to the record's own text (templates:
    `service.shown.eligibility_description`, `….lang_attribute`), and a note when its text is not (all)
    in that language (`service.shown.note`)."""

    def __init__(self, record: Translatable, language: str) -> None:
        self.record, self.language = record, language
        own = record.language
        wanted = (record.translations or {}).get(language) if language != own else None
        self._wanted = wanted if isinstance(wanted, dict) else {}
        self._translating = language != own

    def __getitem__(self, field: str) -> ShownText:
        if field not in self.record.translated_fields:
            raise KeyError(field)  # templates then look for an attribute (`note`)
        if self._translating and (value := self._wanted.get(field)):
            return ShownText(value, self.language, fallback=False)
        return ShownText(getattr(self.record, field) or "", self.record.language, fallback=self._translating)

    @cached_property
    def note(self) -> str:
        """ "…shown in Romanian" when the record's descriptive text (names aside) is, all or in part, in
        its own language rather than the visitor's; empty when there is nothing to say."""
        own = self.record.language
        if not self._translating or not own:
            return ""
        texts = [f for f in self.record.translated_fields if f not in NAMING_FIELDS]
        fell_back = [f for f in texts if getattr(self.record, f) and not self._wanted.get(f)]
        if not fell_back:
            return ""
        # The visitor's language is not named: they know it, and a name in the middle of a sentence
        # would need declining in many languages.
        original = {"language": language_name(own)}
        if any(self._wanted.get(f) for f in self.record.translated_fields):
            return (
                gettext(
                    "Not all of it is translated into your language yet: the rest is shown in %(language)s."
                )
                % original
            )
        return gettext("Not translated into your language yet: shown in %(language)s.") % original
