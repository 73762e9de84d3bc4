from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "quick_exit_url": settings.REFUGIU["QUICK_EXIT_URL"],
        # (code, name in that language) for the language picker: see settings.LANGUAGES.
        "site_languages": settings.LANGUAGES,
    }
