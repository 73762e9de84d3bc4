"""Public forms of the programmes module: registering for an event, answering its questionnaire and
looking up a certificate. Nobody needs an account for any of them."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.programmes.vocabularies import EvaluationScore, ParticipantGender, Profession


def _country_choices():
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

    def registration_data(self) -> dict:
        """The keyword arguments of services.participant_register taken from the form."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "profession": data["profession"],
            "institution": data["institution"],
            "country": data["country"],
            "gender": data["gender"],
            "consent": data["consent"],
        }


def _score_field(label):
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

    def answers(self) -> dict:
        """The cleaned answers, in the shape services.evaluation_submit expects."""
        return {
            name: self.cleaned_data[name]
            for name in ("overall", "content", "usefulness", "organisation", "liked", "improve")
        }


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("Twelve letters and digits, printed on the certificate, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )
