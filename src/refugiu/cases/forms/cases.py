"""Forms about a case itself: open, edit, status, team, closure, reopening, break-glass, list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from refugiu.accounts.models import User
from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import (
    PRIVATE,
    SHORT_TEXT,
    CaseForm,
    StaffChoiceField,
    VersionedForm,
    case_staff_queryset,
    country_choices,
)
from refugiu.cases.models import Case
from refugiu.cases.services.cases import TeamChoice
from refugiu.core.forms import form_field
from refugiu.organisation.models import Department

CASE_FIELDS = (
    "category",
    "risk_level",
    "flags",
    "summary",
    "trafficking_status",
    "exploitation_types",
    "control_methods",
    "recruitment_methods",
    "exploitation_country",
)
TRAFFICKING_FIELDS = (
    "trafficking_status",
    "exploitation_types",
    "control_methods",
    "recruitment_methods",
    "exploitation_country",
)


class CaseFieldsForm(CaseForm):
    category = forms.ChoiceField(label=_("Category"), choices=v.CaseCategory.choices)
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=v.RiskLevel.choices, initial=v.RiskLevel.LOW
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=v.CaseFlag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea({"rows": 5}))
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"), choices=[("", "—"), *v.TraffickingStatus.choices], required=False
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=v.ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Means of control"),
        choices=v.ControlMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("Recruitment"),
        choices=v.RecruitmentMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_country = forms.ChoiceField(
        label=_("Country of exploitation"), choices=country_choices, required=False
    )

    def case_fields(self) -> dict[str, Any]:
        """The case's fields, as keyword arguments of `services.case_open` / `case_update`."""
        return {k: self.cleaned_data[k] for k in CASE_FIELDS}


class CaseOpenForm(CaseFieldsForm):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    my_function = forms.ChoiceField(
        label=_("Your function on this case"),
        choices=[("", _("As on my other cases")), *v.TeamFunction.choices],
        required=False,
        help_text=_("Used when you open the case in a department you do not coordinate."),
    )

    TEAM_ROWS = 5

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "department", forms.ModelChoiceField).queryset = access.departments_worked_in(user)
        self.coordinates = set(access.coordinated_department_ids(user))
        team_fields = []
        if self.coordinates:
            staff = case_staff_queryset()
            for i in range(1, self.TEAM_ROWS + 1):
                self.fields[f"member_{i}"] = StaffChoiceField(
                    label=_("Team member %(n)d") % {"n": i}, queryset=staff, required=False
                )
                self.fields[f"function_{i}"] = forms.ChoiceField(
                    label=_("Function of team member %(n)d") % {"n": i},
                    choices=[("", "—"), *v.TeamFunction.choices],
                    required=False,
                )
                team_fields += [f"member_{i}", f"function_{i}"]
        self.fieldsets = [
            (None, ["department", "my_function", "category", "risk_level", "flags", "summary"]),
            (_("If trafficking"), list(TRAFFICKING_FIELDS)),
        ]
        if team_fields:
            self.fieldsets.append(
                (_("Team (for a department you coordinate; the first member is the lead)"), team_fields)
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        department = data.get("department")
        team: list[TeamChoice] = []
        for i in range(1, self.TEAM_ROWS + 1):
            member, function = data.get(f"member_{i}"), data.get(f"function_{i}", "")
            if member and not function:
                self.add_error(f"function_{i}", _("Choose this person's function."))
            elif member:
                team.append((member, function, not team))
        if team and (department is None or department.pk not in self.coordinates):
            raise forms.ValidationError(_("Only the department's coordinator chooses the team."))
        if department is not None and department.pk not in self.coordinates and data.get("my_function"):
            team = [(self.user, data["my_function"], True)]
        # Otherwise case_open puts the user on the team with the function they last held.
        data["team"] = team
        return data


class CaseEditForm(CaseFieldsForm, VersionedForm):
    fieldsets = [
        (None, ["category", "risk_level", "flags", "summary"]),
        (_("If trafficking"), list(TRAFFICKING_FIELDS)),
    ]

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        initial = {k: getattr(case, k) for k in CASE_FIELDS}
        initial["exploitation_country"] = case.exploitation_country.code or ""
        initial["version"] = case.version
        return initial


class CaseStatusForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(SHORT_TEXT))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(v.CaseStatus.choices)
        form_field(self, "to_status", forms.ChoiceField).choices = [
            (s, labels[s]) for s in v.CaseStatus.values if s in v.STATUS_NEXT.get(case.status, set())
        ]


class TeamAddForm(CaseForm):
    member = StaffChoiceField(label=_("Person"), queryset=User.objects.none())
    function = forms.ChoiceField(label=_("Function"), choices=v.TeamFunction.choices)
    is_lead = forms.BooleanField(label=_("Lead caseworker"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "member", forms.ModelChoiceField).queryset = case_staff_queryset()


class CaseCloseForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=v.ClosureOutcome.choices)
    reason = forms.CharField(label=_("Reason for closing"), widget=forms.Textarea(SHORT_TEXT))


class CaseCloseDecideForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: close the case")), ("send_back", _("Send back: keep it open"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(SHORT_TEXT))


class CaseReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(SHORT_TEXT))


class BreakGlassForm(CaseForm):
    reason = forms.CharField(
        label=_("Why you need this access"),
        min_length=10,
        help_text=_("At least 10 characters. The data protection officer sees every such access."),
        widget=forms.Textarea(SHORT_TEXT),
    )


class BreakGlassByReferenceForm(BreakGlassForm):
    reference = forms.CharField(label=_("Case reference"), max_length=16, widget=forms.TextInput(PRIVATE))

    field_order = ["reference", "reason"]

    def clean_reference(self) -> str:
        reference: str = self.cleaned_data["reference"]
        return reference.strip().upper()


class CaseFilterForm(forms.Form):
    """The case list's filters. They travel in the query string: they hold no personal data."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Not closed")), *v.CaseStatus.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *v.CaseCategory.choices], required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(kind=Department.Kind.ASSISTANCE),
        required=False,
        empty_label=_("Any"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
