"""URLs of the reports module, all in the "reports" namespace (under /staff/reports/)."""

from django.urls import path

from refugiu.reports.views import annual, dashboard, funder, runs, statistics

app_name = "reports"
urlpatterns = [
    # The annual activity report.
    path("annual/", annual.annual_index, name="annual"),
    path("annual/<int:year>/foreword/", annual.annual_foreword, name="annual_foreword"),
    path("annual/<int:year>/<slug:format>/", annual.annual_download, name="annual_download"),
    # Funder reports and the coordinators' dashboard.
    path("funder/", funder.funder_index, name="funder"),
    path("funder/download/", funder.funder_download, name="funder_download"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Assistance statistics.
    path("statistics/", statistics.statistics_index, name="statistics"),
    path("statistics/download/", statistics.statistics_download, name="statistics_download"),
    # Reports made in the background.
    path("runs/", runs.run_list, name="run_list"),
    path("runs/new/", runs.run_request, name="run_request"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/download/", runs.run_download, name="run_download"),
]
