"""Every URL of the programmes module, in three lists with their own namespaces, as the project's URL
configuration includes them: the public pages ("programmes", at the site's root), programme staff's pages
("programmes_staff", under staff/programmes/) and their statistics ("programmes_statistics", under
staff/programmes/statistics/). Each URL needs an expectation in tests/programmes/test_permission_matrix.py.
"""

from django.urls import path

from refugiu.programmes.views import (
    about,
    files,
    public,
    registration,
    staff_events,
    staff_follow_up,
    staff_participants,
    statistics,
)

app_name = "programmes"
urlpatterns = [
    path("projects/", public.project_list, name="projects"),
    path("projects/<int:project_id>/", public.project_detail, name="project"),
    path("events/", public.event_list, name="events"),
    path("events/<int:event_id>/", public.event_detail, name="event"),
    path("events/<int:event_id>/calendar.ics", public.event_calendar, name="event_calendar"),
    path("publications/", public.publication_list, name="publications"),
    # Registration, cancellation, evaluation and certificates: public, no account.
    path("events/<int:event_id>/register/", registration.register, name="register"),
    path("registration/cancel/<str:token>/", registration.cancel, name="registration_cancel"),
    path("evaluation/<str:token>/", registration.evaluation, name="evaluation"),
    path("certificates/", registration.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", registration.certificate, name="certificate"),
    path("certificates/<str:code>/pdf/", registration.certificate_pdf, name="certificate_pdf"),
    # Partners, networks, campaigns and files.
    path("partners/", about.partner_list, name="partners"),
    path("campaigns/", about.campaign_list, name="campaigns"),
    path("publications/<int:publication_id>/file/", files.publication_file, name="publication_file"),
    path("campaigns/messages/<int:message_id>/image/", files.campaign_image, name="campaign_image"),
    path("events/photos/<int:photo_id>/", files.event_photo, name="event_photo"),
]

# Programme staff's pages: events, registrations, check-in, sign-in sheets, certificates, evaluations.
staff_urlpatterns = [
    path("", staff_events.event_list, name="events"),
    path("events/new/", staff_events.event_edit, name="event_create"),
    path("events/<int:event_id>/", staff_events.event_detail, name="event"),
    path("events/<int:event_id>/edit/", staff_events.event_edit, name="event_edit"),
    path("events/<int:event_id>/participants/", staff_participants.participants, name="participants"),
    path(
        "events/<int:event_id>/participants/<int:participant_id>/cancel/",
        staff_participants.participant_cancel,
        name="participant_cancel",
    ),
    path(
        "events/<int:event_id>/participants/<int:participant_id>/confirm/",
        staff_participants.participant_confirm,
        name="participant_confirm",
    ),
    path("events/<int:event_id>/days/<int:day_id>/check-in/", staff_participants.check_in, name="check_in"),
    path(
        "events/<int:event_id>/days/<int:day_id>/check-in/scan/",
        staff_participants.check_in_scan,
        name="check_in_scan",
    ),
    path(
        "events/<int:event_id>/days/<int:day_id>/check-in/<int:participant_id>/",
        staff_participants.check_in_set,
        name="check_in_set",
    ),
    path(
        "events/<int:event_id>/days/<int:day_id>/sign-in-sheet/",
        staff_participants.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path(
        "events/<int:event_id>/days/<int:day_id>/sign-in-sheet.pdf",
        staff_participants.sign_in_sheet_pdf,
        name="sign_in_sheet_pdf",
    ),
    path("events/<int:event_id>/certificates/", staff_follow_up.certificates, name="certificates"),
    path(
        "events/<int:event_id>/certificates/<int:participant_id>/pdf/",
        staff_follow_up.certificate_pdf,
        name="certificate_pdf",
    ),
    path("events/<int:event_id>/evaluation/", staff_follow_up.evaluation, name="evaluation"),
]

# Participants by profession, country and gender, and the funders' export.
statistics_urlpatterns = [
    path("", statistics.index, name="index"),
    path("export/", statistics.export, name="export"),
]

# For the project's `include()`: (patterns, namespace).
staff_urls = (staff_urlpatterns, "programmes_staff")
statistics_urls = (statistics_urlpatterns, "programmes_statistics")
