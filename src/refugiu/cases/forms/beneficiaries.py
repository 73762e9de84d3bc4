"""Forms about beneficiaries: search before registering, register, edit, merge two records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import PRIVATE, SHORT_TEXT, CaseForm, VersionedForm, country_choices
from refugiu.cases.models import Beneficiary
from refugiu.cases.services import IDENTITY_FIELDS, IdentityFields


class BeneficiarySearchForm(CaseForm):
    names = forms.CharField(label=_("Names"), required=False, max_length=200, widget=forms.TextInput(PRIVATE))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50, widget=forms.TextInput(PRIVATE))
    document = forms.CharField(
        label=_("Document number"), required=False, max_length=50, widget=forms.TextInput(PRIVATE)
    )
    code = forms.CharField(label=_("Code"), required=False, max_length=16, widget=forms.TextInput(PRIVATE))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not any((data.get(k) or "").strip() for k in ("names", "phone", "document", "code")):
            raise forms.ValidationError(_("Fill in at least one field to search."))
        return data


class LanguagesField(forms.CharField):
    """Language codes typed as "ro, en, ar"; kept as a list of lower-case codes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Languages"))
        kwargs.setdefault("help_text", _("Language codes separated by commas, for example: ro, en, ar."))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value: Any) -> list[str]:
        value = super().clean(value)
        codes = [c.strip().lower() for c in value.replace(";", ",").split(",") if c.strip()]
        for code in codes:
            if not (2 <= len(code) <= 8 and code.replace("-", "").isalpha()):
                raise forms.ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
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
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        max_length=10,
        required=False,
        help_text=_("YYYY-MM-DD, or only the year if that is all that is known."),
        widget=forms.TextInput(PRIVATE),
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
        (_("Identity (kept encrypted, shown only on request)"), list(IDENTITY_FIELDS)),
    ]

    def attributes(self) -> dict[str, Any]:
        """The arguments of `services.beneficiary_register` / `beneficiary_update`, the identity aside."""
        return {k: self.cleaned_data[k] for k in ATTRIBUTE_FIELDS}

    def identity(self) -> IdentityFields:
        data = self.cleaned_data
        return IdentityFields(
            given_names=data["given_names"],
            family_names=data["family_names"],
            other_names=data["other_names"],
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
            document_type=data["document_type"],
            document_number=data["document_number"],
        )


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
        return initial


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
