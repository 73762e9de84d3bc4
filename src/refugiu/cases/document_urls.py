from django.urls import path

from refugiu.cases import document_views

app_name = "documents"

urlpatterns = [
    path("new/", document_views.upload, name="upload"),
    path("<int:document_id>/", document_views.download, name="download"),
]
