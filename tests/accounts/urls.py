"""The project's URLs plus a stand-in for a private JSON API, until the case API exists."""

from django.http import JsonResponse
from django.urls import path

from refugiu.urls import urlpatterns as project_urlpatterns


def private_api(request):
    return JsonResponse({"ok": True, "user": request.user.username})


urlpatterns = [path("api/private-test/", private_api, name="private_api_test"), *project_urlpatterns]
