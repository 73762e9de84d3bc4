from collections.abc import Sequence
from typing import Any

from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refugiu.directory.models import Suggestion, Translatable
from refugiu.directory.places.counties import COUNTIES
from refugiu.directory.translations import (
    is_language_code,
    language_choices,
    language_label,
    language_name,
    site_languages,
)

RADIUS_KM = (5, 10, 25, 50, 100, 250)
DEFAULT_RADIUS_KM = 25
# A position arrives rounded to two decimals (about 1 km), as the page's script sends it; anything finer
# is rounded here, so no more precise position is used, kept or shown back.
POSITION_DECIMALS = 2


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    near = forms.CharField(label=_("Near"), required=False, max_length=200)
    at = forms.CharField(required=False, max_length=40)
    radius = forms.TypedChoiceField(
        label=pgettext_lazy("radius", "Within"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(km, f"{km} km") for km in RADIUS_KM],
    )
    country = forms.CharField(required=False, max_length=2)
    county = forms.ChoiceField(
        label=_("County (Romania)"),
        required=False,
        choices=[("", _("Any county")), *((county.code, county.name) for county in COUNTIES)],
    )
    city = forms.CharField(required=False, max_length=200)
    institution_type = forms.CharField(required=False, max_length=100)
    service_type = forms.CharField(required=False, max_length=100)
    target_group = forms.CharField(required=False, max_length=100)
    crime_type = forms.CharField(required=False, max_length=100)
    language = forms.CharField(required=False, max_length=20)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class SuggestionForm(forms.ModelForm):
    # A field people cannot see; software filling every field fills it and is turned away.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    class Meta:
        model = Suggestion
        fields = ["text", "contact_email"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


# --- translations of an entry, as editors keep them -----------------------------------------------------

NEW_TRANSLATION = "new"  # the group of fields that adds a language


def translation_field_name(key: str, field: str) -> str:
    """The form field of one translated field in one language group ("translation_uk_name")."""
    return f"translation_{key}_{field}"


def translation_groups(languages: Sequence[str]) -> list[tuple[str, str]]:
    """(key of its form fields, language) of each language group: the code itself, or for a key an old
    import kept that is no language code, its position."""
    return [
        (language if is_language_code(language) else f"x{position}", language)
        for position, language in enumerate(languages)
    ]


class TranslationsForm(forms.ModelForm):
    """The base of the editing form of a record kept in several languages (models.Translatable).

    The record's own language is a choice of ISO 639-1 languages; each translation is a group of plain
    fields, one group per language the site speaks or the record already has (`translation_languages`), and
    one more to add any other language. Saving writes the groups back into `translations`, which editors
    thus never edit as JSON; what the form does not show (fields HSDS data brought that we do not
    translate) is kept. Made for a model and its languages by `translations_form`.
    """

    translation_languages: tuple[str, ...] = ()
    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kept = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for key, language in self.translation_groups():
            texts = kept.get(language)
            for field in self.translated_fields:
                initial = texts.get(field, "") if isinstance(texts, dict) else ""
                self.fields[translation_field_name(key, field)].initial = initial
        if "language" in self.fields:
            own = self.instance.language
            choices = [("", "—"), *language_choices()]
            if own and not is_language_code(own):  # kept as an import gave it, until an editor chooses
                choices.insert(1, (own, own))
            self.fields["language"] = forms.ChoiceField(
                label=self.fields["language"].label,
                choices=choices,
                required=False,
                help_text=_("The language of the record's own fields; a translation below gives another."),
            )

    def translation_groups(self) -> list[tuple[str, str]]:
        return translation_groups(self.translation_languages)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        own = cleaned.get("language", self.instance.language) or ""
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        translations = {
            code: dict(texts) if isinstance(texts, dict) else texts for code, texts in stored.items()
        }
        for key, language in self.translation_groups():
            texts = translations.setdefault(language, {})
            for field in self.translated_fields:
                value = cleaned.get(translation_field_name(key, field)) or ""
                if value:
                    texts[field] = value
                else:
                    texts.pop(field, None)
            if not texts:
                del translations[language]
        new_language = cleaned.get(translation_field_name(NEW_TRANSLATION, "language")) or ""
        new_texts = {
            field: value
            for field in self.translated_fields
            if (value := cleaned.get(translation_field_name(NEW_TRANSLATION, field)))
        }
        language_field = translation_field_name(NEW_TRANSLATION, "language")
        if new_texts and not new_language:
            self.add_error(language_field, _("Choose the language of the new translation."))
        elif new_language and new_language in [*self.translation_languages, own]:
            self.add_error(
                language_field,
                _("This record already has a place for %(language)s: write in it instead.")
                % {"language": language_name(new_language)},
            )
        elif new_language and not new_texts:
            self.add_error(language_field, _("Write at least one text in the new language, or choose none."))
        elif new_language:
            translations[new_language] = new_texts
        if own and own in translations:
            self.add_error(
                "language" if "language" in self.fields else None,
                _(
                    "%(language)s is the language of the record's own text and also of one of its "
                    "translations: empty that translation, or say which language the record is in."
                )
                % {"language": language_name(own)},
            )
        if translations and not own:
            self.add_error(
                "language" if "language" in self.fields else None,
                _("Say which language the record's own text is in: it has translations."),
            )
        self.instance.translations = translations
        return cleaned


def translation_languages_of(record: Translatable | None) -> tuple[str, ...]:
    """The languages an editing form gives a group to: the site's, then those the record already has
    (any code, so that one an old import kept can be emptied), less the record's own."""
    own = record.language if record is not None else ""
    kept = list(record.translations) if record is not None and isinstance(record.translations, dict) else []
    languages = [code for code in [*site_languages(), *sorted(kept)] if code != own]
    return tuple(dict.fromkeys(languages))


def translations_form(
    base: type[forms.ModelForm], model: type[Translatable], languages: Sequence[str]
) -> type[TranslationsForm]:
    """`base` with a group of fields per language in `languages`, and one to add another."""
    attrs: dict[str, Any] = {
        "translation_languages": tuple(languages),
        "translated_fields": model.translated_fields,
    }
    for key, language in [*translation_groups(languages), (NEW_TRANSLATION, "")]:
        # The text is marked as being in its language, so that spelling checkers and readers treat it so.
        marked = {"lang": language} if is_language_code(language) else {}
        for field in model.translated_fields:
            model_field = model._meta.get_field(field)
            assert isinstance(model_field, models.Field)  # a column, never a relation
            attrs[translation_field_name(key, field)] = forms.CharField(
                label=capfirst(model_field.verbose_name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, **marked})
                if isinstance(model_field, models.TextField)
                else forms.TextInput(attrs={"class": "vTextField", **marked}),
            )
    attrs[translation_field_name(NEW_TRANSLATION, "language")] = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *language_choices()], required=False
    )
    bases = (TranslationsForm, base) if not issubclass(base, TranslationsForm) else (base,)
    return type(f"{model.__name__}TranslationsForm", bases, attrs)


