"""Reports for staff: the annual activity report, funder reports, assistance statistics, the coordinators'
dashboard, and reports made in the background. Each part keeps its own URL module; they share this
namespace."""

from django.urls import include, path

app_name = "reports"
urlpatterns = [
    path("", include("refugiu.reports.annual_urls")),
    path("", include("refugiu.reports.funder_urls")),
    path("", include("refugiu.reports.statistics_urls")),
    path("", include("refugiu.reports.run_urls")),
]
