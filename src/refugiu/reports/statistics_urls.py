"""URLs of the reports module (assistance statistics)."""

from django.urls import path

from refugiu.reports import views_statistics

urlpatterns = [
    path("statistics/", views_statistics.statistics_index, name="statistics"),
    path("statistics/download/", views_statistics.statistics_download, name="statistics_download"),
]
