"""URLs of the reports module (reports made in the background)."""

from django.urls import path

from refugiu.reports import views_runs

urlpatterns = [
    path("runs/", views_runs.run_list, name="run_list"),
    path("runs/new/", views_runs.run_request, name="run_request"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/download/", views_runs.run_download, name="run_download"),
]
