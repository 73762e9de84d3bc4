"""Forms of what happens in a case: sessions, notes, consents, needs assessments, tasks, proceedings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from refugiu.accounts.models import User
from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import (
    SHORT_TEXT,
    CaseForm,
    ISODateField,
    StaffChoiceField,
    VersionedForm,
)
from refugiu.cases.models import Case, Proceeding
from refugiu.cases.services import PROCEEDING_EDITABLE
from refugiu.core.forms import form_field
from refugiu.directory.models import Organization


class ServiceEntryForm(CaseForm):
    kind = forms.ChoiceField(label=_("Service"), choices=v.ServiceKind.choices)
    delivered_on = ISODateField(label=_("Date"))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    mediator = forms.CharField(label=_("Mediator or interpreter present"), max_length=150, required=False)
    language = forms.CharField(label=_("Language used"), max_length=16, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(SHORT_TEXT))


class NoteForm(CaseForm):
    seal = forms.ChoiceField(label=_("Who may read it"), choices=(), widget=forms.RadioSelect)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea({"rows": 8}))

    def __init__(self, *args: Any, seals: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "seal", forms.ChoiceField).choices = [
            (k, label) for k, label in v.NoteSeal.choices if k in seals
        ]
        self.fields["seal"].initial = v.NoteSeal.NONE


class ConsentForm(CaseForm):
    """`q` searches the directory for the organisation, as in the referral form."""

    q = forms.CharField(label=_("Search the directory for the organisation"), max_length=200, required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=v.ConsentPurpose.choices)
    organization = forms.ChoiceField(
        label=_("Organisation (for sharing)"), choices=(), required=False, widget=forms.RadioSelect
    )
    recipient_name = forms.CharField(
        label=_("Recipient (if not in the directory)"), max_length=200, required=False
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Data that may be shared"),
        choices=v.SharedField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = ISODateField(label=_("Given on"))
    consent_form = forms.ChoiceField(label=_("Form of consent"), choices=v.ConsentForm.choices)

    def __init__(self, *args: Any, organizations: Iterable[Organization] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        form_field(self, "organization", forms.ChoiceField).choices = [
            (str(o.pk), f"{o.display_name} ({o.country or '—'})") for o in organizations
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        organization = self.organizations.get(data.get("organization") or "")
        data["organization"] = organization
        sharing = data.get("purpose") == v.ConsentPurpose.SHARING
        if sharing and organization is None and not (data.get("recipient_name") or "").strip():
            raise forms.ValidationError(_("Name the organisation the data may be shared with."))
        return data


class AssessmentForm(CaseForm):
    assessed_on = ISODateField(label=_("Assessed on"))
    legal = forms.ChoiceField(label=_("Legal"), choices=v.NeedLevel.choices)
    social = forms.ChoiceField(label=_("Social"), choices=v.NeedLevel.choices)
    psychological = forms.ChoiceField(label=_("Psychological"), choices=v.NeedLevel.choices)
    medical = forms.ChoiceField(label=_("Medical"), choices=v.NeedLevel.choices)
    shelter = forms.ChoiceField(label=_("Shelter"), choices=v.NeedLevel.choices)
    interpretation = forms.ChoiceField(label=_("Interpretation"), choices=v.NeedLevel.choices)
    safety = forms.ChoiceField(label=_("Safety"), choices=v.NeedLevel.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 5}))


class TaskForm(CaseForm):
    title = forms.CharField(label=_("What to do"), max_length=500)
    due_on = ISODateField(label=_("Due on"))
    assignee = StaffChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(case_teams__case=case) | User.objects.filter(pk=user.pk)
        form_field(self, "assignee", forms.ModelChoiceField).queryset = people.distinct().order_by(
            "display_name", "username"
        )
        self.fields["assignee"].initial = user.pk


def _stage_choices() -> list[tuple[Any, list[tuple[str, Any]]]]:
    labels = dict(v.ProceedingStage.choices)
    return [
        (kind_label, [(stage, labels[stage]) for stage in v.PROCEEDING_STAGES[kind]])
        for kind, kind_label in v.ProceedingKind.choices
    ]


PROCEEDING_FIELDS = PROCEEDING_EDITABLE


def _money(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, required=False)


class ProceedingFieldsForm(CaseForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=_stage_choices)
    authority = forms.CharField(label=_("Court or authority"), max_length=200, required=False)
    file_number = forms.CharField(label=_("File number"), max_length=100, required=False)
    started_on = ISODateField(label=_("Started on"), required=False)
    decided_on = ISODateField(label=_("Decided on"), required=False)
    deadline = ISODateField(label=_("Next deadline"), required=False)
    deadline_label = forms.CharField(label=_("What is due"), max_length=200, required=False)
    is_dublin = forms.BooleanField(label=_("Dublin procedure"), required=False)
    is_appeal = forms.BooleanField(label=_("Appeal"), required=False)
    pecuniary_claimed = _money(_("Pecuniary damage claimed"))
    non_pecuniary_claimed = _money(_("Non-pecuniary damage claimed"))
    pecuniary_awarded = _money(_("Pecuniary damage awarded"))
    non_pecuniary_awarded = _money(_("Non-pecuniary damage awarded"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, required=False, help_text=_("For example RON, EUR.")
    )
    evidence = forms.CharField(
        label=_("Evidence (e.g. psychological report)"), required=False, widget=forms.Textarea(SHORT_TEXT)
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(SHORT_TEXT))

    fieldsets = [
        (None, ["kind", "stage", "authority", "file_number", "started_on", "decided_on"]),
        (_("Deadline (appears in the task list)"), ["deadline", "deadline_label"]),
        (_("Asylum procedure"), ["is_dublin", "is_appeal"]),
        (
            _("Compensation claim"),
            [
                "pecuniary_claimed",
                "non_pecuniary_claimed",
                "pecuniary_awarded",
                "non_pecuniary_awarded",
                "currency",
            ],
        ),
        (None, ["evidence", "notes"]),
    ]

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        return currency.strip().upper()

    def proceeding_fields(self) -> dict[str, Any]:
        """The proceeding's fields but its kind, as keyword arguments of `services.proceeding_record` /
        `proceeding_update`."""
        return {k: self.cleaned_data[k] for k in PROCEEDING_FIELDS}


class ProceedingNewForm(ProceedingFieldsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=v.ProceedingKind.choices)

    field_order = ["kind"]


class ProceedingEditForm(ProceedingFieldsForm, VersionedForm):
    @staticmethod
    def initial_for(proceeding: Proceeding) -> dict[str, Any]:
        return {**{k: getattr(proceeding, k) for k in PROCEEDING_FIELDS}, "version": proceeding.version}
