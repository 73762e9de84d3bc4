"""URLs of the reports module (annual)."""

urlpatterns: list = []
