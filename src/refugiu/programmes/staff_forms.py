"""Programme staff's forms: an event with its days, and a participant added by hand.

The event form never touches `places_taken`: that number only moves through `programmes.services`, and the
view saves only the fields below so that a registration arriving while staff edit the event is not undone.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from refugiu.programmes import services
from refugiu.programmes.models import Event, EventDay
from refugiu.programmes.vocabularies import ParticipantGender, Profession

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

# Fields of Event that staff set here (the rest is either the services' or the seed data's).
EVENT_FIELDS = [
    "type",
    "title",
    "project",
    "organiser",
    "organiser_name",
    "our_role",
    "city",
    "country",
    "venue",
    "topics",
    "description",
    "headcount",
    "capacity",
    "registration_open",
    "registration_closes_on",
    "waiting_list",
    "is_published",
]


class TopicsField(forms.CharField):
    """A list of topics edited as text, one topic a line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class EventForm(forms.ModelForm):
    topics = TopicsField(label=_("Topics"), required=False, help_text=_("One topic a line."))

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {
            "registration_closes_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].help_text = _(
            "An organisation of the directory; otherwise write the organiser's name below (not both)."
        )
        self.fields["organiser"].queryset = self.fields["organiser"].queryset.order_by("name")

    def grouped_fields(self):
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

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("The capacity is at least 1; leave it empty for no limit."))
        if not services.event_capacity_valid(self.instance, capacity):
            raise forms.ValidationError(
                _(
                    "%(taken)d people are already confirmed: the capacity cannot be lower. Cancel "
                    "registrations first if fewer places are left."
                )
                % {"taken": self.instance.places_taken}
            )
        return capacity

    def clean_headcount(self):
        headcount = self.cleaned_data.get("headcount")
        if headcount is not None and headcount < 1:
            raise forms.ValidationError(_("Leave the number of participants empty when it is not known."))
        return headcount

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organiser") and cleaned.get("organiser_name", "").strip():
            # Adding the error to the field also keeps Django from repeating it as "constraint violated".
            self.add_error(
                "organiser_name",
                _("Choose the organiser from the directory or write its name, not both."),
            )
        return cleaned


class EventDayForm(forms.ModelForm):
    class Meta:
        model = EventDay
        fields = ["date", "starts_at", "ends_at"]
        widgets = {"date": DATE_WIDGET, "starts_at": TIME_WIDGET, "ends_at": TIME_WIDGET}

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The day must end after it starts."))
        return cleaned


class BaseEventDayFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        dates = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk and form.instance.attendances.exists():
                    raise forms.ValidationError(
                        _("People were checked in on %(date)s: that day cannot be removed.")
                        % {"date": form.instance.date.isoformat()}
                    )
                continue
            date = form.cleaned_data.get("date")
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


EventDayFormSet = forms.inlineformset_factory(
    Event,
    EventDay,
    form=EventDayForm,
    formset=BaseEventDayFormSet,
    extra=3,
    can_delete=True,
)


def _country_choices():
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

    def registration_data(self) -> dict:
        """Keyword arguments for services.participant_register."""
        return {name: self.cleaned_data[name] for name in self.fields}
