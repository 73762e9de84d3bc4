from django.urls import path

from refugiu.programmes import views, views_about, views_registration

app_name = "programmes"
urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("events/", views.event_list, name="events"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("publications/", views.publication_list, name="publications"),
    # Registration, cancellation, evaluation and certificates: public, no account (views_registration).
    path("events/<int:event_id>/register/", views_registration.register, name="register"),
    path("registration/cancel/<str:token>/", views_registration.cancel, name="registration_cancel"),
    path("evaluation/<str:token>/", views_registration.evaluation, name="evaluation"),
    path("certificates/", views_registration.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views_registration.certificate, name="certificate"),
    path("certificates/<str:code>/pdf/", views_registration.certificate_pdf, name="certificate_pdf"),
    # Partners, networks, campaigns and files (views_about).
    path("partners/", views_about.partner_list, name="partners"),
    path("campaigns/", views_about.campaign_list, name="campaigns"),
    path("publications/<int:publication_id>/file/", views_about.publication_file, name="publication_file"),
    path("campaigns/messages/<int:message_id>/image/", views_about.campaign_image, name="campaign_image"),
    path("events/photos/<int:photo_id>/", views_about.event_photo, name="event_photo"),
]
