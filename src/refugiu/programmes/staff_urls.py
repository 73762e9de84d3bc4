"""Programme staff's pages: events, registrations, check-in, sign-in sheets, certificates, evaluations."""

app_name = "programmes_staff"
urlpatterns: list = []
