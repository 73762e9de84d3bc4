"""URLs of the reports module (funder)."""

urlpatterns: list = []
