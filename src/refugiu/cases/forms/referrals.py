"""Forms of referrals: sending one (with the directory search inside the form) and recording its answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.cases import vocabularies as v
from refugiu.cases.forms.common import SHORT_TEXT, CaseForm, VersionedForm
from refugiu.cases.models import Consent, Referral
from refugiu.core.forms import form_field
from refugiu.directory.models import Organization, Service
from refugiu.organisation.models import Department


class ReferralForm(CaseForm):
    """Destination ("service:<id>" or "organization:<id>" from the directory search, or
    "department:<id>"), reason, fields.

    `q` searches the directory inside the form; the page works without JavaScript by posting it back.
    `directory` holds what the search found, by organisation: each organisation is offered itself (the
    only choice for one with no listed service), followed by its services that were found."""

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

    def __init__(
        self,
        *args: Any,
        directory: Iterable[tuple[Organization, Sequence[Service]]] = (),
        departments: Iterable[Department] = (),
        consents: Iterable[Consent] = (),
        can_override: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        covered_by: dict[str, list[str]] = {}  # organisation id → shared fields its consent covers
        for consent in consents:
            if consent.purpose == v.ConsentPurpose.SHARING and consent.organization_id:
                covered_by.setdefault(str(consent.organization_id), []).extend(consent.shared_fields)
        labels = dict(v.SharedField.choices)
        choices = []
        self.services: dict[str, Service] = {}
        self.organizations: dict[str, Organization] = {}
        self.departments: dict[str, Department] = {}
        for organization, services in directory:
            fields = covered_by.get(str(organization.pk))
            consent_text = (
                _("consent covers: %(fields)s")
                % {"fields": ", ".join(str(labels[f]) for f in sorted(set(fields)))}
                if fields
                else _("no sharing consent recorded")
            )
            country = dict(countries).get(organization.country, organization.country or "—")
            self.organizations[str(organization.pk)] = organization
            itself = (
                _("the organisation itself, not one of its services")
                if services
                else _("the organisation itself, which has no service listed in the directory")
            )
            choices.append(
                (
                    f"organization:{organization.pk}",
                    f"{organization.display_name} ({country}) — {itself}; {consent_text}",
                )
            )
            for service in services:
                self.services[str(service.pk)] = service
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
        form_field(self, "destination", forms.ChoiceField).choices = choices
        names_by_org = {
            str(c.organization_id): c.organization.display_name
            for c in consents
            if c.organization is not None
        }
        field_choices = []
        for key, field_label in v.SharedField.choices:
            orgs = sorted({names_by_org[o] for o, fields in covered_by.items() if key in fields})
            note = (
                _("covered by the consent for %(orgs)s") % {"orgs": ", ".join(orgs)}
                if orgs
                else _("not covered by a sharing consent")
            )
            field_choices.append((key, f"{field_label} ({note})"))
        form_field(self, "shared_fields", forms.ChoiceField).choices = field_choices
        if not can_override:
            del self.fields["override_reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, _sep, pk = (data.get("destination") or "").partition(":")
        data["service"] = self.services.get(pk) if kind == "service" else None
        data["organization"] = self.organizations.get(pk) if kind == "organization" else None
        data["department"] = self.departments.get(pk) if kind == "department" else None
        return data


class ReferralUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=())
    decline_reason = forms.CharField(
        label=_("Reason for declining"), required=False, widget=forms.Textarea(SHORT_TEXT)
    )
    feedback = forms.CharField(label=_("Feedback"), required=False, widget=forms.Textarea(SHORT_TEXT))

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(v.ReferralStatus.choices)
        form_field(self, "status", forms.ChoiceField).choices = [
            (s, labels[s])
            for s in v.ReferralStatus.values
            if s in v.REFERRAL_NEXT.get(referral.status, set())
        ]
