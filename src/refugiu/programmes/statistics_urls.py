"""Participants by profession, country and gender, and the funders' export."""

app_name = "programmes_statistics"
urlpatterns: list = []
