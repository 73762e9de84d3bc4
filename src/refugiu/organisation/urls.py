from django.urls import path

from refugiu.organisation import views

app_name = "organisation"
urlpatterns = [
    path("about/", views.about, name="about"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("about/logo/", views.logo, name="logo"),
    path("about/cover-photo/", views.cover_photo, name="cover_photo"),
    path("staff/organisation/images/", views.images_edit, name="images"),
]
