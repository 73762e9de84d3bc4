from django.conf import settings


def site(request):
    return {"quick_exit_url": settings.REFUGIU["QUICK_EXIT_URL"]}
