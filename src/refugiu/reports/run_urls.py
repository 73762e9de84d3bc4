"""URLs of the reports module (run)."""

urlpatterns: list = []
