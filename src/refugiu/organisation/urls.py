from django.urls import path

from refugiu.organisation import views

app_name = "organisation"
urlpatterns = [
    path("about/", views.about, name="about"),
]
