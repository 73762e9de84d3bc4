"""Forms of the staff case pages. They parse and validate input only; every write goes through
`cases.services`, which decides what the user may do.

Identity fields carry `autocomplete="off"` so a shared office computer does not offer one person's name
or document number while another is being registered.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.accounts.models import User
from refugiu.accounts.roles import Role
from refugiu.cases import access
from refugiu.cases import vocabularies as v
from refugiu.cases.services import PROCEEDING_EDITABLE
from refugiu.organisation.models import Department

PRIVATE = {"autocomplete": "off"}
SHORT_TEXT = {"rows": 3}
DATE = {"type": "date"}


def _country_choices():
    return [("", "—"), *countries]


def case_staff_queryset():
    """Active people who can work on cases (caseworkers and coordinators)."""
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=[Role.CASEWORKER, Role.COORDINATOR])
        .distinct()
        .order_by("display_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class CaseForm(forms.Form):
    """A form whose fields can be grouped in fieldsets (`fieldsets`: legend → field names)."""

    fieldsets: list[tuple] = []

    def grouped_fields(self):
        if not self.fieldsets:
            return [(None, self.visible_fields())]
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]


class VersionedForm(CaseForm):
    """Edits of versioned records carry the version they started from (services refuse a stale one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# Beneficiaries -------------------------------------------------------------------------------------


class BeneficiarySearchForm(CaseForm):
    names = forms.CharField(label=_("Names"), required=False, max_length=200, widget=forms.TextInput(PRIVATE))
    phone = forms.CharField(label=_("Phone"), required=False, max_length=50, widget=forms.TextInput(PRIVATE))
    document = forms.CharField(
        label=_("Document number"), required=False, max_length=50, widget=forms.TextInput(PRIVATE)
    )
    code = forms.CharField(label=_("Code"), required=False, max_length=16, widget=forms.TextInput(PRIVATE))

    def clean(self):
        data = super().clean()
        if not any((data.get(k) or "").strip() for k in ("names", "phone", "document", "code")):
            raise forms.ValidationError(_("Fill in at least one field to search."))
        return data


class LanguagesField(forms.CharField):
    """Language codes typed as "ro, en, ar"; kept as a list of lower-case codes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Languages"))
        kwargs.setdefault("help_text", _("Language codes separated by commas, for example: ro, en, ar."))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        codes = [c.strip().lower() for c in value.replace(";", ",").split(",") if c.strip()]
        for code in codes:
            if not (2 <= len(code) <= 8 and code.replace("-", "").isalpha()):
                raise forms.ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        return list(dict.fromkeys(codes))


ATTRIBUTE_FIELDS = ("gender", "age_band", "nationality", "languages", "migration_status")
IDENTITY_FIELDS = (
    "given_names",
    "family_names",
    "other_names",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "document_type",
    "document_number",
)


class BeneficiaryFieldsForm(CaseForm):
    gender = forms.ChoiceField(label=_("Gender"), choices=v.Gender.choices, initial=v.Gender.UNKNOWN)
    age_band = forms.ChoiceField(label=_("Age band"), choices=v.AgeBand.choices, initial=v.AgeBand.UNKNOWN)
    nationality = forms.ChoiceField(label=_("Nationality"), choices=_country_choices, required=False)
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

    def attributes(self) -> dict:
        return {k: self.cleaned_data[k] for k in ATTRIBUTE_FIELDS}

    def identity(self) -> dict:
        return {k: self.cleaned_data[k] for k in IDENTITY_FIELDS}


class BeneficiaryRegisterForm(BeneficiaryFieldsForm):
    pass


class BeneficiaryEditForm(BeneficiaryFieldsForm, VersionedForm):
    @staticmethod
    def initial_for(beneficiary) -> dict:
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

    def clean_keep(self):
        return self.cleaned_data["keep"].strip().upper()

    def clean_merge(self):
        return self.cleaned_data["merge"].strip().upper()


# Cases ---------------------------------------------------------------------------------------------

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
        label=_("Country of exploitation"), choices=_country_choices, required=False
    )

    def case_fields(self) -> dict:
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["department"].queryset = access.departments_worked_in(user)
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

    def clean(self):
        data = super().clean()
        department = data.get("department")
        team = []
        for i in range(1, self.TEAM_ROWS + 1):
            member, function = data.get(f"member_{i}"), data.get(f"function_{i}")
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
    def initial_for(case) -> dict:
        initial = {k: getattr(case, k) for k in CASE_FIELDS}
        initial["exploitation_country"] = case.exploitation_country.code or ""
        initial["version"] = case.version
        return initial


class CaseStatusForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(SHORT_TEXT))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(v.CaseStatus.choices)
        self.fields["to_status"].choices = [
            (s, labels[s]) for s in v.CaseStatus.values if s in v.STATUS_NEXT.get(case.status, set())
        ]


class TeamAddForm(CaseForm):
    member = StaffChoiceField(label=_("Person"), queryset=User.objects.none())
    function = forms.ChoiceField(label=_("Function"), choices=v.TeamFunction.choices)
    is_lead = forms.BooleanField(label=_("Lead caseworker"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = case_staff_queryset()


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

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


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


# What happens in a case ----------------------------------------------------------------------------


class ServiceEntryForm(CaseForm):
    kind = forms.ChoiceField(label=_("Service"), choices=v.ServiceKind.choices)
    delivered_on = forms.DateField(label=_("Date"), widget=forms.DateInput(DATE))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    mediator = forms.CharField(label=_("Mediator or interpreter present"), max_length=150, required=False)
    language = forms.CharField(label=_("Language used"), max_length=16, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(SHORT_TEXT))


class NoteForm(CaseForm):
    seal = forms.ChoiceField(label=_("Who may read it"), choices=(), widget=forms.RadioSelect)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea({"rows": 8}))

    def __init__(self, *args, seals: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seal"].choices = [(k, label) for k, label in v.NoteSeal.choices if k in seals]
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
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(DATE))
    consent_form = forms.ChoiceField(label=_("Form of consent"), choices=v.ConsentForm.choices)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(o.pk): o for o in organizations}
        self.fields["organization"].choices = [
            (str(o.pk), f"{o.display_name} ({o.country or '—'})") for o in organizations
        ]

    def clean(self):
        data = super().clean()
        organization = self.organizations.get(data.get("organization") or "")
        data["organization"] = organization
        sharing = data.get("purpose") == v.ConsentPurpose.SHARING
        if sharing and organization is None and not (data.get("recipient_name") or "").strip():
            raise forms.ValidationError(_("Name the organisation the data may be shared with."))
        return data


class AssessmentForm(CaseForm):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=forms.DateInput(DATE))
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
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(DATE))
    assignee = StaffChoiceField(label=_("Assignee"), queryset=User.objects.none())

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(case_teams__case=case) | User.objects.filter(pk=user.pk)
        self.fields["assignee"].queryset = people.distinct().order_by("display_name", "username")
        self.fields["assignee"].initial = user.pk


def _stage_choices():
    labels = dict(v.ProceedingStage.choices)
    return [
        (kind_label, [(stage, labels[stage]) for stage in v.PROCEEDING_STAGES[kind]])
        for kind, kind_label in v.ProceedingKind.choices
    ]


PROCEEDING_FIELDS = PROCEEDING_EDITABLE


def _money(label):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, required=False)


class ProceedingFieldsForm(CaseForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=_stage_choices)
    authority = forms.CharField(label=_("Court or authority"), max_length=200, required=False)
    file_number = forms.CharField(label=_("File number"), max_length=100, required=False)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=forms.DateInput(DATE))
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=forms.DateInput(DATE))
    deadline = forms.DateField(label=_("Next deadline"), required=False, widget=forms.DateInput(DATE))
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

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def proceeding_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in PROCEEDING_FIELDS}


class ProceedingNewForm(ProceedingFieldsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=v.ProceedingKind.choices)

    field_order = ["kind"]


class ProceedingEditForm(ProceedingFieldsForm, VersionedForm):
    @staticmethod
    def initial_for(proceeding) -> dict:
        return {**{k: getattr(proceeding, k) for k in PROCEEDING_FIELDS}, "version": proceeding.version}


# Referrals -----------------------------------------------------------------------------------------


class ReferralForm(CaseForm):
    """Destination ("service:<id>" from the directory search, or "department:<id>"), reason, fields.

    `q` searches the directory inside the form; the page works without JavaScript by posting it back."""

    q = forms.CharField(label=_("Search the directory"), max_length=200, required=False)
    destination = forms.ChoiceField(label=_("Send to"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason for the referral"), widget=forms.Textarea(SHORT_TEXT))
    shared_fields = forms.MultipleChoiceField(
        label=_("Data shared with the recipient"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = forms.CharField(
        label=_("Send without consent: the reason (coordinators only)"),
        required=False,
        widget=forms.Textarea(SHORT_TEXT),
    )

    def __init__(self, *args, services=(), departments=(), consents=(), can_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        covered_by: dict[str, list[str]] = {}  # organisation id → shared fields its consent covers
        for consent in consents:
            if consent.purpose == v.ConsentPurpose.SHARING and consent.organization_id:
                covered_by.setdefault(str(consent.organization_id), []).extend(consent.shared_fields)
        labels = dict(v.SharedField.choices)
        choices = []
        self.services, self.departments = {}, {}
        for service in services:
            self.services[str(service.pk)] = service
            organization = service.organization
            fields = covered_by.get(str(organization.pk))
            consent_text = (
                _("consent covers: %(fields)s")
                % {"fields": ", ".join(str(labels[f]) for f in sorted(set(fields)))}
                if fields
                else _("no sharing consent recorded")
            )
            country = dict(countries).get(organization.country, organization.country or "—")
            choices.append(
                (
                    f"service:{service.pk}",
                    f"{service.display_name} — {organization.display_name} ({country}); {consent_text}",
                )
            )
        assistance = any(c.purpose == v.ConsentPurpose.ASSISTANCE for c in consents)
        internal_consent = (
            _("assistance consent recorded") if assistance else _("no assistance consent recorded")
        )
        for department in departments:
            self.departments[str(department.pk)] = department
            label = _("Internal: %(name)s; %(consent)s") % {
                "name": department.name,
                "consent": internal_consent,
            }
            choices.append((f"department:{department.pk}", label))
        self.fields["destination"].choices = choices
        names_by_org = {
            str(c.organization_id): c.organization.display_name for c in consents if c.organization_id
        }
        field_choices = []
        for key, label in v.SharedField.choices:
            orgs = sorted({names_by_org[o] for o, fields in covered_by.items() if key in fields})
            note = (
                _("covered by the consent for %(orgs)s") % {"orgs": ", ".join(orgs)}
                if orgs
                else _("not covered by a sharing consent")
            )
            field_choices.append((key, f"{label} ({note})"))
        self.fields["shared_fields"].choices = field_choices
        if not can_override:
            del self.fields["override_reason"]

    def clean(self):
        data = super().clean()
        kind, _sep, pk = (data.get("destination") or "").partition(":")
        data["service"] = self.services.get(pk) if kind == "service" else None
        data["department"] = self.departments.get(pk) if kind == "department" else None
        return data


class ReferralUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=())
    decline_reason = forms.CharField(
        label=_("Reason for declining"), required=False, widget=forms.Textarea(SHORT_TEXT)
    )
    feedback = forms.CharField(label=_("Feedback"), required=False, widget=forms.Textarea(SHORT_TEXT))

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(v.ReferralStatus.choices)
        self.fields["status"].choices = [
            (s, labels[s])
            for s in v.ReferralStatus.values
            if s in v.REFERRAL_NEXT.get(referral.status, set())
        ]
