"""Every write to programmes goes through here: registrations, events and their days, attendance,
certificates, evaluations, and the admin's records; retention and reminders run from the commands.

Staff writes are keyword-only `<entity>_<verb>(*, actor, ...)` functions with explicit typed parameters:
each checks the actor through `programmes.access` (refusing with `access.ProgrammesAccessDenied`), acts,
and writes its audit record ("programmes.*", `core.audit`) in the same transaction. The public's writes
(registering, cancelling and answering the questionnaire through the signed links) take no actor: the form
is open while `access.registration_closed_reason` says so, the links are signed. Rules refuse with
`RegistrationError` or `EventError`, whose `message` is for the person.

Capacity is kept by conditional UPDATEs (`places`); e-mails go out after the transaction commits, in the
participant's language (`mail`); their links are signed (`links`).
"""

from refugiu.programmes.access import registration_closed_reason
from refugiu.programmes.services.attendance import (
    CODE_ALPHABET,
    CodeCheckIn,
    EvaluationAnswers,
    attendance_check_in,
    attendance_check_in_by_code,
    attendance_undo,
    certificate_get,
    certificates_issue,
    evaluation_invite,
    evaluation_submit,
    new_certificate_code,
)
from refugiu.programmes.services.errors import EventError, ProgrammesError, RegistrationError
from refugiu.programmes.services.events import (
    EVENT_FIELDS,
    DayPlan,
    EventDetails,
    event_capacity_refusal,
    event_capacity_valid,
    event_create,
    event_day_removable,
    event_update,
)
from refugiu.programmes.services.links import (
    CANCEL_SALT,
    EVALUATION_MAX_AGE,
    EVALUATION_SALT,
    cancel_token,
    evaluation_token,
    participant_from_cancel_token,
    participant_from_evaluation_token,
    site_url,
)
from refugiu.programmes.services.places import is_full
from refugiu.programmes.services.records import record_delete, record_save
from refugiu.programmes.services.registrations import (
    ParticipantDetails,
    consent_text,
    participant_add,
    participant_cancel,
    participant_cancel_by_link,
    participant_confirm,
    participant_register,
)
from refugiu.programmes.services.retention import (
    months_before,
    participants_anonymise,
    participants_due_for_anonymisation,
    reminders_send,
)

__all__ = [
    "CANCEL_SALT",
    "CODE_ALPHABET",
    "CodeCheckIn",
    "EVALUATION_MAX_AGE",
    "EVALUATION_SALT",
    "EVENT_FIELDS",
    "DayPlan",
    "EvaluationAnswers",
    "EventDetails",
    "EventError",
    "ParticipantDetails",
    "ProgrammesError",
    "RegistrationError",
    "attendance_check_in",
    "attendance_check_in_by_code",
    "attendance_undo",
    "cancel_token",
    "certificate_get",
    "certificates_issue",
    "consent_text",
    "evaluation_invite",
    "evaluation_submit",
    "evaluation_token",
    "event_capacity_refusal",
    "event_capacity_valid",
    "event_create",
    "event_day_removable",
    "event_update",
    "is_full",
    "months_before",
    "new_certificate_code",
    "participant_add",
    "participant_cancel",
    "participant_cancel_by_link",
    "participant_confirm",
    "participant_from_cancel_token",
    "participant_from_evaluation_token",
    "participant_register",
    "participants_anonymise",
    "participants_due_for_anonymisation",
    "record_delete",
    "record_save",
    "registration_closed_reason",
    "reminders_send",
    "site_url",
]
