"""Participants by profession, country and gender, and the funders' export."""

from django.urls import path

from refugiu.programmes import statistics_views

app_name = "programmes_statistics"
urlpatterns = [
    path("", statistics_views.index, name="index"),
    path("export/", statistics_views.export, name="export"),
]
