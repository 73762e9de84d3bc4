"""Where one-time messages ("Saved.", "You were signed out…") wait for the next page: Django's fallback
storage (a signed cookie, then the session past 2 KB), with the cookie named by settings.MESSAGE_COOKIE_NAME,
so that over HTTPS it carries the __Host- prefix like the session and CSRF cookies. Django's own cookie
storage has the name "messages" fixed in its class."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class NamedCookieStorage(CookieStorage):
    # A property, not the class attribute CookieStorage has: the setting is read at each use (tests change
    # it); nothing assigns it.
    @property
    def cookie_name(self) -> str:  # type: ignore[override]
        return settings.MESSAGE_COOKIE_NAME


class MessageStorage(FallbackStorage):
    storage_classes = (NamedCookieStorage, SessionStorage)
