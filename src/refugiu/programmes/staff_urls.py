"""Programme staff's pages: events, registrations, check-in, sign-in sheets, certificates, evaluations."""

from django.urls import path

from refugiu.programmes import staff_views

app_name = "programmes_staff"
urlpatterns = [
    path("", staff_views.event_list, name="events"),
    path("events/new/", staff_views.event_edit, name="event_create"),
    path("events/<int:event_id>/", staff_views.event_detail, name="event"),
    path("events/<int:event_id>/edit/", staff_views.event_edit, name="event_edit"),
    path("events/<int:event_id>/participants/", staff_views.participants, name="participants"),
    path(
        "events/<int:event_id>/participants/<int:participant_id>/cancel/",
        staff_views.participant_cancel,
        name="participant_cancel",
    ),
    path(
        "events/<int:event_id>/participants/<int:participant_id>/confirm/",
        staff_views.participant_confirm,
        name="participant_confirm",
    ),
    path("events/<int:event_id>/days/<int:day_id>/check-in/", staff_views.check_in, name="check_in"),
    path(
        "events/<int:event_id>/days/<int:day_id>/check-in/<int:participant_id>/",
        staff_views.check_in_set,
        name="check_in_set",
    ),
    path(
        "events/<int:event_id>/days/<int:day_id>/sign-in-sheet/",
        staff_views.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path(
        "events/<int:event_id>/days/<int:day_id>/sign-in-sheet.pdf",
        staff_views.sign_in_sheet_pdf,
        name="sign_in_sheet_pdf",
    ),
    path("events/<int:event_id>/certificates/", staff_views.certificates, name="certificates"),
    path(
        "events/<int:event_id>/certificates/<int:participant_id>/pdf/",
        staff_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("events/<int:event_id>/evaluation/", staff_views.evaluation, name="evaluation"),
]
