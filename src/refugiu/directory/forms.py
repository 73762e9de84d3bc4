from django import forms
from django.utils.translation import gettext_lazy as _

from refugiu.directory.models import Suggestion


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.CharField(required=False, max_length=2)
    city = forms.CharField(required=False, max_length=200)
    institution_type = forms.CharField(required=False, max_length=100)
    service_type = forms.CharField(required=False, max_length=100)
    target_group = forms.CharField(required=False, max_length=100)
    crime_type = forms.CharField(required=False, max_length=100)
    language = forms.CharField(required=False, max_length=20)
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
