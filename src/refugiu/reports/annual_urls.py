"""URLs of the annual activity report (names "reports:annual…")."""

from django.urls import path

from refugiu.reports import views_annual

urlpatterns = [
    path("annual/", views_annual.annual_index, name="annual"),
    path("annual/<int:year>/foreword/", views_annual.annual_foreword, name="annual_foreword"),
    path("annual/<int:year>/<slug:format>/", views_annual.annual_download, name="annual_download"),
]
