"""Programme staff's forms: an event with its days, and a participant added by hand.

They check what a person typed and hand it to `programmes.services` in the shape the services take
(`EventDetails`, `DayPlan`, `ParticipantDetails`). The event form never touches `places_taken`: that number
only moves through the services, which save only the fields of `services.EVENT_FIELDS` so that a
registration arriving while staff edit the event is not undone.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core import validators
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrPromise

from refugiu.core.forms import form_field
from refugiu.programmes import services
from refugiu.programmes.models import Event, EventDay
from refugiu.programmes.vocabularies import ParticipantGender, Profession

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TopicsField(forms.Field):
    """A list of topics edited as text, one topic a line: the text is cleaned as a CharField cleans it
    (stripped, no NUL character), and the value is the list."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(validators.ProhibitNullCharactersValidator())

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        text = "" if value in self.empty_values else str(value).strip()
        return [line.strip() for line in text.splitlines() if line.strip()]


class EventForm(forms.ModelForm):
    topics = TopicsField(label=_("Topics"), required=False, help_text=_("One topic a line."))

    class Meta:
        model = Event
        fields = services.EVENT_FIELDS
        widgets = {
            "registration_closes_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organiser = form_field(self, "organiser", forms.ModelChoiceField)
        organiser.help_text = _(
            "An organisation of the directory; otherwise write the organiser's name below (not both)."
        )
        if organiser.queryset is not None:  # a ModelForm's field: its model's objects
            organiser.queryset = organiser.queryset.order_by("name")

    def grouped_fields(self) -> list[tuple[StrPromise, list[forms.BoundField]]]:
        """(legend, fields) pairs for the template."""
        groups = [
            (_("The event"), ["type", "title", "project", "description", "topics"]),
            (_("Organiser"), ["organiser", "organiser_name", "our_role"]),
            (_("Place"), ["venue", "city", "country"]),
            (
                _("Participants and registration"),
                [
                    "headcount",
                    "capacity",
                    "registration_open",
                    "registration_closes_on",
                    "waiting_list",
                    "is_published",
                ],
            ),
        ]
        return [(legend, [self[name] for name in names]) for legend, names in groups]

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("The capacity is at least 1; leave it empty for no limit."))
        # Checked again by the service, on the event's row held while it saves.
        refusal = services.event_capacity_refusal(self.instance, capacity)
        if refusal:
            raise forms.ValidationError(refusal)
        return capacity

    def clean_headcount(self) -> int | None:
        headcount = self.cleaned_data.get("headcount")
        if headcount is not None and headcount < 1:
            raise forms.ValidationError(_("Leave the number of participants empty when it is not known."))
        return headcount

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("organiser") and cleaned.get("organiser_name", "").strip():
            # Adding the error to the field also keeps Django from repeating it as "constraint violated".
            self.add_error(
                "organiser_name",
                _("Choose the organiser from the directory or write its name, not both."),
            )
        return cleaned

    def event_details(self) -> services.EventDetails:
        """What was typed, for `services.event_create` or `event_update` (once the form is valid)."""
        # Validation has set the new values on the form's copy of the event, as ModelForm does.
        return services.EventDetails.of(self.instance)


class EventDayForm(forms.ModelForm):
    class Meta:
        model = EventDay
        fields = ["date", "starts_at", "ends_at"]
        widgets = {"date": DATE_WIDGET, "starts_at": TIME_WIDGET, "ends_at": TIME_WIDGET}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The day must end after it starts."))
        return cleaned


def _marked_for_deletion(form: forms.BaseForm) -> bool:
    """Whether the form's "delete" box is ticked (what Django's formsets ask themselves, once it is clean)."""
    return bool(form.cleaned_data.get(DELETION_FIELD_NAME, False))


class BaseEventDayFormSet(forms.BaseInlineFormSet):
    dates: list[datetime.date]  # the days kept, once clean

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        dates: list[datetime.date] = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and _marked_for_deletion(form):
                if not services.event_day_removable(form.instance):
                    raise forms.ValidationError(
                        _("People were checked in on %(date)s: that day cannot be removed.")
                        % {"date": form.instance.date.isoformat()}
                    )
                continue
            date = form.cleaned_data["date"]  # required: every valid day has one
            if date in dates:
                raise forms.ValidationError(_("Each date may be given only once."))
            dates.append(date)
        if not dates:
            raise forms.ValidationError(_("Give at least one day of the event."))
        self.dates = dates

    def check_registration_deadline(self, event_form: EventForm) -> None:
        """Registration cannot close after the event is over (call when both forms are valid)."""
        closes_on = event_form.cleaned_data.get("registration_closes_on")
        if closes_on and closes_on > max(self.dates):
            event_form.add_error(
                "registration_closes_on", _("Registration cannot close after the event's last day.")
            )

    def day_plans(self) -> list[services.DayPlan]:
        """The days changed and added, in the order Django's formsets save them (once valid)."""
        plans = []
        for form in self.initial_forms:
            if form.instance.pk is None or form in self.deleted_forms or not form.has_changed():
                continue
            plans.append(_plan(form, day=form.instance))
        for form in self.extra_forms:
            if not form.has_changed() or (self.can_delete and _marked_for_deletion(form)):
                continue
            plans.append(_plan(form, day=None))
        return plans

    def days_removed(self) -> list[EventDay]:
        return [form.instance for form in self.deleted_forms if form.instance.pk is not None]


def _plan(form: forms.ModelForm, *, day: EventDay | None) -> services.DayPlan:
    data = form.cleaned_data
    return services.DayPlan(date=data["date"], starts_at=data["starts_at"], ends_at=data["ends_at"], day=day)


# The factory makes a subclass of `formset`; django-stubs types what it returns as the base class.
EventDayFormSet = cast(
    type[BaseEventDayFormSet],
    forms.inlineformset_factory(
        Event,
        EventDay,
        form=EventDayForm,
        formset=BaseEventDayFormSet,
        extra=3,
        can_delete=True,
    ),
)


def _country_choices() -> list[tuple[str, str]]:
    return [("", _("— not given —")), *countries]


class ParticipantAddForm(forms.Form):
    """Staff register someone themselves (a phone call, a walk-in): no consent box, the source says so."""

    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("The confirmation and, later, the certificate are sent here."),
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("— choose —")), *Profession.choices]
    )
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    country = forms.ChoiceField(label=_("Country where they work"), choices=_country_choices, required=False)
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("— not given —")), *ParticipantGender.choices],
        required=False,
    )

    def participant_details(self) -> services.ParticipantDetails:
        """What was typed, for services.participant_add (once the form is valid)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "email": data["email"],
            "profession": data["profession"],
            "institution": data["institution"],
            "country": data["country"],
            "gender": data["gender"],
        }
