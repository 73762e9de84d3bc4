from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"quick_exit_url": settings.REFUGIU["QUICK_EXIT_URL"]}
