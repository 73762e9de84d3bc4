"""Forms about beneficiaries: search before registering, register, edit, merge two records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import (
    DATE,
    ISO_DATE,
    PRIVATE,
    SHORT_TEXT,
    CaseForm,
    ISODateField,
    VersionedForm,
    country_choices,
)
from refugiu.cases.languages import language_choices, language_code, language_label
from refugiu.cases.models import Beneficiary
from refugiu.cases.services import IDENTITY_FIELDS, IdentityFields
from refugiu.core.forms import form_field


class BeneficiarySearchForm(CaseForm):
    """Search before registering. The names, phone, document number and date of birth typed here fill in
    the registration form that follows (in the same posted page: never in a URL, never kept)."""

    given_names = forms.CharField(
        label=_("Given names"), required=False, max_length=200, widget=forms.TextInput(PRIVATE)
    )
    family_names = forms.CharField(
        label=_("Family names"), required=False, max_length=200, widget=forms.TextInput(PRIVATE)
    )
    date_of_birth = ISODateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("Not searched by itself: it confirms a match found by the other fields."),
        widget=forms.DateInput({**DATE, **PRIVATE}, format="%Y-%m-%d"),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50, widget=forms.TextInput(PRIVATE))
    document = forms.CharField(
        label=_("Document number"), required=False, max_length=50, widget=forms.TextInput(PRIVATE)
    )
    code = forms.CharField(label=_("Code"), required=False, max_length=16, widget=forms.TextInput(PRIVATE))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not any(
            (data.get(k) or "").strip() for k in ("given_names", "family_names", "phone", "document", "code")
        ):
            raise forms.ValidationError(_("Fill in at least one field to search."))
        return data

    def search(self) -> dict[str, str]:
        """The arguments of `selectors.beneficiary_search`."""
        data = self.cleaned_data
        born = data.get("date_of_birth")
        return {
            "names": " ".join(filter(None, (data["given_names"].strip(), data["family_names"].strip()))),
            "phone": data["phone"],
            "document": data["document"],
            "code": data["code"],
            "date_of_birth": born.isoformat() if born else "",
        }

    def carried(self) -> dict[str, Any]:
        """What the registration form starts from: everything typed here that it asks for again."""
        data = self.cleaned_data
        return {
            "given_names": data["given_names"].strip(),
            "family_names": data["family_names"].strip(),
            "date_of_birth": data.get("date_of_birth"),
            "phone": data["phone"],
            "document_number": data["document"],
        }


class LanguagesWidget(forms.Widget):
    """A few text boxes sharing one list of every language (`<input list>` + `<datalist>`): typing part of a
    name offers the matching languages, without JavaScript; a browser without the list still takes a name or
    a code typed in full. One more box than the languages already given, and at least three."""

    BOXES = 3

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [str(value) for value in ([values] if isinstance(values, str) else values)]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        values = [v for v in (value or []) if str(v).strip()]
        attrs = {**self.attrs, **(attrs or {})}
        base_id = attrs.pop("id", f"id_{name}")
        options_id = f"{base_id}_options"
        boxes = [*values, *[""] * max(self.BOXES - len(values), 1)]
        inputs = []
        for index, box in enumerate(boxes):
            box_attrs = {
                **attrs,
                "type": "text",
                "name": name,
                "list": options_id,
                "autocomplete": "off",
                "id": base_id if index == 0 else f"{base_id}_{index}",
            }
            if index:
                box_attrs["aria-label"] = _("Language %(number)s") % {"number": index + 1}
            if box:
                box_attrs["value"] = language_label(str(box))
            inputs.append(format_html("<input{}>", flatatt(box_attrs)))
        options = format_html_join(
            "", '<option value="{}"></option>', ((f"{name} ({code})",) for code, name in language_choices())
        )
        return format_html(
            '<span class="language-boxes">{}</span><datalist id="{}">{}</datalist>',
            mark_safe("".join(inputs)),  # noqa: S308 (each box built by format_html above)
            options_id,
            options,
        )


class LanguagesField(forms.Field):
    """Languages as ISO 639 codes, each picked from the list or typed as its code or name; a language named
    otherwise is refused. A value the record already holds that is not a known language (older free text
    the migration could not read) is kept as it is (`kept`), so that saving the form loses nothing."""

    widget = LanguagesWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Languages"))
        kwargs.setdefault("help_text", _("Type part of a language's name and choose it from the list."))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.kept: set[str] = set()

    def clean(self, value: Any) -> list[str]:
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        if self.required and not values:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        codes = []
        for typed in values[:20]:
            code = typed if typed in self.kept else language_code(typed)
            if code is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a language we know: choose it from the list."),
                    code="unknown_language",
                    params={"value": typed[:80]},
                )
            codes.append(code)
        return list(dict.fromkeys(codes))


ATTRIBUTE_FIELDS = ("gender", "age_band", "nationality", "languages", "migration_status")


class BeneficiaryFieldsForm(CaseForm):
    gender = forms.ChoiceField(label=_("Gender"), choices=v.Gender.choices, initial=v.Gender.UNKNOWN)
    age_band = forms.ChoiceField(label=_("Age band"), choices=v.AgeBand.choices, initial=v.AgeBand.UNKNOWN)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=country_choices, required=False)
    languages = LanguagesField()
    migration_status = forms.ChoiceField(
        label=_("Migration or protection status"),
        choices=v.MigrationStatus.choices,
        initial=v.MigrationStatus.UNKNOWN,
    )
    given_names = forms.CharField(label=_("Given names"), max_length=200, widget=forms.TextInput(PRIVATE))
    family_names = forms.CharField(
        label=_("Family names"), max_length=200, required=False, widget=forms.TextInput(PRIVATE)
    )
    other_names = forms.CharField(
        label=_("Other names and spellings"), max_length=300, required=False, widget=forms.TextInput(PRIVATE)
    )
    date_of_birth = ISODateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput({**DATE, **PRIVATE}, format="%Y-%m-%d"),
    )
    year_of_birth = forms.IntegerField(
        label=_("Year of birth, if the date is not known"),
        required=False,
        min_value=1900,
        widget=forms.NumberInput({**PRIVATE, "inputmode": "numeric"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False, widget=forms.TextInput(PRIVATE))
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(PRIVATE))
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea({**SHORT_TEXT, **PRIVATE})
    )
    document_type = forms.CharField(
        label=_("Identity document"), max_length=100, required=False, widget=forms.TextInput(PRIVATE)
    )
    document_number = forms.CharField(
        label=_("Document number"), max_length=50, required=False, widget=forms.TextInput(PRIVATE)
    )

    fieldsets = [
        (_("About the person"), list(ATTRIBUTE_FIELDS)),
        (
            _("Identity (kept encrypted, shown only on request)"),
            [n for f in IDENTITY_FIELDS for n in ((f, "year_of_birth") if f == "date_of_birth" else (f,))],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = {code for code, _name in language_choices()}
        form_field(self, "languages", LanguagesField).kept = {
            str(value) for value in self.initial.get("languages") or [] if value not in known
        }
        # A date of birth recorded before dates were checked, that reads as no date: shown, and kept while
        # the boxes are left empty.
        self.unreadable_date_of_birth: str = self.initial.get("unreadable_date_of_birth", "")
        if self.unreadable_date_of_birth:
            self.fields["date_of_birth"].help_text = _(
                "Recorded as “%(value)s”, which cannot be read as a date: write it again. Left empty, it "
                "stays as recorded."
            ) % {"value": self.unreadable_date_of_birth}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        born, year = data.get("date_of_birth"), data.get("year_of_birth")
        today = timezone.localdate()
        if born and year:
            self.add_error("year_of_birth", _("Give either the date of birth or only the year, not both."))
        elif born and born > today:
            self.add_error("date_of_birth", _("The date of birth cannot be in the future."))
        elif year and year > today.year:
            self.add_error("year_of_birth", _("The year of birth cannot be in the future."))
        return data

    def attributes(self) -> dict[str, Any]:
        """The arguments of `services.beneficiary_register` / `beneficiary_update`, the identity aside."""
        return {k: self.cleaned_data[k] for k in ATTRIBUTE_FIELDS}

    def identity(self) -> IdentityFields:
        data = self.cleaned_data
        return IdentityFields(
            given_names=data["given_names"],
            family_names=data["family_names"],
            other_names=data["other_names"],
            date_of_birth=self.date_of_birth_recorded(),
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            document_type=data["document_type"],
            document_number=data["document_number"],
        )

    def date_of_birth_recorded(self) -> str:
        """As the identity keeps it: "1995-03-12", or "1995" when only the year is known."""
        born, year = self.cleaned_data.get("date_of_birth"), self.cleaned_data.get("year_of_birth")
        if born:
            return str(born.isoformat())
        if year:
            return str(year)
        return self.unreadable_date_of_birth


class BeneficiaryRegisterForm(BeneficiaryFieldsForm):
    pass


class BeneficiaryEditForm(BeneficiaryFieldsForm, VersionedForm):
    @staticmethod
    def initial_for(beneficiary: Beneficiary) -> dict[str, Any]:
        identity = getattr(beneficiary, "identity", None)
        initial = {k: getattr(beneficiary, k) for k in ATTRIBUTE_FIELDS}
        initial["nationality"] = beneficiary.nationality.code or ""
        initial["version"] = beneficiary.version
        if identity is not None:
            initial.update({k: getattr(identity, k) for k in IDENTITY_FIELDS})
            initial.update(date_of_birth_initial(initial.pop("date_of_birth")))
        return initial


def date_of_birth_initial(recorded: str) -> dict[str, Any]:
    """A recorded date of birth as the form's boxes: a date, a year, or a value neither reads."""
    recorded = (recorded or "").strip()
    if ISO_DATE.fullmatch(recorded):
        try:
            return {"date_of_birth": dt.date.fromisoformat(recorded)}
        except ValueError:
            pass
    elif recorded.isdigit() and len(recorded) == 4:
        return {"year_of_birth": int(recorded)}
    return {"unreadable_date_of_birth": recorded} if recorded else {}


class BeneficiaryMergeForm(CaseForm):
    keep = forms.CharField(
        label=_("Code of the record to keep"), max_length=16, widget=forms.TextInput(PRIVATE)
    )
    merge = forms.CharField(
        label=_("Code of the duplicate (merged into the first)"),
        max_length=16,
        widget=forms.TextInput(PRIVATE),
    )

    def clean_keep(self) -> str:
        keep: str = self.cleaned_data["keep"]
        return keep.strip().upper()

    def clean_merge(self) -> str:
        merge: str = self.cleaned_data["merge"]
        return merge.strip().upper()
