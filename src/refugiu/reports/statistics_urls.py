"""URLs of the reports module (statistics)."""

urlpatterns: list = []
