"""Reports for staff: the annual activity report, funder reports, assistance statistics."""

app_name = "reports"
urlpatterns: list = []