def translation_fieldsets(form: type[TranslationsForm]) -> list[tuple[str, dict[str, Any]]]:
    """The admin's fieldsets of these groups: one per language, then the one to add a language."""
    fieldsets: list[tuple[str, dict[str, Any]]] = []
    for key, language in translation_groups(form.translation_languages):
        title = (
            _("Translation: %(language)s") % {"language": language_label(language)}
            if is_language_code(language)
            else _("Translation under “%(code)s”, which is no language code: empty it and add it again below")
            % {"code": language}
        )
        fields = [translation_field_name(key, field) for field in form.translated_fields]
        fieldsets.append((title, {"fields": fields, "classes": ["collapse"]}))
    fields = [translation_field_name(NEW_TRANSLATION, f) for f in ("language", *form.translated_fields)]
    fieldsets.append(
        (str(_("Add a translation into another language")), {"fields": fields, "classes": ["collapse"]})
    )
    return fieldsets


def position(text: str) -> tuple[float, float] | None:
    """ "47.17,27.58" → (47.17, 27.58), rounded to POSITION_DECIMALS; None unless a position on Earth."""
    try:
        latitude, longitude = (float(part) for part in text.split(","))
    except ValueError:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return round(latitude, POSITION_DECIMALS), round(longitude, POSITION_DECIMALS)
