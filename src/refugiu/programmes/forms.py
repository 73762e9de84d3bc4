"""Public forms of the programmes module: registering for an event, answering its questionnaire and
looking up a certificate. Nobody needs an account for any of them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrPromise

from refugiu.programmes import services
from refugiu.programmes.vocabularies import EvaluationScore, ParticipantGender, Profession


def _country_choices() -> list[tuple[str, str]]:
    # A callable: the names are listed in the language of each request, not of the first one.
    return [("", _("— not given —")), *countries]


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("As it should appear on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation and a link to cancel to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("— choose —")), *Profession.choices]
    )
    institution = forms.CharField(
        label=_("Institution (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.ChoiceField(label=_("Country (optional)"), choices=_country_choices, required=False)
    # Optional; leaving every option unticked means "not answered", which differs from "prefer not to say".
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=ParticipantGender.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Funders ask for participants by gender; we only ever report numbers."),
    )
    consent = forms.BooleanField(
        label=_("I have read the text above and I agree."),
        error_messages={"required": _("Please read the consent text and tick the box to agree.")},
    )
    # A field people cannot see (it is moved off screen and skipped by the keyboard); software that fills
    # in every field fills it and is turned away.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_bot(self) -> bool:
        """True when the hidden field was filled (only meaningful after is_valid())."""
        return bool(self.cleaned_data.get("website"))

    def participant_details(self) -> services.ParticipantDetails:
        """What the person gave about themselves, for services.participant_register (once valid)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "profession": data["profession"],
            "institution": data["institution"],
            "country": data["country"],
            "gender": data["gender"],
        }


def _score_field(label: str | StrPromise) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=EvaluationScore.choices, coerce=int, widget=forms.RadioSelect
    )


class EvaluationForm(forms.Form):
    overall = _score_field(_("Overall, how would you rate the event?"))
    content = _score_field(_("How relevant was the content?"))
    usefulness = _score_field(_("How useful is it for your work?"))
    organisation = _score_field(_("How well was it organised?"))
    liked = forms.CharField(
        label=_("What worked well? (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    improve = forms.CharField(
        label=_("What could be better? (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please do not write names or anything that would show who you are."),
    )

    def answers(self) -> services.EvaluationAnswers:
        """The cleaned answers, for services.evaluation_submit (once valid)."""
        data = self.cleaned_data
        return services.EvaluationAnswers(
            overall=data["overall"],
            content=data["content"],
            usefulness=data["usefulness"],
            organisation=data["organisation"],
            liked=data["liked"],
            improve=data["improve"],
        )


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("Twelve letters and digits, printed on the certificate, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
