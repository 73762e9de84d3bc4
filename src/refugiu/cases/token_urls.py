"""Personal API tokens of the signed-in person, under /staff/api-tokens/."""

from django.urls import path

from refugiu.cases import token_views

app_name = "tokens"

urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("new/", token_views.token_create, name="create"),
    path("<int:token_id>/revoke/", token_views.token_revoke, name="revoke"),
]
