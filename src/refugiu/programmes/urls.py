from django.urls import path

from refugiu.programmes import views

app_name = "programmes"
urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("events/", views.event_list, name="events"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("publications/", views.publication_list, name="publications"),
]
