from django.urls import path

from refugiu.organisation import views

app_name = "organisation"
urlpatterns = [
    path("about/", views.about, name="about"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
]
