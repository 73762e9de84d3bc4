"""URLs of the reports module (funder report and coordinators' dashboard)."""

from django.urls import path

from refugiu.reports import views_funder

urlpatterns = [
    path("funder/", views_funder.funder_index, name="funder"),
    path("funder/download/", views_funder.funder_download, name="funder_download"),
    path("dashboard/", views_funder.dashboard, name="dashboard"),
]
